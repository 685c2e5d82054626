/* SPDX-License-Identifier: MIT */
/* pipeline.c -- the only file that knows every stage: runs a batch end to end.
 *
 * For each order, in input order:
 *   ingest -> validate -> detect (duplicate id, earlier invoice) -> outcome
 *   invoiced: number (peeked) -> render into memory -> write the PDF -> record + consume
 *   otherwise: record the order and its findings
 * and every outcome goes to the report. Work is committed in chunks: the chunk's PDFs are
 * made durable and renamed into place first, then one transaction commits the chunk's
 * numbers, invoices and outcomes (see store/store_files.c for why this order).
 *
 * Two chunks are open at a time. While the render threads render, write and hash the PDFs
 * of one chunk, this thread checks the orders of the next one, then records and commits
 * the chunk before it: the database has one writer, the thread that owns it, and the
 * rules see the orders not yet committed through each chunk's batch memory.
 *
 * A dry run (`validate`) does the same checks, reads the database (if any) to know which
 * orders were invoiced before, and writes nothing but the report.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <pthread.h>
#include <jansson.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/money.h"
#include "core/util.h"
#include "detect/detect.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_codec.h"
#include "store/store_files.h"
#include "validate/validate.h"

#define CHUNK_ORDERS 256 /* orders per transaction (and per flush of their PDFs) */
#define FK_MAX_JOBS 64

/* A chunk of orders on its way through the pipeline, in input order. */
typedef struct chunk {
    fk_order *orders;
    int64_t *row;          /* existing row (a retry) or 0 */
    int64_t *batch;        /* the batch the order belongs to */
    bool *pending;         /* to be rendered and written by the render threads */
    int64_t *seqs;         /* its (provisional) sequence number */
    char (*numbers)[128];  /* its invoice number */
    char (*files)[160];    /* its PDF's file name */
    char (*sha)[65];       /* its PDF's SHA-256 */
    bool *written;         /* its temporary file is on disk */
    fk_buf *pdfs;          /* its rendered PDF */
    fk_error *rerr;        /* its render error */
    fk_error *werr;        /* its write error */
    size_t n;
    int64_t first_seq;     /* the sequence number of its first invoice, -1: none */
    fk_batch_memory *mem;  /* its accepted orders, for the rules until it commits */
} chunk;

typedef struct run_ctx run_ctx;

typedef struct render_thread {
    run_ctx *c;
    int index;             /* its renderer */
} render_thread;

/* The render threads: each takes the next slot of the submitted chunk, renders it with the
 * thread's own renderer (one libharu document each), writes and hashes it. */
typedef struct render_pool {
    pthread_mutex_t mu;
    pthread_cond_t work, idle;
    chunk *job;            /* the chunk being rendered, NULL if none */
    size_t next, left;     /* its next slot to take; slots not finished */
    bool stop;
    int nthreads;
    pthread_t th[FK_MAX_JOBS];
    render_thread args[FK_MAX_JOBS];
} render_pool;

struct run_ctx {
    const fk_batch_options *opts;
    const fk_config *cfg;
    fk_store *store;       /* NULL in a dry run without a database */
    fk_outdir *outdir;     /* NULL in a dry run */
    fk_report *report;     /* NULL in a retry (its report is made from the database) */
    fk_expect *expect;     /* expectations to compare outcomes with, or NULL */
    fk_idset *seen;
    int64_t batch_id;
    bool in_txn;
    /* The chunk being filled and the one being rendered; orders are kept until their
     * chunk commits: only committed outcomes go to the report, and a chunk whose PDFs
     * cannot be written is recorded again without them. */
    chunk ch[2];
    chunk *cur, *fly;
    fk_rules rules;
    int jobs;              /* render threads */
    fk_renderer *renderers[FK_MAX_JOBS]; /* one per thread; NULL in a dry run */
    render_pool pool;
    bool pool_up;
    int64_t next_seq;      /* the series' next number after the chunks numbered, -1: ask */
    char series[128];      /* the series' key */
    bool approvals;        /* look up approvals (retry, release) */
    bool write_failed;     /* the disk refused a PDF: no more rendering in this batch */
    fk_error write_err;
    uint64_t done;
    char issue_date[16], due_date[16];
    int year;
    /* Fault injection for tests/e2e/codes_coverage.sh and jobs.sh: the renderer fails for
     * this order id exactly as it would for a libharu error (FAKTURA_TEST_FAIL_RENDER). */
    const char *fail_render;
};

static const char eu_members[] =
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK ";

static bool in_eu(const char *cc)
{
    if (!cc || strlen(cc) != 2)
        return false;
    for (const char *p = eu_members; *p; p += 3)
        if (p[0] == cc[0] && p[1] == cc[1])
            return true;
    return false;
}

/* The invoice language: the order's `language` if supported, else from the buyer's country,
 * else English. */
static const char *invoice_language(const fk_order *o)
{
    static const char *const supported[] = {"en", "de", "nb", "pl"};
    char lang[8];
    snprintf(lang, sizeof(lang), "%s", o->f[FK_COL_LANGUAGE]);
    fk_ascii_lower(lang);
    for (size_t i = 0; i < 4; i++)
        if (strcmp(lang, supported[i]) == 0)
            return supported[i];
    if (lang[0])
        return "en";
    const char *cc = o->f[FK_COL_COUNTRY];
    if (!strcmp(cc, "DE") || !strcmp(cc, "AT") || !strcmp(cc, "LI"))
        return "de";
    if (!strcmp(cc, "NO"))
        return "nb";
    if (!strcmp(cc, "PL"))
        return "pl";
    return "en";
}

