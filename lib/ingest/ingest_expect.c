/* SPDX-License-Identifier: MIT */
/* ingest_expect.c -- the expectations file of `faktura validate LEDGER --expect FILE`, read
 * with libcsv (strict) into plain rows (ingest_expect.h). A header and one row per order:
 *     order_id,status,codes
 *     SO-1020,failed,TAX_ID_CHECKSUM
 *     SO-1021,failed,TAX_ID_MISSING;COMPANY_NAME_INVALID
 * Only the three cells of a row that are wanted are kept, so a row costs what it holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest_expect.h"

enum { COL_ID, COL_STATUS, COL_CODES, NCOLS };

typedef struct reader {
    fk_expect_rows *out;
    unsigned long row;    /* rows finished so far; row 0 is the header */
    size_t col;           /* the cell's index within the current row */
    size_t at[NCOLS];     /* the column index of each wanted cell */
    char *cell[NCOLS];    /* the current row's wanted cells */
} reader;

static void on_field(void *s, size_t len, void *data)
{
    static const char *const names[NCOLS] = {"order_id", "status", "codes"};
    reader *x = data;

    if (x->row == 0) {
        /* The header names the columns; a name it lacks keeps its default position. */
        char *v = fk_xstrndup(s ? s : "", s ? len : 0), *h = fk_trim(v);
        if (x->col == 0 && !strncmp(h, "\xEF\xBB\xBF", 3))
            memmove(h, h + 3, strlen(h + 3) + 1);
        fk_ascii_lower(h);
        for (int k = 0; k < NCOLS; k++)
            if (!strcmp(h, names[k]))
                x->at[k] = x->col;
        free(v);
    } else {
        for (int k = 0; k < NCOLS; k++)
            if (x->at[k] == x->col && !x->cell[k])
                x->cell[k] = fk_xstrndup(s ? s : "", s ? len : 0);
    }
    x->col++;
}

static void on_row(int c, void *data)
{
    reader *x = data;
    fk_expect_rows *out = x->out;
    (void)c;
    if (x->row++ > 0 && x->col >= 2) {
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = fk_xrealloc(out->v, out->cap * sizeof(*out->v));
        }
        fk_expect_row *e = &out->v[out->n++];
        e->order_id = fk_xstrdup(x->cell[COL_ID] ? fk_trim(x->cell[COL_ID]) : "");
        e->status = fk_xstrdup(x->cell[COL_STATUS] ? fk_trim(x->cell[COL_STATUS]) : "");
        e->codes = fk_xstrdup(x->cell[COL_CODES] ? x->cell[COL_CODES] : "");
    }
    for (int k = 0; k < NCOLS; k++) {
        free(x->cell[k]);
        x->cell[k] = NULL;
    }
    x->col = 0;
}

fk_status fk_ingest_expect_read(const char *path, fk_expect_rows *out, fk_error *err)
{
    reader x = {out, 0, 0, {COL_ID, COL_STATUS, COL_CODES}, {NULL, NULL, NULL}};
    struct csv_parser p;
    char buf[65536];
    size_t got;
    fk_status st = FK_OK;
    FILE *fp;

    memset(out, 0, sizeof(*out));
    if (!(fp = fopen(path, "rb")))
        return fk_error_set(err, FK_EINPUT, path, 0, NULL,
                            "cannot open the expectations file: %s", strerror(errno));
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
        if (csv_parse(&p, buf, got, on_field, on_row, &x) != got) {
            st = fk_error_set(err, FK_EINPUT, path, x.row + 1, NULL,
                              "the expectations file is not valid CSV: %s",
                              csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (st == FK_OK && ferror(fp))
        st = fk_error_set(err, FK_EINPUT, path, x.row + 1, NULL,
                          "cannot read the expectations file: %s", strerror(errno));
    if (st == FK_OK && csv_fini(&p, on_field, on_row, &x) != 0)
        st = fk_error_set(err, FK_EINPUT, path, x.row + 1, NULL,
                          "the expectations file ends inside a quoted field");
    for (int k = 0; k < NCOLS; k++)
        free(x.cell[k]);
    csv_free(&p);
    fclose(fp);
    if (st != FK_OK)
        fk_expect_rows_free(out);
    return st;
}

void fk_expect_rows_free(fk_expect_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        free(rows->v[i].order_id);
        free(rows->v[i].status);
        free(rows->v[i].codes);
    }
    free(rows->v);
    memset(rows, 0, sizeof(*rows));
}
