/* SPDX-License-Identifier: MIT */
/* run.c -- a batch: `run` and its dry run `validate` (see pipeline.h for the flow).
 *
 * Each order is checked here, in input order, in the chunk being filled; chunk.c moves the
 * chunks on. The stages see plain data only: the id set and the batch memories (store)
 * give detect facts, never a handle.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/money.h"
#include "core/testhook.h"
#include "core/util.h"
#include "detect/detect.h"
#include "pipeline/pipeline.h"
#include "store/store_codec.h"
#include "validate/validate.h"

/* ---- one order ---- */

/* The generation rules for an order that would otherwise be invoiced. The database knows
 * every committed order; the batch memories know the accepted orders not yet committed
 * (the two open chunks, or everything in a dry run, which records nothing). */
static fk_status apply_rules(run_ctx *c, fk_order *o, fk_error *err)
{
    const fk_rules *r = &c->cfg->rules;
    fk_customer_facts f;
    fk_code approved[16] = {FK_CODE_NONE};
    fk_status st;

    memset(&f, 0, sizeof(f));
    fk_detect_keys(o);
    if (c->store) {
        if ((st = fk_store_customer_facts(c->store, o, r, 0, c->issue_date, c->opts->as_of, &f,
                                          err)) != FK_OK)
            return st;
        if (c->approvals &&
            (st = fk_store_approved_codes(c->store, c->cur->batch[c->cur->n],
                                          o->f[FK_COL_ORDER_ID], approved, 16, err)) != FK_OK)
            return st;
    }
    /* the older orders first */
    if ((st = fk_batch_memory_facts(c->fly->mem, o, r, &f, err)) != FK_OK ||
        (st = fk_batch_memory_facts(c->cur->mem, o, r, &f, err)) != FK_OK)
        return st;
    fk_detect_rules(o, r, &f, c->opts->as_of, approved);
    return FK_OK;
}

/* Validation, then what detect finds: a duplicate id, an earlier invoice. */
static fk_status check_order(run_ctx *c, fk_order *o, fk_error *err)
{
    const char *id = o->f[FK_COL_ORDER_ID];
    fk_prior_invoice prior;
    fk_status st;

    fk_validate_order(o, c->cfg, c->opts->as_of);
    if (c->store) /* the hash is compared with earlier invoices and recorded, nothing else */
        fk_detect_content_hash(o);
    if (*id) {
        bool first;
        if ((st = fk_idset_add(c->seen, id, &first, err)) != FK_OK)
            return st;
        fk_detect_batch_duplicate(o, !first);
    }
    if (c->store && *id && !fk_order_has_finding(o, FK_CODE_DUPLICATE_ORDER_ID)) {
        if ((st = fk_store_prior(c->store, id, &prior, err)) != FK_OK)
            return st;
        fk_detect_prior(o, &prior);
    }
    return FK_OK;
}

fk_status fk_pipeline__process_order(run_ctx *c, fk_error *err)
{
    fk_order *o = &c->cur->orders[c->cur->n];
    fk_status st;

    if ((st = check_order(c, o, err)) != FK_OK)
        return st;
    if (fk_order_outcome(o) == FK_INVOICED && (st = apply_rules(c, o, err)) != FK_OK)
        return st;
    o->outcome = fk_order_outcome(o);
    if (o->outcome == FK_INVOICED &&
        (st = fk_batch_memory_add(c->cur->mem, o, &c->cfg->rules, err)) != FK_OK)
        return st;
    c->cur->n++;
    c->done++;
    if (c->cur->n == CHUNK_ORDERS || c->opts->dry_run)
        return fk_pipeline__advance(c, err);
    return FK_OK;
}

/* ---- the context ---- */

