/* SPDX-License-Identifier: MIT */
/* ingest_csv_mapping.c -- a mapped shop export's fields from a CSV record (docs/input.md,
 * "Profiles and mappings"; the mapping itself is core/mapping.c): each faktura field from
 * the expression of its [columns] entry, resolved against the header once, or from a header
 * of its own name; the value map applied. ingest_csv.c has the reader's design. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest_csv_impl.h"

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
fk_status fk_csv__take_mapped_header(fk_csv_reader *in, const record *r, fk_error *err)
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
        return fk_csv__header_missing(in, r, &missing, fk_column_name((fk_column)first_missing));
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
    char *v = fk_csv__field(r, (size_t)idx);
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
bool fk_csv__mapped_value(fk_csv_reader *in, const record *r, int c, uint64_t *total)
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
