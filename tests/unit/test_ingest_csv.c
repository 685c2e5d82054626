/* test_ingest_csv.c -- CSV ingestion: dialects, grouping, line numbers, malformed rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "ingest/ingest.h"
#include "tmpdir.h"

#define HDR "order_id,order_date,company_name,country,currency,payment_method,card_number," \
            "item_description,quantity,unit_price,vat_rate\n"

static char path[FK_TMP_PATH];

static void write_file(const char *content, size_t n)
{
    fk_tmp_template(path, sizeof(path), "fk_test_XXXXXX.csv");
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
}

typedef struct got {
    fk_order o[8];
    size_t n;
} got;

static fk_status read_all_opts(const char *content, size_t n, const fk_ingest_options *opts,
                               got *g, fk_error *err)
{
    fk_ingest *in = NULL;
    bool more;
    fk_status st;

    write_file(content, n);
    memset(g, 0, sizeof(*g));
    st = fk_ingest_open(&in, path, opts, err);
    if (st == FK_OK) {
        for (;;) {
            fk_order_init(&g->o[g->n]);
            st = fk_ingest_next(in, &g->o[g->n], &more, err);
            if (st != FK_OK || !more)
                break;
            assert_true(++g->n < 8);
        }
        fk_ingest_close(in);
    }
    unlink(path);
    return st;
}

static fk_status read_all(const char *content, size_t n, got *g, fk_error *err)
{
    return read_all_opts(content, n, NULL, g, err);
}

static void got_free(got *g)
{
    for (size_t i = 0; i <= g->n && i < 8; i++)
        fk_order_clear(&g->o[i]);
}

static const fk_finding *finding(const fk_order *o, fk_code c)
{
    for (size_t i = 0; i < o->nfindings; i++)
        if (o->findings[i].code == c)
            return &o->findings[i];
    return NULL;
}

/* BOM, CRLF, quoted delimiters, doubled quotes and an embedded newline. */
static void test_quoting_bom_crlf(void **state)
{
    static const char in[] =
        "\xEF\xBB\xBF" "order_id,order_date,company_name,country,currency,payment_method,"
        "card_number,item_description,quantity,unit_price,vat_rate\r\n"
        "A1,2026-11-01,\"Smith, Jones & \"\"Partners\"\"\",GB,GBP,bank_transfer,,\"two\r\nlines\",1,10.00,20\r\n"
        "A2,2026-11-01,Łódź Żurawie Sp. z o.o.,PL,PLN,bank_transfer,,Dźwig,2,5.00,23\r\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.o[0].f[FK_COL_ORDER_ID], "A1"); /* BOM not part of the name */
    assert_string_equal(g.o[0].f[FK_COL_COMPANY_NAME], "Smith, Jones & \"Partners\"");
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_ITEM_DESCRIPTION), "two\r\nlines");
    assert_int_equal(g.o[0].line, 2);
    assert_int_equal(g.o[1].line, 4); /* the embedded newline counts */
    assert_string_equal(g.o[1].f[FK_COL_COMPANY_NAME], "Łódź Żurawie Sp. z o.o.");
    assert_int_equal(g.o[0].nfindings, 0);
    assert_int_equal(g.o[1].nfindings, 0);
    assert_int_equal(g.o[0].decimal_sep, '.');
    got_free(&g);
}

/* Adjacent rows form one order; an id that comes back later is a separate order. */
static void test_grouping(void **state)
{
    static const char in[] = HDR
        "B1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n"
        "B1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,two,2,2.00,7\n"
        "B2,2026-11-01,Y GmbH,DE,EUR,bank_transfer,,three,1,3.00,19\n"
        "B1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,four,1,4.00,19\n"
        "B3,2026-11-01,Z GmbH,DE,USD,bank_transfer,,five,1,5.00,19\n"
        "B3,2026-11-01,Z GmbH,DE,EUR,bank_transfer,,six,1,6.00,19\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 4);
    assert_int_equal(g.o[0].nlines, 2);
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[1], FK_COL_ITEM_DESCRIPTION), "two");
    assert_int_equal(g.o[0].lines[1].line, 3);
    assert_string_equal(g.o[2].f[FK_COL_ORDER_ID], "B1");
    assert_int_equal(g.o[2].line, 5);
    /* Rows of one order that disagree on an order-level field. */
    const fk_finding *f = finding(&g.o[3], FK_CODE_ORDER_INCONSISTENT);
    assert_non_null(f);
    assert_string_equal(f->field, "currency");
    got_free(&g);
}

/* Semicolon exports: delimiter detected from the header, decimal comma. Header names are
 * matched case-insensitively, surrounding spaces ignored. */
