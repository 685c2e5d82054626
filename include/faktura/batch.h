/* SPDX-License-Identifier: MIT */
/* faktura/batch.h -- configuration, running a batch, writing reports.
 *
 * This is the whole API the command-line program uses. A batch ingests its inputs one
 * order at a time, validates and checks each, numbers, renders and records the orders
 * that pass, and writes a report of the ones that do not.
 *
 * Threads. fk_batch_run and fk_batch_retry start render threads (opts->jobs; 0: one per
 * online core, at most 64) and join them before they return. No other call starts a
 * thread, and no thread outlives the call that started it. Every callback (log, warn,
 * progress, expect_diff, problem, the status rows) is called on the caller's thread, during
 * the call. Calls from several threads at once are not tested: make them from one thread
 * at a time. Two processes may share a database: a run or retry holds its lock
 * (DB.lock) and a second one fails with FK_EENV at once; the calls that only read do not
 * wait for it. Process-wide, once: a call that renders tunes glibc's malloc (trim and mmap
 * thresholds: libharu frees every document) and the library's HPDF_MemSet and
 * HPDF_MemCpy take the place of libharu's byte loops (same contract).
 *
 * Strings. Strings given to a callback (a message, a row's fields) live until the callback
 * returns: copy what you keep. Strings returned by fk_version, fk_status_name,
 * fk_outcome_name, fk_code_name, fk_code_hint and fk_report_format_name are static: they
 * live as long as the program and are never freed. Strings and arrays the caller passes
 * in are read during the call only and not kept, except the fk_config, which must outlive
 * every call given it. fk_error and the summaries are caller-owned and hold their text in
 * their own arrays.
 */
#ifndef FAKTURA_BATCH_H
#define FAKTURA_BATCH_H

#include "common.h"
#include "codes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- configuration (INI file, see samples/faktura.ini) ---- */

typedef struct fk_config fk_config; /* opaque */

/* Called for each non-fatal remark (an unknown config key, a removed stale file, ...). */
typedef void (*fk_log_fn)(const char *msg, void *payload);

/**
 * Load the config file at `path`. Missing seller details, a seller country, VAT number,
 * IBAN or BIC that fails the customers' checks, a malformed value, a key given twice or a
 * number format whose series could collide fail with FK_EUSAGE, naming the file, line and
 * key. Unknown keys are passed to `warn` (may be NULL).
 * A NULL path gives the built-in defaults without a seller: enough for a dry run only.
 * @param[out] out  the config; free it with fk_config_free()
 */
FK_EXTERN fk_status fk_config_load(fk_config **out, const char *path, fk_log_fn warn,
                                   void *payload, fk_error *err);
FK_EXTERN void fk_config_free(fk_config *cfg); /* NULL is a no-op */

/**
 * Override an [input] setting of a loaded config, as the command line does (docs/input.md,
 * "Profiles and mappings"): key "profile" (--profile: a built-in profile's name or a
 * profile file, relative to the working directory) or "encoding" (--input-encoding: the
 * input files' character set, e.g. "windows-1252"). FK_EUSAGE naming the problem for an
 * unknown profile, a profile that does not parse, or an encoding faktura does not read.
 */
FK_EXTERN fk_status fk_config_set_input(fk_config *cfg, const char *key, const char *value,
                                        fk_error *err);

/* ---- time ---- */

/**
 * Parse "YYYY-MM-DD" or "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]" into seconds since the epoch,
 * UTC. A UTC offset may follow the time ("Z", "+01:00", "+0100", " +0100"); without one the
 * time is UTC. Rejects impossible dates (2026-02-30). Returns false if invalid.
 */
FK_EXTERN bool fk_time_parse(const char *s, int64_t *out);

/* ---- batches ---- */

typedef enum fk_input_format { FK_INPUT_AUTO = 0, FK_INPUT_CSV = 1, FK_INPUT_XML = 2 } fk_input_format;

/* Report formats (docs/report.md). Values are stable. */
typedef enum fk_report_format {
    FK_REPORT_JSON = 0,  /* the v1 contract */
    FK_REPORT_CSV = 1,   /* one row per finding, safe to open in a spreadsheet */
    FK_REPORT_HTML = 2,  /* one self-contained page for the accountant */
    FK_REPORT_JUNIT = 3  /* JUnit XML for CI systems */
} fk_report_format;

