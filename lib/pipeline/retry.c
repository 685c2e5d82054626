/* SPDX-License-Identifier: MIT */
/* retry.c -- `retry` (a batch's failed and held orders through every check again; an
 * incomplete batch finished from its inputs) and `report` (a batch's report again), both
 * from the database.
 *
 * An incomplete batch (interrupted by a signal or a killed process, or stopped by an error
 * such as a full disk under the database) has recorded the first orders of its inputs,
 * each with its outcome, and nothing after them: its chunks were committed in input order.
 * Retrying its failed orders alone would report "0 orders" and exit 0 while most were
 * never read. So `retry` finishes it instead, from its inputs given again: the first pass
 * checks that their first orders are the ones recorded (file, line, order id), and the
 * orders after them go through the pipeline as new orders of the batch, exactly as the
 * run would have taken them (same numbers, same outcomes). Without inputs it cannot, and
 * says so (FK_EINCOMPLETE). Its failed and held orders are retried as usual afterwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* The batch has not recorded every order of its inputs: FK_EINCOMPLETE saying why, and how
 * to finish it. */
static fk_status incomplete(const fk_batch_info *bi, const char *what, fk_error *err)
{
    fk_buf names = FK_BUF_INIT;
    fk_status st;
    const char *how = !strcmp(bi->state, "running")
                          ? "is still running (another process is recording it)"
                      : !strcmp(bi->state, "interrupted")
                          ? "was interrupted (a signal, or its process was killed)"
                          : "was stopped by an error";
    for (size_t i = 0; i < bi->ninputs; i++)
        fk_buf_printf(&names, " %s", bi->inputs[i]);
    st = fk_error_set(err, FK_EINCOMPLETE, NULL, 0, "batch",
                      "batch %lld is incomplete: it %s after %llu orders, before every order "
                      "of its inputs was read; %s`faktura retry --batch %lld%s` finishes it "
                      "(with its inputs again)",
                      (long long)bi->id, how, (unsigned long long)bi->orders, what,
                      (long long)bi->id, fk_buf_cstr(&names));
    fk_buf_free(&names);
    return st;
}

