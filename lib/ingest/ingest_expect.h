/* SPDX-License-Identifier: MIT */
/* ingest_expect.h -- read an expectations file (`validate --expect`) into plain rows.
 *
 * Reading only: the file's CSV is parsed here (libcsv belongs to ingest); comparing the
 * rows with the outcomes is the report's job (fk_expect_add and fk_expect_check in
 * report/report.h), and the orchestrator hands the rows over.
 */
#ifndef FK_INGEST_EXPECT_H
#define FK_INGEST_EXPECT_H
#include <stddef.h>
#include "faktura/common.h"

typedef struct fk_expect_row {
    char *order_id; /* trimmed */
    char *status;   /* trimmed, as written */
    char *codes;    /* the cell as written; "" when the row has no codes column */
} fk_expect_row;

typedef struct fk_expect_rows {
    fk_expect_row *v;
    size_t n, cap;
} fk_expect_rows;
#define FK_EXPECT_ROWS_INIT {NULL, 0, 0}

/* Read "order_id,status,codes": a header row names the columns (case-insensitive, in any
 * order; a column it does not name is taken by position: order id first, then status, then
 * codes); each later row with at least two cells is one expectation, a missing cell is "".
 * FK_EINPUT (naming the file and row) for a file that cannot be read or is not CSV.
 * `out` is filled on success and left empty otherwise; free it with fk_expect_rows_free. */
fk_status fk_ingest_expect_read(const char *path, fk_expect_rows *out, fk_error *err);
void fk_expect_rows_free(fk_expect_rows *rows);
#endif
