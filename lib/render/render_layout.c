/* SPDX-License-Identifier: MIT */
/* render_layout.c -- the layout model: rows of measured, wrapped cells, the table headers
 * that repeat after a page break, and the string arena they point into. Content
 * (render_content.c) builds blocks of columns with these calls; pagination and drawing
 * read the rows. The model lives in the renderer and is reset, not freed, per invoice.
 *
 * A row is one line of text high and holds only text cells plus a fill or a rule. Content
 * that is not text (an image such as a payment QR code) would be a new kind of row item:
 * a box of the row's height that pagination places like any row and drawing paints.
 */
#include <stdlib.h>
#include <string.h>
#include "render/render_impl.h"

#define ARENA_BLOCK ((size_t)65536)

struct fk_render__block {
    struct fk_render__block *next;
    size_t used, cap;
    char data[];
};

const fk_render__rowopt fk_render__plain = {0, 0, 0, 0, 0, 0, -1};

void *fk_render__grow(void *p, size_t *cap, size_t need, size_t elsz)
{
    size_t nc;

    if (need <= *cap)
        return p;
    nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    *cap = nc;
    return fk_xrealloc(p, nc * elsz);
}

/* Standard blocks are recycled through the spare list, so a batch settles at a few blocks
 * and stops allocating; only a string bigger than a block gets (and later frees) its own. */
