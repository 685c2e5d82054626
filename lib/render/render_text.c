/* SPDX-License-Identifier: MIT */
/* render_text.c -- text as the renderer measures it: UTF-8 decoding, the cleaning every
 * printed string goes through, widths from a face's advance-width table, and greedy line
 * wrapping. No libharu and no layout state: the widths come in as a table (render_font.c
 * reads it from the font once), the lines go out into a buffer, so all of it is tested
 * on its own (tests/unit/test_render_layout.c).
 */
#include <string.h>
#include "render/render_impl.h"

size_t fk_render__utf8_decode(const unsigned char *p, unsigned long *cp)
{
    unsigned long c;
    size_t n, i;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    } else if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
        c = p[0] & 0x1Fu;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        c = p[0] & 0x0Fu;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        c = p[0] & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;         /* also stops at the NUL terminator */
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Text as libharu's UTF-8 path can take it: its encoder only knows the BMP and has no
 * notion of invalid input, so invalid bytes and characters beyond U+FFFF become '?', and
 * control characters (which would print as boxes or break lines) become spaces. The
 * pipeline validates text long before; this is the renderer not trusting that. */
const char *fk_render__clean(fk_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)fk_render__str(s);
    unsigned long cp;
    size_t n;

    fk_buf_reset(b);
    while (*p) {
        n = fk_render__utf8_decode(p, &cp);
        if (n == 0) {
            fk_buf_putc(b, '?');
            p++;
        } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            fk_buf_putc(b, ' ');
            p += n;
        } else if (cp > 0xFFFF) {
            fk_buf_putc(b, '?');
            p += n;
        } else {
            fk_buf_append(b, p, n);
            p += n;
        }
    }
    return fk_buf_cstr(b);
}

/* Glyph widths simply add up (libharu does no kerning), so wrapping can sum the widths of
 * words instead of re-measuring whole lines. */
unsigned long fk_render__text_units(const uint16_t *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    unsigned long sum = 0, cp;

    while (p < e) {
        size_t k = *p < 0x80 ? (cp = *p, 1) : fk_render__utf8_decode(p, &cp);
        if (k == 0 || cp > 0xFFFF) {
            cp = '?';
            k = 1;
        }
        sum += w[cp];
        p += k;
    }
    return sum;
}

float fk_render__text_width(const uint16_t *w, float size, const char *s)
{
    return (float)fk_render__text_units(w, s, strlen(s)) * size / 1000.0f;
}

/* The end of the longest start of the word s[0..q) that fits in maxu units, at least one
 * character (so wrapping always advances); its width in *units. */
static const char *fit_chars(const uint16_t *w, const char *s, const char *q,
                             unsigned long maxu, unsigned long *units)
{
    const char *k = s;
    unsigned long u = 0;

    while (k < q) {
        unsigned long cp, cu;
        size_t cl = fk_render__utf8_decode((const unsigned char *)k, &cp);
        if (cl == 0)
            cl = 1;           /* cannot happen after fk_render__clean(); stay safe anyway */
        cu = fk_render__text_units(w, k, cl);
        if (k > s && u + cu > maxu)
            break;
        u += cu;
        k += cl;
    }
    *units = u;
    return k;
}

int fk_render__wrap(fk_buf *out, const uint16_t *w, const char *s, float size, float width)
{
    unsigned long maxu = width > 0 ? (unsigned long)(width * 1000.0f / size) : 0;
    unsigned long spaceu = fk_render__text_units(w, " ", 1), lineu = 0;
    bool line_open = false;
    int n = 0;

    fk_buf_reset(out);
    while (*s) {
        const char *q;
        unsigned long wu;

        while (*s == ' ')
            s++;
        if (!*s)
            break;
        for (q = s; *q && *q != ' '; q++)
            ;
        wu = fk_render__text_units(w, s, (size_t)(q - s));
        if (line_open) {
            if (lineu + spaceu + wu <= maxu) {
                fk_buf_putc(out, ' ');
                fk_buf_append(out, s, (size_t)(q - s));
                lineu += spaceu + wu;
                s = q;
                continue;
            }
            fk_buf_putc(out, '\0');
            n++;
            line_open = false;
            lineu = 0;
            continue;         /* the word starts the next line */
        }
        if (wu <= maxu) {
            fk_buf_append(out, s, (size_t)(q - s));
            lineu = wu;
            line_open = true;
            s = q;
            continue;
        }
        /* A word wider than a whole line: as many characters as fit, then the rest of the
         * word on the next line. */
        {
            unsigned long u;
            const char *k = fit_chars(w, s, q, maxu, &u);
            fk_buf_append(out, s, (size_t)(k - s));
            if (k < q) {
                fk_buf_putc(out, '\0');
                n++;
            } else {
                lineu = u;
                line_open = true;
            }
            s = k;
        }
    }
    if (line_open || n == 0) {
        fk_buf_putc(out, '\0');
        n++;
    }
    return n;
}
