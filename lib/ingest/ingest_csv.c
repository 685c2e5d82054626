/* SPDX-License-Identifier: MIT */
/* ingest_csv.c -- orders from CSV files (libcsv), streamed one order at a time.
 *
 * How line numbers stay exact: libcsv does not count lines, so the file is fed to
 * csv_parse() one physical line at a time. A line ends at LF, CRLF or a lone CR (libcsv ends
 * a record at any of them, so a file with CR-only line ends is counted line by line too).
 * The line number at the moment a record begins is the record's line, even when a quoted
 * field spans several lines.
 *
 * Why strict mode and a parser reset: without CSV_STRICT one stray quote swallows the rest
 * of the file into a single field; with it, libcsv stops at the error and stays stuck. So
 * on an error the record so far becomes a malformed row (a finding on its order), the
 * parser is re-created and parsing resumes at the next line (RELIABILITY.md, libcsv).
 *
 * Stray quotes: strict mode alone does not catch a quote that opens a value and is never
 * closed (`"ACME GmbH,DE,...`): the rest of the file is a valid quoted value up to the next
 * quote, or to the end. So wherever a quoted value is still open at the end of a line, the
 * bytes after that line are read ahead as a row of their own (by libcsv's strict rules; its
 * quoted values may span lines). When they are one complete row with the header's number
 * of fields, the quote was a stray one: the row where it opened is malformed (the finding
 * names the line of the quote and its column), and parsing restarts at the next line. A
 * value that really has a line break goes on: the line after the break holds the rest of
 * the value and its closing quote, and read as a row that is a quote inside an unquoted
 * field, or fields that do not add up to a row. The read-ahead ends at the end of the row
 * it reads (it cannot pass an unquoted line end), so every byte is read ahead at most once
 * and reading stays linear.
 *
 * Limits apply while reading, so memory is bounded whatever the input (a file without a
 * line end, /dev/zero, a 300 MB cell): libcsv keeps a field in one buffer, grown for as
 * long as the field goes on. Once a field holds more than KEEP bytes, the rest of it is
 * counted, not given to libcsv: only the bytes that can end it (the delimiter, a quote, a
 * line end; in a quoted field a quote that is not doubled) are. A record keeps at most KEEP
 * bytes of each of at most MAX_RECORD_FIELDS fields; the header must end within the first
 * MAX_HEADER_BYTES of the file, with at most MAX_COLUMNS columns; an order's rows past
 * FK_MAX_LINES_PER_ORDER are skipped (only their order_id is read), with one finding.
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
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <csv.h>
#include "core/buf.h"
#include "core/card.h"
#include "core/util.h"
#include "ingest/ingest_impl.h"

#define READ_CHUNK (64 * 1024)
#define MAX_COLUMNS 1024          /* a header with more columns is not an order export */
#define MAX_HEADER_BYTES (64 * 1024) /* the header row ends within the file's first bytes */
#define MAX_RECORD_FIELDS 4096    /* a row with more fields is malformed, not stored */
/* Bytes of a field kept: one more than a value may have, so that a longer one is cut at a
 * character boundary (fk_ingest__set_cut_field) and reported with its real length. */
#define KEEP (FK_MAX_FIELD_BYTES + 1)
/* libcsv.c's pstate values (struct csv_parser is public, its states are not named there) */
#define LIBCSV_ROW_NOT_BEGUN 0    /* between records */
#define LIBCSV_FIELD_BEGUN 2      /* inside a field (p.quoted: a quoted one) */

#define RECYCLE_MAX (256 * 1024) /* a record buffer up to this size is kept for the next */

/* Why a record is broken. */
typedef enum bad {
    BAD_NONE,
    BAD_STRICT,         /* libcsv's strict mode refused a byte (on line bad_line) */
    BAD_QUOTE_EOF,      /* a quote opened on bad_line is never closed */
    BAD_QUOTE_STRAY,    /* a quote opened on bad_line runs into a line that is a row */
    BAD_HEADER_QUOTE,   /* a quoted header name runs over the end of its line */
    BAD_HEADER_LONG,    /* no header row within MAX_HEADER_BYTES */
    BAD_HEADER_COLUMNS, /* more than MAX_COLUMNS header names */
} bad;

/* One CSV record: its fields' bytes, each NUL-terminated, one after the other in `data`
 * (one allocation for the whole row, and the buffers are recycled row after row). */
typedef struct record {
    char *data;
    size_t data_len, data_cap;
    size_t *offs, *lens;   /* field i is data + offs[i], lens[i] bytes (at most KEEP) */
    uint64_t *totals;      /* field i's real length: more than lens[i] when it was cut */
    size_t n, cap;
    unsigned long line;
    bad bad;               /* why the row is broken, or BAD_NONE */
    unsigned long bad_line;
    size_t bad_field;      /* for the quote cases: the index of the quoted field */
    bool too_many;
} record;

struct fk_csv_reader {
    char *path;
    FILE *fp;
    uint64_t bytes, total;
    uint64_t consumed;       /* bytes fed or skipped so far */
    char delim, decsep;
    bool fixed_delim;

    struct csv_parser p;
    bool parser_live;
    char *buf;
    size_t buf_len, buf_pos;
    bool eof, at_line_start, skip_to_eol, finished;
    bool cr_pending;         /* the last line ended in a CR at the end of the buffer */
    unsigned long line;      /* the physical line being fed, 1-based */
    unsigned long rec_start; /* line where the record being parsed began */
    uint64_t skipped;        /* bytes of the current field not given to libcsv */
    uint64_t nrec;           /* records queued so far: the number of the one being read */
    uint64_t q_rec;          /* the quoted field open at a line end: its record, */
    size_t q_field;          /* its index in the record, */
    unsigned long q_line;    /* and the line where its quote opened */