char *fk_render__dup(fk_render__model *m, const char *s, size_t n)
{
    fk_render__block *b = m->arena;
    char *p;

    if (!b || b->cap - b->used < n + 1) {
        if (n + 1 <= ARENA_BLOCK && m->spare) {
            b = m->spare;
            m->spare = b->next;
        } else {
            size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
            b = fk_xmalloc(sizeof(*b) + cap);
            b->cap = cap;
        }
        b->used = 0;
        b->next = m->arena;
        m->arena = b;
    }
    p = b->data + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

void fk_render__model_reset(fk_render__model *m)
{
    fk_render__block *b = m->arena, *next;

    for (; b; b = next) {
        next = b->next;
        if (b->cap == ARENA_BLOCK) {
            b->next = m->spare;
            m->spare = b;
        } else {
            free(b);
        }
    }
    m->arena = NULL;
    m->ncells = m->nrows = m->ntables = m->nreps = 0;
    fk_buf_reset(&m->clean);
    fk_buf_reset(&m->wrap);
}

static void free_blocks(fk_render__block *b)
{
    fk_render__block *next;

    for (; b; b = next) {
        next = b->next;
        free(b);
    }
}

void fk_render__model_free(fk_render__model *m)
{
    free_blocks(m->arena);
    free_blocks(m->spare);
    free(m->cells);
    free(m->rows);
    free(m->tables);
    free(m->reps);
    fk_buf_free(&m->clean);
    fk_buf_free(&m->wrap);
    memset(m, 0, sizeof(*m));
}

const char *fk_render__wrap_text(fk_render__layout *c, const char *raw, int font, float size,
                                 float width, int *nlines)
{
    fk_buf *out = &c->m->wrap;
    const char *s = fk_render__clean(&c->m->clean, raw);

    *nlines = fk_render__wrap(out, c->width[font], s, size, width);
    /* out holds n NUL-terminated lines; the arena adds one more NUL, harmless. */
    return fk_render__dup(c->m, fk_buf_cstr(out), out->len);
}

const char *fk_render__join(fk_render__layout *c, const char *a, const char *sep,
                            const char *b)
{
    fk_buf *t = &c->m->wrap;  /* free between fk_render__wrap_text() calls */

    fk_buf_reset(t);
    a = fk_render__str(a);
    b = fk_render__str(b);
    fk_buf_puts(t, a);
    if (a[0] && b[0])
        fk_buf_puts(t, sep);
    fk_buf_puts(t, b);
    return fk_render__dup(c->m, fk_buf_cstr(t), t->len);
}

fk_render__colspec fk_render__col(const char *text, float x, float w, float size, int font,
                                  int color, int align)
{
    fk_render__colspec s;

    s.text = text;
    s.x = x;
    s.w = w;
    s.size = size;
    s.font = (unsigned char)font;
    s.color = (unsigned char)color;
    s.align = (unsigned char)align;
    return s;
}

static fk_render__row *push_row(fk_render__layout *c, float h, float base, unsigned flags,
                                const fk_render__rowopt *o)
{
    fk_render__model *m = c->m;
    fk_render__row *r;

    m->rows = fk_render__grow(m->rows, &m->caprows, m->nrows + 1, sizeof(*m->rows));
    r = &m->rows[m->nrows++];
    memset(r, 0, sizeof(*r));
    r->cell0 = m->ncells;
    r->h = h;
    r->base = base;
    r->flags = flags;
    r->x0 = o && o->x1 > o->x0 ? o->x0 : M_LEFT;
    r->x1 = o && o->x1 > o->x0 ? o->x1 : M_RIGHT;
    r->table = o ? o->table : -1;
    return r;
}

static void push_cell(fk_render__layout *c, fk_render__row *r, const char *text,
                      const fk_render__colspec *col)
{
    fk_render__model *m = c->m;
    fk_render__cell *ce;

    m->cells = fk_render__grow(m->cells, &m->capcells, m->ncells + 1, sizeof(*m->cells));
    ce = &m->cells[m->ncells++];
    ce->text = text;
    ce->size = col->size;
    ce->font = col->font;
    ce->color = col->color;
    ce->align = col->align;
    ce->x = col->align == ALIGN_RIGHT ? col->x + col->w - CELL_PAD : col->x + CELL_PAD;
    r->ncells++;
}

void fk_render__add_columns(fk_render__layout *c, const fk_render__colspec *cols, size_t n,
                            const fk_render__rowopt *o)
{
    const char *line[8];
    int nl[8], rows = 1;
    float size = 0;
    size_t k;

    for (k = 0; k < n && k < 8; k++) {
        line[k] = fk_render__wrap_text(c, cols[k].text, cols[k].font, cols[k].size,
                                       cols[k].w - 2 * CELL_PAD, &nl[k]);
        if (nl[k] > rows)
            rows = nl[k];
        if (cols[k].size > size)
            size = cols[k].size;
    }
    for (int i = 0; i < rows; i++) {
        float top = i == 0 ? o->pad_top : 0, bot = i == rows - 1 ? o->pad_bot : 0;
        unsigned flags = o->flags | (i < rows - 1 ? ROW_KEEP_NEXT : o->last_flags);
        fk_render__row *r = push_row(c, top + size * LEAD + bot, top + size * ASCENT, flags, o);
        for (k = 0; k < n && k < 8; k++) {
            if (i < nl[k]) {
                if (line[k][0])
                    push_cell(c, r, line[k], &cols[k]);
                line[k] = fk_render__next_line(line[k]);
            }
        }
    }
}

void fk_render__add_spacer(fk_render__layout *c, float h)
{
    push_row(c, h, 0, ROW_SPACER, NULL);
}

void fk_render__keep_together(fk_render__layout *c, size_t from)
{
    fk_render__model *m = c->m;

    for (size_t i = from; i + 1 < m->nrows; i++)
        m->rows[i].flags |= ROW_KEEP_NEXT;
    if (m->nrows > 0)
        m->rows[m->nrows - 1].flags &= ~ROW_KEEP_NEXT;
}

int fk_render__add_table_header(fk_render__layout *c, const fk_render__colspec *cols,
                                size_t n, fk_render__rowopt o)
{
    fk_render__model *m = c->m;
    fk_render__table *t;
    size_t first = m->nrows;
    int index = (int)m->ntables;

    m->tables = fk_render__grow(m->tables, &m->captables, m->ntables + 1, sizeof(*m->tables));
    o.table = index;
    fk_render__add_columns(c, cols, n, &o);
    t = &m->tables[m->ntables++];
    t->row0 = first;
    t->nrows = m->nrows - first;
    t->h = 0;
    for (size_t i = first; i < m->nrows; i++)
        t->h += m->rows[i].h;
    return index;
}
