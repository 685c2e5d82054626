/* SPDX-License-Identifier: MIT */
/* ingest.h -- read orders from an input file, one at a time (streaming).
 *
 * Memory holds one order (plus the current input chunk), whatever the file's size. Trouble
 * with one row becomes a finding on that row's order (file, line, field) and the file goes
 * on; only an unreadable file or a header without the required columns stops it (FK_EINPUT).
 */
#ifndef FK_INGEST_H
#define FK_INGEST_H
#include "faktura/batch.h"
#include "core/order.h"
#include "core/mapping.h"

typedef struct fk_ingest fk_ingest;

typedef struct fk_ingest_options {
    fk_input_format format; /* AUTO: from the extension (".csv", ".xml"); stdin: CSV */
    char delimiter;         /* 0: detect from the header line (',' or ';') */
    char decimal_sep;       /* 0: ',' when the delimiter is ';', else '.' */
    /* The config's [input]/[columns]/[values.*] (docs/input.md, "Profiles and mappings"):
     * CSV headers through a mapping, the file's encoding. NULL: the faktura columns. */
    const fk_input_cfg *input;
} fk_ingest_options;

fk_status fk_ingest_open(fk_ingest **out, const char *path, const fk_ingest_options *opts,
                         fk_error *err);
/* Fill `o` (cleared first) with the next order. *got is false at the end of the file. */
fk_status fk_ingest_next(fk_ingest *in, fk_order *o, bool *got, fk_error *err);
/* Bytes read so far and the file's size (0 if unknown, e.g. a pipe). */
void fk_ingest_progress(const fk_ingest *in, uint64_t *bytes, uint64_t *total);
void fk_ingest_close(fk_ingest *in);

/* A small CSV table (payments): fn gets each data row's values of `columns`, in that
 * order ("" for a column the file lacks), or NULL values for a malformed row. A non-zero
 * return stops the reading. */
typedef int (*fk_table_fn)(unsigned long line, const char *const *values, void *payload);
fk_status fk_ingest_table(const char *path, const char *const *columns, size_t ncol,
                          fk_table_fn fn, void *payload, fk_error *err);
#endif
