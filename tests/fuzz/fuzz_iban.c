/* SPDX-License-Identifier: MIT */
/* fuzz_iban.c -- libFuzzer target: IBAN and BIC checks (fk_iban_check, fk_bic_check).
 *
 * Input: the bytes as one string, tried as an IBAN and as a BIC.
 * Checked: a valid IBAN's normal form is 5-34 upper-case alphanumerics starting with a
 * country and two check digits, is valid again with the same normal form, stays valid
 * when printed in groups of four (between spaces, dashes, dots, Unicode dashes) and in
 * lower case, and not with any other separator; it is written only whole into buffers of
 * every exact size; the card-number scanner (core/pan.h) never takes it for a card
 * number (written in groups: when it has at most 28 characters, as all EU IBANs but
 * Malta's). A BIC that passes for a given IBAN country also passes without one (the
 * country only restricts), and case does not matter. */
#include <ctype.h>
#include "core/pan.h"
#include "validate/validate_ids.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* norm in groups of four with `sep` between them, into out (room for 34 + 8 x 3 + 1). */
static void group(const char *norm, const char *sep, char *out)
{
    size_t o = 0, sl = strlen(sep);
    for (size_t i = 0; norm[i]; i++) {
        if (i > 0 && i % 4 == 0) {
            memcpy(out + o, sep, sl);
            o += sl;
        }
        out[o++] = norm[i];
    }
    out[o] = '\0';
}

static void check_iban(const char *s)
{
    char norm[64], again[64], grouped[160];
    fk_code r = fk_iban_check(s, norm, sizeof(norm));

    FUZZ_CHECK(r == FK_CODE_NONE || r == FK_CODE_IBAN_INVALID);
    FUZZ_CHECK(fk_iban_check(s, NULL, 0) == r);
    if (r != FK_CODE_NONE) {
        FUZZ_CHECK(norm[0] == '\0');
        return;
    }
    size_t n = strlen(norm);
    FUZZ_CHECK(n >= 5 && n <= 34);
    FUZZ_CHECK(isupper((unsigned char)norm[0]) && isupper((unsigned char)norm[1]));
    FUZZ_CHECK(isdigit((unsigned char)norm[2]) && isdigit((unsigned char)norm[3]));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(isupper((unsigned char)norm[i]) || isdigit((unsigned char)norm[i]));
    FUZZ_CHECK(fk_iban_check(norm, again, sizeof(again)) == FK_CODE_NONE);
    FUZZ_CHECK(strcmp(norm, again) == 0);

    static const char *const seps[] = {" ", "-", ".", "\xE2\x80\x93", "\xE2\x88\x92", ". "};
    for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
        group(norm, seps[k], grouped);
        FUZZ_CHECK(fk_iban_check(grouped, again, sizeof(again)) == FK_CODE_NONE);
        FUZZ_CHECK(strcmp(norm, again) == 0);
        /* the scanner steps over it whole; past 28 characters a shorter prefix may pass
         * MOD 97 too and leave 13 characters or more to scan (pan.c, iban_at) */
        if (n <= 28)
            FUZZ_CHECK(!fk_pan_present(grouped, strlen(grouped)));
        lower(grouped);
        FUZZ_CHECK(fk_iban_check(grouped, again, sizeof(again)) == FK_CODE_NONE);
        FUZZ_CHECK(strcmp(norm, again) == 0);
    }
    static const char *const not_seps[] = {"/", ":", ",", "_", "+"};
    for (size_t k = 0; k < sizeof(not_seps) / sizeof(not_seps[0]); k++) {
        group(norm, not_seps[k], grouped);
        FUZZ_CHECK(fk_iban_check(grouped, NULL, 0) == FK_CODE_IBAN_INVALID);
    }
    /* an IBAN is never masked as a card number (its digits are glued to its letters) */
    FUZZ_CHECK(!fk_pan_present(norm, n));

    for (size_t sz = 0; sz <= n + 1; sz++) {
        char *b = malloc(sz ? sz : 1);
        FUZZ_CHECK(b != NULL);
        if (sz)
            b[0] = 'x';
        FUZZ_CHECK(fk_iban_check(s, b, sz) == FK_CODE_NONE);
        if (sz > n)
            FUZZ_CHECK(strcmp(b, norm) == 0);
        else if (sz > 0)
            FUZZ_CHECK(b[0] == '\0');
        free(b);
    }
}

static void check_bic(char *s, const char *iban_cc)
{
    fk_code any = fk_bic_check(s, NULL);
    FUZZ_CHECK(any == FK_CODE_NONE || any == FK_CODE_BIC_INVALID);
    FUZZ_CHECK(fk_bic_check(s, "") == any);
    fk_code r = fk_bic_check(s, iban_cc);
    FUZZ_CHECK(r == FK_CODE_NONE || r == FK_CODE_BIC_INVALID);
    if (r == FK_CODE_NONE)
        FUZZ_CHECK(any == FK_CODE_NONE);
    lower(s);
    FUZZ_CHECK(fk_bic_check(s, NULL) == any);
    FUZZ_CHECK(fk_bic_check(s, iban_cc) == r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = fuzz_cstr(data, size);
    char norm[64], cc[3] = {0};

    check_iban(s);
    if (fk_iban_check(s, norm, sizeof(norm)) == FK_CODE_NONE) {
        memcpy(cc, norm, 2);
    } else if (size >= 2) {
        cc[0] = (char)data[0];
        cc[1] = (char)data[1];
    }
    check_bic(s, cc);
    free(s);
    return 0;
}
