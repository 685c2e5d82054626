/* SPDX-License-Identifier: MIT */
/* test_validate_ids.c -- table-driven tests of the identifier checks (validate_ids.h).
 *
 * Every valid VAT number below is a real one: from python-stdnum's test files
 * (tests/test_eu_vat.doctest, test_gb_vat.doctest, test_no_mva.doctest, test_ch_vat.doctest)
 * and module examples, or quoted in the brief; each was checked with python-stdnum as a
 * second, independent implementation. Invalid ones are those numbers with a changed digit,
 * a wrong length or wrong characters. One table per country, one test per table, so a
 * failure names the country and the case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "validate/validate_ids.h"

#define OK FK_CODE_NONE
#define FMT FK_CODE_TAX_ID_FORMAT
#define SUM FK_CODE_TAX_ID_CHECKSUM
#define MIS FK_CODE_TAX_ID_COUNTRY_MISMATCH
#define UNS FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct taxid_case {
    const char *country;
    const char *input;
    fk_code want;
    const char *norm; /* expected normalised form when want == OK */
} taxid_case;

static const char *code_str(fk_code c)
{
    switch (c) {
    case FK_CODE_NONE: return "NONE";
    case FK_CODE_TAX_ID_FORMAT: return "TAX_ID_FORMAT";
    case FK_CODE_TAX_ID_CHECKSUM: return "TAX_ID_CHECKSUM";
    case FK_CODE_TAX_ID_COUNTRY_MISMATCH: return "TAX_ID_COUNTRY_MISMATCH";
    case FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED: return "TAX_ID_COUNTRY_UNSUPPORTED";
    case FK_CODE_IBAN_INVALID: return "IBAN_INVALID";
    case FK_CODE_BIC_INVALID: return "BIC_INVALID";
    default: return "?";
    }
}

static void run_taxid(const taxid_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const taxid_case *t = &cases[i];
        char norm[32];
        memset(norm, 'Z', sizeof norm);
        fk_code got = fk_taxid_check(t->input, t->country, norm, sizeof norm);
        if (got != t->want)
            fail_msg("%s \"%s\": got %s, want %s", t->country ? t->country : "(null)",
                     t->input ? t->input : "(null)", code_str(got), code_str(t->want));
        const char *want_norm = (t->want == OK) ? t->norm : "";
        if (memchr(norm, '\0', sizeof norm) == NULL || strcmp(norm, want_norm) != 0)
            fail_msg("%s \"%s\": norm \"%.32s\", want \"%s\"", t->country, t->input, norm,
                     want_norm);
    }
}

#define TAXID_TEST(name, table)                                                              \
    static void name(void **state)                                                           \
    {                                                                                        \
        (void)state;                                                                         \
        run_taxid(table, COUNT(table));                                                      \
    }

/* ---- VAT numbers per country ------------------------------------------------------- */

static const taxid_case at_cases[] = {
    {"AT", "ATU13585627", OK, "ATU13585627"},
    {"AT", "ATU 142 43 102", OK, "ATU14243102"},
    {"AT", "atu 65480455", OK, "ATU65480455"},
    {"AT", "U61195628", OK, "ATU61195628"},
    {"AT", "AT U46080404", OK, "ATU46080404"},
    {"AT", "ATU13585626", SUM, NULL},
    {"AT", "ATU 143 43 102", SUM, NULL},
    {"AT", "ATU15169209", SUM, NULL},
    {"AT", "ATU1358562", FMT, NULL},
    {"AT", "AT13585627", FMT, NULL},
    {"AT", "ATU 1515B209", FMT, NULL},
    {"AT", "ATU 151592092", FMT, NULL},
};

static const taxid_case be_cases[] = {
    {"BE", "BE0203201340", OK, "BE0203201340"},
    {"BE", "BE0428759497", OK, "BE0428759497"},
    {"BE", "BE 0202.239.951", OK, "BE0202239951"},
    {"BE", "BE (0)468.561.072", OK, "BE0468561072"},
    {"BE", "BE413562567", OK, "BE0413562567"}, /* old 9-digit form */
    {"BE", "BE1000003682", OK, "BE1000003682"}, /* 1-series */
    {"BE", "0897290877", OK, "BE0897290877"},
    {"BE", "BE0428759498", SUM, NULL},
    {"BE", "BE 456.973.432", SUM, NULL},
    {"BE", "BE 0406.139.583", SUM, NULL},
    {"BE", "BE2428759497", FMT, NULL}, /* first digit 0 or 1 only */
    {"BE", "BE 02A2.239.951", FMT, NULL},
    {"BE", "BE04287594971", FMT, NULL},
};

static const taxid_case bg_cases[] = {
    {"BG", "BG 103873594", OK, "BG103873594"},
    {"BG", "BG175074752", OK, "BG175074752"},
    {"BG", "Bg 200442771", OK, "BG200442771"},
    {"BG", "BG7523169263", OK, "BG7523169263"},
    {"BG", "BG8032056031", OK, "BG8032056031"},
    {"BG", "BG7111042925", OK, "BG7111042925"},
    {"BG", "BG 1037735942", SUM, NULL},
    {"BG", "BG 131 172 009", SUM, NULL},
    {"BG", "BG 10X8735941", FMT, NULL},
    {"BG", "BG12345678", FMT, NULL},
};

