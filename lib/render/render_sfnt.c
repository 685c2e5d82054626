/* SPDX-License-Identifier: MIT */
/* render_sfnt.c -- subset a TrueType font for one PDF (see render_sfnt.h for why).
 *
 * The output has the tables a PDF reader uses (the 13 libharu embeds: OS/2, cmap, cvt,
 * fpgm, glyf, head, hhea, hmtx, loca, maxp, name, post, prep) in the input's order, each
 * at a 4-byte boundary: 'glyf' holds only the kept glyphs' outlines, 'loca' points the
 * dropped glyphs at empty outlines (so glyph ids, 'hmtx' and 'cmap' stay valid
 * unchanged), 'post' loses its glyph names (format 3: a PDF reader maps codes to glyphs
 * through the cmap), 'head' gets a new checkSumAdjustment, the rest is copied byte for
 * byte. Layout tables (GSUB, GPOS, kern, ...) are dropped: PDF text is positioned
 * glyph by glyph. The caller decides which
 * glyphs to keep; libharu's own per-document glyph marks (components of composite glyphs
 * included) are what the renderer passes. Everything read from the file is bounds-checked
 * once in fk_sfnt_parse(), so subsetting itself cannot read out of range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "render/render_sfnt.h"

#define MAX_TABLES 64

typedef struct table_rec {
    uint32_t tag, off, len;
} table_rec;

struct fk_sfnt {
    unsigned char *data;
    size_t len;
    table_rec tab[MAX_TABLES];
    unsigned ntab;
    bool keep[MAX_TABLES];        /* written to subsets */
    unsigned nkeep;
    int glyf, loca, head;         /* indexes into tab */
    bool long_loca;
    unsigned nglyphs;
    uint32_t *gstart;             /* nglyphs + 1 outline offsets within 'glyf' */
};

static uint32_t be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static int find(const fk_sfnt *f, uint32_t tag)
{
    for (unsigned i = 0; i < f->ntab; i++)
        if (f->tab[i].tag == tag)
            return (int)i;
    return -1;
}

fk_sfnt *fk_sfnt_parse(const unsigned char *data, size_t len)
{
    fk_sfnt *f;
    const unsigned char *loca;
    int maxp;
    uint32_t version;

    if (!data || len < 12 || len > UINT32_MAX)
        return NULL;
    version = be32(data);
    if (version != 0x00010000u && version != TAG('t', 'r', 'u', 'e'))
        return NULL;
    f = fk_xcalloc(1, sizeof(*f));
    f->ntab = be16(data + 4);
    if (f->ntab == 0 || f->ntab > MAX_TABLES || 12 + 16 * (size_t)f->ntab > len)
        goto bad;
    for (unsigned i = 0; i < f->ntab; i++) {
        const unsigned char *r = data + 12 + 16 * i;
        table_rec *t = &f->tab[i];
        t->tag = be32(r);
        t->off = be32(r + 8);
        t->len = be32(r + 12);
        if (t->off > len || t->len > len - t->off)
            goto bad;
    }
    for (unsigned i = 0; i < f->ntab; i++) {
        static const uint32_t KEEP[] = {
            TAG('O', 'S', '/', '2'), TAG('c', 'm', 'a', 'p'), TAG('c', 'v', 't', ' '),
            TAG('f', 'p', 'g', 'm'), TAG('g', 'l', 'y', 'f'), TAG('h', 'e', 'a', 'd'),
            TAG('h', 'h', 'e', 'a'), TAG('h', 'm', 't', 'x'), TAG('l', 'o', 'c', 'a'),
            TAG('m', 'a', 'x', 'p'), TAG('n', 'a', 'm', 'e'), TAG('p', 'o', 's', 't'),
            TAG('p', 'r', 'e', 'p')};
        for (size_t k = 0; k < sizeof(KEEP) / sizeof(KEEP[0]); k++)
            if (f->tab[i].tag == KEEP[k] && !f->keep[i]) {
                f->keep[i] = true;
                f->nkeep++;
            }
    }
    f->glyf = find(f, TAG('g', 'l', 'y', 'f'));
    f->loca = find(f, TAG('l', 'o', 'c', 'a'));
    f->head = find(f, TAG('h', 'e', 'a', 'd'));
    maxp = find(f, TAG('m', 'a', 'x', 'p'));
    if (f->glyf < 0 || f->loca < 0 || f->head < 0 || maxp < 0 ||
        find(f, TAG('C', 'F', 'F', ' ')) >= 0 || f->tab[f->head].len < 54 ||
        f->tab[maxp].len < 6)
        goto bad;
    f->long_loca = be16(data + f->tab[f->head].off + 50) != 0;
    f->nglyphs = be16(data + f->tab[maxp].off + 4);
    if (f->nglyphs == 0 ||
        f->tab[f->loca].len < (f->nglyphs + 1u) * (f->long_loca ? 4u : 2u))
        goto bad;

    /* Outline offsets: non-decreasing and inside 'glyf', so every copy is in range. */
    f->gstart = fk_xcalloc(f->nglyphs + 1u, sizeof(*f->gstart));
    loca = data + f->tab[f->loca].off;
    for (unsigned g = 0; g <= f->nglyphs; g++) {
        f->gstart[g] = f->long_loca ? be32(loca + 4 * g) : 2 * be16(loca + 2 * g);
        if ((g > 0 && f->gstart[g] < f->gstart[g - 1]) || f->gstart[g] > f->tab[f->glyf].len)
            goto bad;
    }
    f->data = fk_xmalloc(len);
    memcpy(f->data, data, len);
    f->len = len;
    return f;
bad:
    fk_sfnt_free(f);
    return NULL;
}

