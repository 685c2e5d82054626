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
#endif
