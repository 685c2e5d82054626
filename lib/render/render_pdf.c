/* SPDX-License-Identifier: MIT */
/* render_pdf.c -- one fk_invoice to one A4 PDF, with libharu.
 *
 * How, and why this way:
 *  - Layout happens before drawing. The invoice is first turned into a flat list of rows,
 *    each one line of text high, whose cells are already wrapped to their column and
 *    measured. A pagination pass then gives every row a page and a position, so "Page n of
 *    m" is known when page 1 is drawn, and nothing depends on libharu's page state.
 *  - Rows carry "keep with next": a wrapped item, the totals or the payment block move to
 *    the next page as one unit. Only a unit taller than a whole page is split (line by
 *    line), so nothing is ever cut off. A table repeats its header on each page it
 *    continues on.
 *  - Speed and size (issue 9, docs/performance.md) decide how text gets into the PDF. Text
 *    is drawn in runs of single-byte encodings (WinAnsi, CP1250, CP1251, ...) chosen per
 *    document to cover its characters; libharu then embeds a small simple TrueType font.
 *    Only characters no encoding has go through libharu's UTF-8 path (a CID font, whose
 *    set-up costs more than the rest of an invoice). Next to the configured font the
 *    renderer uses per-code-page companion subsets made at build time (subset_fonts.py),
 *    and embeds fonts itself (render_sfnt.c) instead of libharu's byte-by-byte copy.
 *    Widths come from a table read from the font at start-up, never from a guess.
 *  - No clock, no random IDs: libharu 2.3.0 writes neither unless asked, so equal input
 *    gives equal bytes. The renderer keeps one HPDF_Doc with its fonts loaded (in a fixed
 *    order, since that names the embedded subsets) and starts each invoice with
 *    HPDF_NewDoc, which clears everything per document; so an invoice's bytes depend only
 *    on the invoice. The row/cell arrays and the string arena live in the renderer and are
 *    reused, so a batch does not malloc per row.
 *  - A few things go through libharu's installed internal headers (hpdf_doc.h,
 *    hpdf_objects.h, hpdf_fontdef.h, hpdf_pages.h, hpdf_streams.h; all functions used are
 *    exported by 2.3.0): loading a font from memory, a ToUnicode CMap for single-byte
 *    fonts, the font descriptor of a font embedded here, page content deflated here
 *    (libdeflate), and the finished PDF read out by buffer. HPDF_MemSet/HPDF_MemCpy are
 *    replaced in the process by libc's (see there). Each place says why.
 *  - libharu reports an error by calling a handler and then returning an error code. The
 *    handler only records the first error; each stage checks the record and the render
 *    turns it into FK_EINTERNAL. No longjmp: unwinding through libharu is not needed since
 *    HPDF_FreeDoc/HPDF_Free release everything the document allocated. After an error the
 *    renderer rebuilds its document before the next invoice.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_utils.h>
#include <libdeflate.h>
#include "render/render.h"
#include "render/render_sfnt.h"
#include "core/money.h"

/* ---- Labels --------------------------------------------------------------------------- */

typedef struct labels {
    const char *lang;
    const char *title, *number, *issue_date, *delivery_date, *due_date, *order_id, *currency;
    const char *seller, *buyer, *vat_id;
    const char *col_no, *col_desc, *col_qty, *col_unit, *col_vat, *col_net, *sku;
    const char *vat_summary, *vat_rate, *vat_base, *vat_amount;
    const char *net_total, *vat_total, *gross_total;
    const char *payment, *transfer_text, *iban, *bic, *reference;
    const char *sepa_text, *mandate, *account;
    const char *paid_by, *card_word;
    const char *reverse_charge, *reverse_note;
    const char *page, *of;
    /* Number conventions: grouping (plain space rather than NBSP for nb/pl, so extracted
     * text stays simple), decimal separator, and what goes between a rate and "%". */
    const char *group, *decimal, *pct;
} labels;

static const labels LABELS[] = {
    {
        "en",
        "Invoice", "Invoice number", "Issue date", "Delivery date", "Due date",
        "Order number", "Currency",
        "Seller", "Buyer", "VAT ID",
        "No.", "Description", "Qty", "Unit price (excl. VAT)", "VAT %", "Net amount", "SKU",
        "VAT summary", "VAT rate", "Taxable amount", "VAT amount",
        "Total excl. VAT", "VAT", "Total incl. VAT",
        "Payment",
        "Please transfer the total amount by the due date to the account below, quoting the "
        "payment reference.",
        "IBAN", "BIC", "Payment reference",
        "The total amount will be debited from your account by SEPA direct debit on the due "
        "date.",
        "Mandate reference", "Account",
        "Paid by", "card",
        "Reverse charge",
        "VAT is to be accounted for by the recipient (Article 196 of Council Directive "
        "2006/112/EC).",
        "Page", "of",
        ",", ".", "%",
    },
    {
        "de",
        "Rechnung", "Rechnungsnummer", "Rechnungsdatum", "Liefer-/Leistungsdatum", "Fällig am",
        "Bestellnummer", "Währung",
        "Verkäufer", "Rechnungsempfänger", "USt-IdNr.",
        "Pos.", "Beschreibung", "Menge", "Einzelpreis (netto)", "USt. %", "Nettobetrag",
        "Art.-Nr.",
        "Umsatzsteuer", "Steuersatz", "Nettobetrag", "Steuerbetrag",
        "Summe netto", "Umsatzsteuer", "Gesamtbetrag (brutto)",
        "Zahlung",
        "Bitte überweisen Sie den Gesamtbetrag bis zum Fälligkeitsdatum unter Angabe des "
        "Verwendungszwecks auf das folgende Konto.",
        "IBAN", "BIC", "Verwendungszweck",
        "Der Gesamtbetrag wird zum Fälligkeitsdatum per SEPA-Lastschrift von Ihrem Konto "
        "eingezogen.",
        "Mandatsreferenz", "Konto",
        "Bezahlt mit", "Karte",
        "Steuerschuldnerschaft des Leistungsempfängers",
        "Die Umsatzsteuer schuldet der Leistungsempfänger (Art. 196 der Richtlinie "
        "2006/112/EG).",
        "Seite", "von",
        ".", ",", " %",
    },
    {
        "nb",
        "Faktura", "Fakturanummer", "Fakturadato", "Leveringsdato", "Forfallsdato",
        "Ordrenummer", "Valuta",
        "Selger", "Kjøper", "MVA-nr.",
        "Nr.", "Beskrivelse", "Antall", "Enhetspris (eks. mva)", "MVA %", "Nettobeløp",
        "Varenr.",
        "Merverdiavgift", "Sats", "Grunnlag", "MVA",
        "Sum eks. mva", "MVA", "Totalt inkl. mva",
        "Betaling",
        "Vennligst betal totalbeløpet innen forfallsdato til kontoen nedenfor, og oppgi "
        "betalingsreferansen.",
        "IBAN", "BIC", "Betalingsreferanse",
        "Totalbeløpet blir trukket fra kontoen din med SEPA-direktedebitering på "
        "forfallsdatoen.",
        "Mandatreferanse", "Konto",
        "Betalt med", "kort",
        "Omvendt avgiftsplikt",
        "Kjøper skal beregne og betale merverdiavgiften (artikkel 196 i direktiv 2006/112/EF).",
        "Side", "av",
        " ", ",", " %",
    },
    {
        "pl",
        "Faktura VAT", "Numer faktury", "Data wystawienia", "Data dostawy", "Termin płatności",
        "Numer zamówienia", "Waluta",
        "Sprzedawca", "Nabywca", "NIP",
        "Lp.", "Nazwa towaru lub usługi", "Ilość", "Cena jedn. netto", "VAT %",
        "Wartość netto", "Kod",
        "Zestawienie VAT", "Stawka", "Wartość netto", "Kwota VAT",
        "Razem netto", "Razem VAT", "Do zapłaty (brutto)",
        "Płatność",
        "Prosimy o przelew kwoty do zapłaty w terminie płatności na poniższy rachunek, z "
        "podaniem tytułu przelewu.",
        "IBAN", "BIC", "Tytuł przelewu",
        "Kwota do zapłaty zostanie pobrana z Państwa rachunku w ramach polecenia zapłaty SEPA "
        "w terminie płatności.",
        "Numer mandatu", "Rachunek",
        "Zapłacono kartą", "",
        "Odwrotne obciążenie",
        "Podatek rozlicza nabywca (art. 196 dyrektywy 2006/112/WE).",
        "Strona", "z",
        " ", ",", "%",
    },
};

