/* SPDX-License-Identifier: MIT */
/* detect.h -- what must not become an invoice even though its data is valid.
 *
 * Works on plain data only: the order, a set of the ids seen in this batch, and what the
 * pipeline found in the database about an earlier invoice for the same order id.
 */
#ifndef FK_DETECT_H
#define FK_DETECT_H
#include "core/order.h"

/* The order ids of one batch (a hash set; memory grows with the number of distinct ids). */
typedef struct fk_idset fk_idset;
fk_idset *fk_idset_new(void);
/* Add id; returns false if it was already there. */
bool fk_idset_add(fk_idset *s, const char *id);
void fk_idset_free(fk_idset *s);

/* An invoice issued earlier for the same order id (from the database). */
typedef struct fk_prior_invoice {
    bool found;
    char number[64];
    char content_hash[65];
} fk_prior_invoice;

/* SHA-256 of the order's content as invoiced: customer, currency, payment and lines (amounts
 * as parsed, so "12.5" and "12.50" are the same). Fills o->content_hash. */
void fk_detect_content_hash(fk_order *o);

/* DUPLICATE_ORDER_ID when the id was already seen in this batch (the first one stays). */
void fk_detect_batch_duplicate(fk_order *o, fk_idset *seen);
/* ALREADY_INVOICED (same content) or ORDER_CHANGED_AFTER_INVOICE (different content). */
void fk_detect_prior(fk_order *o, const fk_prior_invoice *prior);
#endif