/* Reverse charge (VAT Directive art. 196): a business buyer with a valid VAT number in
 * another member state than the seller's, and no VAT charged on any line. */
static bool reverse_charge(const fk_order *o, const fk_config *cfg)
{
    if (o->customer_type != FK_BUSINESS || !o->tax_id_norm[0] || o->vat_total != 0)
        return false;
    for (size_t i = 0; i < o->nlines; i++)
        if (o->lines[i].vat_centi != 0)
            return false;
    return in_eu(cfg->seller_country) && in_eu(o->f[FK_COL_COUNTRY]) &&
           strcmp(cfg->seller_country, o->f[FK_COL_COUNTRY]) != 0;
}

static fk_status render_invoice(const run_ctx *c, fk_renderer *r, const fk_order *o,
                                const char *number, fk_buf *out, fk_error *err)
{
    const fk_config *cfg = c->cfg;
    fk_invoice inv;
    fk_invoice_line *lines = fk_xcalloc(o->nlines, sizeof(*lines));
    fk_invoice_vat vat[16];
    char order_date[16], iban_masked[48] = "";
    fk_status st;

    memset(&inv, 0, sizeof(inv));
    fk_format_date(o->order_time + o->order_offset, order_date, sizeof(order_date));
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        lines[i] = (fk_invoice_line){FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION),
                                     FK_LINE_FIELD(ln, FK_COL_ITEM_SKU),
                                     ln->qty_milli,
                                     ln->unit_price,
                                     ln->vat_centi,
                                     ln->net};
    }
    for (size_t g = 0; g < o->ngroups; g++)
        vat[g] = (fk_invoice_vat){o->groups[g].vat_centi, o->groups[g].taxable, o->groups[g].vat};
    if (o->payment == FK_PAY_SEPA) {
        /* Masked: country and check digits, then only the last four characters. */
        char norm[64] = "";
        const char *src = o->f[FK_COL_IBAN];
        size_t k = 0;
        for (const char *p = src; *p && k + 1 < sizeof(norm); p++)
            if (*p != ' ')
                norm[k++] = *p;
        norm[k] = '\0';
        fk_ascii_upper(norm);
        if (k > 8)
            snprintf(iban_masked, sizeof(iban_masked), "%.4s **** %s", norm, norm + k - 4);
    }
    inv.number = number;
    inv.issue_date = c->issue_date;
    inv.order_date = order_date;
    inv.due_date = c->due_date;
    inv.order_id = o->f[FK_COL_ORDER_ID];
    inv.currency = o->currency;
    inv.exponent = o->exponent;
    inv.language = invoice_language(o);
    inv.seller = (fk_party){cfg->seller_name,  cfg->seller_street,  cfg->seller_postal_code,
                            cfg->seller_city,  cfg->seller_country, cfg->seller_vat_id,
                            cfg->seller_email};
    inv.buyer = (fk_party){o->f[FK_COL_COMPANY_NAME], o->f[FK_COL_STREET],
                           o->f[FK_COL_POSTAL_CODE],  o->f[FK_COL_CITY],
                           o->f[FK_COL_COUNTRY],      o->tax_id_norm,
                           o->f[FK_COL_EMAIL]};
    inv.buyer_is_business = o->customer_type == FK_BUSINESS;
    inv.lines = lines;
    inv.nlines = o->nlines;
    inv.vat = vat;
    inv.nvat = o->ngroups;
    inv.net_total = o->net_total;
    inv.vat_total = o->vat_total;
    inv.gross_total = o->gross_total;
    inv.payment = o->payment == FK_PAY_CARD   ? FK_INV_PAY_CARD
                  : o->payment == FK_PAY_SEPA ? FK_INV_PAY_SEPA
                                              : FK_INV_PAY_TRANSFER;
    inv.seller_iban = cfg->seller_iban;
    inv.seller_bic = cfg->seller_bic ? cfg->seller_bic : "";
    inv.payment_reference = number;
    inv.card_brand = o->card.brand;
    inv.card_last4 = o->card.last4;
    inv.mandate_id = o->f[FK_COL_MANDATE_ID];
    inv.iban_masked = iban_masked;
    inv.reverse_charge = reverse_charge(o, cfg);
    inv.footer = cfg->footer;

    fk_buf_reset(out);
    if (c->fail_render && strcmp(c->fail_render, o->f[FK_COL_ORDER_ID]) == 0)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "injected render failure");
    else
        st = fk_renderer_render(r, &inv, out, err);
    if (st == FK_OK && out->failed)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
    free(lines);
    return st;
}

/* ---- the chunk: numbered, rendered and written (in parallel), recorded in input order ---- */

/* Render, write and hash slot i of chunk k (a render thread, or this one when no thread
 * runs). A failure stays in the slot's rerr or werr for settle_chunk. */
static void work_slot(run_ctx *c, fk_renderer *r, chunk *k, size_t i)
{
    const fk_buf *pdf = &k->pdfs[i];
    k->rerr[i] = (fk_error)FK_ERROR_INIT;
    k->werr[i] = (fk_error)FK_ERROR_INIT;
    if (render_invoice(c, r, &k->orders[i], k->numbers[i], &k->pdfs[i], &k->rerr[i]) != FK_OK)
        return;
    if (fk_outdir_write(c->outdir, k->files[i], pdf->ptr, pdf->len, &k->werr[i]) != FK_OK)
        return;
    k->written[i] = true;
    fk_sha256_hex(pdf->ptr, pdf->len, k->sha[i]);
}

