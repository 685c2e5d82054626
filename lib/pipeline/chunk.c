/* SPDX-License-Identifier: MIT */
/* chunk.c -- the chunk commit protocol: numbered, rendered and written (in parallel),
 * recorded in input order, made durable, committed, reported.
 *
 * Numbers are provisional until the render threads are done with a chunk (settle_chunk):
 * a render failure takes no number, and the invoices after it are rendered again with the
 * number they really get, so the series stays gapless. The database may only say what the
 * disk already has: the chunk's PDFs are made durable and renamed into place before its
 * transaction commits (commit_chunk). And the database knows every file it may not have
 * recorded: the names of the PDFs a chunk may write are recorded as pending before the
 * chunk is handed to the render threads (reserve), so that start-up recovery removes only
 * those (store/store_files.c). Each commit records the names of the next chunks with it;
 * only the first chunk of a run waits for a commit of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "pipeline/pipeline.h"

void fk_pipeline__chunk_init(chunk *k)
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
    k->docs = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->docs));
    k->doc_sha = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->doc_sha));
    k->xml = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->xml));
    k->xml_sha = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->xml_sha));
    k->rcode = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->rcode));
    k->rerr = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->rerr));
    k->werr = fk_xcalloc(CHUNK_ORDERS, sizeof(*k->werr));
    k->mem = fk_batch_memory_new();
    for (size_t i = 0; i < CHUNK_ORDERS; i++)
        fk_order_init(&k->orders[i]);
}

void fk_pipeline__chunk_free(chunk *k)
{
    for (size_t i = 0; k->orders && i < CHUNK_ORDERS; i++)
        fk_order_clear(&k->orders[i]);
    for (size_t i = 0; k->pdfs && i < CHUNK_ORDERS; i++)
        fk_buf_free(&k->pdfs[i]);
    for (size_t i = 0; k->docs && i < CHUNK_ORDERS; i++)
        fk_buf_free(&k->docs[i]);
    for (size_t i = 0; k->xml && i < CHUNK_ORDERS; i++)
        for (int f = 0; f < FK_EINV_COUNT; f++)
            fk_buf_free(&k->xml[i][f]);
    free(k->xml);
    free(k->xml_sha);
    free(k->rcode);
    free(k->docs);
    free(k->doc_sha);
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

static void set_number(run_ctx *c, chunk *k, size_t i, int64_t seq)
{
    char stem[128];

    k->seqs[i] = seq;
    fk_config_number(c->cfg, c->year, seq, k->numbers[i], sizeof(k->numbers[i]), c->series,
                     sizeof(c->series));
    fk_config_number_file(k->numbers[i], stem, sizeof(stem));
    snprintf(k->files[i], sizeof(k->files[i]), "%s.pdf", stem);
}

/* Record as pending the names of the numbers up to (not including) `upto`, inside the
 * open transaction. */
static fk_status reserve(run_ctx *c, int64_t upto, fk_error *err)
{
    char number[128], name[160], series[128];
    fk_status st = FK_OK;

    for (int64_t seq = c->reserved_to; st == FK_OK && seq < upto; seq++) {
        fk_config_number(c->cfg, c->year, seq, number, sizeof(number), series, sizeof(series));
        snprintf(name, sizeof(name), "%s.pdf", number);
        st = fk_store_pending_add(c->store, fk_outdir_real(c->outdir), name, err);
    }
    if (st == FK_OK)
        c->reserved_to = upto;
    return st;
}

/* The chunk just numbered may write files up to c->next_seq: recorded as pending before
 * they are written, in a transaction of its own when no commit recorded them ahead. */
static fk_status reserve_now(run_ctx *c, fk_error *err)
{
    fk_status st;
    if (c->next_seq <= c->reserved_to)
        return FK_OK;
    if ((st = fk_store_begin(c->store, err)) != FK_OK)
        return st;
    if ((st = reserve(c, c->next_seq + 2 * CHUNK_ORDERS, err)) == FK_OK &&
        (st = fk_store_commit(c->store, err)) == FK_OK)
        return FK_OK;
    fk_store_rollback(c->store);
    return st;
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
        c->reserved_to = c->next_seq;
    }
    k->first_seq = c->next_seq;
    for (size_t i = 0; i < k->n; i++)
        if (k->pending[i])
            set_number(c, k, i, c->next_seq++);
    return reserve_now(c, err);
}

/* Remove slot i's temporary files: its PDF and its e-invoices. */
static void unwrite_slot(run_ctx *c, chunk *k, size_t i)
{
    fk_outdir_unwrite(c->outdir, k->files[i]);
    for (int f = 0; f < FK_EINV_COUNT; f++) {
        char name[FK_OUTDIR_NAME_MAX + 32];
        if (k->xml[i][f].len &&
            fk_pipeline__xml_name(k->files[i], (fk_einv_format)f, name, sizeof(name)))
            fk_outdir_unwrite(c->outdir, name);
    }
    k->written[i] = false;
}

void fk_pipeline__unwrite_chunk(run_ctx *c, chunk *k)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->written[i])
            unwrite_slot(c, k, i);
}

