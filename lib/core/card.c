/* SPDX-License-Identifier: MIT */
/* card.c -- what faktura learns from a payment card number, without keeping it.
 *
 * What: fk_card_inspect reads a card number once, as typed (spaces and dashes allowed), and
 * fills fk_card with the facts later stages need: was one given, is it all digits, how many,
 * does the Luhn check hold, which brand, and the last four digits. fk_card_masked formats
 * the only form that may be printed ("VISA ****1111").
 *
 * Why this way: a full card number (PAN) must not end up in reports, logs, databases or
 * core dumps. So the number is never copied whole: the digits are streamed, the Luhn sum is
 * kept for both parities (the parity from the right is only known at the end: fk_luhn in
 * checksum.c, which the VAT checks and the card-number scanner share), and only
 * the leading digits needed for the brand (at most 8, no more than PCI DSS allows to be
 * displayed with the last four) and the last four are held, in local buffers that are
 * wiped through a volatile pointer before returning so the compiler cannot drop the wipe.
 */
#include "core/card.h"
#include "core/checksum.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define IIN_DIGITS 8 /* leading digits kept for the brand (longest range used: 6) */

/* Brand table. A number has a brand when its leading digits fall into one of the brand's
 * IIN ranges AND its length is one the brand issues. Ranges overlap, so the table is
 * searched in order and the first match wins; the order encodes the precedence:
 *  - DISCOVER before UNIONPAY: 622126-622925 lies inside UnionPay's 62, and those cards
 *    are UnionPay cards that Discover's network accepts (Discover Global Network
 *    reciprocity); the narrower range is taken first, as Discover's published IIN ranges
 *    include it, for the lengths Discover issues (16-19). The rest of 62, and 14- and
 *    15-digit numbers in 622126-622925, are UNIONPAY.
 *  - MAESTRO's 50, 56-59, 63 and 67 do not overlap the others (MASTERCARD is 51-55 and
 *    2221-2720, DISCOVER 6011, 644-649 and 65).
 *  - UNIONPAY also issues 81x numbers (810, 8110-8171), which no other brand uses.
 *  - the remaining ranges are disjoint (AMEX 34/37, JCB 3528-3589, DINERS 300-305, 36,
 *    38-39; VISA 4).
 * UnionPay's 81x ranges and 14- and 15-digit numbers and Maestro's 59 and 63 are taken
 * from braintree's credit-card-type tables (src/lib/card-types.ts).
 * When the range matches but the length does not, the search goes on; if nothing matches,
 * the brand is "" (the caller reports CARD_BRAND_UNKNOWN or CARD_NUMBER_INVALID). */
typedef struct iin_range {
    unsigned long lo, hi; /* inclusive, over the first `digits` digits */
    int digits;
} iin_range;

typedef struct card_brand {
    const char *name;
    int minlen, maxlen;
    unsigned lengths_mask; /* if non-zero: only these lengths (bit n = length n) */
    iin_range ranges[5];   /* ends with digits == 0 */
} card_brand;

#define LEN(n) (1u << (n))

static const card_brand brands[] = {
    {"AMEX", 15, 15, 0, {{34, 34, 2}, {37, 37, 2}, {0, 0, 0}}},
    {"JCB", 16, 19, 0, {{3528, 3589, 4}, {0, 0, 0}}},
    {"DINERS", 14, 19, 0, {{300, 305, 3}, {36, 36, 2}, {38, 39, 2}, {0, 0, 0}}},
    {"VISA", 13, 19, LEN(13) | LEN(16) | LEN(19), {{4, 4, 1}, {0, 0, 0}}},
    {"MASTERCARD", 16, 16, 0, {{51, 55, 2}, {2221, 2720, 4}, {0, 0, 0}}},
    {"MAESTRO", 12, 19, 0, {{50, 50, 2}, {56, 59, 2}, {63, 63, 2}, {67, 67, 2}, {0, 0, 0}}},
    {"DISCOVER", 16, 19, 0, {{6011, 6011, 4}, {622126, 622925, 6}, {644, 649, 3},
                             {65, 65, 2}, {0, 0, 0}}},
    {"UNIONPAY", 14, 19, 0, {{62, 62, 2}, {810, 810, 3}, {8110, 8171, 4}, {0, 0, 0}}},
};

