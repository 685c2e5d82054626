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
#include <strings.h>
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

static void warn(const run_ctx *c, const char *fmt, ...) FK_PRINTF(2, 3);

/* The generation rules for an order that would otherwise be invoiced. The database knows
 * every committed order; the batch memories know the accepted orders not yet committed
 * (the two open chunks, or everything in a dry run, which records nothing). */
static fk_status apply_rules(run_ctx *c, fk_order *o, fk_error *err)
{
    const fk_rules *r = &c->cfg->rules;
    fk_customer_facts f;
    fk_code approved[16] = {FK_CODE_NONE};
    bool stale = false;
    fk_status st;

    memset(&f, 0, sizeof(f));
    fk_detect_keys(o);
    if (c->store) {
        if ((st = fk_store_customer_facts(c->store, o, r, c->issue_date, c->opts->as_of, &f,
                                          err)) != FK_OK)
            return st;
        /* An approval covers the content that was reviewed: changed since, the order is
         * checked afresh (issue 15, item 4). */
        if (c->approvals &&
            (st = fk_store_approved_codes(c->store, c->cur->batch[c->cur->n],
                                          o->f[FK_COL_ORDER_ID], o->content_hash, o->amounts_ok,
                                          o->gross_total, approved, 16, &stale, err)) != FK_OK)
            return st;
    }
    /* the older orders first */
    if ((st = fk_batch_memory_facts(c->fly->mem, o, r, &f, err)) != FK_OK ||
        (st = fk_batch_memory_facts(c->cur->mem, o, r, &f, err)) != FK_OK)
        return st;
    fk_detect_rules(o, r, &f, c->opts->as_of, approved);
    if (stale && fk_order_outcome(o) == FK_HELD)
        warn(c, "order %s of batch %lld changed since it was approved: it is held again; "
                "`faktura approve` it again once it is reviewed",
             o->f[FK_COL_ORDER_ID], (long long)c->cur->batch[c->cur->n]);
    return FK_OK;
}

/* A chargeback: an order invoiced earlier comes again with its dispute lost. Its invoice
 * gets a full credit note now (its own transaction: no chunk's is open here), exactly
 * once: the key "chargeback:INVOICE" names it, and a later run finds it. */
static fk_status chargeback(run_ctx *c, fk_order *o, const fk_prior_invoice *prior,
                            fk_error *err)
{
    char key[160];
    fk_credit_key done;
    fk_credit_info info;
    fk_status st;

    snprintf(key, sizeof(key), "chargeback:%s", prior->number);
    if ((st = fk_store_credit_by_key(c->store, key, &done, err)) != FK_OK)
        return st;
    fk_order_drop_finding(o, FK_CODE_ALREADY_INVOICED);
    fk_order_drop_finding(o, FK_CODE_ORDER_CHANGED_AFTER_INVOICE);
    if (done.found) {
        fk_order_add_finding(o, FK_CODE_ALREADY_CREDITED, "dispute_status",
                             "order %s: its invoice %s was credited by credit note %s for the "
                             "lost dispute in an earlier batch",
                             o->f[FK_COL_ORDER_ID], prior->number, done.number);
        return FK_OK;
    }
    if (!c->credits) {
        c->credits = fk_xcalloc(1, sizeof(credit_writer));
        fk_pipeline__credit_writer_init(c->credits, c->store, c->outdir, c->cfg,
                                        c->opts->as_of);
    }
    fk_credit_request rq = {key, prior->number, "chargeback: dispute lost", NULL, 0};
    if ((st = fk_pipeline__credit(c->credits, &rq, 0, &info, err)) != FK_OK)
        return st;
    if (info.result == FK_CREDIT_REFUSED)
        fk_order_add_finding(o, FK_CODE_DISPUTE_LOST, "dispute_status",
                             "the customer won the dispute (chargeback) on invoice %s, which "
                             "cannot be credited: %s",
                             prior->number, info.why);
    else
        fk_order_add_finding(o, FK_CODE_DISPUTE_LOST_CREDITED, "dispute_status",
                             "the customer won the dispute (chargeback): invoice %s credited "
                             "in full by credit note %s (%s %s)",
                             prior->number, info.number, info.gross, info.currency);
    return FK_OK;
}

static bool dispute_lost(const fk_order *o)
{
    return strcasecmp(o->f[FK_COL_DISPUTE_STATUS], "lost") == 0;
}

/* Validation, then what detect finds: a duplicate id, an earlier invoice. */
static fk_status check_order(run_ctx *c, fk_order *o, fk_error *err)
{
    const char *id = o->f[FK_COL_ORDER_ID];
    fk_prior_invoice prior;
    fk_status st;

    fk_validate_order(o, c->cfg, c->opts->as_of, c->issue_date);
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
        if (prior.found && dispute_lost(o) && !c->opts->dry_run)
            return chargeback(c, o, &prior, err);
    }
    return FK_OK;
}

