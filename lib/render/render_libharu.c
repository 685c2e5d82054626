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
 *    content deflated here (libdeflate), and the finished PDF read out by buffer;
 *  - the PDF/A-3 objects of a Factur-X document (fk_render__add_pdfa3): the embedded XML
 *    as an associated file, the XMP metadata stream, the sRGB OutputIntent, the repaired
 *    CID fonts and an /ID derived from the content (libharu 2.3.0's own PDF/A support
 *    knows PDF/A-1 only and makes the /ID from ctime(), which would break "same input,
 *    same bytes").
 * All of it is written against libharu 2.3.0 (Debian 12) and checked against its sources;
 * the version test below stops the build on any other version rather than let a changed
 * struct layout corrupt memory at run time.
 */
#include <malloc.h>
#include <stdlib.h>
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
#include <hpdf_encrypt.h>
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

/* ---- PDF/A-3 with an associated file (Factur-X) ------------------------------------------ */

/* What fk_renderer_render_facturx() adds to a drawn document, built with libharu 2.3.0's
 * object API: its own PDF/A support (hpdf_pdfa.h) knows PDF/A-1 only, writes its XMP with
 * the wrong key (/SubType), makes the /ID from ctime(), and its HPDF_AttachFile() reads a
 * file by path and writes neither /UF, /Desc, /AFRelationship, the stream's /Type,
 * /Subtype and /Params, nor the catalog's /AF. Each object below is what ISO 19005-3 and
 * Factur-X 1.0 ask for (docs/einvoice.md shows the result). */

/* A PDF text string: printable ASCII as it is (PDFDocEncoding agrees), anything else as
 * UTF-16BE with a byte order mark; a libharu string without an encoder would carry the
 * UTF-8 bytes, which readers take for PDFDocEncoding. */
static void *text_string(HPDF_MMgr mm, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), n = 2;
    unsigned char *u;
    void *obj;
    bool ascii = true;

    for (size_t i = 0; i < len && ascii; i++)
        ascii = p[i] >= 0x20 && p[i] <= 0x7E;
    if (ascii)
        return HPDF_String_New(mm, s, NULL);
    u = fk_xmalloc(2 + 2 * len);      /* every byte at most one UTF-16 unit */
    u[0] = 0xFE;
    u[1] = 0xFF;
    while (*p) {
        unsigned long cp;
        size_t k = fk_render__utf8_decode(p, &cp);

        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        if (cp >= 0x10000) {          /* a surrogate pair for 4 bytes of UTF-8 */
            cp -= 0x10000;
            u[n++] = (unsigned char)(0xD8 | (cp >> 18));
            u[n++] = (unsigned char)(cp >> 10);
            u[n++] = (unsigned char)(0xDC | ((cp >> 8) & 3));
            u[n++] = (unsigned char)cp;
        } else {
            u[n++] = (unsigned char)(cp >> 8);
            u[n++] = (unsigned char)cp;
        }
        p += k;
    }
    obj = HPDF_Binary_New(mm, u, (HPDF_UINT)n);
    free(u);
    return obj;
}

/* A stream whose bytes (already deflated here) are data[0..len). */
static HPDF_Dict deflated_stream(HPDF_Doc pdf, const void *data, size_t len)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);

    if (!s)
        return NULL;
    s->write_fn = write_flate_filter;
    if (HPDF_Stream_Write(s->stream, data, (HPDF_UINT)len) != HPDF_OK)
        return NULL;
    return s;
}

/* The embedded file: an /EmbeddedFile stream, deflated here, with its MIME type and
 * /Params (ISO 32000-1 7.11.4), and the /Filespec pointing at it, which the catalog lists
 * in /AF and under /Names /EmbeddedFiles. */
