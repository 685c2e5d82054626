/* SPDX-License-Identifier: MIT */
/* render_encoding.c -- the single-byte code pages text is drawn with (issue 9,
 * docs/performance.md): their tables, read from libharu once per renderer; the choice of
 * a document's encodings from the text it holds, before anything is drawn; and the
 * ToUnicode CMaps that make the non-WinAnsi ones extract exactly. Which code each
 * character gets while drawing is render_draw.c's part; the fonts for each encoding (the
 * companions) are render_font.c's.
 */
#include <stdlib.h>
#include <string.h>
#include "render/render_hpdf.h"

/* Order matters: on a tie the earlier one wins, and the first is the cheapest (WinAnsi
 * needs no /Differences and no ToUnicode). Keep the tags in step with ENCODINGS in
 * subset_fonts.py. */
const fk_render__enc fk_render__encodings[NENC] = {
    {"WinAnsiEncoding", "winansi", false}, /* Western Europe: en, de, nb, fr, nl, ... */
    {"CP1250", "cp1250", true},            /* Central Europe: pl, cs, sk, hu, hr, sl, ro */
    {"CP1251", "cp1251", true},            /* Cyrillic */
    {"CP1253", "cp1253", true},            /* Greek */
    {"CP1257", "cp1257", true},            /* Baltic */
    {"CP1254", "cp1254", true},            /* Turkish */
    {"ISO8859-16", "iso8859-16", true},    /* Romanian with comma below */
    {"ISO8859-3", "iso8859-3", true},      /* Maltese, Esperanto */
    {"ISO8859-10", "iso8859-10", true},    /* Nordic incl. Sami, Greenlandic */
};

long fk_render__map_find(const fk_render__codepages *cp, unsigned long c)
{
    size_t lo = 0, hi = cp->nmap;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp->map[mid].cp < c)
            lo = mid + 1;
        else if (cp->map[mid].cp > c)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

static int cmp_cpmap(const void *a, const void *b)
{
    const fk_render__cpmap *x = a, *y = b;

    return (int)x->cp - (int)y->cp;
}

/* Add encoding e's codes 0x80..0xFF to tmp[0..*n), lowest first: an encoding with two
 * codes for one character always uses the lower one. C1 controls and unassigned codes are
 * skipped. */
static void add_upper_half(fk_render__cpmap *tmp, size_t *n, const uint16_t uni[256], int e)
{
    for (int b = 0x80; b < 256; b++) {
        uint16_t u = uni[b];
        size_t i;
        if (u < 0xA0)
            continue;
        for (i = 0; i < *n && tmp[i].cp != u; i++)
            ;
        if (i == *n) {
            tmp[*n].cp = u;
            (*n)++;
        }
        if (!((tmp[i].mask >> e) & 1u)) {
            tmp[i].mask |= (uint16_t)(1u << e);
            tmp[i].code[e] = (unsigned char)b;
        }
    }
}

/* The encodings' tables, from libharu (so they are exactly what it will write): code ->
 * Unicode per encoding, and the sorted map Unicode -> (encodings, codes). */
void fk_render__load_encodings(fk_renderer *r)
{
    fk_render__codepages *cp = &r->cp;
    fk_render__cpmap *tmp = fk_xcalloc(NENC * 128, sizeof(*tmp));
    size_t n = 0, i, j;

    for (int e = 0; e < NENC; e++) {
        HPDF_Encoder enc = HPDF_GetEncoder(r->pdf, fk_render__encodings[e].hpdf);
        cp->ok[e] = enc != NULL && !r->err.error;
        fk_render__clear_error(r);
        if (!cp->ok[e])
            continue;
        for (int b = 0; b < 256; b++)
            cp->uni[e][b] = HPDF_Encoder_GetUnicode(enc, (HPDF_UINT16)b);
        for (int b = 0x20; b < 0x7F; b++)
            if (cp->uni[e][b] != b)
                cp->ok[e] = false;
        if (cp->ok[e])
            add_upper_half(tmp, &n, cp->uni[e], e);
    }
    qsort(tmp, n, sizeof(*tmp), cmp_cpmap);
    for (i = j = 0; i < n; i++)       /* (cannot repeat; kept simple and safe) */
        if (j == 0 || tmp[j - 1].cp != tmp[i].cp)
            tmp[j++] = tmp[i];
    cp->map = tmp;
    cp->nmap = j;
    cp->assign = fk_xcalloc(j ? j : 1, 1);
}

