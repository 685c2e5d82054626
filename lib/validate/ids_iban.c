/* SPDX-License-Identifier: MIT */
/* ids_iban.c -- IBAN and BIC (fk_iban_check, fk_bic_check).
 *
 * An IBAN is checked against the SWIFT registry's format for its country
 * (ids_countries.c) and by ISO 7064 MOD 97-10 (core/checksum.h). It may be written the ways
 * people and banks print it: in groups separated by spaces, dashes or dots
 * ("ES15-0049-1806-9121-1186-9374", "NO. 8815944736139", "BE 43.4679.1170.4101"), with
 * the Unicode spaces and dashes that copying from a PDF brings along; any other character
 * makes it invalid. A BIC is eight or eleven characters, spaces allowed.
 */
#include "validate/ids_impl.h"

#define IBAN_MAX 34

/* Does the BBAN (n characters, upper-case alphanumeric) have the registry's structure? */
static bool iban_bban_ok(const char *fmt, const char *bban, size_t n)
{
    size_t pos = 0;
    while (*fmt != '\0') {
        size_t count = 0;
        while (ids_is_digit(*fmt))
            count = count * 10 + (size_t)ids_dig(*fmt++);
        if (*fmt++ != '!')
            return false; /* malformed table entry: none in ids_countries.c */
        char type = *fmt++;
        for (size_t i = 0; i < count; i++, pos++) {
            if (pos >= n)
                return false;
            char c = bban[pos];
            if ((type == 'n' && !ids_is_digit(c)) || (type == 'a' && !ids_is_upper(c)))
                return false;
        }
    }
    return pos == n;
}

/* The upper-case letters and digits of `in` into out[outsz], dropping the separators
 * `seps` allows (as ids_separator names them); false on any other byte or when they do
 * not fit. */
static bool compact_alnum(const char *in, const char *seps, char *out, size_t outsz,
                          size_t *outlen)
{
    size_t n = 0;
    for (const char *p = in; *p != '\0';) {
        size_t len;
        char sep = ids_separator(p, &len);
        if (sep != 0) {
            if (strchr(seps, sep) == NULL)
                return false;
            p += len;
            continue;
        }
        char c = ids_upper(*p++);
        if (!ids_is_upper(c) && !ids_is_digit(c))
            return false;
        if (n + 1 >= outsz)
            return false;
        out[n++] = c;
    }
    out[n] = '\0';
    *outlen = n;
    return true;
}

fk_code fk_iban_check(const char *input, char *norm, size_t normsz)
{
    char s[IBAN_MAX + 1];
    size_t n = 0;
    if (norm != NULL && normsz > 0)
        norm[0] = '\0';
    if (input == NULL || !compact_alnum(input, " -.", s, sizeof s, &n) || n < 5)
        return FK_CODE_IBAN_INVALID;
    if (!ids_is_upper(s[0]) || !ids_is_upper(s[1]) || !ids_is_digit(s[2]) || !ids_is_digit(s[3]))
        return FK_CODE_IBAN_INVALID;
    const char *fmt = fk_iban__bban_format(s);
    if (fmt == NULL || !iban_bban_ok(fmt, s + 4, n - 4))
        return FK_CODE_IBAN_INVALID;
    /* ISO 13616 check digits are 02..98; 00, 01 and 99 can pass mod 97 but never occur */
    int cd = (int)ids_num(s + 2, 2);
    if (cd < 2 || cd > 98)
        return FK_CODE_IBAN_INVALID;
    /* ISO 7064 MOD 97-10 over BBAN + country + check digits, letters as 10..35 */
    if (fk_mod97(fk_mod97(0, s + 4, n - 4), s, 4) != 1)
        return FK_CODE_IBAN_INVALID;
    if (norm != NULL && normsz > n)
        memcpy(norm, s, n + 1);
    return FK_CODE_NONE;
}

/* Territories whose banks' BICs carry their own ISO code but whose accounts have the IBAN
 * of another country, as the SWIFT IBAN registry lists them under that country: the
 * Crown Dependencies under GB, the French overseas territories under FR, Åland under FI. */
static const char *const iban_territories[] = {
    "GB" "GGIMJE",
    "FR" "BLGFGPMFMQNCPFPMRETFWFYT",
    "FI" "AX",
};

static bool bic_country_matches(const char *bic_cc, const char *iban_cc)
{
    if (memcmp(bic_cc, iban_cc, 2) == 0)
        return true;
    for (size_t i = 0; i < sizeof iban_territories / sizeof iban_territories[0]; i++) {
        const char *t = iban_territories[i];
        if (memcmp(t, iban_cc, 2) != 0)
            continue;
        for (const char *p = t + 2; p[0] != '\0'; p += 2)
            if (memcmp(p, bic_cc, 2) == 0)
                return true;
    }
    return false;
}

fk_code fk_bic_check(const char *input, const char *iban_country)
{
    char s[12];
    size_t n = 0;
    if (input == NULL || !compact_alnum(input, " ", s, sizeof s, &n) || (n != 8 && n != 11))
        return FK_CODE_BIC_INVALID;
    /* ISO 9362: 4-letter institution code, ISO country code, 2-character location,
     * optional 3-character branch (digits and letters, already checked by compact) */
    for (size_t i = 0; i < 6; i++)
        if (!ids_is_upper(s[i]))
            return FK_CODE_BIC_INVALID;
    char cc[3] = {s[4], s[5], '\0'};
    /* XK: Kosovo's banks use it in BICs and IBANs though ISO has not assigned it */
    if (!fk_country_known(cc) && memcmp(cc, "XK", 3) != 0)
        return FK_CODE_BIC_INVALID;
    if (iban_country != NULL && iban_country[0] != '\0') {
        char ic[2] = {iban_country[0], iban_country[1]};
        for (size_t i = 0; i < 2; i++)
            if (ic[i] >= 'a' && ic[i] <= 'z')
                ic[i] = (char)(ic[i] - 'a' + 'A');
        if (!bic_country_matches(cc, ic))
            return FK_CODE_BIC_INVALID;
    }
    return FK_CODE_NONE;
}
