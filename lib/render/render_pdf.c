/* SPDX-License-Identifier: MIT */
/* render_pdf.c -- the renderer's public API (render.h): make and free a renderer, set its
 * logo, and render one fk_invoice to one A4 PDF, step by step: layout (render_content.c),
 * pagination, encodings, drawing, then the document's fonts, ToUnicode maps and page
 * streams, and the bytes. It also turns libharu's recorded errors into fk_status.
 *
 * Why the renderer is built this way:
 *  - Layout happens before drawing (render_impl.h): "Page n of m" is known on page 1, and
 *    nothing depends on libharu's page state.
 *  - Speed and size (issue 9, docs/performance.md) decide how text gets into the PDF: in
 *    runs of single-byte encodings chosen per document (render_encoding.c), with small
 *    companion fonts made at build time, embedded by the renderer itself (render_font.c,
 *    render_sfnt.c); widths come from a table read from the font at start-up.
 *  - No clock, no random IDs: libharu 2.3.0 writes neither unless asked, so equal input
 *    gives equal bytes. The renderer keeps one HPDF_Doc with its fonts loaded (in a fixed
 *    order, since that names the embedded subsets) and starts each invoice with
 *    HPDF_NewDoc, which clears everything per document; so an invoice's bytes depend only
 *    on the invoice. The layout model and string arena live in the renderer and are reused,
 *    so a batch does not malloc per row.
 *  - What goes past libharu's public API is in render_libharu.c alone.
 *  - A Factur-X PDF (fk_renderer_render_facturx) is the same drawing plus, at the end, the
 *    PDF/A-3 objects render_facturx.c prepares; the plain PDF takes none of those steps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/render_hpdf.h"

void fk_render__clear_error(fk_renderer *r)
{
    r->err.error = r->err.detail = 0;
    if (r->pdf)
        HPDF_ResetError(r->pdf);
}

fk_status fk_render__hpdf_failure(const fk_render__hpdf_err *e, fk_status st, fk_error *err,
                                  const char *path, const char *stage, const char *number)
{
    number = fk_render__str(number);
    return fk_error_set(err, st, path, 0, NULL, "libharu error 0x%04X (detail %u) while %s%s%s",
                        (unsigned)e->error, (unsigned)e->detail, stage,
                        number[0] ? " for invoice " : "", number);
}

fk_status fk_renderer_new(fk_renderer **out, const char *font_path, const char *font_bold_path,
                          fk_error *err)
{
    fk_renderer *r;
    fk_status st;

    if (!out || !font_path || !font_path[0])
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_new: a font path is required");
    *out = NULL;
    fk_render__tune_process();
    r = fk_xcalloc(1, sizeof(*r));
    r->face[0].path = fk_xstrdup(font_path);
    r->nfaces = 1;
    if (font_bold_path && font_bold_path[0]) {
        r->face[1].path = fk_xstrdup(font_bold_path);
        r->nfaces = 2;
    }

    /* Load the fonts now, so a missing or broken font file is reported at start-up as an
     * environment problem, not as an internal error on the first invoice. */
    st = fk_render__setup_doc(r, FK_EENV, NULL, err);
    if (st != FK_OK) {
        fk_renderer_free(r);
        return st;
    }
    fk_render__load_widths(r);
    fk_render__clear_error(r);
    *out = r;
    return FK_OK;
}

/* Decode the PNG once now: a file libharu cannot read is a configuration error at
 * start-up, not a failed invoice later. Its size in pixels into *w x *h. */
static fk_status check_logo(fk_renderer *r, const char *png_path, const fk_buf *data,
                            float *w, float *h, fk_error *err)
{
    HPDF_Image img;
    fk_status st;

    if (data->len > UINT32_MAX)
        return fk_error_set(err, FK_EUSAGE, png_path, 0, "logo", "the logo %s is too large",
                            png_path);
    if (r->broken) {
        st = fk_render__setup_doc(r, FK_EENV, NULL, err);
        if (st != FK_OK)
            return st;
    }
    fk_render__clear_error(r);
    img = HPDF_NewDoc(r->pdf) == HPDF_OK
              ? HPDF_LoadPngImageFromMem(r->pdf, (const HPDF_BYTE *)data->ptr,
                                         (HPDF_UINT)data->len)
              : NULL;
    if (!img || r->err.error || HPDF_Image_GetWidth(img) == 0 ||
        HPDF_Image_GetHeight(img) == 0) {
        HPDF_STATUS code = r->err.error;
        HPDF_FreeDoc(r->pdf);
        fk_render__clear_error(r);
        return fk_error_set(err, FK_EUSAGE, png_path, 0, "logo",
                            "the logo %s is not a PNG image libharu can read (error 0x%04X)",
                            png_path, (unsigned)code);
    }
    *w = (float)HPDF_Image_GetWidth(img);
    *h = (float)HPDF_Image_GetHeight(img);
    HPDF_FreeDoc(r->pdf);
    fk_render__clear_error(r);
    return FK_OK;
}

/* The logo changes only when the new one is good: a refused file leaves the renderer as
 * it was (render.h). */
fk_status fk_renderer_set_logo(fk_renderer *r, const char *png_path, fk_error *err)
{
    fk_buf data = FK_BUF_INIT;
    fk_status st;
    float w = 0, h = 0;

    if (!r)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_set_logo: a renderer is required");
    if (png_path && png_path[0]) {
        st = fk_render__read_file(png_path, "logo", &data, err);
        if (st == FK_OK)
            st = check_logo(r, png_path, &data, &w, &h, err);
        if (st != FK_OK) {
            fk_buf_free(&data);
            return st;
        }
    }
    free(r->logo);
    r->logo_w = w;
    r->logo_h = h;
    r->logo_len = data.len;
    r->logo = data.len ? (unsigned char *)fk_buf_take(&data) : NULL;
    fk_buf_free(&data);
    return FK_OK;
}