static const taxid_case cy_cases[] = {
    {"CY", "CY-10259033P", OK, "CY10259033P"},
    {"CY", "CY 10246672X", OK, "CY10246672X"},
    {"CY", "CY00632993 F", OK, "CY00632993F"},
    {"CY", "cy-10189098g", OK, "CY10189098G"},
    {"CY", "CY 10246672F", SUM, NULL},
    {"CY", "CY-10257074Y", SUM, NULL},
    {"CY", "CY-12259033P", FMT, NULL}, /* never starts with 12 */
    {"CY", "CY-102590Z3P", FMT, NULL},
    {"CY", "CY10259033", FMT, NULL},
};

static const taxid_case cz_cases[] = {
    {"CZ", "CZ 25123891", OK, "CZ25123891"},   /* legal entity */
    {"CZ", "CZ 450 33 145", OK, "CZ45033145"}, /* legal entity */
    {"CZ", "CZ 640903926", OK, "CZ640903926"}, /* special 9 digits starting with 6 */
    {"CZ", "CZ 654123789", OK, "CZ654123789"}, /* special */
    {"CZ", "CZ 6956220612", OK, "CZ6956220612"}, /* birth number */
    {"CZ", "CZ 736028/5163", OK, "CZ7360285163"}, /* birth number, woman */
    {"CZ", "7103192745", OK, "CZ7103192745"},
    {"CZ", "CZ 25557481", SUM, NULL},
    {"CZ", "CZ 8058018314", SUM, NULL},
    {"CZ", "CZ 640913926", SUM, NULL},
    {"CZ", "CZ 95123891", FMT, NULL}, /* legal entities never start with 9 */
    {"CZ", "CZ1234567", FMT, NULL},
    {"CZ", "CZ 2512389A", FMT, NULL},
};

static const taxid_case de_cases[] = {
    {"DE", "DE136695976", OK, "DE136695976"},
    {"DE", "de 136.695.976", OK, "DE136695976"},
    {"DE", "136695976", OK, "DE136695976"},
    {"DE", "DE 813 11 38 75", OK, "DE813113875"},
    {"DE", "DE - 113866163", OK, "DE113866163"},
    {"DE", "DE/221/304/969", OK, "DE221304969"},
    {"DE", "DE\xC2\xA0" "136\xC2\xA0" "695\xC2\xA0" "976", OK, "DE136695976"}, /* NBSP */
    {"DE", "DE136695977", SUM, NULL},
    {"DE", "DE 125014855", SUM, NULL},
    {"DE", "DE 011125440", FMT, NULL},
    {"DE", "DE13669597", FMT, NULL},
    {"DE", "DE 246X595 415", FMT, NULL},
    {"DE", "DE 136 695 976 \xE2\x82\xAC", FMT, NULL}, /* euro sign */
    {"DE", "DE\xFF" "136695976", FMT, NULL},            /* not UTF-8 */
    {"DE", "", FMT, NULL},
    {"DE", NULL, FMT, NULL},
};

static const taxid_case dk_cases[] = {
    {"DK", "DK 13 20 24 35", OK, "DK13202435"},
    {"DK", "DK-27630308", OK, "DK27630308"},
    {"DK", "DK: 21599336", OK, "DK21599336"},
    {"DK", "DK13585628", OK, "DK13585628"},
    {"DK", "DK 11 96 56 58", SUM, NULL},
    {"DK", "DK-27996592", SUM, NULL},
    {"DK", "DK 1320243", FMT, NULL},
    {"DK", "DK 03202435", FMT, NULL},
};

static const taxid_case ee_cases[] = {
    {"EE", "EE 100 931 558", OK, "EE100931558"},
    {"EE", "EE101256753", OK, "EE101256753"},
    {"EE", "100523487", OK, "EE100523487"},
    {"EE", "EE101256754", SUM, NULL},
    {"EE", "EE 100525487", SUM, NULL},
    {"EE", "EE10125675", FMT, NULL},
};

static const taxid_case gr_cases[] = {
    {"GR", "EL 094012834", OK, "EL094012834"},
    {"GR", "EL 94051189", OK, "EL094051189"}, /* 8 digits get the leading 0 */
    {"GR", "GR 998386804", OK, "EL998386804"}, /* GR typed for EL */
    {"GR", "El 800 179 925", OK, "EL800179925"},
    {"GR", "099548630", OK, "EL099548630"},
    {"GR", "EL 094013834", SUM, NULL},
    {"GR", "EL094501140", SUM, NULL},
    {"GR", "EL 1234567", FMT, NULL},
    {"GR", "EL 09401283A", FMT, NULL},
};

static const taxid_case es_cases[] = {
    {"ES", "ES A-28184661", OK, "ESA28184661"},   /* company, digit control */
    {"ES", "ES Q-2818015-F", OK, "ESQ2818015F"},  /* public body, letter control */
    {"ES", "ES R9600075G", OK, "ESR9600075G"},
    {"ES", "ES W4003922D", OK, "ESW4003922D"},
    {"ES", "ES 54362315K", OK, "ES54362315K"},    /* DNI */
    {"ES", "ES X-5253868-R", OK, "ESX5253868R"},  /* NIE */
    {"ES", "ES Y5277343F", OK, "ESY5277343F"},
    {"ES", "ES-x-2482300w", OK, "ESX2482300W"},
    {"ES", "M-1234567-L", OK, "ESM1234567L"},     /* foreigner without NIE */
    {"ES", "B64717838", OK, "ESB64717838"},
    {"ES", "ES 54362415K", SUM, NULL},
    {"ES", "ES-x-2322300w", SUM, NULL},
    {"ES", "Es-a48951310", SUM, NULL},
    {"ES", "ES Q2818015G", SUM, NULL},
    {"ES", "ES Q28180156", FMT, NULL},  /* Q takes a letter control */
    {"ES", "ES B-583784312", FMT, NULL},
    {"ES", "ES O1234567L", FMT, NULL},  /* O is no entity key */
    {"ES", "ES 543623150", FMT, NULL},  /* DNI control is a letter */
};

