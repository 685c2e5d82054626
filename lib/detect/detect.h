/* SPDX-License-Identifier: MIT */
/* detect.h -- what must not become an invoice even though its data is valid.
 *
 * Works on plain data only: the order, a set of the ids seen in this batch, and what the
 * pipeline found in the database about an earlier invoice for the same order id.
 */
#ifndef FK_DETECT_H
#define FK_DETECT_H
#include "core/order.h"

/* The order ids of one batch: a set of their 128-bit hashes (fk_detect_key128) in a keymap
 * (store/keymap.h), so memory stays bounded however long the batch. */
typedef struct fk_idset fk_idset;
fk_idset *fk_idset_new(void);
/* Add id; returns false if it was already there. */
bool fk_idset_add(fk_idset *s, const char *id);
void fk_idset_free(fk_idset *s);

/* 128 bits of hash over a type tag and two strings (two different FNV-1a variants). */
void fk_detect_key128(char tag, const char *a, const char *b, uint64_t *k1, uint64_t *k2);

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

/* ---- generation rules (issue: thresholds, duplicate charges, disputes) ---- */

#define FK_MAX_LIMITS 32
typedef struct fk_amount_limit {
    char currency[4];
    int64_t amount; /* minor units */
} fk_amount_limit;

/* The rules of the config's [thresholds] and [disputes] sections; each is off unless set
 * (the duplicate window and the dispute response time have defaults). */
typedef struct fk_rules {
    fk_amount_limit minimum[FK_MAX_LIMITS], maximum[FK_MAX_LIMITS], credit[FK_MAX_LIMITS];
    size_t nminimum, nmaximum, ncredit;
    int invoices_per_day;       /* per customer; 0: off */
    int holding_hours;          /* 0: off */
    int overdue_days;           /* -1: off */
    int duplicate_window_hours; /* default 24; 0: off */
    int dispute_response_days;  /* default 21 */
} fk_rules;

/* Read [thresholds] and [disputes] from the config file (NULL: the defaults). Errors name
 * the file, line and key (FK_EUSAGE). */
fk_status fk_rules_load(fk_rules *r, const char *config_path, fk_error *err);
/* The limit for `currency` in a table, or -1 when none is set. */
int64_t fk_rules_limit(const fk_amount_limit *t, size_t n, const char *currency);

/* Who the customer is (customer_id, else VAT number, else normalised company name) and the
 * fingerprint of the charge (customer, currency, total, lines). Fills o->customer_key and
 * o->charge_key; call after validation. */
void fk_detect_keys(fk_order *o);

/* What the database and this batch know about the customer and the charge. */
typedef struct fk_customer_facts {
    int64_t open_amount;      /* invoiced and not yet paid, in the order's currency */
    uint64_t invoices_today;  /* invoices issued to the customer on the issue date */
    char overdue[512];        /* numbers of invoices overdue past the limit, "" if none */
    char dup_order_id[256];   /* an accepted order with the same charge in the window */
    int64_t dup_time;
} fk_customer_facts;

/* Add the rules' findings to an order that would otherwise be invoiced. Codes in
 * `approved` (terminated by FK_CODE_NONE; may be NULL) were released by an accountant. */
void fk_detect_rules(fk_order *o, const fk_rules *r, const fk_customer_facts *f, int64_t as_of,
                     const fk_code *approved);

/* This batch's accepted orders, for the rules (the database holds earlier batches). */
typedef struct fk_batch_memory fk_batch_memory;
fk_batch_memory *fk_batch_memory_new(void);
/* Add what this batch knows to facts (same customer, currency, charge window). Both take
 * the order's mem_key, which fk_detect_keys sets. */
void fk_batch_memory_facts(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                           fk_customer_facts *f);
/* Remember an accepted (invoiced) order (only what the enabled rules need). */
void fk_batch_memory_add(fk_batch_memory *m, const fk_order *o, const fk_rules *r);
void fk_batch_memory_free(fk_batch_memory *m);
#endif
