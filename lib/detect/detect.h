/* SPDX-License-Identifier: MIT */
/* detect.h -- what must not become an invoice even though its data is valid.
 *
 * Works on plain data only: the order, whether its id was seen before in this batch, what
 * the pipeline found in the database about an earlier invoice for the same order id, and
 * the facts about its customer (core/rules.h). It reads no file and no database.
 */
#ifndef FK_DETECT_H
#define FK_DETECT_H
#include "core/order.h"
#include "core/rules.h"

/* SHA-256 of the order's content as invoiced: customer, currency, payment and lines (amounts
 * as parsed, so "12.5" and "12.50" are the same). Fills o->content_hash. */
void fk_detect_content_hash(fk_order *o);

/* DUPLICATE_ORDER_ID when the id was already seen in this batch (the first one stays). */
void fk_detect_batch_duplicate(fk_order *o, bool seen_before);
/* ALREADY_INVOICED (same content) or ORDER_CHANGED_AFTER_INVOICE (different content). */
void fk_detect_prior(fk_order *o, const fk_prior_invoice *prior);

/* ---- generation rules (thresholds, duplicate charges, disputes) ---- */

/* Who the customer is (customer_id, else VAT number, else normalised company name) and the
 * fingerprint of the charge (customer, currency, total, lines). Fills o->customer_key,
 * o->charge_key and o->mem_key; call after validation. */
void fk_detect_keys(fk_order *o);

/* Add the rules' findings to an order that would otherwise be invoiced. Codes in
 * `approved` (terminated by FK_CODE_NONE; may be NULL) were released by an accountant. */
void fk_detect_rules(fk_order *o, const fk_rules *r, const fk_customer_facts *f, int64_t as_of,
                     const fk_code *approved);
#endif
