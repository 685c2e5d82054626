/* test_ingest_csv_limits.c -- CSV ingestion of hostile shapes: a stray quote costs only its
 * own order (and legitimate line breaks in quoted values still work), CR-only line ends
 * count as lines, UTF-16/32 and NUL-filled files are named as such, and the limits (field
 * size, header size, lines per order) apply while reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/buf.h"
#include "ingest/ingest.h"
#include "ingest/ingest_impl.h"
#include "tmpdir.h"

#define HDR "order_id,order_date,company_name,country,currency,payment_method,card_number," \
            "item_description,quantity,unit_price,vat_rate\n"
#define ROW(id) id ",2026-11-01,X GmbH,DE,EUR,bank_transfer,,thing,1,1.00,19\n"

static char path[FK_TMP_PATH];

typedef struct got {
    fk_order *o;
    size_t n, cap;
    fk_status st;
    fk_error err;
} got;

static void read_all(const char *content, size_t n, got *g)
{
    fk_ingest *in = NULL;
    bool more = false;

    fk_tmp_template(path, sizeof(path), "fk_test_XXXXXX.csv");
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
    memset(g, 0, sizeof(*g));
    g->err = (fk_error)FK_ERROR_INIT;
    g->st = fk_ingest_open(&in, path, NULL, &g->err);
    if (g->st == FK_OK) {
        for (;;) {
            if (g->n == g->cap) {
                g->cap = g->cap ? g->cap * 2 : 8;
                g->o = realloc(g->o, g->cap * sizeof(*g->o));
                assert_non_null(g->o);
            }
            fk_order_init(&g->o[g->n]);
            g->st = fk_ingest_next(in, &g->o[g->n], &more, &g->err);
            if (g->st != FK_OK || !more) {
                fk_order_clear(&g->o[g->n]);
                break;
            }
            g->n++;
        }
        fk_ingest_close(in);
    }
    unlink(path);
}

static void read_str(const char *content, got *g)
{
    read_all(content, strlen(content), g);
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        fk_order_clear(&g->o[i]);
    free(g->o);
}

static const fk_finding *finding(const fk_order *o, fk_code c)
{
    for (size_t i = 0; i < o->nfindings; i++)
        if (o->findings[i].code == c)
            return &o->findings[i];
    return NULL;
}

static size_t count(const fk_order *o, fk_code c)
{
    size_t n = 0;
    for (size_t i = 0; i < o->nfindings; i++)
        n += o->findings[i].code == c;
    return n;
}

/* A quote that opens a value and is never closed costs its own order only: every later
 * order is read, and the finding names the line and the column of the quote. */
static void test_stray_quote(void **state)
{
    got g;
    read_str(HDR ROW("S1")
             "S2,2026-11-01,\"ACME GmbH,DE,EUR,bank_transfer,,thing,1,1.00,19\n"
             ROW("S3")
             "S4,2026-11-01,\"Smith, \"\"Jones\"\"\",DE,EUR,bank_transfer,,thing,1,1.00,19\n"
             ROW("S5"), &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 5);
    const fk_finding *f = finding(&g.o[1], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    print_message("%s\n", f->message);
    assert_string_equal(g.o[1].f[FK_COL_ORDER_ID], "S2");
    assert_int_equal(g.o[1].line, 3);
    assert_string_equal(f->field, "company_name");
    assert_non_null(strstr(f->message, "line 3: malformed row: the quote that opens "
                                       "company_name on line 3 is not closed"));
    for (size_t i = 0; i < 5; i++) {
        if (i == 1)
            continue;
        assert_int_equal(g.o[i].nfindings, 0);
        assert_int_equal(g.o[i].line, i + 2);
    }
    assert_string_equal(g.o[3].f[FK_COL_COMPANY_NAME], "Smith, \"Jones\"");
    got_free(&g);
}

/* Values with line breaks still work, including continuation lines that hold commas, start
 * with the closing quote, or have as many commas as a row (but a quote where no row has
 * one); a stray quote after such a value names its own line, not the row's first. */
static void test_multiline_values(void **state)
{
    got g;
    read_str(HDR
             "M1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,\"two\nlines, with commas\",1,1.00,19\n"
             "M2,2026-11-01,X GmbH,DE,EUR,bank_transfer,,\"ends in a break\n\",1,1.00,19\n"
             "M3,2026-11-01,X GmbH,DE,EUR,bank_transfer,,\"a,b,c,d,e,f,g,h,i,j\n"
             "k,l,m,n,o,p,q,r,s,t\",1,1.00,19\n"
             "M4,2026-11-01,\"X\nGmbH\",DE,EUR,bank_transfer,,\"stray,1,1.00,19\n"
             ROW("M5"), &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 5);
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_ITEM_DESCRIPTION),
                        "two\nlines, with commas");
    assert_string_equal(FK_LINE_FIELD(&g.o[1].lines[0], FK_COL_ITEM_DESCRIPTION),
                        "ends in a break\n");
    assert_string_equal(FK_LINE_FIELD(&g.o[2].lines[0], FK_COL_ITEM_DESCRIPTION),
                        "a,b,c,d,e,f,g,h,i,j\nk,l,m,n,o,p,q,r,s,t");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(g.o[i].nfindings, 0);
    assert_int_equal(g.o[0].line, 2);
    assert_int_equal(g.o[1].line, 4);
    assert_int_equal(g.o[2].line, 6);
    /* M4 begins on line 8; its value with a break closes on line 9, where a stray opens */
    assert_int_equal(g.o[3].line, 8);
    const fk_finding *f = finding(&g.o[3], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_string_equal(f->field, "item_description");
    assert_non_null(strstr(f->message, "line 8: malformed row: the quote that opens "
                                       "item_description on line 9 is not closed"));
    assert_int_equal(g.o[4].line, 10);
    assert_int_equal(g.o[4].nfindings, 0);
    got_free(&g);
}