static void *render_main(void *arg)
{
    render_thread *t = arg;
    run_ctx *c = t->c;
    render_pool *p = &c->pool;

    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && (!p->job || p->next == p->job->n))
            pthread_cond_wait(&p->work, &p->mu);
        if (p->stop)
            break;
        chunk *k = p->job;
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (k->pending[i])
            work_slot(c, c->renderers[t->index], k, i);
        pthread_mutex_lock(&p->mu);
        if (--p->left == 0) {
            p->job = NULL;
            pthread_cond_broadcast(&p->idle);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Start the render threads. Fewer (even none) is not an error: a chunk no thread takes is
 * rendered by this thread when it is submitted. */
static void pool_start(run_ctx *c)
{
    render_pool *p = &c->pool;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->idle, NULL);
    c->pool_up = true;
    for (int w = 0; w < c->jobs; w++) {
        p->args[w] = (render_thread){c, w};
        if (pthread_create(&p->th[w], NULL, render_main, &p->args[w]) != 0)
            break;
        p->nthreads++;
    }
}

/* Wait until the submitted chunk (if any) is rendered and written. */
static void pool_wait(run_ctx *c)
{
    render_pool *p = &c->pool;
    if (!c->pool_up)
        return;
    pthread_mutex_lock(&p->mu);
    while (p->job)
        pthread_cond_wait(&p->idle, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

static void pool_submit(run_ctx *c, chunk *k)
{
    render_pool *p = &c->pool;
    if (p->nthreads == 0) {
        for (size_t i = 0; i < k->n; i++)
            if (k->pending[i])
                work_slot(c, c->renderers[0], k, i);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->job = k;
    p->next = 0;
    p->left = k->n;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

static void pool_stop(run_ctx *c)
{
    render_pool *p = &c->pool;
    if (!c->pool_up)
        return;
    pool_wait(c);
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int w = 0; w < p->nthreads; w++)
        pthread_join(p->th[w], NULL);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    c->pool_up = false;
}

static void set_number(run_ctx *c, chunk *k, size_t i, int64_t seq)
{
    k->seqs[i] = seq;
    fk_config_number(c->cfg, c->year, seq, k->numbers[i], sizeof(k->numbers[i]), c->series,
                     sizeof(c->series));
    snprintf(k->files[i], sizeof(k->files[i]), "%s.pdf", k->numbers[i]);
}

/* Number the chunk's invoices from the series' next number, for the render threads.
 * Numbers are only provisional here: a render failure shifts the ones after it (see
 * settle_chunk). After a write failure nothing is rendered any more. */
static fk_status number_chunk(run_ctx *c, chunk *k, fk_error *err)
{
    fk_status st;
    bool any = false;

    k->first_seq = -1;
    for (size_t i = 0; i < k->n; i++) {
        k->pending[i] = !c->write_failed && k->orders[i].outcome == FK_INVOICED;
        k->written[i] = false;
        any |= k->pending[i];
    }
    if (!any)
        return FK_OK;
    if (c->next_seq < 0) {
        char number[128];
        fk_config_number(c->cfg, c->year, 1, number, sizeof(number), c->series,
                         sizeof(c->series));
        if ((st = fk_store_peek_seq(c->store, c->series, &c->next_seq, err)) != FK_OK)
            return st;
    }
    k->first_seq = c->next_seq;
    for (size_t i = 0; i < k->n; i++)
        if (k->pending[i])
            set_number(c, k, i, c->next_seq++);
    return FK_OK;
}

static void unwrite_chunk(run_ctx *c, chunk *k)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->written[i]) {
            fk_outdir_unwrite(c->outdir, k->files[i]);
            k->written[i] = false;
        }
}

static void write_failure_seen(run_ctx *c, chunk *k, const fk_error *e)
{
    c->write_failed = true;
    c->write_err = *e;
    unwrite_chunk(c, k);
}

/* The render threads are done with chunk k: give its invoices their final, consecutive
 * numbers. An order whose render failed takes none (RENDER_FAILED), and the ones after it
 * are rendered again here with the number they really get, so the series stays gapless.
 * A PDF the disk refused fails the whole chunk (WRITE_FAILED, see record_chunk). */
static void settle_chunk(run_ctx *c, chunk *k)
{
    int64_t next = k->first_seq;

    if (next < 0)
        return; /* nothing to invoice in it (or nothing rendered after a write failure) */
    for (size_t i = 0; i < k->n && !c->write_failed; i++)
        if (k->pending[i] && k->rerr[i].status == FK_OK && k->werr[i].status != FK_OK)
            write_failure_seen(c, k, &k->werr[i]);
    if (c->write_failed) {
        unwrite_chunk(c, k);
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        fk_order *o = &k->orders[i];
        if (!k->pending[i])
            continue;
        if (k->seqs[i] != next && k->rerr[i].status == FK_OK) {
            if (k->written[i])
                fk_outdir_unwrite(c->outdir, k->files[i]);
            k->written[i] = false;
            set_number(c, k, i, next);
            work_slot(c, c->renderers[0], k, i);
            if (k->rerr[i].status == FK_OK && k->werr[i].status != FK_OK) {
                write_failure_seen(c, k, &k->werr[i]);
                return;
            }
        }
        if (k->rerr[i].status != FK_OK) {
            fk_order_add_finding(o, FK_CODE_RENDER_FAILED, NULL, "the PDF could not be made: %s",
                                 k->rerr[i].message);
            o->outcome = FK_FAILED;
            k->pending[i] = false;
            continue;
        }
        next++;
    }
    c->next_seq = next;
}

/* Record chunk k in input order, in the open transaction. After a write failure its
 * invoices become WRITE_FAILED (retryable: `faktura retry` finishes them). */
static fk_status record_chunk(run_ctx *c, chunk *k, fk_error *err)
{
    fk_status st;

    for (size_t i = 0; i < k->n; i++) {
        fk_order *o = &k->orders[i];
        if (o->outcome == FK_INVOICED && c->write_failed) {
            fk_order_add_finding(o, FK_CODE_WRITE_FAILED, NULL, "the PDF was not written: %s",
                                 c->write_err.message);
            o->outcome = FK_FAILED;
        }
        if (o->outcome != FK_INVOICED) {
            st = fk_store_order_record(c->store, k->batch[i], k->row[i], o, NULL, err);
        } else {
            fk_invoice_rec rec = {k->numbers[i], c->series, k->seqs[i], c->issue_date,
                                  c->due_date, k->files[i], k->pdfs[i].len, k->sha[i]};
            st = fk_store_order_record(c->store, k->batch[i], k->row[i], o, &rec, err);
        }
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

/* Make chunk k's PDFs durable and in place. */
static fk_status publish_chunk(run_ctx *c, chunk *k)
{
    const char *names[CHUNK_ORDERS];
    size_t n = 0;
    for (size_t i = 0; i < k->n; i++)
        if (k->orders[i].outcome == FK_INVOICED)
            names[n++] = k->files[i];
    if (fk_outdir_publish(c->outdir, names, n, &c->write_err) != FK_OK)
        return FK_EENV;
    for (size_t i = 0; i < k->n; i++)
        k->written[i] = false;
    return FK_OK;
}

/* Chunk k is settled: record it, make its PDFs durable and in place, then commit (in that
 * order: the database may only say what the disk already has). If the disk refuses, the
 * chunk is rolled back (no number consumed) and recorded again without PDFs: its invoices
 * and every later one become WRITE_FAILED. */
static fk_status commit_chunk(run_ctx *c, chunk *k, fk_error *err)
{
    fk_status st;

    for (int attempt = 0; attempt < 2; attempt++) {
        if ((st = fk_store_begin(c->store, err)) != FK_OK)
            return st;
        c->in_txn = true;
        st = record_chunk(c, k, err);
        if (st == FK_OK && !c->write_failed && publish_chunk(c, k) != FK_OK)
            st = FK_EENV;
        if (st == FK_OK)
            break;
        if (c->write_err.status == FK_OK || c->write_failed)
            return st; /* a database error: the caller rolls back and stops */
        c->write_failed = true;
        unwrite_chunk(c, k);
        fk_store_rollback(c->store);
        c->in_txn = false;
    }
    if ((st = fk_store_commit(c->store, err)) != FK_OK)
        return st;
    c->in_txn = false;
    /* What the chunk accepted is in the database now: the rules find it there. */
    fk_batch_memory_free(k->mem);
    k->mem = fk_batch_memory_new();
    return FK_OK;
}

/* The chunk's outcomes go to the report (and the expectations); its slots are emptied. */
static fk_status report_chunk(run_ctx *c, chunk *k, fk_error *err)
{
    fk_status st;
    for (size_t i = 0; i < k->n; i++) {
        fk_outcome_rec rec;
        fk_order_outcome_rec(&k->orders[i], &rec);
        if (c->report && (st = fk_report_add(c->report, &rec, err)) != FK_OK)
            return st;
        if (c->expect)
            fk_expect_check(c->expect, &rec, c->opts->expect_diff, c->opts->expect_payload);
        fk_order_clear(&k->orders[i]);
    }
    k->n = 0;
    return FK_OK;
}

/* The chunk being filled is full (or the input ended): settle the chunk the render
 * threads have, hand them this one, then commit the settled one while they work. A dry
 * run renders nothing and reports at once (and its batch memory keeps every order). */
static fk_status advance(run_ctx *c, fk_error *err)
{
    chunk *k = c->cur, *f = c->fly;
    fk_status st;

    if (c->opts->dry_run)
        return report_chunk(c, k, err);
    pool_wait(c);
    if (f->n)
        settle_chunk(c, f);
    if ((st = number_chunk(c, k, err)) != FK_OK)
        return st;
    for (size_t i = 0; i < k->n; i++)
        if (k->pending[i]) {
            pool_submit(c, k);
            break;
        }
    if (f->n && ((st = commit_chunk(c, f, err)) != FK_OK || (st = report_chunk(c, f, err)) != FK_OK))
        return st;
    c->cur = f;
    c->fly = k;
    return FK_OK;
}

/* Everything checked so far is committed and reported. */
static fk_status drain(run_ctx *c, fk_error *err)
{
    fk_status st = advance(c, err);
    if (st == FK_OK && !c->opts->dry_run)
        st = advance(c, err);
    return st;
}

/* The generation rules for an order that would otherwise be invoiced. The database knows
 * every committed order; the batch memories know the accepted orders not yet committed
 * (the two open chunks, or everything in a dry run, which records nothing). */
static fk_status apply_rules(run_ctx *c, fk_order *o, fk_error *err)
{
    fk_customer_facts f;
    fk_code approved[16] = {FK_CODE_NONE};
    fk_status st;

    memset(&f, 0, sizeof(f));
    fk_detect_keys(o);
    if (c->store) {
        if ((st = fk_store_customer_facts(c->store, o, &c->rules, 0, c->issue_date,
                                          c->opts->as_of, &f, err)) != FK_OK)
            return st;
        if (c->approvals &&
            (st = fk_store_approved_codes(c->store, c->cur->batch[c->cur->n],
                                          o->f[FK_COL_ORDER_ID], approved, 16, err)) != FK_OK)
            return st;
    }
    fk_batch_memory_facts(c->fly->mem, o, &c->rules, &f); /* the older orders first */
    fk_batch_memory_facts(c->cur->mem, o, &c->rules, &f);
    fk_detect_rules(o, &c->rules, &f, c->opts->as_of, approved);
    return FK_OK;
}

/* Check the last slot of the chunk, record it, and commit when the chunk is full. */
static fk_status process_order(run_ctx *c, fk_error *err)
{
    fk_order *o = &c->cur->orders[c->cur->n];
    fk_status st;
    fk_prior_invoice prior;

    fk_validate_order(o, c->cfg, c->opts->as_of);
    if (c->store) /* the hash is compared with earlier invoices and recorded, nothing else */
        fk_detect_content_hash(o);
    fk_detect_batch_duplicate(o, c->seen);
    if (c->store && *o->f[FK_COL_ORDER_ID] &&
        !fk_order_has_finding(o, FK_CODE_DUPLICATE_ORDER_ID)) {
        if ((st = fk_store_prior(c->store, o->f[FK_COL_ORDER_ID], &prior, err)) != FK_OK)
            return st;
        fk_detect_prior(o, &prior);
    }
    if (fk_order_outcome(o) == FK_INVOICED && (st = apply_rules(c, o, err)) != FK_OK)
        return st;
    o->outcome = fk_order_outcome(o);
    if (o->outcome == FK_INVOICED)
        fk_batch_memory_add(c->cur->mem, o, &c->rules);
    c->cur->n++;
    c->done++;
    if (c->cur->n == CHUNK_ORDERS || c->opts->dry_run)
        return advance(c, err);
    return FK_OK;
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

static void add_recorded(const char *currency, __int128 sum, void *payload)
{
    fk_report_add_recorded(payload, currency, sum);
}

static char *inputs_json(const char *const *inputs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_string(inputs[i]);
        json_array_append_new(a, s ? s : json_string("(not UTF-8)"));
    }
    char *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return out;
}

static void chunk_init(chunk *k)
{
    k->orders = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->orders));
    k->row = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->row));
    k->batch = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->batch));
    k->pending = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->pending));
    k->seqs = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->seqs));
    k->numbers = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->numbers));
    k->files = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->files));
    k->sha = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->sha));
    k->written = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->written));
    k->pdfs = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->pdfs));
    k->rerr = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->rerr));
    k->werr = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->werr));
    k->mem = fk_batch_memory_new();
    for (size_t i = 0; i < CHUNK_ORDERS; i++)
        fk_order_init(&k->orders[i]);
}

