/* SPDX-License-Identifier: MIT */
/* render_paginate.c -- which page every row goes on, and where. Works on the layout model
 * alone (no libharu, no invoice), before anything is drawn, so the page count is known
 * when page 1 is drawn. The rules: a run of rows joined by "keep with next" moves to the
 * next page as one unit; only a unit taller than a whole page is split, line by line; a
 * spacer at the top of a page is dropped; a table continued on a new page gets its header
 * again (listed in m->reps).
 */
#include "render/render_impl.h"

typedef struct cursor {
    int page;
    float y;
    bool empty;               /* nothing but a repeated header on this page yet */
} cursor;

static float page_top(int page)
{
    return page == 1 ? TOP_FIRST : TOP_CONT;
}

static void new_page(fk_render__model *m, cursor *cur, const fk_render__row *next)
{
    cur->page++;
    cur->y = page_top(cur->page);
    cur->empty = true;
    if (next->table >= 0 && !(next->flags & ROW_HEADER)) {
        m->reps = fk_render__grow(m->reps, &m->capreps, m->nreps + 1, sizeof(*m->reps));
        m->reps[m->nreps].table = next->table;
        m->reps[m->nreps].page = cur->page;
        m->reps[m->nreps].top = cur->y;
        m->nreps++;
        cur->y -= m->tables[next->table].h;
    }
}

static void place(cursor *cur, fk_render__row *r)
{
    r->page = cur->page;
    r->top = cur->y;
    cur->y -= r->h;
    cur->empty = false;
}

/* Place rows i..j (one keep-together unit of height gh). */
static void place_unit(fk_render__model *m, cursor *cur, size_t i, size_t j, float gh,
                       float bottom)
{
    const float eps = 0.01f;
    float fresh;
    size_t k;

    if (cur->y - gh >= bottom - eps) {
        for (k = i; k <= j; k++)
            place(cur, &m->rows[k]);
        return;
    }
    fresh = page_top(cur->page + 1) - bottom;
    if (m->rows[i].table >= 0 && !(m->rows[i].flags & ROW_HEADER))
        fresh -= m->tables[m->rows[i].table].h;
    if (gh <= fresh + eps && !cur->empty) {
        new_page(m, cur, &m->rows[i]);
        for (k = i; k <= j; k++)
            place(cur, &m->rows[k]);
        return;
    }
    /* Taller than a page: split it, line by line. A line always goes on a page that has
     * nothing else yet, so this cannot loop. */
    for (k = i; k <= j; k++) {
        if (cur->y - m->rows[k].h < bottom - eps && !cur->empty)
            new_page(m, cur, &m->rows[k]);
        place(cur, &m->rows[k]);
    }
}

int fk_render__paginate(fk_render__model *m, float bottom)
{
    cursor cur = {1, TOP_FIRST, true};
    size_t i = 0, j;

    m->nreps = 0;
    while (i < m->nrows) {
        float gh = m->rows[i].h;

        if ((m->rows[i].flags & ROW_SPACER) && cur.empty) {
            m->rows[i].page = 0;
            i++;
            continue;
        }
        for (j = i; (m->rows[j].flags & ROW_KEEP_NEXT) && j + 1 < m->nrows; j++)
            gh += m->rows[j + 1].h;
        place_unit(m, &cur, i, j, gh, bottom);
        i = j + 1;
    }
    return cur.page;
}