/* A quote still open at the end of the file names the line where it opened. */
static void test_quote_open_at_eof(void **state)
{
    got g;
    read_str(HDR ROW("E1") "E2,2026-11-01,X GmbH,DE,EUR,bank_transfer,,\"thing,1,1.00,19\n"
             "and more\n", &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    const fk_finding *f = finding(&g.o[1], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 3: malformed row: the quote that opens "
                                       "item_description on line 3 is not closed before "
                                       "the end of the file"));
    got_free(&g);
}

/* CR-only line ends (classic Mac exports) are line ends: each order names its own line. */
static void test_cr_only_lines(void **state)
{
    got g;
    read_str("order_id,order_date,company_name,country,currency,payment_method,card_number,"
             "item_description,quantity,unit_price,vat_rate\r"
             "C1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\r"
             "C2,2026-11-01,X GmbH,DE,EUR,bank_transfer,,\"two\rlines\",1,1.00,19\r"
             "C3,2026-11-01,X GmbH,DE,EUR,bank_transfer,,three,1,1.00\r"
             "C4,2026-11-01,X GmbH,DE,EUR,bank_transfer,,four,1,1.00,19\r\n"
             "C5,2026-11-01,X GmbH,DE,EUR,bank_transfer,,five,1,1.00,19", &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 5);
    static const unsigned long lines[] = {2, 3, 5, 6, 7};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(g.o[i].line, lines[i]);
    const fk_finding *f = finding(&g.o[2], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 5: the row has 10 fields"));
    got_free(&g);
}

/* UTF-16 and UTF-32 files (with or without a byte order mark), and NUL bytes: one clear
 * error naming the encoding, not a header that lacks every column. */
static void test_not_utf8(void **state)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *msg;
    } cases[] = {
        {"\xFF\xFEo\0r\0d\0", 8, "the file is UTF-16LE (it starts with a byte order mark)"},
        {"\xFE\xFF\0o\0r\0d", 8, "the file is UTF-16BE (it starts with a byte order mark)"},
        {"\xFF\xFE\0\0o\0\0\0", 8, "the file is UTF-32LE (it starts with a byte order mark)"},
        {"\0\0\xFE\xFF\0\0\0o", 8, "the file is UTF-32BE (it starts with a byte order mark)"},
        {"o\0r\0d\0e\0", 8, "the file is UTF-16LE (every other byte is NUL)"},
        {"\0o\0r\0d\0e", 8, "the file is UTF-16BE (every other byte is NUL)"},
        {"o\0\0\0r\0\0\0", 8, "the file is UTF-32LE"},
        {"\0\0\0o\0\0\0r", 8, "the file is UTF-32BE"},
        {"\0\0\0\0\0\0\0\0", 8, "the file starts with NUL bytes"},
        {"order_id\0,x\n", 12, "the header row contains a NUL byte"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got g;
        read_all(cases[i].bytes, cases[i].len, &g);
        print_message("case %zu: %s\n", i, g.err.message);
        assert_int_equal(g.st, FK_EINPUT);
        assert_int_equal(g.err.line, 1);
        assert_non_null(strstr(g.err.message, cases[i].msg));
        got_free(&g);
    }
}

/* The header's limits apply while it is read: a first line that never ends (64 KiB of it
 * are enough), a quoted header name over a line end. */
