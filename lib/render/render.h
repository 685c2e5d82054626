/* SPDX-License-Identifier: MIT */
/* render.h -- one invoice, as plain data in, one PDF as bytes out (libharu).
 *
 * The renderer knows nothing of orders, databases or files: its input is the invoice of
 * record (core/document.h), with every printed value already computed and decided
 * (amounts in minor units, dates as YYYY-MM-DD, the VAT numbers as printed, the language,
 * the legal note of each VAT breakdown, the payment reference, the EPC QR payload, the
 * footer lines), and it gives the PDF in memory; the renderer draws what it is given: the
 * labels and how a language writes numbers, dates and units are its own. Writing the PDF
 * to disk durably is the store's job. No wall-clock time and no random IDs go into the
 * PDF, so the same document renders to the same bytes, whatever the renderer rendered
 * before: `faktura reprint` renders a stored document again, byte for byte. Dates print
 * in the language's convention (en "20 Nov 2026", de/nb/pl "20.11.2026").
 */
#ifndef FK_RENDER_H
#define FK_RENDER_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "faktura/common.h"
#include "core/buf.h"
#include "core/document.h"

/* The renderer's input: the document itself (fk_invoice is its name in the renderer). */
typedef fk_document fk_invoice;

/* Opaque; one per thread. A renderer keeps one libharu document with its fonts parsed and
 * reuses it for every invoice (much of the cost of an invoice is loading a font), so
 * create it once per batch and thread, not per invoice. It holds its font files open: a
 * font deleted after fk_renderer_new() still renders. The first fk_renderer_new() raises
 * glibc's malloc trim and mmap thresholds for the process (see render_libharu.c). */
typedef struct fk_renderer fk_renderer;

/* font_path: a TrueType font with Latin, Greek and Cyrillic glyphs (DejaVu Sans);
 * font_bold_path may be NULL or "" (headings then use the regular face). Next to each font
 * the renderer looks for companions STEM.TAG.ttf (TAG: winansi, cp1250, cp1251, ...): small
 * per-code-page subsets that cmake/Fonts.cmake makes at build time for the default fonts.
 * Text is drawn with them when they cover it, else with the font itself. Fails with FK_EENV
 * (path in err->file) when a font cannot be loaded. */
fk_status fk_renderer_new(fk_renderer **out, const char *font_path, const char *font_bold_path,
                          fk_error *err);
/* Optional seller logo for every following invoice: a PNG file, drawn at the top right of
 * the first page within 150 x 38 pt (aspect kept). NULL or "" removes it. FK_EENV when the
 * file cannot be read, FK_EUSAGE when libharu cannot decode it; the renderer is unchanged
 * then. Every invoice decodes and compresses the image again, so keep it small (a few
 * hundred pixels wide). */
fk_status fk_renderer_set_logo(fk_renderer *r, const char *png_path, fk_error *err);
/* Render `inv` into `out` (appended). On failure FK_EINTERNAL/FK_EENV with detail in err.
 * A document whose language is not one of the four prints in English. */
fk_status fk_renderer_render(fk_renderer *r, const fk_invoice *inv, fk_buf *out, fk_error *err);
void fk_renderer_free(fk_renderer *r);

/* ---- Factur-X / ZUGFeRD 2.x: the invoice PDF as PDF/A-3b with its XML embedded ----------
 *
 * The same pages as fk_renderer_render(), made a PDF/A-3b document (docs/einvoice.md): the
 * XML is embedded byte for byte as an associated file (/Filespec with /F and /UF, /Desc,
 * /AFRelationship; an /EmbeddedFile stream with its MIME type as /Subtype and /Params
 * /ModDate, /Size and an MD5 /CheckSum; the catalog's /AF and /Names /EmbeddedFiles); the
 * catalog gets XMP metadata (pdfaid part 3, conformance B; dc, xmp and pdf properties equal
 * to the Info dictionary; the fx: properties below and the PDF/A extension schema that
 * declares them) and an sRGB OutputIntent; the header says PDF 1.7 and the trailer has an
 * /ID. The renderer checks nothing in the XML: the caller validated it.
 *
 * Deterministic like the plain PDF: /CreationDate, /ModDate, the XMP dates and the
 * embedded file's /ModDate are `date` (default: the invoice's issue date, at midnight UTC),
 * and the /ID is an MD5 of the document's content (its page streams, the XMP and the XML),
 * so the same invoice and XML give the same bytes. No clock, no random numbers.
 *
 * Every string is the caller's and only read during the call; nothing is kept. NULL
 * fields take the defaults below (Factur-X 1.0, profile EN 16931, an invoice). */
typedef struct fk_facturx {
    const void *xml;            /* the document to embed; required */
    size_t xml_len;             /* 1 .. FK_FACTURX_MAX_XML bytes */
    const char *file_name;      /* /F, /UF and fx:DocumentFileName: letters, digits, '.',
                                 * '_' and '-' only. NULL: "factur-x.xml" (ZUGFeRD 2.x's
                                 * XRECHNUNG profile: "xrechnung.xml") */
    const char *document_type;  /* fx:DocumentType. NULL: "INVOICE", which Factur-X uses
                                 * for every invoice type, credit notes (type code 381 in
                                 * the XML) included; Order-X documents use ORDER,
                                 * ORDER_RESPONSE or ORDER_CHANGE */
    const char *conformance;    /* fx:ConformanceLevel. NULL: "EN 16931"; the others:
                                 * "MINIMUM", "BASIC WL", "BASIC", "EXTENDED", "XRECHNUNG" */
    const char *version;        /* fx:Version. NULL: "1.0" */
    const char *relationship;   /* /AFRelationship: "Alternative", "Data" or "Source".
                                 * NULL: "Alternative" (EN 16931 and up; MINIMUM and
                                 * BASIC WL use "Data") */
    const char *description;    /* /Desc, UTF-8. NULL: "Factur-X invoice" */
    const char *mime;           /* the embedded file's MIME type. NULL: "text/xml" */
    const char *date;           /* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS", UTC. NULL: the
                                 * invoice's issue_date */
} fk_facturx;

#define FK_FACTURX_MAX_XML (64u << 20)

/* Render `inv` as a Factur-X PDF with fx->xml embedded, into `out` (appended). Errors as
 * fk_renderer_render(), and: FK_EUSAGE for a bad fk_facturx (err names the field);
 * FK_EINTERNAL when no date is given and the invoice's issue date is not a date; FK_EENV
 * when no sRGB ICC profile can be read (see fk_renderer_prepare_facturx). */
fk_status fk_renderer_render_facturx(fk_renderer *r, const fk_invoice *inv,
                                     const fk_facturx *fx, fk_buf *out, fk_error *err);
/* Load what Factur-X PDFs need beyond the fonts, the sRGB ICC profile of the
 * OutputIntent, now rather than at the first fk_renderer_render_facturx() (which calls
 * this): so a missing profile is reported at start-up. The profile is Debian's
 * icc-profiles-free /usr/share/color/icc/sRGB.icc (scripts/install-deps), read once and
 * kept by the renderer. FK_EENV naming the file when it cannot be read. */
fk_status fk_renderer_prepare_facturx(fk_renderer *r, fk_error *err);
#endif