/* "json", "csv", "html", "junit"; NULL if unknown. */
FK_EXTERN const char *fk_report_format_name(fk_report_format f);
/* The format named `name` ("json", "csv", "html", "junit"/"xml"); false if none. */
FK_EXTERN bool fk_report_format_parse(const char *name, fk_report_format *out);

typedef struct fk_report_target {
    const char *path;            /* "-" for stdout; a regular file is replaced atomically,
                                  * a device, FIFO or symlink target written through.
                                  * NULL (fk_batch_run without dry_run, fk_batch_retry):
                                  * the batch's own file, "<out_dir>/report-<batch
                                  * id>.<ext>" (json, csv, html, xml), so no batch's
                                  * report replaces another's */
    fk_report_format format;
} fk_report_target;

typedef struct fk_report_options {
    const fk_report_target *targets; /* the same report, once per target */
    size_t ntargets;                 /* 0: no report */
    bool csv_bom;                    /* CSV: start with a UTF-8 byte order mark (for Excel) */
    char csv_delimiter;              /* CSV: ',' (default when 0) or ';' (then amounts 12,50) */
} fk_report_options;

/* Progress: orders finished so far, input bytes read of bytes_total (0 if unknown). */
typedef void (*fk_progress_fn)(uint64_t orders, uint64_t bytes, uint64_t bytes_total, void *payload);

typedef struct fk_batch_options {
    int version;                    /* FK_BATCH_OPTIONS_VERSION */
    const char *db_path;            /* SQLite state file */
    const char *out_dir;            /* PDFs go here; created if missing */
    const fk_config *config;        /* borrowed; must outlive the call */
    int64_t as_of;                  /* the batch's "now": seconds since the epoch, UTC */
    bool dry_run;                   /* validate only: no PDF, no number, no database change */
    fk_input_format input_format;   /* AUTO: from each input's extension */
    fk_report_options report;
    fk_log_fn log;                  /* verbose remarks; may be NULL */
    void *log_payload;
    fk_progress_fn progress;        /* may be NULL */
    void *progress_payload;
    char csv_delimiter;             /* input: ',' or ';'; 0: detect from each CSV's header line */
    bool decimal_comma;             /* input amounts use ',' (default: only when ';' delimits) */
    fk_log_fn warn;                 /* things a person must look at (missing PDFs); may be NULL */
    void *warn_payload;
    /* Expectations (order_id, status, codes) to compare every order's outcome with; each
     * difference goes to expect_diff. NULL: none. */
    const char *expect_path;
    fk_log_fn expect_diff;
    void *expect_payload;
    int jobs;                       /* render threads; 0: one per core */
} fk_batch_options;

#define FK_BATCH_OPTIONS_VERSION 1

/* The defaults: `fk_batch_options opts = FK_BATCH_OPTIONS_INIT;`, then set what differs.
 * Every field not named here is 0, false or NULL, which is its default. In C by designated
 * initialisers (C99), so a field added later cannot shift the others. C++ has them only
 * from C++20, and only in declaration order; there the macro calls an inline function
 * instead, which works in every C++ standard. */
#ifndef __cplusplus
#define FK_BATCH_OPTIONS_INIT \
    {.version = FK_BATCH_OPTIONS_VERSION, .db_path = "faktura.db", .out_dir = "out"}
#else
static inline fk_batch_options fk_batch_options_init_(void)
{
    fk_batch_options o = {};
    o.version = FK_BATCH_OPTIONS_VERSION;
    o.db_path = "faktura.db";
    o.out_dir = "out";
    return o;
}
#define FK_BATCH_OPTIONS_INIT fk_batch_options_init_()
#endif

