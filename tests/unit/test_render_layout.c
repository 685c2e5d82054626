/* SPDX-License-Identifier: MIT */
/* test_render_layout.c -- the renderer's libharu-free parts (lib/render/render_impl.h),
 * table by table: which labels a language gets (verbatim, no guessing), UTF-8 decoding and
 * cleaning, widths, line wrapping, blocks of columns, pagination, and how each language
 * writes amounts, rates and dates. Widths come from a made-up table (every character 500
 * units, space and 'i' 250, 'W' 1000), so expected breaks can be worked out by hand: at
 * size 10, 'a' is 5 pt wide and a space 2.5 pt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/render_impl.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t widths[0x10000];

static int setup_widths(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(widths); i++)
        widths[i] = 500;
    widths[' '] = 250;
    widths['i'] = 250;
    widths['W'] = 1000;
    return 0;
}

/* ---- labels ------------------------------------------------------------------------------ */

/* fk_invoice.language is used verbatim: the renderer does not decide the language. */
static void test_labels_verbatim(void **state)
{
    static const struct {
        const char *lang, *title, *page;
    } cases[] = {
        {"en", "Invoice", "Page"},     {"de", "Rechnung", "Seite"},
        {"nb", "Faktura", "Side"},     {"pl", "Faktura VAT", "Strona"},
        {NULL, "Invoice", "Page"},     {"", "Invoice", "Page"},
        {"DE", "Invoice", "Page"},     {"de-AT", "Invoice", "Page"},
        {"de_CH", "Invoice", "Page"},  {"no", "Invoice", "Page"},
        {"nn", "Invoice", "Page"},     {"NB", "Invoice", "Page"},
        {"pl-PL", "Invoice", "Page"},  {"fr", "Invoice", "Page"},
        {"d", "Invoice", "Page"},      {"den", "Invoice", "Page"},
        {"de ", "Invoice", "Page"},
    };

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        const fk_render__labels *L = fk_render__labels_for(cases[i].lang);
        if (strcmp(L->title, cases[i].title) || strcmp(L->page, cases[i].page))
            fail_msg("language \"%s\": title \"%s\", expected \"%s\"",
                     cases[i].lang ? cases[i].lang : "(null)", L->title, cases[i].title);
    }
}

/* ---- UTF-8, cleaning, widths -------------------------------------------------------------- */

static void test_utf8_decode(void **state)
{
    static const struct {
        const char *s;
        size_t len;
        unsigned long cp;
    } cases[] = {
        {"A", 1, 'A'},
        {"\xC3\xA9", 2, 0xE9},              /* é */
        {"\xE2\x82\xAC", 3, 0x20AC},        /* € */
        {"\xF0\x9F\x98\x80", 4, 0x1F600},   /* astral: decoded, cleaned later */
        {"\xC3", 0, 0},                     /* truncated */
        {"\xC0\xAF", 0, 0},                 /* overlong '/' */
        {"\xE0\x80\xAF", 0, 0},             /* overlong, 3 bytes */
        {"\xED\xA0\x80", 0, 0},             /* surrogate */
        {"\xF4\x90\x80\x80", 0, 0},         /* beyond U+10FFFF */
        {"\xFF", 0, 0},
        {"\x80", 0, 0},                     /* continuation byte first */
    };

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        unsigned long cp = 0;
        size_t n = fk_render__utf8_decode((const unsigned char *)cases[i].s, &cp);
        if (n != cases[i].len || (n && cp != cases[i].cp))
            fail_msg("case %zu: length %zu cp U+%04lX, expected %zu U+%04lX", i, n, cp,
                     cases[i].len, cases[i].cp);
    }
}

static void test_clean(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {NULL, ""},
        {"", ""},
        {"plain text", "plain text"},
        {"tab\there\nnl\r", "tab here nl "},
        {"Bad \xC3\x28 byte", "Bad ?( byte"},
        {"emoji \xF0\x9F\x98\x80!", "emoji ?!"},
        {"C1 \xC2\x85 control", "C1   control"},
        {"DEL\x7F", "DEL "},
        {"Łódź «Война»", "Łódź «Война»"},
    };
    fk_buf b = FK_BUF_INIT;

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_string_equal(fk_render__clean(&b, cases[i].in), cases[i].out);
    fk_buf_free(&b);
}

