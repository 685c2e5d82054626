/* SPDX-License-Identifier: MIT */
/* store_documents.c -- issued invoices with their invoice of record, read back: one by
 * number (show, reprint, verify --repair) or all of a period (the journal). What the
 * document means is decoded by the callers (core/document.h); here it is a string. */
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "store/store_impl.h"

void fk_stored_invoice_free(fk_stored_invoice *si)
{
    free(si->pdf_path);
    free(si->out_dir);
    free(si->pdf_name);
    free(si->content);
    memset(si, 0, sizeof(*si));
}

#define INVOICE_COLUMNS                                                                     \
    "SELECT i.number, i.issue_date, i.due_date, i.currency, i.net, i.vat, i.gross, "       \
    "COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_number = i.number), "  \
    "0), COALESCE(b.out_dir, '.') || '/' || i.pdf_name, i.pdf_size, i.pdf_sha256, "        \
    "i.has_document, d.content, d.sha256, d.kind, d.version, COALESCE(b.out_dir, '.'), "   \
    "i.pdf_name, "                                                                         \
    "COALESCE((SELECT -SUM(c.gross) FROM credit_notes c WHERE c.invoice_number = i.number)," \
    " 0), '' "
#define INVOICE_FROM                                                                        \
    "FROM invoices i JOIN batches b ON b.id = i.batch_id "                                  \
    "LEFT JOIN documents d ON d.number = i.number "

/* A credit note in the same columns: no payments, its own output directory. */
#define CREDIT_COLUMNS                                                                      \
    "SELECT c.number, c.issue_date, '', c.currency, c.net, c.vat, c.gross, 0, "             \
    "c.out_dir || '/' || c.pdf_name, c.pdf_size, c.pdf_sha256, 1, c.content, "              \
    "c.content_sha256, 'credit_note', 1, c.out_dir, c.pdf_name, 0, c.invoice_number "
#define CREDIT_FROM "FROM credit_notes c "

/* One row into si (its strings replaced). */
static void fill(sqlite3_stmt *row, fk_stored_invoice *si)
{
    free(si->pdf_path);
    free(si->out_dir);
    free(si->pdf_name);
    free(si->content);
    si->found = true;
    fk_store__col_copy(si->number, sizeof(si->number), row, 0);
    fk_store__col_copy(si->issue_date, sizeof(si->issue_date), row, 1);
    fk_store__col_copy(si->due_date, sizeof(si->due_date), row, 2);
    fk_store__col_copy(si->currency, sizeof(si->currency), row, 3);
    si->net = sqlite3_column_int64(row, 4);
    si->vat = sqlite3_column_int64(row, 5);
    si->gross = sqlite3_column_int64(row, 6);
    si->paid = sqlite3_column_int64(row, 7);
    si->pdf_path = fk_xstrdup(fk_store__col_text(row, 8));
    si->pdf_size = sqlite3_column_int64(row, 9);
    fk_store__col_copy(si->pdf_sha256, sizeof(si->pdf_sha256), row, 10);
    si->has_content = sqlite3_column_int(row, 11) != 0 && sqlite3_column_type(row, 12) != SQLITE_NULL;
    si->content = sqlite3_column_type(row, 12) == SQLITE_NULL
                      ? NULL
                      : fk_xstrndup((const char *)sqlite3_column_text(row, 12),
                                    (size_t)sqlite3_column_bytes(row, 12));
    fk_store__col_copy(si->content_sha256, sizeof(si->content_sha256), row, 13);
    fk_store__col_copy(si->kind, sizeof(si->kind), row, 14);
    si->version = sqlite3_column_int(row, 15);
    si->out_dir = fk_xstrdup(fk_store__col_text(row, 16));
    si->pdf_name = fk_xstrdup(fk_store__col_text(row, 17));
    si->credited = sqlite3_column_int64(row, 18);
    fk_store__col_copy(si->corrects, sizeof(si->corrects), row, 19);
}

static void get_one(sqlite3_stmt *row, void *payload)
{
    fill(row, payload);
}

fk_status fk_store_invoice_get(fk_store *s, const char *number, fk_stored_invoice *si,
                               fk_error *err)
{
    fk_status rc;

    memset(si, 0, sizeof(*si));
    rc = fk_sql(s, STMT_COUNT, "read an invoice", get_one, si, err,
                INVOICE_COLUMNS INVOICE_FROM "WHERE i.number = ?", "t", number);
    if (rc == FK_OK && !si->found)
        rc = fk_sql(s, STMT_COUNT, "read a credit note", get_one, si, err,
                    CREDIT_COLUMNS CREDIT_FROM "WHERE c.number = ?", "t", number);
    return rc;
}

