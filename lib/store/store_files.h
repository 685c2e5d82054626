/* SPDX-License-Identifier: MIT */
/* store_files.h -- the output directory: PDFs written durably, chunk by chunk. */
#ifndef FK_STORE_FILES_H
#define FK_STORE_FILES_H
#include <stddef.h>
#include "faktura/batch.h"

typedef struct fk_outdir fk_outdir;

/* The longest file name (its temporary name adds 5 bytes; NAME_MAX is 255). */
#define FK_OUTDIR_NAME_MAX 250

/* Create the directory (and parents) if missing and open it. */
fk_status fk_outdir_open(fk_outdir **out, const char *dir, fk_error *err);
/* Write `name` as the temporary file ".<name>.tmp" (not yet durable, not yet under its
 * final name). Safe to call from several threads at once, for different names. */
fk_status fk_outdir_write(fk_outdir *o, const char *name, const void *data, size_t n,
                          fk_error *err);
/* Remove the temporary file of `name` written by fk_outdir_write (if it is there). */
void fk_outdir_unwrite(fk_outdir *o, const char *name);
/* Make the temporary files of `names` durable and rename each into place, then fsync the
 * directory: one flush for all of them. On failure, the temporary files of `names` are
 * removed. Call before committing their invoices. */
fk_status fk_outdir_publish(fk_outdir *o, const char *const *names, size_t n, fk_error *err);

/* Decide whether `stem` (a "*.pdf" file name without ".pdf", or an e-invoice's
 * "*.FORMAT.xml" without ".FORMAT.xml") is an orphan to remove. */
typedef fk_status (*fk_orphan_fn)(const char *stem, bool *orphan, void *payload, fk_error *err);
/* Startup recovery: remove temporary files and orphan PDFs and e-invoices of interrupted
 * runs. */
fk_status fk_outdir_recover(fk_outdir *o, fk_orphan_fn is_orphan, void *payload, fk_log_fn log,
                            void *log_payload, fk_error *err);
const char *fk_outdir_path(const fk_outdir *o);
void fk_outdir_close(fk_outdir *o);
#endif