static const taxid_case fi_cases[] = {
    {"FI", "FI 0982651-1", OK, "FI09826511"},
    {"FI", "FI 20774740", OK, "FI20774740"},
    {"FI", "FI-22291240", OK, "FI22291240"},
    {"FI", "FI 20774741", SUM, NULL},
    {"FI", "FI 2077474", FMT, NULL},
};

static const taxid_case fr_cases[] = {
    {"FR", "FR 40 303 265 045", OK, "FR40303265045"},
    {"FR", "FR K 7399859412", OK, "FRK7399859412"}, /* new-style key */
    {"FR", "4Z123456782", OK, "FR4Z123456782"},     /* new-style key, digit first */
    {"FR", "fr 71383076817", OK, "FR71383076817"},
    {"FR", "FR32000000330", OK, "FR32000000330"},   /* Monaco: no SIREN */
    {"FR", "23334175221", OK, "FR23334175221"},
    {"FR", "FR 04409414264", SUM, NULL},
    {"FR", "FR K 7399859312", SUM, NULL},
    {"FR", "FR L 7399859412", SUM, NULL},
    {"FR", "FR 84 323 140 391", SUM, NULL},
    {"FR", "FR000076090", FMT, NULL},
    {"FR", "IO334175221", FMT, NULL}, /* I and O are not key characters */
    {"FR", "DE136695976", MIS, NULL}, /* 11 characters, yet a German number */
};

static const taxid_case hr_cases[] = {
    {"HR", "HR 33392005961", OK, "HR33392005961"},
    {"HR", "HR94577403194", OK, "HR94577403194"},
    {"HR", "69435151530", OK, "HR69435151530"},
    {"HR", "HR 33392005962", SUM, NULL},
    {"HR", "HR 3339200596", FMT, NULL},
};

static const taxid_case hu_cases[] = {
    {"HU", "HU 10672101", OK, "HU10672101"},
    {"HU", "HU-12892312", OK, "HU12892312"},
    {"HU", "HU -12509403", OK, "HU12509403"},
    {"HU", "HU 10672102", SUM, NULL},
    {"HU", "HU 1067210", FMT, NULL},
};

static const taxid_case ie_cases[] = {
    {"IE", "IE 6433435F", OK, "IE6433435F"},    /* pre-2013 */
    {"IE", "IE 6433435OA", OK, "IE6433435OA"},  /* 2013 format */
    {"IE", "IE6433435IH", OK, "IE6433435IH"},
    {"IE", "IE 8D79739I", OK, "IE8D79739I"},    /* old style */
    {"IE", "IE 8223200u", OK, "IE8223200U"},
    {"IE", "IE 9Y71814N", OK, "IE9Y71814N"},
    {"IE", "IE 6433435E", SUM, NULL},
    {"IE", "IE8D79729I", SUM, NULL},
    {"IE", "IE 632 3421 C", SUM, NULL},
    {"IE", "IE 4550C59S", FMT, NULL},
    {"IE", "IE 069385V8", FMT, NULL},
    {"IE", "8?79739J", FMT, NULL},
};

static const taxid_case it_cases[] = {
    {"IT", "IT 00743110157", OK, "IT00743110157"},
    {"IT", "IT 0 0 6 1 8 2 8 0 4 9 9", OK, "IT00618280499"},
    {"IT", "IT: 02331250163", OK, "IT02331250163"},
    {"IT", "12920760159", OK, "IT12920760159"},
    {"IT", "IT 00743110158", SUM, NULL},
    {"IT", "IT 00687129980", FMT, NULL}, /* office code 299 does not exist */
    {"IT", "IT 00000000000", FMT, NULL},
    {"IT", "IT 0074311015", FMT, NULL},
};

static const taxid_case lt_cases[] = {
    {"LT", "LT 119511515", OK, "LT119511515"},
    {"LT", "LT 100001919017", OK, "LT100001919017"},
    {"LT", "LT100004801610", OK, "LT100004801610"}, /* second weight set */
    {"LT", "LT 290068995116", OK, "LT290068995116"},
    {"LT", "LT 100001919018", SUM, NULL},
    {"LT", "LT 100001354", FMT, NULL},    /* 8th digit must be 1 */
    {"LT", "LT 100001509922", FMT, NULL}, /* 11th digit must be 1 */
    {"LT", "LT 1195115151", FMT, NULL},
};

static const taxid_case lu_cases[] = {
    {"LU", "LU 15027442", OK, "LU15027442"},
    {"LU", "LU 150 274 42", OK, "LU15027442"},
    {"LU", "LU.248.70.640", OK, "LU24870640"},
    {"LU", "LU 15027443", SUM, NULL},
    {"LU", "LU 1502744", FMT, NULL},
};

