/* SPDX-License-Identifier: MIT */
/* store_pending.c -- the output files a run may leave behind unrecorded (store_files.c):
 * before a run writes a PDF, the PDF's name is recorded here in a committed transaction,
 * so that start-up recovery removes exactly the files this database's runs wrote and
 * never recorded as invoices, and nothing else in the directory. Rows are keyed by the
 * output directory's absolute path. */
#include "store/store_impl.h"

fk_status fk_store_pending_add(fk_store *s, const char *out_dir, const char *name,
                               fk_error *err)
{
    return fk_sql(s, STMT_PENDING, "record a PDF about to be written", NULL, NULL, err,
                  "INSERT OR IGNORE INTO pending_files(out_dir, name) VALUES (?, ?)", "tt",
                  out_dir, name);
}

typedef struct pending_ctx {
    fk_name_fn fn;
    void *payload;
} pending_ctx;

static void get_pending(sqlite3_stmt *row, void *payload)
{
    pending_ctx *c = payload;
    c->fn(fk_store__col_text(row, 0), c->payload);
}

fk_status fk_store_pending_list(fk_store *s, const char *out_dir, fk_name_fn fn, void *payload,
                                fk_error *err)
{
    pending_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the PDFs left pending", get_pending, &c, err,
                  "SELECT name FROM pending_files WHERE out_dir = ? ORDER BY name", "t",
                  out_dir);
}

fk_status fk_store_pending_clear(fk_store *s, const char *out_dir, fk_error *err)
{
    return fk_sql(s, STMT_COUNT, "clear the PDFs left pending", NULL, NULL, err,
                  "DELETE FROM pending_files WHERE out_dir = ?", "t", out_dir);
}