static void chunk_free(chunk *k)
{
    for (size_t i = 0; k->orders && i < CHUNK_ORDERS; i++)
        fk_order_clear(&k->orders[i]);
    for (size_t i = 0; k->pdfs && i < CHUNK_ORDERS; i++)
        fk_buf_free(&k->pdfs[i]);
    free(k->orders);
    free(k->row);
    free(k->batch);
    free(k->pending);
    free(k->seqs);
    free(k->numbers);
    free(k->files);
    free(k->sha);
    free(k->written);
    free(k->pdfs);
    free(k->rerr);
    free(k->werr);
    fk_batch_memory_free(k->mem);
}

static void ctx_init(run_ctx *c, const fk_batch_options *opts)
{
    memset(c, 0, sizeof(*c));
    c->opts = opts;
    c->cfg = opts->config;
    fk_format_date(opts->as_of, c->issue_date, sizeof(c->issue_date));
    fk_format_date(opts->as_of + (int64_t)c->cfg->payment_terms_days * 86400, c->due_date,
                   sizeof(c->due_date));
    c->year = atoi(c->issue_date);
    chunk_init(&c->ch[0]);
    chunk_init(&c->ch[1]);
    c->cur = &c->ch[0];
    c->fly = &c->ch[1];
    c->next_seq = -1;
    c->fail_render = getenv("FAKTURA_TEST_FAIL_RENDER"); /* read once, not per invoice */
    c->jobs = opts->jobs > 0 ? opts->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (c->jobs < 1)
        c->jobs = 1;
    if (c->jobs > FK_MAX_JOBS)
        c->jobs = FK_MAX_JOBS;
    c->seen = fk_idset_new();
}

