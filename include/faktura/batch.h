/* SPDX-License-Identifier: MIT */
/* faktura/batch.h -- configuration, running a batch, writing reports.
 *
 * This is the whole API the command-line program uses. A batch ingests its inputs one
 * order at a time, validates and checks each, numbers, renders and records the orders
 * that pass, and writes a report of the ones that do not.
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
                                  * a device, FIFO or symlink target written through */
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
#define FK_BATCH_OPTIONS_INIT {FK_BATCH_OPTIONS_VERSION, "faktura.db", "out", NULL, 0, false, \
                               FK_INPUT_AUTO, {NULL, 0, false, 0}, NULL, NULL, NULL, NULL, 0, \
                               false, NULL, NULL, NULL, NULL, NULL, 0}

typedef struct fk_summary {
    int64_t batch_id;                  /* 0 for a dry run */
    uint64_t orders;                   /* ingested */
    uint64_t count[FK_OUTCOME_COUNT];  /* per outcome; they add up to `orders` */
    bool reconciled;                   /* counts and sums per currency add up */
    char report_path[1024];            /* where the (first) report was written ("" if none) */
    uint64_t expect_mismatches;        /* with expect_path: outcomes that differ */
} fk_summary;

/**
 * Run a batch (or, with opts->dry_run, validate it) over `inputs` ("-" is stdin).
 * Returns FK_OK when every order got an outcome and the report was written, whatever the
 * outcomes; the caller reads them from `out`. Returns FK_EINPUT when an input file cannot be
 * read or lacks required columns (nothing of that batch is committed), FK_EENV for database
 * or disk failures (orders committed before stay committed), FK_EUSAGE for bad options.
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
 * Process the failed and held orders of batch `batch_id` again, through every check. With
 * no inputs, from the data stored in the database; with inputs (corrected files), only the
 * orders of the batch that are failed or held and whose ids appear in them are taken from
 * the files. Invoiced orders are never touched. opts->out_dir NULL: the batch's own output
 * directory; no report target: "<out_dir>/report.json". The report and `out` describe the
 * whole batch afterwards.
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

/* One batch as `faktura status` lists it. */
typedef struct fk_batch_row {
    int64_t id;
    const char *kind;                  /* "run" */
    const char *as_of;                 /* "2026-11-20T00:00:00Z" */
    const char *state;                 /* "running", "done", "aborted" */
    uint64_t orders;
    uint64_t count[FK_OUTCOME_COUNT];  /* per outcome */
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
 * Write the report of an earlier batch again from the database, once per target of `ro`.
 * FK_EUSAGE if there is no such batch.
 */
FK_EXTERN fk_status fk_batch_report(const char *db_path, int64_t batch_id,
                                    const fk_report_options *ro, fk_summary *out, fk_error *err);

#ifdef __cplusplus
}
#endif
#endif
