/* SPDX-License-Identifier: MIT */
/* order.c -- the order's lifetime and its findings (see order.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/order.h"
#include "core/pan.h"

static const struct {
    const char *name;
    bool required;
} columns[] = {
#define FK_COL_INFO(id, name, req) {name, req},
    FK_COLUMNS(FK_COL_INFO)
#undef FK_COL_INFO
};

const char *fk_column_name(fk_column c)
{
    return (c >= 0 && c < FK_COL_COUNT) ? columns[c].name : "";
}

bool fk_column_required(fk_column c)
{
    return c >= 0 && c < FK_COL_COUNT && columns[c].required;
}

int fk_column_lookup(const char *name)
{
    for (int i = 0; i < FK_COL_COUNT; i++)
        if (strcmp(columns[i].name, name) == 0)
            return i;
    return -1;
}

void fk_order_init(fk_order *o)
{
    memset(o, 0, sizeof(*o));
    o->exponent = -1;
}

/* Blocks of an order's strings, newest first. The first is sized for a typical order's
 * text (the generated ledgers average about 600 bytes an order); each next one doubles. */
struct fk_order_strings {
    fk_order_strings *next;
    size_t used, cap;
    char data[];
};

#define FIRST_BLOCK 1024

char *fk_order_strndup(fk_order *o, const char *s, size_t n)
{
    fk_order_strings *b = o->strings;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = b ? 2 * b->cap : FIRST_BLOCK;
        while (cap < n + 1)
            cap *= 2;
        b = fk_xmalloc(sizeof(*b) + cap);
        b->next = o->strings;
        b->used = 0;
        b->cap = cap;
        o->strings = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, n);
    d[n] = '\0';
    b->used += n + 1;
    return d;
}

char *fk_order_strdup(fk_order *o, const char *s)
{
    return fk_order_strndup(o, s, strlen(s));
}

void fk_order_clear(fk_order *o)
{
    while (o->strings) {
        fk_order_strings *b = o->strings;
        o->strings = b->next;
        free(b);
    }
    free(o->lines);
    for (size_t i = 0; i < o->nfindings; i++) {
        free(o->findings[i].field);
        free(o->findings[i].message);
        free(o->findings[i].hint);
    }
    free(o->findings);
    fk_order_init(o);
}

fk_line *fk_order_add_line(fk_order *o)
{
    if (o->nlines == o->cap_lines) {
        o->cap_lines = o->cap_lines ? o->cap_lines * 2 : 4;
        o->lines = fk_xrealloc(o->lines, o->cap_lines * sizeof(*o->lines));
    }
    fk_line *ln = &o->lines[o->nlines++];
    memset(ln, 0, sizeof(*ln));
    return ln;
}

void fk_order_add_finding(fk_order *o, fk_code code, const char *field, const char *fmt, ...)
{
    fk_buf msg = FK_BUF_INIT;
    va_list ap;

    for (size_t i = 0; field && i < o->nfindings; i++)
        if (o->findings[i].field && strcmp(o->findings[i].field, field) == 0)
            return;
    if (o->nfindings == o->cap_findings) {
        o->cap_findings = o->cap_findings ? o->cap_findings * 2 : 4;
        o->findings = fk_xrealloc(o->findings, o->cap_findings * sizeof(*o->findings));
    }
    va_start(ap, fmt);
    fk_buf_vprintf(&msg, fmt, ap);
    va_end(ap);
    fk_finding *f = &o->findings[o->nfindings++];
    f->code = code;
    f->field = field ? fk_xstrdup(field) : NULL;
    f->message = fk_buf_take(&msg);
    f->hint = NULL;
    /* Whatever a message quotes, from whichever stage: a card number in it is masked here,
     * before the message reaches the database, a report or the terminal. */
    fk_pan_mask(f->message, strlen(f->message));
}

bool fk_order_mask_value(fk_order *o, fk_column col, char *value, size_t len,
                         unsigned long line)
{
    if (value == NULL || fk_pan_mask(value, len) == 0)
        return false;
    const char *name = fk_column_name(col);
    if (line > 0)
        fk_order_add_finding(o, FK_CODE_CARD_NUMBER_IN_FIELD, name,
                             "line %lu: %s holds a card number; it is masked and the order "
                             "is not invoiced",
                             line, name);
    else
        fk_order_add_finding(o, FK_CODE_CARD_NUMBER_IN_FIELD, name,
                             "%s holds a card number; it is masked and the order is not "
                             "invoiced",
                             name);
    return true;
}

void fk_order_mask_fields(fk_order *o)
{
    /* The finding belongs to the data, as ingestion's own do: stored with the order, so a
     * retry from the masked data fails it again instead of invoicing the masked value. */
    if (o->values_masked)
        return;
    bool data_only = o->nfindings == o->ningest_findings;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        if (c != FK_COL_CARD_NUMBER && o->f[c])
            fk_order_mask_value(o, (fk_column)c, o->f[c], strlen(o->f[c]), o->line);
    for (size_t i = 0; i < o->nlines; i++) {
        fk_line *ln = &o->lines[i];
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++) {
            char *v = FK_LINE_FIELD(ln, c);
            if (v)
                fk_order_mask_value(o, (fk_column)c, v, strlen(v), ln->line);
        }
    }
    if (data_only)
        o->ningest_findings = o->nfindings;
}

bool fk_order_has_finding(const fk_order *o, fk_code code)
{
    for (size_t i = 0; i < o->nfindings; i++)
        if (o->findings[i].code == code)
            return true;
    return false;
}

fk_outcome fk_order_outcome(const fk_order *o)
{
    bool failed = false, held = false, skipped = false;

    if (o->nfindings == 0)
        return FK_INVOICED;
    for (size_t i = 0; i < o->nfindings; i++) {
        switch (fk_code_outcome(o->findings[i].code)) {
        case FK_FAILED: failed = true; break;
        case FK_HELD: held = true; break;
        case FK_SKIPPED: skipped = true; break;
        case FK_INVOICED: break;
        }
    }
    /* Data that must be fixed comes first: holding or skipping a broken order would hide
     * the error from the accountant. */
    if (failed)
        return FK_FAILED;
    if (held)
        return FK_HELD;
    return skipped ? FK_SKIPPED : FK_FAILED;
}

int64_t fk_order_amount(const fk_order *o)
{
    return o->amounts_ok ? o->gross_total : 0;
}

void fk_order_outcome_rec(const fk_order *o, fk_outcome_rec *out)
{
    out->order_id = o->f[FK_COL_ORDER_ID];
    out->file = o->file;
    out->currency = o->currency[0] ? o->currency : o->f[FK_COL_CURRENCY];
    out->line = o->line;
    out->outcome = o->outcome;
    out->amount_known = o->amounts_ok;
    out->amount = fk_order_amount(o);
    out->exponent = o->exponent;
    out->findings = o->findings;
    out->nfindings = o->nfindings;
}