static const taxid_case lv_cases[] = {
    {"LV", "LV 4000 3521 600", OK, "LV40003521600"},
    {"LV", "LV 90000528023", OK, "LV90000528023"},
    {"LV", "161175-19997", OK, "LV16117519997"}, /* personal code with birth date */
    {"LV", "328673-00679", OK, "LV32867300679"}, /* personal code since 2017 */
    {"LV", "LV 40003521601", SUM, NULL},
    {"LV", "LV 90000528022", SUM, NULL},
    {"LV", "161375-19997", SUM, NULL}, /* month 13 */
    {"LV", "328673-00677", SUM, NULL},
    {"LV", "LV 4000352160", FMT, NULL},
};

static const taxid_case mt_cases[] = {
    {"MT", "MT 1167-9112", OK, "MT11679112"},
    {"MT", "MT 20630321", OK, "MT20630321"},
    {"MT", "MT 11679113", SUM, NULL},
    {"MT", "MT 01679112", FMT, NULL},
    {"MT", "MT 1167911", FMT, NULL},
};

static const taxid_case nl_cases[] = {
    {"NL", "NL 820605876B01", OK, "NL820605876B01"},
    {"NL", "NL4495445B01", OK, "NL004495445B01"}, /* leading zeros restored */
    {"NL", "NL002455799B11", OK, "NL002455799B11"}, /* 2020 sole trader, mod 97 */
    {"NL", "NL-8197.38.116.B.01", OK, "NL819738116B01"},
    {"NL", "NL 8225.69.759 b01", OK, "NL822569759B01"},
    {"NL", "NL 820605877B01", SUM, NULL},
    {"NL", "NL123456789B90", SUM, NULL},
    {"NL", "NL 001241643801", FMT, NULL},
    {"NL", "NL 009122746B00", FMT, NULL},
    {"NL", "NL006866304B021", FMT, NULL},
};

static const taxid_case pl_cases[] = {
    {"PL", "PL5260250274", OK, "PL5260250274"},
    {"PL", "pl 526-025-02-74", OK, "PL5260250274"},
    {"PL", "5260250274", OK, "PL5260250274"},
    {"PL", "PL 584-030-44-72", OK, "PL5840304472"},
    {"PL", "PL 777 26 68 285", OK, "PL7772668285"},
    {"PL", "PL5260250275", SUM, NULL},
    {"PL", "PL 584-030-44-73", SUM, NULL},
    {"PL", "PL526025027", FMT, NULL},
    {"PL", "PL 52602502A4", FMT, NULL},
};

static const taxid_case pt_cases[] = {
    {"PT", "PT 501 964 843", OK, "PT501964843"},
    {"PT", "PT-505 856 468", OK, "PT505856468"},
    {"PT", "PT 500135.495", OK, "PT500135495"},
    {"PT", "PT 501964844", SUM, NULL},
    {"PT", "PT 050196484", FMT, NULL},
};

static const taxid_case ro_cases[] = {
    {"RO", "RO 185 472 90", OK, "RO18547290"},
    {"RO", "RO 1822964", OK, "RO1822964"},
    {"RO", "RO 573768", OK, "RO573768"},
    {"RO", "Ro 15071875", OK, "RO15071875"},
    {"RO", "RO 185 472 91", SUM, NULL},
    {"RO", "RO 1630615123457", FMT, NULL}, /* a person's CNP is not a VAT number */
    {"RO", "RO 0185472", FMT, NULL},
    {"RO", "RO 1", FMT, NULL},
};

static const taxid_case se_cases[] = {
    {"SE", "SE 556058115801", OK, "SE556058115801"},
    {"SE", "SE-556666-4438-01", OK, "SE556666443801"},
    {"SE", "SE 123456789701", OK, "SE123456789701"},
    {"SE", "SE 123456789101", SUM, NULL},
    {"SE", "SE 55643359201", FMT, NULL},
    {"SE", "SE 556058115802", FMT, NULL}, /* always ends in 01 */
};

static const taxid_case si_cases[] = {
    {"SI", "SI 5022 3054", OK, "SI50223054"},
    {"SI", "SI-83815201", OK, "SI83815201"},
    {"SI", "SI 50223055", SUM, NULL},
    {"SI", "SI 05022305", FMT, NULL},
};

static const taxid_case sk_cases[] = {
    {"SK", "SK 202 274 96 19", OK, "SK2022749619"},
    {"SK", "SK 1078449064", OK, "SK1078449064"},
    {"SK", "SK 2021853504", OK, "SK2021853504"},
    {"SK", "SK 202 274 96 18", SUM, NULL},
    {"SK", "SK 2020457679", SUM, NULL},
    {"SK", "SK 012 274 96 19", FMT, NULL}, /* never starts with 0 */
    {"SK", "SK 2010 237 945", FMT, NULL},  /* third digit 2, 3, 4, 7, 8 or 9 */
    {"SK", "SK A078449064", FMT, NULL},
};

static const taxid_case gb_cases[] = {
    {"GB", "GB 980 7806 84", OK, "GB980780684"},
    {"GB", "980780684", OK, "GB980780684"},
    {"GB", "GB 100 1950 75", OK, "GB100195075"}, /* "9755" series */
    {"GB", "GB 242338087388", OK, "GB242338087388"}, /* branch trader */
    {"GB", "GBGD100", OK, "GBGD100"},               /* government department */
    {"GB", "HA501", OK, "GBHA501"},                 /* health authority */
    {"GB", "GB GD888810003", OK, "GBGD888810003"},
    {"GB", "XI 980 7806 84", OK, "XI980780684"},    /* Northern Ireland prefix */
    {"GB", "GB 802311781", SUM, NULL},
    {"GB", "001234567", SUM, NULL},
    {"GB", "HA888856700", SUM, NULL},
    {"GB", "GB 9807806842", FMT, NULL},
    {"GB", "GB 9807806B4", FMT, NULL},
    {"GB", "GD600", FMT, NULL},
    {"GB", "HA201", FMT, NULL},
};

