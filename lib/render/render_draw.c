/* SPDX-License-Identifier: MIT */
/* render_draw.c -- painting the paginated rows onto libharu pages: fills and rules, text as
 * runs of single-byte encoded strings (the encodings render_encoding.c planned, the
 * UTF-8 fallback for the rest), the page furniture (running header, "Page n of m",
 * footer) and the logo. Public libharu API only; what the document needs afterwards
 * (fonts embedded, ToUnicode, deflated pages) is done by the caller, render_pdf.c.
 */
#include <stdio.h>
#include <string.h>
#include "render/render_hpdf.h"

typedef struct pen {
    HPDF_Page pg;
    HPDF_Font font;
    float size;
    int color;
} pen;

static void set_fill(HPDF_Page pg, int color)
{
    switch (color) {
    case COLOR_MUTED:
        HPDF_Page_SetRGBFill(pg, 0.40f, 0.42f, 0.45f);
        break;
    case COLOR_ACCENT:
        HPDF_Page_SetRGBFill(pg, 0.11f, 0.25f, 0.45f);
        break;
    default:
        HPDF_Page_SetRGBFill(pg, 0.08f, 0.08f, 0.10f);
        break;
    }
}

static void draw_row_graphics(HPDF_Page pg, const fk_render__row *r, float top)
{
    float bot = top - r->h;

    if (r->flags & ROW_FILL) {
        HPDF_Page_SetRGBFill(pg, 0.92f, 0.93f, 0.95f);
        /* Overlap by a hair so two fill rows (a wrapped header) show no seam. */
        HPDF_Page_Rectangle(pg, r->x0, bot - 0.2f, r->x1 - r->x0, r->h + 0.4f);
        HPDF_Page_Fill(pg);
    }
    if (r->flags & (ROW_RULE | ROW_RULE_STRONG)) {
        bool strong = (r->flags & ROW_RULE_STRONG) != 0;
        HPDF_Page_SetLineWidth(pg, strong ? 0.9f : 0.4f);
        if (strong)
            HPDF_Page_SetRGBStroke(pg, 0.11f, 0.25f, 0.45f);
        else
            HPDF_Page_SetRGBStroke(pg, 0.78f, 0.80f, 0.83f);
        HPDF_Page_MoveTo(pg, r->x0, bot);
        HPDF_Page_LineTo(pg, r->x1, bot);
        HPDF_Page_Stroke(pg);
    }
}

/* The document's font for a face and encoding, made on first use so an invoice only
 * carries the fonts it draws with. NULL after a libharu error (recorded by the handler). */
static HPDF_Font doc_font(fk_render__doc *c, int fc, int e)
{
    HPDF_Font *slot = &c->font[fc][e];
    const fk_render__face *f = &c->r->face[fc];

    if (!*slot)
        *slot = e == ENC_CID ? HPDF_GetFont(c->pdf, f->name, "UTF-8")
                             : HPDF_GetFont(c->pdf, f->enc_name[e],
                                            fk_render__encodings[e].hpdf);
    return *slot;
}

/* Show the bytes collected in r->run with encoding e: the first run of a text places it
 * (TextOut), the next ones continue where the previous one ended (ShowText). */
static void flush_run(fk_render__doc *c, pen *p, int fc, int e, float size, bool first, float x,
                      float base)
{
    fk_buf *b = &c->r->run;
    HPDF_Font f;

    if (b->len == 0)
        return;
    f = doc_font(c, fc, e);
    if (f) {
        if (p->font != f || p->size != size) {
            HPDF_Page_SetFontAndSize(p->pg, f, size);
            p->font = f;
            p->size = size;
        }
        if (first)
            HPDF_Page_TextOut(p->pg, x, base, fk_buf_cstr(b));
        else
            HPDF_Page_ShowText(p->pg, fk_buf_cstr(b));
    }
    fk_buf_reset(b);
}

/* The encoding for the character at s (cp, its code point; i, its map index or -1; cur,
 * the open run's encoding or -1). A character stays in the current run's encoding when
 * that has it (so "«Война»" is not cut into three runs), else it takes the encoding the
 * plan gave it; characters no encoding has go through the UTF-8 fallback. ASCII continues
 * whatever run is open. */
static int pick_encoding(const fk_render__doc *c, unsigned long cp, long i, int cur)
{
    const fk_render__codepages *m = &c->r->cp;
    int e;

    if (cp < 0x80)
        return cur >= 0 ? cur : c->primary;
    if (i < 0)
        return ENC_CID;
    if (cur >= 0 && cur != ENC_CID && ((m->map[i].mask >> cur) & 1u))
        return cur;
    if (m->assign[i] < NENC)
        return m->assign[i];
    for (e = 0; !((m->map[i].mask >> e) & 1u); e++) /* not seen by the plan: the first */
        ;
    return e;
}

/* Whether the face has a glyph for cp. Asked only for Factur-X (PDF/A) documents, which
 * must not show .notdef (ISO 19005-3 6.2.11.8), the box a font draws for a character it
 * lacks: there such a character prints as '?'. The plain PDF keeps the box (its bytes do
 * not change). A face's companions have a glyph exactly where the face has one
 * (render_font.c, companion_ok), so the face answers for them. */
