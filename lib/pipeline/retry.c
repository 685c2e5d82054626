/* SPDX-License-Identifier: MIT */
/* retry.c -- `retry` (a batch's failed and held orders through every check again) and
 * `report` (a batch's report again), both from the database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline/pipeline.h"
#include "store/store_codec.h"

typedef struct stored_ctx {
    fk_report *r;
    uint64_t held_waiting;
} stored_ctx;

static void add_stored(const fk_outcome_rec *o, void *payload)
{
    stored_ctx *sc = payload;
    fk_report_add(sc->r, o, NULL);
    sc->held_waiting += fk_pipeline__waits(o);
}

/* The report of a batch as the database has it (used by `report` and after `retry`).
 * out_dir: where a target without a path goes (NULL: such a target is an error). */
static fk_status batch_report(fk_store *s, int64_t batch_id, const fk_batch_info *bi,
                              const fk_report_options *targets, const char *out_dir,
                              fk_summary *out, fk_error *err)
{
    stored_ctx sc = {NULL, 0};
    fk_report_options ro;
    fk_status st;

    if ((st = fk_pipeline__batch_targets(targets, out_dir, batch_id, &ro, err)) != FK_OK)
        return st;
    if ((st = fk_report_new(&sc.r, err)) != FK_OK) {
        fk_pipeline__free_targets(&ro);
        return st;
    }
    fk_report_set_batch(sc.r, batch_id, bi->kind, bi->as_of, (const char *const *)bi->inputs,
                        bi->ninputs);
    if ((st = fk_store_batch_orders(s, batch_id, add_stored, &sc, err)) == FK_OK &&
        (st = fk_store_batch_invoice_sums(s, batch_id, fk_pipeline__add_recorded, sc.r,
                                          err)) == FK_OK &&
        (st = fk_report_write(sc.r, &ro, err)) == FK_OK) {
        fk_report_summary(sc.r, out);
        fk_pipeline__first_target(&ro, out);
        out->held_waiting = sc.held_waiting;
    }
    fk_report_free(sc.r);
    fk_pipeline__free_targets(&ro);
    return st;
}

fk_status fk_batch_report(const char *db_path, int64_t batch_id, const fk_report_options *ro,
                          fk_summary *out, fk_error *err)
{
    fk_store *s = NULL;
    fk_batch_info bi;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&bi, 0, sizeof(bi));
    if ((st = fk_pipeline__open_reader(&s, db_path, err)) != FK_OK)
        return st;
    if ((st = fk_pipeline__get_batch(s, db_path, batch_id, &bi, err)) == FK_OK)
        st = batch_report(s, batch_id, &bi, ro, NULL, out, err);
    fk_batch_info_free(&bi);
    fk_store_close(s);
    return st;
}

/* ---- retry ---- */

typedef struct retry_entry {
    int64_t row;
    char *order_id, *data;
    bool used;
} retry_entry;

typedef struct retry_set {
    retry_entry *e;
    size_t n, cap;
    fk_status st;          /* of adding the batch's settled ids to the id set */
    fk_error *err;
    fk_idset *seen;
} retry_set;

static void retry_add(int64_t row, const char *order_id, const char *data, void *payload)
{
    retry_set *rs = payload;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->e = fk_xrealloc(rs->e, rs->cap * sizeof(*rs->e));
    }
    rs->e[rs->n++] = (retry_entry){row, fk_xstrdup(order_id), fk_xstrdup(data), false};
}

static void retry_free(retry_set *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->e[i].order_id);
        free(rs->e[i].data);
    }
    free(rs->e);
}

static void seen_add(const char *order_id, void *payload)
{
    retry_set *rs = payload;
    bool added;
    if (rs->st == FK_OK)
        rs->st = fk_idset_add(rs->seen, order_id, &added, rs->err);
}

static retry_entry *retry_find(retry_set *rs, const char *order_id)
{
    for (size_t i = 0; i < rs->n; i++)
        if (!rs->e[i].used && strcmp(rs->e[i].order_id, order_id) == 0)
            return &rs->e[i];
    return NULL;
}

static bool pick_retry(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch,
                       void *payload)
{
    retry_entry *e = retry_find(payload, o->f[FK_COL_ORDER_ID]);
    if (!e)
        return false;
    e->used = true;
    *row = e->row;
    *batch = c->batch_id;
    return true;
}

