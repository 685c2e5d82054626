/* SPDX-License-Identifier: MIT */
/* render_table.c -- the invoice's line table (render_content.c has the whole page): one
 * row per item with its number, description (and SKU), quantity, unit, unit price, VAT rate
 * and net amount, under a header row that pagination repeats on every page the table runs
 * over.
 *
 * Numeric columns are as wide as their widest value (or header word), the description
 * gets the rest; if amounts are so long that the description would get squeezed, the
 * whole table steps down in size. A new column is one more TC_ entry, its header label
 * and its value in format_lines().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/invoice_codes.h"
#include "render/render_impl.h"

typedef fk_render__colspec colspec;
#define col fk_render__col
#define add_columns fk_render__add_columns

enum { TC_NO, TC_DESC, TC_QTY, TC_UOM, TC_PRICE, TC_VAT, TC_NET, TC_COUNT };

typedef struct line_table {
    const char *hdr[TC_COUNT];
    const char **val;         /* nlines x TC_COUNT formatted cells (desc: raw text) */
    float w[TC_COUNT], x[TC_COUNT];
    float size, hsize;        /* item and header font size */
} line_table;

static void format_lines(fk_render__layout *c, line_table *t)
{
    const fk_invoice *inv = c->inv;
    char no[32];

    t->val = fk_xcalloc(inv->nlines ? inv->nlines * TC_COUNT : 1, sizeof(*t->val));
    for (size_t i = 0; i < inv->nlines; i++) {
        const fk_doc_line *ln = &inv->lines[i];
        const char **v = &t->val[i * TC_COUNT];
        snprintf(no, sizeof(no), "%zu", i + 1);
        v[TC_NO] = fk_render__dup(c->m, no, strlen(no));
        v[TC_DESC] = ln->description;
        v[TC_QTY] = fk_render__trimmed(c, ln->qty_milli, 3, NULL);
        v[TC_UOM] = fk_unit_name(ln->unit, c->L->lang);
        v[TC_PRICE] = fk_render__amount(c, ln->unit_price, NULL);
        v[TC_VAT] = fk_render__trimmed(c, ln->vat_centi, 2, NULL);
        v[TC_NET] = fk_render__amount(c, ln->net, NULL);
    }
}

/* Width a column header needs: it may wrap, but never inside a word, and not to more than
 * about two lines for the usual labels. */
static float header_width(const fk_render__layout *c, const char *h, float hsize)
{
    const uint16_t *bold = c->width[FONT_BOLD];
    float hw, word = 0;

    for (const char *p = h; *p;) {
        const char *q = strchr(p, ' ');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        float ww = (float)fk_render__text_units(bold, p, n) * hsize / 1000.0f;
        word = ww > word ? ww : word;
        p += n;
        while (*p == ' ')
            p++;
    }
    hw = fk_render__text_width(bold, hsize, h);
    hw = hw > 58.0f ? 58.0f : hw;
    return hw > word ? hw : word;
}

/* Column widths and positions, stepping the size down until the description has room. */
static void measure_columns(const fk_render__layout *c, line_table *t)
{
    size_t nlines = c->inv->nlines;

    t->size = SZ_BODY;
    t->hsize = SZ_SMALL;
    for (;;) {
        float used = 0;
        for (int k = 0; k < TC_COUNT; k++) {
            float cw = 0, hw;
            if (k == TC_DESC)
                continue;
            for (size_t i = 0; i < nlines; i++) {
                float vw = fk_render__text_width(c->width[FONT_REG], t->size,
                                                 t->val[i * TC_COUNT + k]);
                cw = vw > cw ? vw : cw;
            }
            hw = header_width(c, t->hdr[k], t->hsize);
            t->w[k] = (cw > hw ? cw : hw) + 2 * CELL_PAD + 1.0f;
            used += t->w[k];
        }
        t->w[TC_DESC] = CONTENT_W + 2 * CELL_PAD - used;
        if (t->w[TC_DESC] >= MIN_DESC_W || t->size <= 5.0f)
            break;
        t->size -= 0.5f;
        t->hsize = t->size - 1.0f;
    }
    t->x[0] = M_LEFT - CELL_PAD;
    for (int k = 1; k < TC_COUNT; k++)
        t->x[k] = t->x[k - 1] + t->w[k - 1];
}

static int add_table_header(fk_render__layout *c, const line_table *t)
{
    colspec cs[TC_COUNT];
    fk_render__rowopt o = fk_render__plain;

    o.flags = ROW_FILL | ROW_HEADER | ROW_KEEP_NEXT;
    o.last_flags = ROW_KEEP_NEXT; /* the header stays with the first item */
    o.pad_top = 3;
    o.pad_bot = 3;
    o.x0 = M_LEFT - CELL_PAD;
    o.x1 = M_RIGHT + CELL_PAD;
    for (int k = 0; k < TC_COUNT; k++)
        cs[k] = col(t->hdr[k], t->x[k], t->w[k], t->hsize, FONT_BOLD, COLOR_TEXT,
                    (k == TC_DESC || k == TC_UOM) ? ALIGN_LEFT : ALIGN_RIGHT);
    return fk_render__add_table_header(c, cs, TC_COUNT, o);
}

/* One block per item: description (wrapped) and numbers on its first line, the SKU in
 * small print under the description. */
static void add_item(fk_render__layout *c, const line_table *t, size_t i, int table)
{
    const fk_doc_line *ln = &c->inv->lines[i];
    colspec cs[TC_COUNT];
    fk_render__rowopt o = fk_render__plain;
    bool sku = ln->sku && ln->sku[0];

    o.table = table;
    o.pad_top = 3;
    o.pad_bot = sku ? 0 : 3;
    o.last_flags = sku ? ROW_KEEP_NEXT : ROW_RULE;
    o.x0 = M_LEFT - CELL_PAD;
    o.x1 = M_RIGHT + CELL_PAD;
    for (int k = 0; k < TC_COUNT; k++)
        cs[k] = col(t->val[i * TC_COUNT + k], t->x[k], t->w[k], t->size, FONT_REG, COLOR_TEXT,
                    (k == TC_DESC || k == TC_UOM) ? ALIGN_LEFT : ALIGN_RIGHT);
    add_columns(c, cs, TC_COUNT, &o);
    if (sku) {
        o.pad_top = 0;
        o.pad_bot = 3;
        o.last_flags = ROW_RULE;
        cs[0] = col(fk_render__join(c, c->L->sku, ": ", ln->sku), t->x[TC_DESC], t->w[TC_DESC],
                    t->size - 1.5f, FONT_REG, COLOR_MUTED, ALIGN_LEFT);
        add_columns(c, cs, 1, &o);
    }
}

/* The line table: a header row repeated on every page it runs over, one block per item. */
fk_status fk_render__build_table(fk_render__layout *c, fk_error *err)
{
    const fk_render__labels *L = c->L;
    line_table t = {{L->col_no, L->col_desc, L->col_qty, L->col_uom, L->col_unit, L->col_vat,
                     L->col_net},
                    NULL, {0}, {0}, 0, 0};
    fk_status st = FK_OK;
    int table;

    format_lines(c, &t);
    measure_columns(c, &t);
    if (t.w[TC_DESC] < 40.0f) {
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                          "invoice %s: line amounts too long to fit the page width",
                          fk_render__str(c->inv->number));
        goto done;
    }
    table = add_table_header(c, &t);
    for (size_t i = 0; i < c->inv->nlines; i++)
        add_item(c, &t, i, table);
    fk_render__add_spacer(c, 14);
done:
    free(t.val);
    return st;
}
