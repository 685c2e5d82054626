/* SPDX-License-Identifier: MIT */
/* store_review.c -- the rows of the accountant's review: held orders and their findings,
 * approvals, and the batch overview of `faktura status`. Which holds an approval may
 * release is codes.def's to say (fk_code_approvable), not a list here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "store/store_impl.h"

typedef struct approved_ctx {
    fk_code *out;
    size_t n, k;
    bool stale;
} approved_ctx;

static void add_approved(sqlite3_stmt *row, void *payload)
{
    approved_ctx *c = payload;
    if (!sqlite3_column_int(row, 1)) { /* for other content than the order's now */
        c->stale = true;
        return;
    }
    char *codes = fk_xstrdup(fk_store__col_text(row, 0)), *save = NULL;
    for (char *t = strtok_r(codes, " ", &save); t && c->k + 1 < c->n; t = strtok_r(NULL, " ", &save))
        c->out[c->k++] = fk_code_from_name(t);
    free(codes);
}

fk_status fk_store_approved_codes(fk_store *s, int64_t batch_id, const char *order_id,
                                  const char *content_hash, bool amount_known, int64_t amount,
                                  fk_code *out, size_t n, bool *stale, fk_error *err)
{
    approved_ctx c = {out, n, 0, false};
    fk_status rc = fk_sql(s, STMT_COUNT, "read approvals", add_approved, &c, err,
                          "SELECT codes, content_hash IS ?3 AND amount IS ?4 FROM approvals "
                          "WHERE batch_id = ?1 AND order_id = ?2",
                          "ittI", batch_id, order_id, content_hash, (int)amount_known, amount);
    out[c.k] = FK_CODE_NONE;
    *stale = c.stale;
    return rc;
}

static void get_content(sqlite3_stmt *row, void *payload)
{
    fk_order_content *c = payload;
    c->found = true;
    fk_store__col_copy(c->content_hash, sizeof(c->content_hash), row, 0);
    c->amount_known = sqlite3_column_type(row, 1) != SQLITE_NULL;
    c->amount = sqlite3_column_int64(row, 1);
}

fk_status fk_store_held_content(fk_store *s, int64_t batch_id, const char *order_id,
                                fk_order_content *out, fk_error *err)
{
    memset(out, 0, sizeof(*out));
    return fk_sql(s, STMT_COUNT, "read the held order", get_content, out, err,
                  "SELECT content_hash, amount FROM orders WHERE batch_id = ? AND "
                  "order_id = ? AND status = 'held' ORDER BY id LIMIT 1",
                  "it", batch_id, order_id);
}

typedef struct codes_ctx {
    fk_code_fn fn;
    void *payload;
} codes_ctx;

static void get_code(sqlite3_stmt *row, void *payload)
{
    codes_ctx *c = payload;
    const char *name = fk_store__col_text(row, 0);
    c->fn(fk_code_from_name(name), name, c->payload);
}

fk_status fk_store_held_codes(fk_store *s, int64_t batch_id, const char *order_id,
                              fk_code_fn fn, void *payload, fk_error *err)
{
    codes_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "read the order's holds", get_code, &c, err,
                  "SELECT DISTINCT f.code FROM orders o JOIN findings f ON f.order_row = o.id "
                  "WHERE o.batch_id = ? AND o.order_id = ? AND o.status = 'held' "
                  "ORDER BY f.code",
                  "it", batch_id, order_id);
}

fk_status fk_store_approval_add(fk_store *s, int64_t batch_id, const char *order_id,
                                const fk_order_content *content, const char *codes,
                                const char *reason, const char *who, const char *when,
                                fk_error *err)
{
    return fk_sql(s, STMT_COUNT, "record the approval", NULL, NULL, err,
                  "INSERT INTO approvals(batch_id, order_id, codes, reason, approved_by, "
                  "approved_at, content_hash, amount) VALUES (?,?,?,?,?,?,?,?)",
                  "ittttttI", batch_id, order_id, codes, reason, who, when,
                  content->content_hash, (int)content->amount_known, content->amount);
}