void fk_pipeline__ctx_init(run_ctx *c, const fk_batch_options *opts)
{
    memset(c, 0, sizeof(*c));
    c->opts = opts;
    c->cfg = opts->config;
    fk_format_date(opts->as_of, c->issue_date, sizeof(c->issue_date));
    fk_format_date(opts->as_of + (int64_t)c->cfg->payment_terms_days * 86400, c->due_date,
                   sizeof(c->due_date));
    c->year = atoi(c->issue_date);
    fk_pipeline__chunk_init(&c->ch[0]);
    fk_pipeline__chunk_init(&c->ch[1]);
    c->cur = &c->ch[0];
    c->fly = &c->ch[1];
    c->next_seq = -1;
    c->fail_render = fk_testhooks_get()->fail_render;
    c->jobs = opts->jobs > 0 ? opts->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (c->jobs < 1)
        c->jobs = 1;
    if (c->jobs > FK_MAX_JOBS)
        c->jobs = FK_MAX_JOBS;
    c->seen = fk_idset_new();
}

void fk_pipeline__ctx_free(run_ctx *c)
{
    fk_pipeline__pool_stop(c);
    if (c->store && c->in_txn)
        fk_store_rollback(c->store);
    /* Abandon the open chunks: their PDFs were never renamed into place, their numbers
     * never consumed. What earlier chunks committed stays. */
    for (int i = 0; i < 2; i++) {
        if (c->outdir)
            fk_pipeline__unwrite_chunk(c, &c->ch[i]);
        fk_pipeline__chunk_free(&c->ch[i]);
    }
    fk_idset_free(c->seen);
    fk_report_free(c->report);
    fk_expect_free(c->expect);
    for (int i = 0; i < FK_MAX_JOBS; i++)
        fk_renderer_free(c->renderers[i]);
    fk_outdir_close(c->outdir);
    fk_store_close(c->store);
}

static void warn(const run_ctx *c, const char *fmt, ...) FK_PRINTF(2, 3);
static void warn(const run_ctx *c, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    if (!c->opts->warn)
        return;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    c->opts->warn(fk_buf_cstr(&m), c->opts->warn_payload);
    fk_buf_free(&m);
}

/* A committed invoice always has its PDF, unless someone removed or changed it since: say so
 * loudly. The last batch is checked cheaply (existence and size) on every start; `faktura
 * verify` checks every PDF's SHA-256. */
static void check_pdf(const char *number, const char *series, int64_t seq, const char *path,
                      int64_t size, const char *sha, void *payload)
{
    const run_ctx *c = payload;
    struct stat sb;
    (void)series, (void)seq, (void)sha;
    if (stat(path, &sb) != 0)
        warn(c, "the PDF of invoice %s is missing: %s (%s); run `faktura verify`", number, path,
             strerror(errno));
    else if ((int64_t)sb.st_size != size)
        warn(c, "the PDF of invoice %s has %lld bytes, %lld were recorded: %s; run `faktura "
             "verify`", number, (long long)sb.st_size, (long long)size, path);
}

static fk_status is_orphan(const char *stem, bool *orphan, void *payload, fk_error *err)
{
    run_ctx *c = payload;
    bool recorded = false;
    fk_status st;

    *orphan = false;
    if (!fk_config_number_matches(c->cfg, stem))
        return FK_OK; /* not ours: never touch a file faktura did not name */
    if ((st = fk_store_has_number(c->store, stem, &recorded, err)) != FK_OK)
        return st;
    *orphan = !recorded;
    return FK_OK;
}

fk_status fk_pipeline__open_writer(run_ctx *c, const char *out_dir, fk_error *err)
{
    fk_status st;
    if ((st = fk_outdir_open(&c->outdir, out_dir, err)) != FK_OK ||
        (st = fk_outdir_recover(c->outdir, is_orphan, c, c->opts->log, c->opts->log_payload,
                                err)) != FK_OK ||
        (st = fk_store_invoices(c->store, 0, true, check_pdf, c, err)) != FK_OK)
        return st;
    for (int i = 0; i < c->jobs; i++) {
        if ((st = fk_renderer_new(&c->renderers[i], c->cfg->font, c->cfg->font_bold, err)) !=
            FK_OK)
            return st;
        if (c->cfg->logo && *c->cfg->logo &&
            (st = fk_renderer_set_logo(c->renderers[i], c->cfg->logo, err)) != FK_OK)
            return st;
    }
    fk_pipeline__pool_start(c);
    return FK_OK;
}