    record cur;              /* being filled by the callbacks */
    record spare;            /* an empty record whose buffers the next one reuses */
    fk_ingest__queue queue;  /* complete records */

    bool header_done;
    int *colmap;             /* header index -> fk_column or -1 */
    size_t ncols;

    /* Read through a mapping (docs/input.md, "Profiles and mappings"): each faktura field
     * from the expression of its [columns] entry, or from a header of its own name. */
    const fk_input_cfg *map; /* NULL: the faktura columns, by name, as always */
    char **hdr;              /* the header's names as written (trimmed), ncols of them */
    long *refs[FK_COL_COUNT];/* the header index of each reference of the field's
                              * expression, alternatives one after the other; -1: absent */
    long direct[FK_COL_COUNT]; /* no expression: the header of the field's name, or -1 */
    fk_buf val, part;        /* scratch for a value being put together */
    fk_error *err_out;       /* where the header's error goes */

    /* --input-encoding: the file is converted to UTF-8 while it is read */
    iconv_t cd;
    char *raw;               /* bytes read but not yet converted (a sequence cut by a read) */
    size_t raw_len;
    char *conv;              /* converted, not yet in buf */
    size_t conv_len, conv_pos;

    fk_order pending;
    bool have_pending;
    char *group_id;          /* the pending order's id as written in its first row */
    size_t pending_rows;     /* rows of the pending order so far */
    bool pending_filled;     /* one of them was whole: it set the order-level fields */
    bool lines_told;         /* it reached FK_MAX_LINES_PER_ORDER: the rest is skipped */
};

static void record_free(record *r)
{
    free(r->data);
    free(r->offs);
    free(r->lens);
    free(r->totals);
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
                         .lens = r->lens, .totals = r->totals, .cap = r->cap};
    memset(r, 0, sizeof(*r));
}

static void on_field(void *s, size_t len, void *data)
{
    fk_csv_reader *in = data;
    record *r = &in->cur;
    uint64_t total = (uint64_t)(s ? len : 0) + in->skipped;

    in->skipped = 0;
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
        r->totals = fk_xrealloc(r->totals, r->cap * sizeof(*r->totals));
    }
    if (!s)
        len = 0;
    if (len > KEEP)
        len = KEEP; /* the rest is only counted */
    if (r->data_cap - r->data_len < len + 1) {
        while (r->data_cap - r->data_len < len + 1)
            r->data_cap = r->data_cap ? r->data_cap * 2 : 1024;
        r->data = fk_xrealloc(r->data, r->data_cap);
    }
    memcpy(r->data + r->data_len, s ? s : "", len);
    r->data[r->data_len + len] = '\0';
    r->offs[r->n] = r->data_len;
    r->lens[r->n] = len;
    r->totals[r->n] = total;
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
    in->nrec++;
    /* A record that ended mid-line (after an error) is followed by one on the same line. */
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
     * 80,000 reallocs (minutes under ASan or valgrind). A field never grows past KEEP plus
     * one read chunk here, but a block of 64 KiB still saves the steps up to it. */
    csv_set_blk_size(&in->p, 1 << 16);
    in->parser_live = true;
}

/* The record so far is broken: queue it as malformed (its order gets the finding) and
 * restart the parser, which drops the field it was in. */
static void push_bad(fk_csv_reader *in, bad why, unsigned long line)
{
    in->cur.bad = why;
    in->cur.bad_line = line;
    in->cur.bad_field = in->cur.n;
    push_record(in);
    csv_free(&in->p);
    parser_init(in);
    in->skipped = 0;
}

/* Give n bytes to libcsv. False on a strict-mode error (the record is then queued as
 * malformed and the parser restarted). */
static bool parse_bytes(fk_csv_reader *in, const char *s, size_t n)
{
    if (in->at_line_start && in->p.pstate == LIBCSV_ROW_NOT_BEGUN && in->cur.n == 0)
        in->rec_start = in->line;
    in->at_line_start = false;
    if (csv_parse(&in->p, s, n, on_field, on_record, in) == n)
        return true;
    push_bad(in, BAD_STRICT, in->line);
    return false;
}

/* Inside a field past KEEP bytes: how many of the n bytes at s are more of the same field
 * (counted in `skipped`, not fed). In a quoted field that is everything up to a quote that
 * is not doubled (a doubled one is one byte of the value); in an unquoted field, everything
 * up to the delimiter, a quote (libcsv's error) or a line end. */
static size_t skip_field(fk_csv_reader *in, const char *s, size_t n)
{
    size_t i = 0;

    if (!in->p.quoted) {
        while (i < n && s[i] != in->delim && s[i] != '"' && s[i] != '\r' && s[i] != '\n')
            i++;
        in->skipped += i;
        return i;
    }
    for (;;) {
        const char *q = memchr(s + i, '"', n - i);
        size_t j = q ? (size_t)(q - s) : n;
        in->skipped += j - i;
        if (!q || j + 1 == n || s[j + 1] != '"')
            return j;
        in->skipped++;
        i = j + 2;
    }
}

/* Feed one line (`line_end`: with its line end) or the piece of a long line that fills the
 * buffer. Returns the bytes consumed: all n, but for a quote that ends a piece without a
 * line end inside an over-long quoted field (whether it is doubled is in the next read). */