static void test_semicolon(void **state)
{
    static const char in[] =
        " Order_ID ;ORDER_DATE;Company_Name;country;currency;payment_method;item_description;"
        "quantity;unit_price;vat_rate\n"
        "C1;2026-11-01;Bjørnstad Ærø AS;NO;NOK;bank_transfer;Ski, 180 cm;1;3490,00;25\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.o[0].f[FK_COL_ORDER_ID], "C1");
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_ITEM_DESCRIPTION), "Ski, 180 cm");
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_UNIT_PRICE), "3490,00");
    assert_int_equal(g.o[0].decimal_sep, ',');
    got_free(&g);
}

/* A short row, a stray quote and invalid UTF-8 fail their own orders, with line numbers;
 * the rows after them are still read. */
static void test_malformed_rows(void **state)
{
    static const char in[] = HDR
        "D1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00\n"
        "D2,2026-11-01,X \"GmbH\",DE,EUR,bank_transfer,,two,1,1.00,19\n"
        "D3,2026-11-01,Bad \xC3\x28 GmbH,DE,EUR,bank_transfer,,three,1,1.00,19\n"
        "D4,2026-11-01,Good GmbH,DE,EUR,bank_transfer,,four,1,1.00,19\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 4);
    const fk_finding *f = finding(&g.o[0], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 2: the row has 10 fields, the header has 11"));
    assert_string_equal(g.o[0].f[FK_COL_ORDER_ID], "D1");
    f = finding(&g.o[1], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 3"));
    assert_string_equal(g.o[1].f[FK_COL_ORDER_ID], "D2");
    f = finding(&g.o[2], FK_CODE_ENCODING_INVALID);
    assert_non_null(f);
    assert_string_equal(f->field, "company_name");
    assert_non_null(strstr(f->message, "line 4"));
    assert_int_equal(g.o[3].nfindings, 0);
    assert_int_equal(g.o[3].line, 5);
    got_free(&g);
}

static void test_unterminated_quote(void **state)
{
    static const char in[] = HDR
        "E1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n"
        "E2,2026-11-01,\"X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.o[0].nfindings, 0);
    const fk_finding *f = finding(&g.o[1], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 3"));
    assert_non_null(strstr(f->message, "not closed"));
    got_free(&g);
}

static void test_missing_column(void **state)
{
    static const char in[] = "order_id,order_date,company_name\nF1,2026-11-01,X\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_EINPUT);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "country, currency, payment_method, item_description, "
                                        "quantity, unit_price, vat_rate"));
    got_free(&g);
}

/* The full card number never reaches the order: brand and last four only. */
static void test_card_masked(void **state)
{
    static const char in[] = HDR
        "G1,2026-11-01,X GmbH,DE,EUR,card,4111 1111 1111 1111,one,1,1.00,19\n";
    got g;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.o[0].f[FK_COL_CARD_NUMBER], "VISA ****1111");
    assert_true(g.o[0].card.luhn_ok);
    assert_string_equal(g.o[0].card.last4, "1111");
    got_free(&g);
}

/* --delimiter: the given delimiter wins over detection. This header has more ';' than ','
 * (a free-text column named with semicolons): detected, it would be read as ';'. */
static void test_explicit_delimiter(void **state)
{
    static const char in[] =
        "order_id,order_date,company_name,country,currency,payment_method,item_description,"
        "quantity,unit_price,vat_rate,note;a;b;c;d;e;f;g;h;i;j;k\n"
        "H1,2026-11-01,X GmbH,DE,EUR,bank_transfer,one,1,1.00,19,x;y\n";
    fk_ingest_options comma = {FK_INPUT_AUTO, ',', 0, NULL};
    got g;
    fk_error err = FK_ERROR_INIT;

    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_EINPUT);
    assert_non_null(strstr(err.message, "(the delimiter is ';', detected from the header)"));
    got_free(&g);
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(read_all_opts(in, sizeof(in) - 1, &comma, &g, &err), FK_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.o[0].nfindings, 0);
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_VAT_RATE), "19");
    assert_int_equal(g.o[0].decimal_sep, '.');
    got_free(&g);
}

/* --decimal-comma: amounts use ',' even with ',' delimiters (quoted); with ';' files the
 * decimal comma is the default, and --delimiter ';' keeps it. */
