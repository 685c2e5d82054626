/* SPDX-License-Identifier: MIT */
/* payments.c -- `faktura payments FILE.csv`: the payments file and its acceptance rules.
 *
 * A row is applied only when it names a known invoice, in that invoice's currency, with a
 * positive amount and a date, and does not pay more than is open; a row seen before (the
 * same payment_id, else the same whole row) records nothing. A rejected row is an
 * FK_EINPUT fk_error naming the file, line and field: passed to the caller's `problem`,
 * and the file goes on. The store only reads and writes the rows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/util.h"
#include "ingest/ingest.h"
#include "pipeline/pipeline.h"

typedef struct pay_ctx {
    fk_store *store;
    const char *path;
    fk_log_fn problem;
    void *payload;
    fk_payments_summary *sum;
    fk_error *err;
    fk_status st;
} pay_ctx;

/* One row of the file (values as read; payment_id and currency may be ""). */
typedef struct pay_row {
    unsigned long line;
    const char *invoice_number, *amount, *paid_on, *payment_id, *currency;
} pay_row;

static fk_status reject(const pay_ctx *c, const pay_row *p, const char *field, fk_error *why,
                        const char *fmt, ...) FK_PRINTF(5, 6);
static fk_status reject(const pay_ctx *c, const pay_row *p, const char *field, fk_error *why,
                        const char *fmt, ...)
{
    char msg[sizeof(why->message)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return fk_error_set(why, FK_EINPUT, c->path, p->line, field, "%s", msg);
}

/* A row is the same payment again if its payment_id is, else if the whole row is. */
static void payment_key(const pay_row *p, int64_t amount, const char *currency, char *key,
                        size_t n)
{
    if (*p->payment_id) {
        snprintf(key, n, "id:%.120s", p->payment_id);
    } else {
        char hash[65];
        fk_buf b = FK_BUF_INIT;
        fk_buf_printf(&b, "%s\x1f%lld\x1f%s\x1f%s", p->invoice_number, (long long)amount,
                      p->paid_on, currency);
        fk_sha256_hex(b.ptr, b.len, hash);
        fk_buf_free(&b);
        snprintf(key, n, "row:%s", hash);
    }
}

static fk_status overpaid(const pay_ctx *c, const pay_row *p, const fk_invoice_balance *inv,
                          int64_t amount, int exp, fk_error *why)
{
    char a[48], g[48], d[48];
    fk_decimal_format(amount, exp, a, sizeof(a));
    fk_decimal_format(inv->gross, exp, g, sizeof(g));
    fk_decimal_format(inv->paid, exp, d, sizeof(d));
    return reject(c, p, "amount", why,
                  "overpayment: %s %s on invoice %s of %s %s, of which %s is paid", a,
                  inv->currency, p->invoice_number, g, inv->currency, d);
}

/* Judge the row against its invoice; record it when accepted. FK_EINPUT in `why`: the row
 * is rejected; another status in `err`: the database failed. */
static fk_status accept(pay_ctx *c, const pay_row *p, bool *duplicate, fk_error *why)
{
    fk_invoice_balance inv;
    int64_t amount, t, total;
    char key[128], q[64]; /* a quoted value (fk_quote_value: cut, made safe, cards masked) */
    fk_status st;

    *duplicate = false;
    if ((st = fk_store_invoice_balance(c->store, p->invoice_number, &inv, c->err)) != FK_OK)
        return st;
    if (!inv.found)
        return reject(c, p, "invoice_number", why, "unknown invoice number \"%s\"",
                      fk_quote_value(p->invoice_number, q, sizeof(q)));
    if (*p->currency && strcmp(p->currency, inv.currency) != 0)
        return reject(c, p, "currency", why, "invoice %s is in %s, the payment in %s",
                      p->invoice_number, inv.currency,
                      fk_quote_value(p->currency, q, sizeof(q)));
    int exp = fk_currency_exponent(inv.currency);
    if (fk_decimal_parse(p->amount, '.', exp < 0 ? 2 : exp, &amount) != FK_DEC_OK || amount <= 0)
        return reject(c, p, "amount", why, "amount \"%s\" is not a positive amount in %s",
                      fk_quote_value(p->amount, q, sizeof(q)), inv.currency);
    if (!fk_time_parse(p->paid_on, &t))
        return reject(c, p, "paid_on", why, "paid_on \"%s\" is not a date (YYYY-MM-DD)",
                      fk_quote_value(p->paid_on, q, sizeof(q)));
    payment_key(p, amount, inv.currency, key, sizeof(key));
    if ((st = fk_store_payment_seen(c->store, key, duplicate, c->err)) != FK_OK || *duplicate)
        return st;
    total = inv.paid;
    if (!fk_add_checked(&total, amount) || total > inv.gross)
        return overpaid(c, p, &inv, amount, exp, why);
    fk_payment_rec rec = {key, p->invoice_number, amount, p->paid_on, c->path};
    return fk_store_payment_insert(c->store, &rec, c->err);
}

static void problem(pay_ctx *c, const fk_error *why)
{
    fk_buf m = FK_BUF_INIT;
    c->sum->rejected++;
    fk_buf_printf(&m, "%s:%lu: %s", why->file, why->line, why->message);
    if (c->problem)
        c->problem(fk_buf_cstr(&m), c->payload);
    fk_buf_free(&m);
}

static int pay_row_fn(unsigned long line, const char *const *v, void *payload)
{
    pay_ctx *c = payload;
    fk_error why = FK_ERROR_INIT;
    pay_row p = {line, "", "", "", "", ""};
    bool duplicate = false;

    c->sum->rows++;
    if (!v)
        reject(c, &p, NULL, &why, "malformed row (wrong number of fields)");
    else if (!*v[0])
        reject(c, &p, "invoice_number", &why, "invoice_number is empty");
    if (why.status != FK_OK) {
        problem(c, &why);
        return 0;
    }
    p = (pay_row){line, v[0], v[1], v[2], v[3], v[4]};
    fk_status st = accept(c, &p, &duplicate, &why);
    if (st == FK_EINPUT && why.status == FK_EINPUT) {
        problem(c, &why);
        return 0;
    }
    if ((c->st = st) != FK_OK)
        return 1; /* the database failed: stop */
    if (duplicate)
        c->sum->duplicates++;
    else
        c->sum->recorded++;
    return 0;
}

fk_status fk_payments_import(const char *db_path, const char *csv_path, fk_log_fn problem_fn,
                             void *payload, fk_payments_summary *out, fk_error *err)
{
    static const char *const cols[] = {"invoice_number", "amount", "paid_on", "payment_id",
                                       "currency"};
    fk_store *s = NULL;
    fk_status st;
    pay_ctx c = {NULL, csv_path, problem_fn, payload, out, err, FK_OK};

    memset(out, 0, sizeof(*out));
    if ((st = fk_store_open(&s, db_path, err)) != FK_OK)
        return st;
    c.store = s;
    /* One transaction for the file: all of it is recorded, or (on a database error)
     * none of it, so a rerun never half-applies a file. */
    if ((st = fk_store_begin(s, err)) == FK_OK) {
        st = fk_ingest_table(csv_path, cols, 5, pay_row_fn, &c, err);
        if (st == FK_OK)
            st = c.st;
        if (st == FK_OK)
            st = fk_store_commit(s, err);
        else
            fk_store_rollback(s);
    }
    fk_store_close(s);
    return st;
}