typedef struct fk_summary {
    int64_t batch_id;                  /* 0 for a dry run */
    uint64_t orders;                   /* ingested */
    uint64_t count[FK_OUTCOME_COUNT];  /* per outcome; they add up to `orders` */
    bool reconciled;                   /* counts and sums per currency add up */
    char report_path[1024];            /* where the (first) report was written ("" if none) */
    uint64_t expect_mismatches;        /* with expect_path: outcomes that differ */
    /* Of count[FK_HELD]: the orders held only for the holding period (HOLDING_PERIOD and
     * no other finding). Their hold ends by itself: the next run invoices them, no one needs
     * to act, so the CLI does not count them for exit code 1. */
    uint64_t held_waiting;
} fk_summary;

/**
 * Run a batch (or, with opts->dry_run, validate it) over `inputs` ("-" is stdin).
 * Returns FK_OK when every order got an outcome and the report was written, whatever the
 * outcomes; the caller reads them from `out`. Returns FK_EINPUT when an input file cannot be
 * read, is malformed anywhere (every input is read through once before anything is
 * recorded; standard input is first copied to a temporary file) or lacks required columns:
 * nothing of that batch is committed. FK_EENV for database or disk failures (orders
 * committed before stay committed; a batch stopped before its end is incomplete),
 * FK_EINCOMPLETE when interrupted (fk_batch_interrupt) or when an input changed while it
 * was read, FK_EUSAGE for bad options.
 */
FK_EXTERN fk_status fk_batch_run(const fk_batch_options *opts, const char *const *inputs,
                                 size_t ninputs, fk_summary *out, fk_error *err);

/**
 * For setting up a mapping: read the first `orders` orders of each input as `validate`
 * would, and pass to `out`, one line at a time, each faktura field with the source column
 * (or expression) and the value it came from, the value map applied, then the order's
 * amounts or findings. Reads no database and writes nothing. FK_EINPUT as fk_batch_run.
 */
FK_EXTERN fk_status fk_show_mapping(const fk_batch_options *opts, const char *const *inputs,
                                    size_t ninputs, size_t orders, fk_log_fn out,
                                    void *payload, fk_error *err);

/**
 * Ask the batch running in this process (fk_batch_run, fk_batch_retry) to stop, for
 * SIGINT and SIGTERM: async-signal-safe, a signal handler may call it. The batch stops
 * reading its inputs, finishes the chunks it has checked (so what is recorded is the first
 * orders of the inputs, every one with its outcome and PDF), marks itself 'interrupted'
 * and returns FK_EINCOMPLETE; `fk_batch_retry` with the same inputs finishes it. Sticky:
 * every later batch of the process stops at once.
 */
FK_EXTERN void fk_batch_interrupt(void);

/**
 * Process the failed and held orders of batch `batch_id` again, through every check. With
 * no inputs, from the data stored in the database; with inputs (corrected files), only the
 * orders of the batch that are failed or held and whose ids appear in them are taken from
 * the files. Invoiced orders are never touched. opts->out_dir NULL: the batch's own output
 * directory; no report target: "<out_dir>/report-<batch_id>.json". The report and `out`
 * describe the whole batch afterwards.
 * An incomplete batch (interrupted, or stopped by an error before every order of its
 * inputs was read) is finished instead: `inputs` must be its inputs again (the same
 * number, in the same order), its recorded orders must be their first orders, and the
 * orders after them are processed as the run would have processed them; without inputs,
 * FK_EINCOMPLETE says what to give.
 */
FK_EXTERN fk_status fk_batch_retry(const fk_batch_options *opts, int64_t batch_id,
                                   const char *const *inputs, size_t ninputs, fk_summary *out,
                                   fk_error *err);

/**
 * Check every recorded invoice (of batch `batch_id`, or all when 0): its PDF exists, has the
 * recorded size and SHA-256; and every number series is gapless and without repeats. Each
 * problem is passed to `problem` (may be NULL). FK_OK when the check ran; *problems says
 * whether all is well.
 */
FK_EXTERN fk_status fk_verify(const char *db_path, int64_t batch_id, fk_log_fn problem,
                              void *payload, uint64_t *checked, uint64_t *problems,
                              fk_error *err);

/* ---- the invoices of record (docs/invoice.md) ---- */