/* ---- inputs ---- */

void fk_pipeline__progress(run_ctx *c, uint64_t bytes, uint64_t total, bool last)
{
    if (c->opts->progress && (last || c->done % 1000 == 0))
        c->opts->progress(c->done, bytes, total, c->opts->progress_payload);
}

fk_status fk_pipeline__open_inputs(const fk_batch_options *opts, const char *const *inputs,
                                   size_t n, fk_ingest ***out, uint64_t *total, fk_error *err)
{
    fk_ingest **ins = fk_xcalloc(n ? n : 1, sizeof(*ins));
    *out = ins;
    *total = 0;
    /* Every input is opened and its header checked before anything is recorded: a missing
     * file or column stops the batch with nothing half-done. */
    for (size_t i = 0; i < n; i++) {
        fk_ingest_options io = {opts->input_format, opts->csv_delimiter,
                                opts->decimal_comma ? ',' : 0,
                                opts->config ? opts->config->input : NULL};
        uint64_t b, t;
        fk_status st = fk_ingest_open(&ins[i], inputs[i], &io, err);
        if (st != FK_OK)
            return st;
        fk_ingest_progress(ins[i], &b, &t);
        *total += t;
    }
    return FK_OK;
}

fk_status fk_pipeline__ingest_all(run_ctx *c, fk_ingest **ins, size_t n, uint64_t total,
                                  fk_pick_fn pick, void *payload, fk_error *err)
{
    uint64_t before = 0, b, t;

    for (size_t i = 0; i < n; i++) {
        for (;;) {
            bool got;
            fk_order *o = &c->cur->orders[c->cur->n];
            fk_status st = fk_ingest_next(ins[i], o, &got, err);
            if (st != FK_OK)
                return st;
            if (!got)
                break;
            if (!pick(c, o, &c->cur->row[c->cur->n], &c->cur->batch[c->cur->n], payload)) {
                fk_order_clear(o);
                continue;
            }
            o->ningest_findings = o->nfindings;
            if ((st = fk_pipeline__process_order(c, err)) != FK_OK)
                return st;
            fk_ingest_progress(ins[i], &b, &t);
            fk_pipeline__progress(c, before + b, total, false);
        }
        fk_ingest_progress(ins[i], &b, &t);
        before += b;
    }
    fk_pipeline__progress(c, before, total, true);
    return FK_OK;
}

void fk_pipeline__close_inputs(fk_ingest **ins, size_t n)
{
    for (size_t i = 0; ins && i < n; i++)
        fk_ingest_close(ins[i]);
    free(ins);
}

static bool pick_new(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch, void *payload)
{
    (void)o, (void)payload;
    *row = 0;
    *batch = c->batch_id;
    return true;
}

/* ---- the batch's end ---- */

void fk_pipeline__add_recorded(const char *currency, __int128 sum, void *payload)
{
    fk_report_add_recorded(payload, currency, sum);
}

void fk_pipeline__first_target(const fk_report_options *ro, fk_summary *out)
{
    snprintf(out->report_path, sizeof(out->report_path), "%s",
             ro->ntargets ? ro->targets[0].path : "");
}

fk_status fk_pipeline__write_failure(const run_ctx *c, fk_error *err)
{
    if (!c->write_failed)
        return FK_OK;
    return fk_error_set(err, FK_EENV, c->write_err.file, 0, NULL,
                        "%s; the orders not written are marked WRITE_FAILED: run `faktura "
                        "retry --batch %lld` when the disk is fixed",
                        c->write_err.message, (long long)c->batch_id);
}

