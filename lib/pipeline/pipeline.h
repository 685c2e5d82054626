/* SPDX-License-Identifier: MIT */
/* pipeline.h -- the orchestrator's shared state: the only code that knows every stage.
 *
 * For each order, in input order:
 *   ingest -> validate -> detect (duplicate id, earlier invoice, rules) -> outcome
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
 *
 * A batch that writes reads its inputs through once before it records anything (prescan.c),
 * and stops cleanly when asked to (fk_batch_interrupt): what is recorded is then always
 * the first orders of its inputs, and `retry` with the same inputs takes the rest.
 *
 * The files: invoice_map.c (an order as the renderer's invoice), render_pool.c (the render
 * threads), chunk.c (the chunk commit protocol), run.c (a batch: run and validate),
 * retry.c (retry, finishing an incomplete batch, and report), prescan.c (the first pass,
 * standard input, the request to stop), verify.c, admin.c (config loading, approvals,
 * status), payments.c (the payments file and its acceptance rules).
 */
#ifndef FK_PIPELINE_H
#define FK_PIPELINE_H
#include <pthread.h>
#include <sys/stat.h>
#include "faktura/batch.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/document.h"
#include "core/order.h"
#include "einvoice/einvoice.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "report/report.h"
#include "store/memory.h"
#include "store/store.h"
#include "store/store_files.h"

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
    fk_buf *docs;          /* its invoice of record (the document's canonical JSON) */
    char (*doc_sha)[65];   /* the JSON's SHA-256 */
    fk_buf (*xml)[FK_EINV_COUNT]; /* its e-invoices by format (empty: none; facturx's is
                                   * inside the PDF, not a file of its own) */
    char (*xml_sha)[FK_EINV_COUNT][65];
    fk_code *rcode;        /* the finding its render error gives (RENDER_FAILED, EINVOICE_*) */
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
    int jobs;              /* render threads */
    fk_renderer *renderers[FK_MAX_JOBS]; /* one per thread; NULL in a dry run */
    fk_einv_schemas *schemas;  /* the XSDs of the e-invoice formats seen so far */
    unsigned schemas_mask;     /* the formats they cover */
    bool facturx_ready;        /* the renderers' ICC profile is loaded */
    uint64_t dry_invoiced;     /* orders invoiced so far (a dry run's provisional numbers) */
    render_pool pool;
    bool pool_up;
    int64_t next_seq;      /* the series' next number after the chunks numbered, -1: ask */
    int64_t reserved_to;   /* numbers below this are recorded as pending files, -1: none */
    char series[128];      /* the series' key */
    bool approvals;        /* look up approvals (retry, release) */
    bool write_failed;     /* the disk refused a PDF: no more rendering in this batch */
    bool interrupted;      /* asked to stop before the inputs ended (fk_batch_interrupt) */
    bool complete;         /* every order of the inputs was read and recorded */
    size_t input;          /* the input being read (fk_pipeline__ingest_all) */
    const char *const *labels; /* NULL, or the file names orders of input i are recorded with */
    fk_error write_err;
    uint64_t done;
    uint64_t held_waiting; /* reported orders held only for the holding period */
    char issue_date[16], due_date[16];
    int year;
    /* The test hook FAKTURA_TEST_FAIL_RENDER (core/testhook.h), or NULL. */
    const char *fail_render;
    /* Chargebacks (issue 19): credit notes issued while the batch runs. */
    void *credits;         /* credit_writer, made on the first chargeback */
};

/* invoice_map.c: the document of order o as invoice `number` (borrowing from o and the
 * config; free it with fk_document_free). */
fk_status fk_pipeline__build_document(const run_ctx *c, const fk_order *o, const char *number,
                                      fk_document *d, fk_error *err);
/* Build order o's document as invoice `number`, encode it into json, write its e-invoices
 * into xml[FK_EINV_COUNT] (each checked against its XSD) and render it into out (r NULL:
 * no PDF, the dry run). On failure *code is the finding it gives the order. */
fk_status fk_pipeline__render(const run_ctx *c, fk_renderer *r, const fk_order *o,
                              const char *number, fk_buf *out, fk_buf *json, fk_buf *xml,
                              fk_code *code, fk_error *err);
/* The e-invoices of `mask` written from d into xml[f] (the rest emptied), each validated
 * against its XSD when s is not NULL; on failure *code is the finding (EINVOICE_*). */
fk_status fk_pipeline__write_einvoices(const fk_einv_schemas *s, const fk_document *d,
                                       unsigned mask, fk_buf *xml, fk_code *code,
                                       fk_error *err);
/* d's PDF: a Factur-X PDF/A-3 with xml[FK_EINV_FACTURX] embedded when mask has facturx. */
fk_status fk_pipeline__render_document(fk_renderer *r, const fk_document *d, const fk_buf *xml,
                                       unsigned mask, fk_buf *out, fk_error *err);