static void ctx_free(run_ctx *c)
{
    pool_stop(c);
    if (c->store && c->in_txn)
        fk_store_rollback(c->store);
    /* Abandon the open chunks: their PDFs were never renamed into place, their numbers
     * never consumed. What earlier chunks committed stays. */
    for (int i = 0; i < 2; i++) {
        if (c->outdir)
            unwrite_chunk(c, &c->ch[i]);
        chunk_free(&c->ch[i]);
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

/* Open what writing needs: the output directory (recovered from an interrupted run) and
 * the renderer. The store is already open. */
static fk_status open_writer(run_ctx *c, const char *out_dir, fk_error *err)
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
    pool_start(c);
    return FK_OK;
}

static void progress(run_ctx *c, uint64_t bytes, uint64_t total, bool last)
{
    if (c->opts->progress && (last || c->done % 1000 == 0))
        c->opts->progress(c->done, bytes, total, c->opts->progress_payload);
}

static fk_status open_inputs(const fk_batch_options *opts, const char *const *inputs, size_t n,
                             fk_ingest ***out, uint64_t *total, fk_error *err)
{
    fk_ingest **ins = fk_xcalloc(n ? n : 1, sizeof(*ins));
    *out = ins;
    *total = 0;
    /* Every input is opened and its header checked before anything is recorded: a missing
     * file or column stops the batch with nothing half-done. */
    for (size_t i = 0; i < n; i++) {
        fk_ingest_options io = {opts->input_format, opts->csv_delimiter,
                                opts->decimal_comma ? ',' : 0};
        uint64_t b, t;
        fk_status st = fk_ingest_open(&ins[i], inputs[i], &io, err);
        if (st != FK_OK)
            return st;
        fk_ingest_progress(ins[i], &b, &t);
        *total += t;
    }
    return FK_OK;
}

/* Which row (and batch) an ingested order goes to: row 0 for a new one. false: the order
 * is not part of this pass (a retry takes only the batch's failed and held orders). */
typedef bool (*pick_fn)(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch,
                        void *payload);

/* Every order of the inputs through process_order, with progress. */
static fk_status ingest_all(run_ctx *c, fk_ingest **ins, size_t n, uint64_t total,
                            pick_fn pick, void *payload, fk_error *err)
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
            if ((st = process_order(c, err)) != FK_OK)
                return st;
            fk_ingest_progress(ins[i], &b, &t);
            progress(c, before + b, total, false);
        }
        fk_ingest_progress(ins[i], &b, &t);
        before += b;
    }
    progress(c, before, total, true);
    return FK_OK;
}

