/* SPDX-License-Identifier: MIT */
/* ingest.c -- the format dispatcher, and the rules every format reader shares for turning
 * raw values into an order (see ingest_impl.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/buf.h"
#include "core/card.h"
#include "core/util.h"
#include "ingest/ingest_impl.h"

struct fk_ingest {
    fk_input_format format;
    fk_csv_reader *csv;
    fk_xml_reader *xml;
};

fk_status fk_ingest_open(fk_ingest **out, const char *path, const fk_ingest_options *opts,
                         fk_error *err)
{
    fk_input_format fmt = opts ? opts->format : FK_INPUT_AUTO;
    size_t n = strlen(path);
    fk_ingest *in;
    fk_status st;

    *out = NULL;
    if (fmt == FK_INPUT_AUTO)
        fmt = n >= 4 && strcasecmp(path + n - 4, ".xml") == 0 ? FK_INPUT_XML : FK_INPUT_CSV;
    in = fk_xcalloc(1, sizeof(*in));
    in->format = fmt;
    st = fmt == FK_INPUT_XML ? fk_xml_open(&in->xml, path, opts, err)
                             : fk_csv_open(&in->csv, path, opts, err);
    if (st != FK_OK) {
        free(in);
        return st;
    }
    *out = in;
    return FK_OK;
}

fk_status fk_ingest_next(fk_ingest *in, fk_order *o, bool *got, fk_error *err)
{
    return in->xml ? fk_xml_next(in->xml, o, got, err) : fk_csv_next(in->csv, o, got, err);
}

void fk_ingest_progress(const fk_ingest *in, uint64_t *bytes, uint64_t *total)
{
    if (in->xml)
        fk_xml_progress(in->xml, bytes, total);
    else
        fk_csv_progress(in->csv, bytes, total);
}

void fk_ingest_close(fk_ingest *in)
{
    if (!in)
        return;
    fk_xml_close(in->xml);
    fk_csv_close(in->csv);
    free(in);
}

/* Fields stay NULL while an order is built (most are set from the input anyway: no
 * placeholder is allocated only to be freed); fk_ingest__finish_order makes the rest "". */
void fk_ingest__start_order(fk_order *o, const char *file, unsigned long line, char decsep)
{
    fk_order_init(o);
    o->file = fk_order_strdup(o, file);
    o->line = line;
    o->decimal_sep = decsep;
}

void fk_ingest__finish_order(fk_order *o)
{
    for (int i = 0; i < FK_ORDER_FIELDS; i++)
        if (!o->f[i])
            o->f[i] = fk_order_strndup(o, "", 0);
    for (size_t l = 0; l < o->nlines; l++)
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            if (!FK_LINE_FIELD(&o->lines[l], c))
                FK_LINE_FIELD(&o->lines[l], c) = fk_order_strndup(o, "", 0);
}

void fk_ingest__too_many_lines(fk_order *o, unsigned long line)
{
    fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, NULL,
                         "line %lu: the order has more than %d lines; this line and the "
                         "rest of the order are not read", line, FK_MAX_LINES_PER_ORDER);
}

fk_line *fk_ingest__add_line(fk_order *o, unsigned long line, bool *told)
{
    if (o->nlines >= FK_MAX_LINES_PER_ORDER) {
        /* One finding, not one per line: a million-line order would carry a million. */
        if (!*told)
            fk_ingest__too_many_lines(o, line);
        *told = true;
        return NULL;
    }
    fk_line *ln = fk_order_add_line(o); /* fields NULL until set or finished */
    ln->line = line;
    return ln;
}

/* Clean a value for use: valid UTF-8 without NUL, at most FK_MAX_FIELD_BYTES. *len is
 * the length after the cut. */
static char *clean_value(fk_order *o, unsigned long line, const char *col, char *v,
                         size_t *plen)
{
    size_t len = *plen;
    char shown[64];

    if (memchr(v, '\0', len)) {
        for (size_t i = 0; i < len; i++)
            if (v[i] == '\0')
                v[i] = '?';
        fk_order_add_finding(o, FK_CODE_ENCODING_INVALID, col, "line %lu: %s contains a NUL byte",
                             line, col);
    }
    if (!fk_utf8_valid(v, len)) {
        for (size_t i = 0; i < len; i++)
            if ((unsigned char)v[i] >= 0x80)
                v[i] = '?';
        fk_order_add_finding(o, FK_CODE_ENCODING_INVALID, col,
                             "line %lu: %s is not valid UTF-8: \"%s\"", line, col,
                             fk_quote_value(v, shown, sizeof(shown)));
    }
    if (len > FK_MAX_FIELD_BYTES) {
        size_t cut = FK_MAX_FIELD_BYTES;
        while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
            cut--;
        v[cut] = '\0';
        *plen = cut;
        fk_order_add_finding(o, FK_CODE_FIELD_TOO_LONG, col,
                             "line %lu: %s has %zu bytes; at most %d are accepted", line, col,
                             len, FK_MAX_FIELD_BYTES);
    }
    return v;
}