typedef struct list_ctx {
    fk_stored_invoice si;
    fk_stored_invoice_fn fn;
    void *payload;
} list_ctx;

static void get_each(sqlite3_stmt *row, void *payload)
{
    list_ctx *c = payload;
    fill(row, &c->si);
    c->fn(&c->si, c->payload);
}

fk_status fk_store_invoice_list(fk_store *s, const char *from, const char *to,
                                fk_stored_invoice_fn fn, void *payload, fk_error *err)
{
    list_ctx c;
    fk_status rc;

    memset(&c, 0, sizeof(c));
    c.fn = fn;
    c.payload = payload;
    /* Invoices and credit notes of a period, by issue date; within a day the invoices
     * first, then the credit notes, each in number order. */
    rc = fk_sql(s, STMT_COUNT, "read the invoices", get_each, &c, err,
                "SELECT * FROM (" INVOICE_COLUMNS ", 0 AS k, i.series AS ser, i.seq AS sq " INVOICE_FROM
                "WHERE (?1 = '' OR i.issue_date >= ?1) AND (?2 = '' OR i.issue_date <= ?2) "
                "UNION ALL " CREDIT_COLUMNS ", 1, c.series, c.seq " CREDIT_FROM
                "WHERE (?1 = '' OR c.issue_date >= ?1) AND (?2 = '' OR c.issue_date <= ?2)) "
                "ORDER BY 2, k, ser, sq",
                "tt", from ? from : "", to ? to : "");
    fk_stored_invoice_free(&c.si);
    return rc;
}

/* ---- e-invoice files (issue 18) ---------------------------------------------------------- */

fk_status fk_store_einvoice_record(fk_store *s, const char *number, const char *format,
                                   const char *file_name, uint64_t size, const char *sha256,
                                   fk_error *err)
{
    return fk_sql(s, STMT_EINVOICE, "record an e-invoice", NULL, NULL, err,
                  "INSERT INTO einvoices(number, format, file_name, size, sha256) "
                  "VALUES (?,?,?,?,?)",
                  "tttit", number, format, file_name, (int64_t)size, sha256);
}

fk_status fk_store_credit_einvoice_record(fk_store *s, const char *number, const char *format,
                                          const char *file_name, uint64_t size,
                                          const char *sha256, fk_error *err)
{
    return fk_sql(s, STMT_COUNT, "record a credit note's e-invoice", NULL, NULL, err,
                  "INSERT INTO credit_einvoices(number, format, file_name, size, sha256) "
                  "VALUES (?,?,?,?,?)",
                  "tttit", number, format, file_name, (int64_t)size, sha256);
}

typedef struct einv_ctx {
    fk_stored_einvoice_fn fn;
    void *payload;
} einv_ctx;

static void get_einvoice(sqlite3_stmt *row, void *payload)
{
    einv_ctx *c = payload;
    fk_stored_einvoice e = {fk_store__col_text(row, 0), fk_store__col_text(row, 1),
                            fk_store__col_text(row, 2), fk_store__col_text(row, 3),
                            fk_store__col_text(row, 4), sqlite3_column_int64(row, 5)};
    c->fn(&e, c->payload);
}

fk_status fk_store_einvoice_list(fk_store *s, const char *number, int64_t batch_id,
                                 fk_stored_einvoice_fn fn, void *payload, fk_error *err)
{
    einv_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the e-invoices", get_einvoice, &c, err,
                  "SELECT e.number, e.format, e.file_name, e.sha256, "
                  "COALESCE(b.out_dir, '.') || '/' || e.file_name, e.size, i.series, i.seq "
                  "FROM einvoices e JOIN invoices i ON i.number = e.number "
                  "JOIN batches b ON b.id = i.batch_id "
                  "WHERE (?1 IS NULL OR e.number = ?1) AND (?2 = 0 OR i.batch_id = ?2) "
                  /* A credit note's belong to no batch: with every invoice's. */
                  "UNION ALL SELECT e.number, e.format, e.file_name, e.sha256, "
                  "c.out_dir || '/' || e.file_name, e.size, c.series, c.seq "
                  "FROM credit_einvoices e JOIN credit_notes c ON c.number = e.number "
                  "WHERE (?1 IS NULL OR e.number = ?1) AND ?2 = 0 "
                  "ORDER BY 7, 8, 2",
                  "ti", number, batch_id);
}
