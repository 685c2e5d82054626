/* SPDX-License-Identifier: MIT */
/* fuzz_taxid.c -- libFuzzer target: VAT numbers (fk_taxid_check).
 *
 * Input: the first two bytes are the order's country, the rest the VAT number as typed.
 * Checked: the result is one of the documented codes; a valid number's normalised form is
 * short, upper-case alphanumeric, starts with the country's VAT prefix and is itself valid
 * with the same normal form (idempotent); the answer does not depend on the case of the
 * country or the number, nor on whether a normal form is asked for; the normal form is
 * written only whole, into buffers of every size (each allocated to its exact size, so
 * AddressSanitizer sees a single byte too many); written with separators between all its
 * characters, it is valid again exactly when the country writes its numbers with that
 * separator (python-stdnum's compact() of the country, restated here) and otherwise has
 * the wrong format. */
#include <ctype.h>
#include "validate/validate_ids.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void check_prefix(const char *norm, const char *cc)
{
    char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]), 0};
    if (!strcmp(up, "GR"))
        FUZZ_CHECK(!strncmp(norm, "EL", 2));
    else if (!strcmp(up, "GB") || !strcmp(up, "XI"))
        FUZZ_CHECK(!strncmp(norm, "GB", 2) || !strncmp(norm, "XI", 2));
    else
        FUZZ_CHECK(!strncmp(norm, up, 2));
}

/* The separators each country's numbers are written with (a reference for
 * ids_countries.c's table, from python-stdnum). */
static const struct {
    const char *cc, *seps;
} country_seps[] = {
    {"AT", " -./"}, {"BE", " -./"},  {"BG", " -."},    {"CH", " -."},  {"CY", " -"},
    {"CZ", " /"},   {"DE", " -./,"}, {"DK", " -.,/:"}, {"EE", " "},    {"ES", " -"},
    {"FI", " -"},   {"FR", " -."},   {"GB", " -."},    {"GR", " -./:"}, {"HR", " -"},
    {"HU", " -"},   {"IE", " -"},    {"IT", " -:"},    {"LT", " -"},   {"LU", " -.:"},
    {"LV", " -"},   {"MT", " -"},    {"NL", " -."},    {"NO", " "},    {"PL", " -"},
    {"PT", " -."},  {"RO", " -"},    {"SE", " -."},    {"SI", " -"},   {"SK", " -"},
    {"XI", " -."},
};

static void check_separators(const char *norm, const char *cc)
{
    char up[3] = {(char)toupper((unsigned char)cc[0]), (char)toupper((unsigned char)cc[1]), 0};
    const char *allowed = NULL;
    for (size_t i = 0; i < sizeof(country_seps) / sizeof(country_seps[0]); i++)
        if (strcmp(country_seps[i].cc, up) == 0)
            allowed = country_seps[i].seps;
    FUZZ_CHECK(allowed != NULL);
    static const char *const seps[] = {" ", "-", ".", "/", ":", ",", "\t", "\xC2\xA0",
                                       "\xE2\x80\x93", "\xE2\x88\x92"};
    static const char stands_for[] = {' ', '-', '.', '/', ':', ',', ' ', ' ', '-', '-'};
    char spaced[128], again[32];
    for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        size_t o = 0, sl = strlen(seps[k]);
        for (size_t i = 0; norm[i]; i++) {
            memcpy(spaced + o, seps[k], sl);
            o += sl;
            spaced[o++] = norm[i];
        }
        spaced[o] = '\0';
        fk_code r = fk_taxid_check(spaced, cc, again, sizeof(again));
        if (strchr(allowed, stands_for[k]) != NULL) {
            FUZZ_CHECK(r == FK_CODE_NONE);
            FUZZ_CHECK(strcmp(norm, again) == 0);
        } else {
            FUZZ_CHECK(r == FK_CODE_TAX_ID_FORMAT);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char cc[3], norm[32], again[32];

    if (size < 2 || size > 4096)
        return 0;
    cc[0] = (char)data[0];
    cc[1] = (char)data[1];
    cc[2] = '\0';
    char *value = fuzz_cstr(data + 2, size - 2);

    fk_code r = fk_taxid_check(value, cc, norm, sizeof(norm));
    FUZZ_CHECK(r == FK_CODE_NONE || r == FK_CODE_TAX_ID_FORMAT || r == FK_CODE_TAX_ID_CHECKSUM ||
               r == FK_CODE_TAX_ID_COUNTRY_MISMATCH || r == FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED);
    FUZZ_CHECK(fk_taxid_check(value, cc, NULL, 0) == r);
    if (r != FK_CODE_NONE) {
        FUZZ_CHECK(norm[0] == '\0');
    } else {
        size_t n = strlen(norm);
        FUZZ_CHECK(n >= 3 && n <= 16);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK((norm[i] >= 'A' && norm[i] <= 'Z') || (norm[i] >= '0' && norm[i] <= '9') ||
                       norm[i] == '+' || norm[i] == '*');
        check_prefix(norm, cc);
        check_separators(norm, cc);
        FUZZ_CHECK(fk_taxid_check(norm, cc, again, sizeof(again)) == FK_CODE_NONE);
        FUZZ_CHECK(strcmp(norm, again) == 0);
        for (size_t sz = 0; sz <= n + 1; sz++) {
            char *b = malloc(sz ? sz : 1);
            FUZZ_CHECK(b != NULL);
            if (sz)
                b[0] = 'x';
            FUZZ_CHECK(fk_taxid_check(value, cc, b, sz) == FK_CODE_NONE);
            if (sz > n)
                FUZZ_CHECK(strcmp(b, norm) == 0);
            else if (sz > 0)
                FUZZ_CHECK(b[0] == '\0');
            free(b);
        }
    }
    /* Case does not matter, of the country nor of the number. */
    char lcc[3] = {cc[0], cc[1], 0};
    lower(lcc);
    FUZZ_CHECK(fk_taxid_check(value, lcc, again, sizeof(again)) == r);
    lower(value);
    FUZZ_CHECK(fk_taxid_check(value, cc, again, sizeof(again)) == r);
    if (r == FK_CODE_NONE)
        FUZZ_CHECK(strcmp(norm, again) == 0);
    /* A country that is not two characters is never supported. */
    FUZZ_CHECK(fk_taxid_check(value, "", NULL, 0) == FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED);
    FUZZ_CHECK(fk_taxid_check(value, cc + 1, NULL, 0) == FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED);
    free(value);
    return 0;
}
