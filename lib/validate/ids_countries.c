/* SPDX-License-Identifier: MIT */
/* ids_countries.c -- the identifier checks' tables by country: the ISO 3166 codes, the
 * countries whose VAT numbers faktura checks (prefix, separators, algorithm), and the IBAN
 * registry's account formats. One row a country, so adding or correcting a country is an
 * edit of one line (and of its algorithm in ids_vat_rules.c). */
#include "validate/ids_impl.h"

/* ISO 3166-1 alpha-2, every officially assigned code (249), sorted. Source: Debian's
 * iso-codes 4.15 (iso_3166-1.json), matching the ISO 3166 Maintenance Agency list. */
static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCD"
    "CFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGF"
    "GGGHGIGLGMGNGPGQGRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKN"
    "KPKRKWKYKZLALBLCLILKLRLSLTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNA"
    "NCNENFNGNINLNONPNRNUNZOMPAPEPFPGPHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSI"
    "SJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVI"
    "VNVUWFWSYEYTZAZMZW";

bool fk_country_known(const char *cc)
{
    if (cc == NULL || !ids_is_upper(cc[0]) || !ids_is_upper(cc[1]) || cc[2] != '\0')
        return false;
    /* XI is not an ISO code: the EU and HMRC use it for Northern Ireland (VAT, EORI), and
     * orders carry it as the customer's country. */
    if (cc[0] == 'X' && cc[1] == 'I')
        return true;
    size_t lo = 0, hi = (sizeof iso3166 - 1) / 2;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(iso3166 + 2 * mid, cc, 2);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* The VAT countries: EU 27 + Northern Ireland (XI), United Kingdom, Norway, Switzerland;
 * sorted by cc. The separators are those python-stdnum's compact() of the country strips
 * (stdnum/<cc>/<module>.py), nothing more: a Slovak number is written with spaces or
 * dashes, never dots; Belgium also writes "(0)" for the leading zero ("BE (0)468.561.072").
 * ' ' also stands for a tab and the Unicode spaces, '-' for the Unicode hyphens and
 * dashes (ids_separator), as stdnum maps them before it strips. */
static const fk_vat_country vat_countries[] = {
    {"AT", "AT", " -./", false, fk_vat__at},  {"BE", "BE", " -./", true, fk_vat__be},
    {"BG", "BG", " -.", false, fk_vat__bg},   {"CH", "CH", " -.", false, fk_vat__ch},
    {"CY", "CY", " -", false, fk_vat__cy},    {"CZ", "CZ", " /", false, fk_vat__cz},
    {"DE", "DE", " -./,", false, fk_vat__de}, {"DK", "DK", " -.,/:", false, fk_vat__dk},
    {"EE", "EE", " ", false, fk_vat__ee},     {"ES", "ES", " -", false, fk_vat__es},
    {"FI", "FI", " -", false, fk_vat__fi},    {"FR", "FR", " -.", false, fk_vat__fr},
    {"GB", "GB", " -.", false, fk_vat__gb},   {"GR", "EL", " -./:", false, fk_vat__el},
    {"HR", "HR", " -", false, fk_vat__hr},    {"HU", "HU", " -", false, fk_vat__hu},
    {"IE", "IE", " -", false, fk_vat__ie},    {"IT", "IT", " -:", false, fk_vat__it},
    {"LT", "LT", " -", false, fk_vat__lt},    {"LU", "LU", " -.:", false, fk_vat__lu},
    {"LV", "LV", " -", false, fk_vat__lv},    {"MT", "MT", " -", false, fk_vat__mt},
    {"NL", "NL", " -.", false, fk_vat__nl},   {"NO", "NO", " ", false, fk_vat__no},
    {"PL", "PL", " -", false, fk_vat__pl},    {"PT", "PT", " -.", false, fk_vat__pt},
    {"RO", "RO", " -", false, fk_vat__ro},    {"SE", "SE", " -.", false, fk_vat__se},
    {"SI", "SI", " -", false, fk_vat__si},    {"SK", "SK", " -", false, fk_vat__sk},
    {"XI", "XI", " -.", false, fk_vat__gb},
};

const fk_vat_country *fk_vat__country(const char *cc)
{
    for (size_t i = 0; i < sizeof vat_countries / sizeof vat_countries[0]; i++)
        if (memcmp(vat_countries[i].cc, cc, 3) == 0)
            return &vat_countries[i];
    return NULL;
}

bool fk_vat__prefix_known(const char *p)
{
    if (memcmp(p, "GR", 3) == 0)
        return true;
    for (size_t i = 0; i < sizeof vat_countries / sizeof vat_countries[0]; i++)
        if (memcmp(vat_countries[i].prefix, p, 3) == 0)
            return true;
    return false;
}

/* BBAN structure per country in the SWIFT IBAN registry's notation (n digits, a upper-case
 * letters, c either; "8!n10!n" = 8 digits then 10 digits); the IBAN length is 4 + their sum.
 * Every country of the registry (89, including XK Kosovo). Sources: the registry as copied
 * in python-stdnum stdnum/iban.dat (82 countries); the later additions FK, HN, MN, NI, OM,
 * SO, YE from NibblePoker iban.mjs ("SWIFT ... Updated December 2024"); all 89 lengths
 * cross-checked with a second table ("IBAN_LENGTHS ... source: swift.com
 * iban-registry_1.txt"). */
typedef struct iban_format {
    char cc[3];
    const char *bban;
} iban_format;

static const iban_format iban_formats[] = {
    {"AD", "4!n4!n12!c"}, {"AE", "3!n16!n"}, {"AL", "8!n16!c"}, {"AT", "5!n11!n"},
    {"AZ", "4!a20!c"}, {"BA", "3!n3!n8!n2!n"}, {"BE", "3!n7!n2!n"}, {"BG", "4!a4!n2!n8!c"},
    {"BH", "4!a14!c"}, {"BI", "5!n5!n11!n2!n"}, {"BR", "8!n5!n10!n1!a1!c"},
    {"BY", "4!c4!n16!c"}, {"CH", "5!n12!c"}, {"CR", "4!n14!n"}, {"CY", "3!n5!n16!c"},
    {"CZ", "4!n6!n10!n"}, {"DE", "8!n10!n"}, {"DJ", "5!n5!n11!n2!n"}, {"DK", "4!n9!n1!n"},
    {"DO", "4!c20!n"}, {"EE", "2!n2!n11!n1!n"}, {"EG", "4!n4!n17!n"},
    {"ES", "4!n4!n1!n1!n10!n"}, {"FI", "3!n11!n"}, {"FK", "2!a12!n"}, {"FO", "4!n9!n1!n"},
    {"FR", "5!n5!n11!c2!n"}, {"GB", "4!a6!n8!n"}, {"GE", "2!a16!n"}, {"GI", "4!a15!c"},
    {"GL", "4!n9!n1!n"}, {"GR", "3!n4!n16!c"}, {"GT", "4!c20!c"}, {"HN", "4!a20!n"},
    {"HR", "7!n10!n"}, {"HU", "3!n4!n1!n15!n1!n"}, {"IE", "4!a6!n8!n"}, {"IL", "3!n3!n13!n"},
    {"IQ", "4!a3!n12!n"}, {"IS", "4!n2!n6!n10!n"}, {"IT", "1!a5!n5!n12!c"},
    {"JO", "4!a4!n18!c"}, {"KW", "4!a22!c"}, {"KZ", "3!n13!c"}, {"LB", "4!n20!c"},
    {"LC", "4!a24!c"}, {"LI", "5!n12!c"}, {"LT", "5!n11!n"}, {"LU", "3!n13!c"},
    {"LV", "4!a13!c"}, {"LY", "3!n3!n15!n"}, {"MC", "5!n5!n11!c2!n"}, {"MD", "2!c18!c"},
    {"ME", "3!n13!n2!n"}, {"MK", "3!n10!c2!n"}, {"MN", "4!n12!n"}, {"MR", "5!n5!n11!n2!n"},
    {"MT", "4!a5!n18!c"}, {"MU", "4!a2!n2!n12!n3!n3!a"}, {"NI", "4!a20!n"}, {"NL", "4!a10!n"},
    {"NO", "4!n6!n1!n"}, {"OM", "3!n16!c"}, {"PK", "4!a16!c"}, {"PL", "8!n16!n"},
    {"PS", "4!a21!c"}, {"PT", "4!n4!n11!n2!n"}, {"QA", "4!a21!c"}, {"RO", "4!a16!c"},
    {"RS", "3!n13!n2!n"}, {"RU", "9!n5!n15!c"}, {"SA", "2!n18!c"}, {"SC", "4!a2!n2!n16!n3!a"},
    {"SD", "2!n12!n"}, {"SE", "3!n16!n1!n"}, {"SI", "5!n8!n2!n"}, {"SK", "4!n6!n10!n"},
    {"SM", "1!a5!n5!n12!c"}, {"SO", "4!n3!n12!n"}, {"ST", "4!n4!n11!n2!n"}, {"SV", "4!a20!n"},
    {"TL", "3!n14!n2!n"}, {"TN", "2!n3!n13!n2!n"}, {"TR", "5!n1!n16!c"}, {"UA", "6!n19!c"},
    {"VA", "3!n15!n"}, {"VG", "4!a16!n"}, {"XK", "4!n10!n2!n"}, {"YE", "4!a4!n18!c"},
};

const char *fk_iban__bban_format(const char *cc)
{
    for (size_t i = 0; i < sizeof iban_formats / sizeof iban_formats[0]; i++)
        if (memcmp(iban_formats[i].cc, cc, 2) == 0)
            return iban_formats[i].bban;
    return NULL;
}