static bool has_glyph(fk_render__doc *c, int font, unsigned long cp)
{
    if (!c->glyphs[font])
        c->glyphs[font] = fk_render__fontdef(c->pdf, c->r->face[font].name);
    return !c->glyphs[font] || cp > 0xFFFF ||
           fk_render__glyph_id(c->glyphs[font], (HPDF_UNICODE)cp) != 0;
}

/* Characters whose glyph name in libharu's single-byte encodings stands for another
 * character in the Adobe Glyph List, through which a PDF/A validator finds the glyph of a
 * simple TrueType font (name, AGL, the font's (3,1) cmap): CP1253's Delta, Omega and mu
 * are U+2206, U+2126 and U+00B5 there, ISO 8859-16's Tcommaaccent and tcommaaccent are
 * U+0162 and U+0163. The validator would then find another glyph (of another width) or
 * none in a companion subset (ISO 19005-3 6.2.11.4.1, 6.2.11.5), so a Factur-X (PDF/A)
 * document draws these few through the UTF-8 fallback, whose glyphs are addressed by id.
 * The list is libharu 2.3.0's encodings checked against the AGL name by name. */
static bool name_elsewhere(unsigned long cp)
{
    return cp == 0x0394 || cp == 0x03A9 || cp == 0x03BC || cp == 0x021A || cp == 0x021B;
}

/* Draw UTF-8 text as runs of single-byte encoded text. */
static void draw_text(fk_render__doc *c, pen *p, const char *text, float x, float base, int font,
                      float size, int color, int align)
{
    const fk_render__codepages *m = &c->r->cp;
    const unsigned char *s = (const unsigned char *)text;
    fk_buf *run = &c->r->run;
    int cur = -1;
    bool first = true;

    if (!text[0])
        return;
    if (p->color != color) {
        set_fill(p->pg, color);
        p->color = color;
    }
    if (align == ALIGN_RIGHT)
        x -= fk_render__text_width(c->lay.width[font], size, text);
    fk_buf_reset(run);
    while (*s) {
        unsigned long cp = *s;
        size_t k = 1;
        long i = -1;
        int e;
        bool subst = false;

        if (cp >= 0x80 && (k = fk_render__utf8_decode(s, &cp)) != 0)
            i = fk_render__map_find(m, cp);
        if (k == 0) {                /* cannot happen after fk_render__clean() */
            cp = '?';
            k = 1;
        }
        if (cp >= 0x80 && c->fx) {
            if (!has_glyph(c, font, cp)) {
                cp = '?';
                i = -1;
                subst = true;
            } else if (name_elsewhere(cp)) {
                i = -1;               /* the UTF-8 fallback: glyph ids, no names */
            }
        }
        e = pick_encoding(c, cp, i, cur);
        if (e != cur && cur >= 0) {
            flush_run(c, p, font, cur, size, first, x, base);
            first = false;
        }
        cur = e;
        if (e == ENC_CID) {
            if (subst)
                fk_buf_putc(run, '?');
            else
                fk_buf_append(run, s, k);
        } else {
            unsigned char code = cp < 0x80 ? (unsigned char)cp : m->map[i].code[e];
            fk_buf_putc(run, (char)code);
            c->used[e][code] = 1;
        }
        s += k;
    }
    flush_run(c, p, font, cur, size, first, x, base);
}

static void draw_row_text(fk_render__doc *c, pen *p, const fk_render__row *r, float top)
{
    for (size_t k = 0; k < r->ncells; k++) {
        const fk_render__cell *ce = &c->lay.m->cells[r->cell0 + k];
        draw_text(c, p, ce->text, ce->x, top - r->base, ce->font, ce->size, ce->color,
                  ce->align);
    }
}

static void draw_furniture(fk_render__doc *c, pen *p, int page)
{
    const fk_render__layout *lay = &c->lay;
    char num[128];
    const char *line = lay->footer;
    float base;

    if (page > 1)
        draw_text(c, p, lay->running, M_LEFT, RUNNING_BASE, FONT_REG, SZ_SMALL, COLOR_MUTED,
                  ALIGN_LEFT);
    snprintf(num, sizeof(num), "%s %d %s %d", lay->L->page, page, lay->L->of, lay->npages);
    draw_text(c, p, num, M_RIGHT, FOOT_BASE, FONT_REG, SZ_SMALL, COLOR_MUTED, ALIGN_RIGHT);
    base = FOOT_BASE + 12.0f + (float)(lay->nfooter - 1) * FOOT_SIZE * LEAD;
    for (int i = 0; i < lay->nfooter; i++) {
        draw_text(c, p, line, M_LEFT, base, FONT_REG, FOOT_SIZE, COLOR_MUTED, ALIGN_LEFT);
        base -= FOOT_SIZE * LEAD;
        line = fk_render__next_line(line);
    }
}

/* The seller's logo, decoded from the PNG kept in memory (libharu images belong to one
 * document). Its top is level with the top of the title. */