/* A fresh document in the renderer's libharu instance (rebuilt first after an error). */
static fk_status start_document(fk_render__doc *c, fk_error *err)
{
    fk_renderer *r = c->r;
    fk_status st;

    c->stage = "loading the fonts";
    if (r->broken) {
        /* A font file that went away or cannot be read since fk_renderer_new() is the
         * environment's doing (FK_EENV); anything else libharu refuses is a bug. */
        st = fk_render__setup_doc(r, FK_EINTERNAL, c->lay.inv->number, err);
        if (st != FK_OK)
            return st;
    }
    fk_render__clear_error(r);
    c->stage = "creating the document";
    c->pdf = r->pdf;
    if (HPDF_NewDoc(r->pdf) != HPDF_OK || r->err.error)
        return fk_render__hpdf_failure(c->e, FK_EINTERNAL, err, NULL, c->stage,
                                       c->lay.inv->number);
    HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_CREATOR, "faktura");
    return FK_OK;
}

/* Layout and drawing, then what the document needs before it is written. */
static fk_status draw_document(fk_render__doc *c, fk_buf *out, fk_error *err)
{
    fk_renderer *r = c->r;
    fk_status st;

    c->stage = "laying out the invoice";
    st = fk_render__build(&c->lay, err);
    if (st != FK_OK)
        return st;
    c->lay.npages = fk_render__paginate(c->lay.m, c->lay.bottom);
    fk_render__plan_encodings(c);

    c->stage = "drawing the pages";
    fk_render__draw(c);
    fk_render__add_tounicode(c);
    fk_render__embed_fonts(c);
    fk_render__deflate_pages(c->pdf, &r->z, c->e);
    if (c->fx && !r->err.error) {
        c->stage = "making the PDF/A-3 (Factur-X) document";
        fk_render__facturx_finish(c);
    }
    if (!r->err.error) {
        c->stage = "writing the PDF";
        if (!fk_render__save(c->pdf, out, c->e) && !c->e->error)
            c->e->error = HPDF_INVALID_OPERATION;
    }
    if (r->err.error)
        return fk_render__hpdf_failure(c->e, FK_EINTERNAL, err, NULL, c->stage,
                                       c->lay.inv->number);
    if (out->failed)
        return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                            "invoice %s: PDF does not fit the output buffer",
                            fk_render__str(c->lay.inv->number));
    return FK_OK;
}

/* One invoice; fx: as a Factur-X PDF/A-3b (render.h), or NULL for the plain PDF, to
 * which nothing of Factur-X's applies: its bytes stay what they were before Factur-X. */
static fk_status render(fk_renderer *r, const fk_invoice *inv, const fk_facturx *fx,
                        fk_buf *out, fk_error *err)
{
    fk_render__doc c;
    fk_status st;
    size_t len0;

    if (!r || !inv || !out)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_render: renderer, invoice and output are required");
    if ((inv->nlines && !inv->lines) || (inv->nvat && !inv->vat) || inv->exponent < 0 ||
        inv->exponent > 9)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "invoice %s: inconsistent invoice data (lines, VAT or exponent %d)",
                            fk_render__str(inv->number), inv->exponent);
    if (fx && (st = fk_render__facturx_check(r, inv, fx, err)) != FK_OK)
        return st;

    memset(&c, 0, sizeof(c));
    c.fx = fx;
    c.r = r;
    c.e = &r->err;
    c.lay.m = &r->m;
    c.lay.inv = inv;
    c.lay.L = fk_render__labels_for(inv->language);
    c.lay.width[FONT_REG] = r->face[0].width;
    c.lay.width[FONT_BOLD] = r->face[1].width;
    if (r->logo) {
        c.lay.logo = true;
        fk_render__logo_box(r->logo_w, r->logo_h, &c.lay.logo_w, &c.lay.logo_h);
    }
    fk_render__model_reset(c.lay.m);
    len0 = out->len;

    st = start_document(&c, err);
    if (st == FK_OK)
        st = draw_document(&c, out, err);
    if (st != FK_OK && !out->failed && out->len > len0) {
        /* Leave no half document behind. */
        out->len = len0;
        if (out->ptr)
            out->ptr[len0] = '\0';
    }
    if (r->err.error)
        r->broken = true;             /* start from scratch next time */
    else if (r->pdf)
        HPDF_FreeDoc(r->pdf);         /* release the document's memory now */
    fk_render__model_reset(c.lay.m);
    return st;
}

fk_status fk_renderer_render(fk_renderer *r, const fk_invoice *inv, fk_buf *out, fk_error *err)
{
    return render(r, inv, NULL, out, err);
}

fk_status fk_renderer_render_facturx(fk_renderer *r, const fk_invoice *inv,
                                     const fk_facturx *fx, fk_buf *out, fk_error *err)
{
    if (!fx)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_render_facturx: the Factur-X document is required");
    return render(r, inv, fx, out, err);
}

void fk_renderer_free(fk_renderer *r)
{
    if (!r)
        return;
    if (r->pdf)
        HPDF_Free(r->pdf);
    fk_render__model_free(&r->m);
    fk_buf_free(&r->run);
    fk_render__deflater_free(&r->z);
    fk_render__free_faces(r);
    fk_render__free_encodings(&r->cp);
    fk_render__facturx_free(r);
    free(r->logo);
    free(r);
}
