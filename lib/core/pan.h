/* SPDX-License-Identifier: MIT */
/* pan.h -- card numbers (PANs) where they do not belong: found and masked.
 *
 * card_number is inspected by card.h and never kept. Any other value, and any message that
 * quotes a value, goes through this scanner: a card number typed into the company name, the
 * street, an e-mail address, a description, the order or customer id or the IBAN column
 * must not be stored, printed or quoted either.
 *
 * A card-like run: 13 to 19 ASCII digits, consecutive digits separated by nothing or by at
 * most three spaces or dashes (space, tab, '-', the no-break, narrow no-break and thin
 * spaces, the hyphens and dashes U+2010-U+2015 and the minus sign U+2212); the run begins
 * and ends at a group of digits (a window of whole groups of a longer run counts too, so
 * "4111 1111 1111 1111 12/27" is found), and does not begin right after an ASCII letter
 * (a word or a code: "FI2112345600000785"); its leading digits and length are those of a
 * card brand (fk_card_brand) and its Luhn check holds. Not card-like, so that real data
 * keeps working: digits inside a valid IBAN (two letters, two digits, 11 to 30 letters or
 * digits in groups, ISO 7064 MOD 97-10 = 1: "DK50 0040 0440 1162 43" holds a run that
 * looks like a Maestro number), and a 13-digit run that is a valid EAN-13 (a product code
 * in item_sku: a tenth of German and British EANs pass a 13-digit Visa or Maestro check).
 * Without the registry's lengths (lib/validate) the shortest valid IBAN is taken, so
 * that a card number right after an IBAN is found: in an IBAN of more than 28 characters
 * written in groups, a shorter prefix that passes MOD 97 by chance (1 in 97) leaves the
 * rest to the scan.
 *
 * Masking keeps the length and the separators and replaces every digit of the run but the
 * last four with '*': "4111 1111 1111 1111" becomes "**** **** **** 1111". Nothing here
 * allocates; the few digits a check needs are held in a local buffer wiped afterwards.
 */
#ifndef FK_PAN_H
#define FK_PAN_H
#include <stdbool.h>
#include <stddef.h>

typedef struct fk_pan_span {
    size_t start; /* its first digit */
    size_t keep;  /* the first of its last four digits: digits in [start, keep) are masked */
    size_t end;   /* one past its last digit */
} fk_pan_span;

/* The first card-like run in s[0, n) that starts at or after `from` (a position that is
 * not inside a group of digits). false when there is none. */
bool fk_pan_find(const char *s, size_t n, size_t from, fk_pan_span *out);
/* Does s[0, n) hold a card-like run? */
bool fk_pan_present(const char *s, size_t n);
/* Mask every card-like run of s[0, n) in place, until none is left (masking can join the
 * last four digits of one with the digits after it into a new one). Returns how many
 * runs were masked. */
size_t fk_pan_mask(char *s, size_t n);
/* Mask dst[0, len), a byte-for-byte copy of the start of the NUL-terminated `src`, by the
 * card-like runs of all of src, so that a run the copy cuts is masked as well (a message
 * quotes the start of a value); then as fk_pan_mask, so that dst holds no card-like run. */
void fk_pan_mask_copy(const char *src, char *dst, size_t len);
#endif