/* No corrected files: every failed and held order again from its stored data. */
static fk_status retry_stored(run_ctx *c, const retry_set *rs, fk_error *err)
{
    fk_status st;
    for (size_t i = 0; i < rs->n; i++) {
        fk_order *o = &c->cur->orders[c->cur->n];
        if (!fk_order_decode(rs->e[i].data, o))
            return fk_error_set(err, FK_EINTERNAL, c->opts->db_path, 0, NULL,
                                "the stored data of order %s cannot be read",
                                rs->e[i].order_id);
        c->cur->row[c->cur->n] = rs->e[i].row;
        c->cur->batch[c->cur->n] = c->batch_id;
        if ((st = fk_pipeline__process_order(c, err)) != FK_OK)
            return st;
        fk_pipeline__progress(c, 0, 0, false);
    }
    return FK_OK;
}

/* The batch as the database has it, once the retry is recorded: to the options' report
 * targets, else to the batch's own file, "<out_dir>/report-<batch_id>.json". */
static fk_status retry_report(run_ctx *c, const fk_batch_info *bi, const char *out_dir,
                              fk_summary *out, fk_error *err)
{
    fk_report_options ro = c->opts->report;
    fk_report_target deflt = {NULL, FK_REPORT_JSON};

    if (ro.ntargets == 0) {
        ro.targets = &deflt;
        ro.ntargets = 1;
    }
    return batch_report(c->store, c->batch_id, bi, &ro, out_dir, out, err);
}

static fk_status check_retry_options(const fk_batch_options *opts, fk_error *err)
{
    if (!opts || opts->version != FK_BATCH_OPTIONS_VERSION || !opts->config || !opts->db_path ||
        opts->dry_run)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_batch_retry: bad options");
    if (!opts->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`retry` needs a config file with the seller's details (--config)");
    return FK_OK;
}

fk_status fk_batch_retry(const fk_batch_options *opts, int64_t batch_id,
                         const char *const *inputs, size_t ninputs, fk_summary *out,
                         fk_error *err)
{
    run_ctx c;
    fk_batch_info bi;
    retry_set rs = {NULL, 0, 0, FK_OK, err, NULL};
    fk_ingest **ins = NULL;
    uint64_t total_bytes = 0;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&bi, 0, sizeof(bi));
    if ((st = check_retry_options(opts, err)) != FK_OK)
        return st;
    fk_pipeline__ctx_init(&c, opts);
    c.batch_id = batch_id;
    c.approvals = true;
    rs.seen = c.seen;
    if ((st = fk_pipeline__open_inputs(opts, inputs, ninputs, &ins, &total_bytes, err)) !=
            FK_OK ||
        (st = fk_store_open(&c.store, opts->db_path, err)) != FK_OK ||
        (st = fk_pipeline__get_batch(c.store, opts->db_path, batch_id, &bi, err)) != FK_OK)
        goto done;
    if (strcmp(bi.kind, "run") != 0) {
        st = fk_error_set(err, FK_EUSAGE, opts->db_path, 0, "batch", "batch %lld is not a run",
                          (long long)batch_id);
        goto done;
    }
    const char *out_dir = opts->out_dir ? opts->out_dir : bi.out_dir;
    if ((st = fk_pipeline__open_writer(&c, out_dir, err)) != FK_OK ||
        (st = fk_store_retry_set(c.store, batch_id, retry_add, &rs, err)) != FK_OK ||
        /* An order id twice in the batch stays a duplicate on retry, as on a fresh run. */
        (st = fk_store_settled_ids(c.store, batch_id, seen_add, &rs, err)) != FK_OK ||
        (st = rs.st) != FK_OK)
        goto done;
    /* Corrected files: only the batch's failed and held orders are taken from them. */
    if (ninputs > 0)
        st = fk_pipeline__ingest_all(&c, ins, ninputs, total_bytes, pick_retry, &rs, err);
    else
        st = retry_stored(&c, &rs, err);
    if (st != FK_OK || (st = fk_pipeline__drain(&c, err)) != FK_OK ||
        (st = retry_report(&c, &bi, out_dir, out, err)) != FK_OK)
        goto done;
    st = fk_pipeline__write_failure(&c, err);
done:
    retry_free(&rs);
    fk_batch_info_free(&bi);
    fk_pipeline__close_inputs(ins, ninputs);
    fk_pipeline__ctx_free(&c);
    return st;
}
