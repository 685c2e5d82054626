/* SPDX-License-Identifier: MIT */
/* ids_vat.c -- VAT numbers as people type them (fk_taxid_check).
 *
 * What: the input is reduced to upper-case letters and digits, the country prefix is
 * recognised, and the body goes to the country's checker (ids_vat_rules.c).
 *
 * Why this way: VAT numbers arrive as people typed them into a shop ("pl 526-025-02-74",
 * "CHE-123.456.788 MWST", "BE (0)468.561.072"). Each country's numbers are written with
 * their own separators, and only those are dropped (the table in ids_countries.c, after
 * python-stdnum): "SK 2022.749.619" is no Slovak way of writing a number, and accepting
 * any punctuation anywhere would let typing accidents through as valid numbers. A number
 * whose prefix names another country is reported as that (COUNTRY_MISMATCH) however it is
 * written, which says more than FORMAT.
 *
 * Input may be any bytes (very long, not UTF-8): the cleaner stops at a fixed bound, every
 * buffer is fixed-size and every write is bounded, so nothing here can overrun.
 */
#include "validate/ids_impl.h"

/* Longest cleaned VAT input worth looking at: the longest real form is
 * "CHE123456789MWST" (16); anything much longer is not a VAT number. */
#define VAT_CLEAN_MAX 40

typedef enum {
    CLEAN_OK,
    CLEAN_BAD, /* a character that is neither part of a number nor a separator, or too long */
    CLEAN_SEP  /* a separator the country's numbers are not written with */
} clean_result;

/* Reduce `in` to upper-case letters, digits and (for Irish old-style numbers) '+' and '*'
 * into out[outsz], dropping the separators in `seps` (NULL: any separator). `parens`
 * keeps '(' and ')' for Belgium's "(0)". Reads the input only up to its NUL. */
static clean_result clean_id(const char *in, const char *seps, bool parens, char *out,
                             size_t outsz, size_t *outlen)
{
    size_t n = 0;
    for (const char *p = in; *p != '\0';) {
        char c = ids_upper(*p);
        if (ids_is_upper(c) || ids_is_digit(c) || c == '+' || c == '*' ||
            (parens && (c == '(' || c == ')'))) {
            if (n + 1 >= outsz)
                return CLEAN_BAD;
            out[n++] = c;
            p++;
            continue;
        }
        size_t len;
        char sep = ids_separator(p, &len);
        if (sep == 0)
            return CLEAN_BAD;
        if (seps != NULL && strchr(seps, sep) == NULL)
            return CLEAN_SEP;
        p += len;
    }
    out[n] = '\0';
    *outlen = n;
    return CLEAN_OK;
}

static bool is_uk(const fk_vat_country *vc) { return vc->check == fk_vat__gb; }

/* Is the 2-letter p the country's own prefix? Greece also as GR (commonly typed); the UK
 * ones interchangeably: XI numbers are GB numbers used for Northern Ireland goods trade. */
static bool own_prefix(const fk_vat_country *vc, const char *p)
{
    if (memcmp(p, vc->prefix, 2) == 0)
        return true;
    if (vc->check == fk_vat__el && memcmp(p, "GR", 2) == 0)
        return true;
    return is_uk(vc) && (memcmp(p, "GB", 2) == 0 || memcmp(p, "XI", 2) == 0);
}

/* Does p look like some country's prefix (ISO code, XI, or Greece's EL)? */
static bool prefix_like(const char *p) { return fk_country_known(p) || memcmp(p, "EL", 3) == 0; }

static void set_norm(char *norm, size_t normsz, const char *prefix, const char *body)
{
    if (norm == NULL || normsz == 0)
        return;
    size_t pl = strlen(prefix), bl = strlen(body);
    if (pl + bl + 1 > normsz) {
        norm[0] = '\0'; /* never a truncated number: 32 bytes always suffice (max 16) */
        return;
    }
    memcpy(norm, prefix, pl);
    memcpy(norm + pl, body, bl + 1);
}

/* Check a body that may start with two letters that are not a prefix: a French key
 * ("FR" could itself be one) or a British GD/HA department number. */