unsigned fk_sfnt_glyphs(const fk_sfnt *f)
{
    return f ? f->nglyphs : 0;
}

/* TrueType checksum of p[0..n) with n a multiple of 4 (tables are zero-padded). */
static uint32_t checksum(const unsigned char *p, size_t n)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 4 <= n; i += 4)
        sum += be32(p + i);
    return sum;
}

static void pad4(fk_buf *out, size_t base)
{
    static const char zero[4] = {0, 0, 0, 0};
    size_t n = (out->len - base) % 4;

    if (n)
        fk_buf_append(out, zero, 4 - n);
}

/* Offset table: version, numTables and the binary-search hints for it. */
static void put_offset_table(const fk_sfnt *f, fk_buf *out)
{
    unsigned char h[12];
    uint32_t pow2 = 1, log2 = 0;

    while (pow2 * 2 <= f->nkeep) {
        pow2 *= 2;
        log2++;
    }
    memcpy(h, f->data, 4);
    put16(h + 4, f->nkeep);
    put16(h + 6, pow2 * 16);
    put16(h + 8, log2);
    put16(h + 10, f->nkeep * 16 - pow2 * 16);
    fk_buf_append(out, h, 12);
}

/* The contents of table i as the subset has it; at: the new outline offsets. */
static void put_table(const fk_sfnt *f, unsigned i, const unsigned char *used,
                      const uint32_t *at, fk_buf *out)
{
    const table_rec *t = &f->tab[i];
    const unsigned char *glyf = f->data + f->tab[f->glyf].off;

    if ((int)i == f->glyf) {
        for (unsigned g = 0; g < f->nglyphs; g++)
            if (g == 0 || used[g])
                fk_buf_append(out, glyf + f->gstart[g], f->gstart[g + 1] - f->gstart[g]);
    } else if ((int)i == f->loca) {
        unsigned char b[4];
        for (unsigned g = 0; g <= f->nglyphs; g++) {
            if (f->long_loca) {
                put32(b, at[g]);
                fk_buf_append(out, b, 4);
            } else {
                put16(b, at[g] / 2);
                fk_buf_append(out, b, 2);
            }
        }
    } else if (t->tag == TAG('p', 'o', 's', 't') && t->len >= 32) {
        unsigned char post[32];
        memcpy(post, f->data + t->off, 32);
        put32(post, 0x00030000u);     /* format 3: no glyph names */
        fk_buf_append(out, post, 32);
    } else {
        fk_buf_append(out, f->data + t->off, t->len);
    }
}

bool fk_sfnt_subset(const fk_sfnt *f, const unsigned char *used, size_t n, fk_buf *out)
{
    size_t base, dir, head_at = 0;
    uint32_t *at, pos = 0;

    if (!f || !used || n != f->nglyphs)
        return false;

    /* New outline offsets first: 'loca' may come before 'glyf' in the file. */
    at = fk_xcalloc(f->nglyphs + 1u, sizeof(*at));
    for (unsigned g = 0; g < f->nglyphs; g++) {
        at[g] = pos;
        if (g == 0 || used[g])
            pos += f->gstart[g + 1] - f->gstart[g];
    }
    at[f->nglyphs] = pos;

    base = out->len;
    put_offset_table(f, out);
    dir = out->len;
    for (unsigned i = 0; i < f->nkeep; i++)
        fk_buf_append(out, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);

    for (unsigned i = 0, k = 0; i < f->ntab; i++) {
        size_t start = out->len, len;
        unsigned char *r;

        if (!f->keep[i])
            continue;
        put_table(f, i, used, at, out);
        if ((int)i == f->head)
            head_at = start;
        len = out->len - start;
        pad4(out, base);
        if (out->failed)
            break;
        if ((int)i == f->head)
            memset(out->ptr + head_at + 8, 0, 4); /* checkSumAdjustment, set below */
        r = (unsigned char *)out->ptr + dir + 16 * k++;
        put32(r, f->tab[i].tag);
        put32(r + 4, checksum((const unsigned char *)out->ptr + start, out->len - start));
        put32(r + 8, (uint32_t)(start - base));
        put32(r + 12, (uint32_t)len);
    }
    free(at);
    if (out->failed)
        return true;                  /* the caller checks out->failed */
    put32((unsigned char *)out->ptr + head_at + 8,
          0xB1B0AFBAu - checksum((const unsigned char *)out->ptr + base, out->len - base));
    return true;
}

void fk_sfnt_free(fk_sfnt *f)
{
    if (!f)
        return;
    free(f->data);
    free(f->gstart);
    free(f);
}