static bool pick_new(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch, void *payload)
{
    (void)o, (void)payload;
    *row = 0;
    *batch = c->batch_id;
    return true;
}

static void close_inputs(fk_ingest **ins, size_t n)
{
    for (size_t i = 0; ins && i < n; i++)
        fk_ingest_close(ins[i]);
    free(ins);
}

/* The [thresholds] and [disputes] rules of the config file (the defaults without one). */
static fk_status load_rules(run_ctx *c, fk_error *err)
{
    const char *path = c->cfg->path;
    return fk_rules_load(&c->rules, path && access(path, R_OK) == 0 ? path : NULL, err);
}

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

static void first_target(const fk_report_options *ro, fk_summary *out)
{
    snprintf(out->report_path, sizeof(out->report_path), "%s",
             ro->ntargets ? ro->targets[0].path : "");
}

/* The batch's end: a disk that refused PDFs makes the whole call an environment failure,
 * after everything (the WRITE_FAILED orders included) was recorded and reported. */
static fk_status write_failure(const run_ctx *c, fk_error *err)
{
    if (!c->write_failed)
        return FK_OK;
    return fk_error_set(err, FK_EENV, c->write_err.file, 0, NULL,
                        "%s; the orders not written are marked WRITE_FAILED: run `faktura "
                        "retry --batch %lld` when the disk is fixed",
                        c->write_err.message, (long long)c->batch_id);
}

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

/* Orders held only because they were too young are picked up by the next run without
 * anyone doing anything: before the new inputs, each is checked again in its own batch
 * (its row updated, as `retry` does). They are not part of this batch's report. */
static fk_status release_holds(run_ctx *c, fk_error *err)
{
    held_list h = {NULL, NULL, NULL, 0, 0};
    fk_report *report = c->report;
    fk_idset *seen = c->seen;
    fk_status st = fk_store_expired_holds(c->store, held_add, &h, err);
    size_t released = 0;

    c->report = NULL;
    c->seen = fk_idset_new(); /* their ids belong to their own batches */
    c->approvals = true;
    for (size_t i = 0; st == FK_OK && i < h.n; i++) {
        fk_order *o = &c->cur->orders[c->cur->n];
        if (!fk_order_decode(h.data[i], o))
            continue;
        c->cur->row[c->cur->n] = h.row[i];
        c->cur->batch[c->cur->n] = h.batch[i];
        st = process_order(c, err);
        released++;
    }
    if (st == FK_OK)
        st = drain(c, err);
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
    for (size_t i = 0; i < h.n; i++)
        free(h.data[i]);
    free(h.row);
    free(h.batch);
    free(h.data);
    return st;
}

