/* SPDX-License-Identifier: MIT */
/* expect.c -- `--expect FILE`: ingest reads the expectations file into plain rows,
 * the report compares them with the outcomes. Like the rest of lib/pipeline, this file
 * only wires the two stages together, so neither includes the other. */
#include "ingest/ingest_expect.h"
#include "report/report.h"

fk_status fk_expect_load(fk_expect **out, const char *path, fk_error *err)
{
    fk_expect_rows rows = FK_EXPECT_ROWS_INIT;
    fk_status st;

    *out = NULL;
    if ((st = fk_ingest_expect_read(path, &rows, err)) != FK_OK)
        return st;
    fk_expect *e = fk_expect_new();
    for (size_t i = 0; i < rows.n; i++)
        fk_expect_add(e, rows.v[i].order_id, rows.v[i].status, rows.v[i].codes);
    fk_expect_rows_free(&rows);
    *out = e;
    return FK_OK;
}
