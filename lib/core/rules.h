/* SPDX-License-Identifier: MIT */
/* rules.h -- the generation rules' settings and the facts they judge, as plain data.
 *
 * Shared by the stages that must not know each other: core/config.c fills fk_rules from
 * the config's [thresholds] and [disputes] sections; store and the batch memory gather
 * fk_customer_facts and fk_prior_invoice; detect judges an order by them. None of these
 * types holds a pointer.
 */
#ifndef FK_CORE_RULES_H
#define FK_CORE_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FK_MAX_LIMITS 32
typedef struct fk_amount_limit {
    char currency[4];
    int64_t amount; /* minor units */
} fk_amount_limit;

/* Each rule is off unless set (the duplicate window and the dispute response time have
 * defaults: fk_rules_defaults). */
typedef struct fk_rules {
    fk_amount_limit minimum[FK_MAX_LIMITS], maximum[FK_MAX_LIMITS], credit[FK_MAX_LIMITS];
    size_t nminimum, nmaximum, ncredit;
    int invoices_per_day;       /* per customer; 0: off */
    int holding_hours;          /* 0: off */
    int overdue_days;           /* -1: off */
    int duplicate_window_hours; /* default 24; 0: off */
    int dispute_response_days;  /* default 21 */
} fk_rules;

/* Every rule off, the defaults set. */
void fk_rules_defaults(fk_rules *r);
/* The limit for `currency` in a table, or -1 when none is set. */
int64_t fk_rules_limit(const fk_amount_limit *t, size_t n, const char *currency);

/* An invoice issued earlier for the same order id (from the database). */
typedef struct fk_prior_invoice {
    bool found;
    char number[64];
    char content_hash[65];
} fk_prior_invoice;

/* What the database and this batch know about the customer and the charge. */
typedef struct fk_customer_facts {
    int64_t open_amount;      /* invoiced and not yet paid, in the order's currency */
    uint64_t invoices_today;  /* invoices issued to the customer on the issue date */
    char overdue[512];        /* numbers of invoices overdue past the limit, "" if none */
    char dup_order_id[256];   /* an accepted order with the same charge in the window */
    int64_t dup_time;
} fk_customer_facts;
#endif