static void test_decimal_comma(void **state)
{
    static const char in[] = HDR "J1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,\"1,5\","
                                 "\"10,00\",19\n";
    static const char semi[] = "order_id;order_date;company_name;country;currency;"
                               "payment_method;item_description;quantity;unit_price;vat_rate\n"
                               "J2;2026-11-01;X;DE;EUR;bank_transfer;one;1;2,50;19\n";
    fk_ingest_options dc = {FK_INPUT_AUTO, 0, ',', NULL};
    fk_ingest_options semi_told = {FK_INPUT_AUTO, ';', 0, NULL};
    got g;
    fk_error err = FK_ERROR_INIT;

    assert_int_equal(read_all_opts(in, sizeof(in) - 1, &dc, &g, &err), FK_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.o[0].decimal_sep, ',');
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_QUANTITY), "1,5");
    got_free(&g);
    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.o[0].decimal_sep, '.'); /* without the option: '.' */
    got_free(&g);
    assert_int_equal(read_all_opts(semi, sizeof(semi) - 1, &semi_told, &g, &err), FK_OK);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.o[0].decimal_sep, ',');
    assert_string_equal(FK_LINE_FIELD(&g.o[0].lines[0], FK_COL_UNIT_PRICE), "2,50");
    got_free(&g);
}

/* A NUL byte, a value over 1024 bytes and a row with too many fields: a finding each,
 * naming the line (and the field), and the next row is read. */
static void test_nul_long_and_extra_fields(void **state)
{
    char in[4096];
    size_t n = 0;
    n += (size_t)snprintf(in + n, sizeof(in) - n, "%s", HDR);
    n += (size_t)snprintf(in + n, sizeof(in) - n,
                          "K1,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n");
    in[n - 13] = '\0'; /* "o\0e" */
    n += (size_t)snprintf(in + n, sizeof(in) - n, "K2,2026-11-01,");
    memset(in + n, 'L', 1500);
    n += 1500;
    n += (size_t)snprintf(in + n, sizeof(in) - n, ",DE,EUR,bank_transfer,,one,1,1.00,19\n"
                          "K3,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19,extra\n"
                          "K4,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n");
    got g;
    fk_error err = FK_ERROR_INIT;

    assert_int_equal(read_all(in, n, &g, &err), FK_OK);
    assert_int_equal(g.n, 4);
    const fk_finding *f = finding(&g.o[0], FK_CODE_ENCODING_INVALID);
    assert_non_null(f);
    assert_string_equal(f->field, "item_description");
    assert_non_null(strstr(f->message, "line 2: item_description contains a NUL byte"));
    f = finding(&g.o[1], FK_CODE_FIELD_TOO_LONG);
    assert_non_null(f);
    assert_string_equal(f->field, "company_name");
    assert_non_null(strstr(f->message, "line 3: company_name has 1500 bytes"));
    assert_int_equal(strlen(g.o[1].f[FK_COL_COMPANY_NAME]), 1024);
    f = finding(&g.o[2], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 4: the row has 12 fields, the header has 11"));
    assert_int_equal(g.o[3].nfindings, 0);
    assert_int_equal(g.o[3].line, 5);
    got_free(&g);
}

/* An order id that is not valid UTF-8 is cleaned like any value, also on a broken row
 * (found by the fuzz replay: the raw id reached the order); adjacent rows with the same
 * id as written still form one order. */
static void test_dirty_order_id(void **state)
{
    static const char in[] = HDR
        "L\2001,2026-11-01,X GmbH,DE,EUR,bank_transfer,,one,1,1.00,19\n"
        "L\2001,2026-11-01,X GmbH,DE,EUR,bank_transfer,,two,1,1.00,19\n"
        "L\2002,2026-11-01,\"never closed,DE,EUR,bank_transfer,,one,1,1.00,19\n";
    got g;
    fk_error err = FK_ERROR_INIT;

    assert_int_equal(read_all(in, sizeof(in) - 1, &g, &err), FK_OK);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.o[0].f[FK_COL_ORDER_ID], "L?1");
    assert_int_equal(g.o[0].nlines, 2);
    assert_non_null(finding(&g.o[0], FK_CODE_ENCODING_INVALID));
    assert_string_equal(g.o[1].f[FK_COL_ORDER_ID], "L?2");
    assert_non_null(finding(&g.o[1], FK_CODE_ROW_MALFORMED));
    assert_non_null(finding(&g.o[1], FK_CODE_ENCODING_INVALID));
    got_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoting_bom_crlf), cmocka_unit_test(test_grouping),
        cmocka_unit_test(test_semicolon),        cmocka_unit_test(test_malformed_rows),
        cmocka_unit_test(test_unterminated_quote), cmocka_unit_test(test_missing_column),
        cmocka_unit_test(test_card_masked),      cmocka_unit_test(test_explicit_delimiter),
        cmocka_unit_test(test_decimal_comma),
        cmocka_unit_test(test_nul_long_and_extra_fields),
        cmocka_unit_test(test_dirty_order_id),
    };
    return cmocka_run_group_tests_name("ingest_csv", tests, NULL, NULL);
}
