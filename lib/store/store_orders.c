/* SPDX-License-Identifier: MIT */
/* store_orders.c -- orders, their findings and invoices, and the number series.
 *
 * An invoice number is consumed in the same transaction that records its invoice: the
 * series advances only from exactly the number that was peeked, and a trigger refuses any
 * number out of sequence (store_schema.c), so a crash before COMMIT leaves neither a gap
 * nor a duplicate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "store/store_codec.h"
#include "store/store_impl.h"

static void get_prior(sqlite3_stmt *row, void *payload)
{
    fk_prior_invoice *out = payload;
    out->found = true;
    fk_store__col_copy(out->number, sizeof(out->number), row, 0);
    fk_store__col_copy(out->content_hash, sizeof(out->content_hash), row, 1);
}

fk_status fk_store_prior(fk_store *s, const char *order_id, fk_prior_invoice *out, fk_error *err)
{
    memset(out, 0, sizeof(*out));
    return fk_sql(s, STMT_PRIOR, "look up earlier invoices", get_prior, out, err,
                  "SELECT number, content_hash FROM invoices WHERE order_id = ?", "t", order_id);
}

static void set_true(sqlite3_stmt *row, void *payload)
{
    (void)row;
    *(bool *)payload = true;
}

fk_status fk_store_has_number(fk_store *s, const char *number, bool *out, fk_error *err)
{
    *out = false;
    return fk_sql(s, STMT_HAS_NUMBER, "look up an invoice number", set_true, out, err,
                  "SELECT 1 FROM invoices WHERE number = ?", "t", number);
}

static void get_int64(sqlite3_stmt *row, void *payload)
{
    *(int64_t *)payload = sqlite3_column_int64(row, 0);
}

fk_status fk_store_peek_seq(fk_store *s, const char *key, int64_t *seq, fk_error *err)
{
    *seq = 1; /* a new series */
    return fk_sql(s, STMT_PEEK, "read the number series", get_int64, seq, err,
                  "SELECT next_seq FROM series WHERE key = ?", "t", key);
}

/* The order's row: a new one (row 0), or (a retry) the not-yet-invoiced row replaced. */
static fk_status put_order(fk_store *s, int64_t batch_id, int64_t *row, const fk_order *o,
                           fk_error *err)
{
    const char *currency = o->currency[0] ? o->currency : o->f[FK_COL_CURRENCY];
    /* Only an order that may be retried keeps its data: an invoice is final. */
    char *data = o->outcome == FK_INVOICED ? NULL : fk_order_encode(o);
    fk_status rc;

    if (*row) {
        rc = fk_sql(s, STMT_FINDINGS_DELETE, "clear old findings", NULL, NULL, err,
                    "DELETE FROM findings WHERE order_row = ?", "i", *row);
        if (rc == FK_OK)
            rc = fk_sql(s, STMT_ORDER_UPDATE, "record an order", NULL, NULL, err,
                        "UPDATE orders SET order_id = ?2, file = ?3, line = ?4, status = ?5, "
                        "currency = ?6, exponent = ?7, amount = ?8, content_hash = ?9, "
                        "data = ?10, attempts = attempts + 1 WHERE id = ?1 AND status <> "
                        "'invoiced'",
                        "ittittdItt", *row, o->f[FK_COL_ORDER_ID], o->file, (int64_t)o->line,
                        fk_outcome_name(o->outcome), currency, o->exponent, (int)o->amounts_ok,
                        o->gross_total, o->content_hash, data);
        if (rc == FK_OK && sqlite3_changes(s->db) != 1)
            rc = fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                              "order row %lld is gone or already invoiced", (long long)*row);
    } else {
        rc = fk_sql(s, STMT_ORDER, "record an order", NULL, NULL, err,
                    "INSERT INTO orders(batch_id, order_id, file, line, status, currency, "
                    "exponent, amount, content_hash, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    "ittittdItt", batch_id, o->f[FK_COL_ORDER_ID], o->file, (int64_t)o->line,
                    fk_outcome_name(o->outcome), currency, o->exponent, (int)o->amounts_ok,
                    o->gross_total, o->content_hash, data);
        if (rc == FK_OK)
            *row = sqlite3_last_insert_rowid(s->db);
    }
    free(data);
    return rc;
}

/* Consume the number: exactly the peeked one, or something is badly wrong. */
static fk_status consume_number(fk_store *s, const fk_invoice_rec *inv, fk_error *err)
{
    fk_status rc;
    if (inv->seq == 1)
        return fk_sql(s, STMT_SERIES_NEW, "start a number series", NULL, NULL, err,
                      "INSERT INTO series(key, next_seq) VALUES (?, 2)", "t", inv->series);
    rc = fk_sql(s, STMT_SERIES_NEXT, "advance the number series", NULL, NULL, err,
                "UPDATE series SET next_seq = next_seq + 1 WHERE key = ? AND next_seq = ?", "ti",
                inv->series, inv->seq);
    if (rc == FK_OK && sqlite3_changes(s->db) != 1)
        rc = fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                          "number series %s moved under us (expected %lld)", inv->series,
                          (long long)inv->seq);
    return rc;
}

fk_status fk_store_order_record(fk_store *s, int64_t batch_id, int64_t row, const fk_order *o,
                                const fk_invoice_rec *inv, fk_error *err)
{
    fk_status rc = put_order(s, batch_id, &row, o, err);

    for (size_t i = 0; rc == FK_OK && i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        rc = fk_sql(s, STMT_FINDING, "record a finding", NULL, NULL, err,
                    "INSERT INTO findings(order_row, seq, code, field, message, hint) "
                    "VALUES (?,?,?,?,?,?)",
                    "iitttt", row, (int64_t)i, fk_code_name(f->code), f->field, f->message,
                    f->hint);
    }
    if (rc != FK_OK || !inv || (rc = consume_number(s, inv, err)) != FK_OK)
        return rc;
    rc = fk_sql(s, STMT_INVOICE, "record an invoice", NULL, NULL, err,
                "INSERT INTO invoices(number, series, seq, order_id, order_row, batch_id, "
                "issue_date, due_date, currency, net, vat, gross, content_hash, pdf_name, "
                "pdf_size, pdf_sha256, customer_key, charge_key, order_time, has_document) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                "ttitiitttiiittitttid", inv->number, inv->series, inv->seq,
                o->f[FK_COL_ORDER_ID], row, batch_id, inv->issue_date, inv->due_date,
                o->currency, o->net_total, o->vat_total, o->gross_total, o->content_hash,
                inv->pdf_name, (int64_t)inv->pdf_size, inv->pdf_sha256, o->customer_key,
                o->charge_key, o->order_time, inv->doc_json ? 1 : 0);
    if (rc != FK_OK || !inv->doc_json)
        return rc;
    /* The invoice of record, in the transaction that consumes its number. */
    return fk_sql(s, STMT_DOCUMENT, "record an invoice's document", NULL, NULL, err,
                  "INSERT INTO documents(number, kind, version, content, sha256) "
                  "VALUES (?, 'invoice', 1, ?, ?)",
                  "ttt", inv->number, inv->doc_json, inv->doc_sha256);
}