/* An issued invoice as `faktura show` prints it. */
typedef struct fk_shown_invoice {
    bool found;                /* an invoice of this number was issued */
    bool has_content;          /* its document was stored when it was issued */
    char *json;                /* the document (canonical JSON), malloc'd; NULL without */
    char issue_date[16];       /* the recorded issue date and totals: what an invoice */
    char currency[8];          /* issued before documents were stored still has */
    char net[48], vat[48], gross[48];
} fk_shown_invoice;

/**
 * The stored document of invoice `number`. FK_OK with out->found false when there is no
 * such invoice, with out->has_content false when it was issued before faktura stored
 * invoice content. FK_EUSAGE when there is no database.
 */
FK_EXTERN fk_status fk_show(const char *db_path, const char *number, fk_shown_invoice *out,
                            fk_error *err);
FK_EXTERN void fk_shown_invoice_free(fk_shown_invoice *s);
/**
 * The e-invoice of invoice `number` in `format` (ubl, peppol, xrechnung-ubl, xrechnung-cii,
 * cii, facturx: the CII its PDF embeds), written again from its stored document into
 * out->json (the XML, byte for byte what was issued). FK_OK with out->found false when
 * there is no such invoice, out->has_content false when it has no stored document;
 * FK_EUSAGE when `format` is not a format or the invoice was not issued with it.
 */
FK_EXTERN fk_status fk_show_einvoice(const char *db_path, const char *number,
                                     const char *format, fk_shown_invoice *out,
                                     fk_error *err);

typedef enum fk_reprint_result {
    FK_REPRINT_IDENTICAL = 0,  /* rendered, byte-identical to the PDF issued, written */
    FK_REPRINT_UNKNOWN,        /* no invoice of that number */
    FK_REPRINT_NO_CONTENT,     /* issued before documents were stored: nothing to render */
    FK_REPRINT_DIFFERENT       /* the rendering differs from the PDF issued: not written */
} fk_reprint_result;

typedef struct fk_reprint_info {
    fk_reprint_result result;
    char recorded_sha256[65], sha256[65]; /* the issued PDF's and the new rendering's */
    uint64_t recorded_size, size;
    char path[1024];           /* where the PDF was (or would have been) written */
} fk_reprint_info;

/**
 * Render invoice `number` again from its stored document, with the fonts and logo of
 * `config` ([render]), and check it against the SHA-256 recorded at issue. Only a
 * byte-identical PDF is written, to `out_path` ("-": stdout; NULL: the invoice's file name
 * in the current directory), by the report's rules (a regular file replaced atomically).
 */
FK_EXTERN fk_status fk_reprint(const fk_config *config, const char *db_path, const char *number,
                               const char *out_path, fk_reprint_info *info, fk_error *err);

/**
 * `verify` that also repairs: every recorded PDF that is missing or differs is rendered
 * again from its stored document (fonts and logo of `config`) and, when the rendering is
 * byte-identical to what was recorded, written back durably under its name; `repaired`
 * gets a line for each. What cannot be repaired (no stored document, a rendering that
 * differs, a number series with gaps) stays a problem. *problems counts what is left.
 */
FK_EXTERN fk_status fk_verify_repair(const fk_config *config, const char *db_path,
                                     int64_t batch_id, fk_log_fn problem, fk_log_fn repaired,
                                     void *payload, uint64_t *checked, uint64_t *problems,
                                     uint64_t *nrepaired, fk_error *err);

typedef enum fk_journal_format { FK_JOURNAL_CSV = 0, FK_JOURNAL_JSON = 1 } fk_journal_format;

typedef struct fk_journal_options {
    const char *from, *to;     /* issue dates, YYYY-MM-DD, inclusive; NULL: open */
    int64_t as_of;             /* "now" for overdue: its UTC date */
    fk_journal_format format;
    const char *path;          /* "-": stdout; a file is replaced atomically */
} fk_journal_options;

typedef struct fk_journal_summary {
    uint64_t invoices;         /* listed */
    uint64_t credit_notes;     /* listed (negative rows, kind credit_note) */
    uint64_t rows;             /* one per invoice or credit note and VAT breakdown */
    uint64_t without_content;  /* issued before documents were stored: one row of totals */
} fk_journal_summary;