fk_status fk_pipeline__get_batch(fk_store *s, const char *db_path, int64_t batch_id,
                                 fk_batch_info *bi, fk_error *err)
{
    bool found = false;
    fk_status st = fk_store_batch_get(s, batch_id, bi, &found, err);
    if (st == FK_OK && !found)
        st = fk_error_set(err, FK_EUSAGE, db_path, 0, "batch", "there is no batch %lld",
                          (long long)batch_id);
    return st;
}

fk_status fk_pipeline__open_reader(fk_store **s, const char *db_path, fk_error *err)
{
    fk_status st = fk_store_open_readonly(s, db_path, err);
    if (st == FK_OK && !*s)
        st = fk_error_set(err, FK_EUSAGE, db_path, 0, NULL, "no database at %s", db_path);
    return st;
}

/* ---- holds that release themselves ---- */

typedef struct held_list {
    int64_t *row, *batch;
    char **data;
    size_t n, cap;
} held_list;

static void held_add(int64_t row, int64_t batch, const char *order_id, const char *data,
                     void *payload)
{
    held_list *h = payload;
    (void)order_id;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 16;
        h->row = fk_xrealloc(h->row, h->cap * sizeof(*h->row));
        h->batch = fk_xrealloc(h->batch, h->cap * sizeof(*h->batch));
        h->data = fk_xrealloc(h->data, h->cap * sizeof(*h->data));
    }
    h->row[h->n] = row;
    h->batch[h->n] = batch;
    h->data[h->n++] = fk_xstrdup(data);
}

static void held_free(held_list *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->data[i]);
    free(h->row);
    free(h->batch);
    free(h->data);
}

/* Each held order again through the checks, in its own batch (its row updated). */
static fk_status recheck_held(run_ctx *c, const held_list *h, size_t *released, fk_error *err)
{
    fk_status st = FK_OK;
    for (size_t i = 0; st == FK_OK && i < h->n; i++) {
        fk_order *o = &c->cur->orders[c->cur->n];
        if (!fk_order_decode(h->data[i], o))
            continue;
        c->cur->row[c->cur->n] = h->row[i];
        c->cur->batch[c->cur->n] = h->batch[i];
        st = fk_pipeline__process_order(c, err);
        (*released)++;
    }
    return st == FK_OK ? fk_pipeline__drain(c, err) : st;
}

/* Orders held only because they were too young are picked up by the next run without
 * anyone doing anything: before the new inputs, each is checked again in its own batch
 * (its row updated, as `retry` does). They are not part of this batch's report. Which
 * code releases itself is HOLDING_PERIOD's: its hold ends with time, not by a person. */
static fk_status release_holds(run_ctx *c, fk_error *err)
{
    held_list h = {NULL, NULL, NULL, 0, 0};
    fk_report *report = c->report;
    fk_idset *seen = c->seen;
    size_t released = 0;
    fk_status st = fk_store_held_only_for(c->store, fk_code_name(FK_CODE_HOLDING_PERIOD),
                                          held_add, &h, err);

    c->report = NULL;
    c->seen = fk_idset_new(); /* their ids belong to their own batches */
    c->approvals = true;
    if (st == FK_OK)
        st = recheck_held(c, &h, &released, err);
    if (st == FK_OK && released && c->opts->log) {
        fk_buf m = FK_BUF_INIT;
        fk_buf_printf(&m, "checked %zu order%s held for their holding period again", released,
                      released == 1 ? "" : "s");
        c->opts->log(fk_buf_cstr(&m), c->opts->log_payload);
        fk_buf_free(&m);
    }
    fk_idset_free(c->seen);
    c->seen = seen;
    c->report = report;
    c->approvals = false;
    c->done = 0;
    held_free(&h);
    return st;
}

/* ---- run and validate ---- */

static fk_status load_expect(run_ctx *c, fk_error *err)
{
    if (!c->opts->expect_path)
        return FK_OK;
    return fk_expect_load(&c->expect, c->opts->expect_path, err);
}

