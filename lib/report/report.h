/* SPDX-License-Identifier: MIT */
/* report.h -- the reconciliation report, built from order outcomes, written in any format.
 *
 * Fed one outcome at a time, from a live batch or read back from the database, so `run`,
 * `validate`, `retry` and `report --batch` share one writer. Entries for non-invoiced
 * orders are spooled to a temporary file (one JSON object a line) as they come, so memory
 * does not grow with the batch; each format is written from the spool.
 */
#ifndef FK_REPORT_H
#define FK_REPORT_H
#include "faktura/batch.h"
#include "core/buf.h"
#include "core/order.h"

typedef struct fk_report fk_report;

fk_status fk_report_new(fk_report **out, fk_error *err);
/* Describe the batch. id 0: a dry run (no batch in the database). inputs: the paths of
 * its input files (copied). */
void fk_report_set_batch(fk_report *r, int64_t id, const char *kind, const char *as_of,
                         const char *const *inputs, size_t ninputs);
fk_status fk_report_add(fk_report *r, const fk_outcome_rec *o, fk_error *err);
/* The sum of invoices recorded in the database for this batch, per currency: checked
 * against the invoiced sums of the outcomes (reconciliation). */
void fk_report_add_recorded(fk_report *r, const char *currency, __int128 sum);
/* Write every target of `ro` (files atomically: temp, fsync, rename). */
fk_status fk_report_write(fk_report *r, const fk_report_options *ro, fk_error *err);

/* Any other output by the same rules as a report target (`-` is stdout; a regular file is
 * replaced atomically: temporary file, fsync, rename; a device, a FIFO or what a symbolic
 * link points to is written through, never replaced): `faktura invoices` (the journal)
 * and `faktura reprint` write through it. fn writes the bytes with fk_report_out_write;
 * `what` names the output in messages ("the journal"). */
typedef struct fk_report_out fk_report_out;
typedef fk_status (*fk_report_emit_fn)(fk_report_out *o, void *payload);
fk_status fk_report_write_path(const char *path, const char *what, fk_report_emit_fn fn,
                               void *payload, fk_error *err);
/* Write n bytes; a failure sets the error (the target's path and the cause). */
fk_status fk_report_out_write(fk_report_out *o, const void *p, size_t n);
void fk_report_summary(const fk_report *r, fk_summary *out);
void fk_report_free(fk_report *r);

/* The CSV report's cell rule (OWASP CSV injection): a text cell that starts with '=', '+',
 * '-', '@', TAB or CR gets a leading apostrophe. Appends the neutralised text to out. */
void fk_report_csv_safe(const char *s, fk_buf *out);

/* ---- expectations (`validate --expect`): comparing only; ingest reads the file ---- */
typedef struct fk_expect fk_expect;
fk_expect *fk_expect_new(void);
/* One expectation: the order id, its status and its codes (separated by ';', ',', '|' or
 * spaces; compared as a set). Order ids that repeat are matched occurrence by occurrence. */
void fk_expect_add(fk_expect *e, const char *order_id, const char *status, const char *codes);
/* Read the expectations file at path and fill *out (NULL on failure). Defined by the
 * orchestrator (lib/pipeline/expect.c): it reads the file with ingest and hands the rows to
 * fk_expect_add, so report reads no file of its own. */
fk_status fk_expect_load(fk_expect **out, const char *path, fk_error *err);
/* Compare one outcome with the next expectation for its order id; differences go to fn.
 * Values from the input are quoted with fk_quote_value. */
void fk_expect_check(fk_expect *e, const fk_outcome_rec *o, fk_log_fn fn, void *payload);
/* Report expectations no order met; returns the number of mismatches overall. */
uint64_t fk_expect_finish(fk_expect *e, fk_log_fn fn, void *payload);
void fk_expect_free(fk_expect *e);
#endif