/**
 * The sales journal (VAT register): one row per invoice and VAT breakdown, from the stored
 * documents (docs/invoice.md); JSON also carries the sums per currency, and per category
 * and rate. FK_EUSAGE when there is no database.
 */
FK_EXTERN fk_status fk_journal(const char *db_path, const fk_journal_options *opts,
                               fk_journal_summary *out, fk_error *err);

/* ---- credit notes (issue 19; docs/invoice.md) ---- */

/* One line to credit: its position on the invoice (1-based, as printed) and how much of
 * it (a decimal quantity, "2" or "0.5"; NULL or "": all that remains creditable). */
typedef struct fk_credit_line {
    unsigned long line;
    const char *quantity;
} fk_credit_line;

typedef struct fk_credit_request {
    const char *key;            /* --id / credit_id: the same key with the same content
                                 * issues nothing new; NULL or "": none */
    const char *invoice_number;
    const char *reason;         /* required: printed on the credit note */
    const fk_credit_line *lines;
    size_t nlines;              /* 0: the whole invoice (all that remains creditable) */
} fk_credit_request;

typedef struct fk_credit_options {
    const fk_config *config;    /* the credit series, fonts and timezone */
    const char *db_path;
    const char *out_dir;        /* where the PDFs go; created if missing */
    int64_t as_of;              /* the issue date (its date in [invoice] timezone) */
    fk_log_fn log;              /* what recovery did; may be NULL */
    void *log_payload;
} fk_credit_options;

typedef enum fk_credit_result {
    FK_CREDIT_ISSUED = 0,       /* a new credit note was issued */
    FK_CREDIT_EXISTING,         /* the same key and content were issued before: number */
    FK_CREDIT_REFUSED           /* nothing issued, no number consumed: why */
} fk_credit_result;

typedef struct fk_credit_info {
    fk_credit_result result;
    char number[128];           /* the credit note's number (issued or existing) */
    char invoice_number[128];
    char gross[48];             /* the credited gross, negative ("-119.00") */
    char currency[8];
    char why[512];              /* FK_CREDIT_REFUSED: the reason */
} fk_credit_info;

/**
 * Issue a credit note for (lines of) an invoice: its own gapless series ([numbering]
 * credit_format, credit_prefix), the number consumed in the transaction that records the
 * note and its document of record, the PDF written durably before (in the invoice's
 * language). Refused with nothing issued (info->result FK_CREDIT_REFUSED, info->why): an
 * unknown invoice, one issued before documents were stored, a line it does not have, more
 * than remains creditable on a line (across credit notes), a key reused with other
 * content, a structured form its invoice had (UBL CreditNote, CII 381, Factur-X, KSeF
 * KOR: docs/einvoice.md) that cannot be made. Those forms are written beside the PDF
 * (NUMBER.FORMAT.xml) and recorded with it. FK_OK whatever the result; FK_EUSAGE for bad options, FK_EENV for the database
 * or disk.
 */
FK_EXTERN fk_status fk_credit(const fk_credit_options *o, const fk_credit_request *rq,
                              fk_credit_info *info, fk_error *err);

typedef struct fk_credit_summary {
    uint64_t notes, issued, existing, refused;
} fk_credit_summary;
/* Each credit note of a file, as it was decided: `line` is the first row of its rows. */
typedef void (*fk_credit_fn)(const fk_credit_info *info, const char *file, unsigned long line,
                             void *payload);

/**
 * Many credit notes from a CSV file with the columns credit_id, invoice_number, reason and
 * optionally line and quantity: rows sharing a credit_id form one credit note (rows
 * without a line: the whole invoice). Each note is issued (or refused) by fk_credit(),
 * in the order of its first row, and passed to `each`. FK_OK when the file was read (see
 * *out); FK_EINPUT for an unreadable file.
 */
FK_EXTERN fk_status fk_credit_import(const fk_credit_options *o, const char *csv_path,
                                     fk_credit_fn each, void *payload, fk_credit_summary *out,
                                     fk_error *err);

/* ---- the accountant's loop ---- */

typedef struct fk_payments_summary {
    uint64_t rows, recorded, duplicates, rejected;
} fk_payments_summary;