static void finish_expect(run_ctx *c, fk_summary *out)
{
    if (c->expect)
        out->expect_mismatches =
            fk_expect_finish(c->expect, c->opts->expect_diff, c->opts->expect_payload);
}

/* The database and the output directory of a run: a new batch, after the holds that
 * released themselves; a dry run only reads the database, if there is one. */
static fk_status open_state(run_ctx *c, const char *as_of, const char *const *inputs,
                            size_t ninputs, fk_error *err)
{
    const fk_batch_options *opts = c->opts;
    fk_status st;

    if (opts->dry_run)
        return fk_store_open_readonly(&c->store, opts->db_path, err);
    if ((st = fk_store_open(&c->store, opts->db_path, err)) != FK_OK ||
        (st = fk_pipeline__open_writer(c, opts->out_dir, err)) != FK_OK ||
        (st = fk_store_batch_create(c->store, "run", as_of, inputs, ninputs, opts->out_dir,
                                    &c->batch_id, err)) != FK_OK)
        return st;
    return release_holds(c, err);
}

static fk_status check_options(const fk_batch_options *opts, size_t ninputs, fk_error *err)
{
    if (!opts || opts->version != FK_BATCH_OPTIONS_VERSION || !opts->config || ninputs == 0 ||
        !opts->db_path || (!opts->dry_run && !opts->out_dir))
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_batch_run: bad options");
    if (!opts->dry_run && !opts->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`run` needs a config file with the seller's details (--config)");
    return FK_OK;
}

fk_status fk_batch_run(const fk_batch_options *opts, const char *const *inputs, size_t ninputs,
                       fk_summary *out, fk_error *err)
{
    run_ctx c;
    fk_ingest **ins = NULL;
    fk_status st;
    char as_of[32];
    uint64_t total_bytes = 0;

    memset(out, 0, sizeof(*out));
    if ((st = check_options(opts, ninputs, err)) != FK_OK)
        return st;
    fk_pipeline__ctx_init(&c, opts);
    fk_format_datetime(opts->as_of, as_of, sizeof(as_of));
    if ((st = fk_pipeline__open_inputs(opts, inputs, ninputs, &ins, &total_bytes, err)) !=
            FK_OK ||
        (st = load_expect(&c, err)) != FK_OK ||
        (st = open_state(&c, as_of, inputs, ninputs, err)) != FK_OK ||
        (st = fk_report_new(&c.report, err)) != FK_OK)
        goto done;
    fk_report_set_batch(c.report, c.batch_id, opts->dry_run ? "validate" : "run", as_of, inputs,
                        ninputs);
    if ((st = fk_pipeline__ingest_all(&c, ins, ninputs, total_bytes, pick_new, NULL, err)) !=
            FK_OK ||
        (st = fk_pipeline__drain(&c, err)) != FK_OK)
        goto done;
    if (!opts->dry_run &&
        ((st = fk_store_batch_finish(c.store, c.batch_id, "done", err)) != FK_OK ||
         (st = fk_store_batch_invoice_sums(c.store, c.batch_id, fk_pipeline__add_recorded,
                                           c.report, err)) != FK_OK))
        goto done;
    if ((st = fk_report_write(c.report, &opts->report, err)) != FK_OK)
        goto done;
    fk_report_summary(c.report, out);
    fk_pipeline__first_target(&opts->report, out);
    finish_expect(&c, out);
    st = fk_pipeline__write_failure(&c, err);
done:
    if (st != FK_OK && c.store && !opts->dry_run && c.batch_id && !c.write_failed) {
        fk_store_rollback(c.store);
        c.in_txn = false;
        fk_store_batch_finish(c.store, c.batch_id, "aborted", NULL);
    }
    fk_pipeline__close_inputs(ins, ninputs);
    fk_pipeline__ctx_free(&c);
    return st;
}
