/* SPDX-License-Identifier: MIT */
/* ingest_csv.c -- orders from CSV files (libcsv), streamed one order at a time.
 *
 * How line numbers stay exact: libcsv does not count lines, so the file is fed to
 * csv_parse() one physical line at a time (split at '\n'). The line number at the moment a
 * record begins is the record's line, even when a quoted field spans several lines.
 *
 * Why strict mode and a parser reset: without CSV_STRICT one stray quote swallows the rest
 * of the file into a single field; with it, libcsv stops at the error and stays stuck. So
 * on an error the record so far becomes a malformed row (a finding on its order), the
 * parser is re-created and parsing resumes at the next line (RELIABILITY.md, libcsv).
 *
 * Why the header decides everything: the delimiter is detected from the header line only
 * (',' vs ';' outside quotes), and every later row must have the header's field count. A
 * ';' export parsed with ',' would otherwise "succeed" with wrong fields.
 *
 * Grouping: adjacent rows with the same order_id (as written) form one order; the
 * order-level columns come from its first row, and a later row that disagrees is a finding.
 * An order_id that comes back later is a new order (the detect stage calls it
 * DUPLICATE_ORDER_ID).
 *
 * Speed: a million orders are tens of millions of values, so a row's fields are copied into
 * one buffer (not one allocation each), and that buffer is reused from row to row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <csv.h>
#include "core/buf.h"
#include "core/card.h"
#include "core/util.h"
#include "ingest/ingest_impl.h"

#define READ_CHUNK (64 * 1024)
#define MAX_COLUMNS 1024          /* a header with more columns is not an order export */
#define MAX_RECORD_FIELDS 4096    /* a row with more fields is malformed, not stored */
#define LIBCSV_ROW_NOT_BEGUN 0    /* libcsv.c's pstate value between records */

#define RECYCLE_MAX (256 * 1024) /* a record buffer up to this size is kept for the next */

/* One CSV record: its fields' bytes, each NUL-terminated, one after the other in `data`
 * (one allocation for the whole row, and the buffers are recycled row after row). */
typedef struct record {
    char *data;
    size_t data_len, data_cap;
    size_t *offs, *lens;   /* field i is data + offs[i], lens[i] bytes */
    size_t n, cap;
    unsigned long line;
    const char *malformed; /* why the row is broken, or NULL */
    bool too_many;
} record;

struct fk_csv_reader {
    char *path;
    FILE *fp;
    uint64_t bytes, total;
    char delim, decsep;
    bool fixed_delim;

    struct csv_parser p;
    bool parser_live;
    char *buf;
    size_t buf_len, buf_pos;
    bool eof, at_line_start, skip_to_eol, finished;
    unsigned long line;      /* the physical line being fed, 1-based */
    unsigned long rec_start; /* line where the record being parsed began */

    record cur;              /* being filled by the callbacks */
    record spare;            /* an empty record whose buffers the next one reuses */
    fk_ingest__queue queue;  /* complete records */

    bool header_done;
    int *colmap;             /* header index -> fk_column or -1 */
    size_t ncols;

    fk_order pending;
    bool have_pending;
    char *group_id;          /* the pending order's id as written in its first row */
};

static void record_free(record *r)
{
    free(r->data);
    free(r->offs);
    free(r->lens);
    memset(r, 0, sizeof(*r));
}

static char *field(const record *r, size_t i)
{
    return r->data + r->offs[i];
}

/* A record is done with: keep its buffers for the next one (unless huge), or free them. */
static void record_recycle(fk_csv_reader *in, record *r)
{
    if (in->spare.data || r->data_cap > RECYCLE_MAX) {
        record_free(r);
        return;
    }
    in->spare = (record){.data = r->data, .data_cap = r->data_cap, .offs = r->offs,
                         .lens = r->lens, .cap = r->cap};
    memset(r, 0, sizeof(*r));
}

static void on_field(void *s, size_t len, void *data)
{
    fk_csv_reader *in = data;
    record *r = &in->cur;

    if (r->n == 0 && !r->line)
        r->line = in->rec_start ? in->rec_start : in->line;
    if (r->n >= MAX_RECORD_FIELDS) {
        r->too_many = true;
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->offs = fk_xrealloc(r->offs, r->cap * sizeof(*r->offs));
        r->lens = fk_xrealloc(r->lens, r->cap * sizeof(*r->lens));
    }
    if (!s)
        len = 0;
    if (r->data_cap - r->data_len < len + 1) {
        while (r->data_cap - r->data_len < len + 1)
            r->data_cap = r->data_cap ? r->data_cap * 2 : 1024;
        r->data = fk_xrealloc(r->data, r->data_cap);
    }
    memcpy(r->data + r->data_len, s ? s : "", len);
    r->data[r->data_len + len] = '\0';
    r->offs[r->n] = r->data_len;
    r->lens[r->n] = len;
    r->data_len += len + 1;
    r->n++;
}

