/* SPDX-License-Identifier: MIT */
/* store_batch.c -- batches: created and finished by a run, read back for `report`,
 * `retry` and `verify`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "store/store_codec.h"
#include "store/store_impl.h"

fk_status fk_store_batch_create(fk_store *s, const char *kind, const char *as_of,
                                const char *const *inputs, size_t ninputs, const char *out_dir,
                                int64_t *id, fk_error *err)
{
    char *inputs_json = fk_inputs_encode(inputs, ninputs);
    fk_status rc = fk_sql(s, STMT_COUNT, "create the batch", NULL, NULL, err,
                          "INSERT INTO batches(kind, as_of, inputs, out_dir) VALUES (?,?,?,?)",
                          "tttt", kind, as_of, inputs_json, out_dir);
    *id = sqlite3_last_insert_rowid(s->db);
    free(inputs_json);
    return rc;
}

fk_status fk_store_batch_finish(fk_store *s, int64_t id, const char *state, fk_error *err)
{
    return fk_sql(s, STMT_COUNT, "finish the batch", NULL, NULL, err,
                  "UPDATE batches SET state = ? WHERE id = ?", "ti", state, id);
}

/* An output directory an older faktura recorded relative to the working directory of its
 * run, which it did not record: resolved against the database's directory (where a run
 * usually starts), and the recorded form kept so that messages can say so. */
static char *resolve_dir(const fk_store *s, const char *dir)
{
    fk_buf b = FK_BUF_INIT;
    if (!*dir || dir[0] == '/')
        return fk_xstrdup(dir);
    fk_buf_printf(&b, "%s%s%s", s->dir, strcmp(s->dir, "/") ? "/" : "", dir);
    return fk_buf_take(&b);
}

typedef struct batch_ctx {
    fk_store *s;
    fk_batch_info *out;
} batch_ctx;

static void get_batch(sqlite3_stmt *row, void *payload)
{
    batch_ctx *c = payload;
    fk_batch_info *out = c->out;
    const char *dir = fk_store__col_text(row, 4);
    fk_store__col_copy(out->kind, sizeof(out->kind), row, 0);
    fk_store__col_copy(out->as_of, sizeof(out->as_of), row, 1);
    out->inputs = fk_inputs_decode(fk_store__col_text(row, 2), &out->ninputs);
    fk_store__col_copy(out->state, sizeof(out->state), row, 3);
    /* A batch still running while no process holds the run lock: its process is gone. */
    if (!strcmp(out->state, "running") && !c->s->writer_active)
        snprintf(out->state, sizeof(out->state), "interrupted");
    out->out_dir = resolve_dir(c->s, dir);
    out->out_dir_relative = *dir && dir[0] != '/' ? fk_xstrdup(dir) : NULL;
    out->orders = (uint64_t)sqlite3_column_int64(row, 5);
}

fk_status fk_store_batch_get(fk_store *s, int64_t id, fk_batch_info *out, bool *found,
                             fk_error *err)
{
    batch_ctx c = {s, out};
    fk_status rc;

    memset(out, 0, sizeof(*out));
    rc = fk_sql(s, STMT_COUNT, "read the batch", get_batch, &c, err,
                "SELECT kind, as_of, inputs, state, COALESCE(out_dir, ''), "
                "(SELECT count(*) FROM orders WHERE batch_id = b.id) FROM batches b "
                "WHERE id = ?",
                "i", id);
    *found = out->out_dir != NULL;
    if (*found)
        out->id = id;
    return rc;
}

void fk_batch_info_free(fk_batch_info *bi)
{
    for (size_t i = 0; bi->inputs && i < bi->ninputs; i++)
        free(bi->inputs[i]);
    free(bi->inputs);
    free(bi->out_dir);
    free(bi->out_dir_relative);
    bi->inputs = NULL;
    bi->ninputs = 0;
    bi->out_dir = NULL;
    bi->out_dir_relative = NULL;
}

static fk_outcome outcome_from_name(const char *n)
{
    for (int o = 0; o < FK_OUTCOME_COUNT; o++)
        if (strcmp(fk_outcome_name((fk_outcome)o), n) == 0)
            return (fk_outcome)o;
    return FK_FAILED;
}

/* Reading a batch's orders: each order's findings come from a second statement. */
typedef struct orders_ctx {
    fk_store *s;
    fk_stored_order_fn fn;
    void *payload;
    fk_error *err;
    fk_status st;
    fk_finding *fs;
    size_t n, cap;
} orders_ctx;