static const taxid_case xi_cases[] = {
    {"XI", "XI 980 7806 84", OK, "XI980780684"},
    {"XI", "980780684", OK, "XI980780684"},
    {"XI", "GB980780684", OK, "GB980780684"}, /* the same UK registration */
    {"XI", "XI 802311781", SUM, NULL},
    {"XI", "XI 98078068", FMT, NULL},
};

static const taxid_case no_cases[] = {
    {"NO", "NO974760673MVA", OK, "NO974760673MVA"},
    {"NO", "NO 995 525 828 MVA", OK, "NO995525828MVA"},
    {"NO", "974760673", OK, "NO974760673MVA"}, /* MVA may be left out */
    {"NO", "no 974 760 673 mva", OK, "NO974760673MVA"},
    {"NO", "965 920 358 MVA", OK, "NO965920358MVA"},
    {"NO", "NO 995 525 829 MVA", SUM, NULL},
    {"NO", "NO974760674MVA", SUM, NULL},
    {"NO", "NO 99552582 MVA", FMT, NULL},
    {"NO", "NO 995525828 MWA", FMT, NULL},
};

static const taxid_case ch_cases[] = {
    {"CH", "CHE-123.456.788 MWST", OK, "CHE123456788MWST"},
    {"CH", "CHE-123.456.788 TVA", OK, "CHE123456788TVA"},
    {"CH", "CHE-107.787.577 IVA", OK, "CHE107787577IVA"},
    {"CH", "CHE-116.046.681 TPV", OK, "CHE116046681TPV"},
    {"CH", "CHE-108.113.335 MwST", OK, "CHE108113335MWST"},
    {"CH", "CHE-100.155.212", OK, "CHE100155212MWST"}, /* no suffix: MWST */
    {"CH", "123.456.788 mwst", OK, "CHE123456788MWST"},
    {"CH", "CHE-107.787.578 IVA", SUM, NULL},
    {"CH", "CHE-123.456.789 MWST", SUM, NULL},
    {"CH", "CHE-123.456.788 VAT", FMT, NULL},
    {"CH", "CHE-123.456.78 MWST", FMT, NULL},
};

/* Each country's numbers lose only the separators they are written with (python-stdnum's
 * compact() of the country), not one shared set (issue 15); the Unicode spaces count as
 * spaces and the Unicode dashes as dashes. */
static const taxid_case separator_cases[] = {
    {"BE", "BE 0203/201/340", OK, "BE0203201340"},
    {"BE", "BE-0203.201.340", OK, "BE0203201340"},
    {"BE", "(0)203201340", OK, "BE0203201340"},
    {"BE", "BE 0203:201:340", FMT, NULL},
    {"BE", "BE 0203(201)340", FMT, NULL}, /* only "(0)" for the leading zero */
    {"SK", "SK 2022-749-619", OK, "SK2022749619"},
    {"SK", "SK\xE2\x80\x93" "2022\xE2\x80\x91" "749619", OK, "SK2022749619"},
    {"SK", "SK 2022.749.619", FMT, NULL},
    {"SK", "SK 2022/749/619", FMT, NULL},
    {"EE", "EE\xC2\xA0" "100\xE2\x80\x89" "931\t558", OK, "EE100931558"},
    {"EE", "EE-100931558", FMT, NULL},
    {"NO", "NO 974-760-673 MVA", FMT, NULL},
    {"CZ", "CZ 2512/3891", OK, "CZ25123891"},
    {"CZ", "CZ 25-12-38-91", FMT, NULL},
    {"PL", "PL 526.025.02.74", FMT, NULL},
    {"DE", "DE 136,695,976", OK, "DE136695976"},
    {"DE", "DE (136) 695 976", FMT, NULL},
    {"DE", "DE_136695976", FMT, NULL},
    {"DK", "DK 13,20,24,35", OK, "DK13202435"},
    {"IT", "IT:00743110157", OK, "IT00743110157"},
    {"IT", "IT 007.431.101.57", FMT, NULL},
    {"LU", "LU:150.274-42", OK, "LU15027442"},
    {"GR", "EL:094/012.834", OK, "EL094012834"},
    {"SE", "SE 556058.1158.01", OK, "SE556058115801"},
    {"SE", "SE 556058/1158/01", FMT, NULL},
    /* another country's number is named as such, however it is written */
    {"EE", "PL 526-025-02-74", MIS, NULL},
    {"NO", "DE.136.695.976", MIS, NULL},
    {"SK", "CZ 2512/3891", MIS, NULL},
};

