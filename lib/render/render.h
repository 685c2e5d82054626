/* SPDX-License-Identifier: MIT */
/* render.h -- one invoice, as plain data in, one PDF as bytes out (libharu).
 *
 * The renderer knows nothing of orders, databases or files: the pipeline fills an
 * fk_invoice with every printed value already computed and decided (amounts in minor units,
 * dates as YYYY-MM-DD, the buyer's normalised VAT number, the language, reverse charge)
 * and gets the PDF in memory; the renderer draws what it is given. Writing it to disk
 * durably is the store's job. No wall-clock time and no random IDs go into the PDF, so the
 * same invoice renders to the same bytes, whatever the renderer rendered before. Dates
 * print in the language's convention (en "20 Nov 2026", de/nb/pl "20.11.2026").
 */
#ifndef FK_RENDER_H
#define FK_RENDER_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "faktura/common.h"
#include "core/buf.h"

typedef struct fk_party {
    const char *name, *street, *postal_code, *city, *country; /* country: ISO alpha-2 */
    const char *vat_id;  /* normalised, "" or NULL if none */
    const char *email;   /* may be NULL */
} fk_party;

typedef struct fk_invoice_line {
    const char *description;
    const char *sku;       /* may be "" */
    int64_t qty_milli;     /* quantity x 1000 */
    int64_t unit_price;    /* minor units, excl. VAT */
    int32_t vat_centi;     /* VAT rate x 100 */
    int64_t net;           /* line net, minor units */
} fk_invoice_line;

typedef struct fk_invoice_vat {
    int32_t vat_centi;
    int64_t taxable;
    int64_t vat;
} fk_invoice_vat;

typedef enum fk_invoice_payment {
    FK_INV_PAY_TRANSFER = 0, /* seller IBAN/BIC + payment reference */
    FK_INV_PAY_SEPA,         /* "will be debited", mandate reference, masked IBAN */
    FK_INV_PAY_CARD,         /* "paid by VISA ****1234" */
    FK_INV_PAY_PAID,         /* "Paid on DATE via PROVIDER (REFERENCE)", amount due 0 */
    FK_INV_PAY_COD           /* cash on delivery */
} fk_invoice_payment;

typedef struct fk_invoice {
    const char *number;                       /* "INV-2026-000001" */
    const char *issue_date, *order_date, *due_date; /* YYYY-MM-DD */
    const char *order_id;
    const char *currency;                     /* ISO 4217 */
    int exponent;                             /* minor-unit digits */
    const char *language;                     /* exactly "en", "de", "nb" or "pl"; anything
                                               * else ("DE", "de-AT", NULL): English. The
                                               * caller decides the language; the renderer
                                               * does not guess. */
    fk_party seller, buyer;
    bool buyer_is_business;
    const fk_invoice_line *lines;
    size_t nlines;
    const fk_invoice_vat *vat;                /* one per rate, ascending rate */
    size_t nvat;
    int64_t net_total, vat_total, gross_total;
    fk_invoice_payment payment;
    const char *seller_iban, *seller_bic;     /* for transfer */
    const char *payment_reference;            /* for transfer: usually the invoice number */
    const char *card_brand, *card_last4;      /* for card */
    const char *mandate_id, *iban_masked;     /* for SEPA */
    const char *paid_date;                    /* for paid: YYYY-MM-DD */
    const char *paid_provider, *paid_reference; /* for paid: as printed; "" when none */
    bool reverse_charge;
    const char *footer;                       /* may be NULL */
} fk_invoice;

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
/* Render `inv` into `out` (appended). On failure FK_EINTERNAL/FK_EENV with detail in err. */
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
