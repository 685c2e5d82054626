/* SPDX-License-Identifier: MIT */
/* memory.h -- what a batch remembers about its own orders, in bounded memory.
 *
 * Two memories over keymaps (keymap.h): the order ids seen in the batch (fk_idset, for
 * duplicate ids) and the accepted orders the rules must see before the database has them
 * (fk_batch_memory: the two open chunks of a run, every accepted order of a dry run). Both
 * keep compact records in memory up to a bound, then in a temporary file, so memory stays
 * the same for any batch size. Plain data in, plain data out: detect judges the facts.
 */
#ifndef FK_STORE_MEMORY_H
#define FK_STORE_MEMORY_H
#include <stdbool.h>
#include "faktura/common.h"
#include "core/order.h"
#include "core/rules.h"

/* The order ids of one batch: a set of their 128-bit hashes (fk_key128). */
typedef struct fk_idset fk_idset;
fk_idset *fk_idset_new(void);
/* Add id; *added is false if it was already there. FK_EENV: the set's temporary file
 * cannot be read back. */
fk_status fk_idset_add(fk_idset *s, const char *id, bool *added, fk_error *err);
void fk_idset_free(fk_idset *s);

/* This batch's accepted orders, for the rules (the database holds earlier batches). */
typedef struct fk_batch_memory fk_batch_memory;
fk_batch_memory *fk_batch_memory_new(void);
/* Add what this batch knows to facts (same customer and currency; the same charge within
 * the duplicate window). Both take the order's mem_key, which fk_detect_keys sets. */
fk_status fk_batch_memory_facts(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                                fk_customer_facts *f, fk_error *err);
/* Remember an accepted (invoiced) order (only what the enabled rules need). */
fk_status fk_batch_memory_add(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                              fk_error *err);
void fk_batch_memory_free(fk_batch_memory *m);
#endif