/* The order's country against the number's prefix, and countries faktura cannot check. */
static const taxid_case country_cases[] = {
    {"DE", "PL5260250274", MIS, NULL},
    {"PL", "DE136695976", MIS, NULL},
    {"AT", "DEU13585627", MIS, NULL},
    {"GB", "IE6433435F", MIS, NULL},
    {"DE", "EL094012834", MIS, NULL},
    {"DE", "XI980780684", MIS, NULL},
    {"NO", "SE556058115801", MIS, NULL},
    {"DE", "CHE-123.456.788 MWST", MIS, NULL},
    {"CH", "DE136695976", MIS, NULL},
    {"FR", "DE 136 695 976", MIS, NULL},
    {"DE", "US136695976", MIS, NULL}, /* any ISO code that is not the order's */
    {"pl", "5260250274", OK, "PL5260250274"}, /* country in lower case */
    {"US", "123456789", UNS, NULL},
    {"LI", "CHE-123.456.788 MWST", UNS, NULL},
    {"ZZ", "DE136695976", UNS, NULL}, /* not even an ISO code: still UNSUPPORTED */
    {"EL", "EL094012834", UNS, NULL}, /* EL is a VAT prefix, not a country */
    {NULL, "DE136695976", UNS, NULL},
    {"", "DE136695976", UNS, NULL},
    {"D", "DE136695976", UNS, NULL},
    {"DEU", "DE136695976", UNS, NULL},
};

TAXID_TEST(test_vat_at, at_cases)
TAXID_TEST(test_vat_be, be_cases)
TAXID_TEST(test_vat_bg, bg_cases)
TAXID_TEST(test_vat_cy, cy_cases)
TAXID_TEST(test_vat_cz, cz_cases)
TAXID_TEST(test_vat_de, de_cases)
TAXID_TEST(test_vat_dk, dk_cases)
TAXID_TEST(test_vat_ee, ee_cases)
TAXID_TEST(test_vat_gr, gr_cases)
TAXID_TEST(test_vat_es, es_cases)
TAXID_TEST(test_vat_fi, fi_cases)
TAXID_TEST(test_vat_fr, fr_cases)
TAXID_TEST(test_vat_hr, hr_cases)
TAXID_TEST(test_vat_hu, hu_cases)
TAXID_TEST(test_vat_ie, ie_cases)
TAXID_TEST(test_vat_it, it_cases)
TAXID_TEST(test_vat_lt, lt_cases)
TAXID_TEST(test_vat_lu, lu_cases)
TAXID_TEST(test_vat_lv, lv_cases)
TAXID_TEST(test_vat_mt, mt_cases)
TAXID_TEST(test_vat_nl, nl_cases)
TAXID_TEST(test_vat_pl, pl_cases)
TAXID_TEST(test_vat_pt, pt_cases)
TAXID_TEST(test_vat_ro, ro_cases)
TAXID_TEST(test_vat_se, se_cases)
TAXID_TEST(test_vat_si, si_cases)
TAXID_TEST(test_vat_sk, sk_cases)
TAXID_TEST(test_vat_gb, gb_cases)
TAXID_TEST(test_vat_xi, xi_cases)
TAXID_TEST(test_vat_no, no_cases)
TAXID_TEST(test_vat_ch, ch_cases)
TAXID_TEST(test_vat_country, country_cases)
TAXID_TEST(test_vat_separators, separator_cases)

/* Every supported country has a table above. */
static void test_vat_all_countries_supported(void **state)
{
    (void)state;
    static const char *const supported[] = {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "GR", "ES", "FI", "FR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "GB",
        "XI", "NO", "CH"};
    assert_int_equal(COUNT(supported), 31);
    for (size_t i = 0; i < COUNT(supported); i++)
        assert_int_not_equal(fk_taxid_check("1", supported[i], NULL, 0), UNS);
}

/* norm is always terminated and never written past normsz, even when too small. */
static void test_vat_norm_buffer(void **state)
{
    (void)state;
    char buf[20];
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(fk_taxid_check("PL5260250274", "PL", buf, 12), OK);
    assert_string_equal(buf, ""); /* 13 bytes needed: no truncated number */
    for (size_t i = 12; i < sizeof buf; i++)
        assert_int_equal(buf[i], 'Z');
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(fk_taxid_check("PL5260250274", "PL", buf, 13), OK);
    assert_string_equal(buf, "PL5260250274");
    assert_int_equal(buf[13], 'Z');
    assert_int_equal(fk_taxid_check("PL5260250274", "PL", NULL, 0), OK);
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(fk_taxid_check("PL5260250274", "PL", buf, 0), OK);
    assert_int_equal(buf[0], 'Z');
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(fk_taxid_check("PL5260250275", "PL", buf, 1), SUM);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'Z');
}

/* Hostile input: very long strings and arbitrary bytes never crash. */
static void test_vat_hostile_input(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *s = malloc(big + 32);
    assert_non_null(s);
    memset(s, '1', big);
    s[big] = '\0';
    assert_int_equal(fk_taxid_check(s, "DE", NULL, 0), FMT);
    /* a megabyte of separators around a valid number is still that number */
    memset(s, ' ', big);
    memcpy(s + big, "DE136695976", 12);
    char norm[32];
    assert_int_equal(fk_taxid_check(s, "DE", norm, sizeof norm), OK);
    assert_string_equal(norm, "DE136695976");
    /* every byte value at every position of a valid number */
    for (int pos = 0; pos < 11; pos++) {
        for (int c = 1; c < 256; c++) {
            char t[12];
            memcpy(t, "DE136695976", 12);
            t[pos] = (char)c;
            fk_code r = fk_taxid_check(t, "DE", norm, sizeof norm);
            assert_true(r == OK || r == FMT || r == SUM || r == MIS);
            assert_non_null(memchr(norm, '\0', sizeof norm));
        }
    }
    free(s);
}

