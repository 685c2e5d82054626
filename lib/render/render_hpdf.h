/* SPDX-License-Identifier: MIT */
/* render_hpdf.h -- the renderer's libharu side; internal to lib/render.
 *
 * The renderer object, the per-document drawing context, the single-byte encodings
 * (render_encoding.c), font loading and embedding (render_font.c), drawing
 * (render_draw.c), and the calls into render_libharu.c, the only file that reaches past
 * libharu's public API (hpdf.h) into its internals or changes process-wide settings.
 * Everything else here uses libharu's public API only.
 *
 * Errors: libharu reports an error by calling a handler and then returning an error code.
 * The handler (render_pdf.c) only records the first error in fk_renderer.err; each stage
 * checks the record and fk_render__hpdf_failure() turns it into an fk_status with its
 * fk_error. No longjmp: unwinding through libharu is not needed since HPDF_FreeDoc/HPDF_Free
 * release everything the document allocated. After an error the renderer rebuilds its
 * document before the next invoice. Failures of the renderer's own (a font file that
 * cannot be read) are fk_status + fk_error where they happen.
 */
#ifndef FK_RENDER_HPDF_H
#define FK_RENDER_HPDF_H
#include <hpdf.h>
#include "render/render_impl.h"
#include "render/render_sfnt.h"

/* ---- Encodings (render_encoding.c) ------------------------------------------------------
 * Text is drawn with single-byte encodings whenever they cover it: libharu then embeds a
 * simple TrueType font (a 256-entry width table, only the glyphs used). Its UTF-8 path (a
 * CID font) builds a 65,536-entry glyph map per font per document and a ToUnicode CMap
 * poppler complains about, so it is only the fallback for characters none of these
 * encodings has. */
#define NENC 9
#define ENC_CID NENC              /* the UTF-8 (CID font) fallback */
#define ENC_NONE 0xFFu            /* not in this document */
#define ENC_PENDING 0xFEu         /* in this document, encoding not chosen yet */

typedef struct fk_render__enc {
    const char *hpdf;             /* libharu's name */
    const char *tag;              /* companion font file: STEM.TAG.ttf */
    bool tounicode;               /* glyph names alone do not extract reliably */
} fk_render__enc;

extern const fk_render__enc fk_render__encodings[NENC];

/* A non-ASCII character at least one encoding has: which ones (bit e), and its code there. */
typedef struct fk_render__cpmap {
    uint16_t cp;
    uint16_t mask;
    unsigned char code[NENC];
} fk_render__cpmap;

/* The encodings' tables, read from libharu once per renderer. */
typedef struct fk_render__codepages {
    fk_render__cpmap *map;        /* sorted by cp */
    size_t nmap;
    unsigned char *assign;        /* per map entry, per document: ENC_* */
    uint16_t uni[NENC][256];      /* code -> Unicode, for ToUnicode CMaps */
    bool ok[NENC];                /* printable ASCII maps to itself */
} fk_render__codepages;

/* ---- Fonts (render_font.c) -------------------------------------------------------------- */

/* One face (regular or bold). */
typedef struct fk_render__face {
    char *path;
    const char *name;             /* libharu's name of the font file itself */
    const char *enc_name[NENC];   /* font drawn with each encoding: companion or the font */
    fk_sfnt *sfnt[NENC];          /* the companion's file, parsed; NULL: libharu embeds */
    fk_sfnt *main_sfnt;           /* the font's own file, parsed (NULL if not subsettable) */
    uint16_t *width;              /* advance of every BMP code point, 1/1000 em */
} fk_render__face;

/* ---- Streams compressed by the renderer (render_libharu.c) ------------------------------ */

typedef struct fk_render__deflater {
    struct libdeflate_compressor *c; /* made once, reused for every stream */
    unsigned char *z;             /* the last compressed stream */
    size_t zcap;
    fk_buf raw;                   /* scratch: a stream's bytes before compression */
} fk_render__deflater;

/* libharu's error handler writes here; it lives as long as the renderer's document. */
typedef struct fk_render__hpdf_err {
    HPDF_STATUS error, detail;
} fk_render__hpdf_err;

