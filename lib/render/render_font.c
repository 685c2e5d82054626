/* SPDX-License-Identifier: MIT */
/* render_font.c -- the renderer's document and its fonts: reading the font files, loading
 * them (and each face's per-code-page companions) into the one libharu document a renderer
 * keeps, the advance-width tables text is measured with, and, after an invoice is drawn,
 * embedding the fonts it used as subsets (render_sfnt.h).
 *
 * Next to the configured font the renderer uses per-code-page companion subsets made at
 * build time (subset_fonts.py, cmake/Fonts.cmake): STEM.TAG.ttf for each encoding's TAG.
 * A companion that is missing, unreadable or incomplete is simply not used: the face's own
 * font then serves that encoding (correct, larger).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "render/render_hpdf.h"

fk_status fk_render__read_file(const char *path, const char *what, fk_buf *out,
                               fk_error *err)
{
    char chunk[65536];
    size_t n;
    int e = 0;
    FILE *fp = fopen(path, "rb");

    if (!fp)
        return fk_error_set(err, FK_EENV, path, 0, NULL, "cannot open the %s %s: %s", what,
                            path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        fk_buf_append(out, chunk, n);
    if (ferror(fp))
        e = errno ? errno : EIO;
    fclose(fp);
    if (e || out->failed)
        return fk_error_set(err, FK_EENV, path, 0, NULL, "cannot read the %s %s: %s", what,
                            path, e ? strerror(e) : "out of memory");
    return FK_OK;
}

/* The whole font file into out; FK_EENV naming it when it cannot be read or is no font's
 * size. */
static fk_status read_font_file(const char *path, fk_buf *out, fk_error *err)
{
    fk_status st = fk_render__read_file(path, "font", out, err);

    if (st == FK_OK && (out->len == 0 || out->len > UINT32_MAX))
        return fk_error_set(err, FK_EENV, path, 0, NULL, "the font %s is %s", path,
                            out->len ? "too large" : "empty");
    return st;
}

/* Load a TrueType file into the document: libharu's name of the font in *name, or NULL
 * with r->err set by libharu. FK_EENV (err set) when the file cannot be read. *parsed:
 * the file parsed for subsetting, or NULL when that is not possible (render_sfnt.h), or
 * when libharu and the parser do not agree on the glyphs. */
static fk_status load_font(fk_renderer *r, const char *path, const char **name,
                           fk_sfnt **parsed, fk_error *err)
{
    fk_buf file = FK_BUF_INIT;
    unsigned nglyphs = 0;
    bool dup = false;
    fk_status st;

    *name = NULL;
    *parsed = NULL;
    if ((st = read_font_file(path, &file, err)) != FK_OK) {
        fk_buf_free(&file);
        return st;
    }
    *parsed = fk_sfnt_parse((const unsigned char *)file.ptr, file.len);
    *name = fk_render__load_ttf(r->pdf, (const unsigned char *)file.ptr, file.len, &nglyphs,
                                &dup);
    fk_buf_free(&file);
    if (!*name || (*parsed && fk_sfnt_glyphs(*parsed) != nglyphs)) {
        fk_sfnt_free(*parsed);
        *parsed = NULL;
    }
    if (!*name && dup && !r->err.error)
        r->err.error = HPDF_DUPLICATE_REGISTRATION;
    return FK_OK;
}

/* "dir/DejaVuSans.ttf" + "cp1250" -> "dir/DejaVuSans.cp1250.ttf"; NULL without ".ttf". */
static char *companion_path(const char *path, const char *tag)
{
    size_t n = strlen(path), cap;
    char *p;

    if (n < 4 || strcmp(path + n - 4, ".ttf") != 0)
        return NULL;
    cap = n + strlen(tag) + 2;
    p = fk_xmalloc(cap);
    snprintf(p, cap, "%.*s.%s.ttf", (int)(n - 4), path, tag);
    return p;
}

/* A companion is used only if it has a glyph for every character of its encoding that
 * the font itself has; otherwise those characters would print as boxes. */
static bool companion_ok(fk_renderer *r, const char *font, const char *comp, int e)
{
    HPDF_FontDef fd = fk_render__fontdef(r->pdf, font), cd = fk_render__fontdef(r->pdf, comp);

    if (!fd || !cd || r->err.error)
        return false;
    for (int b = 0x20; b < 0x100; b++) {
        HPDF_UNICODE u = r->cp.uni[e][b];
        if (u >= 0x20 && fk_render__glyph_id(fd, u) && !fk_render__glyph_id(cd, u))
            return false;
    }
    return true;
}