fk_status fk_batch_run(const fk_batch_options *opts, const char *const *inputs, size_t ninputs,
                       fk_summary *out, fk_error *err)
{
    run_ctx c;
    fk_ingest **ins = NULL;
    fk_status st = FK_OK;
    char as_of[32];
    char *inputs_js = NULL;
    uint64_t total_bytes = 0;

    memset(out, 0, sizeof(*out));
    if (!opts || opts->version != FK_BATCH_OPTIONS_VERSION || !opts->config || ninputs == 0 ||
        !opts->db_path || (!opts->dry_run && !opts->out_dir))
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_batch_run: bad options");
    if (!opts->dry_run && !opts->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`run` needs a config file with the seller's details (--config)");
    ctx_init(&c, opts);
    fk_format_datetime(opts->as_of, as_of, sizeof(as_of));
    inputs_js = inputs_json(inputs, ninputs);

    if ((st = open_inputs(opts, inputs, ninputs, &ins, &total_bytes, err)) != FK_OK ||
        (st = load_rules(&c, err)) != FK_OK || (st = load_expect(&c, err)) != FK_OK)
        goto done;
    if (opts->dry_run) {
        if ((st = fk_store_open_readonly(&c.store, opts->db_path, err)) != FK_OK)
            goto done;
    } else {
        if ((st = fk_store_open(&c.store, opts->db_path, err)) != FK_OK ||
            (st = open_writer(&c, opts->out_dir, err)) != FK_OK ||
            (st = fk_store_batch_create(c.store, "run", as_of, inputs_js, opts->out_dir,
                                        &c.batch_id, err)) != FK_OK ||
            (st = release_holds(&c, err)) != FK_OK)
            goto done;
    }
    if ((st = fk_report_new(&c.report, err)) != FK_OK)
        goto done;
    fk_report_set_batch(c.report, c.batch_id, opts->dry_run ? "validate" : "run", as_of,
                        inputs_js);

    if ((st = ingest_all(&c, ins, ninputs, total_bytes, pick_new, NULL, err)) != FK_OK ||
        (st = drain(&c, err)) != FK_OK)
        goto done;

    if (!opts->dry_run) {
        if ((st = fk_store_batch_finish(c.store, c.batch_id, "done", err)) != FK_OK ||
            (st = fk_store_batch_invoice_sums(c.store, c.batch_id, add_recorded, c.report,
                                              err)) != FK_OK)
            goto done;
    }
    if ((st = fk_report_write(c.report, &opts->report, err)) != FK_OK)
        goto done;
    fk_report_summary(c.report, out);
    first_target(&opts->report, out);
    finish_expect(&c, out);
    st = write_failure(&c, err);

done:
    if (st != FK_OK && c.store && !opts->dry_run && c.batch_id && !c.write_failed) {
        fk_store_rollback(c.store);
        c.in_txn = false;
        fk_store_batch_finish(c.store, c.batch_id, "aborted", NULL);
    }
    close_inputs(ins, ninputs);
    ctx_free(&c);
    free(inputs_js);
    return st;
}

static void add_stored(const fk_outcome_rec *o, void *payload)
{
    fk_report_add(payload, o, NULL);
}

/* The report of a batch as the database has it (used by `report` and after `retry`). */
static fk_status batch_report(fk_store *s, int64_t batch_id, const fk_batch_info *bi,
                              const fk_report_options *ro, fk_summary *out, fk_error *err)
{
    fk_report *r = NULL;
    fk_status st;

    if ((st = fk_report_new(&r, err)) != FK_OK)
        return st;
    fk_report_set_batch(r, batch_id, bi->kind, bi->as_of, bi->inputs_json);
    if ((st = fk_store_batch_orders(s, batch_id, add_stored, r, err)) == FK_OK &&
        (st = fk_store_batch_invoice_sums(s, batch_id, add_recorded, r, err)) == FK_OK &&
        (st = fk_report_write(r, ro, err)) == FK_OK) {
        fk_report_summary(r, out);
        first_target(ro, out);
    }
    fk_report_free(r);
    return st;
}

static fk_status get_batch(fk_store *s, const char *db_path, int64_t batch_id,
                           fk_batch_info *bi, fk_error *err)
{
    bool found = false;
    fk_status st = fk_store_batch_get(s, batch_id, bi, &found, err);
    if (st == FK_OK && !found)
        st = fk_error_set(err, FK_EUSAGE, db_path, 0, "batch", "there is no batch %lld",
                          (long long)batch_id);
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
    if ((st = fk_store_open_readonly(&s, db_path, err)) != FK_OK)
        return st;
    if (!s)
        return fk_error_set(err, FK_EUSAGE, db_path, 0, NULL, "no database at %s", db_path);
    if ((st = get_batch(s, db_path, batch_id, &bi, err)) == FK_OK)
        st = batch_report(s, batch_id, &bi, ro, out, err);
    free(bi.inputs_json);
    free(bi.out_dir);
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

static void seen_add(const char *order_id, void *payload)
{
    fk_idset_add(payload, order_id);
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

fk_status fk_batch_retry(const fk_batch_options *opts, int64_t batch_id,
                         const char *const *inputs, size_t ninputs, fk_summary *out,
                         fk_error *err)
{
    run_ctx c;
    fk_batch_info bi;
    retry_set rs = {NULL, 0, 0};
    fk_ingest **ins = NULL;
    fk_buf report_path = FK_BUF_INIT;
    fk_report_options ro;
    fk_report_target deflt;
    uint64_t total_bytes = 0;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&bi, 0, sizeof(bi));
    if (!opts || opts->version != FK_BATCH_OPTIONS_VERSION || !opts->config || !opts->db_path ||
        opts->dry_run)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_batch_retry: bad options");
    if (!opts->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`retry` needs a config file with the seller's details (--config)");
    ctx_init(&c, opts);
    c.batch_id = batch_id;
    c.approvals = true;
    if ((st = open_inputs(opts, inputs, ninputs, &ins, &total_bytes, err)) != FK_OK ||
        (st = load_rules(&c, err)) != FK_OK ||
        (st = fk_store_open(&c.store, opts->db_path, err)) != FK_OK ||
        (st = get_batch(c.store, opts->db_path, batch_id, &bi, err)) != FK_OK)
        goto done;
    if (strcmp(bi.kind, "run") != 0) {
        st = fk_error_set(err, FK_EUSAGE, opts->db_path, 0, "batch", "batch %lld is not a run",
                          (long long)batch_id);
        goto done;
    }
    const char *out_dir = opts->out_dir ? opts->out_dir : bi.out_dir;
    if ((st = open_writer(&c, out_dir, err)) != FK_OK ||
        (st = fk_store_retry_set(c.store, batch_id, retry_add, &rs, err)) != FK_OK ||
        /* An order id twice in the batch stays a duplicate on retry, as on a fresh run. */
        (st = fk_store_settled_ids(c.store, batch_id, seen_add, c.seen, err)) != FK_OK)
        goto done;

    if (ninputs > 0) {
        /* Corrected files: only the batch's failed and held orders are taken from them. */
        if ((st = ingest_all(&c, ins, ninputs, total_bytes, pick_retry, &rs, err)) != FK_OK)
            goto done;
    } else {
        for (size_t i = 0; i < rs.n; i++) {
            fk_order *o = &c.cur->orders[c.cur->n];
            if (!fk_order_decode(rs.e[i].data, o)) {
                st = fk_error_set(err, FK_EINTERNAL, opts->db_path, 0, NULL,
                                  "the stored data of order %s cannot be read",
                                  rs.e[i].order_id);
                goto done;
            }
            c.cur->row[c.cur->n] = rs.e[i].row;
            c.cur->batch[c.cur->n] = batch_id;
            if ((st = process_order(&c, err)) != FK_OK)
                goto done;
            progress(&c, 0, 0, false);
        }
    }
    if ((st = drain(&c, err)) != FK_OK)
        goto done;

    ro = opts->report;
    if (ro.ntargets == 0) {
        fk_buf_printf(&report_path, "%s/report.json", out_dir);
        deflt = (fk_report_target){fk_buf_cstr(&report_path), FK_REPORT_JSON};
        ro.targets = &deflt;
        ro.ntargets = 1;
    }
    if ((st = batch_report(c.store, batch_id, &bi, &ro, out, err)) != FK_OK)
        goto done;
    st = write_failure(&c, err);
done:
    for (size_t i = 0; i < rs.n; i++) {
        free(rs.e[i].order_id);
        free(rs.e[i].data);
    }
    free(rs.e);
    free(bi.inputs_json);
    free(bi.out_dir);
    fk_buf_free(&report_path);
    close_inputs(ins, ninputs);
    ctx_free(&c);
    return st;
}

/* ---- verify ---- */

typedef struct verify_ctx {
    fk_log_fn problem;
    void *payload;
    uint64_t checked, problems;
} verify_ctx;

static void problem(verify_ctx *v, const char *fmt, ...) FK_PRINTF(2, 3);
static void problem(verify_ctx *v, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    v->problems++;
    if (!v->problem)
        return;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    v->problem(fk_buf_cstr(&m), v->payload);
    fk_buf_free(&m);
}

static void verify_pdf(const char *number, const char *series, int64_t seq, const char *path,
                       int64_t size, const char *sha, void *payload)
{
    verify_ctx *v = payload;
    char got[65];
    uint64_t got_size = 0;
    (void)series, (void)seq;
    v->checked++;
    if (!fk_sha256_file(path, got, &got_size))
        problem(v, "invoice %s: its PDF %s cannot be read (%s)", number, path, strerror(errno));
    else if ((int64_t)got_size != size || strcmp(got, sha) != 0)
        problem(v, "invoice %s: its PDF %s differs from what was recorded (%llu bytes, "
                   "SHA-256 %s; recorded %lld bytes, %s)",
                number, path, (unsigned long long)got_size, got, (long long)size, sha);
}

static void verify_series(const char *series, int64_t count, int64_t max, int64_t distinct,
                          int64_t next_seq, void *payload)
{
    verify_ctx *v = payload;
    if (count != distinct)
        problem(v, "series %s: %lld numbers are used more than once", series,
                (long long)(count - distinct));
    if (max != distinct)
        problem(v, "series %s: %lld numbers are missing between 1 and %lld", series,
                (long long)(max - distinct), (long long)max);
    if (next_seq != max + 1)
        problem(v, "series %s: the next number is %lld, but the highest issued is %lld", series,
                (long long)next_seq, (long long)max);
}

fk_status fk_verify(const char *db_path, int64_t batch_id, fk_log_fn problem_fn, void *payload,
                    uint64_t *checked, uint64_t *problems, fk_error *err)
{
    fk_store *s = NULL;
    fk_batch_info bi;
    verify_ctx v = {problem_fn, payload, 0, 0};
    fk_status st;

    memset(&bi, 0, sizeof(bi));
    if ((st = fk_store_open_readonly(&s, db_path, err)) != FK_OK)
        return st;
    if (!s)
        return fk_error_set(err, FK_EUSAGE, db_path, 0, NULL, "no database at %s", db_path);
    if (batch_id)
        st = get_batch(s, db_path, batch_id, &bi, err);
    if (st == FK_OK && (st = fk_store_invoices(s, batch_id, false, verify_pdf, &v, err)) == FK_OK)
        st = fk_store_series_check(s, verify_series, &v, err);
    free(bi.inputs_json);
    free(bi.out_dir);
    fk_store_close(s);
    *checked = v.checked;
    *problems = v.problems;
    return st;
}