static bool add_embedded_file(HPDF_Doc pdf, const fk_render__pdfa3 *a, fk_render__deflater *z,
                              const HPDF_BYTE md5[HPDF_MD5_KEY_LEN])
{
    HPDF_MMgr mm = pdf->mmgr;
    size_t zlen = fk_render__deflate(z, a->file, a->file_len);
    HPDF_Dict ef, params, fs, efd, names, files;
    HPDF_Array af, list;
    HPDF_STATUS ret = 0;

    if (zlen) {
        ef = deflated_stream(pdf, z->z, zlen);
    } else {                          /* libdeflate failed: libharu compresses it */
        ef = HPDF_DictStream_New(mm, pdf->xref);
        if (ef) {
            ef->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
            ret += HPDF_Stream_Write(ef->stream, a->file, (HPDF_UINT)a->file_len);
        }
    }
    params = ef ? HPDF_Dict_New(mm) : NULL;
    if (!params)
        return false;
    ret += HPDF_Dict_AddName(ef, "Type", "EmbeddedFile");
    ret += HPDF_Dict_AddName(ef, "Subtype", a->mime); /* written as /text#2Fxml */
    ret += HPDF_Dict_Add(ef, "Params", params);
    ret += HPDF_Dict_Add(params, "ModDate", HPDF_String_New(mm, a->pdf_date, NULL));
    ret += HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)a->file_len);
    ret += HPDF_Dict_Add(params, "CheckSum", HPDF_Binary_New(mm, (HPDF_BYTE *)md5,
                                                             HPDF_MD5_KEY_LEN));

    fs = HPDF_Dict_New(mm);
    if (!fs || HPDF_Xref_Add(pdf->xref, fs) != HPDF_OK) /* indirect: /AF and /Names */
        return false;
    efd = HPDF_Dict_New(mm);
    ret += HPDF_Dict_AddName(fs, "Type", "Filespec");
    ret += HPDF_Dict_Add(fs, "F", HPDF_String_New(mm, a->file_name, NULL));
    ret += HPDF_Dict_Add(fs, "UF", text_string(mm, a->file_name));
    ret += HPDF_Dict_Add(fs, "Desc", text_string(mm, a->desc));
    ret += HPDF_Dict_AddName(fs, "AFRelationship", a->relationship);
    ret += HPDF_Dict_Add(fs, "EF", efd);
    if (ret != HPDF_OK || !efd)
        return false;
    ret += HPDF_Dict_Add(efd, "F", ef);
    ret += HPDF_Dict_Add(efd, "UF", ef);

    af = HPDF_Array_New(mm);
    ret += HPDF_Dict_Add(pdf->catalog, "AF", af);
    if (ret != HPDF_OK)
        return false;
    ret += HPDF_Array_Add(af, fs);
    names = HPDF_Dict_GetItem(pdf->catalog, "Names", HPDF_OCLASS_DICT);
    if (!names) {
        names = HPDF_Dict_New(mm);
        ret += HPDF_Dict_Add(pdf->catalog, "Names", names);
    }
    files = HPDF_Dict_New(mm);
    list = HPDF_Array_New(mm);
    ret += HPDF_Dict_Add(names, "EmbeddedFiles", files);
    if (ret != HPDF_OK)
        return false;
    ret += HPDF_Dict_Add(files, "Names", list);
    if (ret != HPDF_OK)
        return false;
    ret += HPDF_Array_Add(list, HPDF_String_New(mm, a->file_name, NULL));
    ret += HPDF_Array_Add(list, fs);
    return ret == HPDF_OK;
}

/* The OutputIntent PDF/A wants for device colours (the renderer draws in DeviceRGB and
 * DeviceGray): GTS_PDFA1 with an RGB ICC profile. */
static bool add_output_intent(HPDF_Doc pdf, const fk_render__pdfa3 *a)
{
    HPDF_MMgr mm = pdf->mmgr;
    HPDF_Dict icc = deflated_stream(pdf, a->icc_z, a->icc_z_len), oi;
    HPDF_Array list;
    HPDF_STATUS ret = 0;

    if (!icc)
        return false;
    ret += HPDF_Dict_AddNumber(icc, "N", 3);
    oi = HPDF_Dict_New(mm);
    if (!oi || HPDF_Xref_Add(pdf->xref, oi) != HPDF_OK)
        return false;
    ret += HPDF_Dict_AddName(oi, "Type", "OutputIntent");
    ret += HPDF_Dict_AddName(oi, "S", "GTS_PDFA1");
    ret += HPDF_Dict_Add(oi, "OutputConditionIdentifier", HPDF_String_New(mm, a->icc_name,
                                                                          NULL));
    ret += HPDF_Dict_Add(oi, "Info", HPDF_String_New(mm, a->icc_name, NULL));
    ret += HPDF_Dict_Add(oi, "DestOutputProfile", icc);
    list = HPDF_Array_New(mm);
    ret += HPDF_Dict_Add(pdf->catalog, "OutputIntents", list);
    if (ret != HPDF_OK)
        return false;
    return HPDF_Array_Add(list, oi) == HPDF_OK;
}

