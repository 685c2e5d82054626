/* test_money.c -- decimal parsing, formatting and rounding in integer minor units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/money.h"
#include "core/util.h"

static void test_parse_valid(void **state)
{
    static const struct {
        const char *in;
        char sep;
        int scale;
        int64_t want;
    } cases[] = {
        {"12.50", '.', 2, 1250}, {"12.5", '.', 2, 1250},   {"12", '.', 2, 1200},
        {"0.01", '.', 2, 1},     {".5", '.', 2, 50},       {"5.", '.', 2, 500},
        {"-3.10", '.', 2, -310}, {"+7", '.', 2, 700},      {"1250", '.', 0, 1250},
        {"1.234", '.', 3, 1234}, {"12,50", ',', 2, 1250},  {"12.500", '.', 2, 1250},
        {"0", '.', 2, 0},        {"92233720368547758.07", '.', 2, INT64_MAX},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = -42;
        assert_int_equal(fk_decimal_parse(cases[i].in, cases[i].sep, cases[i].scale, &v), FK_DEC_OK);
        assert_true(v == cases[i].want);
    }
}

static void test_parse_invalid(void **state)
{
    static const struct {
        const char *in;
        char sep;
        int scale;
        fk_decimal_rc want;
    } cases[] = {
        {"12.3.4", '.', 2, FK_DEC_SYNTAX},   {"1e5", '.', 2, FK_DEC_SYNTAX},
        {"NaN", '.', 2, FK_DEC_SYNTAX},      {"", '.', 2, FK_DEC_SYNTAX},
        {" 1", '.', 2, FK_DEC_SYNTAX},       {"1 000", '.', 2, FK_DEC_SYNTAX},
        {"1,5", '.', 2, FK_DEC_SYNTAX},      {"1.5", ',', 2, FK_DEC_SYNTAX},
        {".", '.', 2, FK_DEC_SYNTAX},        {"-", '.', 2, FK_DEC_SYNTAX},
        {"--1", '.', 2, FK_DEC_SYNTAX},      {"12.345", '.', 2, FK_DEC_PRECISION},
        {"0.5", '.', 0, FK_DEC_PRECISION},   {"1e309", '.', 2, FK_DEC_SYNTAX},
        {"92233720368547758.08", '.', 2, FK_DEC_RANGE},
        {"1234567890123456789012345678901234567890", '.', 2, FK_DEC_RANGE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = -42;
        assert_int_equal(fk_decimal_parse(cases[i].in, cases[i].sep, cases[i].scale, &v),
                         cases[i].want);
        assert_true(v == -42); /* untouched on failure */
    }
}

static void test_format(void **state)
{
    char b[64];
    fk_decimal_format(123456, 2, b, sizeof(b));
    assert_string_equal(b, "1234.56");
    fk_decimal_format(-5, 2, b, sizeof(b));
    assert_string_equal(b, "-0.05");
    fk_decimal_format(1250, 0, b, sizeof(b));
    assert_string_equal(b, "1250");
    fk_decimal_format(1, 3, b, sizeof(b));
    assert_string_equal(b, "0.001");
    fk_decimal_format(INT64_MIN, 2, b, sizeof(b));
    assert_string_equal(b, "-92233720368547758.08");
    fk_decimal_format_grouped(123456789, 2, ".", ",", b, sizeof(b));
    assert_string_equal(b, "1.234.567,89");
    fk_decimal_format_grouped(123456789, 2, ",", ".", b, sizeof(b));
    assert_string_equal(b, "1,234,567.89");
    fk_decimal_format_grouped(100000, 2, " ", ",", b, sizeof(b));
    assert_string_equal(b, "1 000,00");
    fk_decimal_format_grouped(99999, 2, " ", ",", b, sizeof(b));
    assert_string_equal(b, "999,99");
}

/* Half away from zero, exactly at the boundary and on both sides. */
static void test_round(void **state)
{
    int64_t r;
    assert_true(fk_mul_div_round(5586, 1, 3, &r)); /* 5.586 -> 6 */
    assert_true(r == 6);
    assert_true(fk_mul_div_round(1000, 5, 4, &r)); /* 0.5 -> 1 */
    assert_true(r == 1);
    assert_true(fk_mul_div_round(1000, 4, 4, &r)); /* 0.4 -> 0 */
    assert_true(r == 0);
    assert_true(fk_mul_div_round(-1000, 5, 4, &r)); /* -0.5 -> -1 */
    assert_true(r == -1);
    assert_true(fk_mul_div_round(7980, 700, 4, &r)); /* 79.80 EUR x 7% = 5.586 -> 5.59 */
    assert_true(r == 559);
    assert_true(fk_mul_div_round(2500, 349000, 3, &r)); /* 2.5 x 3490.00 */
    assert_true(r == 872500);
    assert_false(fk_mul_div_round(INT64_MAX, 1000, 2, &r)); /* overflow is caught */
    int64_t acc = INT64_MAX - 1;
    assert_true(fk_add_checked(&acc, 1));
    assert_false(fk_add_checked(&acc, 1));
    assert_true(acc == INT64_MAX);
}

/* Dates as the report and invoices write them: the fast formatting path agrees with
 * "%04d-%02u-%02u" for every 7th day and some over 10,000 years (and the printf path
 * beyond them). */
static void test_format_date(void **state)
{
    char buf[32], want[32];
    (void)state;
    fk_format_date(0, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01");
    fk_format_date(1795132800, buf, sizeof(buf)); /* 2026-11-20 */
    assert_string_equal(buf, "2026-11-20");
    fk_format_date(-86400, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31");
    for (int64_t t = -62167219200LL - 86400 * 800LL; t < 253402300800LL + 86400 * 800LL;
         t += 86400 * 7 + 3601) {
        int y;
        unsigned m, d;
        int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        fk_civil_from_days(days, &y, &m, &d);
        snprintf(want, sizeof(want), "%04d-%02u-%02u", y, m, d);
        fk_format_date(t, buf, sizeof(buf));
        assert_string_equal(buf, want);
    }
}

static void test_currency(void **state)
{
    assert_int_equal(fk_currency_exponent("EUR"), 2);
    assert_int_equal(fk_currency_exponent("PLN"), 2);
    assert_int_equal(fk_currency_exponent("NOK"), 2);
    assert_int_equal(fk_currency_exponent("JPY"), 0);
    assert_int_equal(fk_currency_exponent("KWD"), 3);
    assert_int_equal(fk_currency_exponent("CLF"), 4);
    assert_int_equal(fk_currency_exponent("NKK"), -1);
    assert_int_equal(fk_currency_exponent("eur"), -1);
    assert_int_equal(fk_currency_exponent("EURO"), -1);
    assert_int_equal(fk_currency_exponent(""), -1);
    assert_int_equal(fk_currency_exponent("HRK"), -1); /* withdrawn 2023 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_valid), cmocka_unit_test(test_parse_invalid),
        cmocka_unit_test(test_format),      cmocka_unit_test(test_round),
        cmocka_unit_test(test_currency),    cmocka_unit_test(test_format_date),
    };
    return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