static void write_failure_seen(run_ctx *c, chunk *k, const fk_error *e)
{
    c->write_failed = true;
    c->write_err = *e;
    fk_pipeline__unwrite_chunk(c, k);
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
        fk_pipeline__unwrite_chunk(c, k);
        return;
    }
    for (size_t i = 0; i < k->n; i++) {
        fk_order *o = &k->orders[i];
        if (!k->pending[i])
            continue;
        if (k->seqs[i] != next && k->rerr[i].status == FK_OK) {
            if (k->written[i])
                unwrite_slot(c, k, i);
            set_number(c, k, i, next);
            fk_pipeline__work_slot(c, c->renderers[0], k, i);
            if (k->rerr[i].status == FK_OK && k->werr[i].status != FK_OK) {
                write_failure_seen(c, k, &k->werr[i]);
                return;
            }
        }
        if (k->rerr[i].status != FK_OK && k->rcode[i] != FK_CODE_RENDER_FAILED) {
            /* The e-invoice cannot be made: the order's data (or faktura) is at fault. */
            fk_order_add_finding(o, k->rcode[i], k->rerr[i].field[0] ? k->rerr[i].field : NULL,
                                 "%s", k->rerr[i].message);
            o->outcome = FK_FAILED;
            k->pending[i] = false;
            continue;
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
            fk_invoice_rec rec = {k->numbers[i], c->series,     k->seqs[i],
                                  c->issue_date, c->due_date,     k->files[i],
                                  k->pdfs[i].len, k->sha[i],      fk_buf_cstr(&k->docs[i]),
                                  k->docs[i].len, k->doc_sha[i]};
            st = fk_store_order_record(c->store, k->batch[i], k->row[i], o, &rec, err);
            for (int f = 0; st == FK_OK && f < FK_EINV_COUNT; f++) {
                char name[FK_OUTDIR_NAME_MAX + 32];
                if (k->xml[i][f].len &&
                    fk_pipeline__xml_name(k->files[i], (fk_einv_format)f, name, sizeof(name)))
                    st = fk_store_einvoice_record(c->store, k->numbers[i],
                                                  fk_einv_profile_of((fk_einv_format)f)->name,
                                                  name, k->xml[i][f].len, k->xml_sha[i][f],
                                                  err);
            }
            /* Paid before the invoice (a shop's PSP): recorded as paid with it, so it never
             * counts as open or overdue. */
            if (st == FK_OK && o->paid && o->gross_total > 0) {
                char key[96], day[16];
                fk_format_date(o->order_time + o->order_offset, day, sizeof(day));
                snprintf(key, sizeof(key), "paid-with-invoice:%s", k->numbers[i]);
                fk_payment_rec p = {key, k->numbers[i], o->gross_total,
                                    o->paid_date[0] ? o->paid_date : day, "order"};
                st = fk_store_payment_insert(c->store, &p, err);
            }
        }
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

/* Make chunk k's PDFs and e-invoices durable and in place. */
static fk_status publish_chunk(run_ctx *c, chunk *k)
{
    char (*xml_names)[FK_OUTDIR_NAME_MAX + 32] =
        fk_xcalloc(CHUNK_ORDERS * FK_EINV_COUNT, sizeof(*xml_names));
    const char *names[CHUNK_ORDERS * (1 + FK_EINV_COUNT)];
    size_t n = 0, nx = 0;
    fk_status st;
    for (size_t i = 0; i < k->n; i++)
        if (k->orders[i].outcome == FK_INVOICED) {
            for (int f = 0; f < FK_EINV_COUNT; f++)
                if (k->xml[i][f].len && fk_pipeline__xml_name(k->files[i], (fk_einv_format)f,
                                                              xml_names[nx],
                                                              sizeof(xml_names[nx])))
                    names[n++] = xml_names[nx++];
            names[n++] = k->files[i];
        }
    st = fk_outdir_publish(c->outdir, names, n, &c->write_err);
    free(xml_names);
    if (st != FK_OK)
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
    int64_t reserved = c->reserved_to;
    fk_status st;

    for (int attempt = 0; attempt < 2; attempt++) {
        if ((st = fk_store_begin(c->store, err)) != FK_OK)
            return st;
        c->in_txn = true;
        c->reserved_to = reserved;
        st = record_chunk(c, k, err);
        /* The names the next chunks may write, ahead, with this commit. */
        if (st == FK_OK && !c->write_failed && reserved >= 0 &&
            c->next_seq + CHUNK_ORDERS > reserved)
            st = reserve(c, c->next_seq + 4 * CHUNK_ORDERS, err);
        if (st == FK_OK && !c->write_failed && publish_chunk(c, k) != FK_OK)
            st = FK_EENV;
        if (st == FK_OK)
            break;
        if (c->write_err.status == FK_OK || c->write_failed)
            return st; /* a database error: the caller rolls back and stops */
        c->write_failed = true;
        fk_pipeline__unwrite_chunk(c, k);
        fk_store_rollback(c->store);
        c->in_txn = false;
    }
    if ((st = fk_store_commit(c->store, err)) != FK_OK) {
        c->reserved_to = reserved;
        return st;
    }
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
        if (c->report && fk_pipeline__waits(&rec))
            c->held_waiting++;
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
fk_status fk_pipeline__advance(run_ctx *c, fk_error *err)
{
    chunk *k = c->cur, *f = c->fly;
    fk_status st;

    if (c->opts->dry_run)
        return report_chunk(c, k, err);
    fk_pipeline__pool_wait(c);
    if (f->n)
        settle_chunk(c, f);
    if ((st = number_chunk(c, k, err)) != FK_OK)
        return st;
    for (size_t i = 0; i < k->n; i++)
        if (k->pending[i]) {
            fk_pipeline__pool_submit(c, k);
            break;
        }
    if (f->n && ((st = commit_chunk(c, f, err)) != FK_OK || (st = report_chunk(c, f, err)) != FK_OK))
        return st;
    c->cur = f;
    c->fly = k;
    return FK_OK;
}

/* Everything checked so far is committed and reported. */
fk_status fk_pipeline__drain(run_ctx *c, fk_error *err)
{
    fk_status st = fk_pipeline__advance(c, err);
    if (st == FK_OK && !c->opts->dry_run)
        st = fk_pipeline__advance(c, err);
    return st;
}