/* "de", "DE", "de-AT" and "de_CH" all mean German; "no"/"nn" print as Bokmål. */
static const labels *labels_for(const char *lang)
{
    char l[3];

    if (!lang || !lang[0] || !lang[1] || (lang[2] && lang[2] != '-' && lang[2] != '_'))
        return &LABELS[0];
    l[0] = (char)(lang[0] | 0x20);
    l[1] = (char)(lang[1] | 0x20);
    l[2] = '\0';
    if (!strcmp(l, "no") || !strcmp(l, "nn"))
        return &LABELS[2];
    for (size_t i = 0; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
        if (!strcmp(l, LABELS[i].lang))
            return &LABELS[i];
    return &LABELS[0];
}

/* ---- Geometry (points; A4 portrait, origin bottom left) --------------------------------- */

#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define M_LEFT 50.0f
#define M_RIGHT (PAGE_W - 50.0f)
#define CONTENT_W (M_RIGHT - M_LEFT)
#define TOP_FIRST (PAGE_H - 46.0f)    /* content top on page 1 */
#define TOP_CONT (PAGE_H - 62.0f)     /* content top below the running header */
#define RUNNING_BASE (PAGE_H - 40.0f) /* running header baseline, pages >= 2 */
#define FOOT_BASE 28.0f               /* "Page n of m" baseline */
#define FOOT_SIZE 7.0f
#define LEAD 1.3f                     /* line pitch / font size */
#define ASCENT 0.93f                  /* DejaVu Sans ascender / em, rounded up */
#define CELL_PAD 4.0f                 /* inner horizontal padding of table cells */
#define MIN_DESC_W 140.0f             /* below this the table font shrinks */

#define SZ_TITLE 20.0f
#define SZ_BODY 8.5f
#define SZ_SMALL 7.5f
#define SZ_HEAD 9.5f

enum { FONT_REG = 0, FONT_BOLD = 1 };
enum { COLOR_TEXT = 0, COLOR_MUTED, COLOR_ACCENT };
enum { ALIGN_LEFT = 0, ALIGN_RIGHT };

#define ROW_KEEP_NEXT 0x01u   /* no page break between this row and the next */
#define ROW_FILL 0x02u        /* shaded background (table header) */
#define ROW_RULE 0x04u        /* hairline under the row */
#define ROW_RULE_STRONG 0x08u /* accent rule under the row */
#define ROW_SPACER 0x10u      /* vertical gap; dropped at the top of a page */
#define ROW_HEADER 0x20u      /* part of a table header (repeated after page breaks) */

/* One line of text in one column, already fitted to the column. */
typedef struct cell {
    const char *text;
    float x;                  /* left edge (ALIGN_LEFT) or right edge (ALIGN_RIGHT) */
    float size;
    unsigned char font, color, align;
} cell;

typedef struct row {
    size_t cell0, ncells;
    float h, base;            /* height; baseline distance below the row top */
    float x0, x1;             /* horizontal extent of fill and rules */
    unsigned flags;
    int table;                /* table whose header repeats if a page breaks here; -1 none */
    int page;                 /* set by paginate(); 0: not drawn (spacer at a page top) */
    float top;                /* set by paginate() */
} row;

typedef struct table {
    size_t row0, nrows;       /* its header rows */
    float h;
} table;

typedef struct repeat {       /* a table header drawn again at the top of a page */
    int table, page;
    float top;
} repeat;

#define ARENA_BLOCK ((size_t)65536)

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

/* What a renderer keeps between invoices: all of it is reset, not freed, per render. */
typedef struct model {
    cell *cells;
    size_t ncells, capcells;
    row *rows;
    size_t nrows, caprows;
    table *tables;
    size_t ntables, captables;
    repeat *reps;
    size_t nreps, capreps;
    arena_block *arena;       /* blocks in use, newest first */
    arena_block *spare;       /* standard blocks from earlier invoices */
    fk_buf clean, wrap, run;  /* scratch */
    fk_buf ttf;               /* scratch: a subset font file */
    unsigned char *z;         /* scratch: its compressed form */
    size_t zcap;
    struct libdeflate_compressor *deflate; /* made once, reused for every stream */
} model;

/* ---- Encodings --------------------------------------------------------------------------
 * Text is drawn with single-byte encodings whenever they cover it: libharu then embeds a
 * simple TrueType font (a 256-entry width table, only the glyphs used). Its UTF-8 path
 * (a CID font) builds a 65,536-entry glyph map per font per document and a ToUnicode CMap
 * poppler complains about, so it is only the fallback for characters none of these
 * encodings has. Order matters: on a tie the earlier one wins, and the first is the
 * cheapest (WinAnsi needs no /Differences and no ToUnicode). Keep the tags in step with
 * ENCODINGS in subset_fonts.py. */
#define NENC 9
#define ENC_CID NENC              /* the UTF-8 (CID font) fallback */
#define ENC_NONE 0xFFu            /* not in this document */
#define ENC_PENDING 0xFEu         /* in this document, encoding not chosen yet */

typedef struct enc_spec {
    const char *hpdf;             /* libharu's name */
    const char *tag;              /* companion font file: STEM.TAG.ttf */
    bool tounicode;               /* glyph names alone do not extract reliably */
} enc_spec;

static const enc_spec ENCODINGS[NENC] = {
    {"WinAnsiEncoding", "winansi", false}, /* Western Europe: en, de, nb, fr, nl, ... */
    {"CP1250", "cp1250", true},            /* Central Europe: pl, cs, sk, hu, hr, sl, ro */
    {"CP1251", "cp1251", true},            /* Cyrillic */
    {"CP1253", "cp1253", true},            /* Greek */
    {"CP1257", "cp1257", true},            /* Baltic */
    {"CP1254", "cp1254", true},            /* Turkish */
    {"ISO8859-16", "iso8859-16", true},    /* Romanian with comma below */
    {"ISO8859-3", "iso8859-3", true},      /* Maltese, Esperanto */
    {"ISO8859-10", "iso8859-10", true},    /* Nordic incl. Sami, Greenlandic */
};

/* A non-ASCII character at least one encoding has: which ones (bit e), and its code there. */
typedef struct cpmap {
    uint16_t cp;
    uint16_t mask;
    unsigned char code[NENC];
} cpmap;

/* One face (regular or bold). */
typedef struct face {
    char *path;
    const char *name;             /* libharu's name of the font file itself */
    const char *enc_name[NENC];   /* font drawn with each encoding: companion or the font */
    fk_sfnt *sfnt[NENC];          /* the companion's file, parsed; NULL: libharu embeds */
    fk_sfnt *main_sfnt;           /* the font's own file, parsed (NULL if not subsettable) */
    uint16_t *width;              /* advance of every BMP code point, 1/1000 em */
} face;

/* libharu's error handler writes here; it lives as long as the renderer's document. */
typedef struct hpdf_err {
    HPDF_STATUS error, detail;
} hpdf_err;

struct fk_renderer {
    /* One libharu document, reused for every invoice (HPDF_NewDoc keeps the parsed fonts):
     * loading a font costs more than drawing a whole invoice. */
    HPDF_Doc pdf;
    hpdf_err err;
    bool broken;                  /* a libharu error happened: rebuild before the next use */
    face face[2];
    int nfaces;                   /* 1: no bold font, face[1] is a copy of face[0] */
    cpmap *map;                   /* sorted by cp */
    size_t nmap;
    unsigned char *assign;        /* per map entry, per document: ENC_* */
    uint16_t uni[NENC][256];      /* code -> Unicode, for ToUnicode CMaps */
    bool enc_ok[NENC];            /* printable ASCII maps to itself */
    unsigned char *logo;          /* PNG file contents, or NULL */
    size_t logo_len;
    float logo_w, logo_h;         /* pixels */
    model m;
};

/* Per render call. */
typedef struct ctx {
    fk_renderer *r;
    model *m;
    const fk_invoice *inv;
    const labels *L;
    HPDF_Doc pdf;
    hpdf_err *e;
    const uint16_t *width[2];     /* per face */
    HPDF_Font font[2][NENC + 1];  /* per face and encoding, made on first use */
    int primary;                  /* encoding of text that needs none in particular */
    unsigned char used[NENC][256];/* codes drawn per encoding (ToUnicode) */
    const char *footer;           /* wrapped footer lines (NUL-separated), or NULL */
    int nfooter;
    const char *running;          /* running header text on pages >= 2 */
    float bottom;                 /* lowest y content may reach */
    float logo_box_w;             /* width the logo takes at the top right, 0: none */
    int npages;
    const char *stage;            /* what was going on, for error messages */
} ctx;

/* ---- Small utilities ------------------------------------------------------------------- */

static void *grow(void *p, size_t *cap, size_t need, size_t elsz)
{
    size_t nc;

    if (need <= *cap)
        return p;
    nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    *cap = nc;
    return fk_xrealloc(p, nc * elsz);
}

/* Copy n bytes (which may contain NULs) into the arena and NUL-terminate. Standard blocks
 * are recycled through the spare list, so a batch settles at a few blocks and stops
 * allocating; only a string bigger than a block gets (and later frees) its own. */
static char *arena_dup(model *m, const char *s, size_t n)
{
    arena_block *b = m->arena;
    char *p;

    if (!b || b->cap - b->used < n + 1) {
        if (n + 1 <= ARENA_BLOCK && m->spare) {
            b = m->spare;
            m->spare = b->next;
        } else {
            size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
            b = fk_xmalloc(sizeof(*b) + cap);
            b->cap = cap;
        }
        b->used = 0;
        b->next = m->arena;
        m->arena = b;
    }
    p = b->data + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

static void model_reset(model *m)
{
    arena_block *b = m->arena, *next;

    for (; b; b = next) {
        next = b->next;
        if (b->cap == ARENA_BLOCK) {
            b->next = m->spare;
            m->spare = b;
        } else {
            free(b);
        }
    }
    m->arena = NULL;
    m->ncells = m->nrows = m->ntables = m->nreps = 0;
    fk_buf_reset(&m->clean);
    fk_buf_reset(&m->wrap);
}

static void free_blocks(arena_block *b)
{
    arena_block *next;

    for (; b; b = next) {
        next = b->next;
        free(b);
    }
}

static void model_free(model *m)
{
    free_blocks(m->arena);
    free_blocks(m->spare);
    free(m->cells);
    free(m->rows);
    free(m->tables);
    free(m->reps);
    fk_buf_free(&m->clean);
    fk_buf_free(&m->wrap);
    fk_buf_free(&m->run);
    fk_buf_free(&m->ttf);
    free(m->z);
    if (m->deflate)
        libdeflate_free_compressor(m->deflate);
    memset(m, 0, sizeof(*m));
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* Length of the UTF-8 sequence at p and its code point, or 0 if it is not valid UTF-8
 * (overlong, surrogate, truncated, beyond U+10FFFF). */
static size_t utf8_decode(const unsigned char *p, unsigned long *cp)
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
static const char *clean_text(model *m, const char *s)
{
    const unsigned char *p = (const unsigned char *)str_or_empty(s);
    fk_buf *b = &m->clean;
    unsigned long cp;
    size_t n;

    fk_buf_reset(b);
    while (*p) {
        n = utf8_decode(p, &cp);
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

/* Width of s[0..n) in 1/1000 em, from the face's table of advance widths (filled from the
 * font at start-up, see load_widths()). Glyph widths simply add up (libharu does no
 * kerning), so wrapping can sum the widths of words instead of re-measuring whole lines.
 * s is clean_text() output or a label: valid UTF-8 within the BMP. */
static unsigned long text_units(const uint16_t *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    unsigned long sum = 0, cp;

    while (p < e) {
        size_t k = *p < 0x80 ? (cp = *p, 1) : utf8_decode(p, &cp);
        if (k == 0 || cp > 0xFFFF) {
            cp = '?';
            k = 1;
        }
        sum += w[cp];
        p += k;
    }
    return sum;
}

static float text_width(const uint16_t *w, float size, const char *s)
{
    return (float)text_units(w, s, strlen(s)) * size / 1000.0f;
}

/* Break s into lines no wider than `width` at `size`: greedy, at spaces; a word wider than
 * the line is broken between characters. Result: the lines back to back, each
 * NUL-terminated, in the arena; *nlines >= 1 (an empty text is one empty line). */
static const char *wrap_text(ctx *c, const char *raw, int font, float size, float width,
                             int *nlines)
{
    const uint16_t *f = c->width[font];
    const char *s = clean_text(c->m, raw);
    fk_buf *out = &c->m->wrap;
    unsigned long maxu = width > 0 ? (unsigned long)(width * 1000.0f / size) : 0;
    unsigned long spaceu = text_units(f, " ", 1), lineu = 0;
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
        wu = text_units(f, s, (size_t)(q - s));
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
        /* A word wider than a whole line: as many characters as fit (at least one, so
         * this always advances), then the rest of the word on the next line. */
        {
            const char *k = s;
            unsigned long u = 0;
            while (k < q) {
                unsigned long cp;
                size_t cl = utf8_decode((const unsigned char *)k, &cp);
                unsigned long cu;
                if (cl == 0)
                    cl = 1;   /* cannot happen after clean_text(); stay safe anyway */
                cu = text_units(f, k, cl);
                if (k > s && u + cu > maxu)
                    break;
                u += cu;
                k += cl;
            }
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
    *nlines = n;
    /* out holds n NUL-terminated lines; the arena adds one more NUL, harmless. */
    return arena_dup(c->m, fk_buf_cstr(out), out->len);
}

static const char *next_line(const char *p)
{
    return p + strlen(p) + 1;
}

/* ---- Building rows -------------------------------------------------------------------- */

typedef struct colspec {
    const char *text;         /* raw (cleaned here); NULL or "" for an empty cell */
    float x, w;               /* column left edge and width */
    float size;
    unsigned char font, color, align;
} colspec;

typedef struct rowopt {
    float pad_top, pad_bot;   /* extra space above the first / below the last line */
    unsigned flags;           /* on every row */
    unsigned last_flags;      /* on the last row only */
    float x0, x1;             /* extent of fill and rules; 0,0: full content width */
    int table;
} rowopt;

static row *push_row(ctx *c, float h, float base, unsigned flags, const rowopt *o)
{
    model *m = c->m;
    row *r;

    m->rows = grow(m->rows, &m->caprows, m->nrows + 1, sizeof(*m->rows));
    r = &m->rows[m->nrows++];
    memset(r, 0, sizeof(*r));
    r->cell0 = m->ncells;
    r->h = h;
    r->base = base;
    r->flags = flags;
    r->x0 = o && o->x1 > o->x0 ? o->x0 : M_LEFT;
    r->x1 = o && o->x1 > o->x0 ? o->x1 : M_RIGHT;
    r->table = o ? o->table : -1;
    return r;
}

static void push_cell(ctx *c, row *r, const char *text, const colspec *col)
{
    model *m = c->m;
    cell *ce;

    m->cells = grow(m->cells, &m->capcells, m->ncells + 1, sizeof(*m->cells));
    ce = &m->cells[m->ncells++];
    ce->text = text;
    ce->size = col->size;
    ce->font = col->font;
    ce->color = col->color;
    ce->align = col->align;
    ce->x = col->align == ALIGN_RIGHT ? col->x + col->w - CELL_PAD : col->x + CELL_PAD;
    r->ncells++;
}

/* Lay n columns side by side: each is wrapped to its width, and the block gets as many
 * rows as its tallest column. Lines of one block are kept together. */
static void add_columns(ctx *c, const colspec *cols, size_t n, const rowopt *o)
{
    const char *line[8];
    int nl[8], rows = 1;
    float size = 0;
    size_t k;

    for (k = 0; k < n && k < 8; k++) {
        line[k] = wrap_text(c, cols[k].text, cols[k].font, cols[k].size,
                            cols[k].w - 2 * CELL_PAD, &nl[k]);
        if (nl[k] > rows)
            rows = nl[k];
        if (cols[k].size > size)
            size = cols[k].size;
    }
    for (int i = 0; i < rows; i++) {
        float top = i == 0 ? o->pad_top : 0, bot = i == rows - 1 ? o->pad_bot : 0;
        unsigned flags = o->flags | (i < rows - 1 ? ROW_KEEP_NEXT : o->last_flags);
        row *r = push_row(c, top + size * LEAD + bot, top + size * ASCENT, flags, o);
        for (k = 0; k < n && k < 8; k++) {
            if (i < nl[k]) {
                if (line[k][0])
                    push_cell(c, r, line[k], &cols[k]);
                line[k] = next_line(line[k]);
            }
        }
    }
}

static void add_spacer(ctx *c, float h)
{
    push_row(c, h, 0, ROW_SPACER, NULL);
}

/* The block just added (since row index `from`) should move to a new page as one piece. */
static void keep_together(ctx *c, size_t from)
{
    model *m = c->m;

    for (size_t i = from; i + 1 < m->nrows; i++)
        m->rows[i].flags |= ROW_KEEP_NEXT;
    if (m->nrows > 0)
        m->rows[m->nrows - 1].flags &= ~ROW_KEEP_NEXT;
}

static colspec col(const char *text, float x, float w, float size, int font, int color,
                   int align)
{
    colspec s;

    s.text = text;
    s.x = x;
    s.w = w;
    s.size = size;
    s.font = (unsigned char)font;
    s.color = (unsigned char)color;
    s.align = (unsigned char)align;
    return s;
}

static const rowopt PLAIN = {0, 0, 0, 0, 0, 0, -1};

/* ---- Number formatting ------------------------------------------------------------------ */

static const char *fmt_amount(ctx *c, int64_t v, const char *currency)
{
    char num[96], out[128];

    fk_decimal_format_grouped(v, c->inv->exponent, c->L->group, c->L->decimal, num,
                              sizeof(num));
    if (currency && currency[0])
        snprintf(out, sizeof(out), "%s %s", num, currency);
    else
        snprintf(out, sizeof(out), "%s", num);
    return arena_dup(c->m, out, strlen(out));
}

/* v / 10^scale with trailing zeros (and a bare separator) removed: 1500 -> "1.5",
 * 2000 -> "2", 775 -> "7.75" (scale 3 / 3 / 2). */
static const char *fmt_trimmed(ctx *c, int64_t v, int scale, const char *suffix)
{
    char num[96], out[128];
    const char *sep = c->L->decimal, *p, *last = NULL;
    size_t seplen = strlen(sep), len;

    fk_decimal_format_grouped(v, scale, c->L->group, sep, num, sizeof(num));
    /* The decimal separator is the last occurrence: grouping may use the same character
     * in another locale, never after the decimals. */
    for (p = strstr(num, sep); p; p = strstr(p + seplen, sep))
        last = p;
    if (last && seplen) {
        len = strlen(num);
        while (len > (size_t)(last - num) + seplen && num[len - 1] == '0')
            num[--len] = '\0';
        if (len == (size_t)(last - num) + seplen)
            num[last - num] = '\0';
    }
    snprintf(out, sizeof(out), "%s%s", num, suffix ? suffix : "");
    return arena_dup(c->m, out, strlen(out));
}

/* Logo box at the top right of page 1, level with the title: at most LOGO_MAX_W x
 * LOGO_MAX_H points, aspect kept. */
#define LOGO_MAX_W 150.0f
#define LOGO_MAX_H 38.0f

static void logo_size(const fk_renderer *r, float *w, float *h)
{
    float s = LOGO_MAX_W / r->logo_w;

    if (LOGO_MAX_H / r->logo_h < s)
        s = LOGO_MAX_H / r->logo_h;
    *w = r->logo_w * s;
    *h = r->logo_h * s;
}

/* "2026-11-20" as the language writes dates: "20 Nov 2026" in English (no day/month
 * order to misread), "20.11.2026" in German, Norwegian and Polish. Anything that is not
 * a plain YYYY-MM-DD date prints as given. */
static const char *fmt_date(ctx *c, const char *iso)
{
    static const char *const MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char out[32];
    int y, m, d;

    if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
        return str_or_empty(iso);
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return iso;
    y = atoi(iso);
    m = atoi(iso + 5);
    d = atoi(iso + 8);
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return iso;
    if (!strcmp(c->L->lang, "en"))
        snprintf(out, sizeof(out), "%d %s %04d", d, MONTHS[m - 1], y);
    else
        snprintf(out, sizeof(out), "%02d.%02d.%04d", d, m, y);
    return arena_dup(c->m, out, strlen(out));
}

/* ---- The invoice as rows ---------------------------------------------------------------- */

static void build_header(ctx *c)
{
    const fk_invoice *inv = c->inv;
    const labels *L = c->L;
    const uint16_t *reg = c->width[FONT_REG];
    const float mid = M_LEFT + CONTENT_W / 2 + 10;
    const char *left_l[3] = {L->number, L->order_id, L->currency};
    const char *left_v[3] = {inv->number, inv->order_id, inv->currency};
    const char *right_l[3] = {L->issue_date, L->delivery_date, L->due_date};
    float title_w = CONTENT_W + 2 * CELL_PAD;
    const char *right_v[3] = {fmt_date(c, inv->issue_date), fmt_date(c, inv->order_date),
                              fmt_date(c, inv->due_date)};
    float lw = 0, rw = 0;
    colspec cs[4];
    rowopt o = PLAIN;
    int i;

    /* The logo, if any, sits at the right end of the title's row. */
    if (c->r->logo) {
        float logo_w, logo_h;
        logo_size(c->r, &logo_w, &logo_h);
        title_w -= logo_w + 12.0f;
    }
    cs[0] = col(L->title, M_LEFT - CELL_PAD, title_w, SZ_TITLE, FONT_BOLD,
                COLOR_ACCENT, ALIGN_LEFT);
    add_columns(c, cs, 1, &o);
    add_spacer(c, 6);

    /* Meta data as two label/value columns; labels are measured so values line up. */
    for (i = 0; i < 3; i++) {
        float w = text_width(reg, SZ_BODY, left_l[i]);
        lw = w > lw ? w : lw;
        w = text_width(reg, SZ_BODY, right_l[i]);
        rw = w > rw ? w : rw;
    }
    lw += 2 * CELL_PAD + 6;
    rw += 2 * CELL_PAD + 6;
    for (i = 0; i < 3; i++) {
        float lx = M_LEFT - CELL_PAD, rx = mid - CELL_PAD;
        cs[0] = col(left_l[i], lx, lw, SZ_BODY, FONT_REG, COLOR_MUTED, ALIGN_LEFT);
        cs[1] = col(left_v[i], lx + lw, mid - 12 - (lx + lw), SZ_BODY,
                    i == 0 ? FONT_BOLD : FONT_REG, COLOR_TEXT, ALIGN_LEFT);
        cs[2] = col(right_l[i], rx, rw, SZ_BODY, FONT_REG, COLOR_MUTED, ALIGN_LEFT);
        cs[3] = col(right_v[i], rx + rw, M_RIGHT + CELL_PAD - (rx + rw), SZ_BODY, FONT_REG,
                    COLOR_TEXT, ALIGN_LEFT);
        o.last_flags = i == 2 ? ROW_RULE_STRONG : 0;
        o.pad_bot = i == 2 ? 6 : 0;
        add_columns(c, cs, 4, &o);
    }
    add_spacer(c, 12);
}

/* One line of the seller/buyer block; skipped when both sides are empty. */
static void party_line(ctx *c, const char *a, const char *b, int font, float size, int color)
{
    const float mid = M_LEFT + CONTENT_W / 2 + 10;
    colspec cs[2];

    if ((!a || !a[0]) && (!b || !b[0]))
        return;
    cs[0] = col(a, M_LEFT - CELL_PAD, mid - 12 - (M_LEFT - CELL_PAD), size, font, color,
                ALIGN_LEFT);
    cs[1] = col(b, mid - CELL_PAD, M_RIGHT + CELL_PAD - (mid - CELL_PAD), size, font, color,
                ALIGN_LEFT);
    add_columns(c, cs, 2, &PLAIN);
}

static const char *join2(ctx *c, const char *a, const char *sep, const char *b)
{
    fk_buf *t = &c->m->wrap;  /* free between wrap_text() calls */

    fk_buf_reset(t);
    a = str_or_empty(a);
    b = str_or_empty(b);
    fk_buf_puts(t, a);
    if (a[0] && b[0])
        fk_buf_puts(t, sep);
    fk_buf_puts(t, b);
    return arena_dup(c->m, fk_buf_cstr(t), t->len);
}

static void build_parties(ctx *c)
{
    const fk_party *s = &c->inv->seller, *b = &c->inv->buyer;
    const labels *L = c->L;
    const char *svat = s->vat_id && s->vat_id[0] ? join2(c, L->vat_id, ": ", s->vat_id) : "";
    const char *bvat = b->vat_id && b->vat_id[0] ? join2(c, L->vat_id, ": ", b->vat_id) : "";

    party_line(c, L->seller, L->buyer, FONT_BOLD, SZ_SMALL, COLOR_MUTED);
    party_line(c, s->name, b->name, FONT_BOLD, 10.0f, COLOR_TEXT);
    party_line(c, s->street, b->street, FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, join2(c, s->postal_code, " ", s->city), join2(c, b->postal_code, " ", b->city),
               FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, s->country, b->country, FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, svat, bvat, FONT_REG, SZ_BODY, COLOR_TEXT);
    add_spacer(c, 16);
}

/* Line table. Numeric columns are as wide as their widest value (or header word), the
 * description gets the rest; if amounts are so long that the description would get
 * squeezed, the whole table steps down in size. */
enum { TC_NO, TC_DESC, TC_QTY, TC_UNIT, TC_VAT, TC_NET, TC_COUNT };

static fk_status build_table(ctx *c, fk_error *err)
{
    const fk_invoice *inv = c->inv;
    const labels *L = c->L;
    const char *hdr[TC_COUNT] = {L->col_no, L->col_desc, L->col_qty, L->col_unit, L->col_vat,
                                 L->col_net};
    const char **val = NULL;  /* nlines x TC_COUNT formatted cells (desc: raw text) */
    float w[TC_COUNT], x[TC_COUNT], size = SZ_BODY, hsize = SZ_SMALL;
    char no[32];
    size_t i, first_row;
    fk_status st = FK_OK;
    model *m = c->m;
    table *t;
    int k;

    val = fk_xcalloc(inv->nlines ? inv->nlines * TC_COUNT : 1, sizeof(*val));
    for (i = 0; i < inv->nlines; i++) {
        const fk_invoice_line *ln = &inv->lines[i];
        snprintf(no, sizeof(no), "%zu", i + 1);
        val[i * TC_COUNT + TC_NO] = arena_dup(m, no, strlen(no));
        val[i * TC_COUNT + TC_DESC] = ln->description;
        val[i * TC_COUNT + TC_QTY] = fmt_trimmed(c, ln->qty_milli, 3, NULL);
        val[i * TC_COUNT + TC_UNIT] = fmt_amount(c, ln->unit_price, NULL);
        val[i * TC_COUNT + TC_VAT] = fmt_trimmed(c, ln->vat_centi, 2, NULL);
        val[i * TC_COUNT + TC_NET] = fmt_amount(c, ln->net, NULL);
    }

    for (;;) {
        float used = 0;
        for (k = 0; k < TC_COUNT; k++) {
            float cw = 0, hw, word = 0;
            const char *h = hdr[k], *p;
            if (k == TC_DESC)
                continue;
            for (i = 0; i < inv->nlines; i++) {
                float vw = text_width(c->width[FONT_REG], size, val[i * TC_COUNT + k]);
                cw = vw > cw ? vw : cw;
            }
            /* The header may wrap, but never inside a word, and not to more than about
             * two lines for the usual labels. */
            for (p = h; *p;) {
                const char *q = strchr(p, ' ');
                size_t n = q ? (size_t)(q - p) : strlen(p);
                float ww = (float)text_units(c->width[FONT_BOLD], p, n) * hsize / 1000.0f;
                word = ww > word ? ww : word;
                p += n;
                while (*p == ' ')
                    p++;
            }
            hw = text_width(c->width[FONT_BOLD], hsize, h);
            hw = hw > 58.0f ? 58.0f : hw;
            hw = hw > word ? hw : word;
            w[k] = (cw > hw ? cw : hw) + 2 * CELL_PAD + 1.0f;
            used += w[k];
        }
        w[TC_DESC] = CONTENT_W + 2 * CELL_PAD - used;
        if (w[TC_DESC] >= MIN_DESC_W || size <= 5.0f)
            break;
        size -= 0.5f;
        hsize = size - 1.0f;
    }
    if (w[TC_DESC] < 40.0f) {
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                          "invoice %s: line amounts too long to fit the page width",
                          str_or_empty(inv->number));
        goto done;
    }
    x[0] = M_LEFT - CELL_PAD;
    for (k = 1; k < TC_COUNT; k++)
        x[k] = x[k - 1] + w[k - 1];

    /* Header rows. */
    m->tables = grow(m->tables, &m->captables, m->ntables + 1, sizeof(*m->tables));
    t = &m->tables[m->ntables];
    {
        colspec cs[TC_COUNT];
        rowopt o = PLAIN;
        o.flags = ROW_FILL | ROW_HEADER | ROW_KEEP_NEXT;
        o.last_flags = ROW_KEEP_NEXT; /* the header stays with the first item */
        o.pad_top = 3;
        o.pad_bot = 3;
        o.x0 = M_LEFT - CELL_PAD;
        o.x1 = M_RIGHT + CELL_PAD;
        o.table = (int)m->ntables;
        for (k = 0; k < TC_COUNT; k++)
            cs[k] = col(hdr[k], x[k], w[k], hsize, FONT_BOLD, COLOR_TEXT,
                        k == TC_DESC ? ALIGN_LEFT : ALIGN_RIGHT);
        first_row = m->nrows;
        add_columns(c, cs, TC_COUNT, &o);
        t->row0 = first_row;
        t->nrows = m->nrows - first_row;
        t->h = 0;
        for (i = first_row; i < m->nrows; i++)
            t->h += m->rows[i].h;
        m->ntables++;
    }

    /* One block per item: description (wrapped) and numbers on its first line, the SKU
     * in small print under the description. */
    for (i = 0; i < inv->nlines; i++) {
        const fk_invoice_line *ln = &inv->lines[i];
        colspec cs[TC_COUNT];
        rowopt o = PLAIN;
        bool sku = ln->sku && ln->sku[0];
        o.table = (int)m->ntables - 1;
        o.pad_top = 3;
        o.pad_bot = sku ? 0 : 3;
        o.last_flags = sku ? ROW_KEEP_NEXT : ROW_RULE;
        o.x0 = M_LEFT - CELL_PAD;
        o.x1 = M_RIGHT + CELL_PAD;
        for (k = 0; k < TC_COUNT; k++)
            cs[k] = col(val[i * TC_COUNT + k], x[k], w[k], size, FONT_REG, COLOR_TEXT,
                        k == TC_DESC ? ALIGN_LEFT : ALIGN_RIGHT);
        add_columns(c, cs, TC_COUNT, &o);
        if (sku) {
            o.pad_top = 0;
            o.pad_bot = 3;
            o.last_flags = ROW_RULE;
            cs[0] = col(join2(c, L->sku, ": ", ln->sku), x[TC_DESC], w[TC_DESC], size - 1.5f,
                        FONT_REG, COLOR_MUTED, ALIGN_LEFT);
            add_columns(c, cs, 1, &o);
        }
    }
    add_spacer(c, 14);
done:
    free(val);
    return st;
}

/* VAT breakdown per rate and the three totals, right-aligned, kept on one page. */
static void build_totals(ctx *c)
{
    const fk_invoice *inv = c->inv;
    const labels *L = c->L;
    const uint16_t *reg = c->width[FONT_REG], *bold = c->width[FONT_BOLD];
    const char *hdr[3] = {L->vat_rate, L->vat_base, L->vat_amount};
    const char *tl[3] = {L->net_total, L->vat_total, L->gross_total};
    const char *tv[3];
    float w[3] = {0, 0, 0}, x0, amw = 0, lx;
    size_t first = c->m->nrows, i;
    colspec cs[3];
    rowopt o = PLAIN;
    int k;

    const char **v = fk_xcalloc(inv->nvat ? inv->nvat * 3 : 1, sizeof(*v));
    for (i = 0; i < inv->nvat; i++) {
        v[i * 3 + 0] = fmt_trimmed(c, inv->vat[i].vat_centi, 2, L->pct);
        v[i * 3 + 1] = fmt_amount(c, inv->vat[i].taxable, NULL);
        v[i * 3 + 2] = fmt_amount(c, inv->vat[i].vat, NULL);
    }
    for (k = 0; k < 3; k++) {
        float hw = text_width(bold, SZ_SMALL, hdr[k]);
        w[k] = hw > 70.0f ? 70.0f : hw;
        for (i = 0; i < inv->nvat; i++) {
            float vw = text_width(reg, SZ_BODY, v[i * 3 + k]);
            w[k] = vw > w[k] ? vw : w[k];
        }
        w[k] += 2 * CELL_PAD + 12;
    }
    x0 = M_RIGHT + CELL_PAD - (w[0] + w[1] + w[2]);
    if (x0 < M_LEFT - CELL_PAD)
        x0 = M_LEFT - CELL_PAD;

    o.x0 = x0;
    o.x1 = M_RIGHT + CELL_PAD;
    cs[0] = col(L->vat_summary, x0, M_RIGHT + CELL_PAD - x0, SZ_HEAD, FONT_BOLD, COLOR_TEXT,
                ALIGN_LEFT);
    o.pad_bot = 2;
    add_columns(c, cs, 1, &o);

    o.flags = ROW_FILL;
    o.pad_top = o.pad_bot = 3;
    for (k = 0; k < 3; k++)
        cs[k] = col(hdr[k], k ? cs[k - 1].x + w[k - 1] : x0, w[k], SZ_SMALL, FONT_BOLD,
                    COLOR_TEXT, ALIGN_RIGHT);
    add_columns(c, cs, 3, &o);
    o.flags = 0;
    o.last_flags = ROW_RULE;
    o.pad_top = o.pad_bot = 2;
    for (i = 0; i < inv->nvat; i++) {
        for (k = 0; k < 3; k++)
            cs[k] = col(v[i * 3 + k], k ? cs[k - 1].x + w[k - 1] : x0, w[k], SZ_BODY, FONT_REG,
                        COLOR_TEXT, ALIGN_RIGHT);
        add_columns(c, cs, 3, &o);
    }
    free(v);
    add_spacer(c, 8);

    /* Totals: amounts with currency in one right-aligned column, labels before it. */
    tv[0] = fmt_amount(c, inv->net_total, inv->currency);
    tv[1] = fmt_amount(c, inv->vat_total, inv->currency);
    tv[2] = fmt_amount(c, inv->gross_total, inv->currency);
    for (k = 0; k < 3; k++) {
        float aw = text_width(k == 2 ? bold : reg, k == 2 ? 10.0f : SZ_BODY, tv[k]);
        amw = aw > amw ? aw : amw;
    }
    amw += 2 * CELL_PAD + 4;
    lx = M_LEFT + CONTENT_W * 0.3f;
    if (lx > M_RIGHT + CELL_PAD - amw - 60)
        lx = M_LEFT - CELL_PAD;
    /* Rules span the totals as printed, not the whole label column. */
    for (k = 0; k < 3; k++) {
        float lw = text_width(k == 2 ? bold : reg, k == 2 ? 10.0f : SZ_BODY, tl[k]);
        float start = M_RIGHT + CELL_PAD - amw - lw - 2 * CELL_PAD;
        x0 = start < x0 ? start : x0;
    }
    o = PLAIN;
    o.x0 = x0 < lx ? lx : x0;
    o.x1 = M_RIGHT + CELL_PAD;
    for (k = 0; k < 3; k++) {
        bool gross = k == 2;
        float sz = gross ? 10.0f : SZ_BODY;
        cs[0] = col(tl[k], lx, M_RIGHT + CELL_PAD - amw - lx, sz, gross ? FONT_BOLD : FONT_REG,
                    COLOR_TEXT, ALIGN_RIGHT);
        cs[1] = col(tv[k], M_RIGHT + CELL_PAD - amw, amw, sz, gross ? FONT_BOLD : FONT_REG,
                    COLOR_TEXT, ALIGN_RIGHT);
        o.pad_top = gross ? 4 : 1;
        o.pad_bot = 1;
        o.last_flags = k == 1 ? ROW_RULE_STRONG : 0;
        add_columns(c, cs, 2, &o);
    }
    keep_together(c, first);
    add_spacer(c, 14);
}

static void build_reverse_charge(ctx *c)
{
    size_t first = c->m->nrows;
    colspec cs[1];

    if (!c->inv->reverse_charge)
        return;
    cs[0] = col(c->L->reverse_charge, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_HEAD,
                FONT_BOLD, COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 1, &PLAIN);
    cs[0] = col(c->L->reverse_note, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_BODY,
                FONT_REG, COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 1, &PLAIN);
    keep_together(c, first);
    add_spacer(c, 14);
}

static void label_value(ctx *c, const char *label, const char *value, float lw)
{
    colspec cs[2];

    if (!value || !value[0])
        return;
    cs[0] = col(label, M_LEFT - CELL_PAD, lw, SZ_BODY, FONT_REG, COLOR_MUTED, ALIGN_LEFT);
    cs[1] = col(value, M_LEFT - CELL_PAD + lw, CONTENT_W + 2 * CELL_PAD - lw, SZ_BODY,
                FONT_REG, COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 2, &PLAIN);
}

static void build_payment(ctx *c)
{
    const fk_invoice *inv = c->inv;
    const labels *L = c->L;
    const uint16_t *reg = c->width[FONT_REG];
    size_t first = c->m->nrows;
    colspec cs[1];
    float lw = 0;
    const char *lab[3];
    int k;

    cs[0] = col(L->payment, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_HEAD, FONT_BOLD,
                COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 1, &PLAIN);

    switch (inv->payment) {
    case FK_INV_PAY_SEPA:
        lab[0] = L->mandate;
        lab[1] = L->account;
        lab[2] = "";
        for (k = 0; k < 3; k++) {
            float w = text_width(reg, SZ_BODY, lab[k]);
            lw = w > lw ? w : lw;
        }
        lw += 2 * CELL_PAD + 8;
        cs[0] = col(L->sepa_text, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_BODY, FONT_REG,
                    COLOR_TEXT, ALIGN_LEFT);
        add_columns(c, cs, 1, &PLAIN);
        label_value(c, L->mandate, inv->mandate_id, lw);
        label_value(c, L->account, inv->iban_masked, lw);
        break;
    case FK_INV_PAY_CARD: {
        /* "Paid by VISA ****1234"; a brand-less card reads "Paid by card ****1234". */
        const char *brand = inv->card_brand && inv->card_brand[0] ? inv->card_brand
                                                                   : L->card_word;
        const char *s = join2(c, L->paid_by, " ", brand);
        if (inv->card_last4 && inv->card_last4[0]) {
            const char *mask = join2(c, "****", "", inv->card_last4);
            s = join2(c, s, " ", mask);
        }
        cs[0] = col(s, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_BODY, FONT_REG,
                    COLOR_TEXT, ALIGN_LEFT);
        add_columns(c, cs, 1, &PLAIN);
        break;
    }
    case FK_INV_PAY_TRANSFER:
    default:
        lab[0] = L->iban;
        lab[1] = L->bic;
        lab[2] = L->reference;
        for (k = 0; k < 3; k++) {
            float w = text_width(reg, SZ_BODY, lab[k]);
            lw = w > lw ? w : lw;
        }
        lw += 2 * CELL_PAD + 8;
        cs[0] = col(L->transfer_text, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_BODY,
                    FONT_REG, COLOR_TEXT, ALIGN_LEFT);
        add_columns(c, cs, 1, &PLAIN);
        label_value(c, L->iban, inv->seller_iban, lw);
        label_value(c, L->bic, inv->seller_bic, lw);
        label_value(c, L->reference, inv->payment_reference, lw);
        break;
    }
    keep_together(c, first);
}

static fk_status build_model(ctx *c, fk_error *err)
{
    fk_status st;
    float foot_top;

    /* Page furniture first: the footer's height decides where content must stop. */
    c->footer = NULL;
    c->nfooter = 0;
    if (c->inv->footer && c->inv->footer[0])
        c->footer = wrap_text(c, c->inv->footer, FONT_REG, FOOT_SIZE, CONTENT_W, &c->nfooter);
    if (c->nfooter > 0)
        foot_top = FOOT_BASE + 12.0f + (float)(c->nfooter - 1) * FOOT_SIZE * LEAD + FOOT_SIZE;
    else
        foot_top = FOOT_BASE + SZ_SMALL;
    c->bottom = foot_top + 12.0f;
    if (TOP_CONT - c->bottom < 250.0f)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, "footer",
                            "invoice %s: footer text too long (%d lines)",
                            str_or_empty(c->inv->number), c->nfooter);
    c->running = join2(c, c->L->title, " ", c->inv->number);

    build_header(c);
    build_parties(c);
    st = build_table(c, err);
    if (st != FK_OK)
        return st;
    build_totals(c);
    build_reverse_charge(c);
    build_payment(c);
    return FK_OK;
}

/* ---- Pagination ------------------------------------------------------------------------- */

typedef struct cursor {
    int page;
    float y;
    bool empty;               /* nothing but a repeated header on this page yet */
} cursor;

static float page_top(int page)
{
    return page == 1 ? TOP_FIRST : TOP_CONT;
}

static void new_page(ctx *c, cursor *cur, const row *next)
{
    model *m = c->m;

    cur->page++;
    cur->y = page_top(cur->page);
    cur->empty = true;
    if (next->table >= 0 && !(next->flags & ROW_HEADER)) {
        m->reps = grow(m->reps, &m->capreps, m->nreps + 1, sizeof(*m->reps));
        m->reps[m->nreps].table = next->table;
        m->reps[m->nreps].page = cur->page;
        m->reps[m->nreps].top = cur->y;
        m->nreps++;
        cur->y -= m->tables[next->table].h;
    }
}

static void place(cursor *cur, row *r)
{
    r->page = cur->page;
    r->top = cur->y;
    cur->y -= r->h;
    cur->empty = false;
}

static void paginate(ctx *c)
{
    model *m = c->m;
    cursor cur = {1, TOP_FIRST, true};
    const float eps = 0.01f;
    size_t i = 0, j, k;

    while (i < m->nrows) {
        float gh = m->rows[i].h, fresh;

        if ((m->rows[i].flags & ROW_SPACER) && cur.empty) {
            m->rows[i].page = 0;
            i++;
            continue;
        }
        for (j = i; (m->rows[j].flags & ROW_KEEP_NEXT) && j + 1 < m->nrows; j++)
            gh += m->rows[j + 1].h;

        if (cur.y - gh >= c->bottom - eps) {
            for (k = i; k <= j; k++)
                place(&cur, &m->rows[k]);
        } else {
            fresh = page_top(cur.page + 1) - c->bottom;
            if (m->rows[i].table >= 0 && !(m->rows[i].flags & ROW_HEADER))
                fresh -= m->tables[m->rows[i].table].h;
            if (gh <= fresh + eps && !cur.empty) {
                new_page(c, &cur, &m->rows[i]);
                for (k = i; k <= j; k++)
                    place(&cur, &m->rows[k]);
            } else {
                /* Taller than a page: split it, line by line. A line always goes on a
                 * page that has nothing else yet, so this cannot loop. */
                for (k = i; k <= j; k++) {
                    if (cur.y - m->rows[k].h < c->bottom - eps && !cur.empty)
                        new_page(c, &cur, &m->rows[k]);
                    place(&cur, &m->rows[k]);
                }
            }
        }
        i = j + 1;
    }
    c->npages = cur.page;
}

/* ---- Drawing ---------------------------------------------------------------------------- */

static void set_fill(HPDF_Page pg, int color)
{
    switch (color) {
    case COLOR_MUTED:
        HPDF_Page_SetRGBFill(pg, 0.40f, 0.42f, 0.45f);
        break;
    case COLOR_ACCENT:
        HPDF_Page_SetRGBFill(pg, 0.11f, 0.25f, 0.45f);
        break;
    default:
        HPDF_Page_SetRGBFill(pg, 0.08f, 0.08f, 0.10f);
        break;
    }
}

static void draw_row_graphics(HPDF_Page pg, const row *r, float top)
{
    float bot = top - r->h;

    if (r->flags & ROW_FILL) {
        HPDF_Page_SetRGBFill(pg, 0.92f, 0.93f, 0.95f);
        /* Overlap by a hair so two fill rows (a wrapped header) show no seam. */
        HPDF_Page_Rectangle(pg, r->x0, bot - 0.2f, r->x1 - r->x0, r->h + 0.4f);
        HPDF_Page_Fill(pg);
    }
    if (r->flags & (ROW_RULE | ROW_RULE_STRONG)) {
        bool strong = (r->flags & ROW_RULE_STRONG) != 0;
        HPDF_Page_SetLineWidth(pg, strong ? 0.9f : 0.4f);
        if (strong)
            HPDF_Page_SetRGBStroke(pg, 0.11f, 0.25f, 0.45f);
        else
            HPDF_Page_SetRGBStroke(pg, 0.78f, 0.80f, 0.83f);
        HPDF_Page_MoveTo(pg, r->x0, bot);
        HPDF_Page_LineTo(pg, r->x1, bot);
        HPDF_Page_Stroke(pg);
    }
}

typedef struct pen {
    HPDF_Page pg;
    HPDF_Font font;
    float size;
    int color;
} pen;

/* Index of cp in the renderer's map, or -1 if no single-byte encoding has it. */
static long map_find(const fk_renderer *r, unsigned long cp)
{
    size_t lo = 0, hi = r->nmap;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->map[mid].cp < cp)
            lo = mid + 1;
        else if (r->map[mid].cp > cp)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

/* The document's font for a face and encoding, made on first use so an invoice only
 * carries the fonts it draws with. NULL after a libharu error (recorded by the handler). */
static HPDF_Font doc_font(ctx *c, int fc, int e)
{
    HPDF_Font *slot = &c->font[fc][e];
    const face *f = &c->r->face[fc];

    if (!*slot)
        *slot = e == ENC_CID ? HPDF_GetFont(c->pdf, f->name, "UTF-8")
                             : HPDF_GetFont(c->pdf, f->enc_name[e], ENCODINGS[e].hpdf);
    return *slot;
}

/* Show the bytes collected in m->run with encoding e: the first run of a text places it
 * (TextOut), the next ones continue where the previous one ended (ShowText). */
static void flush_run(ctx *c, pen *p, int fc, int e, float size, bool first, float x,
                      float base)
{
    fk_buf *b = &c->m->run;
    HPDF_Font f;

    if (b->len == 0)
        return;
    f = doc_font(c, fc, e);
    if (f) {
        if (p->font != f || p->size != size) {
            HPDF_Page_SetFontAndSize(p->pg, f, size);
            p->font = f;
            p->size = size;
        }
        if (first)
            HPDF_Page_TextOut(p->pg, x, base, fk_buf_cstr(b));
        else
            HPDF_Page_ShowText(p->pg, fk_buf_cstr(b));
    }
    fk_buf_reset(b);
}

/* Draw UTF-8 text as runs of single-byte encoded text. A character stays in the current
 * run's encoding when that has it (so "«Война»" is not cut into three runs), else it takes
 * the encoding plan_encodings() gave it; characters no encoding has go through the UTF-8
 * fallback. ASCII continues whatever run is open. */
static void draw_text(ctx *c, pen *p, const char *text, float x, float base, int font,
                      float size, int color, int align)
{
    const fk_renderer *r = c->r;
    const unsigned char *s = (const unsigned char *)text;
    fk_buf *run = &c->m->run;
    int cur = -1;
    bool first = true;

    if (!text[0])
        return;
    if (p->color != color) {
        set_fill(p->pg, color);
        p->color = color;
    }
    if (align == ALIGN_RIGHT)
        x -= text_width(c->width[font], size, text);
    fk_buf_reset(run);
    while (*s) {
        unsigned long cp = *s;
        size_t k = 1;
        long i = -1;
        int e;

        if (cp >= 0x80 && (k = utf8_decode(s, &cp)) != 0)
            i = map_find(r, cp);
        if (cp < 0x80 || k == 0) {
            cp = k == 0 ? '?' : cp;  /* k == 0 cannot happen after clean_text() */
            k = 1;
            e = cur >= 0 ? cur : c->primary;
        } else if (i < 0) {
            e = ENC_CID;
        } else if (cur >= 0 && cur != ENC_CID && ((r->map[i].mask >> cur) & 1u)) {
            e = cur;
        } else if (r->assign[i] < NENC) {
            e = r->assign[i];
        } else {                     /* not seen by the plan: the first encoding that has it */
            for (e = 0; !((r->map[i].mask >> e) & 1u); e++)
                ;
        }
        if (e != cur && cur >= 0) {
            flush_run(c, p, font, cur, size, first, x, base);
            first = false;
        }
        cur = e;
        if (e == ENC_CID) {
            fk_buf_append(run, s, k);
        } else {
            unsigned char code = cp < 0x80 ? (unsigned char)cp : r->map[i].code[e];
            fk_buf_putc(run, (char)code);
            c->used[e][code] = 1;
        }
        s += k;
    }
    flush_run(c, p, font, cur, size, first, x, base);
}

/* Note the non-ASCII characters of s as present in this document. */
static void plan_note(ctx *c, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned long cp;

    while (*p) {
        size_t k;
        long i;
        if (*p < 0x80) {
            p++;
            continue;
        }
        k = utf8_decode(p, &cp);
        if (k == 0) {
            p++;
            continue;
        }
        i = map_find(c->r, cp);
        if (i >= 0 && c->r->assign[i] == ENC_NONE)
            c->r->assign[i] = ENC_PENDING;
        p += k;
    }
}

/* Choose the document's encodings before anything is drawn: greedily the one that has
 * most of the characters still uncovered, so a Polish invoice is all CP1250 and one with a
 * Cyrillic item adds CP1251 for that item only. The first choice is the primary encoding,
 * used for text without non-ASCII characters. Depends only on the invoice's text, so equal
 * invoices give equal bytes. */
static void plan_encodings(ctx *c)
{
    fk_renderer *r = c->r;
    const char *line = c->footer;
    size_t i;

    memset(r->assign, ENC_NONE, r->nmap ? r->nmap : 1);
    for (i = 0; i < c->m->ncells; i++)
        plan_note(c, c->m->cells[i].text);
    for (int k = 0; k < c->nfooter; k++, line = next_line(line))
        plan_note(c, line);
    plan_note(c, c->running);
    plan_note(c, c->L->page);
    plan_note(c, c->L->of);

    c->primary = -1;
    for (;;) {
        size_t count[NENC] = {0};
        int best = -1;
        for (i = 0; i < r->nmap; i++)
            if (r->assign[i] == ENC_PENDING)
                for (int e = 0; e < NENC; e++)
                    count[e] += (r->map[i].mask >> e) & 1u;
        for (int e = 0; e < NENC; e++)
            if (count[e] > 0 && (best < 0 || count[e] > count[best]))
                best = e;
        if (best < 0)
            break;
        for (i = 0; i < r->nmap; i++)
            if (r->assign[i] == ENC_PENDING && ((r->map[i].mask >> best) & 1u))
                r->assign[i] = (unsigned char)best;
        if (c->primary < 0)
            c->primary = best;
    }
    if (c->primary < 0)
        c->primary = 0;
}

/* libharu writes a stream dictionary's /Filter itself, and removes it when libharu does
 * not compress the stream; a font file compressed here says so through the dictionary's
 * write hook, which runs after the entries. */
static HPDF_STATUS write_flate_filter(HPDF_Dict obj, HPDF_Stream stream)
{
    (void)obj;
    return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

/* Every stream of an invoice is deflated here, with libdeflate and one compressor kept for
 * the renderer's life, not by libharu, which sets up zlib for each stream (deflateInit:
 * ~270 KB allocated and partly zeroed, for a 4 KB page). The level: TrueType outlines
 * compress little (about 1.5x) whatever the effort, page content well at any level.
 * Measured on 500 generated invoices (callgrind, whole run; median PDF): level 1 679 M
 * instructions, 13,637 bytes; level 3 763 M, 13,396 bytes; level 6 800 M, 13,328 bytes
 * (before, zlib: level 1 for the fonts, libharu's level 6 for the rest: 943 M, 13,559
 * bytes). Level 1: about the size zlib gave, for 28 % fewer instructions in all. */
#define DEFLATE_LEVEL 1

/* Deflate n bytes (zlib format, as /FlateDecode wants) into m->z. Returns the compressed
 * length, 0 if that failed (the caller leaves the stream to libharu then). */
static size_t deflate_scratch(model *m, const void *in, size_t n)
{
    size_t bound;

    if (!m->deflate && !(m->deflate = libdeflate_alloc_compressor(DEFLATE_LEVEL)))
        return 0;
    bound = libdeflate_zlib_compress_bound(m->deflate, n);
    if (bound > m->zcap) {
        free(m->z);
        m->z = fk_xmalloc(bound);
        m->zcap = bound;
    }
    return libdeflate_zlib_compress(m->deflate, in, n, m->z, m->zcap);
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

/* Deflate a page's content stream here (see deflate_scratch) once it is drawn: the dict
 * gets a new stream holding the compressed bytes and writes its own /Filter. Only when
 * libharu will not write to the page again: its before-write hook closes an open text or
 * path object and unbalanced q operators, and this renderer leaves none. Anything else
 * (or a failure here) leaves the stream to libharu's own deflate. */
static void deflate_page(ctx *c, HPDF_Page pg)
{
    HPDF_PageAttr attr = (HPDF_PageAttr)pg->attr;
    HPDF_Dict contents = attr->contents;
    HPDF_Stream old = contents->stream, s;
    fk_buf *raw = &c->m->ttf;
    size_t zlen;

    if (attr->gmode != HPDF_GMODE_PAGE_DESCRIPTION || !attr->gstate || attr->gstate->depth > 1 ||
        !old || old->type != HPDF_STREAM_MEMORY || attr->stream != old)
        return;
    fk_buf_reset(raw);
    if (!memstream_bytes(old, raw) || (zlen = deflate_scratch(c->m, raw->ptr, raw->len)) == 0)
        return;
    s = HPDF_MemStream_New(c->pdf->mmgr, HPDF_STREAM_BUF_SIZ);
    if (!s)
        return;
    if (HPDF_Stream_Write(s, c->m->z, (HPDF_UINT)zlen) != HPDF_OK) {
        HPDF_Stream_Free(s);
        return;
    }
    contents->stream = s;
    attr->stream = s;
    HPDF_Stream_Free(old);
    contents->filter = HPDF_STREAM_FILTER_NONE;
    contents->write_fn = write_flate_filter;
}

static void deflate_pages(ctx *c)
{
    HPDF_List pages = c->pdf->page_list;
    for (HPDF_UINT i = 0; pages && i < pages->count && !c->e->error; i++)
        deflate_page(c, (HPDF_Page)HPDF_List_ItemAt(pages, i));
}

/* Embed a single-byte font the fast way (render_sfnt.h): subset it to the glyphs libharu
 * marked while drawing this document, deflate it (deflate_scratch) and hand libharu a finished FontDescriptor, the
 * one its own code would build (hpdf_font_tt.c, CreateDescriptor), so it skips its
 * per-byte copy. libharu clears fontdef->descriptor at the next HPDF_NewDoc. Returns
 * false if libharu should embed the font itself after all. */
static bool embed_font(ctx *c, int fc, int e)
{
    const face *f = &c->r->face[fc];
    HPDF_FontDef def = HPDF_GetFontDef(c->pdf, f->enc_name[e]);
    HPDF_TTFontDefAttr a;
    HPDF_Dict desc, file;
    HPDF_MMgr mm = c->pdf->mmgr;
    fk_buf *raw = &c->m->ttf;
    model *m = c->m;
    size_t zlen;
    HPDF_STATUS ret = 0;

    /* The font itself (no companion for e) only when this document has no UTF-8 text in
     * that face: libharu's CID font would share the font definition and its glyph marks,
     * and is left to libharu entirely. */
    bool one = c->r->nfaces == 1;     /* bold drawn with the regular face's fonts */
    bool cid = c->font[fc][ENC_CID] || (one && c->font[1][ENC_CID]);
    const fk_sfnt *sf = f->sfnt[e] ? f->sfnt[e] : cid ? NULL : f->main_sfnt;

    if (!def || def->descriptor || !sf)
        return false;
    a = (HPDF_TTFontDefAttr)def->attr;
    fk_buf_reset(raw);
    if (!fk_sfnt_subset(sf, a->glyph_tbl.flgs, a->num_glyphs, raw) || raw->failed)
        return false;
    if ((zlen = deflate_scratch(m, raw->ptr, raw->len)) == 0)
        return false;

    file = HPDF_DictStream_New(mm, c->pdf->xref);
    desc = file ? HPDF_Dict_New(mm) : NULL;
    if (!desc || HPDF_Xref_Add(c->pdf->xref, desc) != HPDF_OK)
        return true;                  /* the handler recorded the error */
    file->write_fn = write_flate_filter;
    ret += HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)raw->len);
    ret += HPDF_Stream_Write(file->stream, m->z, (HPDF_UINT)zlen);
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

static void embed_fonts(ctx *c)
{
    for (int fc = 0; fc < c->r->nfaces; fc++)
        for (int e = 0; e < NENC; e++)
            if ((c->font[fc][e] || (c->r->nfaces == 1 && c->font[1][e])) && !c->e->error)
                embed_font(c, fc, e);
}

/* A ToUnicode CMap for each single-byte encoding whose glyph names do not map back to
 * the right characters everywhere (Greek "Delta" reads as U+2206 in poppler, "mu" as the
 * micro sign): it lists exactly the codes this document drew, so text extraction is exact
 * and the stream stays small. Shared by the regular and bold font of the encoding. Uses
 * libharu's object API (hpdf_objects.h), which 2.3.0 installs and exports. */
static void add_tounicode(ctx *c)
{
    fk_buf *t = &c->m->wrap;

    for (int e = 0; e < NENC; e++) {
        HPDF_Dict cmap;
        int n = 0, in_block = 0;

        if (!ENCODINGS[e].tounicode || (!c->font[0][e] && !c->font[1][e]))
            continue;
        for (int b = 0; b < 256; b++)
            n += c->used[e][b] != 0;
        if (n == 0)
            continue;
        fk_buf_reset(t);
        fk_buf_puts(t, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                       "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> "
                       "def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                       "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n");
        for (int b = 0; b < 256; b++) {
            if (!c->used[e][b])
                continue;
            if (in_block == 0)      /* at most 100 entries per block */
                fk_buf_printf(t, "%d beginbfchar\n", n > 100 ? 100 : n);
            fk_buf_printf(t, "<%02X> <%04X>\n", (unsigned)b, (unsigned)c->r->uni[e][b]);
            n--;
            if (++in_block == 100 || n == 0) {
                fk_buf_puts(t, "endbfchar\n");
                in_block = 0;
            }
        }
        fk_buf_puts(t, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");

        cmap = HPDF_DictStream_New(c->pdf->mmgr, c->pdf->xref);
        if (!cmap)
            return;                 /* the handler recorded why */
        size_t zlen = deflate_scratch(c->m, t->ptr, t->len);
        if (zlen) {
            cmap->write_fn = write_flate_filter;
            HPDF_Stream_Write(cmap->stream, c->m->z, (HPDF_UINT)zlen);
        } else {
            cmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE; /* libharu compresses it */
            HPDF_Stream_Write(cmap->stream, (const HPDF_BYTE *)t->ptr, (HPDF_UINT)t->len);
        }
        for (int fc = 0; fc < 2; fc++)
            if (c->font[fc][e] && (fc == 0 || c->font[1][e] != c->font[0][e]))
                HPDF_Dict_Add(c->font[fc][e], "ToUnicode", cmap);
    }
}

static void draw_row_text(ctx *c, pen *p, const row *r, float top)
{
    for (size_t k = 0; k < r->ncells; k++) {
        const cell *ce = &c->m->cells[r->cell0 + k];
        draw_text(c, p, ce->text, ce->x, top - r->base, ce->font, ce->size, ce->color,
                  ce->align);
    }
}

static void draw_furniture(ctx *c, pen *p, int page)
{
    char num[128];
    const char *line = c->footer;
    float base;

    if (page > 1)
        draw_text(c, p, c->running, M_LEFT, RUNNING_BASE, FONT_REG, SZ_SMALL, COLOR_MUTED,
                  ALIGN_LEFT);
    snprintf(num, sizeof(num), "%s %d %s %d", c->L->page, page, c->L->of, c->npages);
    draw_text(c, p, num, M_RIGHT, FOOT_BASE, FONT_REG, SZ_SMALL, COLOR_MUTED, ALIGN_RIGHT);
    base = FOOT_BASE + 12.0f + (float)(c->nfooter - 1) * FOOT_SIZE * LEAD;
    for (int i = 0; i < c->nfooter; i++) {
        draw_text(c, p, line, M_LEFT, base, FONT_REG, FOOT_SIZE, COLOR_MUTED, ALIGN_LEFT);
        base -= FOOT_SIZE * LEAD;
        line = next_line(line);
    }
}

/* The seller's logo, decoded from the PNG kept in memory (libharu images belong to one
 * document). Its top is level with the top of the title. */
static void draw_logo(ctx *c, HPDF_Page pg)
{
    HPDF_Image img;
    float w, h;

    if (!c->r->logo)
        return;
    img = HPDF_LoadPngImageFromMem(c->pdf, c->r->logo, (HPDF_UINT)c->r->logo_len);
    if (!img)
        return;
    logo_size(c->r, &w, &h);
    HPDF_Page_DrawImage(pg, img, M_RIGHT - w, TOP_FIRST + 6.0f - h, w, h);
}

/* Rows are in page order, so each page takes the next run of them. */
static void draw(ctx *c)
{
    model *m = c->m;
    size_t ri = 0, qi = 0;

    for (int page = 1; page <= c->npages && !c->e->error; page++) {
        HPDF_Page pg = HPDF_AddPage(c->pdf);
        pen p = {pg, NULL, 0, -1};
        size_t r0, q0, k, h;

        if (!pg)
            return;
        HPDF_Page_SetSize(pg, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
        while (ri < m->nrows && m->rows[ri].page == 0)
            ri++;
        r0 = ri;
        q0 = qi;
        if (page == 1)
            draw_logo(c, pg);

        /* Fills and rules first, so text is painted over them. */
        for (; qi < m->nreps && m->reps[qi].page == page; qi++) {
            const table *t = &m->tables[m->reps[qi].table];
            float top = m->reps[qi].top;
            for (h = 0; h < t->nrows; h++) {
                draw_row_graphics(pg, &m->rows[t->row0 + h], top);
                top -= m->rows[t->row0 + h].h;
            }
        }
        for (; ri < m->nrows && (m->rows[ri].page == page || m->rows[ri].page == 0); ri++)
            if (m->rows[ri].page == page)
                draw_row_graphics(pg, &m->rows[ri], m->rows[ri].top);
        if (page > 1) {
            HPDF_Page_SetLineWidth(pg, 0.4f);
            HPDF_Page_SetRGBStroke(pg, 0.78f, 0.80f, 0.83f);
            HPDF_Page_MoveTo(pg, M_LEFT, RUNNING_BASE - 6.0f);
            HPDF_Page_LineTo(pg, M_RIGHT, RUNNING_BASE - 6.0f);
            HPDF_Page_Stroke(pg);
        }

        HPDF_Page_BeginText(pg);
        for (k = q0; k < qi; k++) {
            const table *t = &m->tables[m->reps[k].table];
            float top = m->reps[k].top;
            for (h = 0; h < t->nrows; h++) {
                draw_row_text(c, &p, &m->rows[t->row0 + h], top);
                top -= m->rows[t->row0 + h].h;
            }
        }
        for (k = r0; k < ri; k++)
            if (m->rows[k].page == page)
                draw_row_text(c, &p, &m->rows[k], m->rows[k].top);
        draw_furniture(c, &p, page);
        HPDF_Page_EndText(pg);
    }
}

/* ---- libharu plumbing ------------------------------------------------------------------- */

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
    hpdf_err *e = user_data;

    /* The first error is the cause; what follows is usually fallout from it. */
    if (e && !e->error) {
        e->error = error_no;
        e->detail = detail_no;
    }
}

static fk_status hpdf_failure(ctx *c, fk_status st, fk_error *err, const char *path)
{
    const char *number = c->inv ? str_or_empty(c->inv->number) : "";

    if (c->e->error == HPDF_FILE_OPEN_ERROR)
        return fk_error_set(err, st, path, 0, NULL,
                            "libharu cannot open %s while %s: %s", str_or_empty(path),
                            c->stage, c->e->detail ? strerror((int)c->e->detail)
                                                   : "not found or not readable");
    return fk_error_set(err, st, path, 0, NULL,
                        "libharu error 0x%04X (detail %u) while %s%s%s",
                        (unsigned)c->e->error, (unsigned)c->e->detail, c->stage,
                        number[0] ? " for invoice " : "", number);
}

static void clear_error(fk_renderer *r)
{
    r->err.error = r->err.detail = 0;
    if (r->pdf)
        HPDF_ResetError(r->pdf);
}

/* "dir/DejaVuSans.ttf" + "cp1250" -> "dir/DejaVuSans.cp1250.ttf"; NULL without ".ttf". */
static char *companion_path(const char *path, const char *tag)
{
    size_t n = strlen(path), cap;
    char *p;

    if (n < 4 || strcmp(path + n - 4, ".ttf") != 0)
        return NULL;
    cap = n + strlen(tag) + 2;
    p = fk_xmalloc(cap);
    snprintf(p, cap, "%.*s.%s.ttf", (int)(n - 4), path, tag);
    return p;
}

/* A companion is used only if it has a glyph for every character of its encoding that
 * the font itself has; otherwise those characters would print as boxes. */
static bool companion_ok(fk_renderer *r, const char *font, const char *comp, int e)
{
    HPDF_FontDef fd = HPDF_GetFontDef(r->pdf, font), cd = HPDF_GetFontDef(r->pdf, comp);

    if (!fd || !cd || r->err.error)
        return false;
    for (int b = 0x20; b < 0x100; b++) {
        HPDF_UNICODE u = r->uni[e][b];
        if (u >= 0x20 && HPDF_TTFontDef_GetGlyphid(fd, u) && !HPDF_TTFontDef_GetGlyphid(cd, u))
            return false;
    }
    return true;
}

/* Load a TrueType file into the document from memory. libharu 2.3.0 only offers
 * HPDF_LoadTTFontFromFile, whose file stream re-reads the font with an fseek (a syscall)
 * per table and glyph on every invoice; measured, those syscalls were a quarter of the
 * render time. This does what that function does (hpdf_doc.c, LoadTTFontFromStream) with
 * a memory stream, through functions 2.3.0 exports: parse, refuse a second font of the
 * same name, register, and give the next subset tag (HPDFAA, HPDFAB, ...). Returns
 * libharu's name of the font, or NULL with r->err set. */
static const char *load_ttf(fk_renderer *r, const char *path, fk_sfnt **parsed)
{
    HPDF_Doc pdf = r->pdf;
    HPDF_Stream st;
    HPDF_FontDef def;
    fk_buf file = FK_BUF_INIT;
    char chunk[65536];
    size_t n;
    FILE *fp = fopen(path, "rb");

    if (!fp) {
        r->err.error = HPDF_FILE_OPEN_ERROR;
        r->err.detail = (HPDF_STATUS)errno;
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        fk_buf_append(&file, chunk, n);
    if (ferror(fp) || file.failed || file.len == 0 || file.len > UINT32_MAX) {
        r->err.error = HPDF_FILE_IO_ERROR;
        r->err.detail = ferror(fp) ? (HPDF_STATUS)errno : 0;
        fclose(fp);
        fk_buf_free(&file);
        return NULL;
    }
    fclose(fp);
    st = HPDF_MemStream_New(pdf->mmgr, (HPDF_UINT)file.len);
    if (!st || HPDF_Stream_Write(st, (const HPDF_BYTE *)file.ptr, (HPDF_UINT)file.len) !=
                   HPDF_OK) {
        if (st)
            HPDF_Stream_Free(st);
        fk_buf_free(&file);
        return NULL;
    }
    if (parsed)
        *parsed = fk_sfnt_parse((const unsigned char *)file.ptr, file.len);
    fk_buf_free(&file);
    def = HPDF_TTFontDef_Load(pdf->mmgr, st, HPDF_TRUE); /* owns st from here */
    if (!def || (parsed && *parsed &&
                 fk_sfnt_glyphs(*parsed) != ((HPDF_TTFontDefAttr)def->attr)->num_glyphs)) {
        if (parsed) {                 /* libharu and the parser must agree, or no parser */
            fk_sfnt_free(*parsed);
            *parsed = NULL;
        }
        if (!def)
            return NULL;
    }
    if (HPDF_Doc_FindFontDef(pdf, def->base_font) ||
        HPDF_List_Add(pdf->fontdef_list, def) != HPDF_OK) {
        HPDF_FontDef_Free(def);
        if (parsed) {
            fk_sfnt_free(*parsed);
            *parsed = NULL;
        }
        if (!r->err.error)
            r->err.error = HPDF_DUPLICATE_REGISTRATION;
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

/* Load one face and, next to it, its per-encoding companions (STEM.TAG.ttf, made by
 * subset_fonts.py at build time). A companion that is missing, unreadable or incomplete
 * is simply not used: the face's own font then serves that encoding (correct, larger). */
static bool load_face(fk_renderer *r, face *f)
{
    fk_sfnt_free(f->main_sfnt);       /* from an earlier setup_doc() */
    f->main_sfnt = NULL;
    f->name = load_ttf(r, f->path, &f->main_sfnt);
    if (!f->name || r->err.error)
        return false;
    for (int e = 0; e < NENC; e++) {
        char *cp = r->enc_ok[e] ? companion_path(f->path, ENCODINGS[e].tag) : NULL;
        const char *name = NULL;
        fk_sfnt *sf = NULL;

        f->enc_name[e] = f->name;
        fk_sfnt_free(f->sfnt[e]);     /* from an earlier setup_doc() */
        f->sfnt[e] = NULL;
        if (cp && access(cp, R_OK) == 0) {
            name = load_ttf(r, cp, &sf);
            if (!name || r->err.error || !companion_ok(r, f->name, name, e)) {
                clear_error(r);
                name = NULL;
                fk_sfnt_free(sf);
                sf = NULL;
            }
        }
        if (name) {
            f->enc_name[e] = name;
            f->sfnt[e] = sf;
        }
        free(cp);
    }
    return true;
}

static int cmp_cpmap(const void *a, const void *b)
{
    const cpmap *x = a, *y = b;

    return (int)x->cp - (int)y->cp;
}

/* The encodings' tables, from libharu (so they are exactly what it will write): code ->
 * Unicode per encoding, and the sorted map Unicode -> (encodings, codes). */
static void build_encodings(fk_renderer *r)
{
    cpmap *tmp = fk_xcalloc(NENC * 128, sizeof(*tmp));
    size_t n = 0, i, j;

    for (int e = 0; e < NENC; e++) {
        HPDF_Encoder enc = HPDF_GetEncoder(r->pdf, ENCODINGS[e].hpdf);
        r->enc_ok[e] = enc != NULL && !r->err.error;
        clear_error(r);
        if (!r->enc_ok[e])
            continue;
        for (int b = 0; b < 256; b++)
            r->uni[e][b] = HPDF_Encoder_GetUnicode(enc, (HPDF_UINT16)b);
        for (int b = 0x20; b < 0x7F; b++)
            if (r->uni[e][b] != b)
                r->enc_ok[e] = false;
        if (!r->enc_ok[e])
            continue;
        /* Codes 0x80..0xFF, lowest first: an encoding with two codes for one character
         * always uses the lower one. C1 controls and unassigned codes are skipped. */
        for (int b = 0x80; b < 256; b++) {
            HPDF_UNICODE u = r->uni[e][b];
            if (u < 0xA0)
                continue;
            for (i = 0; i < n && tmp[i].cp != u; i++)
                ;
            if (i == n) {
                tmp[n].cp = (uint16_t)u;
                n++;
            }
            if (!((tmp[i].mask >> e) & 1u)) {
                tmp[i].mask |= (uint16_t)(1u << e);
                tmp[i].code[e] = (unsigned char)b;
            }
        }
    }
    qsort(tmp, n, sizeof(*tmp), cmp_cpmap);
    for (i = j = 0; i < n; i++)       /* (cannot repeat; kept simple and safe) */
        if (j == 0 || tmp[j - 1].cp != tmp[i].cp)
            tmp[j++] = tmp[i];
    r->map = tmp;
    r->nmap = j;
    r->assign = fk_xcalloc(j ? j : 1, 1);
}

/* Advance widths of every BMP code point, once per face. libharu would give the same
 * numbers per document, but asking it also marks the glyph as used (embedded), so the
 * table is filled here, before the first document, whose start clears those marks. */
static void load_widths(fk_renderer *r, face *f)
{
    HPDF_FontDef def = HPDF_GetFontDef(r->pdf, f->name);

    f->width = fk_xcalloc(0x10000, sizeof(*f->width));
    if (!def)
        return;
    for (unsigned long cp = 0; cp < 0x10000; cp++) {
        HPDF_INT16 w = HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)cp);
        f->width[cp] = w > 0 ? (uint16_t)w : 0;
    }
}

/* (Re)create the renderer's document and load every font into it. All fonts are loaded
 * here, in a fixed order, never later: libharu names embedded fonts by load order
 * (HPDFAA+..., HPDFAB+...), and the PDF bytes must not depend on earlier invoices. On
 * failure r->err is set and *path names the font concerned. */
static bool setup_doc(fk_renderer *r, const char **path)
{
    *path = NULL;
    if (r->pdf)
        HPDF_Free(r->pdf);
    clear_error(r);
    r->broken = true;
    r->pdf = HPDF_New(on_hpdf_error, &r->err);
    if (!r->pdf) {
        r->err.error = HPDF_FAILD_TO_ALLOC_MEM;
        return false;
    }
    HPDF_UseUTFEncodings(r->pdf);
    if (r->err.error)
        return false;
    if (!r->map)
        build_encodings(r);
    for (int k = 0; k < r->nfaces; k++) {
        *path = r->face[k].path;
        if (!load_face(r, &r->face[k]))
            return false;
    }
    if (r->nfaces == 1) {             /* headings in the regular face */
        r->face[1].name = r->face[0].name;
        memcpy(r->face[1].enc_name, r->face[0].enc_name, sizeof(r->face[1].enc_name));
    }
    *path = NULL;
    r->broken = false;
    return true;
}

/* Append the finished document to out, buffer by buffer (memstream_bytes). */
static bool save_doc(ctx *c, fk_buf *out)
{
    c->stage = "writing the PDF";
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK || c->e->error)
        return false;
    if (!c->pdf->stream || c->pdf->stream->size == 0 || !memstream_bytes(c->pdf->stream, out)) {
        if (!c->e->error)
            c->e->error = HPDF_INVALID_OPERATION;
        return false;
    }
    return true;
}

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
static void tune_malloc(void)
{
#ifdef __GLIBC__
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
#endif
}

/* ---- API -------------------------------------------------------------------------------- */

fk_status fk_renderer_new(fk_renderer **out, const char *font_path, const char *font_bold_path,
                          fk_error *err)
{
    fk_renderer *r;
    ctx c;
    const char *path = NULL;

    if (!out || !font_path || !font_path[0])
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_new: a font path is required");
    *out = NULL;
    tune_malloc();
    r = fk_xcalloc(1, sizeof(*r));
    r->face[0].path = fk_xstrdup(font_path);
    r->nfaces = 1;
    if (font_bold_path && font_bold_path[0]) {
        r->face[1].path = fk_xstrdup(font_bold_path);
        r->nfaces = 2;
    }

    /* Load the fonts now, so a missing or broken font file is reported at start-up as an
     * environment problem, not as an internal error on the first invoice. */
    memset(&c, 0, sizeof(c));
    c.r = r;
    c.e = &r->err;
    c.stage = "loading the fonts";
    if (!setup_doc(r, &path)) {
        fk_status st = hpdf_failure(&c, FK_EENV, err, path);
        fk_renderer_free(r);
        return st;
    }
    for (int k = 0; k < r->nfaces; k++)
        load_widths(r, &r->face[k]);
    if (r->nfaces == 1)
        r->face[1].width = r->face[0].width;
    clear_error(r);
    *out = r;
    return FK_OK;
}

fk_status fk_renderer_set_logo(fk_renderer *r, const char *png_path, fk_error *err)
{
    fk_buf data = FK_BUF_INIT;
    char chunk[65536];
    HPDF_Image img;
    FILE *fp;
    size_t n;

    if (!r)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_set_logo: a renderer is required");
    free(r->logo);
    r->logo = NULL;
    r->logo_len = 0;
    if (!png_path || !png_path[0])
        return FK_OK;
    fp = fopen(png_path, "rb");
    if (!fp)
        return fk_error_set(err, FK_EENV, png_path, 0, NULL, "cannot open the logo %s: %s",
                            png_path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        fk_buf_append(&data, chunk, n);
    if (ferror(fp) || data.failed) {
        int e = errno;
        fclose(fp);
        fk_buf_free(&data);
        return fk_error_set(err, FK_EENV, png_path, 0, NULL, "cannot read the logo %s: %s",
                            png_path, strerror(e));
    }
    fclose(fp);

    /* Decode it once now: a file libharu cannot read is a configuration error at
     * start-up, not a failed invoice later. */
    if (r->broken) {
        const char *path;
        if (!setup_doc(r, &path)) {
            fk_buf_free(&data);
            return fk_error_set(err, FK_EENV, path, 0, NULL, "cannot reload the fonts");
        }
    }
    clear_error(r);
    img = HPDF_NewDoc(r->pdf) == HPDF_OK
              ? HPDF_LoadPngImageFromMem(r->pdf, (const HPDF_BYTE *)data.ptr,
                                         (HPDF_UINT)data.len)
              : NULL;
    if (!img || r->err.error || HPDF_Image_GetWidth(img) == 0 ||
        HPDF_Image_GetHeight(img) == 0) {
        HPDF_STATUS code = r->err.error;
        HPDF_FreeDoc(r->pdf);
        clear_error(r);
        fk_buf_free(&data);
        return fk_error_set(err, FK_EUSAGE, png_path, 0, "logo",
                            "the logo %s is not a PNG image libharu can read (error 0x%04X)",
                            png_path, (unsigned)code);
    }
    r->logo_w = (float)HPDF_Image_GetWidth(img);
    r->logo_h = (float)HPDF_Image_GetHeight(img);
    HPDF_FreeDoc(r->pdf);
    clear_error(r);
    r->logo_len = data.len;
    r->logo = (unsigned char *)fk_buf_take(&data);
    return FK_OK;
}

fk_status fk_renderer_render(fk_renderer *r, const fk_invoice *inv, fk_buf *out, fk_error *err)
{
    ctx c;
    const char *path = NULL;
    fk_status st = FK_OK;
    size_t len0;

    if (!r || !inv || !out)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_render: renderer, invoice and output are required");
    if ((inv->nlines && !inv->lines) || (inv->nvat && !inv->vat) || inv->exponent < 0 ||
        inv->exponent > 9)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "invoice %s: inconsistent invoice data (lines, VAT or exponent %d)",
                            str_or_empty(inv->number), inv->exponent);

    memset(&c, 0, sizeof(c));
    c.r = r;
    c.e = &r->err;
    c.m = &r->m;
    c.inv = inv;
    c.L = labels_for(inv->language);
    c.width[FONT_REG] = r->face[0].width;
    c.width[FONT_BOLD] = r->face[1].width;
    model_reset(c.m);
    len0 = out->len;

    c.stage = "loading the fonts";
    if (r->broken && !setup_doc(r, &path)) {
        /* A font file that went away or cannot be read since fk_renderer_new() is the
         * environment's doing; anything else libharu refuses is a bug. */
        bool io = r->err.error == HPDF_FILE_OPEN_ERROR || r->err.error == HPDF_FILE_IO_ERROR;
        st = hpdf_failure(&c, io ? FK_EENV : FK_EINTERNAL, err, path);
        goto done;
    }
    clear_error(r);
    c.stage = "creating the document";
    c.pdf = r->pdf;
    if (HPDF_NewDoc(r->pdf) != HPDF_OK || r->err.error) {
        st = hpdf_failure(&c, FK_EINTERNAL, err, NULL);
        goto done;
    }
    HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(r->pdf, HPDF_INFO_CREATOR, "faktura");

    c.stage = "laying out the invoice";
    st = build_model(&c, err);
    if (st != FK_OK)
        goto done;
    paginate(&c);
    plan_encodings(&c);

    c.stage = "drawing the pages";
    draw(&c);
    add_tounicode(&c);
    embed_fonts(&c);
    deflate_pages(&c);
    if (r->err.error) {
        st = hpdf_failure(&c, FK_EINTERNAL, err, NULL);
        goto done;
    }
    if (!save_doc(&c, out)) {
        st = hpdf_failure(&c, FK_EINTERNAL, err, NULL);
        goto done;
    }
    if (out->failed) {
        st = fk_error_set(err, FK_EENV, NULL, 0, NULL,
                          "invoice %s: PDF does not fit the output buffer",
                          str_or_empty(inv->number));
        goto done;
    }
done:
    if (st != FK_OK && !out->failed && out->len > len0) {
        /* Leave no half document behind. */
        out->len = len0;
        if (out->ptr)
            out->ptr[len0] = '\0';
    }
    if (r->err.error)
        r->broken = true;             /* start from scratch next time */
    else if (r->pdf)
        HPDF_FreeDoc(r->pdf);         /* release the document's memory now */
    model_reset(c.m);
    return st;
}

void fk_renderer_free(fk_renderer *r)
{
    if (!r)
        return;
    if (r->pdf)
        HPDF_Free(r->pdf);
    model_free(&r->m);
    for (int k = 0; k < r->nfaces; k++) {
        free(r->face[k].path);
        free(r->face[k].width);
        for (int e = 0; e < NENC; e++)
            fk_sfnt_free(r->face[k].sfnt[e]);
        fk_sfnt_free(r->face[k].main_sfnt);
    }
    free(r->map);
    free(r->assign);
    free(r->logo);
    free(r);
}