static void test_text_width(void **state)
{
    static const struct {
        const char *s;
        unsigned long units;
    } cases[] = {
        {"", 0}, {"a", 500}, {"a b", 1250}, {"iW", 1250}, {"é€", 1000},
    };

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++)
        assert_int_equal(fk_render__text_units(widths, cases[i].s, strlen(cases[i].s)),
                         cases[i].units);
    assert_true(fk_render__text_width(widths, 10.0f, "aa") == 10.0f);
    assert_true(fk_render__text_width(widths, 8.0f, "a b") == 10.0f);
}

/* ---- wrapping ---------------------------------------------------------------------------- */

/* The lines of a wrap result joined with '|'. */
static void join_lines(const fk_buf *out, int n, char *buf, size_t cap)
{
    const char *p = out->ptr;
    size_t o = 0;

    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "|" : "", p);
        assert_true(o < cap);
        p = fk_render__next_line(p);
    }
}

static void test_wrap(void **state)
{
    static const struct {
        const char *text;
        float width;              /* points, at size 10: 'a' = 5, ' ' = 2.5 */
        const char *lines;        /* expected, joined with '|' */
    } cases[] = {
        {"", 100, ""},
        {"   ", 100, ""},
        {"abc", 100, "abc"},
        {"aaaa bbbb", 45, "aaaa bbbb"},
        {"aaaa bbbb", 40, "aaaa|bbbb"},
        {"  lead   and  trail  ", 200, "lead and trail"},
        {"aa aa", 22.5f, "aa aa"},          /* exactly full */
        {"aa aa", 22.4f, "aa|aa"},
        {"aaaaaaaaaa", 20, "aaaa|aaaa|aa"}, /* a word wider than the line */
        {"ab aaaaaaaaaa", 20, "ab|aaaa|aaaa|aa"},
        {"aaaaaa b", 20, "aaaa|aa b"},      /* the rest of a broken word takes more */
        {"abc", 0, "a|b|c"},                /* no room: still one character a line */
        {"abc", 2, "a|b|c"},
        {"éééé", 10, "éé|éé"},              /* never inside a UTF-8 sequence */
        {"WWW iiii", 20, "WW|W|iiii"},
    };
    fk_buf out = FK_BUF_INIT;
    char got[512];

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++) {
        int n = fk_render__wrap(&out, widths, cases[i].text, 10.0f, cases[i].width);
        assert_true(n >= 1);
        join_lines(&out, n, got, sizeof(got));
        if (strcmp(got, cases[i].lines))
            fail_msg("\"%s\" at %.1f pt: \"%s\", expected \"%s\"", cases[i].text,
                     (double)cases[i].width, got, cases[i].lines);
    }
    fk_buf_free(&out);
}

/* ---- blocks of columns -------------------------------------------------------------------- */

static void layout_init(fk_render__layout *c, fk_render__model *m, const fk_invoice *inv,
                        const char *lang)
{
    memset(c, 0, sizeof(*c));
    memset(m, 0, sizeof(*m));
    c->m = m;
    c->inv = inv;
    c->L = fk_render__labels_for(lang);
    c->width[FONT_REG] = c->width[FONT_BOLD] = widths;
}

/* Columns wrap independently; the block has as many rows as its tallest column, its rows
 * keep together and only the last gets last_flags; right-aligned text is anchored at the
 * column's right edge less the padding. */