/* The XMP packet as the catalog's /Metadata: PDF/A wants it unfiltered (ISO 19005-3
 * 6.6.2.1), with /Subtype (libharu 2.3.0's own writes /SubType). */
static bool add_metadata(HPDF_Doc pdf, const fk_render__pdfa3 *a)
{
    HPDF_Dict m = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    HPDF_STATUS ret = 0;

    if (!m)
        return false;
    m->filter = HPDF_STREAM_FILTER_NONE;
    ret += HPDF_Dict_AddName(m, "Type", "Metadata");
    ret += HPDF_Dict_AddName(m, "Subtype", "XML");
    ret += HPDF_Stream_Write(m->stream, (const HPDF_BYTE *)a->xmp, (HPDF_UINT)a->xmp_len);
    ret += HPDF_Dict_Add(pdf->catalog, "Metadata", m);
    return ret == HPDF_OK;
}

/* The stream's filter is its own (write_flate_filter): libharu's CIDFont sets the /Filter
 * of its font's CMap stream from the document's compression mode just before the stream
 * is written, which would announce the deflated bytes twice. */
static HPDF_STATUS keep_own_filter(HPDF_Dict obj)
{
    obj->filter = HPDF_STREAM_FILTER_NONE;
    return HPDF_OK;
}

/* Two things in libharu's UTF-8 (Type0) fonts a reader trips over. Their /ToUnicode is
 * the encoding's code-to-CID CMap, whose begincidrange sections a ToUnicode map must not
 * have (poppler: "Invalid 'begincidrange' in ToUnicode CMap"): the stream gets the
 * caller's CMap instead and loses the keys of an encoding CMap (/Type /CMap, /CMapName
 * /UTF-8, /CIDSystemInfo, /WMode); the object stays where it is, so nothing is left
 * unreferenced. And the CIDFont's /CIDSystemInfo names the character collection
 * Adobe-Identity-H, which does not exist (poppler: "Unknown character collection"): with
 * the Identity-H encoding any collection is allowed (ISO 19005-3 6.2.11.3.1), and
 * Adobe-Identity-0 is the one that means "glyph ids, no collection". */
static bool fix_cid_font(HPDF_Doc pdf, HPDF_Font font, const fk_render__pdfa3 *a)
{
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    HPDF_Array desc = HPDF_Dict_GetItem(font, "DescendantFonts", HPDF_OCLASS_ARRAY);
    HPDF_Dict cid = desc ? HPDF_Array_GetItem(desc, 0, HPDF_OCLASS_DICT) : NULL;
    HPDF_Dict info = cid ? HPDF_Dict_GetItem(cid, "CIDSystemInfo", HPDF_OCLASS_DICT) : NULL;
    HPDF_Stream s;
    static const char *const drop[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};

    if (!cmap || !cmap->stream || !info)
        return false;                 /* not the font libharu 2.3.0 makes */
    if (HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL)) !=
        HPDF_OK)
        return false;
    s = HPDF_MemStream_New(pdf->mmgr, HPDF_STREAM_BUF_SIZ);
    if (!s)
        return false;
    if (HPDF_Stream_Write(s, a->cmap_z, (HPDF_UINT)a->cmap_z_len) != HPDF_OK) {
        HPDF_Stream_Free(s);
        return false;
    }
    HPDF_Stream_Free(cmap->stream);
    cmap->stream = s;
    cmap->before_write_fn = keep_own_filter;
    cmap->write_fn = write_flate_filter;
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        HPDF_Dict_RemoveElement(cmap, drop[i]); /* HPDF_DICT_ITEM_NOT_FOUND is fine */
    return true;
}

