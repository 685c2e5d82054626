/* SPDX-License-Identifier: MIT */
/* render_libharu.c -- the only file in faktura that reaches past libharu's public API into
 * its internals, and the only one that changes process-wide settings for it.
 *
 * What is here, and why (each place says more):
 *  - glibc's malloc trim and mmap thresholds, raised for the whole process;
 *  - HPDF_MemSet/HPDF_MemCpy, replaced in the process by libc's routines;
 *  - through libharu's installed internal headers (hpdf_doc.h, hpdf_objects.h,
 *    hpdf_fontdef.h, hpdf_pages.h, hpdf_streams.h; every function used is exported by
 *    2.3.0): loading a font from memory, glyph ids and widths from a font definition, the
 *    font descriptor of a font embedded here, a ToUnicode CMap for single-byte fonts, page
 *    content deflated here (libdeflate), and the finished PDF read out by buffer.
 * All of it is written against libharu 2.3.0 (Debian 12) and checked against its sources;
 * the version test below stops the build on any other version rather than let a changed
 * struct layout corrupt memory at run time.
 *
 * Later PDF work that needs libharu's object API belongs here too: the Factur-X mode
 * (PDF/A-3) has to embed the XML invoice as an associated file, write XMP metadata and an
 * OutputIntent with an ICC profile. libharu 2.3.0's own PDF/A support (hpdf_pdfa.h) knows
 * PDF/A-1 only and makes the trailer /ID from ctime(), which would break "same input, same
 * bytes"; those objects are to be built here with HPDF_Dict_* / HPDF_DictStream_New, the
 * way the font descriptor and the ToUnicode CMap are, with an /ID derived from the
 * invoice.
 */
#include <malloc.h>
#include <string.h>
#include <hpdf.h>
#include <hpdf_version.h>

#if !defined(HPDF_MAJOR_VERSION) || !defined(HPDF_MINOR_VERSION) || \
    !defined(HPDF_BUGFIX_VERSION)
#error "render_libharu.c: hpdf_version.h does not define HPDF_MAJOR/MINOR/BUGFIX_VERSION"
#elif HPDF_MAJOR_VERSION != 2 || HPDF_MINOR_VERSION != 3 || HPDF_BUGFIX_VERSION != 0
#error "render_libharu.c uses libharu 2.3.0's internal structs (HPDF_Doc_Rec, HPDF_PageAttr, \
HPDF_TTFontDefAttr, HPDF_Stream) and replaces HPDF_MemSet/HPDF_MemCpy: check every use in \
this file against this libharu version's sources before allowing it here"
#endif
#ifdef HPDF_SHARED
#error "render_libharu.c needs libharu's internal headers: build without HPDF_SHARED"
#endif

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <libdeflate.h>
#include "render/render_hpdf.h"

/* ---- Process-wide settings -------------------------------------------------------------- */

/* libharu 2.3.0 clears and copies memory with byte loops of its own (HPDF_MemSet and
 * HPDF_MemCpy in hpdf_utils.c): every content operator it writes first clears a 512-byte
 * buffer, and every byte of a document passes through HPDF_MemCpy on its way into and out
 * of libharu's streams. The two loops were 17 % of all instructions of a batch (callgrind,
 * 500 invoices). libharu calls both through its PLT, so these definitions, with the same
 * contract (hpdf_utils.h; both return the end of the area written, as the loops do), take
 * their place in the process and use libc's routines. memmove, not memcpy: the loop
 * tolerates overlapping areas. test_render checks that these are the ones libharu uses;
 * -DFK_NO_HPDF_MEM_HOOKS builds without them. */
#ifndef FK_NO_HPDF_MEM_HOOKS
void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
    memset(s, c, n);
    return (HPDF_BYTE *)s + n;
}

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
    memmove(out, in, n);
    return out + n;
}
#endif

/* glibc returns freed memory at the top of the heap to the system once more than
 * M_TRIM_THRESHOLD (128 KiB) is free there, and serves blocks above M_MMAP_THRESHOLD with
 * mmap. zlib allocates ~270 KB per compressed stream and libharu frees everything per
 * document, so each invoice would otherwise map, fault in and unmap that memory again
 * (measured: twice the CPU time). Process-wide, harmless for the rest of faktura. */
void fk_render__tune_process(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}

/* ---- Streams deflated here -------------------------------------------------------------- */

/* Every stream of an invoice is deflated here, with libdeflate and one compressor kept for
 * the renderer's life, not by libharu, which sets up zlib for each stream (deflateInit:
 * ~270 KB allocated and partly zeroed, for a 4 KB page). The level: TrueType outlines
 * compress little (about 1.5x) whatever the effort, page content well at any level.
 * Measured on 500 generated invoices (callgrind, whole run; median PDF): level 1 679 M
 * instructions, 13,637 bytes; level 3 763 M, 13,396 bytes; level 6 800 M, 13,328 bytes
 * (before, zlib: level 1 for the fonts, libharu's level 6 for the rest: 943 M, 13,559
 * bytes). Level 1: about the size zlib gave, for 28 % fewer instructions in all. */