fk_status fk_pipeline__process_order(run_ctx *c, fk_error *err)
{
    fk_order *o = &c->cur->orders[c->cur->n];
    fk_status st;

    if ((st = check_order(c, o, err)) != FK_OK)
        return st;
    if (fk_order_outcome(o) == FK_INVOICED)
        fk_pipeline__choose_einvoice(c, o);
    if (o->einvoice && fk_order_outcome(o) == FK_INVOICED) {
        if (c->opts->dry_run)
            st = fk_pipeline__dry_einvoice(c, o, err);
        else
            st = fk_pipeline__need_formats(c, o->einvoice, err);
        if (st != FK_OK)
            return st;
    }
    if (fk_order_outcome(o) == FK_INVOICED && (st = apply_rules(c, o, err)) != FK_OK)
        return st;
    o->outcome = fk_order_outcome(o);
    if (o->outcome == FK_INVOICED &&
        (st = fk_batch_memory_add(c->cur->mem, o, &c->cfg->rules, err)) != FK_OK)
        return st;
    if (o->outcome == FK_INVOICED)
        c->dry_invoiced++;
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
    /* The batch's "now" in the [invoice] timezone: its issue date, due date and series
     * year. Once per batch, before any thread starts (fk_zone_offset sets TZ). The zone
     * was checked at config load. */
    int32_t offset = 0;
    fk_zone_offset(c->cfg->timezone, opts->as_of, &offset);
    fk_format_date(opts->as_of + offset, c->issue_date, sizeof(c->issue_date));
    fk_format_date(opts->as_of + offset + (int64_t)c->cfg->payment_terms_days * 86400,
                   c->due_date, sizeof(c->due_date));
    c->year = atoi(c->issue_date);
    fk_pipeline__chunk_init(&c->ch[0]);
    fk_pipeline__chunk_init(&c->ch[1]);
    c->cur = &c->ch[0];
    c->fly = &c->ch[1];
    c->next_seq = -1;
    c->reserved_to = -1;
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
    if (c->credits) {
        fk_pipeline__credit_writer_free(c->credits);
        free(c->credits);
    }
    fk_idset_free(c->seen);
    fk_report_free(c->report);
    fk_expect_free(c->expect);
    for (int i = 0; i < FK_MAX_JOBS; i++)
        fk_renderer_free(c->renderers[i]);
    fk_einv_schemas_free(c->schemas);
    fk_outdir_close(c->outdir);
    fk_store_close(c->store);
}

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

/* Recovery: a PDF a run recorded as pending is an orphan when no invoice records it. */
static fk_status is_orphan(const char *stem, bool *orphan, void *payload, fk_error *err)
{
    run_ctx *c = payload;
    return fk_pipeline__is_orphan(c->cfg, c->store, stem, orphan, err);
}

/* Claiming a directory without a marker: a PDF named like an invoice of this series that
 * no invoice records may be another database's. */
static fk_status is_foreign(const char *stem, bool *foreign, void *payload, fk_error *err)
{
    run_ctx *c = payload;
    *foreign = false;
    char number[128];
    if (!fk_config_number_from_file(c->cfg, stem, number, sizeof(number)))
        return FK_OK; /* not named like ours: none of our business */
    return is_orphan(stem, foreign, payload, err);
}

typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static void name_add(const char *name, void *payload)
{
    name_list *l = payload;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = fk_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = fk_xstrdup(name);
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* Start-up recovery: of the files an interrupted run of this database recorded as pending
 * in this directory, the ones no invoice records go; then none is pending any more. */
static fk_status recover_outdir(run_ctx *c, fk_error *err)
{
    name_list pending = {NULL, 0, 0};
    const char *dir = fk_outdir_real(c->outdir);
    fk_status st = fk_store_pending_list(c->store, dir, name_add, &pending, err);
    /* A pending PDF's e-invoices (NUMBER.FORMAT.xml) were written with it: they go with it. */
    for (size_t i = 0, n = pending.n; st == FK_OK && i < n; i++)
        for (int f = 0; f < FK_EINV_COUNT; f++) {
            char xml[FK_OUTDIR_NAME_MAX + 32];
            if (fk_pipeline__xml_name(pending.v[i], (fk_einv_format)f, xml, sizeof(xml)))
                name_add(xml, &pending);
        }

    if (st == FK_OK && pending.n)
        st = fk_outdir_recover(c->outdir, (const char *const *)pending.v, pending.n, is_orphan,
                               c, c->opts->log, c->opts->log_payload, err);
    if (st == FK_OK && pending.n)
        st = fk_pipeline__clear_pending(c, err);
    name_list_free(&pending);
    return st;
}

fk_status fk_pipeline__clear_pending(run_ctx *c, fk_error *err)
{
    fk_status st = fk_store_begin(c->store, err);
    if (st == FK_OK && (st = fk_store_pending_clear(c->store, fk_outdir_real(c->outdir), err)) ==
                           FK_OK)
        return fk_store_commit(c->store, err);
    fk_store_rollback(c->store);
    return st;
}

fk_status fk_pipeline__open_writer(run_ctx *c, const char *out_dir, fk_error *err)
{
    const char *id = fk_store_id(c->store);
    fk_status st;

    if (!id)
        return fk_error_set(err, FK_EINTERNAL, c->opts->db_path, 0, NULL,
                            "the database has no identity (meta.database_id)");
    if ((st = fk_outdir_open(&c->outdir, out_dir, err)) != FK_OK ||
        (st = fk_outdir_claim(c->outdir, id, fk_store_real_path(c->store), is_foreign, c,
                              err)) != FK_OK ||
        (st = recover_outdir(c, err)) != FK_OK ||
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

    for (size_t i = 0; i < n && !c->interrupted; i++) {
        c->input = i;
        for (;;) {
            bool got;
            fk_order *o = &c->cur->orders[c->cur->n];
            if (fk_pipeline__stop_requested()) {
                c->interrupted = true;
                break;
            }
            fk_status st = fk_ingest_next(ins[i], o, &got, err);
            if (st != FK_OK)
                return st;
            if (!got)
                break;
            if (c->labels)
                o->file = fk_order_strdup(o, c->labels[i]);
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

fk_status fk_pipeline__changed_input(run_ctx *c, fk_error *err)
{
    fk_buf m = FK_BUF_INIT;
    fk_buf_printf(&m, "the file changed after faktura had read it through (is something still "
                      "writing it?): batch %lld is incomplete, `faktura retry --batch %lld` "
                      "with the complete inputs finishes it; what was read now: %s",
                  (long long)c->batch_id, (long long)c->batch_id, err->message);
    err->status = FK_EINCOMPLETE;
    snprintf(err->message, sizeof(err->message), "%s", fk_buf_cstr(&m));
    fk_buf_free(&m);
    return FK_EINCOMPLETE;
}

fk_status fk_pipeline__stopped(run_ctx *c, uint64_t recorded, const char *const *inputs,
                               size_t ninputs, fk_error *err)
{
    fk_buf names = FK_BUF_INIT;
    fk_status st;
    for (size_t i = 0; i < ninputs; i++)
        fk_buf_printf(&names, " %s", inputs[i]);
    st = fk_error_set(err, FK_EINCOMPLETE, NULL, 0, NULL,
                      "interrupted: batch %lld has its first %llu orders recorded and is "
                      "marked interrupted; `faktura retry --batch %lld%s` finishes it",
                      (long long)c->batch_id, (unsigned long long)recorded,
                      (long long)c->batch_id, fk_buf_cstr(&names));
    fk_buf_free(&names);
    return st;
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

bool fk_pipeline__waits(const fk_outcome_rec *o)
{
    if (o->outcome != FK_HELD || o->nfindings == 0)
        return false;
    for (size_t i = 0; i < o->nfindings; i++)
        if (o->findings[i].code != FK_CODE_HOLDING_PERIOD)
            return false;
    return true;
}

fk_status fk_pipeline__batch_targets(const fk_report_options *in, const char *out_dir,
                                     int64_t batch_id, fk_report_options *out, fk_error *err)
{
    fk_report_target *t = in->ntargets ? fk_xcalloc(in->ntargets, sizeof(*t)) : NULL;

    *out = *in;
    out->targets = t;
    for (size_t i = 0; i < in->ntargets; i++) {
        fk_report_format f = in->targets[i].format;
        fk_buf path = FK_BUF_INIT;
        t[i].format = f;
        if (in->targets[i].path) {
            t[i].path = fk_xstrdup(in->targets[i].path);
            continue;
        }
        if (!out_dir || batch_id <= 0) {
            fk_pipeline__free_targets(out);
            return fk_error_set(err, FK_EUSAGE, NULL, 0, "report",
                                "a report without a path needs a batch with an output "
                                "directory (not a dry run): give its path");
        }
        fk_buf_printf(&path, "%s/report-%lld.%s", out_dir, (long long)batch_id,
                      f == FK_REPORT_JUNIT ? "xml" : fk_report_format_name(f));
        t[i].path = fk_buf_take(&path);
    }
    return FK_OK;
}

void fk_pipeline__free_targets(fk_report_options *ro)
{
    fk_report_target *t = (fk_report_target *)ro->targets;
    for (size_t i = 0; t && i < ro->ntargets; i++)
        free((char *)t[i].path);
    free(t);
    ro->targets = NULL;
    ro->ntargets = 0;
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
    for (size_t i = 0; st == FK_OK && i < h->n && !fk_pipeline__stop_requested(); i++) {
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
        (st = fk_store_batch_create(c->store, "run", as_of, inputs, ninputs,
                                    fk_outdir_real(c->outdir), &c->batch_id, err)) != FK_OK)
        return st;
    return release_holds(c, err);
}

/* An environment error stopped the batch before its end: say how to finish it. */
static void incomplete_hint(const run_ctx *c, const char *const *inputs, size_t ninputs,
                            fk_error *err)
{
    fk_buf m = FK_BUF_INIT;
    fk_buf_printf(&m, "%s; batch %lld is incomplete: when this is fixed, `faktura retry "
                      "--batch %lld",
                  err->message, (long long)c->batch_id, (long long)c->batch_id);
    for (size_t i = 0; i < ninputs; i++)
        fk_buf_printf(&m, " %s", inputs[i]);
    fk_buf_puts(&m, "` finishes it");
    snprintf(err->message, sizeof(err->message), "%s", fk_buf_cstr(&m));
    fk_buf_free(&m);
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
    fk_prescan scan = {NULL, 0, 0};
    fk_status st;
    char as_of[32];
    uint64_t total_bytes = 0;
    fk_report_options ro = {NULL, 0, false, 0};

    memset(out, 0, sizeof(*out));
    if ((st = check_options(opts, ninputs, err)) != FK_OK)
        return st;
    fk_pipeline__ctx_init(&c, opts);
    fk_format_datetime(opts->as_of, as_of, sizeof(as_of));
    /* Nothing is recorded before every input was read through (prescan.c); a dry run
     * records nothing anyway. */
    if ((!opts->dry_run &&
         (st = fk_pipeline__prescan(opts, inputs, ninputs, NULL, NULL, &scan, err)) != FK_OK) ||
        (st = fk_pipeline__open_inputs(opts, inputs, ninputs, &ins, &total_bytes, err)) !=
            FK_OK ||
        (!opts->dry_run &&
         (st = fk_pipeline__inputs_unchanged(inputs, ninputs, &scan, err)) != FK_OK) ||
        (st = load_expect(&c, err)) != FK_OK ||
        (st = open_state(&c, as_of, inputs, ninputs, err)) != FK_OK ||
        (st = fk_report_new(&c.report, err)) != FK_OK)
        goto done;
    fk_report_set_batch(c.report, c.batch_id, opts->dry_run ? "validate" : "run", as_of, inputs,
                        ninputs);
    st = fk_pipeline__ingest_all(&c, ins, ninputs, total_bytes, pick_new, NULL, err);
    if (st == FK_OK)
        st = fk_pipeline__drain(&c, err);
    else if (st == FK_EINPUT && !opts->dry_run)
        st = fk_pipeline__changed_input(&c, err);
    if (st == FK_OK && c.interrupted)
        st = opts->dry_run ? fk_error_set(err, FK_EINCOMPLETE, NULL, 0, NULL, "interrupted")
                           : fk_pipeline__stopped(&c, c.done, inputs, ninputs, err);
    if (st != FK_OK)
        goto done;
    c.complete = true;
    if (!opts->dry_run && !c.write_failed && (st = fk_pipeline__clear_pending(&c, err)) != FK_OK)
        goto done;
    if (!opts->dry_run &&
        ((st = fk_store_batch_finish(c.store, c.batch_id, "done", err)) != FK_OK ||
         (st = fk_store_batch_invoice_sums(c.store, c.batch_id, fk_pipeline__add_recorded,
                                           c.report, err)) != FK_OK))
        goto done;
    if ((st = fk_pipeline__batch_targets(&opts->report, opts->dry_run ? NULL : opts->out_dir,
                                         c.batch_id, &ro, err)) != FK_OK ||
        (st = fk_report_write(c.report, &ro, err)) != FK_OK)
        goto done;
    fk_report_summary(c.report, out);
    fk_pipeline__first_target(&ro, out);
    out->held_waiting = c.held_waiting;
    finish_expect(&c, out);
    st = fk_pipeline__write_failure(&c, err);
done:
    /* A batch that stopped before its inputs ended is incomplete: what its chunks committed
     * stays (the first orders of the inputs), and `retry` with the inputs finishes it. */
    if (st != FK_OK && c.store && !opts->dry_run && c.batch_id && !c.complete) {
        fk_store_rollback(c.store);
        c.in_txn = false;
        fk_store_batch_finish(c.store, c.batch_id, c.interrupted ? "interrupted" : "aborted",
                              NULL);
        if (st == FK_EENV)
            incomplete_hint(&c, inputs, ninputs, err);
    }
    fk_pipeline__prescan_free(&scan);
    fk_pipeline__close_inputs(ins, ninputs);
    fk_pipeline__ctx_free(&c);
    fk_pipeline__free_targets(&ro);
    return st;
}
