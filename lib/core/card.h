/* SPDX-License-Identifier: MIT */
/* card.h -- what faktura keeps of a payment card number: brand, checks, last four digits.
 * The full number is inspected here once, at ingestion, and never copied anywhere. */
#ifndef FK_CARD_H
#define FK_CARD_H
#include "core/order.h"

/* Inspect `raw` (spaces and dashes allowed) and fill `out`. Never stores the number. */
void fk_card_inspect(const char *raw, fk_card *out);
/* The masked form for output: "VISA ****1234", or "****1234" if no brand, or "" if none. */
void fk_card_masked(const fk_card *c, char *buf, size_t bufsz);
/* The brand ("VISA", ...) of a number of `ndigits` digits whose leading digits are
 * iin[0, have) (8 are enough for every range); NULL when no brand issues it. */
const char *fk_card_brand(const char *iin, int have, int ndigits);
/* Overwrite n bytes with zeros through a volatile pointer, so the optimiser cannot drop it
 * for a buffer that is dead afterwards. */
void fk_card_wipe(void *p, size_t n);
#endif