#define DEFLATE_LEVEL 1

size_t fk_render__deflate(fk_render__deflater *d, const void *in, size_t n)
{
    size_t bound;

    if (!d->c && !(d->c = libdeflate_alloc_compressor(DEFLATE_LEVEL)))
        return 0;
    bound = libdeflate_zlib_compress_bound(d->c, n);
    if (bound > d->zcap) {
        free(d->z);
        d->z = fk_xmalloc(bound);
        d->zcap = bound;
    }
    return libdeflate_zlib_compress(d->c, in, n, d->z, d->zcap);
}

void fk_render__deflater_free(fk_render__deflater *d)
{
    if (d->c)
        libdeflate_free_compressor(d->c);
    free(d->z);
    fk_buf_free(&d->raw);
    memset(d, 0, sizeof(*d));
}

/* libharu writes a stream dictionary's /Filter itself, and removes it when libharu does
 * not compress the stream; a stream compressed here says so through the dictionary's
 * write hook, which runs after the entries. */
static HPDF_STATUS write_flate_filter(HPDF_Dict obj, HPDF_Stream stream)
{
    (void)obj;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* The bytes of one of libharu's memory streams, appended to out, buffer by buffer
 * (hpdf_streams.h) rather than through HPDF_Stream_Read, which copies byte by byte. */
static bool memstream_bytes(HPDF_Stream s, fk_buf *out)
{
    size_t len0 = out->len;
    HPDF_UINT n = HPDF_MemStream_GetBufCount(s);

    for (HPDF_UINT i = 0; i < n; i++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);
        if (!p)
            return false;
        fk_buf_append(out, p, len);
    }
    return !out->failed && out->len - len0 == s->size;
}

/* Deflate a page's content stream here once it is drawn: the dict gets a new stream
 * holding the compressed bytes and writes its own /Filter. Only when libharu will not
 * write to the page again: its before-write hook closes an open text or path object and
 * unbalanced q operators, and this renderer leaves none. Anything else (or a failure here)
 * leaves the stream to libharu's own deflate. */
static void deflate_page(HPDF_Doc pdf, HPDF_Page pg, fk_render__deflater *z)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
    HPDF_Dict contents = attr->contents;
    HPDF_Stream old = contents->stream, s;
    fk_buf *raw = &z->raw;
    size_t zlen;

    if (attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION || !attr->gstate || attr->gstate->depth > 1 ||
        !old || old->type != HPDF_STREAM_MEMORY || attr->stream != old)
        return;
    fk_buf_reset(raw);
    if (!memstream_bytes(old, raw) || (zlen = fk_render__deflate(z, raw->ptr, raw->len)) == 0)
        return;
    s = HPDF_MemStream_New(pdf->mmgr, HPDF_STREAM_BUF_SIZ);
    if (!s)
        return;
    if (HPDF_Stream_Write(s, z->z, (HPDF_UINT)zlen) != HPDF_OK) {
        HPDF_Stream_Free(s);
        return;
    }
    contents->stream = s;
    attr->stream = s;
    HPDF_Stream_Free(old);
    contents->filter = HPDF_STREAM_FILTER_NONE;
    contents->write_fn = write_flate_filter;
}

void fk_render__deflate_pages(HPDF_Doc pdf, fk_render__deflater *z,
                              const fk_render__hpdf_err *e)
{
    HPDF_List pages = pdf->page_list;

    for (HPDF_UINT i = 0; pages && i < pages->count && !e->error; i++)
        deflate_page(pdf, (HPDF_Page)HPDF_List_ItemAt(pages, i), z);
}

/* Append the finished document to out, buffer by buffer (memstream_bytes). */
bool fk_render__save(HPDF_Doc pdf, fk_buf *out, const fk_render__hpdf_err *e)
{
    if (HPDF_SaveToStream(pdf) != HPDF_OK || e->error)
        return false;
    return pdf->stream && pdf->stream->size != 0 && memstream_bytes(pdf->stream, out);
}

/* ---- Fonts ------------------------------------------------------------------------------ */

/* libharu 2.3.0 only offers HPDF_LoadTTFontFromFile, whose file stream re-reads the font
 * with an fseek (a syscall) per table and glyph on every invoice; measured, those syscalls
 * were a quarter of the render time. This does what that function does (hpdf_doc.c,
 * LoadTTFontFromStream) with a memory stream, through functions 2.3.0 exports: parse,
 * refuse a second font of the same name, register, and give the next subset tag (HPDFAA,
 * HPDFAB, ...). */