/* The bytes of one of libharu's memory streams into the MD5. */
static void md5_memstream(HPDF_MD5_CTX *ctx, HPDF_Stream s)
{
    HPDF_UINT n = s && s->type == HPDF_STREAM_MEMORY ? HPDF_MemStream_GetBufCount(s) : 0;

    for (HPDF_UINT i = 0; i < n; i++) {
        HPDF_UINT len = 0;
        HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(s, i, &len);
        if (p && len)
            HPDF_MD5Update(ctx, p, len);
    }
}

/* PDF/A needs a trailer /ID (ISO 19005-3 6.1.3). Here it is a digest of what the document
 * shows and carries: every page's content stream, the XMP (dates, title, the fx:
 * properties) and the embedded file's digest. Equal documents get equal IDs, different
 * ones different IDs, without a clock. Both halves are the same, as for a new file. */
static bool add_id(HPDF_Doc pdf, const fk_render__pdfa3 *a, const HPDF_BYTE file_md5[16])
{
    HPDF_List pages = pdf->page_list;
    HPDF_MD5_CTX ctx;
    HPDF_BYTE id[HPDF_MD5_KEY_LEN];
    HPDF_Array arr;
    HPDF_STATUS ret = 0;

    HPDF_MD5Init(&ctx);
    HPDF_MD5Update(&ctx, (const HPDF_BYTE *)"faktura pdf/a-3 id", 18);
    for (HPDF_UINT i = 0; pages && i < pages->count; i++) {
        HPDF_Page pg = (HPDF_Page)HPDF_List_ItemAt(pages, i);
        HPDF_PageAttr attr = pg ? (HPDF_PageAttr)pg->attr : NULL;
        if (attr && attr->contents)
            md5_memstream(&ctx, attr->contents->stream);
    }
    HPDF_MD5Update(&ctx, (const HPDF_BYTE *)a->xmp, (HPDF_UINT32)a->xmp_len);
    HPDF_MD5Update(&ctx, file_md5, HPDF_MD5_KEY_LEN);
    HPDF_MD5Final(id, &ctx);

    arr = HPDF_Array_New(pdf->mmgr);
    ret += HPDF_Dict_Add(pdf->trailer, "ID", arr);
    if (ret != HPDF_OK)
        return false;
    ret += HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, HPDF_MD5_KEY_LEN));
    ret += HPDF_Array_Add(arr, HPDF_Binary_New(pdf->mmgr, id, HPDF_MD5_KEY_LEN));
    return ret == HPDF_OK;
}

bool fk_render__add_pdfa3(HPDF_Doc pdf, const fk_render__pdfa3 *a, fk_render__deflater *z)
{
    HPDF_MD5_CTX ctx;
    HPDF_BYTE md5[HPDF_MD5_KEY_LEN];
    bool ok = pdf->info != NULL;      /* made when the Creator was set */

    HPDF_MD5Init(&ctx);
    HPDF_MD5Update(&ctx, a->file, (HPDF_UINT32)a->file_len);
    HPDF_MD5Final(md5, &ctx);

    /* Info: the Title, next to the Creator, Producer and dates set through the public API;
     * the XMP repeats each of them. */
    ok = ok && HPDF_Dict_Add(pdf->info, "Title", text_string(pdf->mmgr, a->title)) == HPDF_OK;
    for (int k = 0; k < 2 && ok; k++)
        if (a->cid[k] && (k == 0 || a->cid[1] != a->cid[0]))
            ok = fix_cid_font(pdf, a->cid[k], a);
    ok = ok && add_output_intent(pdf, a) && add_embedded_file(pdf, a, z, md5) &&
         add_metadata(pdf, a) && add_id(pdf, a, md5);
    if (!ok) {
        /* The object API only records an error; hand it to the renderer's handler the
         * way libharu's public functions do. */
        HPDF_CheckError(&pdf->error);
        return false;
    }
    pdf->pdf_version = HPDF_VER_17;   /* ISO 19005-3 is based on PDF 1.7 */
    return true;
}
