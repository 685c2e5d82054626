/* SPDX-License-Identifier: MIT */
/* money.c -- decimal text <-> int64 minor units, currency exponents, checked arithmetic.
 *
 * Why parse text straight into scaled integers: binary floating point cannot hold 0.1 or
 * 1.005 exactly, and a sum of such values drifts. faktura never converts money to double.
 */
#include <stdio.h>
#include <string.h>
#include "core/money.h"

/* ISO 4217 active codes with a minor-unit exponent other than 2. Every other code in
 * `iso_2` has 2. (ISO 4217 list as of 2025; HRK and SLL are withdrawn.) */
static const char iso_0[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF ";
static const char iso_3[] = "BHD IQD JOD KWD LYD OMR TND ";
static const char iso_4[] = "CLF UYW ";
static const char iso_2[] =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD "
    "KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD "
    "NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
    "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED "
    "VES WST XCD YER ZAR ZMW ZWG ";

static bool in_list(const char *list, const char *code)
{
    for (const char *p = list; *p; p += 4)
        if (memcmp(p, code, 3) == 0)
            return true;
    return false;
}

int fk_currency_exponent(const char *code)
{
    if (!code || strlen(code) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return -1;
    if (in_list(iso_2, code))
        return 2;
    if (in_list(iso_0, code))
        return 0;
    if (in_list(iso_3, code))
        return 3;
    if (in_list(iso_4, code))
        return 4;
    return -1;
}

fk_decimal_rc fk_decimal_parse(const char *s, char sep, int scale, int64_t *out)
{
    bool neg = false, seen_sep = false;
    int int_digits = 0, frac_digits = 0;
    /* Accumulate in 128 bits so "99999999999999999999" is a range error, not a wrap. */
    __int128 v = 0;
    const __int128 limit = INT64_MAX;

    if (!s || !*s)
        return FK_DEC_SYNTAX;
    if (*s == '-' || *s == '+')
        neg = (*s++ == '-');
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (seen_sep) {
                if (++frac_digits > scale) {
                    /* Extra zero digits do not change the value: accept "12.500" as 12.50. */
                    if (*s != '0')
                        return FK_DEC_PRECISION;
                    continue;
                }
            } else {
                int_digits++;
            }
            v = v * 10 + (*s - '0');
            if (v > limit)
                return FK_DEC_RANGE;
        } else if (*s == sep && !seen_sep) {
            seen_sep = true;
        } else {
            return FK_DEC_SYNTAX;
        }
    }
    if (int_digits == 0 && frac_digits == 0)
        return FK_DEC_SYNTAX;
    for (int i = frac_digits < scale ? frac_digits : scale; i < scale; i++) {
        v *= 10;
        if (v > limit)
            return FK_DEC_RANGE;
    }
    *out = (int64_t)(neg ? -v : v);
    return FK_DEC_OK;
}

static uint64_t pow10u(int n)
{
    uint64_t p = 1;
    while (n-- > 0)
        p *= 10;
    return p;
}

void fk_decimal_format_grouped(int64_t v, int scale, const char *group, const char *sep,
                               char *buf, size_t bufsz)
{
    /* Work on the magnitude as unsigned, so INT64_MIN formats without overflow. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned char w = (unsigned char)(scale < 0 ? 0 : scale > 18 ? 18 : scale);
    uint64_t p = pow10u(w);
    uint64_t ip = mag / p, fp = mag % p;
    char digits[32], grouped[96];
    size_t n, gl = group ? strlen(group) : 0, o = 0;

    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)ip);
    n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0 && gl) {
            memcpy(grouped + o, group, gl);
            o += gl;
        }
        grouped[o++] = digits[i];
    }
    grouped[o] = '\0';
    if (w > 0)
        snprintf(buf, bufsz, "%s%s%s%0*llu", v < 0 ? "-" : "", grouped, sep, (int)w,
                 (unsigned long long)fp);
    else
        snprintf(buf, bufsz, "%s%s", v < 0 ? "-" : "", grouped);
}

void fk_decimal_format(int64_t v, int scale, char *buf, size_t bufsz)
{
    fk_decimal_format_grouped(v, scale, NULL, ".", buf, bufsz);
}

bool fk_mul_div_round(int64_t a, int64_t b, int div_scale, int64_t *out)
{
    __int128 prod = (__int128)a * b;
    __int128 d = (__int128)pow10u(div_scale);
    __int128 q = prod / d, r = prod % d;

    /* Half away from zero: |remainder| * 2 >= divisor rounds the magnitude up. */
    if (r < 0)
        r = -r;
    if (r * 2 >= d)
        q += prod < 0 ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return false;
    *out = (int64_t)q;
    return true;
}

bool fk_add_checked(int64_t *acc, int64_t v)
{
    int64_t r;
    if (__builtin_add_overflow(*acc, v, &r))
        return false;
    *acc = r;
    return true;
}
