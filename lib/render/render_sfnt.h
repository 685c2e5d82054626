/* SPDX-License-Identifier: MIT */
/* render_sfnt.h -- a TrueType file cut down to the glyphs one document uses.
 *
 * libharu 2.3.0 writes an embedded TrueType font by re-reading every table four bytes at a
 * time through its stream layer, checksumming the result twice the same way and deflating
 * it at zlib's default level: for the small companion fonts the renderer uses, that was
 * half of an invoice's CPU time. This does the same job with memcpy: parse the file once,
 * then per document copy its tables, keep the outlines of the used glyphs only (the
 * others become empty, glyph ids unchanged, as libharu does), fix loca and the checksums.
 * Internal to lib/render.
 */
#ifndef FK_RENDER_SFNT_H
#define FK_RENDER_SFNT_H
#include <stdbool.h>
#include <stddef.h>
#include "core/buf.h"

typedef struct fk_sfnt fk_sfnt;

/* Parse a TrueType font held in data[0..len) (copied). NULL if it is not one this code
 * can subset (no glyf/loca/head/maxp, CFF outlines, inconsistent offsets): the caller
 * then leaves embedding to libharu. */
fk_sfnt *fk_sfnt_parse(const unsigned char *data, size_t len);
unsigned fk_sfnt_glyphs(const fk_sfnt *f);
/* Append to out the font with the outlines of the glyphs g with used[g] != 0 (n entries,
 * n == fk_sfnt_glyphs(f)); glyph 0 is always kept. Returns false (out unchanged) if n
 * does not match. The result is a complete, checksummed TrueType file. */
bool fk_sfnt_subset(const fk_sfnt *f, const unsigned char *used, size_t n, fk_buf *out);
void fk_sfnt_free(fk_sfnt *f);
#endif