/**
 * Record payments from a CSV file with the columns invoice_number, amount (decimal, dot),
 * paid_on (YYYY-MM-DD) and optionally payment_id and currency. Partial payments add up; an
 * invoice is open until fully paid. Unknown invoice numbers, currency mismatches,
 * overpayments and malformed rows are passed to `problem` (file:line: reason) and not
 * applied. A row recorded before (same payment_id, else the same whole row) records
 * nothing. FK_OK when the file was read (see *out); FK_EINPUT for an unreadable file.
 */
FK_EXTERN fk_status fk_payments_import(const char *db_path, const char *csv_path,
                                       fk_log_fn problem, void *payload,
                                       fk_payments_summary *out, fk_error *err);

/**
 * Release held orders of batch `batch_id` (duplicate suspicion, minimum or maximum amount,
 * credit or rate limit, overdue balance) so that the next `retry` invoices them. Who, why
 * and when are recorded. An order that is not held for such a reason is passed to
 * `problem`; *approved counts the orders released.
 */
FK_EXTERN fk_status fk_approve(const char *db_path, int64_t batch_id,
                               const char *const *order_ids, size_t n, const char *reason,
                               const char *who, int64_t now, fk_log_fn problem, void *payload,
                               uint64_t *approved, fk_error *err);

/**
 * Cancel failed or held orders of batch `batch_id` that must never be invoiced: each gets
 * the outcome `cancelled` with who, why and when (a finding ORDER_CANCELLED says so in
 * every report), and `retry` no longer takes it. An order that is invoiced, unknown in
 * the batch, or otherwise settled is passed to `problem` and left alone; one cancelled
 * before counts as cancelled. All in one transaction. *cancelled counts the orders that
 * are cancelled now.
 */
FK_EXTERN fk_status fk_cancel(const char *db_path, int64_t batch_id,
                              const char *const *order_ids, size_t n, const char *reason,
                              const char *who, int64_t now, fk_log_fn problem, void *payload,
                              uint64_t *cancelled, fk_error *err);

/* One batch as `faktura status` lists it. */
typedef struct fk_batch_row {
    int64_t id;
    const char *kind;                  /* "run" */
    const char *as_of;                 /* "2026-11-20T00:00:00Z" */
    const char *state;                 /* "running", "done", "aborted", "interrupted" */
    uint64_t orders;
    uint64_t count[FK_OUTCOME_COUNT];  /* per outcome (cancelled and credited included) */
} fk_batch_row;

/* One finding of a held order, with the approvals recorded for the order. */
typedef struct fk_hold_row {
    int64_t batch_id;
    const char *order_id;
    const char *code;                  /* the finding's code name ("CREDIT_LIMIT_EXCEEDED") */
    const char *message;
    const char *approvals;             /* "CODES by WHO; ...", or NULL when none */
} fk_hold_row;

typedef void (*fk_batch_row_fn)(const fk_batch_row *row, void *payload);
typedef void (*fk_hold_row_fn)(const fk_hold_row *row, void *payload);

/**
 * The batches (one, or all when batch_id is 0) with their counts per status, each to
 * `batches`, in id order; then every finding of every held order (of that batch, or all),
 * each to `holds`, in input order. Either callback may be NULL. A row and its strings live
 * until the callback returns. FK_EUSAGE when there is no database at db_path.
 */
FK_EXTERN fk_status fk_status_list(const char *db_path, int64_t batch_id,
                                   fk_batch_row_fn batches, fk_hold_row_fn holds,
                                   void *payload, fk_error *err);

/**
 * Write the report of an earlier batch again from the database, once per target of `ro`
 * (each with a path: this call has no default file). FK_EUSAGE if there is no such batch;
 * FK_EINCOMPLETE (after writing the report of what was recorded, `out` filled) if the batch
 * is incomplete: interrupted, stopped by an error, or still running in another process.
 */
FK_EXTERN fk_status fk_batch_report(const char *db_path, int64_t batch_id,
                                    const fk_report_options *ro, fk_summary *out, fk_error *err);

#ifdef __cplusplus
}
#endif
#endif
