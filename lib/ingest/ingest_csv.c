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
 * The files: ingest_csv_records.c turns bytes into records; ingest_csv_mapping.c reads a
 * mapped shop export's fields from a record; this file turns records into orders and is
 * the reader's API. ingest_csv_impl.h holds what they share.
 *
 * Speed: a million orders are tens of millions of values, so a row's fields are copied into
 * one buffer (not one allocation each), and that buffer is reused from row to row.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <csv.h>
#include "core/buf.h"
#include "core/card.h"
#include "core/util.h"
#include "ingest/ingest_csv_impl.h"

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

/* Open the input file ("-": standard input); *total: its size when it is a regular file
 * (for progress). NULL, with the error set, when it cannot be read. */
static FILE *open_input(const char *path, uint64_t *total, fk_error *err)
{
    FILE *fp;
    struct stat sb;

    if (strcmp(path, "-") == 0)
        return stdin;
    fp = fopen(path, "rb");
    if (!fp) {
        fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot open the input file: %s",
                     strerror(errno));
        return NULL;
    }
    if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode))
        *total = (uint64_t)sb.st_size;
    else if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fk_error_set(err, FK_EINPUT, path, 0, NULL, "is a directory, not an input file");
        fclose(fp);
        return NULL;
    }
    return fp;
}

/* The first bytes read: a file that is not UTF-8 (and is not converted) is refused before
 * its header is read; a UTF-8 byte order mark is skipped. */
static fk_status check_start(fk_csv_reader *in, fk_error *err)
{
    const char *why = in->raw ? NULL : not_utf8((const unsigned char *)in->buf, in->buf_len);
    if (why) {
        fk_error_set(err, FK_EINPUT, in->path, 1, NULL, "%s; faktura reads UTF-8 (in a "
                     "spreadsheet, save as \"CSV UTF-8\")", why);
        return FK_EINPUT;
    }
    if (!in->raw && looks_single_byte((const unsigned char *)in->buf, in->buf_len)) {
        fk_error_set(err, FK_EINPUT, in->path, 1, NULL,
                     "the file is not UTF-8: its letters are single bytes, as in Windows-1252 "
                     "(or Windows-1250, ISO-8859-1/2/15); give --input-encoding windows-1252 "
                     "(or the file's encoding), or save it as \"CSV UTF-8\"");
        return FK_EINPUT;
    }
    /* A UTF-8 byte order mark is not part of the first column's name. */
    if (in->buf_len >= 3 && memcmp(in->buf, "\xEF\xBB\xBF", 3) == 0) {
        in->buf_pos = 3;
        in->consumed = 3;
    }
    return FK_OK;
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
    in->fp = open_input(path, &in->total, err);
    if (!in->fp) {
        free(in->path);
        free(in);
        return FK_EINPUT;
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

    fk_status st = fk_csv__read_more(in, err);
    if (st != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    if ((st = check_start(in, err)) != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    if (!in->delim)
        detect_delimiter(in);
    if (!in->decsep)
        in->decsep = in->delim == ';' ? ',' : '.';
    fk_csv__parser_init(in);
    if ((st = read_header(in, err)) != FK_OK) {
        fk_csv_close(in);
        return st;
    }
    *out = in;
    return FK_OK;
}

/* The header lacks what the orders need: one message naming every missing field, never cut
 * (a long list drops its "did you mean" hints before the names). */
fk_status fk_csv__header_missing(fk_csv_reader *in, const record *r, fk_buf *missing,
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
        if (memchr(fk_csv__field(r, i), '\0', r->lens[i]))
            return fk_error_set(err, FK_EINPUT, in->path, r->line, NULL,
                                "the header row contains a NUL byte: the file is not UTF-8 "
                                "text (UTF-16 or UTF-32, or not a CSV file at all)");
    in->colmap = fk_xcalloc(r->n, sizeof(*in->colmap));
    in->ncols = r->n;
    in->hdr = fk_xcalloc(r->n, sizeof(*in->hdr));
    for (size_t i = 0; i < r->n; i++)
        in->hdr[i] = fk_xstrdup(fk_trim(fk_csv__field(r, i)));
    if (in->map)
        return fk_csv__take_mapped_header(in, r, err);
    for (size_t i = 0; i < r->n; i++) {
        char *name = fk_trim(fk_csv__field(r, i));
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
        return fk_csv__header_missing(in, r, &missing, fk_column_name(first_missing));
    in->header_done = true;
    return FK_OK;
}

/* The row's order_id, trimmed, as a new string (NULL if none). The record is left as it
 * is: its field lengths must stay true for fk_ingest__set_field. */
static char *row_order_id(fk_csv_reader *in, record *r)
{
    uint64_t total;
    if (in->map)
        return fk_csv__mapped_value(in, r, FK_COL_ORDER_ID, &total)
                   ? fk_trim(fk_xstrdup(fk_buf_cstr(&in->val)))
                   : NULL;
    for (size_t i = 0; i < r->n && i < in->ncols; i++)
        if (in->colmap[i] == FK_COL_ORDER_ID)
            return fk_trim(fk_xstrdup(fk_csv__field(r, i)));
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
            if (!fk_csv__mapped_value(in, r, c, &total))
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
            fk_ingest__set_cut_field(o, ln, (fk_column)col, fk_csv__field(r, i), r->lens[i],
                                     r->totals[i], r->line, first);
        else
            fk_ingest__set_field(o, ln, (fk_column)col, fk_csv__field(r, i), r->lens[i], r->line,
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
            fk_csv__finish_parse(in);
            in->finished = true;
            break;
        }
        fk_status st = fk_csv__feed_next(in, err);
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
    fk_csv__record_recycle(in, &r);
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
        fk_csv__record_recycle(in, &r);
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
    fk_csv__record_free(&in->cur);
    fk_csv__record_free(&in->spare);
    for (size_t i = 0; i < in->queue.len; i++)
        fk_csv__record_free(fk_ingest__queue_at(&in->queue, i));
    free(in->queue.items);
    free(in->colmap);
    fk_order_clear(&in->pending);
    free(in->group_id);
    free(in->buf);
    free(in->path);
    free(in);
}