void fk_render__free_encodings(fk_render__codepages *cp)
{
    free(cp->map);
    free(cp->assign);
    cp->map = NULL;
    cp->assign = NULL;
    cp->nmap = 0;
}

/* Note the non-ASCII characters of s as present in this document. */
static void plan_note(fk_render__codepages *cp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long c;

    while (*p) {
        size_t k;
        long i;
        if (*p < 0x80) {
            p++;
            continue;
        }
        k = fk_render__utf8_decode(p, &c);
        if (k == 0) {
            p++;
            continue;
        }
        i = fk_render__map_find(cp, c);
        if (i >= 0 && cp->assign[i] == ENC_NONE)
            cp->assign[i] = ENC_PENDING;
        p += k;
    }
}

/* Greedily the encoding that has most of the characters still uncovered, until all are
 * covered; returns the first choice, or -1 if there was nothing to cover. */
static int assign_greedy(fk_render__codepages *cp)
{
    int primary = -1;

    for (;;) {
        size_t count[NENC] = {0};
        int best = -1;
        for (size_t i = 0; i < cp->nmap; i++)
            if (cp->assign[i] == ENC_PENDING)
                for (int e = 0; e < NENC; e++)
                    count[e] += (cp->map[i].mask >> e) & 1u;
        for (int e = 0; e < NENC; e++)
            if (count[e] > 0 && (best < 0 || count[e] > count[best]))
                best = e;
        if (best < 0)
            return primary;
        for (size_t i = 0; i < cp->nmap; i++)
            if (cp->assign[i] == ENC_PENDING && ((cp->map[i].mask >> best) & 1u))
                cp->assign[i] = (unsigned char)best;
        if (primary < 0)
            primary = best;
    }
}

/* A Polish invoice is all CP1250, and one with a Cyrillic item adds CP1251 for that item
 * only. The first choice is the primary encoding, used for text without non-ASCII
 * characters. Depends only on the invoice's text, so equal invoices give equal bytes. */
void fk_render__plan_encodings(fk_render__doc *c)
{
    fk_render__codepages *cp = &c->r->cp;
    const fk_render__model *m = c->lay.m;
    const char *line = c->lay.footer;

    memset(cp->assign, ENC_NONE, cp->nmap ? cp->nmap : 1);
    for (size_t i = 0; i < m->ncells; i++)
        plan_note(cp, m->cells[i].text);
    for (int k = 0; k < c->lay.nfooter; k++, line = fk_render__next_line(line))
        plan_note(cp, line);
    plan_note(cp, c->lay.running);
    plan_note(cp, c->lay.L->page);
    plan_note(cp, c->lay.L->of);
    c->primary = assign_greedy(cp);
    if (c->primary < 0)
        c->primary = 0;
}

/* The CMap of encoding e for the codes this document drew with it, into t. */
static void tounicode_text(const fk_render__doc *c, int e, int n, fk_buf *t)
{
    int in_block = 0;

    fk_buf_reset(t);
    fk_buf_puts(t, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> "
                   "def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
    for (int b = 0; b < 256; b++) {
        if (!c->used[e][b])
            continue;
        if (in_block == 0)          /* at most 100 entries per block */
            fk_buf_printf(t, "%d beginbfchar\n", n > 100 ? 100 : n);
        fk_buf_printf(t, "<%02X> <%04X>\n", (unsigned)b, (unsigned)c->r->cp.uni[e][b]);
        n--;
        if (++in_block == 100 || n == 0) {
            fk_buf_puts(t, "endbfchar\n");
            in_block = 0;
        }
    }
    fk_buf_puts(t, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* A ToUnicode CMap for each single-byte encoding whose glyph names do not map back to
 * the right characters everywhere (Greek "Delta" reads as U+2206 in poppler, "mu" as the
 * micro sign): it lists exactly the codes this document drew, so text extraction is exact
 * and the stream stays small. Shared by the regular and bold font of the encoding. */
void fk_render__add_tounicode(fk_render__doc *c)
{
    fk_buf *t = &c->r->z.raw;

    for (int e = 0; e < NENC; e++) {
        int n = 0;

        if (!fk_render__encodings[e].tounicode || (!c->font[0][e] && !c->font[1][e]))
            continue;
        for (int b = 0; b < 256; b++)
            n += c->used[e][b] != 0;
        if (n == 0)
            continue;
        tounicode_text(c, e, n, t);
        if (!fk_render__attach_tounicode(c->pdf, c->font[0][e], c->font[1][e], t->ptr, t->len,
                                         &c->r->z))
            return;
    }
}
