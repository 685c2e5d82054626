/* SPDX-License-Identifier: MIT */
/* render_impl.h -- what the renderer's files share; internal to lib/render.
 *
 * This half knows nothing of libharu: the per-language texts, text measuring and wrapping,
 * the layout model (rows of measured cells), the invoice content that fills it and the
 * pagination that places it. Unit tests include it. render_hpdf.h adds the libharu side
 * (fonts, encodings, drawing, and render_libharu.c, the one file that touches libharu's
 * internals).
 *
 * How an invoice becomes a PDF (render_pdf.c runs the steps):
 *  1. content (render_content.c) turns the fk_invoice into a flat list of rows, each one
 *     line of text high, whose cells are already wrapped to their column and measured
 *     (render_layout.c, render_text.c), in the language the invoice names
 *     (render_labels.c);
 *  2. pagination (render_paginate.c) gives every row a page and a position, so "Page n of
 *     m" is known when page 1 is drawn, and nothing depends on libharu's page state;
 *  3. drawing (render_draw.c) paints the rows, with the encodings render_encoding.c chose
 *     for the document and the fonts render_font.c loaded.
 * Rows carry "keep with next": a wrapped item, the totals or the payment block move to
 * the next page as one unit. Only a unit taller than a whole page is split (line by line),
 * so nothing is ever cut off. A table repeats its header on each page it continues on.
 */
#ifndef FK_RENDER_IMPL_H
#define FK_RENDER_IMPL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "render/render.h"
#include "core/buf.h"

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

/* Logo box at the top right of page 1, level with the title: at most LOGO_MAX_W x
 * LOGO_MAX_H points, aspect kept. */
#define LOGO_MAX_W 150.0f
#define LOGO_MAX_H 38.0f

enum { FONT_REG = 0, FONT_BOLD = 1 };
enum { COLOR_TEXT = 0, COLOR_MUTED, COLOR_ACCENT };
enum { ALIGN_LEFT = 0, ALIGN_RIGHT };

#define ROW_KEEP_NEXT 0x01u   /* no page break between this row and the next */
#define ROW_FILL 0x02u        /* shaded background (table header) */
#define ROW_RULE 0x04u        /* hairline under the row */
#define ROW_RULE_STRONG 0x08u /* accent rule under the row */
#define ROW_SPACER 0x10u      /* vertical gap; dropped at the top of a page */
#define ROW_HEADER 0x20u      /* part of a table header (repeated after page breaks) */

static inline const char *fk_render__str(const char *s)
{
    return s ? s : "";
}

/* ---- Labels and language conventions (render_labels.c) ---------------------------------- */

typedef struct fk_render__labels {
    const char *lang;
    const char *title, *number, *issue_date, *delivery_date, *due_date, *order_id, *currency;
    const char *seller, *buyer, *vat_id;
    const char *col_no, *col_desc, *col_qty, *col_unit, *col_vat, *col_net, *sku;
    const char *vat_summary, *vat_rate, *vat_base, *vat_amount;
    const char *net_total, *vat_total, *gross_total;
    const char *payment, *transfer_text, *iban, *bic, *reference;
    const char *sepa_text, *mandate, *account;
    const char *paid_by, *card_word;
    /* paid before the invoice (issue 20): "Paid on DATE via PROVIDER (REFERENCE)." and
     * "Amount due: 0.00"; cash on delivery */
    const char *paid_on, *paid_via, *amount_due, *cod_text;
    const char *page, *of;
    /* the invoice of record's content (issue 17) */
    const char *buyer_reference, *order_reference, *period;
    const char *contact, *phone, *email;
    const char *col_uom;                  /* the unit of measure column */
    const char *vat_accounting;           /* "VAT in" (+ the accounting currency) */
    const char *exchange_rate;
    /* credit notes (issue 19) */
    const char *credit_title, *credit_number;  /* "Credit note", "Credit note number" */
    const char *corrects, *corrects_date;      /* the corrected invoice (BT-25, BT-26) */
    const char *credit_reason;
    const char *credit_text;                   /* what happens with the credited amount */
    const char *correction, *before, *after, *difference; /* art. 106j table (pl) */
    /* Number conventions: grouping (plain space rather than NBSP for nb/pl, so extracted
     * text stays simple), decimal separator, and what goes between a rate and "%". */
    const char *group, *decimal, *pct;
} fk_render__labels;

/* The texts of fk_invoice.language, taken verbatim: "en", "de", "nb" or "pl"; anything
 * else (NULL, "", "DE", "de-AT", "no") is English. */
const fk_render__labels *fk_render__labels_for(const char *lang);

/* ---- Text: UTF-8, measuring, wrapping (render_text.c) ------------------------------------ */