static void draw_logo(fk_render__doc *c, HPDF_Page pg)
{
    const fk_render__layout *lay = &c->lay;
    HPDF_Image img;

    if (!lay->logo)
        return;
    img = HPDF_LoadPngImageFromMem(c->pdf, c->r->logo, (HPDF_UINT)c->r->logo_len);
    if (!img)
        return;
    HPDF_Page_DrawImage(pg, img, M_RIGHT - lay->logo_w, TOP_FIRST + 6.0f - lay->logo_h,
                        lay->logo_w, lay->logo_h);
}

/* The EPC QR code as one 1-bit image (the layout's bitmap), at the right of the payment
 * block, its top level with the block's first text row. */
static void draw_qr(fk_render__doc *c, HPDF_Page pg, int page)
{
    const fk_render__layout *lay = &c->lay;
    const fk_render__row *r;
    HPDF_Image img;

    if (!lay->qr_n || lay->qr_row >= lay->m->nrows)
        return;
    r = &lay->m->rows[lay->qr_row];
    if (r->page != page)
        return;
    /* libharu sizes a 1-bit image as width x height / 8 bytes, without the padding of
     * each row to a byte that PDF wants: the bitmap's rows are whole bytes (white modules
     * on the right, in the quiet zone), so both agree. */
    int w = (lay->qr_n + 7) / 8 * 8;
    float module = lay->qr_size / (float)lay->qr_n;
    img = HPDF_LoadRawImageFromMem(c->pdf, lay->qr_bits, (HPDF_UINT)w, (HPDF_UINT)lay->qr_n,
                                   HPDF_CS_DEVICE_GRAY, 1);
    if (!img)
        return;
    HPDF_Page_DrawImage(pg, img, M_RIGHT - (float)w * module, r->top - lay->qr_size,
                        (float)w * module, lay->qr_size);
}

/* Rows [r0, r1) and repeated headers [q0, q1) of one page: which is which. */
typedef struct page_span {
    int page;
    size_t r0, r1, q0, q1;
} page_span;

/* Fills and rules first, so text is painted over them. */
static void draw_page_graphics(fk_render__doc *c, HPDF_Page pg, const page_span *sp)
{
    const fk_render__model *m = c->lay.m;

    for (size_t q = sp->q0; q < sp->q1; q++) {
        const fk_render__table *t = &m->tables[m->reps[q].table];
        float top = m->reps[q].top;
        for (size_t h = 0; h < t->nrows; h++) {
            draw_row_graphics(pg, &m->rows[t->row0 + h], top);
            top -= m->rows[t->row0 + h].h;
        }
    }
    for (size_t k = sp->r0; k < sp->r1; k++)
        if (m->rows[k].page == sp->page)
            draw_row_graphics(pg, &m->rows[k], m->rows[k].top);
    if (sp->page > 1) {
        HPDF_Page_SetLineWidth(pg, 0.4f);
        HPDF_Page_SetRGBStroke(pg, 0.78f, 0.80f, 0.83f);
        HPDF_Page_MoveTo(pg, M_LEFT, RUNNING_BASE - 6.0f);
        HPDF_Page_LineTo(pg, M_RIGHT, RUNNING_BASE - 6.0f);
        HPDF_Page_Stroke(pg);
    }
}

static void draw_page_text(fk_render__doc *c, HPDF_Page pg, const page_span *sp)
{
    const fk_render__model *m = c->lay.m;
    pen p = {pg, NULL, 0, -1};

    HPDF_Page_BeginText(pg);
    for (size_t q = sp->q0; q < sp->q1; q++) {
        const fk_render__table *t = &m->tables[m->reps[q].table];
        float top = m->reps[q].top;
        for (size_t h = 0; h < t->nrows; h++) {
            draw_row_text(c, &p, &m->rows[t->row0 + h], top);
            top -= m->rows[t->row0 + h].h;
        }
    }
    for (size_t k = sp->r0; k < sp->r1; k++)
        if (m->rows[k].page == sp->page)
            draw_row_text(c, &p, &m->rows[k], m->rows[k].top);
    draw_furniture(c, &p, sp->page);
    HPDF_Page_EndText(pg);
}

/* Rows are in page order, so each page takes the next run of them. */
void fk_render__draw(fk_render__doc *c)
{
    const fk_render__model *m = c->lay.m;
    size_t ri = 0, qi = 0;

    for (int page = 1; page <= c->lay.npages && !c->e->error; page++) {
        HPDF_Page pg = HPDF_AddPage(c->pdf);
        page_span sp;

        if (!pg)
            return;
        HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
        while (ri < m->nrows && m->rows[ri].page == 0)
            ri++;
        sp.page = page;
        sp.r0 = ri;
        sp.q0 = qi;
        while (qi < m->nreps && m->reps[qi].page == page)
            qi++;
        while (ri < m->nrows && (m->rows[ri].page == page || m->rows[ri].page == 0))
            ri++;
        sp.r1 = ri;
        sp.q1 = qi;
        if (page == 1)
            draw_logo(c, pg);
        draw_qr(c, pg, page);
        draw_page_graphics(c, pg, &sp);
        draw_page_text(c, pg, &sp);
    }
}
