/* SPDX-License-Identifier: MIT */
/* fuzz_card.c -- libFuzzer target: card numbers (fk_card_inspect, fk_card_masked) and the
 * scanner that masks them in any other text (fk_pan_mask, fk_pan_mask_copy, pan.h).
 *
 * Input: the bytes as a card number as typed, and as any text.
 * Checked against a plain reference computed here: presence, digit count, digits-only,
 * the Luhn check and the last four digits. The PAN rule: nothing kept or printed holds
 * more than the last four digits of the input: the brand has no digits, the masked form
 * ("VISA ****1111") has at most 4 digits, in one run, and they are the input's last four.
 * The masked form is written into buffers of every exact size without overrun.
 * The scanner: masking only turns digits into '*' and leaves no card-like run behind
 * (idempotent), in the text and in a cut copy; every run it finds has all its digits but
 * the last four masked, in both; and whatever fk_card_inspect calls a card number
 * (brand, Luhn, 13-19 digits, digits apart by at most three spaces or dashes; not an
 * EAN-13) the scanner finds as one. */
#include <limits.h>
#include "core/card.h"
#include "core/checksum.h"
#include "core/pan.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const brands[] = {"",        "AMEX",    "JCB",      "DINERS",  "VISA",
                                     "MASTERCARD", "MAESTRO", "DISCOVER", "UNIONPAY"};

static size_t longest_digit_run(const char *s, size_t *total)
{
    size_t run = 0, best = 0;
    *total = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            (*total)++;
            if (++run > best)
                best = run;
        } else {
            run = 0;
        }
    }
    return best;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The longest run of separators between two digits of s (0 when the digits are adjacent
 * or there are fewer than two); the separators are fk_card_inspect's: space, tab, '-'. */
static size_t widest_gap(const char *s)
{
    size_t gap = 0, cur = 0;
    bool seen = false;
    for (; *s; s++) {
        if (is_digit(*s)) {
            if (seen && cur > gap)
                gap = cur;
            seen = true;
            cur = 0;
        } else {
            cur++;
        }
    }
    return gap;
}

static void check_scanner(const char *raw, const fk_card *c, const char *digits, size_t nd)
{
    size_t n = strlen(raw);
    char *m = malloc(n + 1);
    FUZZ_CHECK(m != NULL);
    memcpy(m, raw, n + 1);
    size_t count = fk_pan_mask(m, n);
    FUZZ_CHECK(fk_pan_present(raw, n) == (count > 0));
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(m[i] == raw[i] || (m[i] == '*' && is_digit(raw[i])));
    FUZZ_CHECK(m[n] == '\0');
    FUZZ_CHECK(!fk_pan_present(m, n));
    FUZZ_CHECK(fk_pan_mask(m, n) == 0);

    /* a cut copy, masked by the whole text, holds no card-like run either */
    size_t cut = n / 2;
    char *d = malloc(cut + 1);
    FUZZ_CHECK(d != NULL);
    memcpy(d, raw, cut);
    d[cut] = '\0';
    fk_pan_mask_copy(raw, d, cut);
    FUZZ_CHECK(!fk_pan_present(d, cut));

    /* each run found masks all its digits but its last four (the mask of a later pass
     * may take those too), in the text and in the cut copy */
    fk_pan_span sp;
    for (size_t from = 0; fk_pan_find(raw, n, from, &sp); from = sp.end) {
        size_t kept = 0, masked = 0;
        FUZZ_CHECK(sp.start <= sp.keep && sp.keep < sp.end && sp.end <= n);
        FUZZ_CHECK(is_digit(raw[sp.start]) && is_digit(raw[sp.end - 1]));
        for (size_t i = sp.start; i < sp.end; i++) {
            if (!is_digit(raw[i]))
                continue;
            if (i < sp.keep) {
                FUZZ_CHECK(m[i] == '*' && (i >= cut || d[i] == '*'));
                masked++;
            } else {
                kept++;
            }
        }
        FUZZ_CHECK(kept == 4 && masked + kept >= 13 && masked + kept <= 19);
    }
    free(d);

    /* what the card check calls a card number, the scanner finds */
    if (c->digits_only && c->brand[0] && c->luhn_ok && nd >= 13 && nd <= 19 &&
        widest_gap(raw) <= 3 && !(nd == 13 && fk_gtin_valid(digits, nd)))
        FUZZ_CHECK(count == 1);
    free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    char *raw = fuzz_cstr(data, size);
    char *digits = malloc(size + 1);
    size_t nd = 0, nother = 0;
    FUZZ_CHECK(digits != NULL);
    for (const char *p = raw; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
        else if (*p != ' ' && *p != '-' && *p != '\t')
            nother++;
    }
    digits[nd] = '\0';

    fk_card c;
    fk_card_inspect(raw, &c);
    FUZZ_CHECK(c.present == (nd > 0 || nother > 0));
    FUZZ_CHECK(c.ndigits == (nd > INT_MAX ? INT_MAX : (int)nd));
    FUZZ_CHECK(c.digits_only == (nd > 0 && nother == 0));
    bool luhn = false;
    if (c.digits_only && nd >= 2) {
        unsigned sum = 0;
        for (size_t k = 0; k < nd; k++) {
            unsigned d = (unsigned)(digits[nd - 1 - k] - '0');
            if (k % 2 == 1)
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            sum += d;
        }
        luhn = sum % 10 == 0;
    }
    FUZZ_CHECK(c.luhn_ok == luhn);
    if (nd >= 4)
        FUZZ_CHECK(strcmp(c.last4, digits + nd - 4) == 0);
    else
        FUZZ_CHECK(c.last4[0] == '\0');
    bool known = false;
    for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
        known = known || strcmp(c.brand, brands[i]) == 0;
    FUZZ_CHECK(known);
    if (!c.digits_only)
        FUZZ_CHECK(c.brand[0] == '\0');

    char masked[32];
    size_t total;
    fk_card_masked(&c, masked, sizeof(masked));
    FUZZ_CHECK(longest_digit_run(masked, &total) <= 4 && total <= 4);
    if (masked[0]) {
        FUZZ_CHECK(nd >= 4 && total == 4);
        size_t n = strlen(masked);
        FUZZ_CHECK(strcmp(masked + n - 4, digits + nd - 4) == 0);
        FUZZ_CHECK(n >= 8 && strncmp(masked + n - 8, "****", 4) == 0);
    } else {
        FUZZ_CHECK(nd < 4 || !c.present);
    }
    for (size_t sz = 0; sz <= strlen(masked) + 1; sz++) {
        char *b = malloc(sz ? sz : 1);
        FUZZ_CHECK(b != NULL);
        fk_card_masked(&c, b, sz);
        if (sz)
            FUZZ_CHECK(strlen(b) < sz && strncmp(b, masked, strlen(b)) == 0);
        free(b);
    }
    check_scanner(raw, &c, digits, nd);
    free(digits);
    free(raw);
    return 0;
}