/* Length of the UTF-8 sequence at p and its code point, or 0 if it is not valid UTF-8
 * (overlong, surrogate, truncated, beyond U+10FFFF). */
size_t fk_render__utf8_decode(const unsigned char *p, unsigned long *cp);
/* s (NULL: "") as the renderer draws it, in b (reset first): invalid bytes and characters
 * beyond U+FFFF become '?', control characters spaces. Returns b's text. */
const char *fk_render__clean(fk_buf *b, const char *s);
/* Width of s[0..n) in 1/1000 em from a face's advance widths w (0x10000 entries, one per
 * BMP code point). s: fk_render__clean() output or a label. Widths add up: no kerning. */
unsigned long fk_render__text_units(const uint16_t *w, const char *s, size_t n);
float fk_render__text_width(const uint16_t *w, float size, const char *s);
/* Break clean text s into lines no wider than `width` points at `size`: greedy, at spaces;
 * a word wider than the line is broken between characters (at least one per line). out is
 * reset and gets the lines back to back, each NUL-terminated. Returns the number of lines,
 * >= 1 (an empty text is one empty line). */
int fk_render__wrap(fk_buf *out, const uint16_t *w, const char *s, float size, float width);
static inline const char *fk_render__next_line(const char *p)
{
    return p + strlen(p) + 1;
}

/* ---- The layout model (render_layout.c) -------------------------------------------------- */

/* One line of text in one column, already fitted to the column. */
typedef struct fk_render__cell {
    const char *text;
    float x;                  /* left edge (ALIGN_LEFT) or right edge (ALIGN_RIGHT) */
    float size;
    unsigned char font, color, align;
} fk_render__cell;

typedef struct fk_render__row {
    size_t cell0, ncells;
    float h, base;            /* height; baseline distance below the row top */
    float x0, x1;             /* horizontal extent of fill and rules */
    unsigned flags;
    int table;                /* table whose header repeats if a page breaks here; -1 none */
    int page;                 /* set by pagination; 0: not drawn (spacer at a page top) */
    float top;                /* set by pagination */
} fk_render__row;

typedef struct fk_render__table {
    size_t row0, nrows;       /* its header rows */
    float h;
} fk_render__table;

typedef struct fk_render__repeat { /* a table header drawn again at the top of a page */
    int table, page;
    float top;
} fk_render__repeat;

typedef struct fk_render__block fk_render__block; /* a string arena block */

/* What a renderer keeps between invoices: all of it is reset, not freed, per render, so a
 * batch does not malloc per row. */
typedef struct fk_render__model {
    fk_render__cell *cells;
    size_t ncells, capcells;
    fk_render__row *rows;
    size_t nrows, caprows;
    fk_render__table *tables;
    size_t ntables, captables;
    fk_render__repeat *reps;
    size_t nreps, capreps;
    fk_render__block *arena;  /* blocks in use, newest first */
    fk_render__block *spare;  /* standard blocks from earlier invoices */
    fk_buf clean, wrap;       /* scratch */
} fk_render__model;

void fk_render__model_reset(fk_render__model *m);
void fk_render__model_free(fk_render__model *m);
/* Copy n bytes (which may contain NULs) into the model's arena and NUL-terminate; valid
 * until the next fk_render__model_reset(). */
char *fk_render__dup(fk_render__model *m, const char *s, size_t n);
/* *p grown (doubling, from 64) to hold `need` elements of elsz bytes. */
void *fk_render__grow(void *p, size_t *cap, size_t need, size_t elsz);

/* One invoice being laid out: what the content, layout and pagination code see. */
typedef struct fk_render__layout {
    fk_render__model *m;
    const fk_invoice *inv;
    const fk_render__labels *L;
    const uint16_t *width[2];     /* advance widths per face (FONT_REG, FONT_BOLD) */
    bool logo;                    /* a logo at the top right of page 1, in a box of */
    float logo_w, logo_h;         /* logo_w x logo_h points (fk_render__logo_box()) */
    /* Page furniture, set by fk_render__build(): */
    const char *footer;           /* wrapped footer lines (NUL-separated), or NULL */
    int nfooter;
    /* The EPC QR code (fk_render__build()), drawn at the right of the payment block:
     * qr_n x qr_n modules (qr_bits: 1-bit rows, MSB first, 0 dark, each row padded to a
     * byte), qr_size points wide, its top level with row qr_row's. qr_n 0: none. */
    const unsigned char *qr_bits;
    int qr_n;
    float qr_size;
    size_t qr_row;
    unsigned char qr_buf[23 * 177]; /* the largest QR code (version 40) */
    const char *running;          /* running header text on pages >= 2 */
    float bottom;                 /* lowest y content may reach */
    int npages;                   /* set by pagination */
} fk_render__layout;