/* ---- countries ---------------------------------------------------------------------- */

static void test_country_known(void **state)
{
    (void)state;
    static const struct {
        const char *cc;
        bool known;
    } cases[] = {
        {"DE", true},  {"PL", true},  {"NO", true},  {"GB", true},  {"GR", true},
        {"XI", true},  {"AD", true},  {"ZW", true},  {"AX", true},  {"BQ", true},
        {"CW", true},  {"SS", true},  {"SX", true},  {"PS", true},  {"AQ", true},
        {"EL", false}, {"UK", false}, {"EU", false}, {"XK", false}, {"AN", false},
        {"CS", false}, {"YU", false}, {"ZZ", false}, {"de", false}, {"De", false},
        {"D", false},  {"DEU", false}, {"", false},  {NULL, false}, {"D1", false},
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        if (fk_country_known(cases[i].cc) != cases[i].known)
            fail_msg("fk_country_known(%s) != %d", cases[i].cc ? cases[i].cc : "(null)",
                     cases[i].known);
    /* exactly the 249 officially assigned ISO 3166-1 codes plus XI */
    int n = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++) {
            char cc[3] = {a, b, '\0'};
            n += fk_country_known(cc);
        }
    assert_int_equal(n, 250);
}

/* ---- IBAN --------------------------------------------------------------------------- */

typedef struct iban_case {
    const char *input;
    bool valid;
    const char *norm;
} iban_case;

static const iban_case iban_cases[] = {
    {"DE89370400440532013000", true, "DE89370400440532013000"},
    {"GB82WEST12345698765432", true, "GB82WEST12345698765432"},
    {"NO9386011117947", true, "NO9386011117947"},
    {"PL61109010140000071219812874", true, "PL61109010140000071219812874"},
    {"FR1420041010050500013M02606", true, "FR1420041010050500013M02606"},
    {"de89 3704 0044 0532 0130 00", true, "DE89370400440532013000"},
    {"GR16 0110 1050 0000 1054 7023 795", true, "GR1601101050000010547023795"},
    {"BE31435411161155", true, "BE31435411161155"},
    {"CH93\t0076 2011 6238 5295 7", true, "CH9300762011623852957"},
    {"MT84MALT011000012345MTLCAST001S", true, "MT84MALT011000012345MTLCAST001S"},
    {"LC55HEMM000100010012001200023015", true, "LC55HEMM000100010012001200023015"},
    {"DE\xC2\xA0" "89370400440532013000", true, "DE89370400440532013000"},
    /* as people and banks print them: groups between dashes or dots (issue 15) */
    {"ES15-0049-1806-9121-1186-9374", true, "ES1500491806912111869374"},
    {"NO. 8815944736139", true, "NO8815944736139"},
    {"BE 43.4679.1170.4101", true, "BE43467911704101"},
    {"DE89-3704-0044-0532-0130-00", true, "DE89370400440532013000"},
    {"DE89\xE2\x80\x93" "3704\xE2\x80\x90" "0044\xE2\x80\x95" "0532\xE2\x88\x92" "013000", true,
     "DE89370400440532013000"}, /* en dash, hyphen, horizontal bar, minus sign */
    {"de89.3704.0044.0532.0130.00", true, "DE89370400440532013000"},
    /* one changed character */
    {"DE89370400440532013001", false, NULL},
    {"GB82WEST12345698765433", false, NULL},
    {"NO9386011117948", false, NULL},
    {"PL61109010140000071219812875", false, NULL},
    {"FR1420041010050500013M02607", false, NULL},
    {"DE88370400440532013000", false, NULL},
    /* wrong length for the country */
    {"DE8937040044053201300", false, NULL},
    {"DE893704004405320130000", false, NULL},
    {"NO93860111179471", false, NULL},
    /* passes mod 97 but has a letter where the registry wants digits */
    {"DE893S0400440532013000", false, NULL},
    /* check digits outside 02..98 */
    {"NO9L86011117947", false, NULL},
    /* countries without IBAN */
    {"US64SVBKUS6S3300958879", false, NULL},
    {"XX89370400440532013000", false, NULL},
    /* characters: nothing but spaces, dashes and dots between the groups */
    {"DE89/3704/0044/0532/0130/00", false, NULL},
    {"DE89_3704_0044_0532_0130_00", false, NULL},
    {"DE89:3704:0044:0532:0130:00", false, NULL},
    {"DE89,370400440532013000", false, NULL},
    {"(DE89) 370400440532013000", false, NULL},
    {"DE89+370400440532013000", false, NULL},
    {"DE89370400440532013000\xFF", false, NULL},
    {"DE89 3704 0044 0532 0130 00 0000 0000 0000 0000", false, NULL},
    {"", false, NULL},
    {"DE", false, NULL},
    {NULL, false, NULL},
};

static void test_iban(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(iban_cases); i++) {
        const iban_case *t = &iban_cases[i];
        char norm[40];
        memset(norm, 'Z', sizeof norm);
        fk_code got = fk_iban_check(t->input, norm, sizeof norm);
        fk_code want = t->valid ? FK_CODE_NONE : FK_CODE_IBAN_INVALID;
        if (got != want)
            fail_msg("IBAN \"%s\": got %s, want %s", t->input ? t->input : "(null)",
                     code_str(got), code_str(want));
        if (strcmp(norm, t->valid ? t->norm : "") != 0)
            fail_msg("IBAN \"%s\": norm \"%s\"", t->input, norm);
    }
}