fk_code fk_pipeline__einvoice_code(fk_einv_problem why);
/* The file name of e-invoice format f of the invoice whose PDF is `pdf_name`
 * ("INV-1.pdf" -> "INV-1.peppol.xml"); false for facturx (it is inside the PDF). */
bool fk_pipeline__xml_name(const char *pdf_name, fk_einv_format f, char *buf, size_t n);
/* Make sure the XSDs (and for facturx the renderers' ICC profile) of `mask` are loaded:
 * waits for the render threads first when something must be loaded. */
fk_status fk_pipeline__need_formats(run_ctx *c, unsigned mask, fk_error *err);
/* run_einvoice.c: an order's formats (the column einvoice, else [einvoice] formats) and
 * buyer_endpoint checked into o->einvoice; and a dry run's build and check of them. */
void fk_pipeline__choose_einvoice(run_ctx *c, fk_order *o);
fk_status fk_pipeline__dry_einvoice(run_ctx *c, fk_order *o, fk_error *err);

/* documents.c: render invoice `number` again from its stored document and, when the bytes
 * are those recorded, write its PDF back durably (*repaired); else why says why not. The
 * renderer is made on first use (*r, freed by the caller). */
fk_status fk_pipeline__repair(fk_store *s, const fk_config *cfg, fk_renderer **r,
                              const char *number, bool *repaired, char *why, size_t whysz,
                              fk_error *err);

/* credit.c: credit notes, one transaction each (see credit.c). */
typedef struct credit_writer {
    fk_store *store;
    fk_outdir *outdir;     /* where the PDFs go */
    const fk_config *cfg;
    fk_renderer *renderer; /* its own, made on first use */
    fk_einv_schemas *schemas; /* the XSDs of its structured forms, compiled on first use */
    char issue_date[16];
    int year;
} credit_writer;
/* What a credit note is recorded under besides its document. */
typedef struct credit_ids {
    const char *series;
    int64_t seq;
    const char *key, *hash;
    int64_t order_row;     /* a chargeback's order, 0 none */
} credit_ids;
/* credit_write.c: write credit note d's structured forms (the formats of its invoice) and
 * PDF durably, record and commit it (the transaction is open). A structured form that
 * cannot be made refuses it (info->result FK_CREDIT_REFUSED, FK_OK): nothing written. */
fk_status fk_pipeline__credit_publish(credit_writer *w, const fk_document *d,
                                      const credit_ids *ids, fk_credit_info *info,
                                      fk_error *err);
void fk_pipeline__credit_writer_init(credit_writer *w, fk_store *s, fk_outdir *od,
                                     const fk_config *cfg, int64_t as_of);
void fk_pipeline__credit_writer_free(credit_writer *w);
/* credit.c: a refused credit note, and why (printf-style into info->why). */
void fk_pipeline__credit_refuse(fk_credit_info *info, const char *fmt, ...) FK_PRINTF(2, 3);
/* Issue (or refuse, or find under its key) one credit note; order_row: a chargeback's
 * order, 0 none. No transaction may be open. */
fk_status fk_pipeline__credit(credit_writer *w, const fk_credit_request *rq, int64_t order_row,
                              fk_credit_info *info, fk_error *err);
/* A `faktura credit` session: the database (run lock held), the output directory claimed
 * and recovered, the writer. */
typedef struct credit_session {
    fk_store *store;
    fk_outdir *outdir;
    credit_writer w;
} credit_session;
fk_status fk_pipeline__credit_open(credit_session *cs, const fk_credit_options *o,
                                   fk_error *err);
void fk_pipeline__credit_close(credit_session *cs);
/* Is the PDF `stem` a file of a number (invoice or credit note) never recorded? */
fk_status fk_pipeline__is_orphan(const fk_config *cfg, fk_store *s, const char *stem,
                                 bool *orphan, fk_error *err);

/* render_pool.c */
/* Render, write and hash slot i of chunk k; a failure stays in the slot's rerr or werr. */
void fk_pipeline__work_slot(run_ctx *c, fk_renderer *r, chunk *k, size_t i);
/* Start the render threads (fewer, even none, is not an error: a chunk no thread takes is
 * rendered by this thread when it is submitted). */
void fk_pipeline__pool_start(run_ctx *c);
/* Wait until the submitted chunk (if any) is rendered and written. */
void fk_pipeline__pool_wait(run_ctx *c);
void fk_pipeline__pool_submit(run_ctx *c, chunk *k);
void fk_pipeline__pool_stop(run_ctx *c);

/* chunk.c */
void fk_pipeline__chunk_init(chunk *k);
void fk_pipeline__chunk_free(chunk *k);
/* Remove the chunk's temporary files not yet renamed into place. */
void fk_pipeline__unwrite_chunk(run_ctx *c, chunk *k);
/* The chunk being filled is full (or the input ended): move the chunks on one step. */
fk_status fk_pipeline__advance(run_ctx *c, fk_error *err);
/* Everything checked so far is committed and reported. */
fk_status fk_pipeline__drain(run_ctx *c, fk_error *err);