static void test_add_columns(void **state)
{
    fk_invoice inv;
    fk_render__model m;
    fk_render__layout c;
    fk_render__colspec cs[2];
    fk_render__rowopt o = fk_render__plain;

    (void)state;
    memset(&inv, 0, sizeof(inv));
    layout_init(&c, &m, &inv, "en");
    /* 28 pt column minus 8 pt padding: four 'a' a line at size 10. */
    cs[0] = fk_render__col("aaaa bbbb cccc", 100, 28, 10, FONT_REG, COLOR_TEXT, ALIGN_LEFT);
    cs[1] = fk_render__col("1.00", 200, 50, 10, FONT_REG, COLOR_TEXT, ALIGN_RIGHT);
    o.pad_top = 3;
    o.pad_bot = 2;
    o.last_flags = ROW_RULE;
    fk_render__add_columns(&c, cs, 2, &o);
    assert_int_equal(m.nrows, 3);
    assert_int_equal(m.ncells, 4);
    assert_int_equal(m.rows[0].ncells, 2);
    assert_int_equal(m.rows[0].flags, ROW_KEEP_NEXT);
    assert_int_equal(m.rows[1].flags, ROW_KEEP_NEXT);
    assert_int_equal(m.rows[2].flags, ROW_RULE);
    assert_true(m.rows[0].h == 3 + 10 * LEAD);
    assert_true(m.rows[1].h == 10 * LEAD);
    assert_true(m.rows[2].h == 10 * LEAD + 2);
    assert_string_equal(m.cells[0].text, "aaaa");
    assert_string_equal(m.cells[1].text, "1.00");
    assert_true(m.cells[1].x == 200 + 50 - CELL_PAD);
    assert_string_equal(m.cells[3].text, "cccc");
    assert_true(m.cells[3].x == 100 + CELL_PAD);

    /* keep_together(from) chains the rows from `from` on; the last one stays free. */
    fk_render__add_spacer(&c, 5);
    fk_render__keep_together(&c, 0);
    assert_int_equal(m.rows[2].flags, ROW_RULE | ROW_KEEP_NEXT);
    assert_int_equal(m.rows[3].flags & ROW_KEEP_NEXT, 0);
    assert_string_equal(fk_render__join(&c, "a", ": ", "b"), "a: b");
    assert_string_equal(fk_render__join(&c, NULL, ": ", "b"), "b");
    assert_string_equal(fk_render__join(&c, "a", ": ", ""), "a");
    fk_render__model_free(&m);
}

/* ---- pagination -------------------------------------------------------------------------- */

#define MAXROWS 48
#define BOTTOM 40.0f              /* page 1 holds 755.89 pt, later pages 739.89 */

typedef struct page_case {
    const char *name;
    int nrows;
    float h[MAXROWS];             /* 0: the previous row's height */
    unsigned flags[MAXROWS];      /* 0: none; ROW_HEADER rows belong to table 0 */
    bool in_table;                /* every row belongs to table 0 */
    int pages[MAXROWS];           /* expected page per row; 0: as the row before; -1: not
                                   * drawn (page 0) */
    int npages, nreps;
} page_case;

static void run_page_case(const page_case *pc)
{
    fk_render__model m;
    fk_render__row rows[MAXROWS];
    fk_render__table table = {0, 0, 0};
    int np, expect = 1, want;

    memset(&m, 0, sizeof(m));
    memset(rows, 0, sizeof(rows));
    for (int i = 0; i < pc->nrows; i++) {
        rows[i].h = pc->h[i] > 0 ? pc->h[i] : rows[i - 1].h;
        rows[i].flags = pc->flags[i];
        rows[i].table = pc->in_table ? 0 : -1;
        if (pc->flags[i] & ROW_HEADER) {
            table.nrows++;
            table.h += rows[i].h;
        }
    }
    m.rows = rows;
    m.nrows = (size_t)pc->nrows;
    m.tables = &table;
    m.ntables = 1;
    np = fk_render__paginate(&m, BOTTOM);
    if (np != pc->npages || (int)m.nreps != pc->nreps)
        fail_msg("%s: %d pages, %zu repeated headers; expected %d, %d", pc->name, np, m.nreps,
                 pc->npages, pc->nreps);
    for (int i = 0; i < pc->nrows; i++) {
        if (pc->pages[i] > 0)
            expect = pc->pages[i];
        want = pc->pages[i] < 0 ? 0 : expect;
        if (rows[i].page != want)
            fail_msg("%s: row %d on page %d, expected %d", pc->name, i, rows[i].page, want);
        if (rows[i].page > 0 && rows[i].top - rows[i].h < BOTTOM - 0.01f)
            fail_msg("%s: row %d runs into the footer", pc->name, i);
    }
    for (size_t k = 0; k < m.nreps; k++)
        assert_true(m.reps[k].top == TOP_CONT);
    free(m.reps);
}