/* A column of a block of rows: where it is, and the text to wrap into it. */
typedef struct fk_render__colspec {
    const char *text;         /* raw (cleaned here); NULL or "" for an empty cell */
    float x, w;               /* column left edge and width */
    float size;
    unsigned char font, color, align;
} fk_render__colspec;

typedef struct fk_render__rowopt {
    float pad_top, pad_bot;   /* extra space above the first / below the last line */
    unsigned flags;           /* on every row */
    unsigned last_flags;      /* on the last row only */
    float x0, x1;             /* extent of fill and rules; 0,0: full content width */
    int table;                /* -1: none */
} fk_render__rowopt;

extern const fk_render__rowopt fk_render__plain;

fk_render__colspec fk_render__col(const char *text, float x, float w, float size, int font,
                                  int color, int align);
/* raw cleaned and wrapped to `width` in face `font`: lines as fk_render__wrap() gives
 * them, in the arena. */
const char *fk_render__wrap_text(fk_render__layout *c, const char *raw, int font, float size,
                                 float width, int *nlines);
/* Lay n (<= 8) columns side by side: each is wrapped to its width, and the block gets as
 * many rows as its tallest column. Lines of one block are kept together. */
void fk_render__add_columns(fk_render__layout *c, const fk_render__colspec *cols, size_t n,
                            const fk_render__rowopt *o);
void fk_render__add_spacer(fk_render__layout *c, float h);
/* The block added since row index `from` moves to a new page as one piece. */
void fk_render__keep_together(fk_render__layout *c, size_t from);
/* A table header (n columns, o->table ignored): its rows are repeated at the top of every
 * page the table continues on. Returns the table's index for the rows that follow. */
int fk_render__add_table_header(fk_render__layout *c, const fk_render__colspec *cols,
                                size_t n, fk_render__rowopt o);
/* a + sep + b in the arena; sep only when both are non-empty; NULL counts as "". */
const char *fk_render__join(fk_render__layout *c, const char *a, const char *sep,
                            const char *b);

/* ---- Numbers and dates as the language writes them (render_labels.c) -------------------- */

/* An amount in minor units (the invoice's exponent), grouped; " CUR" after it if given. */
const char *fk_render__amount(fk_render__layout *c, int64_t v, const char *currency);
/* v / 10^scale with trailing zeros (and a bare separator) removed: 1500 -> "1.5",
 * 2000 -> "2", 775 -> "7.75" (scale 3 / 3 / 2); suffix (may be NULL) appended. */
const char *fk_render__trimmed(fk_render__layout *c, int64_t v, int scale,
                               const char *suffix);
/* "2026-11-20" as "20 Nov 2026" (en) or "20.11.2026" (de, nb, pl); anything that is not a
 * plain YYYY-MM-DD date as given. */
const char *fk_render__date(fk_render__layout *c, const char *iso);
/* An amount in minor units of exponent `exponent` (not the invoice's), grouped, with
 * " CUR" after it. */
const char *fk_render__amount_in(fk_render__layout *c, int64_t v, int exponent,
                                 const char *currency);
/* A payment reference as printed: an RF reference in groups of four ("RF18 5390 0754
 * 7034"), anything else as it is. */
const char *fk_render__reference(fk_render__layout *c, const char *ref, const char *kind);

/* ---- The EPC QR code (render_qr.c) -------------------------------------------------------- */

/* Encode payload (error correction level M, as EPC069-12 asks) into c->qr_bits/qr_n
 * (c->qr_buf). false when it cannot be encoded (the invoice is not rendered then: the
 * document says it has a QR code). An empty payload is no QR code (true). */
bool fk_render__qr_encode(fk_render__layout *c, const char *payload);

/* The box of a w x h pixel logo: within LOGO_MAX_W x LOGO_MAX_H points, aspect kept. */
void fk_render__logo_box(float w, float h, float *box_w, float *box_h);

/* ---- Content and pagination (render_content.c, render_table.c, render_paginate.c) ------- */

/* The invoice as rows, and the page furniture (footer, running header, c->bottom).
 * FK_EINTERNAL when it cannot be laid out (a footer or amounts too long for the page). */
fk_status fk_render__build(fk_render__layout *c, fk_error *err);
/* The line table's rows, one of the sections of fk_render__build (render_table.c).
 * FK_EINTERNAL when the amounts are too long for the page width. */
fk_status fk_render__build_table(fk_render__layout *c, fk_error *err);
/* Give every row of m a page and a top; content may not go below `bottom`. Table headers
 * repeated on continuation pages are listed in m->reps. Returns the number of pages. */
int fk_render__paginate(fk_render__model *m, float bottom);
#endif
