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
 *  - Text goes through libharu's UTF-8 encoder with DejaVu Sans embedded as a CID font, so
 *    Polish, Nordic, Czech, Greek and Cyrillic names print and can be extracted again.
 *    Widths come from the font itself (HPDF_Font_TextWidth), never from a guess.
 *  - No clock, no random IDs: libharu 2.3.0 writes neither unless asked, so equal input
 *    gives equal bytes. One HPDF_Doc per invoice keeps documents independent; the price is
 *    parsing the font file once per invoice. The row/cell arrays and the string arena live
 *    in the renderer and are reused, so a batch does not malloc per row.
 *  - libharu reports an error by calling a handler and then returning an error code. The
 *    handler only records the first error; each stage checks the record and the render
 *    turns it into FK_EINTERNAL. No longjmp: unwinding through libharu is not needed since
 *    HPDF_Free releases everything the document allocated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hpdf.h>
#include "render/render.h"
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
    fk_buf clean, wrap;       /* scratch */
} model;

struct fk_renderer {
    char *font_path, *bold_path;
    model m;
};

/* Per render call. */
typedef struct ctx {
    model *m;
    const fk_invoice *inv;
    const labels *L;
    HPDF_Doc pdf;
    HPDF_Font font[2];
    const char *footer;       /* wrapped footer lines (NUL-separated), or NULL */
    int nfooter;
    const char *running;      /* running header text on pages >= 2 */
    float bottom;             /* lowest y content may reach */
    int npages;
    const char *stage;        /* what was going on, for error messages */
    HPDF_STATUS hpdf_error, hpdf_detail;
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

/* Width of s[0..n) in 1/1000 em. Glyph widths simply add up (libharu does no kerning), so
 * wrapping can sum the widths of words instead of re-measuring whole lines. */
static unsigned long text_units(HPDF_Font f, const char *s, size_t n)
{
    HPDF_TextWidth tw;

    if (n == 0)
        return 0;
    tw = HPDF_Font_TextWidth(f, (const HPDF_BYTE *)s, (HPDF_UINT)n);
    return tw.width;
}

static float text_width(HPDF_Font f, float size, const char *s)
{
    return (float)text_units(f, s, strlen(s)) * size / 1000.0f;
}

/* Break s into lines no wider than `width` at `size`: greedy, at spaces; a word wider than
 * the line is broken between characters. Result: the lines back to back, each
 * NUL-terminated, in the arena; *nlines >= 1 (an empty text is one empty line). */
static const char *wrap_text(ctx *c, const char *raw, int font, float size, float width,
                             int *nlines)
{
    HPDF_Font f = c->font[font];
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

/* ---- The invoice as rows ---------------------------------------------------------------- */

static void build_header(ctx *c)
{
    const fk_invoice *inv = c->inv;
    const labels *L = c->L;
    HPDF_Font reg = c->font[FONT_REG];
    const float mid = M_LEFT + CONTENT_W / 2 + 10;
    const char *left_l[3] = {L->number, L->order_id, L->currency};
    const char *left_v[3] = {inv->number, inv->order_id, inv->currency};
    const char *right_l[3] = {L->issue_date, L->delivery_date, L->due_date};
    const char *right_v[3] = {inv->issue_date, inv->order_date, inv->due_date};
    float lw = 0, rw = 0;
    colspec cs[4];
    rowopt o = PLAIN;
    int i;

    cs[0] = col(L->title, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_TITLE, FONT_BOLD,
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
                float vw = text_width(c->font[FONT_REG], size, val[i * TC_COUNT + k]);
                cw = vw > cw ? vw : cw;
            }
            /* The header may wrap, but never inside a word, and not to more than about
             * two lines for the usual labels. */
            for (p = h; *p;) {
                const char *q = strchr(p, ' ');
                size_t n = q ? (size_t)(q - p) : strlen(p);
                float ww = (float)text_units(c->font[FONT_BOLD], p, n) * hsize / 1000.0f;
                word = ww > word ? ww : word;
                p += n;
                while (*p == ' ')
                    p++;
            }
            hw = text_width(c->font[FONT_BOLD], hsize, h);
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
    HPDF_Font reg = c->font[FONT_REG], bold = c->font[FONT_BOLD];
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
    HPDF_Font reg = c->font[FONT_REG];
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

static void draw_text(ctx *c, pen *p, const char *text, float x, float base, int font,
                      float size, int color, int align)
{
    HPDF_Font f = c->font[font];

    if (!text[0])
        return;
    if (p->font != f || p->size != size) {
        HPDF_Page_SetFontAndSize(p->pg, f, size);
        p->font = f;
        p->size = size;
    }
    if (p->color != color) {
        set_fill(p->pg, color);
        p->color = color;
    }
    if (align == ALIGN_RIGHT)
        x -= text_width(f, size, text);
    HPDF_Page_TextOut(p->pg, x, base, text);
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

/* Rows are in page order, so each page takes the next run of them. */
static void draw(ctx *c)
{
    model *m = c->m;
    size_t ri = 0, qi = 0;

    for (int page = 1; page <= c->npages && !c->hpdf_error; page++) {
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
    ctx *c = user_data;

    /* The first error is the cause; what follows is usually fallout from it. */
    if (c && !c->hpdf_error) {
        c->hpdf_error = error_no;
        c->hpdf_detail = detail_no;
    }
}

static fk_status hpdf_failure(ctx *c, fk_status st, fk_error *err, const char *path)
{
    const char *number = c->inv ? str_or_empty(c->inv->number) : "";

    if (c->hpdf_error == HPDF_FILE_OPEN_ERROR)
        return fk_error_set(err, st, path, 0, NULL,
                            "libharu cannot open %s while %s: %s", str_or_empty(path),
                            c->stage, c->hpdf_detail ? strerror((int)c->hpdf_detail)
                                                     : "not found or not readable");
    return fk_error_set(err, st, path, 0, NULL,
                        "libharu error 0x%04X (detail %u) while %s%s%s",
                        (unsigned)c->hpdf_error, (unsigned)c->hpdf_detail, c->stage,
                        number[0] ? " for invoice " : "", number);
}

/* New document with both fonts loaded; on failure c->hpdf_error is set and *path names
 * the file concerned. */
static bool open_doc(ctx *c, const fk_renderer *r, const char **path)
{
    const char *name;

    *path = NULL;
    c->stage = "creating the document";
    c->pdf = HPDF_New(on_hpdf_error, c);
    if (!c->pdf) {
        c->hpdf_error = HPDF_FAILD_TO_ALLOC_MEM;
        return false;
    }
    HPDF_SetCompressionMode(c->pdf, HPDF_COMP_ALL);
    HPDF_SetInfoAttr(c->pdf, HPDF_INFO_CREATOR, "faktura");
    HPDF_UseUTFEncodings(c->pdf);
    HPDF_SetCurrentEncoder(c->pdf, "UTF-8");
    if (c->hpdf_error)
        return false;

    c->stage = "loading the font";
    *path = r->font_path;
    name = HPDF_LoadTTFontFromFile(c->pdf, r->font_path, HPDF_TRUE);
    c->font[FONT_REG] = name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
    if (c->hpdf_error || !c->font[FONT_REG])
        goto fail;
    c->font[FONT_BOLD] = c->font[FONT_REG];
    if (r->bold_path) {
        *path = r->bold_path;
        c->stage = "loading the bold font";
        name = HPDF_LoadTTFontFromFile(c->pdf, r->bold_path, HPDF_TRUE);
        c->font[FONT_BOLD] = name ? HPDF_GetFont(c->pdf, name, "UTF-8") : NULL;
        if (c->hpdf_error || !c->font[FONT_BOLD])
            goto fail;
    }
    *path = NULL;
    return true;
fail:
    if (!c->hpdf_error)
        c->hpdf_error = HPDF_INVALID_FONTDEF_DATA;
    return false;
}

/* Append the finished document to out. Reading exactly GetStreamSize bytes never reaches
 * the stream's end, which libharu would report (through the handler) as HPDF_STREAM_EOF. */
static bool save_doc(ctx *c, fk_buf *out)
{
    HPDF_BYTE chunk[16384];
    HPDF_UINT32 left;

    c->stage = "writing the PDF";
    if (HPDF_SaveToStream(c->pdf) != HPDF_OK || c->hpdf_error)
        return false;
    left = HPDF_GetStreamSize(c->pdf);
    if (left == 0 || HPDF_ResetStream(c->pdf) != HPDF_OK) {
        if (!c->hpdf_error)
            c->hpdf_error = HPDF_INVALID_OPERATION;
        return false;
    }
    while (left > 0) {
        HPDF_UINT32 n = left < sizeof(chunk) ? left : (HPDF_UINT32)sizeof(chunk);
        if (HPDF_ReadFromStream(c->pdf, chunk, &n) != HPDF_OK || n == 0 || c->hpdf_error) {
            if (!c->hpdf_error)
                c->hpdf_error = HPDF_STREAM_EOF;
            return false;
        }
        fk_buf_append(out, chunk, n);
        left -= n;
    }
    return true;
}

/* ---- API -------------------------------------------------------------------------------- */

fk_status fk_renderer_new(fk_renderer **out, const char *font_path, const char *font_bold_path,
                          fk_error *err)
{
    fk_renderer *r;
    ctx c;
    const char *path = NULL;
    fk_status st = FK_OK;

    if (!out || !font_path || !font_path[0])
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_renderer_new: a font path is required");
    *out = NULL;
    r = fk_xcalloc(1, sizeof(*r));
    r->font_path = fk_xstrdup(font_path);
    r->bold_path = font_bold_path && font_bold_path[0] ? fk_xstrdup(font_bold_path) : NULL;

    /* Load the fonts once now, so a missing or broken font file is reported at start-up
     * as an environment problem, not as an internal error on the first invoice. */
    memset(&c, 0, sizeof(c));
    if (!open_doc(&c, r, &path)) {
        st = hpdf_failure(&c, FK_EENV, err, path);
        goto done;
    }
done:
    if (c.pdf)
        HPDF_Free(c.pdf);
    if (st != FK_OK) {
        fk_renderer_free(r);
        return st;
    }
    *out = r;
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
    c.m = &r->m;
    c.inv = inv;
    c.L = labels_for(inv->language);
    model_reset(c.m);
    len0 = out->len;

    if (!open_doc(&c, r, &path)) {
        /* A font file that went away or cannot be read since fk_renderer_new() is the
         * environment's doing; anything else libharu refuses is a bug. */
        bool io = c.hpdf_error == HPDF_FILE_OPEN_ERROR || c.hpdf_error == HPDF_FILE_IO_ERROR;
        st = hpdf_failure(&c, io ? FK_EENV : FK_EINTERNAL, err, path);
        goto done;
    }
    c.stage = "laying out the invoice";
    st = build_model(&c, err);
    if (st != FK_OK)
        goto done;
    if (c.hpdf_error) {
        st = hpdf_failure(&c, FK_EINTERNAL, err, NULL);
        goto done;
    }
    paginate(&c);

    c.stage = "drawing the pages";
    draw(&c);
    if (c.hpdf_error) {
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
    if (c.pdf)
        HPDF_Free(c.pdf);
    model_reset(c.m);
    return st;
}

void fk_renderer_free(fk_renderer *r)
{
    if (!r)
        return;
    model_free(&r->m);
    free(r->font_path);
    free(r->bold_path);
    free(r);
}