/* prescan.c */
/* Has fk_batch_interrupt been called? */
bool fk_pipeline__stop_requested(void);
/* FK_EINCOMPLETE: interrupted before the batch recorded anything. */
fk_status fk_pipeline__interrupted_early(fk_error *err);
/* What the first pass saw: each input's identity, size and time, and the orders read. */
typedef struct fk_prescan {
    struct stat *snap;
    size_t n;
    uint64_t orders;
} fk_prescan;
/* Called for each order of the first pass with the index of its input. */
typedef fk_status (*fk_prescan_fn)(const fk_order *o, size_t input, void *payload,
                                   fk_error *err);
/* Read every input through once (standard input copied to a temporary file first): an
 * input error, or fn's, stops it; nothing is recorded. */
fk_status fk_pipeline__prescan(const fk_batch_options *opts, const char *const *inputs,
                               size_t n, fk_prescan_fn fn, void *payload, fk_prescan *out,
                               fk_error *err);
/* The inputs are still what the first pass read (FK_EINPUT if not). */
fk_status fk_pipeline__inputs_unchanged(const char *const *inputs, size_t n,
                                        const fk_prescan *scan, fk_error *err);
void fk_pipeline__prescan_free(fk_prescan *scan);

/* run.c: the context of a batch, and the orders through it. */
void fk_pipeline__ctx_init(run_ctx *c, const fk_batch_options *opts);
void fk_pipeline__ctx_free(run_ctx *c);
/* Check the last slot of the current chunk, and move on when the chunk is full. */
fk_status fk_pipeline__process_order(run_ctx *c, fk_error *err);
/* Open what writing needs: the output directory (claimed for the database, recovered from
 * an interrupted run) and the renderers. The store is already open. */
fk_status fk_pipeline__open_writer(run_ctx *c, const char *out_dir, fk_error *err);
/* No file of the output directory is pending any more (in a transaction of its own). */
fk_status fk_pipeline__clear_pending(run_ctx *c, fk_error *err);
fk_status fk_pipeline__open_inputs(const fk_batch_options *opts, const char *const *inputs,
                                   size_t n, fk_ingest ***out, uint64_t *total, fk_error *err);
void fk_pipeline__close_inputs(fk_ingest **ins, size_t n);
/* Which row (and batch) an ingested order goes to: row 0 for a new one. false: the order
 * is not part of this pass (a retry takes only the batch's failed and held orders). */
typedef bool (*fk_pick_fn)(run_ctx *c, const fk_order *o, int64_t *row, int64_t *batch,
                           void *payload);
/* Every order of the inputs through process_order, with progress; asked to stop, it stops
 * before the next order (c->interrupted). An input error here means the input changed
 * since the first pass: see fk_pipeline__changed_input. */
fk_status fk_pipeline__ingest_all(run_ctx *c, fk_ingest **ins, size_t n, uint64_t total,
                                  fk_pick_fn pick, void *payload, fk_error *err);
/* An input error after the first pass: the file changed while the batch ran; err says so
 * and that the batch is incomplete (FK_EINCOMPLETE). */
fk_status fk_pipeline__changed_input(run_ctx *c, fk_error *err);
/* The batch stopped when asked to (FK_EINCOMPLETE), naming how to finish it. */
fk_status fk_pipeline__stopped(run_ctx *c, uint64_t recorded, const char *const *inputs,
                               size_t ninputs, fk_error *err);
void fk_pipeline__progress(run_ctx *c, uint64_t bytes, uint64_t total, bool last);
/* The batch's end: a disk that refused PDFs makes the whole call an environment failure. */
fk_status fk_pipeline__write_failure(const run_ctx *c, fk_error *err);
void fk_pipeline__add_recorded(const char *currency, __int128 sum, void *payload);
void fk_pipeline__first_target(const fk_report_options *ro, fk_summary *out);
/* Is o held only for the holding period (a hold that ends by itself)? fk_summary's
 * held_waiting counts these. */
bool fk_pipeline__waits(const fk_outcome_rec *o);
/* `in` with each target without a path given the batch's own file,
 * "<out_dir>/report-<batch_id>.<ext>", so no batch's report replaces another's. The copy
 * in *out is malloc'd: free it with fk_pipeline__free_targets. FK_EUSAGE when a target has
 * no path and there is no batch file (a dry run, fk_batch_report). */
fk_status fk_pipeline__batch_targets(const fk_report_options *in, const char *out_dir,
                                     int64_t batch_id, fk_report_options *out, fk_error *err);
void fk_pipeline__free_targets(fk_report_options *ro);
/* The batch `batch_id`, or FK_EUSAGE when there is none. */
fk_status fk_pipeline__get_batch(fk_store *s, const char *db_path, int64_t batch_id,
                                 fk_batch_info *bi, fk_error *err);
/* Open an existing database to read; FK_EUSAGE when there is none at db_path. */
fk_status fk_pipeline__open_reader(fk_store **s, const char *db_path, fk_error *err);
#endif
