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
    "i.pdf_name "                                                                          \
    "FROM invoices i JOIN batches b ON b.id = i.batch_id "                                  \
    "LEFT JOIN documents d ON d.number = i.number "

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
}

static void get_one(sqlite3_stmt *row, void *payload)
{
    fill(row, payload);
}

fk_status fk_store_invoice_get(fk_store *s, const char *number, fk_stored_invoice *si,
                               fk_error *err)
{
    memset(si, 0, sizeof(*si));
    return fk_sql(s, STMT_COUNT, "read an invoice", get_one, si, err,
                  INVOICE_COLUMNS "WHERE i.number = ?", "t", number);
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
    rc = fk_sql(s, STMT_COUNT, "read the invoices", get_each, &c, err,
                INVOICE_COLUMNS "WHERE (?1 = '' OR i.issue_date >= ?1) AND "
                                "(?2 = '' OR i.issue_date <= ?2) "
                                "ORDER BY i.issue_date, i.series, i.seq",
                "tt", from ? from : "", to ? to : "");
    fk_stored_invoice_free(&c.si);
    return rc;
}