/* Column text lives only until the next step: copied. */
static void get_finding(sqlite3_stmt *row, void *payload)
{
    orders_ctx *c = payload;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->fs = fk_xrealloc(c->fs, c->cap * sizeof(*c->fs));
    }
    const char *fld = (const char *)sqlite3_column_text(row, 1);
    const char *hint = (const char *)sqlite3_column_text(row, 3);
    fk_finding *f = &c->fs[c->n++];
    f->code = fk_code_from_name(fk_store__col_text(row, 0));
    f->field = fld ? fk_xstrdup(fld) : NULL;
    f->message = fk_xstrdup(fk_store__col_text(row, 2));
    f->hint = hint ? fk_xstrdup(hint) : NULL;
}

static void get_order(sqlite3_stmt *row, void *payload)
{
    orders_ctx *c = payload;
    fk_outcome_rec so;

    if (c->st != FK_OK)
        return;
    so.order_id = (const char *)sqlite3_column_text(row, 1);
    so.file = (const char *)sqlite3_column_text(row, 2);
    so.line = (unsigned long)sqlite3_column_int64(row, 3);
    so.outcome = outcome_from_name(fk_store__col_text(row, 4));
    so.currency = (const char *)sqlite3_column_text(row, 5);
    so.exponent = sqlite3_column_int(row, 6);
    so.amount_known = sqlite3_column_type(row, 7) != SQLITE_NULL;
    so.amount = so.amount_known ? sqlite3_column_int64(row, 7) : 0;
    c->n = 0;
    c->st = fk_sql(c->s, STMT_FINDINGS_OF, "read findings", get_finding, c, c->err,
                   "SELECT code, field, message, hint FROM findings WHERE order_row = ? "
                   "ORDER BY seq",
                   "i", (int64_t)sqlite3_column_int64(row, 0));
    so.findings = c->fs;
    so.nfindings = c->n;
    if (c->st == FK_OK)
        c->fn(&so, c->payload);
    for (size_t i = 0; i < c->n; i++) {
        free(c->fs[i].field);
        free(c->fs[i].message);
        free(c->fs[i].hint);
    }
}

fk_status fk_store_batch_orders(fk_store *s, int64_t id, fk_stored_order_fn fn, void *payload,
                                fk_error *err)
{
    orders_ctx c = {s, fn, payload, err, FK_OK, NULL, 0, 0};
    fk_status rc = fk_sql(s, STMT_COUNT, "read orders", get_order, &c, err,
                          "SELECT id, order_id, file, line, status, currency, exponent, amount "
                          "FROM orders WHERE batch_id = ? ORDER BY id",
                          "i", id);
    free(c.fs);
    return c.st != FK_OK ? c.st : rc;
}

typedef struct sums_ctx {
    fk_currency_sum_fn fn;
    void *payload;
} sums_ctx;

static void get_sum(sqlite3_stmt *row, void *payload)
{
    sums_ctx *c = payload;
    c->fn(fk_store__col_text(row, 0),
          (__int128)sqlite3_column_int64(row, 1) * 1000000000 + sqlite3_column_int64(row, 2),
          c->payload);
}

fk_status fk_store_batch_invoice_sums(fk_store *s, int64_t id, fk_currency_sum_fn fn,
                                      void *payload, fk_error *err)
{
    sums_ctx c = {fn, payload};
    /* Split so that SQLite's 64-bit SUM cannot overflow. */
    return fk_sql(s, STMT_COUNT, "sum the invoices", get_sum, &c, err,
                  "SELECT currency, SUM(gross / 1000000000), SUM(gross % 1000000000) "
                  "FROM invoices WHERE batch_id = ? GROUP BY currency ORDER BY currency",
                  "i", id);
}

typedef struct retry_ctx {
    fk_retry_fn fn;
    void *payload;
} retry_ctx;

static void get_retry(sqlite3_stmt *row, void *payload)
{
    retry_ctx *c = payload;
    c->fn(sqlite3_column_int64(row, 0), fk_store__col_text(row, 1), fk_store__col_text(row, 2),
          c->payload);
}

fk_status fk_store_retry_set(fk_store *s, int64_t batch_id, fk_retry_fn fn, void *payload,
                             fk_error *err)
{
    retry_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the orders to retry", get_retry, &c, err,
                  "SELECT id, order_id, data FROM orders WHERE batch_id = ? AND "
                  "status IN ('failed', 'held') AND data IS NOT NULL ORDER BY id",
                  "i", batch_id);
}

typedef struct ids_ctx {
    fk_id_fn fn;
    void *payload;
} ids_ctx;

static void get_id(sqlite3_stmt *row, void *payload)
{
    ids_ctx *c = payload;
    c->fn(fk_store__col_text(row, 0), c->payload);
}

fk_status fk_store_settled_ids(fk_store *s, int64_t batch_id, fk_id_fn fn, void *payload,
                               fk_error *err)
{
    ids_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the batch's order ids", get_id, &c, err,
                  "SELECT order_id FROM orders WHERE batch_id = ? AND "
                  "status IN ('invoiced', 'skipped') ORDER BY id",
                  "i", batch_id);
}

