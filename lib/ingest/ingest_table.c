/* SPDX-License-Identifier: MIT */
/* ingest_table.c -- small CSV tables other than orders (payments), read with libcsv.
 *
 * The header names the columns (case-insensitive, spaces ignored); each data row is handed
 * over as the values of the columns the caller asked for, in that order, with the physical
 * line it starts on. Lines are fed to libcsv one at a time so that line numbers are exact,
 * as in ingest_csv.c. A malformed row is passed with values NULL, so the caller can report it.
 *
 * Memory is bounded while reading: the file is read through one buffer, and a row longer
 * than MAX_ROW_BYTES stops it (a payments row is a few dozen bytes; /dev/zero or a file
 * without a line end would otherwise grow a line, or libcsv's field, without end).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest.h"

#define READ_CHUNK (64 * 1024)
#define MAX_ROW_BYTES (64 * 1024)

typedef struct table {
    const char *const *columns;
    size_t ncol;
    int *map;          /* header index -> requested column, or -1 */
    size_t nhdr;
    char **fields;
    size_t nfields, cap;
    unsigned long line, rec_line;
    size_t row_bytes;  /* bytes fed since the last row ended */
    bool header_done;
    fk_table_fn fn;
    void *payload;
    int stop;
} table;

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (t->nfields == 0)
        t->rec_line = t->line;
    if (t->nfields == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->fields = fk_xrealloc(t->fields, t->cap * sizeof(*t->fields));
    }
    t->fields[t->nfields++] = fk_xstrndup(s ? s : "", s ? len : 0);
}

static void on_row(int c, void *data)
{
    table *t = data;
    (void)c;
    if (!t->header_done) {
        t->nhdr = t->nfields;
        t->map = fk_xcalloc(t->nhdr ? t->nhdr : 1, sizeof(*t->map));
        for (size_t i = 0; i < t->nhdr; i++) {
            char *h = fk_trim(t->fields[i]);
            if (i == 0 && !strncmp(h, "\xEF\xBB\xBF", 3))
                memmove(h, h + 3, strlen(h + 3) + 1);
            fk_ascii_lower(h);
            t->map[i] = -1;
            for (size_t k = 0; k < t->ncol; k++)
                if (!strcmp(h, t->columns[k]))
                    t->map[i] = (int)k;
        }
        t->header_done = true;
    } else if (!t->stop) {
        const char **vals = fk_xcalloc(t->ncol, sizeof(*vals));
        bool ok = t->nfields == t->nhdr;
        for (size_t k = 0; k < t->ncol; k++)
            vals[k] = "";
        for (size_t i = 0; ok && i < t->nfields; i++)
            if (t->map[i] >= 0)
                vals[t->map[i]] = fk_trim(t->fields[i]);
        t->stop = t->fn(t->rec_line ? t->rec_line : t->line, ok ? vals : NULL, t->payload);
        free(vals);
    }
    for (size_t i = 0; i < t->nfields; i++)
        free(t->fields[i]);
    t->nfields = 0;
    t->rec_line = 0;
    t->row_bytes = 0;
}

fk_status fk_ingest_table(const char *path, const char *const *columns, size_t ncol,
                          fk_table_fn fn, void *payload, fk_error *err)
{
    table t = {.columns = columns, .ncol = ncol, .line = 1, .fn = fn, .payload = payload};
    struct csv_parser p;
    char *buf;
    size_t len = 0, pos = 0;
    bool eof = false;
    fk_status st = FK_OK;
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");

    if (!fp)
        return fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot open the file: %s",
                            strerror(errno));
    buf = fk_xmalloc(READ_CHUNK);
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    while (!t.stop) {
        /* the next line, or as much of it as the buffer holds */
        char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl && !eof && len - pos < READ_CHUNK) {
            memmove(buf, buf + pos, len - pos);
            len -= pos;
            pos = 0;
            size_t got = fread(buf + len, 1, READ_CHUNK - len, fp);
            if (got == 0) {
                if (ferror(fp)) {
                    st = fk_error_set(err, FK_EINPUT, path, t.line, NULL,
                                      "cannot read the file: %s", strerror(errno));
                    break;
                }
                eof = true;
            }
            len += got;
            continue;
        }
        size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        if (n == 0)
            break; /* the end of the file */
        t.row_bytes += n;
        if (t.row_bytes > MAX_ROW_BYTES) {
            st = fk_error_set(err, FK_EINPUT, path, t.rec_line ? t.rec_line : t.line, NULL,
                              "the %s is longer than %d bytes", t.header_done ? "row" :
                              "header row", MAX_ROW_BYTES);
            break;
        }
        if (n != csv_parse(&p, buf + pos, n, on_field, on_row, &t)) {
            st = fk_error_set(err, FK_EINPUT, path, t.rec_line ? t.rec_line : t.line, NULL,
                              "malformed CSV (a stray or unclosed quote)");
            break;
        }
        pos += n;
        if (nl)
            t.line++;
    }
    if (st == FK_OK && !t.stop && csv_fini(&p, on_field, on_row, &t) != 0)
        st = fk_error_set(err, FK_EINPUT, path, t.rec_line, NULL,
                          "a quoted field is not closed before the end of the file");
    if (st == FK_OK && !t.header_done)
        st = fk_error_set(err, FK_EINPUT, path, 1, NULL,
                          "the file is empty: a header row is required");
    for (size_t i = 0; i < t.nfields; i++)
        free(t.fields[i]);
    free(t.fields);
    free(t.map);
    free(buf);
    csv_free(&p);
    if (fp != stdin)
        fclose(fp);
    return st;
}
