/* SPDX-License-Identifier: MIT */
/* ids_impl.h -- what the identifier checks (validate_ids.h) share inside lib/validate:
 *
 *   ids_countries.c  the tables by country: ISO 3166 codes, the VAT countries (prefix,
 *                    separators, checker), the IBAN registry's BBAN formats
 *   ids_vat.c        fk_taxid_check: cleaning what people type, the country prefix
 *   ids_vat_rules.c  the VAT check-digit algorithm of each country
 *   ids_iban.c       fk_iban_check, fk_bic_check
 *
 * The check-digit routines several of them use (Luhn, ISO 7064 MOD 97-10 and MOD 11,10,
 * weighted sums) are core/checksum.h's, shared with the card checks.
 */
#ifndef FK_IDS_IMPL_H
#define FK_IDS_IMPL_H
#include <stdint.h>
#include <string.h>
#include "core/checksum.h"
#include "validate/validate_ids.h"

#define FK_F FK_CODE_TAX_ID_FORMAT
#define FK_C FK_CODE_TAX_ID_CHECKSUM

/* Room for a normalised VAT body (without the 2-letter prefix), NUL included. */
#define VAT_BODY_MAX 24

static inline bool ids_is_digit(char c) { return c >= '0' && c <= '9'; }
static inline bool ids_is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static inline int ids_dig(char c) { return c - '0'; }
static inline char ids_upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

static inline bool ids_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!ids_is_digit(s[i]))
            return false;
    return true;
}

/* Value of n (<= 18) decimal digits; the caller has checked they are digits. */
static inline int64_t ids_num(const char *s, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + ids_dig(s[i]);
    return v;
}

/* The separator at p, as the ASCII character it stands for: ' ' for a space, a tab and
 * the no-break, narrow no-break and thin spaces; '-' for '-', the hyphens and dashes
 * U+2010-U+2015 and the minus sign U+2212; '.', '/', ':' and ',' for themselves. *len is
 * its length in bytes. 0 when p holds no separator. Reads p only up to its NUL. */
static inline char ids_separator(const char *p, size_t *len)
{
    const unsigned char *u = (const unsigned char *)p;
    *len = 1;
    switch (u[0]) {
    case ' ': case '\t': return ' ';
    case '-': case '.': case '/': case ':': case ',': return (char)u[0];
    default: break;
    }
    *len = 2;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return ' '; /* no-break space */
    *len = 3;
    if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF))
        return ' '; /* thin space, narrow no-break space */
    if (u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x90 && u[2] <= 0x95)
        return '-'; /* hyphen, non-breaking hyphen, figure dash, en and em dash, bar */
    if (u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92)
        return '-'; /* minus sign */
    *len = 0;
    return 0;
}

/* ---- VAT ---------------------------------------------------------------------------- */

/* A country's VAT check: the body without the country prefix (upper-case, cleaned, n
 * characters); when valid, the normalised body goes to out[VAT_BODY_MAX]. */
typedef fk_code (*fk_vat_fn)(const char *body, size_t n, char *out);

typedef struct fk_vat_country {
    char cc[3];       /* the order's country (ISO alpha-2, or XI) */
    char prefix[3];   /* its VAT prefix: EL for Greece */
    const char *seps; /* the separators its numbers are written with (as ids_separator
                       * names them): python-stdnum's compact() of the country */
    bool paren_zero;  /* Belgium: "(0)" written for the leading 0 */
    fk_vat_fn check;
} fk_vat_country;

/* The VAT country of the order's country (upper-case), NULL if none. */
const fk_vat_country *fk_vat__country(const char *cc);
/* Is p (2 letters + NUL) the VAT prefix of a supported country, or GR? */
bool fk_vat__prefix_known(const char *p);

fk_code fk_vat__at(const char *b, size_t n, char *out);
fk_code fk_vat__be(const char *b, size_t n, char *out);
fk_code fk_vat__bg(const char *b, size_t n, char *out);
fk_code fk_vat__ch(const char *b, size_t n, char *out);
fk_code fk_vat__cy(const char *b, size_t n, char *out);
fk_code fk_vat__cz(const char *b, size_t n, char *out);
fk_code fk_vat__de(const char *b, size_t n, char *out);
fk_code fk_vat__dk(const char *b, size_t n, char *out);
fk_code fk_vat__ee(const char *b, size_t n, char *out);
fk_code fk_vat__el(const char *b, size_t n, char *out);
fk_code fk_vat__es(const char *b, size_t n, char *out);
fk_code fk_vat__fi(const char *b, size_t n, char *out);
fk_code fk_vat__fr(const char *b, size_t n, char *out);
fk_code fk_vat__gb(const char *b, size_t n, char *out);
fk_code fk_vat__hr(const char *b, size_t n, char *out);
fk_code fk_vat__hu(const char *b, size_t n, char *out);
fk_code fk_vat__ie(const char *b, size_t n, char *out);
fk_code fk_vat__it(const char *b, size_t n, char *out);
fk_code fk_vat__lt(const char *b, size_t n, char *out);
fk_code fk_vat__lu(const char *b, size_t n, char *out);
fk_code fk_vat__lv(const char *b, size_t n, char *out);
fk_code fk_vat__mt(const char *b, size_t n, char *out);
fk_code fk_vat__nl(const char *b, size_t n, char *out);
fk_code fk_vat__no(const char *b, size_t n, char *out);
fk_code fk_vat__pl(const char *b, size_t n, char *out);
fk_code fk_vat__pt(const char *b, size_t n, char *out);
fk_code fk_vat__ro(const char *b, size_t n, char *out);
fk_code fk_vat__se(const char *b, size_t n, char *out);
fk_code fk_vat__si(const char *b, size_t n, char *out);
fk_code fk_vat__sk(const char *b, size_t n, char *out);

/* ---- IBAN --------------------------------------------------------------------------- */

/* The BBAN format of the IBAN country cc (2 upper-case letters) in the registry's notation
 * ("8!n10!n"), NULL when the country has no IBAN. */
const char *fk_iban__bban_format(const char *cc);
#endif