typedef struct invoices_ctx {
    fk_store *s;
    fk_invoice_fn fn;
    void *payload;
    fk_buf path;
} invoices_ctx;

static void get_invoice(sqlite3_stmt *row, void *payload)
{
    invoices_ctx *c = payload;
    char *dir = resolve_dir(c->s, fk_store__col_text(row, 3));
    fk_buf_reset(&c->path);
    fk_buf_printf(&c->path, "%s/%s", dir, fk_store__col_text(row, 4));
    free(dir);
    c->fn(fk_store__col_text(row, 0), fk_store__col_text(row, 1), sqlite3_column_int64(row, 2),
          fk_buf_cstr(&c->path), sqlite3_column_int64(row, 5), fk_store__col_text(row, 6),
          c->payload);
}

fk_status fk_store_invoices(fk_store *s, int64_t batch_id, bool last_batch_only,
                            fk_invoice_fn fn, void *payload, fk_error *err)
{
    invoices_ctx c = {s, fn, payload, FK_BUF_INIT};
    fk_status rc = fk_sql(s, STMT_COUNT, "read the invoices", get_invoice, &c, err,
                          "SELECT i.number, i.series, i.seq, COALESCE(b.out_dir, '.'), "
                          "i.pdf_name, i.pdf_size, i.pdf_sha256 FROM invoices i "
                          "JOIN batches b ON b.id = i.batch_id "
                          "WHERE (?1 = 0 OR i.batch_id = ?1) AND (?2 = 0 OR i.batch_id = "
                          "(SELECT max(batch_id) FROM invoices)) ORDER BY i.series, i.seq",
                          "id", batch_id, (int)last_batch_only);
    fk_buf_free(&c.path);
    return rc;
}

typedef struct series_ctx {
    fk_series_fn fn;
    void *payload;
} series_ctx;

static void get_series(sqlite3_stmt *row, void *payload)
{
    series_ctx *c = payload;
    c->fn(fk_store__col_text(row, 0), sqlite3_column_int64(row, 1), sqlite3_column_int64(row, 2),
          sqlite3_column_int64(row, 3), sqlite3_column_int64(row, 4), c->payload);
}

fk_status fk_store_series_check(fk_store *s, fk_series_fn fn, void *payload, fk_error *err)
{
    series_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the number series", get_series, &c, err,
                  "SELECT s.key, count(i.seq), COALESCE(max(i.seq), 0), "
                  "count(DISTINCT i.seq), s.next_seq FROM series s "
                  "LEFT JOIN invoices i ON i.series = s.key GROUP BY s.key ORDER BY s.key",
                  NULL);
}

typedef struct rel_ctx {
    fk_store *s;
    fk_relative_dir_fn fn;
    void *payload;
} rel_ctx;

static void get_relative(sqlite3_stmt *row, void *payload)
{
    rel_ctx *c = payload;
    char *dir = resolve_dir(c->s, fk_store__col_text(row, 1));
    c->fn(sqlite3_column_int64(row, 0), fk_store__col_text(row, 1), dir, c->payload);
    free(dir);
}

fk_status fk_store_relative_dirs(fk_store *s, int64_t batch_id, fk_relative_dir_fn fn,
                                 void *payload, fk_error *err)
{
    rel_ctx c = {s, fn, payload};
    return fk_sql(s, STMT_COUNT, "read the output directories", get_relative, &c, err,
                  "SELECT b.id, b.out_dir FROM batches b WHERE (?1 = 0 OR b.id = ?1) AND "
                  "b.out_dir <> '' AND substr(b.out_dir, 1, 1) <> '/' AND EXISTS (SELECT 1 "
                  "FROM invoices i WHERE i.batch_id = b.id) ORDER BY b.id",
                  "i", batch_id);
}

static void get_row(sqlite3_stmt *row, void *payload)
{
    fk_recorded_row *r = payload;
    r->found = true;
    r->row = sqlite3_column_int64(row, 0);
    fk_store__col_copy(r->file, sizeof(r->file), row, 1);
    r->line = (unsigned long)sqlite3_column_int64(row, 2);
    fk_store__col_copy(r->order_id, sizeof(r->order_id), row, 3);
}

fk_status fk_store_batch_row_after(fk_store *s, int64_t batch_id, int64_t after,
                                   fk_recorded_row *out, fk_error *err)
{
    memset(out, 0, sizeof(*out));
    return fk_sql(s, STMT_ROW_AFTER, "read the batch's orders", get_row, out, err,
                  "SELECT id, file, line, order_id FROM orders WHERE batch_id = ? AND id > ? "
                  "ORDER BY id LIMIT 1",
                  "ii", batch_id, after);
}