struct fk_renderer {
    /* One libharu document, reused for every invoice (HPDF_NewDoc keeps the parsed fonts):
     * loading a font costs more than drawing a whole invoice. */
    HPDF_Doc pdf;
    fk_render__hpdf_err err;
    bool broken;                  /* a libharu error happened: rebuild before the next use */
    fk_render__face face[2];
    int nfaces;                   /* 1: no bold font, face[1] is a copy of face[0] */
    fk_render__codepages cp;
    unsigned char *logo;          /* PNG file contents, or NULL */
    size_t logo_len;
    float logo_w, logo_h;         /* pixels */
    fk_render__model m;           /* reset per invoice, kept for the next */
    fk_buf run;                   /* scratch: one run of encoded text */
    fk_render__deflater z;
    /* Factur-X (render_facturx.c), made on first use and kept: */
    unsigned char *icc_z;         /* the sRGB ICC profile, deflated */
    size_t icc_z_len;
    unsigned char *cmap_z;        /* the identity ToUnicode CMap for CID fonts, deflated */
    size_t cmap_z_len;
    fk_buf xmp;                   /* scratch: the XMP packet */
};

/* One invoice being rendered. */
typedef struct fk_render__doc {
    fk_render__layout lay;
    fk_renderer *r;
    HPDF_Doc pdf;
    fk_render__hpdf_err *e;
    HPDF_Font font[2][NENC + 1];  /* per face and encoding, made on first use */
    int primary;                  /* encoding of text that needs none in particular */
    unsigned char used[NENC][256];/* codes drawn per encoding (ToUnicode) */
    const char *stage;            /* what was going on, for error messages */
    const fk_facturx *fx;         /* a Factur-X (PDF/A-3b) document, or NULL */
    HPDF_FontDef glyphs[2];       /* PDF/A: per face, the font whose glyphs are checked */
} fk_render__doc;

/* ---- render_pdf.c ----------------------------------------------------------------------- */

/* libharu's recorded error e as status st: what was going on (stage), the file concerned
 * (path, may be NULL) and the invoice (number, may be NULL). Returns st. */
fk_status fk_render__hpdf_failure(const fk_render__hpdf_err *e, fk_status st, fk_error *err,
                                  const char *path, const char *stage, const char *number);
void fk_render__clear_error(fk_renderer *r);

/* ---- render_encoding.c ------------------------------------------------------------------ */

/* Read the encodings' tables from libharu (r->pdf) into r->cp. */
void fk_render__load_encodings(fk_renderer *r);
void fk_render__free_encodings(fk_render__codepages *cp);
/* Index of cp in the map, or -1 if no single-byte encoding has it. */
long fk_render__map_find(const fk_render__codepages *cp, unsigned long c);
/* Choose the document's encodings from all text the layout holds (before drawing). */
void fk_render__plan_encodings(fk_render__doc *c);
/* After drawing: a ToUnicode CMap for the encodings that need one. */
void fk_render__add_tounicode(fk_render__doc *c);

/* ---- render_font.c ---------------------------------------------------------------------- */

/* A whole file appended to out; FK_EENV naming it (what: "font", "logo") if it cannot be
 * opened or read. */
fk_status fk_render__read_file(const char *path, const char *what, fk_buf *out,
                               fk_error *err);

/* (Re)create r->pdf and load every font into it. A font file that cannot be read is
 * FK_EENV naming it; anything libharu refuses is `hpdf_st`, with the file named and, if
 * not NULL, the invoice `number` the document was rebuilt for. */
fk_status fk_render__setup_doc(fk_renderer *r, fk_status hpdf_st, const char *number,
                               fk_error *err);
/* Fill each face's advance-width table (before the first document). */
void fk_render__load_widths(fk_renderer *r);
void fk_render__free_faces(fk_renderer *r);
/* After drawing: embed the document's single-byte fonts the fast way (render_sfnt.h). */
void fk_render__embed_fonts(fk_render__doc *c);

/* ---- render_facturx.c ------------------------------------------------------------------- */

/* Check fx before anything is drawn (FK_EUSAGE/FK_EINTERNAL naming what is wrong) and make
 * sure the ICC profile is loaded (FK_EENV). */
fk_status fk_render__facturx_check(fk_renderer *r, const fk_invoice *inv, const fk_facturx *fx,
                                   fk_error *err);
/* After the pages are drawn and deflated: everything that makes the document PDF/A-3b with
 * c->fx's file embedded. libharu errors are recorded in c->e. */
void fk_render__facturx_finish(fk_render__doc *c);
void fk_render__facturx_free(fk_renderer *r);

/* ---- render_draw.c ---------------------------------------------------------------------- */

/* Draw the paginated rows, page furniture and logo into c->pdf. libharu errors are
 * recorded in c->e. */
