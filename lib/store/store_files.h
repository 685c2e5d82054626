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
/* Make the temporary files of `names` durable and rename each into place (never over an
 * existing file), then fsync the directory: one flush for all of them. On failure, the
 * temporary files of `names` and those already renamed into place are removed. Call
 * before committing their invoices. */
fk_status fk_outdir_publish(fk_outdir *o, const char *const *names, size_t n, fk_error *err);
/* `verify --repair`: make the temporary file of `name` durable and rename it into place,
 * over the file there (a damaged copy of the invoice's own PDF, which the caller has
 * checked the new bytes against), then fsync the directory. On failure the temporary file
 * is removed; what was there stays. */
fk_status fk_outdir_restore(fk_outdir *o, const char *name, fk_error *err);

/* Decide whether `stem` (a "*.pdf" file name without ".pdf") is an orphan to remove, or a
 * PDF foreign to the database. */
typedef fk_status (*fk_orphan_fn)(const char *stem, bool *orphan, void *payload, fk_error *err);
/* The directory belongs to the database db_id (db_path for the messages): its marker file
 * says so, or there is none and it is written now, unless the directory holds a PDF that
 * `foreign` calls foreign. A directory marked by another database: FK_EENV. */
fk_status fk_outdir_claim(fk_outdir *o, const char *db_id, const char *db_path,
                          fk_orphan_fn foreign, void *payload, fk_error *err);
/* Startup recovery: of the PDFs `names` that a run recorded as pending, remove the
 * temporary files and the PDFs is_orphan says no invoice records. Nothing else. */
fk_status fk_outdir_recover(fk_outdir *o, const char *const *names, size_t n,
                            fk_orphan_fn is_orphan, void *payload, fk_log_fn log,
                            void *log_payload, fk_error *err);
/* The directory as given, and absolute with symbolic links resolved (what is recorded). */
const char *fk_outdir_path(const fk_outdir *o);
const char *fk_outdir_real(const fk_outdir *o);
void fk_outdir_close(fk_outdir *o);
#endif
