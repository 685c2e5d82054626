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
    FK_INV_PAY_CARD          /* "paid by VISA ****1234" */
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
#endif