static void test_header_limits(void **state)
{
    fk_buf b = FK_BUF_INIT;
    for (int i = 0; i < 200000; i++)
        fk_buf_putc(&b, 'x');
    got g;
    read_all(b.ptr, b.len, &g);
    assert_int_equal(g.st, FK_EINPUT);
    assert_non_null(strstr(g.err.message, "the header row is malformed (it does not end "
                                          "within the first 65536 bytes"));
    got_free(&g);
    fk_buf_free(&b);

    read_str("order_id,\"order_date\n" ROW("H1"), &g);
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.err.line, 1);
    assert_non_null(strstr(g.err.message, "a quote opened on line 1 is not closed"));
    got_free(&g);
}

/* A value far past the limit is one finding with its real length (however it is quoted),
 * its first 1024 bytes kept, and the next order is read. */
static void test_long_values(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_puts(&b, HDR "L1,2026-11-01,");
    for (int i = 0; i < 3000000; i++)
        fk_buf_putc(&b, 'n');
    fk_buf_puts(&b, ",DE,EUR,bank_transfer,,\"");
    for (int i = 0; i < 200000; i++)
        fk_buf_puts(&b, "d\"\"\n");  /* 3 bytes of value each: d, a quote, a line break */
    fk_buf_puts(&b, "\",1,1.00,19\n" ROW("L2"));
    got g;
    read_all(b.ptr, b.len, &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    const fk_order *o = &g.o[0];
    assert_int_equal(count(o, FK_CODE_FIELD_TOO_LONG), 2);
    assert_int_equal(o->nfindings, 2);
    assert_non_null(strstr(o->findings[0].message, "line 2: company_name has 3000000 bytes"));
    assert_non_null(strstr(o->findings[1].message,
                           "line 2: item_description has 600000 bytes"));
    assert_int_equal(strlen(o->f[FK_COL_COMPANY_NAME]), FK_MAX_FIELD_BYTES);
    assert_int_equal(strncmp(FK_LINE_FIELD(&o->lines[0], FK_COL_ITEM_DESCRIPTION), "d\"\nd\"\n",
                             6), 0);
    assert_int_equal(g.o[1].line, 200003);
    assert_int_equal(g.o[1].nfindings, 0);
    got_free(&g);
    fk_buf_free(&b);
}

/* A value cut at the limit keeps whole UTF-8 characters. */
static void test_long_value_utf8(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_puts(&b, HDR "U1,2026-11-01,x");
    for (int i = 0; i < 100000; i++)
        fk_buf_puts(&b, "\xc3\xa9"); /* é */
    fk_buf_puts(&b, ",DE,EUR,bank_transfer,,one,1,1.00,19\n");
    got g;
    read_all(b.ptr, b.len, &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.o[0].nfindings, 1);
    assert_non_null(strstr(g.o[0].findings[0].message, "company_name has 200001 bytes"));
    assert_int_equal(strlen(g.o[0].f[FK_COL_COMPANY_NAME]), FK_MAX_FIELD_BYTES - 1);
    got_free(&g);
    fk_buf_free(&b);
}

/* Past FK_MAX_LINES_PER_ORDER an order's rows are skipped: one finding, not one per row
 * (broken rows included), and the next order is read. */
static void test_too_many_lines(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_puts(&b, HDR);
    for (int i = 0; i < FK_MAX_LINES_PER_ORDER + 5000; i++)
        fk_buf_puts(&b, i % 2 ? ROW("T1") : "T1,2026-11-01,short row\n");
    fk_buf_puts(&b, ROW("T2"));
    got g;
    read_all(b.ptr, b.len, &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    const fk_order *o = &g.o[0];
    assert_int_equal(o->nlines, FK_MAX_LINES_PER_ORDER / 2);
    assert_int_equal(count(o, FK_CODE_ROW_MALFORMED), FK_MAX_LINES_PER_ORDER / 2 + 1);
    const fk_finding *f = &o->findings[o->nfindings - 1];
    assert_non_null(strstr(f->message, "line 10002: the order has more than 10000 lines"));
    assert_int_equal(g.o[1].line, FK_MAX_LINES_PER_ORDER + 5000 + 2);
    assert_int_equal(g.o[1].nfindings, 0);
    got_free(&g);
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stray_quote),     cmocka_unit_test(test_multiline_values),
        cmocka_unit_test(test_quote_open_at_eof), cmocka_unit_test(test_cr_only_lines),
        cmocka_unit_test(test_not_utf8),        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_long_values),     cmocka_unit_test(test_long_value_utf8),
        cmocka_unit_test(test_too_many_lines),
    };
    return cmocka_run_group_tests_name("ingest_csv_limits", tests, NULL, NULL);
}
