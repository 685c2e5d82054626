/* SPDX-License-Identifier: MIT */
/* fuzz_card.c -- libFuzzer target: card numbers (fk_card_inspect, fk_card_masked).
 *
 * Input: the bytes as a card number as typed.
 * Checked against a plain reference computed here: presence, digit count, digits-only,
 * the Luhn check and the last four digits. The PAN rule: nothing kept or printed holds
 * more than the last four digits of the input: the brand has no digits, the masked form
 * ("VISA ****1111") has at most 4 digits, in one run, and they are the input's last four.
 * The masked form is written into buffers of every exact size without overrun. */
#include <limits.h>
#include "core/card.h"
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
    free(digits);
    free(raw);
    return 0;
}
