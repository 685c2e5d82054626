/* SPDX-License-Identifier: MIT */
/* store_files.h -- the output directory: PDFs written durably, chunk by chunk. */
#ifndef FK_STORE_FILES_H
#define FK_STORE_FILES_H
#include <stddef.h>
#include "faktura/batch.h"

typedef struct fk_outdir fk_outdir;

/* Create the directory (and parents) if missing and open it. */
fk_status fk_outdir_open(fk_outdir **out, const char *dir, fk_error *err);
/* Write `name` as a temporary file (not yet durable, not yet under its final name). */
fk_status fk_outdir_stage(fk_outdir *o, const char *name, const void *data, size_t n,
                          fk_error *err);
/* Make every staged file durable and rename it into place; then fsync the directory.
 * On failure, every staged file is removed. Call before committing their invoices. */
fk_status fk_outdir_flush(fk_outdir *o, fk_error *err);
/* Remove the staged temporary files (the chunk is abandoned). */
void fk_outdir_discard(fk_outdir *o);

/* Decide whether `stem` (a "*.pdf" file name without ".pdf") is an orphan to remove. */
typedef fk_status (*fk_orphan_fn)(const char *stem, bool *orphan, void *payload, fk_error *err);
/* Startup recovery: remove temporary files and orphan PDFs of interrupted runs. */
fk_status fk_outdir_recover(fk_outdir *o, fk_orphan_fn is_orphan, void *payload, fk_log_fn log,
                            void *log_payload, fk_error *err);
const char *fk_outdir_path(const fk_outdir *o);
void fk_outdir_close(fk_outdir *o);
#endif
