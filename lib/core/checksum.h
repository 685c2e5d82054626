/* SPDX-License-Identifier: MIT */
/* checksum.h -- the check-digit algorithms that card numbers, VAT numbers, IBANs and the
 * card-number scanner share: Luhn (ISO/IEC 7812), ISO 7064 MOD 97-10 and MOD 11,10,
 * weighted digit sums and the GS1 (EAN/GTIN) check.
 *
 * Pure functions over ASCII digits (and, for MOD 97-10, letters): no allocation, no state
 * beyond what the caller holds. The callers have checked that the characters are digits
 * (letters for MOD 97-10) where a function says so.
 */
#ifndef FK_CHECKSUM_H
#define FK_CHECKSUM_H
#include <stdbool.h>
#include <stddef.h>

/* Luhn, streamed one digit at a time, so a card number never has to be copied whole: the
 * sums are kept for both parities because which digits are doubled (every second one
 * counted from the right) is only known at the end. Both stay below 10. */
typedef struct fk_luhn {
    unsigned sum_even; /* doubling the 1st, 3rd, ... digit from the left */
    unsigned sum_odd;  /* doubling the 2nd, 4th, ... digit from the left */
    size_t count;      /* digits added */
} fk_luhn;

#define FK_LUHN_INIT {0, 0, 0}

/* Add one digit (0-9) on the right. */
void fk_luhn_add(fk_luhn *l, int digit);
/* The Luhn sum mod 10 of the digits added so far, the rightmost not doubled: 0 = valid. */
unsigned fk_luhn_rest(const fk_luhn *l);
/* Does the Luhn check hold (at least 2 digits and a sum of 0 mod 10)? */
bool fk_luhn_valid(const fk_luhn *l);
/* The Luhn sum mod 10 of n digits, the rightmost not doubled (0 means valid). */
unsigned fk_luhn_mod(const char *digits, size_t n);
/* The check digit that, appended to the n digits, makes them pass the Luhn check. */
int fk_luhn_check_digit(const char *digits, size_t n);

/* ISO 7064 MOD 97-10, one character at a time: r is the remainder so far (0 to start),
 * c a digit or an upper-case letter (A = 10 ... Z = 35, as IBANs and Dutch VAT numbers
 * read them). Returns the new remainder. */
int fk_mod97_step(int r, char c);
/* The remainder of s[0, n) continued from r. */
int fk_mod97(int r, const char *s, size_t n);

/* ISO 7064 MOD 11,10 over n digits (the last is the check digit): valid? */
bool fk_mod11_10_valid(const char *digits, size_t n);

/* Sum of weights[i] x digit i over n digits. */
int fk_weighted_sum(const char *digits, const int *weights, size_t n);

/* The GS1 check of a GTIN/EAN of n digits (the last is the check digit): weights 3 and 1
 * alternating from the right of the payload, sum mod 10 = 0. */
bool fk_gtin_valid(const char *digits, size_t n);
#endif
