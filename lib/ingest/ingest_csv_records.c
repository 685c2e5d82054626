/* SPDX-License-Identifier: MIT */
/* ingest_csv_records.c -- CSV bytes into records (ingest_csv.c has the design): the file
 * read and, with --input-encoding, converted to UTF-8; fed to libcsv a physical line at a
 * time; strict mode and the parser reset, the stray-quote read-ahead, and the limits
 * applied while reading. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "core/util.h"
#include "ingest/ingest_csv_impl.h"

void fk_csv__record_free(record *r)
{
    free(r->data);
    free(r->offs);
    free(r->lens);
    free(r->totals);
    memset(r, 0, sizeof(*r));
}

char *fk_csv__field(const record *r, size_t i)
{
    return r->data + r->offs[i];
}

/* A record is done with: keep its buffers for the next one (unless huge), or free them. */
void fk_csv__record_recycle(fk_csv_reader *in, record *r)
{
    if (in->spare.data || r->data_cap > RECYCLE_MAX) {
        fk_csv__record_free(r);
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

void fk_csv__parser_init(fk_csv_reader *in)
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
    fk_csv__parser_init(in);
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

fk_status fk_csv__read_more(fk_csv_reader *in, fk_error *err)
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
        if (in->buf_len - in->buf_pos >= READ_CHUNK || fk_csv__read_more(in, NULL) != FK_OK)
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
fk_status fk_csv__feed_next(fk_csv_reader *in, fk_error *err)
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
        fk_status st = fk_csv__read_more(in, err);
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

void fk_csv__finish_parse(fk_csv_reader *in)
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
