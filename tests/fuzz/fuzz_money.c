/* SPDX-License-Identifier: MIT */
/* fuzz_money.c -- libFuzzer target: amounts as text <-> int64 minor units (core/money.h).
 *
 * Input: the bytes as an amount, parsed with both decimal separators at scales 0-4; and,
 * when it holds a '*', the two sides as a quantity and a price for the checked arithmetic.
 * Checked against a plain reference computed here:
 *  - a syntactically plain decimal is accepted exactly when it fits and has no significant
 *    digit past the scale, with the reference's value; anything else is never accepted;
 *  - every accepted value formats and parses back to itself (with '.' and ','), and grouped
 *    formats differ only by the group separators;
 *  - scales nest: a value accepted at scale k is 10x at scale k+1 (or out of range);
 *  - any int64 read from the raw bytes formats and parses back (INT64_MIN: out of range);
 *  - fk_mul_div_round rounds half away from zero or says overflow exactly when the result
 *    does not fit; fk_add_checked likewise. */
#include "core/money.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference: is s [+-]digits[sep digits] with at least one digit, and its value at
 * `scale` (exact, or *big when more than 30 significant digits). */
typedef struct ref {
    bool syntax_ok, precision_ok, big;
    __int128 value;
} ref;

static ref reference(const char *s, char sep, int scale)
{
    ref r = {false, true, false, 0};
    bool neg = false, seen_sep = false;
    int ndig = 0, frac = 0, sig = 0;

    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            ndig++;
            if (seen_sep && ++frac > scale) {
                if (*s != '0')
                    r.precision_ok = false;
                continue;
            }
            if (sig > 0 || *s != '0')
                sig++;
            if (sig > 30)
                r.big = true;
            else
                r.value = r.value * 10 + (*s - '0');
        } else if (*s == sep && !seen_sep) {
            seen_sep = true;
        } else {
            return r;
        }
    }
    r.syntax_ok = ndig > 0;
    for (int i = frac < scale ? frac : scale; i < scale && !r.big; i++) {
        r.value *= 10;
        if (++sig > 30)
            r.big = true;
    }
    if (neg)
        r.value = -r.value;
    return r;
}

static void strip(char *s, const char *group)
{
    size_t gl = strlen(group), o = 0;
    for (size_t i = 0; s[i];) {
        if (gl && strncmp(s + i, group, gl) == 0) {
            i += gl;
            continue;
        }
        s[o++] = s[i++];
    }
    s[o] = '\0';
}

static void check_format(int64_t v, int scale)
{
    static const char *const groups[] = {",", ".", " ", "\xC2\xA0"};
    char plain[64], grouped[96], comma[64];
    int64_t back;

    fk_decimal_format(v, scale, plain, sizeof(plain));
    FUZZ_CHECK(fk_decimal_parse(plain, '.', scale, &back) ==
               (v == INT64_MIN ? FK_DEC_RANGE : FK_DEC_OK));
    if (v != INT64_MIN)
        FUZZ_CHECK(back == v);
    snprintf(comma, sizeof(comma), "%s", plain);
    for (char *p = comma; *p; p++)
        if (*p == '.')
            *p = ',';
    if (v != INT64_MIN) {
        FUZZ_CHECK(fk_decimal_parse(comma, ',', scale, &back) == FK_DEC_OK && back == v);
    }
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        const char *sep = groups[g][0] == ',' ? "." : ",";
        fk_decimal_format_grouped(v, scale, groups[g], sep, grouped, sizeof(grouped));
        strip(grouped, groups[g]);
        FUZZ_CHECK(strcmp(grouped, groups[g][0] == ',' ? plain : comma) == 0);
    }
    for (size_t sz = 0; sz <= strlen(plain) + 1; sz++) {
        char *b = malloc(sz ? sz : 1);
        FUZZ_CHECK(b != NULL);
        fk_decimal_format(v, scale, b, sz);
        if (sz)
            FUZZ_CHECK(strlen(b) < sz && strncmp(b, plain, strlen(b)) == 0);
        free(b);
    }
}

static void check_parse(const char *s)
{
    static const char seps[] = {'.', ','};
    for (size_t k = 0; k < sizeof(seps); k++) {
        int64_t prev = 0;
        bool prev_ok = false;
        for (int scale = 0; scale <= 4; scale++) {
            int64_t v = 0;
            fk_decimal_rc rc = fk_decimal_parse(s, seps[k], scale, &v);
            ref r = reference(s, seps[k], scale);
            FUZZ_CHECK(rc == FK_DEC_OK || rc == FK_DEC_SYNTAX || rc == FK_DEC_PRECISION ||
                       rc == FK_DEC_RANGE);
            if (!r.syntax_ok) {
                FUZZ_CHECK(rc != FK_DEC_OK);
            } else {
                bool fits = !r.big && r.value <= INT64_MAX && r.value >= -(__int128)INT64_MAX;
                FUZZ_CHECK(rc != FK_DEC_SYNTAX);
                FUZZ_CHECK((rc == FK_DEC_OK) == (fits && r.precision_ok));
                if (rc == FK_DEC_OK)
                    FUZZ_CHECK(v == r.value);
            }
            if (rc == FK_DEC_OK) {
                check_format(v, scale);
                if (prev_ok)
                    FUZZ_CHECK((__int128)prev * 10 == v);
            } else if (prev_ok) {
                FUZZ_CHECK(rc == FK_DEC_RANGE);
            }
            prev = v;
            prev_ok = rc == FK_DEC_OK;
        }
    }
}

static void check_arith(int64_t a, int64_t b)
{
    for (int d = 0; d <= 4; d++) {
        __int128 p = (__int128)a * b, div = 1, q, rem;
        for (int i = 0; i < d; i++)
            div *= 10;
        q = p / div;
        rem = p % div;
        if ((rem < 0 ? -rem : rem) * 2 >= div)
            q += p < 0 ? -1 : 1;
        int64_t out = 0;
        bool ok = fk_mul_div_round(a, b, d, &out);
        FUZZ_CHECK(ok == (q >= INT64_MIN && q <= INT64_MAX));
        if (ok)
            FUZZ_CHECK(out == q);
    }
    int64_t acc = a;
    __int128 sum = (__int128)a + b;
    bool ok = fk_add_checked(&acc, b);
    FUZZ_CHECK(ok == (sum >= INT64_MIN && sum <= INT64_MAX));
    FUZZ_CHECK(acc == (ok ? (int64_t)sum : a));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = fuzz_cstr(data, size);
    check_parse(s);

    char *star = strchr(s, '*');
    if (star) {
        int64_t q, p;
        *star = '\0';
        if (fk_decimal_parse(s, '.', 3, &q) == FK_DEC_OK &&
            fk_decimal_parse(star + 1, '.', 2, &p) == FK_DEC_OK)
            check_arith(q, p);
    }
    if (size >= 16) {
        int64_t a, b;
        memcpy(&a, data, 8);
        memcpy(&b, data + 8, 8);
        for (int scale = 0; scale <= 4; scale++)
            check_format(a, scale);
        check_arith(a, b);
    }
    free(s);
    return 0;
}
