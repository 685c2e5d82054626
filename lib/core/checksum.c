/* SPDX-License-Identifier: MIT */
/* checksum.c -- check-digit algorithms shared by cards, VAT numbers and IBANs (see
 * checksum.h). One implementation each, so the card check at ingestion, the scanner that
 * looks for card numbers in other fields and the VAT numbers of AT, ES, FR, IT and SE all
 * compute Luhn the same way, and IBANs and Dutch VAT numbers MOD 97-10. */
#include "core/checksum.h"

static int dig(char c) { return c - '0'; }

void fk_luhn_add(fk_luhn *l, int d)
{
    unsigned u = (unsigned)d;
    unsigned dd = u * 2 > 9 ? u * 2 - 9 : u * 2;
    if (l->count % 2 == 0) {
        l->sum_even = (l->sum_even + dd) % 10;
        l->sum_odd = (l->sum_odd + u) % 10;
    } else {
        l->sum_even = (l->sum_even + u) % 10;
        l->sum_odd = (l->sum_odd + dd) % 10;
    }
    l->count++;
}

unsigned fk_luhn_rest(const fk_luhn *l)
{
    /* the rightmost digit is never doubled: for an even count the doubled ones are at
     * odd positions from the left (1st, 3rd, ...), i.e. sum_even */
    return l->count % 2 == 0 ? l->sum_even : l->sum_odd;
}

bool fk_luhn_valid(const fk_luhn *l)
{
    return l->count >= 2 && fk_luhn_rest(l) == 0;
}

unsigned fk_luhn_mod(const char *s, size_t n)
{
    fk_luhn l = FK_LUHN_INIT;
    for (size_t i = 0; i < n; i++)
        fk_luhn_add(&l, dig(s[i]));
    return fk_luhn_rest(&l);
}

int fk_luhn_check_digit(const char *s, size_t n)
{
    fk_luhn l = FK_LUHN_INIT;
    for (size_t i = 0; i < n; i++)
        fk_luhn_add(&l, dig(s[i]));
    fk_luhn_add(&l, 0);
    return (int)((10 - fk_luhn_rest(&l)) % 10);
}

int fk_mod97_step(int r, char c)
{
    if (c >= '0' && c <= '9')
        return (r * 10 + dig(c)) % 97;
    return (r * 100 + (c - 'A' + 10)) % 97;
}

int fk_mod97(int r, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r = fk_mod97_step(r, s[i]);
    return r;
}

bool fk_mod11_10_valid(const char *s, size_t n)
{
    int check = 5;
    for (size_t i = 0; i < n; i++)
        check = (((check ? check : 10) * 2) % 11 + dig(s[i])) % 10;
    return check == 1;
}

int fk_weighted_sum(const char *s, const int *weights, size_t n)
{
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += weights[i] * dig(s[i]);
    return sum;
}

bool fk_gtin_valid(const char *s, size_t n)
{
    if (n < 2)
        return false;
    int sum = 0;
    for (size_t k = 0; k < n; k++) /* k counts from the right; the check digit is k = 0 */
        sum += dig(s[n - 1 - k]) * (k % 2 == 1 ? 3 : 1);
    return sum % 10 == 0;
}