static bool batch_incomplete(const fk_batch_info *bi)
{
    return strcmp(bi->state, "done") != 0;
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
    /* The report says what was recorded; that is not the whole batch. */
    if (st == FK_OK && batch_incomplete(&bi))
        st = incomplete(&bi, "the report covers only the orders recorded; ", err);
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

/* ---- finishing an incomplete batch ---- */

typedef struct resume {
    fk_store *s;
    const fk_batch_info *bi;
    int64_t after;         /* the last recorded row matched */
    bool rows_done;        /* every recorded row matched: the orders now are new */
    fk_status st;          /* of the main pass's id set */
    fk_error *err;
} resume;

/* The next recorded row, *found false after the last. */
static fk_status next_row(resume *r, fk_recorded_row *row, fk_error *err)
{
    fk_status st = fk_store_batch_row_after(r->s, r->bi->id, r->after, row, err);
    if (st == FK_OK && !row->found)
        r->rows_done = true;
    return st;
}

/* First pass: the inputs' first orders are the ones the batch recorded, in order. */
static fk_status match_recorded(const fk_order *o, size_t input, void *payload, fk_error *err)
{
    resume *r = payload;
    fk_recorded_row *row;
    fk_status st;

    if (r->rows_done)
        return FK_OK;
    row = fk_xmalloc(sizeof(*row));
    if ((st = next_row(r, row, err)) == FK_OK && row->found) {
        if (strcmp(row->file, r->bi->inputs[input]) != 0 || row->line != o->line ||
            strcmp(row->order_id, o->f[FK_COL_ORDER_ID]) != 0)
            st = fk_error_set(err, FK_EUSAGE, o->file, o->line, "order_id",
                              "order \"%s\" is not the order batch %lld recorded here (\"%s\" "
                              "at %s line %lu): finishing a batch needs its inputs as they "
                              "were, in the same order",
                              o->f[FK_COL_ORDER_ID], (long long)r->bi->id, row->order_id,
                              row->file, row->line);
        r->after = row->row;
    }
    free(row);
    return st;
}

/* Main pass: the recorded orders are passed over (their ids count as seen, as in the run);
 * the orders after them are new orders of the batch. */
static bool pick_resume(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch,
                        void *payload)
{
    resume *r = payload;
    (void)o;
    if (!r->rows_done) {
        fk_recorded_row *rec = fk_xmalloc(sizeof(*rec));
        fk_status st = next_row(r, rec, r->err);
        bool recorded = st == FK_OK && rec->found;
        if (recorded) {
            bool added;
            r->after = rec->row;
            if (rec->order_id[0] && r->st == FK_OK)
                r->st = fk_idset_add(c->seen, rec->order_id, &added, r->err);
        } else if (st != FK_OK && r->st == FK_OK) {
            r->st = st;
        }
        free(rec);
        if (recorded || r->st != FK_OK)
            return false;
    }
    *row = 0;
    *batch = c->batch_id;
    return true;
}

/* The incomplete batch: its inputs again, matched with what it recorded, then the rest. */
static fk_status resume_batch(run_ctx *c, const fk_batch_info *bi, const char *const *inputs,
                              size_t ninputs, fk_error *err)
{
    resume r = {c->store, bi, 0, false, FK_OK, err};
    fk_prescan scan = {NULL, 0, 0};
    fk_ingest **ins = NULL;
    uint64_t total = 0;
    fk_status st;

    if (ninputs == 0)
        return incomplete(bi, "", err);
    if (ninputs != bi->ninputs)
        return fk_error_set(err, FK_EUSAGE, c->opts->db_path, 0, "batch",
                            "batch %lld read %zu input%s: give the same ones again, in the "
                            "same order, to finish it",
                            (long long)bi->id, bi->ninputs, bi->ninputs == 1 ? "" : "s");
    if ((st = fk_pipeline__prescan(c->opts, inputs, ninputs, match_recorded, &r, &scan, err)) ==
            FK_OK &&
        !r.rows_done) {
        fk_recorded_row *row = fk_xmalloc(sizeof(*row));
        if ((st = next_row(&r, row, err)) == FK_OK && row->found)
            st = fk_error_set(err, FK_EUSAGE, inputs[ninputs - 1], 0, NULL,
                              "the inputs end before the orders batch %lld recorded (%llu): "
                              "finishing a batch needs its inputs as they were",
                              (long long)bi->id, (unsigned long long)bi->orders);
        free(row);
    }
    if (st == FK_OK)
        st = fk_pipeline__open_inputs(c->opts, inputs, ninputs, &ins, &total, err);
    if (st == FK_OK)
        st = fk_pipeline__inputs_unchanged(inputs, ninputs, &scan, err);
    if (st == FK_OK) {
        r.after = 0;
        r.rows_done = false;
        c->labels = (const char *const *)bi->inputs; /* the batch's file names, as recorded */
        st = fk_pipeline__ingest_all(c, ins, ninputs, total, pick_resume, &r, err);
        if (st == FK_OK)
            st = r.st;
        if (st == FK_OK)
            st = fk_pipeline__drain(c, err);
        else if (st == FK_EINPUT)
            st = fk_pipeline__changed_input(c, err);
    }
    if (st == FK_OK && c->interrupted)
        st = fk_pipeline__stopped(c, bi->orders + c->done, inputs, ninputs, err);
    if (st == FK_OK)
        st = fk_store_batch_finish(c->store, bi->id, "done", err);
    if (st != FK_OK && c->interrupted && c->store)
        fk_store_batch_finish(c->store, bi->id, "interrupted", NULL);
    fk_pipeline__prescan_free(&scan);
    fk_pipeline__close_inputs(ins, ninputs);
    return st;
}

/* No corrected files: every failed and held order again from its stored data. */
static fk_status retry_stored(run_ctx *c, const retry_set *rs, fk_error *err)
{
    fk_status st;
    for (size_t i = 0; i < rs->n; i++) {
        if (fk_pipeline__stop_requested()) {
            c->interrupted = true;
            break;
        }
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
    fk_prescan scan = {NULL, 0, 0};
    uint64_t total_bytes = 0;
    char *out_dir = NULL;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&bi, 0, sizeof(bi));
    if ((st = check_retry_options(opts, err)) != FK_OK)
        return st;
    fk_pipeline__ctx_init(&c, opts);
    c.batch_id = batch_id;
    c.approvals = true;
    rs.seen = c.seen;
    if ((st = fk_store_open(&c.store, opts->db_path, err)) != FK_OK ||
        (st = fk_pipeline__get_batch(c.store, opts->db_path, batch_id, &bi, err)) != FK_OK)
        goto done;
    if (strcmp(bi.kind, "run") != 0) {
        st = fk_error_set(err, FK_EUSAGE, opts->db_path, 0, "batch", "batch %lld is not a run",
                          (long long)batch_id);
        goto done;
    }
    if (batch_incomplete(&bi) && ninputs == 0) {
        st = incomplete(&bi, "", err);
        goto done;
    }
    out_dir = fk_xstrdup(opts->out_dir ? opts->out_dir : bi.out_dir);
    struct stat sb;
    if (!opts->out_dir && bi.out_dir_relative &&
        (stat(bi.out_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))) {
        /* Never a new directory in a guessed place: half the batch would be elsewhere. */
        st = fk_error_set(err, FK_EUSAGE, opts->db_path, 0, "out",
                          "batch %lld recorded its output directory as \"%s\", relative to "
                          "the directory it ran in, which was not recorded, and it is not in "
                          "the database's directory (%s): give it with --out",
                          (long long)batch_id, bi.out_dir_relative, bi.out_dir);
        goto done;
    }
    /* An incomplete batch is finished first, exactly as the run would have gone on. */
    if (batch_incomplete(&bi)) {
        if ((st = fk_pipeline__open_writer(&c, out_dir, err)) != FK_OK ||
            (st = resume_batch(&c, &bi, inputs, ninputs, err)) != FK_OK)
            goto done;
        fk_batch_info_free(&bi);
        if ((st = fk_pipeline__get_batch(c.store, opts->db_path, batch_id, &bi, err)) != FK_OK)
            goto done;
        /* Its failed and held orders: from the stored data (the inputs are the ones the
         * run read, so nothing in them is corrected). */
        ninputs = 0;
    } else if ((st = fk_pipeline__prescan(opts, inputs, ninputs, NULL, NULL, &scan, err)) !=
                   FK_OK ||
               (st = fk_pipeline__open_inputs(opts, inputs, ninputs, &ins, &total_bytes,
                                              err)) != FK_OK ||
               (st = fk_pipeline__inputs_unchanged(inputs, ninputs, &scan, err)) != FK_OK ||
               (st = fk_pipeline__open_writer(&c, out_dir, err)) != FK_OK) {
        goto done;
    }
    if ((st = fk_store_retry_set(c.store, batch_id, retry_add, &rs, err)) != FK_OK ||
        /* An order id twice in the batch stays a duplicate on retry, as on a fresh run. */
        (st = fk_store_settled_ids(c.store, batch_id, seen_add, &rs, err)) != FK_OK ||
        (st = rs.st) != FK_OK)
        goto done;
    /* Corrected files: only the batch's failed and held orders are taken from them. */
    c.labels = NULL;
    if (ninputs > 0)
        st = fk_pipeline__ingest_all(&c, ins, ninputs, total_bytes, pick_retry, &rs, err);
    else
        st = retry_stored(&c, &rs, err);
    if (st == FK_EINPUT)
        st = fk_pipeline__changed_input(&c, err);
    if (st != FK_OK || (st = fk_pipeline__drain(&c, err)) != FK_OK)
        goto done;
    if (c.interrupted) {
        st = fk_error_set(err, FK_EINCOMPLETE, NULL, 0, NULL,
                          "interrupted: the retry of batch %lld stopped; the orders it did "
                          "not reach keep their outcome (run it again)",
                          (long long)batch_id);
        goto done;
    }
    if ((!c.write_failed && (st = fk_pipeline__clear_pending(&c, err)) != FK_OK) ||
        (st = retry_report(&c, &bi, out_dir, out, err)) != FK_OK)
        goto done;
    st = fk_pipeline__write_failure(&c, err);
done:
    if (st != FK_OK && c.store && c.in_txn) {
        fk_store_rollback(c.store);
        c.in_txn = false;
    }
    retry_free(&rs);
    fk_batch_info_free(&bi);
    fk_pipeline__prescan_free(&scan);
    fk_pipeline__close_inputs(ins, ninputs);
    fk_pipeline__ctx_free(&c);
    free(out_dir);
    return st;
}