static fk_code check_letter_body(const fk_vat_country *vc, const char *s, size_t n,
                                 bool fr_body, char *norm, size_t normsz)
{
    char body[VAT_BODY_MAX];
    char p[3] = {s[0], s[1], '\0'};
    fk_code r = vc->check(s, n, body);
    if (r == FK_CODE_NONE) {
        set_norm(norm, normsz, vc->prefix, body);
        return r;
    }
    /* not a French body: "FR" + 9 characters lacks the key (too short); another VAT prefix
     * names another country */
    if (fr_body && own_prefix(vc, p))
        return vc->check(s + 2, n - 2, body);
    if (fr_body && fk_vat__prefix_known(p))
        return FK_CODE_TAX_ID_COUNTRY_MISMATCH;
    return r;
}

/* The cleaned number s[0, n) (n > 0, writable) against the country vc. */
static fk_code check_clean(const fk_vat_country *vc, char *s, size_t n, char *norm,
                           size_t normsz)
{
    char body[VAT_BODY_MAX], used[3];
    char *b = s;
    size_t bn = n;
    memcpy(used, vc->prefix, 3);
    if (n >= 2 && ids_is_upper(s[0]) && ids_is_upper(s[1])) {
        char p[3] = {s[0], s[1], '\0'};
        /* French bodies may start with two letters (the key), so an 11-character French
         * input is always read as a body without prefix ("FR" could be its key). */
        bool fr_body = (vc->check == fk_vat__fr && n == 11);
        /* British bodies of government departments and health authorities start with GD
         * (also Grenada's code) and HA: never a prefix. */
        bool uk_body = is_uk(vc) && (memcmp(p, "GD", 2) == 0 || memcmp(p, "HA", 2) == 0);
        if (own_prefix(vc, p) && !fr_body) {
            b += 2;
            bn -= 2;
            if (is_uk(vc))
                memcpy(used, p, 3);
        } else if (fr_body || uk_body) {
            return check_letter_body(vc, s, n, fr_body, norm, normsz);
        } else if (prefix_like(p)) {
            return FK_CODE_TAX_ID_COUNTRY_MISMATCH;
        }
    }
    if (vc->paren_zero && bn >= 3 && memcmp(b, "(0)", 3) == 0) {
        b += 2; /* "(0)468561072" is 0468561072 */
        bn -= 2;
        b[0] = '0';
    }
    fk_code r = vc->check(b, bn, body);
    if (r == FK_CODE_NONE)
        set_norm(norm, normsz, used, body);
    return r;
}

fk_code fk_taxid_check(const char *input, const char *country, char *norm, size_t normsz)
{
    char s[VAT_CLEAN_MAX + 1], cc[3];
    size_t n = 0;
    if (norm != NULL && normsz > 0)
        norm[0] = '\0';

    /* The order's country decides which rules apply; accept it in either case. */
    if (country == NULL || country[0] == '\0' || country[1] == '\0' || country[2] != '\0')
        return FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED;
    cc[0] = ids_upper(country[0]);
    cc[1] = ids_upper(country[1]);
    cc[2] = '\0';
    const fk_vat_country *vc = fk_vat__country(cc);
    if (vc == NULL)
        return FK_CODE_TAX_ID_COUNTRY_UNSUPPORTED;
    if (input == NULL)
        return FK_F;

    clean_result cr = clean_id(input, vc->seps, vc->paren_zero, s, sizeof s, &n);
    if (cr == CLEAN_SEP) {
        /* Not how this country's numbers are written; but if the prefix names another
         * country, that is the more useful answer. */
        if (clean_id(input, NULL, vc->paren_zero, s, sizeof s, &n) == CLEAN_OK && n > 0 &&
            check_clean(vc, s, n, NULL, 0) == FK_CODE_TAX_ID_COUNTRY_MISMATCH)
            return FK_CODE_TAX_ID_COUNTRY_MISMATCH;
        return FK_F;
    }
    if (cr != CLEAN_OK || n == 0)
        return FK_F;
    return check_clean(vc, s, n, norm, normsz);
}