static size_t feed(fk_csv_reader *in, const char *s, size_t n, bool line_end)
{
    size_t pos = 0;

    if (in->p.pstate == LIBCSV_FIELD_BEGUN && in->p.entry_pos > KEEP) {
        pos = skip_field(in, s, n);
        if (pos == n)
            return n;
        if (in->p.quoted && pos + 1 == n && !line_end && !in->eof)
            return pos;
    }
    /* The rest goes to libcsv whole: a field it starts grows by at most this piece before
     * the next call skips the rest of it. */
    if (!parse_bytes(in, s + pos, n - pos))
        in->skip_to_eol = !line_end;
    return n;
}

#define RAW_CHUNK (16 * 1024)
#define CONV_CAP (RAW_CHUNK * 3 + 16) /* converted, a byte becomes at most 3 (U+FFFD) */

/* Read RAW_CHUNK bytes and convert them to UTF-8 (--input-encoding) into `conv`. A byte
 * the encoding does not define becomes U+FFFD: the value it is in is kept and shown. A
 * sequence cut by the read waits in `raw` for the next one. Returns the bytes read. */
static size_t refill_converted(fk_csv_reader *in)
{
    size_t got = fread(in->raw + in->raw_len, 1, RAW_CHUNK - in->raw_len, in->fp);
    in->raw_len += got;
    char *src = in->raw, *dst = in->conv;
    size_t left = in->raw_len, out = CONV_CAP;
    while (left > 0) {
        if (iconv(in->cd, &src, &left, &dst, &out) != (size_t)-1)
            break;
        if ((errno == EINVAL && got > 0) || errno == E2BIG || out < 3)
            break; /* a cut sequence: the rest comes with the next read */
        memcpy(dst, "\xEF\xBF\xBD", 3); /* a byte the encoding does not define */
        dst += 3;
        out -= 3;
        src++;
        left--;
    }
    memmove(in->raw, src, left);
    in->raw_len = left;
    in->conv_len = CONV_CAP - out;
    in->conv_pos = 0;
    return got;
}