void fk_render__draw(fk_render__doc *c);

/* ---- render_libharu.c: libharu's internals and process-wide settings -------------------- */

/* Raise glibc's malloc trim and mmap thresholds (process-wide; once is enough). */
void fk_render__tune_process(void);

void fk_render__deflater_free(fk_render__deflater *d);
/* Deflate n bytes (zlib format, as /FlateDecode wants) into d->z. Returns the compressed
 * length, 0 if that failed (the caller leaves the stream to libharu then). */
size_t fk_render__deflate(fk_render__deflater *d, const void *in, size_t n);

/* Load a TrueType file held in memory into the document. Returns libharu's name of the
 * font and its glyph count in *nglyphs, or NULL: the handler recorded the error, or, for
 * a font of a name already loaded, *dup is set. */
const char *fk_render__load_ttf(HPDF_Doc pdf, const unsigned char *data, size_t len,
                                unsigned *nglyphs, bool *dup);
/* A loaded font's definition (libharu's parsed font file), NULL if there is none. */
HPDF_FontDef fk_render__fontdef(HPDF_Doc pdf, const char *font);
/* Glyph id of Unicode u in the font (0: none). */
unsigned fk_render__glyph_id(HPDF_FontDef def, HPDF_UNICODE u);
/* Advance widths of every BMP code point into width[0x10000] (1/1000 em; 0 where the font
 * has no glyph). */
void fk_render__char_widths(HPDF_FontDef def, uint16_t *width);
/* Embed the font subset from sf (its parsed file) to the glyphs drawn in this document.
 * False if libharu should embed it itself after all (def NULL or already embedded, sf
 * NULL, or the subset failed). */
bool fk_render__embed_ttf(HPDF_Doc pdf, HPDF_FontDef def, const fk_sfnt *sf,
                          fk_render__deflater *z);
/* Attach a ToUnicode CMap (its text: cmap[0..len), which must not be z->z) to font f1 and
 * to f2 unless it is the same; either may be NULL. False if libharu failed (recorded by
 * the handler). */
bool fk_render__attach_tounicode(HPDF_Doc pdf, HPDF_Font f1, HPDF_Font f2, const char *cmap,
                                 size_t len, fk_render__deflater *z);
/* Deflate every page's content stream here rather than in libharu; stops at an error
 * recorded in e. */
void fk_render__deflate_pages(HPDF_Doc pdf, fk_render__deflater *z,
                              const fk_render__hpdf_err *e);
/* Write the document and append its bytes to out. False on failure: an error recorded in
 * e, or none when the written document could not be read back. */
bool fk_render__save(HPDF_Doc pdf, fk_buf *out, const fk_render__hpdf_err *e);

/* What makes a drawn document PDF/A-3b with one embedded file (render_facturx.c fills it
 * in; every pointer is only read during fk_render__add_pdfa3()). Text is UTF-8. */
typedef struct fk_render__pdfa3 {
    const unsigned char *file;    /* the embedded file, file_len bytes */
    size_t file_len;
    const char *file_name;        /* /F and /UF (ASCII) */
    const char *mime;             /* /Subtype of the /EmbeddedFile stream */
    const char *relationship;     /* /AFRelationship */
    const char *desc;             /* /Desc */
    const char *title;            /* Info /Title */
    const char *pdf_date;         /* "D:YYYYMMDDHHmmSS+00'00'": the file's /Params /ModDate */
    const char *xmp;              /* the XMP packet, xmp_len bytes; hashed into the /ID */
    size_t xmp_len;
    const unsigned char *icc_z;   /* the OutputIntent's ICC profile (RGB), deflated */
    size_t icc_z_len;
    const char *icc_name;         /* its /OutputConditionIdentifier and /Info */
    const unsigned char *cmap_z;  /* a ToUnicode CMap (deflated) for the CID fonts below */
    size_t cmap_z_len;
    HPDF_Font cid[2];             /* the document's CID (Type0) fonts, NULL if none */
} fk_render__pdfa3;

/* Add the PDF/A-3 objects (render.h, fk_renderer_render_facturx) to the drawn document,
 * set its version to 1.7 and its trailer /ID; call after fk_render__deflate_pages(). False
 * if libharu failed (recorded by the handler). */
bool fk_render__add_pdfa3(HPDF_Doc pdf, const fk_render__pdfa3 *a, fk_render__deflater *z);
#endif