/* Encoding e's companion of face f, if there is a usable one. */
static void load_companion(fk_renderer *r, fk_render__face *f, int e)
{
    char *cp = r->cp.ok[e] ? companion_path(f->path, fk_render__encodings[e].tag) : NULL;
    const char *name = NULL;
    fk_sfnt *sf = NULL;

    f->enc_name[e] = f->name;
    fk_sfnt_free(f->sfnt[e]);         /* from an earlier document */
    f->sfnt[e] = NULL;
    if (cp && access(cp, R_OK) == 0) {
        fk_error ignored = FK_ERROR_INIT;
        if (load_font(r, cp, &name, &sf, &ignored) != FK_OK || !name || r->err.error ||
            !companion_ok(r, f->name, name, e)) {
            fk_render__clear_error(r);
            name = NULL;
            fk_sfnt_free(sf);
            sf = NULL;
        }
    }
    if (name) {
        f->enc_name[e] = name;
        f->sfnt[e] = sf;
    }
    free(cp);
}

/* Load one face and, next to it, its per-encoding companions. */
static fk_status load_face(fk_renderer *r, fk_render__face *f, fk_status hpdf_st,
                           const char *number, fk_error *err)
{
    fk_status st;

    fk_sfnt_free(f->main_sfnt);       /* from an earlier document */
    f->main_sfnt = NULL;
    st = load_font(r, f->path, &f->name, &f->main_sfnt, err);
    if (st != FK_OK)
        return st;
    if (!f->name || r->err.error)
        return fk_render__hpdf_failure(&r->err, hpdf_st, err, f->path, "loading the fonts",
                                       number);
    for (int e = 0; e < NENC; e++)
        load_companion(r, f, e);
    return FK_OK;
}

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    fk_render__hpdf_err *e = user_data;

    /* The first error is the cause; what follows is usually fallout from it. */
    if (e && !e->error) {
        e->error = error_no;
        e->detail = detail_no;
    }
}

/* All fonts are loaded here, in a fixed order, never later: libharu names embedded fonts
 * by load order (HPDFAA+..., HPDFAB+...), and the PDF bytes must not depend on earlier
 * invoices. */
fk_status fk_render__setup_doc(fk_renderer *r, fk_status hpdf_st, const char *number,
                               fk_error *err)
{
    if (r->pdf) {
        HPDF_Free(r->pdf);
        r->pdf = NULL;
    }
    fk_render__clear_error(r);
    r->broken = true;
    r->pdf = HPDF_New(on_hpdf_error, &r->err);
    if (!r->pdf)
        r->err.error = HPDF_FAILD_TO_ALLOC_MEM;
    else
        HPDF_UseUTFEncodings(r->pdf);
    if (r->err.error)
        return fk_render__hpdf_failure(&r->err, hpdf_st, err, NULL, "creating the document",
                                       number);
    if (!r->cp.map)
        fk_render__load_encodings(r);
    for (int k = 0; k < r->nfaces; k++) {
        fk_status st = load_face(r, &r->face[k], hpdf_st, number, err);
        if (st != FK_OK)
            return st;
    }
    if (r->nfaces == 1) {             /* headings in the regular face */
        r->face[1].name = r->face[0].name;
        memcpy(r->face[1].enc_name, r->face[0].enc_name, sizeof(r->face[1].enc_name));
    }
    r->broken = false;
    return FK_OK;
}

/* Advance widths of every BMP code point, once per face, read from the font definition
 * before the first document (render_libharu.c says why not per document). */
void fk_render__load_widths(fk_renderer *r)
{
    for (int k = 0; k < r->nfaces; k++) {
        fk_render__face *f = &r->face[k];
        HPDF_FontDef def = fk_render__fontdef(r->pdf, f->name);

        f->width = fk_xcalloc(0x10000, sizeof(*f->width));
        if (def)
            fk_render__char_widths(def, f->width);
    }
    if (r->nfaces == 1)
        r->face[1].width = r->face[0].width;
}

void fk_render__free_faces(fk_renderer *r)
{
    for (int k = 0; k < r->nfaces; k++) {
        free(r->face[k].path);
        free(r->face[k].width);
        for (int e = 0; e < NENC; e++)
            fk_sfnt_free(r->face[k].sfnt[e]);
        fk_sfnt_free(r->face[k].main_sfnt);
    }
}

/* The font itself (no companion for e) only when this document has no UTF-8 text in that
 * face: libharu's CID font would share the font definition and its glyph marks, and is
 * left to libharu entirely. */
static void embed_font(fk_render__doc *c, int fc, int e)
{
    const fk_render__face *f = &c->r->face[fc];
    HPDF_FontDef def = fk_render__fontdef(c->pdf, f->enc_name[e]);
    bool one = c->r->nfaces == 1;     /* bold drawn with the regular face's fonts */
    bool cid = c->font[fc][ENC_CID] || (one && c->font[1][ENC_CID]);
    const fk_sfnt *sf = f->sfnt[e] ? f->sfnt[e] : cid ? NULL : f->main_sfnt;

    fk_render__embed_ttf(c->pdf, def, sf, &c->r->z);
}

void fk_render__embed_fonts(fk_render__doc *c)
{
    for (int fc = 0; fc < c->r->nfaces; fc++)
        for (int e = 0; e < NENC; e++)
            if ((c->font[fc][e] || (c->r->nfaces == 1 && c->font[1][e])) && !c->e->error)
                embed_font(c, fc, e);
}