void *fk_ingest__queue_push(fk_ingest__queue *q)
{
    char *items;

    if (q->head + q->len == q->cap) {
        if (q->head > 0) {
            memmove(q->items, (char *)q->items + q->head * q->size, q->len * q->size);
            q->head = 0;
        } else {
            q->cap = q->cap ? q->cap * 2 : 8;
            q->items = fk_xrealloc(q->items, q->cap * q->size);
        }
    }
    items = q->items;
    return items + (q->head + q->len++) * q->size;
}

void *fk_ingest__queue_pop(fk_ingest__queue *q)
{
    void *item;

    if (q->len == 0)
        return NULL;
    item = fk_ingest__queue_at(q, 0);
    q->head++;
    if (--q->len == 0)
        q->head = 0; /* the item stays where it is until the next push */
    return item;
}

void *fk_ingest__queue_at(const fk_ingest__queue *q, size_t i)
{
    return (char *)q->items + (q->head + i) * q->size;
}

/* card_number: the full number stops here. It is inspected and wiped before anything could
 * quote it (a bad byte in it is reported with the masked form), and only brand, checks and
 * last four go on. */
static void set_card_number(fk_order *o, char *v, size_t len, unsigned long line, bool first)
{
    const char *name = fk_column_name(FK_COL_CARD_NUMBER);
    const char *have = o->f[FK_COL_CARD_NUMBER] ? o->f[FK_COL_CARD_NUMBER] : "";
    bool nul = memchr(v, '\0', len) != NULL;
    bool utf8 = fk_utf8_valid(v, len);
    fk_card card;
    char masked[32];

    for (size_t i = 0; i < len; i++) /* inspect every byte: a NUL must not hide the rest */
        if (v[i] == '\0')
            v[i] = '?';
    v[len] = '\0';
    fk_card_inspect(v, &card);
    memset(v, 'x', len);
    fk_card_masked(&card, masked, sizeof(masked));
    if (nul || !utf8)
        fk_order_add_finding(o, FK_CODE_ENCODING_INVALID, name,
                             "line %lu: card_number %s%s%s", line,
                             nul ? "contains a NUL byte" : "is not valid UTF-8",
                             masked[0] ? ": " : "", masked);
    if (len > FK_MAX_FIELD_BYTES)
        fk_order_add_finding(o, FK_CODE_FIELD_TOO_LONG, name,
                             "line %lu: card_number has %zu bytes; at most %d are accepted",
                             line, len, FK_MAX_FIELD_BYTES);
    if (first) {
        o->card = card;
        o->f[FK_COL_CARD_NUMBER] = fk_order_strdup(o, masked);
    } else if (card.present && strcmp(masked, have) != 0) {
        fk_order_add_finding(o, FK_CODE_ORDER_INCONSISTENT, name,
                             "line %lu: card_number differs from the order's first row", line);
    }
}

void fk_ingest__set_field(fk_order *o, fk_line *ln, fk_column col, char *value, size_t len,
                          unsigned long line, bool first)
{
    const char *name = fk_column_name(col);
    const char *have = col < FK_ORDER_FIELDS && o->f[col] ? o->f[col] : "";
    char shown[64], shown_have[64];

    if (col == FK_COL_CARD_NUMBER) {
        set_card_number(o, value, len, line, first);
        return;
    }
    /* A card number in any other field is masked before the value is quoted or kept
     * (CARD_NUMBER_IN_FIELD). */
    fk_order_mask_value(o, col, value, len, line);
    o->values_masked = true;
    char *v = clean_value(o, line, name, value, &len);

    if (col >= FK_ORDER_FIELDS) {
        if (ln) {
            v = fk_trim_n(v, &len);
            FK_LINE_FIELD(ln, col) = fk_order_strndup(o, v, len);
        }
        return;
    }
    v = fk_trim_n(v, &len);
    if (first) {
        o->f[col] = fk_order_strndup(o, v, len);
    } else if (*v && strcmp(v, have) != 0) {
        fk_order_add_finding(o, FK_CODE_ORDER_INCONSISTENT, name,
                             "line %lu: %s \"%s\" differs from the order's first row \"%s\"",
                             line, name, fk_quote_value(v, shown, sizeof(shown)),
                             fk_quote_value(have, shown_have, sizeof(shown_have)));
    }
}

void fk_ingest__set_cut_field(fk_order *o, fk_line *ln, fk_column col, char *value, size_t len,
                              uint64_t total, unsigned long line, bool first)
{
    const char *name = fk_column_name(col);
    size_t cut = len;

    /* Cut where clean_value would (before a UTF-8 continuation byte), so the kept part
     * stays valid UTF-8 when the value is. */
    if (cut > FK_MAX_FIELD_BYTES) {
        cut = FK_MAX_FIELD_BYTES;
        while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
            cut--;
    }
    value[cut] = '\0';
    fk_ingest__set_field(o, ln, col, value, cut, line, first);
    /* After the value's own checks: a field keeps its first finding (a NUL byte, bytes that
     * are not UTF-8), as when the whole value was there. */
    if (total > FK_MAX_FIELD_BYTES)
        fk_order_add_finding(o, FK_CODE_FIELD_TOO_LONG, name,
                             "line %lu: %s has %llu bytes; at most %d are accepted", line,
                             name, (unsigned long long)total, FK_MAX_FIELD_BYTES);
}
