#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# subset_fonts.py -- make the renderer's fonts once, at build time (cmake/Fonts.cmake).
#
#   subset_fonts.py SOURCE.ttf OUTDIR STEM
#
# Writes, from one TrueType font (DejaVu Sans from fonts-dejavu-core):
#   OUTDIR/STEM.ttf        the "wide" subset: Latin (incl. Extended-A/B and Additional),
#                          Greek, Cyrillic, combining marks, punctuation, currency and
#                          letter-like symbols. The default font of the build; the renderer
#                          falls back to it (libharu's UTF-8 path) for text that no
#                          single-byte encoding covers.
#   OUTDIR/STEM.TAG.ttf    one small companion per single-byte encoding the renderer uses
#                          (TAG: winansi, cp1250, ...): only the 220-odd characters of that
#                          code page. An invoice is drawn with these; a one-page invoice then
#                          embeds a few KB of font instead of ~90 KB.
#
# Why the companions are shaped like this (lib/render/render_font.c and render_encoding.c
# rely on all of it):
#  - Each has its own PostScript/family name (suffix -FkTAG): libharu refuses to load two
#    fonts of the same name into one document.
#  - No hinting, no glyph names, no layout tables: libharu copies every table it knows into
#    each PDF, and PDF viewers do not use hinting or GSUB/GPOS for this text anyway.
#  - A viewer picks a glyph of a non-symbolic TrueType font by the glyph *name* the PDF's
#    /Differences give each code, mapped to Unicode through the Adobe Glyph List, then
#    looked up in the font's cmap. Some of libharu's names map to another code point than
#    the one meant (Greek "Delta" -> U+2206, Romanian "Tcommaaccent" -> U+0162), so the
#    companion's cmap also maps those code points to the intended glyph.
#  - Deterministic: same input font, same bytes (no timestamps are touched), so PDFs stay
#    byte-for-byte reproducible across builds.
#
# Debian 12: python3-fonttools. Run with /usr/bin/python3.
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

# Keep in step with fk_render__encodings in render_encoding.c (tag, Python codec). The C
# side checks at start-up that a companion has every character libharu's table for that
# encoding has, and uses the wide font instead if not, so a mismatch costs speed, never
# text.
ENCODINGS = [
    ("winansi", "cp1252"),
    ("cp1250", "cp1250"),
    ("cp1251", "cp1251"),
    ("cp1253", "cp1253"),
    ("cp1257", "cp1257"),
    ("cp1254", "cp1254"),
    ("iso8859-16", "iso8859_16"),
    ("iso8859-3", "iso8859_3"),
    ("iso8859-10", "iso8859_10"),
]

# Code point a PDF reader derives from libharu's glyph name -> the character meant.
# Added to a companion's cmap when the meant character is in that code page.
NAME_ALIASES = {
    0x2206: 0x0394,  # "Delta": GREEK CAPITAL LETTER DELTA
    0x2126: 0x03A9,  # "Omega": GREEK CAPITAL LETTER OMEGA
    0x0162: 0x021A,  # "Tcommaaccent": LATIN CAPITAL LETTER T WITH COMMA BELOW
    0x0163: 0x021B,  # "tcommaaccent": LATIN SMALL LETTER T WITH COMMA BELOW
    0xF6C1: 0x015E,  # "Scedilla" (old corporate use)
    0xF6C2: 0x015F,  # "scedilla"
}

WIDE_RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0259, 0x0259), (0x02B9, 0x02DD),
    (0x0300, 0x036F), (0x0370, 0x03FF), (0x0400, 0x052F), (0x1E00, 0x1EFF),
    (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x2195),
    (0x2212, 0x2212), (0x2215, 0x2215), (0xFFFD, 0xFFFD),
]


def options():
    o = subset.Options()
    o.hinting = False
    o.glyph_names = False
    o.notdef_outline = True
    o.layout_features = []
    o.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "MATH", "FFTM", "gasp"]
    o.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    o.recalc_timestamp = False
    return o


def make_subset(src, unicodes):
    # recalcTimestamp=False: TTFont.save() would otherwise write the build's wall-clock
    # time into head.modified, and every PDF embedding the font would differ per build.
    # (Options.recalc_timestamp only applies to fontTools' own load/save helpers.)
    font = TTFont(src, recalcTimestamp=False)
    s = subset.Subsetter(options())
    s.populate(unicodes=sorted(unicodes))
    s.subset(font)
    return font


def rename(font, suffix):
    """Append suffix to the family, full and PostScript names (IDs 1, 3, 4, 6)."""
    for rec in font["name"].names:
        if rec.nameID in (1, 3, 4):
            rec.string = rec.toUnicode() + " " + suffix
        elif rec.nameID == 6:
            rec.string = rec.toUnicode() + "-" + suffix


def add_aliases(font, present):
    """Map the glyph-name code points of NAME_ALIASES to the intended glyphs."""
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for alias, meant in NAME_ALIASES.items():
            if meant in present and meant in table.cmap and alias not in table.cmap:
                table.cmap[alias] = table.cmap[meant]


def codepage(codec):
    chars = set()
    for b in range(0x20, 0x100):
        try:
            ch = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            continue
        if ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F:
            chars.add(ord(ch))
    return chars


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: subset_fonts.py SOURCE.ttf OUTDIR STEM")
    src, outdir, stem = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)

    wide = set()
    for lo, hi in WIDE_RANGES:
        wide.update(range(lo, hi + 1))
    font = make_subset(src, wide)
    font.save(os.path.join(outdir, stem + ".ttf"))

    for tag, codec in ENCODINGS:
        chars = codepage(codec)
        font = make_subset(src, chars)
        add_aliases(font, chars)
        rename(font, "Fk" + tag.replace("-", ""))
        font.save(os.path.join(outdir, "%s.%s.ttf" % (stem, tag)))


if __name__ == "__main__":
    main()
