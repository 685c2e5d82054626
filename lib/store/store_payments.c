/* SPDX-License-Identifier: MIT */
/* store_payments.c -- payment rows: the balance of the invoice a payment names, whether a
 * payment was recorded before, and recording one. Which payments are accepted is decided
 * by the caller (pipeline/payments.c). */
#include <string.h>
#include "store/store_impl.h"

static void get_balance(sqlite3_stmt *row, void *payload)
{
    fk_invoice_balance *b = payload;
    b->found = true;
    fk_store__col_copy(b->currency, sizeof(b->currency), row, 0);
    b->gross = sqlite3_column_int64(row, 1);
    b->paid = sqlite3_column_int64(row, 2);
    b->credited = sqlite3_column_int64(row, 3);
}

fk_status fk_store_invoice_balance(fk_store *s, const char *number, fk_invoice_balance *out,
                                   fk_error *err)
{
    memset(out, 0, sizeof(*out));
    return fk_sql(s, STMT_BALANCE, "look up the invoice", get_balance, out, err,
                  "SELECT i.currency, i.gross, COALESCE((SELECT SUM(p.amount) FROM payments p "
                  "WHERE p.invoice_number = i.number), 0), COALESCE((SELECT -SUM(c.gross) FROM "
                  "credit_notes c WHERE c.invoice_number = i.number), 0) FROM invoices i "
                  "WHERE i.number = ?",
                  "t", number);
}

static void set_true(sqlite3_stmt *row, void *payload)
{
    (void)row;
    *(bool *)payload = true;
}

fk_status fk_store_payment_seen(fk_store *s, const char *key, bool *seen, fk_error *err)
{
    *seen = false;
    return fk_sql(s, STMT_PAYMENT_SEEN, "look up a payment", set_true, seen, err,
                  "SELECT 1 FROM payments WHERE payment_key = ?", "t", key);
}

fk_status fk_store_payment_insert(fk_store *s, const fk_payment_rec *p, fk_error *err)
{
    return fk_sql(s, STMT_PAYMENT, "record a payment", NULL, NULL, err,
                  "INSERT INTO payments(payment_key, invoice_number, amount, paid_on, source) "
                  "VALUES (?,?,?,?,?)",
                  "ttitt", p->key, p->invoice_number, p->amount, p->paid_on, p->source);
}