typedef struct held_ctx {
    fk_held_fn fn;
    void *payload;
} held_ctx;

static void get_held(sqlite3_stmt *row, void *payload)
{
    held_ctx *c = payload;
    c->fn(sqlite3_column_int64(row, 0), sqlite3_column_int64(row, 1), fk_store__col_text(row, 2),
          fk_store__col_text(row, 3), c->payload);
}

fk_status fk_store_held_only_for(fk_store *s, const char *code, fk_held_fn fn, void *payload,
                                 fk_error *err)
{
    held_ctx c = {fn, payload};
    return fk_sql(s, STMT_COUNT, "find held orders", get_held, &c, err,
                  "SELECT o.id, o.batch_id, o.order_id, o.data FROM orders o WHERE "
                  "o.status = 'held' AND o.data IS NOT NULL AND EXISTS (SELECT 1 FROM "
                  "findings f WHERE f.order_row = o.id AND f.code = ?1) AND "
                  "NOT EXISTS (SELECT 1 FROM findings f WHERE f.order_row = o.id AND "
                  "f.code <> ?1) ORDER BY o.id",
                  "t", code);
}

typedef struct status_ctx {
    fk_batch_row_fn batches;
    fk_hold_row_fn holds;
    void *payload;
} status_ctx;

static void get_batch_row(sqlite3_stmt *row, void *payload)
{
    status_ctx *c = payload;
    fk_batch_row b = {sqlite3_column_int64(row, 0), fk_store__col_text(row, 1),
                      fk_store__col_text(row, 2), fk_store__col_text(row, 3),
                      (uint64_t)sqlite3_column_int64(row, 4), {0}};
    for (int k = 0; k < FK_OUTCOME_COUNT; k++)
        b.count[k] = (uint64_t)sqlite3_column_int64(row, 5 + k);
    if (c->batches)
        c->batches(&b, c->payload);
}

static void get_hold_row(sqlite3_stmt *row, void *payload)
{
    status_ctx *c = payload;
    fk_hold_row h = {sqlite3_column_int64(row, 0), fk_store__col_text(row, 1),
                     fk_store__col_text(row, 2), fk_store__col_text(row, 3),
                     (const char *)sqlite3_column_text(row, 4)};
    if (c->holds)
        c->holds(&h, c->payload);
}

fk_status fk_store_status(fk_store *s, int64_t batch_id, fk_batch_row_fn batches,
                          fk_hold_row_fn holds, void *payload, fk_error *err)
{
    status_ctx c = {batches, holds, payload};
    /* The counts in fk_outcome order: invoiced, failed, held, skipped. */
    fk_status rc = fk_sql(s, STMT_COUNT, "list batches", get_batch_row, &c, err,
                          "SELECT b.id, b.kind, b.as_of, CASE WHEN b.state = 'running' AND "
                          "?2 = 0 THEN 'interrupted' ELSE b.state END, count(o.id), "
                          "sum(o.status = 'invoiced'), sum(o.status = 'failed'), "
                          "sum(o.status = 'held'), sum(o.status = 'skipped') FROM batches b "
                          "LEFT JOIN orders o ON o.batch_id = b.id WHERE (?1 = 0 OR b.id = ?1) "
                          "GROUP BY b.id ORDER BY b.id",
                          "id", batch_id, (int)s->writer_active);
    if (rc != FK_OK)
        return rc;
    return fk_sql(s, STMT_COUNT, "list holds", get_hold_row, &c, err,
                  "SELECT o.batch_id, o.order_id, f.code, f.message, "
                  "(SELECT group_concat(a.codes || ' by ' || a.approved_by || CASE WHEN "
                  "a.content_hash IS o.content_hash AND a.amount IS o.amount THEN '' ELSE "
                  "' (for other content: no longer applies)' END, '; ') FROM "
                  "approvals a WHERE a.batch_id = o.batch_id AND a.order_id = o.order_id) "
                  "FROM orders o JOIN findings f ON f.order_row = o.id WHERE "
                  "o.status = 'held' AND (?1 = 0 OR o.batch_id = ?1) ORDER BY o.id, f.seq",
                  "i", batch_id);
}