static fk_status read_more(fk_csv_reader *in, fk_error *err)
{
    if (in->buf_pos > 0) {
        memmove(in->buf, in->buf + in->buf_pos, in->buf_len - in->buf_pos);
        in->buf_len -= in->buf_pos;
        in->buf_pos = 0;
    }
    if (in->raw) {
        if (in->conv_pos == in->conv_len) {
            size_t raw = refill_converted(in);
            if (raw == 0 && ferror(in->fp))
                return fk_error_set(err, FK_EINPUT, in->path, in->line, NULL,
                                    "cannot read the file: %s", strerror(errno));
            in->bytes += raw;
        }
        size_t n = in->conv_len - in->conv_pos, room = READ_CHUNK - in->buf_len;
        if (n > room)
            n = room;
        memcpy(in->buf + in->buf_len, in->conv + in->conv_pos, n);
        in->conv_pos += n;
        in->buf_len += n;
        if (n == 0 && in->raw_len == 0)
            in->eof = true;
        return FK_OK;
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

/* The length of the line at s up to and including its end (LF, CRLF or a lone CR), 0 if
 * none of the n bytes ends it. *cr_last: it ends in a CR that is the last of the n bytes
 * (an LF may follow in the next read). */
static size_t line_len(const char *s, size_t n, bool *cr_last)
{
    const char *lf = memchr(s, '\n', n);
    const char *cr = memchr(s, '\r', lf ? (size_t)(lf - s) : n);

    *cr_last = false;
    if (cr) {
        size_t i = (size_t)(cr - s);
        if (i + 1 == n)
            *cr_last = true;
        return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
    }
    return lf ? (size_t)(lf - s) + 1 : 0;
}

typedef enum peek { PEEK_NO, PEEK_ROW, PEEK_MORE } peek;

/* Whether the n bytes at s begin with a complete row of exactly `ncols` fields, read as
 * libcsv reads a new record in strict mode (its quoted values may span lines). PEEK_MORE:
 * the bytes end before the row does (and more may come). Stops at the row's end. */
static peek peek_row(const char *s, size_t n, char delim, size_t ncols, bool eof)
{
    enum { START, UNQUOTED, QUOTED, QUOTE_END } st = START;
    size_t fields = 0, spaces = 0;
    bool begun = false;

    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool end = c == '\r' || c == '\n';
        switch (st) {
        case START:
            if (c == ' ' || c == '\t')
                break;
            if (end) /* an empty line is no row */
                return begun && fields + 1 == ncols ? PEEK_ROW : PEEK_NO;
            begun = true;
            if (c == delim)
                fields++;
            else
                st = c == '"' ? QUOTED : UNQUOTED;
            break;
        case UNQUOTED:
            if (c == '"')
                return PEEK_NO;
            if (end)
                return fields + 1 == ncols ? PEEK_ROW : PEEK_NO;
            if (c == delim) {
                fields++;
                st = START;
            }
            break;
        case QUOTED:
            if (c == '"') {
                st = QUOTE_END;
                spaces = 0;
            }
            break;
        case QUOTE_END:
            if (end)
                return fields + 1 == ncols ? PEEK_ROW : PEEK_NO;
            if (c == delim) {
                fields++;
                st = START;
            } else if (c == ' ' || c == '\t') {
                spaces++;
            } else if (c == '"' && !spaces) {
                st = QUOTED; /* a doubled quote */
            } else {
                return PEEK_NO;
            }
            break;
        }
        if (fields >= ncols)
            return PEEK_NO;
    }
    if (!eof)
        return PEEK_MORE;
    return begun && st != QUOTED && fields + 1 == ncols ? PEEK_ROW : PEEK_NO;
}

/* Is what follows the line just fed a row of its own? Reads ahead into the buffer as far
 * as the row goes (or the buffer reaches). */
static bool next_is_row(fk_csv_reader *in)
{
    for (;;) {
        const char *s = in->buf + in->buf_pos;
        size_t avail = in->buf_len - in->buf_pos;
        if (in->cr_pending && avail > 0 && s[0] == '\n') {
            s++;
            avail--;
        }
        peek got = peek_row(s, avail, in->delim, in->ncols, in->eof);
        if (got != PEEK_MORE)
            return got == PEEK_ROW;
        /* A read error comes back at the next read, where it is reported. */
        if (in->buf_len - in->buf_pos >= READ_CHUNK || read_more(in, NULL) != FK_OK)
            return false;
    }
}

/* After a line end: is a quoted value still open across it? Then it either has a line
 * break, or its quote is a stray one (the file comment says how it is told). */
static void after_line_end(fk_csv_reader *in)
{
    if (in->p.pstate != LIBCSV_FIELD_BEGUN || !in->p.quoted)
        return;
    if (in->q_rec != in->nrec || in->q_field != in->cur.n) {
        /* first seen open: the quote is on the line that just ended */
        in->q_rec = in->nrec;
        in->q_field = in->cur.n;
        in->q_line = in->line - 1;
    }
    if (in->nrec == 0)
        push_bad(in, BAD_HEADER_QUOTE, in->q_line); /* header names have no line breaks */
    else if (next_is_row(in))
        push_bad(in, BAD_QUOTE_STRAY, in->q_line);
}

/* Feed the next physical line (or as much of it as the buffer holds). */
static fk_status feed_next(fk_csv_reader *in, fk_error *err)
{
    const char *s;
    size_t avail, n;
    bool cr_last;

    for (;;) { /* a whole line in the buffer, unless it does not fit or the file ends */
        s = in->buf + in->buf_pos;
        avail = in->buf_len - in->buf_pos;
        n = line_len(s, avail, &cr_last);
        if ((n > 0 && !cr_last) || in->eof || avail == READ_CHUNK)
            break;
        fk_status st = read_more(in, err);
        if (st != FK_OK)
            return st;
    }
    if (avail == 0)
        return FK_OK; /* eof */
    if (in->cr_pending) {
        in->cr_pending = false;
        if (s[0] == '\n') {
            /* the LF of a CRLF that the buffer's end split: its line was counted at the CR */
            if (!in->skip_to_eol)
                feed(in, s, 1, true);
            in->buf_pos++;
            in->consumed++;
            return FK_OK;
        }
    }
    bool ends = n > 0;
    if (!ends)
        n = avail; /* a piece of a line longer than the buffer, or the last line */
    size_t used = n;
    if (in->skip_to_eol)
        in->skip_to_eol = !ends;
    else
        used = feed(in, s, n, ends);
    in->buf_pos += used;
    in->consumed += used;
    in->at_line_start = false;
    if (used == n && ends) {
        in->line++;
        in->at_line_start = true;
        in->cr_pending = cr_last && !in->eof;
        after_line_end(in);
    }
    /* The header's limits apply while it is read: /dev/zero has no line end at all. */
    if (in->nrec == 0) {
        if (in->cur.n > MAX_COLUMNS)
            push_bad(in, BAD_HEADER_COLUMNS, in->line);
        else if (in->consumed > MAX_HEADER_BYTES)
            push_bad(in, BAD_HEADER_LONG, in->line);
    }
    return FK_OK;
}

static void finish_parse(fk_csv_reader *in)
{
    if (!in->parser_live)
        return;
    if (csv_fini(&in->p, on_field, on_record, in) != 0) {
        /* STRICT_FINI: the file ended inside a quoted field. libcsv does not emit it. */
        bool seen = in->q_rec == in->nrec && in->q_field == in->cur.n;
        in->cur.bad = BAD_QUOTE_EOF;
        in->cur.bad_line = seen ? in->q_line : in->line;
        in->cur.bad_field = in->cur.n;
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
    for (size_t i = in->buf_pos; i < in->buf_len && in->buf[i] != '\n' && in->buf[i] != '\r';
         i++) {
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

/* Why the file's first bytes are not UTF-8 text, or NULL: a UTF-16 or UTF-32 byte order
 * mark, or NUL bytes (which text has none of) in the pattern of those encodings. A header
 * read as UTF-8 from them would lack every column, with a garbled name in the message. */
static const char *not_utf8(const unsigned char *b, size_t n)
{
    if (n >= 4 && memcmp(b, "\xFF\xFE\0\0", 4) == 0)
        return "the file is UTF-32LE (it starts with a byte order mark), not UTF-8";
    if (n >= 4 && memcmp(b, "\0\0\xFE\xFF", 4) == 0)
        return "the file is UTF-32BE (it starts with a byte order mark), not UTF-8";
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        return "the file is UTF-16LE (it starts with a byte order mark), not UTF-8";
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        return "the file is UTF-16BE (it starts with a byte order mark), not UTF-8";
    if (!memchr(b, '\0', n < 4 ? n : 4))
        return NULL;
    if (n >= 4) {
        unsigned text = (b[0] != 0) | (b[1] != 0) << 1 | (b[2] != 0) << 2 | (b[3] != 0) << 3;
        if (text == 0x5)
            return "the file is UTF-16LE (every other byte is NUL), not UTF-8";
        if (text == 0xA)
            return "the file is UTF-16BE (every other byte is NUL), not UTF-8";
        if (text == 0x1)
            return "the file is UTF-32LE (three bytes in four are NUL), not UTF-8";
        if (text == 0x8)
            return "the file is UTF-32BE (three bytes in four are NUL), not UTF-8";
    }
    return "the file starts with NUL bytes: it is not UTF-8 text (a binary file?)";
}

/* Whether the first bytes read look like a single-byte code page rather than UTF-8: at
 * least three bytes that are letters in Windows-1252 and start no UTF-8 sequence, and not
 * one sequence that is UTF-8 in form. A file with a stray bad byte or two keeps the findings on its rows. */
static bool looks_single_byte(const unsigned char *b, size_t n)
{
    size_t odd = 0, good = 0;
    for (size_t i = 0; i < n; i++) {
        if (b[i] < 0x80)
            continue;
        size_t len = b[i] >= 0xF0 && b[i] <= 0xF4 ? 4 : b[i] >= 0xE0 ? 3 : b[i] >= 0xC2 ? 2 : 0;
        if (len > 0 && b[i] < 0xF5 && i + len <= n) {
            size_t k = 1;
            while (k < len && (b[i + k] & 0xC0) == 0x80)
                k++;
            if (k == len) {
                good++;
                i += len - 1;
                continue;
            }
        } else if (len > 0 && i + len > n) {
            break; /* cut by the end of the bytes read */
        }
        /* a letter of Windows-1252 (À-ÿ, Š Œ Ž š œ ž Ÿ): a stray 0x80 or 0xFF is no text */
        if ((b[i] >= 0xC0 && b[i] != 0xD7 && b[i] != 0xF7 && b[i] != 0xFF) || b[i] == 0x8A ||
            b[i] == 0x8C || b[i] == 0x8E || b[i] == 0x9A || b[i] == 0x9C || b[i] == 0x9E)
            odd++;
    }
    return odd >= 3 && good == 0;
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
    in->q_rec = UINT64_MAX;
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

    in->cd = (iconv_t)-1;
    in->map = opts && opts->input && opts->input->mapped ? opts->input : NULL;
    const char *enc = opts && opts->input ? fk_encoding_canonical(opts->input->encoding) : NULL;
    if (enc && strcmp(enc, "UTF-8") != 0) {
        in->cd = iconv_open("UTF-8", enc);
        if (in->cd == (iconv_t)-1) {
            fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot convert from %s: %s", enc,
                         strerror(errno));
            fk_csv_close(in);
            return FK_EINPUT;
        }
        in->raw = fk_xmalloc(RAW_CHUNK);
        in->conv = fk_xmalloc(CONV_CAP);
    }

    fk_status st = read_more(in, err);
    if (st != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    const char *why = in->raw ? NULL : not_utf8((const unsigned char *)in->buf, in->buf_len);
    if (why) {
        fk_error_set(err, FK_EINPUT, in->path, 1, NULL, "%s; faktura reads UTF-8 (in a "
                     "spreadsheet, save as \"CSV UTF-8\")", why);
        fk_csv_close(in);
        return FK_EINPUT;
    }
    if (!in->raw && looks_single_byte((const unsigned char *)in->buf, in->buf_len)) {
        fk_error_set(err, FK_EINPUT, in->path, 1, NULL,
                     "the file is not UTF-8: its letters are single bytes, as in Windows-1252 "
                     "(or Windows-1250, ISO-8859-1/2/15); give --input-encoding windows-1252 "
                     "(or the file's encoding), or save it as \"CSV UTF-8\"");
        fk_csv_close(in);
        return FK_EINPUT;
    }
    /* A UTF-8 byte order mark is not part of the first column's name. */
    if (in->buf_len >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0) {
        in->buf_pos = 3;
        in->consumed = 3;
    }
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

/* The header lacks what the orders need: one message naming every missing field, never cut
 * (a long list drops its "did you mean" hints before the names). */
static fk_status header_missing(fk_csv_reader *in, const record *r, fk_buf *missing,
                                const char *first)
{
    fk_error tmp;
    const char *list = fk_buf_cstr(missing);
    char delim_note[64];

    snprintf(delim_note, sizeof(delim_note), " (the delimiter is '%c'%s)", in->delim,
             in->fixed_delim ? "" : ", detected from the header");
    if (strlen(list) + strlen(delim_note) + 64 > sizeof(tmp.message)) {
        /* drop the hints: "name (did you mean 'X'?)" -> "name" */
        fk_buf shortl = FK_BUF_INIT;
        for (const char *p = list; *p;) {
            const char *hint = strstr(p, " (did you mean '");
            const char *comma = strstr(p, ", ");
            if (hint && (!comma || hint < comma)) {
                fk_buf_append(&shortl, p, (size_t)(hint - p));
                const char *end = strstr(hint, "?)");
                p = end ? end + 2 : p + strlen(p);
            } else {
                size_t n = comma ? (size_t)(comma - p) + 2 : strlen(p);
                fk_buf_append(&shortl, p, n);
                p += n;
            }
        }
        fk_buf_reset(missing);
        fk_buf_puts(missing, fk_buf_cstr(&shortl));
        fk_buf_free(&shortl);
        list = fk_buf_cstr(missing);
    }
    fk_status st = FK_EINPUT;
    if (in->map)
        fk_error_set(in->err_out, st, in->path, r->line, strlen(list) < sizeof(tmp.field) ? list : first,
                     "the header lacks %s (profile %s)", list, in->map->profile);
    else
        fk_error_set(in->err_out, st, in->path, r->line,
                     strlen(list) < sizeof(tmp.field) ? list : first,
                     "the header lacks the required column(s) %s%s", list, delim_note);
    fk_buf_free(missing);
    return st;
}

/* Which fields a mapped export must give (the faktura columns' required ones, except
 * vat_rate, which a tax class file or default rate may give, and unit_price, which
 * line_total may replace). */
static bool mapped_required(const fk_csv_reader *in, int c)
{
    if (c == FK_COL_VAT_RATE || c == FK_COL_UNIT_PRICE)
        return c == FK_COL_UNIT_PRICE && !in->map->expr[FK_COL_LINE_TOTAL];
    return fk_column_required((fk_column)c);
}

static long header_index(const fk_csv_reader *in, const char *name, bool fold)
{
    for (size_t i = 0; i < in->ncols; i++)
        if (fold ? !strcasecmp(in->hdr[i], name) : !strcmp(in->hdr[i], name))
            return (long)i;
    return -1;
}

/* Resolve every field's expression against the header. A field whose every referenced
 * column is absent counts as absent: an error for the fields the orders need, else empty
 * (an optional column of a newer export version). */
static fk_status take_mapped_header(fk_csv_reader *in, const record *r, fk_error *err)
{
    fk_buf missing = FK_BUF_INIT;
    int first_missing = -1;

    in->err_out = err;
    for (size_t i = 0; i < in->ncols; i++)
        in->colmap[i] = -1;
    for (int c = 0; c < FK_COL_COUNT; c++) {
        const fk_map_expr *e = in->map->expr[c];
        bool found = false;
        const char *want = NULL;
        in->direct[c] = -1;
        if (e) {
            size_t n = 0, k = 0;
            for (size_t a = 0; a < e->nalts; a++)
                n += e->alts[a].nrefs;
            in->refs[c] = fk_xcalloc(n ? n : 1, sizeof(long));
            for (size_t a = 0; a < e->nalts; a++)
                for (size_t j = 0; j < e->alts[a].nrefs; j++, k++) {
                    in->refs[c][k] = header_index(in, e->alts[a].refs[j].header, false);
                    found |= in->refs[c][k] >= 0;
                    if (!want)
                        want = e->alts[a].refs[j].header;
                }
        } else if (in->map->by_name) {
            in->direct[c] = header_index(in, fk_column_name((fk_column)c), true);
            found = in->direct[c] >= 0;
            if (found)
                in->colmap[in->direct[c]] = c;
            want = fk_column_name((fk_column)c);
        }
        if (found || !mapped_required(in, c))
            continue;
        if (first_missing < 0)
            first_missing = c;
        fk_buf_printf(&missing, "%s%s", missing.len ? ", " : "", fk_column_name((fk_column)c));
        if (!want) {
            fk_buf_puts(&missing, " (not mapped: add it to [columns])");
            continue;
        }
        const char *near = fk_closest(want, (const char *const *)in->hdr, in->ncols);
        if (e)
            fk_buf_printf(&missing, " (column '%s'", want);
        if (near)
            fk_buf_printf(&missing, "%sdid you mean '%s'?", e ? "; " : " (", near);
        if (e || near)
            fk_buf_puts(&missing, ")");
    }
    if (missing.len)
        return header_missing(in, r, &missing, fk_column_name((fk_column)first_missing));
    fk_buf_free(&missing);
    in->header_done = true;
    return FK_OK;
}

/* The value under `key` in a cell of "key: value" lines (Shopify's Note Attributes) or of
 * "key:value|key:value" items (WooCommerce's fee_items, coupon_items): the first one. */
static void key_value(const char *cell, const char *key, fk_buf *out)
{
    size_t kl = strlen(key);
    for (const char *p = cell; *p; p++) {
        if (p != cell && p[-1] != '\n' && p[-1] != '\r' && p[-1] != '|' && p[-1] != ';')
            continue;
        while (*p == ' ')
            p++;
        if (strncmp(p, key, kl) != 0)
            continue;
        const char *q = p + kl;
        while (*q == ' ')
            q++;
        if (*q != ':' && *q != '=')
            continue;
        q++;
        while (*q == ' ')
            q++;
        size_t n = strcspn(q, "\r\n|;");
        while (n > 0 && q[n - 1] == ' ')
            n--;
        fk_buf_append(out, q, n);
        return;
    }
}

/* Append the value of one reference (trimmed; a spreadsheet's leading apostrophe dropped
 * when the mapping says so). *cut: the source value was cut while reading. */
static void ref_value(fk_csv_reader *in, const record *r, long idx, const fk_map_ref *ref,
                      fk_buf *out, uint64_t *total)
{
    if (idx < 0 || (size_t)idx >= r->n)
        return;
    char *v = field(r, (size_t)idx);
    size_t len = r->lens[idx];
    if (r->totals[idx] > len && r->totals[idx] > *total)
        *total = r->totals[idx];
    while (len > 0 && (*v == ' ' || *v == '\t'))
        v++, len--;
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        len--;
    if (in->map->strip_apostrophe && len > 0 && *v == '\'')
        v++, len--;
    if (ref && ref->key) {
        char save = v[len];
        v[len] = '\0';
        key_value(v, ref->key, out);
        v[len] = save;
        return;
    }
    fk_buf_append(out, v, len);
}

/* Put together field c of a row from its expression (or its own column) into in->val,
 * value map applied. False when the field is not read from this file at all. */
static bool mapped_value(fk_csv_reader *in, const record *r, int c, uint64_t *total)
{
    const fk_map_expr *e = in->map->expr[c];
    fk_buf *out = &in->val;

    fk_buf_reset(out);
    *total = 0;
    if (!e) {
        if (in->direct[c] < 0)
            return false;
        ref_value(in, r, in->direct[c], NULL, out, total);
    } else {
        size_t k = 0;
        for (size_t a = 0; a < e->nalts && out->len == 0; a++) {
            const fk_map_alt *alt = &e->alts[a];
            if (!alt->is_template) {
                ref_value(in, r, in->refs[c][k++], &alt->refs[0], out, total);
                continue;
            }
            /* text between two placeholders only when both have a value */
            bool any = false;
            for (size_t j = 0; j < alt->nrefs; j++, k++) {
                fk_buf_reset(&in->part);
                ref_value(in, r, in->refs[c][k], &alt->refs[j], &in->part, total);
                if (!in->part.len)
                    continue;
                fk_buf_puts(out, any ? alt->lits[j] : alt->lits[0]);
                fk_buf_append(out, in->part.ptr, in->part.len);
                any = true;
            }
            if (any)
                fk_buf_puts(out, alt->lits[alt->nrefs]);
        }
    }
    const char *rule;
    const char *v = fk_buf_cstr(out);
    const char *to = fk_input_map_value(in->map, (fk_column)c, v, &rule);
    if (!rule && in->map->nvalues[c] > 0 && strstr(v, " + ")) {
        /* Shopify joins several gateways: "Shopify Payments + manual"; the first decides */
        char *first = fk_xstrndup(v, (size_t)(strstr(v, " + ") - v));
        to = fk_input_map_value(in->map, (fk_column)c, first, &rule);
        if (rule) {
            char *copy = fk_xstrdup(to);
            fk_buf_reset(out);
            fk_buf_puts(out, copy);
            free(copy);
        }
        free(first);
        return true;
    }
    if (rule) {
        char *copy = fk_xstrdup(to);
        fk_buf_reset(out);
        fk_buf_puts(out, copy);
        free(copy);
    }
    return true;
}

static fk_status take_header(fk_csv_reader *in, record *r, fk_error *err)
{
    bool seen[FK_COL_COUNT] = {false};
    fk_buf missing = FK_BUF_INIT;
    char why[128];

    in->err_out = err;
    if (r->bad || r->too_many || r->n > MAX_COLUMNS) {
        switch (r->bad) {
        case BAD_STRICT:
            snprintf(why, sizeof(why), "a quote inside an unquoted field, or text after a "
                     "closing quote");
            break;
        case BAD_QUOTE_EOF:
        case BAD_HEADER_QUOTE:
            snprintf(why, sizeof(why), "a quote opened on line %lu is not closed on that line",
                     r->bad_line);
            break;
        case BAD_HEADER_LONG:
            snprintf(why, sizeof(why), "it does not end within the first %d bytes of the file",
                     MAX_HEADER_BYTES);
            break;
        default:
            snprintf(why, sizeof(why), "too many columns");
            break;
        }
        return fk_error_set(err, FK_EINPUT, in->path, r->line, NULL,
                            "the header row is malformed (%s)", why);
    }
    for (size_t i = 0; i < r->n; i++)
        if (memchr(field(r, i), '\0', r->lens[i]))
            return fk_error_set(err, FK_EINPUT, in->path, r->line, NULL,
                                "the header row contains a NUL byte: the file is not UTF-8 "
                                "text (UTF-16 or UTF-32, or not a CSV file at all)");
    in->colmap = fk_xcalloc(r->n, sizeof(*in->colmap));
    in->ncols = r->n;
    in->hdr = fk_xcalloc(r->n, sizeof(*in->hdr));
    for (size_t i = 0; i < r->n; i++)
        in->hdr[i] = fk_xstrdup(fk_trim(field(r, i)));
    if (in->map)
        return take_mapped_header(in, r, err);
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
    int first_missing = -1;
    for (int c = 0; c < FK_COL_COUNT; c++) {
        if (fk_column_required(c) && !seen[c]) {
            const char *near = fk_closest(fk_column_name(c), (const char *const *)in->hdr,
                                          in->ncols);
            fk_buf_printf(&missing, "%s%s", missing.len ? ", " : "", fk_column_name(c));
            if (near)
                fk_buf_printf(&missing, " (did you mean '%s'?)", near);
            if (first_missing < 0)
                first_missing = c;
        }
    }
    if (missing.len)
        return header_missing(in, r, &missing, fk_column_name(first_missing));
    in->header_done = true;
    return FK_OK;
}

/* The row's order_id, trimmed, as a new string (NULL if none). The record is left as it
 * is: its field lengths must stay true for fk_ingest__set_field. */
static char *row_order_id(fk_csv_reader *in, record *r)
{
    uint64_t total;
    if (in->map)
        return mapped_value(in, r, FK_COL_ORDER_ID, &total)
                   ? fk_trim(fk_xstrdup(fk_buf_cstr(&in->val)))
                   : NULL;
    for (size_t i = 0; i < r->n && i < in->ncols; i++)
        if (in->colmap[i] == FK_COL_ORDER_ID)
            return fk_trim(fk_xstrdup(field(r, i)));
    return NULL;
}

/* Put a row's values into the order (the first row sets the order-level fields). */
static void add_row(fk_csv_reader *in, fk_order *o, record *r, bool first)
{
    fk_line *ln = fk_ingest__add_line(o, r->line, &in->lines_told);
    if (!ln)
        return;
    if (in->map) {
        for (int c = 0; c < FK_COL_COUNT; c++) {
            uint64_t total;
            /* order_rows = first: the order's later rows leave its fields empty (or, with
             * a value map, would turn "" into a value of their own) */
            if (c < FK_ORDER_FIELDS && !first && in->map->rows_first)
                continue;
            if (!mapped_value(in, r, c, &total))
                continue;
            /* the value is put together in in->val; set_field may change it in place */
            fk_buf_putc(&in->val, '\0');
            size_t len = in->val.len - 1;
            if (total > len)
                fk_ingest__set_cut_field(o, ln, (fk_column)c, in->val.ptr, len, total,
                                         r->line, first);
            else
                fk_ingest__set_field(o, ln, (fk_column)c, in->val.ptr, len, r->line, first);
        }
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        int col = in->colmap[i];
        if (col < 0)
            continue;
        if (r->totals[i] > r->lens[i]) /* cut while reading */
            fk_ingest__set_cut_field(o, ln, (fk_column)col, field(r, i), r->lens[i],
                                     r->totals[i], r->line, first);
        else
            fk_ingest__set_field(o, ln, (fk_column)col, field(r, i), r->lens[i], r->line,
                                 first);
    }
}

/* The finding for a broken row. */
static void add_malformed(fk_csv_reader *in, fk_order *o, const record *r)
{
    const char *col = NULL;
    char where[48];

    if (r->bad == BAD_QUOTE_STRAY || r->bad == BAD_QUOTE_EOF) {
        if (r->bad_field < in->ncols && in->colmap[r->bad_field] >= 0)
            col = fk_column_name((fk_column)in->colmap[r->bad_field]);
        else if (in->map && r->bad_field < in->ncols)
            col = in->hdr[r->bad_field]; /* a source column of a mapped export */
        if (col)
            snprintf(where, sizeof(where), "%s", col);
        else
            snprintf(where, sizeof(where), "field %zu", r->bad_field + 1);
    }
    switch (r->bad) {
    case BAD_STRICT:
        if (r->bad_line != r->line)
            fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, NULL,
                                 "line %lu: malformed row: a quote inside an unquoted field, "
                                 "or text after a closing quote (on line %lu)", r->line,
                                 r->bad_line);
        else
            fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, NULL,
                                 "line %lu: malformed row: a quote inside an unquoted field, "
                                 "or text after a closing quote", r->line);
        break;
    case BAD_QUOTE_STRAY:
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, col,
                             "line %lu: malformed row: the quote that opens %s on line %lu is "
                             "not closed on that line, and the next line is a row of its own "
                             "(a stray quote?)", r->line, where, r->bad_line);
        break;
    case BAD_QUOTE_EOF:
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, col,
                             "line %lu: malformed row: the quote that opens %s on line %lu is "
                             "not closed before the end of the file", r->line, where,
                             r->bad_line);
        break;
    default:
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, NULL,
                             "line %lu: the row has %s%zu fields, the header has %zu",
                             r->line, r->too_many ? "more than " : "", r->n, in->ncols);
        break;
    }
}