static void push_record(fk_csv_reader *in)
{
    if (!in->cur.line)
        in->cur.line = in->rec_start ? in->rec_start : in->line;
    *(record *)fk_ingest__queue_push(&in->queue) = in->cur;
    in->cur = in->spare; /* empty, with buffers to reuse (or none) */
    memset(&in->spare, 0, sizeof(in->spare));
    /* A record that ended at a '\r' mid-line is followed by one on the same line. */
    in->rec_start = in->line;
}

static void on_record(int c, void *data)
{
    (void)c;
    push_record(data);
}

static void parser_init(fk_csv_reader *in)
{
    csv_init(&in->p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&in->p, (unsigned char)in->delim);
    /* libcsv grows a field's buffer 128 bytes at a time by default: a 10 MB field meant
     * 80,000 reallocs (minutes under ASan or valgrind). */
    csv_set_blk_size(&in->p, 1 << 16);
    in->parser_live = true;
}

/* Feed one chunk (a line or part of one) to libcsv. */
static void feed(fk_csv_reader *in, const char *s, size_t n)
{
    if (in->at_line_start && in->p.pstate == LIBCSV_ROW_NOT_BEGUN && in->cur.n == 0)
        in->rec_start = in->line;
    size_t used = csv_parse(&in->p, s, n, on_field, on_record, in);
    if (used < n) {
        /* Strict-mode error: this row is broken. Keep what was read as a malformed record
         * (its order gets the finding), restart the parser at the next line. */
        in->cur.malformed = "a quote inside an unquoted field, or text after a closing quote";
        push_record(in);
        csv_free(&in->p);
        parser_init(in);
        in->skip_to_eol = s[n - 1] != '\n';
    }
}

static fk_status read_more(fk_csv_reader *in, fk_error *err)
{
    if (in->buf_pos > 0) {
        memmove(in->buf, in->buf + in->buf_pos, in->buf_len - in->buf_pos);
        in->buf_len -= in->buf_pos;
        in->buf_pos = 0;
    }
    size_t got = fread(in->buf + in->buf_len, 1, READ_CHUNK - in->buf_len, in->fp);
    if (got == 0) {
        if (ferror(in->fp))
            return fk_error_set(err, FK_EINPUT, in->path, in->line, NULL,
                                "cannot read the file: %s", strerror(errno));
        in->eof = true;
    }
    in->buf_len += got;
    in->bytes += got;
    return FK_OK;
}

/* Feed the next physical line (or as much of it as is buffered). */
static fk_status feed_next(fk_csv_reader *in, fk_error *err)
{
    if (in->buf_pos == in->buf_len || !memchr(in->buf + in->buf_pos, '\n',
                                              in->buf_len - in->buf_pos)) {
        if (!in->eof && in->buf_len - in->buf_pos < READ_CHUNK) {
            fk_status st = read_more(in, err);
            if (st != FK_OK)
                return st;
        }
    }
    const char *s = in->buf + in->buf_pos;
    size_t avail = in->buf_len - in->buf_pos;
    if (avail == 0)
        return FK_OK; /* eof */
    const char *nl = memchr(s, '\n', avail);
    size_t n = nl ? (size_t)(nl - s) + 1 : avail;
    if (!nl && !in->eof && avail < READ_CHUNK)
        return FK_OK; /* read_more will be called again: wait for the whole line */
    if (in->skip_to_eol)
        in->skip_to_eol = !nl;
    else
        feed(in, s, n);
    in->buf_pos += n;
    in->at_line_start = nl != NULL;
    if (nl)
        in->line++;
    return FK_OK;
}

static void finish_parse(fk_csv_reader *in)
{
    if (!in->parser_live)
        return;
    if (csv_fini(&in->p, on_field, on_record, in) != 0) {
        /* STRICT_FINI: the file ended inside a quoted field. libcsv does not emit it. */
        in->cur.malformed = "a quoted field is not closed before the end of the file";
        push_record(in);
    } else if (in->cur.n > 0) {
        push_record(in);
    }
    csv_free(&in->p);
    in->parser_live = false;
}

/* Detect ',' or ';' from the header line: the one that occurs more often outside quotes. */
static void detect_delimiter(fk_csv_reader *in)
{
    size_t commas = 0, semis = 0;
    bool quoted = false;
    for (size_t i = in->buf_pos; i < in->buf_len && in->buf[i] != '\n'; i++) {
        char c = in->buf[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && c == ',')
            commas++;
        else if (!quoted && c == ';')
            semis++;
    }
    in->delim = semis > commas ? ';' : ',';
}

