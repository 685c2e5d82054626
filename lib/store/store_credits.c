/* SPDX-License-Identifier: MIT */
/* store_credits.c -- credit notes (issue 19): their own gapless number series, each note
 * with its document of record, recorded in the transaction that consumes its number (the
 * same guarantees as invoices: a trigger refuses a number out of sequence, the rows are
 * immutable). What a credit note says and whether it may be issued is decided by the
 * caller (pipeline/credit.c); here they are rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store_impl.h"

typedef struct key_ctx {
    fk_credit_key *out;
} key_ctx;

static void get_key(sqlite3_stmt *row, void *payload)
{
    fk_credit_key *k = payload;
    k->found = true;
    fk_store__col_copy(k->number, sizeof(k->number), row, 0);
    fk_store__col_copy(k->request_hash, sizeof(k->request_hash), row, 1);
    fk_store__col_copy(k->invoice_number, sizeof(k->invoice_number), row, 2);
}

fk_status fk_store_credit_by_key(fk_store *s, const char *key, fk_credit_key *out,
                                 fk_error *err)
{
    memset(out, 0, sizeof(*out));
    return fk_sql(s, STMT_COUNT, "look up a credit note's key", get_key, out, err,
                  "SELECT number, request_hash, invoice_number FROM credit_notes "
                  "WHERE credit_key = ?",
                  "t", key);
}

static void get_int64(sqlite3_stmt *row, void *payload)
{
    *(int64_t *)payload = sqlite3_column_int64(row, 0);
}

fk_status fk_store_credit_peek(fk_store *s, const char *series, int64_t *seq, fk_error *err)
{
    *seq = 1;
    return fk_sql(s, STMT_COUNT, "read the credit note series", get_int64, seq, err,
                  "SELECT next_seq FROM credit_series WHERE key = ?", "t", series);
}

fk_status fk_store_credit_record(fk_store *s, const fk_credit_rec *c, fk_error *err)
{
    fk_status rc;

    /* The number is consumed here, exactly the one peeked, with the note. */
    if (c->seq == 1)
        rc = fk_sql(s, STMT_COUNT, "start the credit note series", NULL, NULL, err,
                    "INSERT INTO credit_series(key, next_seq) VALUES (?, 2)", "t", c->series);
    else
        rc = fk_sql(s, STMT_COUNT, "advance the credit note series", NULL, NULL, err,
                    "UPDATE credit_series SET next_seq = next_seq + 1 WHERE key = ? AND "
                    "next_seq = ?",
                    "ti", c->series, c->seq);
    if (rc == FK_OK && sqlite3_changes(s->db) != 1)
        return fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                            "credit note series %s moved under us (expected %lld)", c->series,
                            (long long)c->seq);
    if (rc != FK_OK)
        return rc;
    return fk_sql(s, STMT_COUNT, "record a credit note", NULL, NULL, err,
                  "INSERT INTO credit_notes(number, series, seq, credit_key, request_hash, "
                  "invoice_number, order_row, issue_date, currency, net, vat, gross, reason, "
                  "out_dir, pdf_name, pdf_size, pdf_sha256, content, content_sha256) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                  "ttitttIttiiitttittt", c->number, c->series, c->seq, c->key, c->request_hash,
                  c->invoice_number, (int)(c->order_row != 0), c->order_row, c->issue_date,
                  c->currency, c->net, c->vat, c->gross, c->reason, c->out_dir, c->pdf_name,
                  (int64_t)c->pdf_size, c->pdf_sha256, c->content, c->content_sha256);
}

typedef struct each_ctx {
    fk_credit_content_fn fn;
    void *payload;
} each_ctx;

static void get_content(sqlite3_stmt *row, void *payload)
{
    each_ctx *c = payload;
    c->fn(fk_store__col_text(row, 0), fk_store__col_text(row, 1), c->payload);
}

fk_status fk_store_credits_of(fk_store *s, const char *invoice_number, fk_credit_content_fn fn,
                              void *payload, fk_error *err)
{
    each_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the invoice's credit notes", get_content, &c, err,
                  "SELECT number, content FROM credit_notes WHERE invoice_number = ? "
                  "ORDER BY series, seq",
                  "t", invoice_number);
}

static void set_true(sqlite3_stmt *row, void *payload)
{
    (void)row;
    *(bool *)payload = true;
}

fk_status fk_store_has_credit_number(fk_store *s, const char *number, bool *out, fk_error *err)
{
    *out = false;
    return fk_sql(s, STMT_COUNT, "look up a credit note number", set_true, out, err,
                  "SELECT 1 FROM credit_notes WHERE number = ?", "t", number);
}