/* Take one data row. Returns true when it completed the pending order (now in `done`). */
static bool take_row(fk_csv_reader *in, record *r, fk_order *done)
{
    char *id = row_order_id(in, r);
    bool broken = r->bad || r->too_many || r->n != in->ncols;
    bool all_empty = true;
    bool completed = false;

    for (size_t i = 0; i < r->n && all_empty; i++)
        all_empty = r->totals[i] == 0;
    if (all_empty && !broken) {
        free(id);
        return false;
    }

    /* Rows group by the id as written: the order's own copy is cleaned (valid UTF-8). */
    bool same = in->have_pending && id && *id && in->group_id && strcmp(id, in->group_id) == 0;
    if (same && in->pending_rows >= FK_MAX_LINES_PER_ORDER) {
        /* The order is cut: the rest of its rows cost their reading, nothing more. */
        if (!in->lines_told)
            fk_ingest__too_many_lines(&in->pending, r->line);
        in->lines_told = true;
        free(id);
        return false;
    }
    if (!same) {
        if (in->have_pending) {
            fk_ingest__finish_order(&in->pending);
            *done = in->pending;
            completed = true;
        }
        fk_ingest__start_order(&in->pending, in->path, r->line, in->decsep);
        in->have_pending = true;
        in->pending_rows = 0;
        in->pending_filled = false;
        in->lines_told = false;
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
    in->pending_rows++;
    if (broken) {
        add_malformed(in, &in->pending, r);
    } else {
        /* The order-level fields come from the first whole row: after a broken first
         * row, the next one is not "inconsistent" with values that were never read. */
        add_row(in, &in->pending, r, !in->pending_filled);
        in->pending_filled = true;
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
    if (in->cd != (iconv_t)-1 && in->raw)
        iconv_close(in->cd);
    free(in->raw);
    free(in->conv);
    for (size_t i = 0; in->hdr && i < in->ncols; i++)
        free(in->hdr[i]);
    free(in->hdr);
    for (int c = 0; c < FK_COL_COUNT; c++)
        free(in->refs[c]);
    fk_buf_free(&in->val);
    fk_buf_free(&in->part);
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
