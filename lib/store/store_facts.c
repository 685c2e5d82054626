/* SPDX-License-Identifier: MIT */
/* store_facts.c -- what the database knows about a customer and a charge, for the
 * generation rules: the open balance, today's invoices, overdue invoices, an earlier order
 * with the same charge. Only the queries the enabled rules need run, each once an order
 * (prepared once). The rules themselves are detect's.
 *
 * Each is one indexed lookup, whatever the customer's history: the open balance and the
 * invoices per day are running totals, and the invoices not yet paid in full a table of
 * their own, all kept by triggers in the transaction of each invoice and payment
 * (store_schema.c). Summing a customer's invoices for every order made 20,000 orders of
 * one customer take 84 s (issue 15, item 23; docs/performance.md). */
#include <stdio.h>
#include <string.h>
#include "core/util.h"
#include "store/store_impl.h"

static void add_amount(sqlite3_stmt *row, void *payload)
{
    *(int64_t *)payload += sqlite3_column_int64(row, 0);
}

static void add_count(sqlite3_stmt *row, void *payload)
{
    *(uint64_t *)payload += (uint64_t)sqlite3_column_int64(row, 0);
}

typedef struct overdue_ctx {
    char *list;
    size_t size, len;
} overdue_ctx;

static void add_overdue(sqlite3_stmt *row, void *payload)
{
    overdue_ctx *c = payload;
    int n = snprintf(c->list + c->len, c->size - c->len, "%s%s", c->len ? ", " : "",
                     fk_store__col_text(row, 0));
    if (n > 0 && (size_t)n < c->size - c->len)
        c->len += (size_t)n;
}

/* No match is one row of NULLs. */
static void get_dup(sqlite3_stmt *row, void *payload)
{
    fk_customer_facts *f = payload;
    if (sqlite3_column_type(row, 0) == SQLITE_NULL)
        return;
    fk_store__col_copy(f->dup_order_id, sizeof(f->dup_order_id), row, 0);
    f->dup_time = sqlite3_column_int64(row, 1);
}

fk_status fk_store_customer_facts(fk_store *s, const fk_order *o, const fk_rules *r,
                                  const char *issue_date, int64_t as_of, fk_customer_facts *f,
                                  fk_error *err)
{
    fk_status rc = FK_OK;

    /* Open balance: what the customer was invoiced in this currency, less what was paid.
     * Needed by the credit limit only. */
    if (r->ncredit > 0 || *o->f[FK_COL_CREDIT_LIMIT])
        rc = fk_sql(s, STMT_OPEN, "read the open balance", add_amount, &f->open_amount, err,
                    "SELECT open_amount FROM customer_balances WHERE customer_key = ? AND "
                    "currency = ?",
                    "tt", o->customer_key, o->currency);
    if (rc == FK_OK && r->invoices_per_day > 0)
        rc = fk_sql(s, STMT_TODAY, "count today's invoices", add_count, &f->invoices_today, err,
                    "SELECT invoices FROM customer_days WHERE customer_key = ? AND "
                    "issue_date = ?",
                    "tt", o->customer_key, issue_date);
    if (rc == FK_OK && r->overdue_days >= 0) {
        char limit[16];
        overdue_ctx c = {f->overdue, sizeof(f->overdue), strlen(f->overdue)};
        fk_format_date(as_of - (int64_t)r->overdue_days * 86400, limit, sizeof(limit));
        rc = fk_sql(s, STMT_OVERDUE, "find overdue invoices", add_overdue, &c, err,
                    "SELECT number FROM open_invoices WHERE customer_key = ? AND "
                    "due_date < ? ORDER BY due_date, number LIMIT 10",
                    "tt", o->customer_key, limit);
    }
    /* The earliest match in the window: min() with a bare column gives that row's order_id
     * (SQLite documents this); the index on (charge_key, order_time) bounds the search to
     * the window. */
    if (rc == FK_OK && r->duplicate_window_hours > 0 && !f->dup_order_id[0]) {
        int64_t w = (int64_t)r->duplicate_window_hours * 3600;
        rc = fk_sql(s, STMT_DUP_CHARGE, "look for duplicate charges", get_dup, f, err,
                    "SELECT order_id, min(order_time) FROM invoices WHERE charge_key = ?1 "
                    "AND order_time BETWEEN ?3 - ?4 AND ?3 + ?4 AND order_id <> ?2",
                    "ttii", o->charge_key, o->f[FK_COL_ORDER_ID], o->order_time, w);
    }
    return rc;
}