static void test_paginate(void **state)
{
    static const page_case cases[] = {
        {"three rows", 3, {100}, {0}, false, {1}, 1, 0},
        {"eight rows", 8, {100}, {0}, false, {1, [7] = 2}, 2, 0},
        /* Rows 6 and 7 keep together: row 7 does not fit on page 1, so both move. */
        {"keep together", 8, {100}, {[6] = ROW_KEEP_NEXT}, false, {1, [6] = 2}, 2, 0},
        /* A spacer at the top of a page is not drawn (page 0). */
        {"leading spacer", 2, {10, 100}, {ROW_SPACER}, false, {-1, 1}, 1, 0},
        /* A unit taller than a page is split line by line, never lost. */
        {"taller than a page", 10, {100},
         {ROW_KEEP_NEXT, ROW_KEEP_NEXT, ROW_KEEP_NEXT, ROW_KEEP_NEXT, ROW_KEEP_NEXT,
          ROW_KEEP_NEXT, ROW_KEEP_NEXT, ROW_KEEP_NEXT, ROW_KEEP_NEXT},
         false, {1, [7] = 2}, 2, 0},
        /* A 20 pt header and 40 items of 20 pt: page 1 holds the header and 36 items,
         * page 2 repeats the header above the other 4. */
        {"table header repeats", 41, {20}, {ROW_HEADER | ROW_KEEP_NEXT}, true,
         {1, [37] = 2}, 2, 1},
    };

    (void)state;
    for (size_t i = 0; i < COUNT(cases); i++)
        run_page_case(&cases[i]);
}

/* ---- numbers and dates ------------------------------------------------------------------- */

static void test_amounts_and_dates(void **state)
{
    static const struct {
        const char *lang;
        char kind;                /* 'a' amount, 't' trimmed, 'd' date */
        int64_t v;
        int scale;                /* amount: the exponent */
        const char *extra;        /* currency, suffix or the ISO date */
        const char *out;
    } cases[] = {
        {"en", 'a', 123456, 2, "EUR", "1,234.56 EUR"},
        {"de", 'a', 123456, 2, NULL, "1.234,56"},
        {"nb", 'a', 123456789, 2, "NOK", "1 234 567,89 NOK"},
        {"pl", 'a', -5, 2, "", "-0,05"},
        {"en", 'a', 1234567, 0, "JPY", "1,234,567 JPY"},
        {"en", 'a', 1234567, 3, "KWD", "1,234.567 KWD"},
        {"de", 't', 2500, 3, NULL, "2,5"},
        {"en", 't', 2000, 3, NULL, "2"},
        {"de", 't', 775, 2, " %", "7,75 %"},
        {"en", 't', 1900, 2, "%", "19%"},
        {"pl", 't', 0, 2, "%", "0%"},
        {"nb", 't', 1234500, 3, NULL, "1 234,5"},
        {"en", 'd', 0, 0, "2026-11-20", "20 Nov 2026"},
        {"en", 'd', 0, 0, "2026-01-05", "5 Jan 2026"},
        {"de", 'd', 0, 0, "2026-01-05", "05.01.2026"},
        {"pl", 'd', 0, 0, "2026-12-31", "31.12.2026"},
        {"de-AT", 'd', 0, 0, "2026-12-31", "31 Dec 2026"}, /* English: verbatim */
        {"en", 'd', 0, 0, "2026-13-01", "2026-13-01"},     /* not a date: as given */
        {"de", 'd', 0, 0, "20.12.2026", "20.12.2026"},
        {"en", 'd', 0, 0, "2026-1-5", "2026-1-5"},
        {"en", 'd', 0, 0, NULL, ""},
    };
    fk_invoice inv;
    fk_render__model m;
    fk_render__layout c;

    (void)state;
    memset(&inv, 0, sizeof(inv));
    for (size_t i = 0; i < COUNT(cases); i++) {
        const char *got;
        layout_init(&c, &m, &inv, cases[i].lang);
        inv.exponent = cases[i].scale;
        if (cases[i].kind == 'a')
            got = fk_render__amount(&c, cases[i].v, cases[i].extra);
        else if (cases[i].kind == 't')
            got = fk_render__trimmed(&c, cases[i].v, cases[i].scale, cases[i].extra);
        else
            got = fk_render__date(&c, cases[i].extra);
        if (strcmp(got, cases[i].out))
            fail_msg("case %zu (%s): \"%s\", expected \"%s\"", i, cases[i].lang, got,
                     cases[i].out);
        fk_render__model_free(&m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_verbatim),
        cmocka_unit_test(test_utf8_decode),
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_add_columns),
        cmocka_unit_test(test_paginate),
        cmocka_unit_test(test_amounts_and_dates),
    };
    return cmocka_run_group_tests(tests, setup_widths, NULL);
}