const char *fk_render__load_ttf(HPDF_Doc pdf, const unsigned char *data, size_t len,
                                unsigned *nglyphs, bool *dup)
{
    HPDF_Stream st = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)len);
    HPDF_FontDef def;

    *dup = false;
    if (!st || HPDF_Stream_Write(st, data, (HPDF_UINT)len) != HPDF_OK) {
        if (st)
            HPDF_Stream_Free(st);
        return NULL;
    }
    def = HPDF_TTFontDef_Load(pdf->mmgr, st, HPDF_TRUE); /* owns st from here */
    if (!def)
        return NULL;
    *nglyphs = ((HPDF_TTFontDefAttr)def->attr)->num_glyphs;
    if (HPDF_Doc_FindFontDef(pdf, def->base_font) ||
        HPDF_List_Add(pdf->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        *dup = true;
        return NULL;
    }
    if (pdf->ttfont_tag[0] == 0) {
        memcpy(pdf->ttfont_tag, "HPDFAA", 6);
    } else {
        for (int i = 5; i >= 0; i--) {
            if (++pdf->ttfont_tag[i] <= 'Z')
                break;
            pdf->ttfont_tag[i] = 'A';
        }
    }
    HPDF_TTFontDef_SetTagName(def, (char *)pdf->ttfont_tag);
    return def->base_font;
}

HPDF_FontDef fk_render__fontdef(HPDF_Doc pdf, const char *font)
{
    return HPDF_GetFontDef(pdf, font);
}

unsigned fk_render__glyph_id(HPDF_FontDef def, HPDF_UNICODE u)
{
    return HPDF_TTFontDef_GetGlyphid(def, u);
}

/* libharu would give the same numbers per document, but asking it through a document's
 * font also marks the glyph as used (embedded); the font definition's table does not. */
void fk_render__char_widths(HPDF_FontDef def, uint16_t *width)
{
    for (unsigned long cp = 0; cp < 0x10000; cp++) {
        HPDF_INT16 w = HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)cp);
        width[cp] = w > 0 ? (uint16_t)w : 0;
    }
}

/* Embed a single-byte font the fast way (render_sfnt.h): subset it to the glyphs libharu
 * marked while drawing this document, deflate it and hand libharu a finished
 * FontDescriptor, the one its own code would build (hpdf_font_tt.c, CreateDescriptor), so
 * it skips its per-byte copy. libharu clears fontdef->descriptor at the next HPDF_NewDoc. */
bool fk_render__embed_ttf(HPDF_Doc pdf, HPDF_FontDef def, const fk_sfnt *sf,
                          fk_render__deflater *z)
{
    HPDF_TTFontDefAttr a;
    HPDF_Dict desc, file;
    HPDF_MMgr mm = pdf->mmgr;
    fk_buf *raw = &z->raw;
    size_t zlen;
    HPDF_STATUS ret = 0;

    if (!def || def->descriptor || !sf)
        return false;
    a = (HPDF_TTFontDefAttr)def->attr;
    fk_buf_reset(raw);
    if (!fk_sfnt_subset(sf, a->glyph_tbl.flgs, a->num_glyphs, raw) || raw->failed)
        return false;
    if ((zlen = fk_render__deflate(z, raw->ptr, raw->len)) == 0)
        return false;

    file = HPDF_DictStream_New(mm, pdf->xref);
    desc = file ? HPDF_Dict_New(mm) : NULL;
    if (!desc || HPDF_Xref_Add(pdf->xref, desc) != HPDF_OK)
        return true;                  /* the handler recorded the error */
    file->write_fn = write_flate_filter;
    ret += HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)raw->len);
    ret += HPDF_Stream_Write(file->stream, z->z, (HPDF_UINT)zlen);
    ret += HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    ret += HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    ret += HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    ret += HPDF_Dict_AddNumber(desc, "CapHeight", def->cap_height);
    ret += HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
    ret += HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(mm, def->font_bbox));
    ret += HPDF_Dict_AddName(desc, "FontName", a->base_font);
    ret += HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    ret += HPDF_Dict_AddNumber(desc, "StemV", def->stemv);
    ret += HPDF_Dict_AddNumber(desc, "XHeight", def->x_height);
    ret += HPDF_Dict_Add(desc, "FontFile2", file);
    if (ret == HPDF_OK)
        def->descriptor = desc;
    return true;
}

/* The CMap stream, deflated here if it can be, else by libharu; shared by both fonts. */
bool fk_render__attach_tounicode(HPDF_Doc pdf, HPDF_Font f1, HPDF_Font f2, const char *cmap,
                                 size_t len, fk_render__deflater *z)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    size_t zlen;

    if (!s)
        return false;                 /* the handler recorded why */
    zlen = fk_render__deflate(z, cmap, len);
    if (zlen) {
        s->write_fn = write_flate_filter;
        HPDF_Stream_Write(s->stream, z->z, (HPDF_UINT)zlen);
    } else {
        s->filter = HPDF_STREAM_FILTER_FLATE_DECODE; /* libharu compresses it */
        HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)cmap, (HPDF_UINT)len);
    }
    if (f1)
        HPDF_Dict_Add(f1, "ToUnicode", s);
    if (f2 && f2 != f1)
        HPDF_Dict_Add(f2, "ToUnicode", s);
    return true;
}