/* The first `digits` leading digits as a number (iin holds `have` digits). */
static bool iin_prefix(const char *iin, int have, int digits, unsigned long *out)
{
    if (digits > have)
        return false;
    unsigned long v = 0;
    for (int i = 0; i < digits; i++)
        v = v * 10 + (unsigned long)(iin[i] - '0');
    *out = v;
    return true;
}

const char *fk_card_brand(const char *iin, int have, int ndigits)
{
    for (size_t b = 0; b < sizeof brands / sizeof brands[0]; b++) {
        const card_brand *br = &brands[b];
        if (ndigits < br->minlen || ndigits > br->maxlen)
            continue;
        if (br->lengths_mask != 0 && (br->lengths_mask & LEN(ndigits)) == 0)
            continue;
        size_t nranges = sizeof br->ranges / sizeof br->ranges[0];
        for (size_t r = 0; r < nranges && br->ranges[r].digits != 0; r++) {
            unsigned long v;
            if (iin_prefix(iin, have, br->ranges[r].digits, &v) && v >= br->ranges[r].lo &&
                v <= br->ranges[r].hi)
                return br->name;
        }
    }
    return NULL;
}

/* Overwrite n bytes through a volatile pointer: a plain memset of a buffer that is dead
 * afterwards may be removed by the optimiser (C17 has no memset_s guarantee here). */
void fk_card_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0)
        *v++ = 0;
}

void fk_card_inspect(const char *raw, fk_card *out)
{
    /* Held digits of the number: only these two small buffers, wiped at the end. */
    char iin[IIN_DIGITS];
    char last[4];
    size_t count = 0, nother = 0; /* size_t: any input length, no overflow */
    fk_luhn luhn = FK_LUHN_INIT;  /* sums mod 10 only: nothing of the number */

    memset(out, 0, sizeof *out);
    if (raw == NULL)
        return;
    for (const char *p = raw; *p != '\0'; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t')
            continue;
        if (c < '0' || c > '9') {
            nother++;
            continue;
        }
        fk_luhn_add(&luhn, c - '0');
        if (count < IIN_DIGITS)
            iin[count] = c;
        last[count % 4] = c;
        count++;
    }

    int ndigits = count > INT_MAX ? INT_MAX : (int)count;
    /* whitespace and dashes alone are no card number */
    out->present = (count > 0 || nother > 0);
    out->ndigits = ndigits;
    out->digits_only = (ndigits > 0 && nother == 0);
    if (out->digits_only) {
        out->luhn_ok = fk_luhn_valid(&luhn);
        const char *brand =
            fk_card_brand(iin, ndigits < IIN_DIGITS ? ndigits : IIN_DIGITS, ndigits);
        if (brand != NULL)
            snprintf(out->brand, sizeof out->brand, "%s", brand);
    }
    if (ndigits >= 4) {
        /* last[] is a ring: the oldest of the last four is at count % 4 */
        for (size_t i = 0; i < 4; i++)
            out->last4[i] = last[(count + i) % 4];
        out->last4[4] = '\0';
    }

    fk_card_wipe(iin, sizeof iin);
    fk_card_wipe(last, sizeof last);
}

void fk_card_masked(const fk_card *c, char *buf, size_t bufsz)
{
    if (buf == NULL || bufsz == 0)
        return;
    buf[0] = '\0';
    if (c == NULL || !c->present || c->last4[0] == '\0')
        return;
    if (c->brand[0] != '\0')
        snprintf(buf, bufsz, "%s ****%s", c->brand, c->last4);
    else
        snprintf(buf, bufsz, "****%s", c->last4);
}