/* Check digits 02..98 only: with the right BBAN, 99 = 2 (mod 97) would pass mod 97. */
static void test_iban_check_digit_range(void **state)
{
    (void)state;
    /* find a German BBAN whose check digits are 02, then try 99 */
    char iban[23];
    bool found = false;
    for (unsigned long acct = 1; acct < 10000 && !found; acct++) {
        snprintf(iban, sizeof iban, "DE0237040044%010lu", acct);
        found = (fk_iban_check(iban, NULL, 0) == FK_CODE_NONE);
    }
    assert_true(found);
    iban[2] = '9';
    iban[3] = '9';
    assert_int_equal(fk_iban_check(iban, NULL, 0), FK_CODE_IBAN_INVALID);
}

static void test_iban_norm_buffer(void **state)
{
    (void)state;
    char buf[24];
    memset(buf, 'Z', sizeof buf);
    assert_int_equal(fk_iban_check("DE89370400440532013000", buf, 22), FK_CODE_NONE);
    assert_string_equal(buf, "");
    assert_int_equal(buf[1], 'Z');
    assert_int_equal(fk_iban_check("DE89370400440532013000", buf, 23), FK_CODE_NONE);
    assert_string_equal(buf, "DE89370400440532013000");
    assert_int_equal(buf[23], 'Z');
}

/* ---- BIC ---------------------------------------------------------------------------- */

typedef struct bic_case {
    const char *input;
    const char *iban_country;
    bool valid;
} bic_case;

static const bic_case bic_cases[] = {
    {"DEUTDEFF", NULL, true},
    {"DEUTDEFF500", NULL, true},
    {"deut de ff", "", true},
    {"AGRIFRPP882", "FR", true},
    {"DEUTDEFF", "DE", true},
    {"DEUTDEFF", "de", true},
    {"NDEANOKK", "NO", true},
    {"BREXPLPWMBK", "PL", true},
    {"RBOSGGSX", "GB", true},  /* Guernsey bank, GB IBAN */
    {"ABCDGPGX", "FR", true},  /* Guadeloupe: FR IBAN */
    {"ABCDXKPR", "XK", true},  /* Kosovo uses XK */
    {"DEUTDEFF", "FR", false}, /* country differs from the IBAN's */
    {"RBOSGGSX", "FR", false},
    {"DEUTDEF", NULL, false},
    {"DEUTDEFF5", NULL, false},
    {"DEUTDEFF50", NULL, false},
    {"DEUTDEFF5000", NULL, false},
    {"DEU1DEFF", NULL, false}, /* institution code is letters */
    {"DEUTD1FF", NULL, false}, /* country code is letters */
    {"DEUTQQFF", NULL, false}, /* no such country */
    {"DEUT-DE-FF", NULL, false},
    {"DEUTDEF\xFF", NULL, false},
    {"", NULL, false},
    {NULL, "DE", false},
};

static void test_bic(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(bic_cases); i++) {
        const bic_case *t = &bic_cases[i];
        fk_code got = fk_bic_check(t->input, t->iban_country);
        fk_code want = t->valid ? FK_CODE_NONE : FK_CODE_BIC_INVALID;
        if (got != want)
            fail_msg("BIC \"%s\" (%s): got %s, want %s", t->input ? t->input : "(null)",
                     t->iban_country ? t->iban_country : "(null)", code_str(got),
                     code_str(want));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vat_at),      cmocka_unit_test(test_vat_be),
        cmocka_unit_test(test_vat_bg),      cmocka_unit_test(test_vat_cy),
        cmocka_unit_test(test_vat_cz),      cmocka_unit_test(test_vat_de),
        cmocka_unit_test(test_vat_dk),      cmocka_unit_test(test_vat_ee),
        cmocka_unit_test(test_vat_gr),      cmocka_unit_test(test_vat_es),
        cmocka_unit_test(test_vat_fi),      cmocka_unit_test(test_vat_fr),
        cmocka_unit_test(test_vat_hr),      cmocka_unit_test(test_vat_hu),
        cmocka_unit_test(test_vat_ie),      cmocka_unit_test(test_vat_it),
        cmocka_unit_test(test_vat_lt),      cmocka_unit_test(test_vat_lu),
        cmocka_unit_test(test_vat_lv),      cmocka_unit_test(test_vat_mt),
        cmocka_unit_test(test_vat_nl),      cmocka_unit_test(test_vat_pl),
        cmocka_unit_test(test_vat_pt),      cmocka_unit_test(test_vat_ro),
        cmocka_unit_test(test_vat_se),      cmocka_unit_test(test_vat_si),
        cmocka_unit_test(test_vat_sk),      cmocka_unit_test(test_vat_gb),
        cmocka_unit_test(test_vat_xi),      cmocka_unit_test(test_vat_no),
        cmocka_unit_test(test_vat_ch),      cmocka_unit_test(test_vat_country),
        cmocka_unit_test(test_vat_separators),
        cmocka_unit_test(test_vat_all_countries_supported),
        cmocka_unit_test(test_vat_norm_buffer),
        cmocka_unit_test(test_vat_hostile_input),
        cmocka_unit_test(test_country_known),
        cmocka_unit_test(test_iban),
        cmocka_unit_test(test_iban_check_digit_range),
        cmocka_unit_test(test_iban_norm_buffer),
        cmocka_unit_test(test_bic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