static fk_status read_header(fk_csv_reader *in, fk_error *err);

fk_status fk_csv_open(fk_csv_reader **out, const char *path, const fk_ingest_options *opts,
                         fk_error *err)
{
    fk_csv_reader *in;

    *out = NULL;
    in = fk_xcalloc(1, sizeof(*in));
    in->queue.size = sizeof(record);
    in->path = fk_xstrdup(path);
    if (strcmp(path, "-") == 0) {
        in->fp = stdin;
    } else {
        struct stat sb;
        in->fp = fopen(path, "rb");
        if (!in->fp) {
            fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot open the input file: %s",
                         strerror(errno));
            free(in->path);
            free(in);
            return FK_EINPUT;
        }
        if (fstat(fileno(in->fp), &sb) == 0 && S_ISREG(sb.st_mode))
            in->total = (uint64_t)sb.st_size;
        else if (fstat(fileno(in->fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
            fk_error_set(err, FK_EINPUT, path, 0, NULL, "is a directory, not an input file");
            fclose(in->fp);
            free(in->path);
            free(in);
            return FK_EINPUT;
        }
    }
    in->buf = fk_xmalloc(READ_CHUNK);
    in->line = 1;
    in->at_line_start = true;
    in->delim = opts ? opts->delimiter : 0;
    in->fixed_delim = in->delim != 0;
    in->decsep = opts ? opts->decimal_sep : 0;
    fk_order_init(&in->pending);

    fk_status st = read_more(in, err);
    if (st != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    /* A UTF-8 byte order mark is not part of the first column's name. */
    if (in->buf_len >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0)
        in->buf_pos = 3;
    if (!in->delim)
        detect_delimiter(in);
    if (!in->decsep)
        in->decsep = in->delim == ';' ? ',' : '.';
    parser_init(in);
    if ((st = read_header(in, err)) != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    *out = in;
    return FK_OK;
}

static fk_status take_header(fk_csv_reader *in, record *r, fk_error *err)
{
    bool seen[FK_COL_COUNT] = {false};
    fk_buf missing = FK_BUF_INIT;

    if (r->malformed || r->too_many || r->n > MAX_COLUMNS)
        return fk_error_set(err, FK_EINPUT, in->path, r->line, NULL,
                            "the header row is malformed (%s)",
                            r->malformed ? r->malformed : "too many columns");
    in->colmap = fk_xcalloc(r->n, sizeof(*in->colmap));
    in->ncols = r->n;
    for (size_t i = 0; i < r->n; i++) {
        char *name = fk_trim(field(r, i));
        fk_ascii_lower(name);
        int col = fk_column_lookup(name);
        /* A repeated column would make the row ambiguous: the first one counts. */
        if (col >= 0 && seen[col])
            col = -1;
        in->colmap[i] = col;
        if (col >= 0)
            seen[col] = true;
    }
    for (int c = 0; c < FK_COL_COUNT; c++) {
        if (fk_column_required(c) && !seen[c])
            fk_buf_printf(&missing, "%s%s", missing.len ? ", " : "", fk_column_name(c));
    }
    if (missing.len) {
        fk_error_set(err, FK_EINPUT, in->path, r->line, fk_buf_cstr(&missing),
                     "the header lacks the required column(s) %s (the delimiter is '%c'%s)",
                     fk_buf_cstr(&missing), in->delim,
                     in->fixed_delim ? "" : ", detected from the header");
        fk_buf_free(&missing);
        return FK_EINPUT;
    }
    in->header_done = true;
    return FK_OK;
}

/* The row's order_id, trimmed, as a new string (NULL if none). The record is left as it
 * is: its field lengths must stay true for fk_ingest__set_field. */
static char *row_order_id(fk_csv_reader *in, record *r)
{
    for (size_t i = 0; i < r->n && i < in->ncols; i++)
        if (in->colmap[i] == FK_COL_ORDER_ID)
            return fk_trim(fk_xstrdup(field(r, i)));
    return NULL;
}

/* Put a row's values into the order (the first row sets the order-level fields). */
static void add_row(fk_csv_reader *in, fk_order *o, record *r, bool first)
{
    fk_line *ln = fk_ingest__add_line(o, r->line);
    if (!ln)
        return;
    for (size_t i = 0; i < r->n; i++) {
        int col = in->colmap[i];
        if (col >= 0)
            fk_ingest__set_field(o, ln, (fk_column)col, field(r, i), r->lens[i], r->line,
                                 first);
    }
}

/* Take one data row. Returns true when it completed the pending order (now in `done`). */
static bool take_row(fk_csv_reader *in, record *r, fk_order *done)
{
    char *id = row_order_id(in, r);
    bool broken = r->malformed || r->too_many || r->n != in->ncols;
    bool all_empty = true;
    bool completed = false;

    for (size_t i = 0; i < r->n && all_empty; i++)
        all_empty = r->lens[i] == 0;
    if (all_empty && !broken) {
        free(id);
        return false;
    }

    /* Rows group by the id as written: the order's own copy is cleaned (valid UTF-8). */
    bool same = in->have_pending && id && *id && in->group_id && strcmp(id, in->group_id) == 0;
    if (!same) {
        if (in->have_pending) {
            fk_ingest__finish_order(&in->pending);
            *done = in->pending;
            completed = true;
        }
        fk_ingest__start_order(&in->pending, in->path, r->line, in->decsep);
        in->have_pending = true;
        free(in->group_id);
        in->group_id = id ? fk_xstrdup(id) : NULL;
        if (id && broken) {
            /* The row's values are not used, but its id names the order in the report:
             * through the same cleaning as any value (it may be anything). */
            char *copy = fk_xstrdup(id);
            fk_ingest__set_field(&in->pending, NULL, FK_COL_ORDER_ID, copy, strlen(copy),
                                 r->line, true);
            free(copy);
        }
    }
    if (broken) {
        if (r->malformed)
            fk_order_add_finding(&in->pending, FK_CODE_ROW_MALFORMED, NULL,
                                 "line %lu: malformed row: %s", r->line, r->malformed);
        else
            fk_order_add_finding(&in->pending, FK_CODE_ROW_MALFORMED, NULL,
                                 "line %lu: the row has %s%zu fields, the header has %zu",
                                 r->line, r->too_many ? "more than " : "", r->n, in->ncols);
    } else {
        add_row(in, &in->pending, r, !same);
    }
    /* An order without an id cannot be grouped with anything: each such row stands alone. */
    if (!id || !*id) {
        if (!fk_order_has_finding(&in->pending, FK_CODE_ROW_MALFORMED))
            fk_order_add_finding(&in->pending, FK_CODE_ORDER_ID_MISSING, "order_id",
                                 "line %lu: the row has no order_id", r->line);
    }
    free(id);
    return completed;
}

/* Parse until a complete record is queued or the input is exhausted. */
static fk_status fill(fk_csv_reader *in, fk_error *err)
{
    while (in->queue.len == 0 && !in->finished) {
        if (in->eof && in->buf_pos == in->buf_len) {
            finish_parse(in);
            in->finished = true;
            break;
        }
        fk_status st = feed_next(in, err);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

static record pop(fk_csv_reader *in)
{
    return *(record *)fk_ingest__queue_pop(&in->queue);
}

static fk_status read_header(fk_csv_reader *in, fk_error *err)
{
    fk_status st = fill(in, err);
    if (st != FK_OK)
        return st;
    if (in->queue.len == 0)
        return fk_error_set(err, FK_EINPUT, in->path, 1, NULL,
                            "the file is empty: a header row is required");
    record r = pop(in);
    st = take_header(in, &r, err);
    record_recycle(in, &r);
    return st;
}

fk_status fk_csv_next(fk_csv_reader *in, fk_order *o, bool *got, fk_error *err)
{
    fk_order_clear(o);
    *got = false;
    for (;;) {
        fk_status st = fill(in, err);
        if (st != FK_OK)
            return st;
        if (in->queue.len == 0) {
            if (in->have_pending) {
                fk_ingest__finish_order(&in->pending);
                *o = in->pending;
                fk_order_init(&in->pending);
                in->have_pending = false;
                *got = true;
            }
            return FK_OK;
        }
        record r = pop(in);
        bool completed = take_row(in, &r, o);
        record_recycle(in, &r);
        if (completed) {
            *got = true;
            return FK_OK;
        }
    }
}

void fk_csv_progress(const fk_csv_reader *in, uint64_t *bytes, uint64_t *total)
{
    *bytes = in->bytes;
    *total = in->total;
}

void fk_csv_close(fk_csv_reader *in)
{
    if (!in)
        return;
    if (in->parser_live)
        csv_free(&in->p);
    if (in->fp && in->fp != stdin)
        fclose(in->fp);
    record_free(&in->cur);
    record_free(&in->spare);
    for (size_t i = 0; i < in->queue.len; i++)
        record_free(fk_ingest__queue_at(&in->queue, i));
    free(in->queue.items);
    free(in->colmap);
    fk_order_clear(&in->pending);
    free(in->group_id);
    free(in->buf);
    free(in->path);
    free(in);
}
