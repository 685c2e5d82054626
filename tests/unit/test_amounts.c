/* test_amounts.c -- an order's amounts as validate computes them (compute_amounts in
 * lib/validate/validate.c), table-driven: line nets rounded half away from zero, VAT per
 * rate on the sum of the rounded nets (not per line), rates in ascending order, the
 * currency's exponent, and the findings for what cannot be invoiced (a bad quantity,
 * price or rate, too many decimals, overflow, more than 16 rates, a negative total or
 * rate). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "faktura/batch.h"
#include "core/config.h"
#include "core/order.h"
#include "validate/validate.h"
#include "tmpdir.h"

static char dir[FK_TMP_PATH];
static fk_config *cfg;

static int setup(void **state)
{
    char path[FK_TMP_PATH + 16];
    fk_error err = FK_ERROR_INIT;

    fk_tmp_template(dir, sizeof(dir), "test_amounts.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[seller]\nname = S\nstreet = S 1\npostal_code = 1\ncity = C\ncountry = DE\n"
                "vat_id = DE123456788\niban = DE89370400440532013000\n");
    fclose(fp);
    if (fk_config_load(&cfg, path, NULL, NULL, &err) != FK_OK)
        fail_msg("config: %s", err.message);
    return 0;
}

static int teardown(void **state)
{
    char path[FK_TMP_PATH + 16];
    fk_config_free(cfg);
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

typedef struct line_in {
    const char *qty, *price, *rate;
} line_in;

#define MAX_LINES 20

/* A consumer order in `currency` with the given lines (a NULL qty ends them). */
static void make_order(fk_order *o, const char *currency, char sep, const line_in *lines)
{
    fk_order_init(o);
    o->file = fk_order_strdup(o, "t.csv");
    o->line = 2;
    o->decimal_sep = sep;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        o->f[c] = fk_order_strdup(o, "");
    o->f[FK_COL_ORDER_ID] = fk_order_strdup(o, "T-1");
    o->f[FK_COL_ORDER_DATE] = fk_order_strdup(o, "2026-11-18");
    o->f[FK_COL_CUSTOMER_TYPE] = fk_order_strdup(o, "consumer");
    o->f[FK_COL_COMPANY_NAME] = fk_order_strdup(o, "Kunde");
    o->f[FK_COL_COUNTRY] = fk_order_strdup(o, "DE");
    o->f[FK_COL_CURRENCY] = fk_order_strdup(o, currency);
    o->f[FK_COL_PAYMENT_METHOD] = fk_order_strdup(o, "bank_transfer");
    for (size_t i = 0; i < MAX_LINES && lines[i].qty; i++) {
        fk_line *ln = fk_order_add_line(o);
        ln->line = 2 + (unsigned long)i;
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            FK_LINE_FIELD(ln, c) = fk_order_strdup(o, "");
        FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION) = fk_order_strdup(o, "Item");
        FK_LINE_FIELD(ln, FK_COL_QUANTITY) = fk_order_strdup(o, lines[i].qty);
        FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE) = fk_order_strdup(o, lines[i].price);
        FK_LINE_FIELD(ln, FK_COL_VAT_RATE) = fk_order_strdup(o, lines[i].rate);
    }
}

/* Orders whose amounts are computed: the totals, and each rate's amounts in order. */
static void test_totals(void **state)
{
    static const struct {
        const char *what, *currency;
        char sep;
        line_in lines[4];
        int64_t net, vat, gross;
        int32_t rates[3];
        int64_t taxable[3], rate_vat[3];
    } cases[] = {
        {"one line", "EUR", '.', {{"1", "100.00", "19"}}, 10000, 1900, 11900,
         {1900}, {10000}, {1900}},
        {"line net rounded half up", "EUR", '.', {{"0.5", "0.01", "0"}}, 1, 0, 1,
         {0}, {1}, {0}},
        {"line net 0.015 rounds to 0.02", "EUR", '.', {{"1.5", "0.01", "0"}}, 2, 0, 2,
         {0}, {2}, {0}},
        {"line net 0.0149 rounds to 0.01", "EUR", '.', {{"1.49", "0.01", "0"}}, 1, 0, 1,
         {0}, {1}, {0}},
        /* per line 0.005 + 0.005 VAT would round to 0.02; on the rate's sum it is 0.01 */
        {"VAT on the sum of the rounded nets", "EUR", '.',
         {{"1", "0.05", "10"}, {"1", "0.05", "10"}}, 10, 1, 11, {1000}, {10}, {1}},
        /* 0.95 at 10 % is 0.095: half away from zero gives 0.10 */
        {"a discount line: VAT half away from zero", "EUR", '.',
         {{"1", "1.00", "10"}, {"1", "-0.05", "10"}}, 95, 10, 105, {1000}, {95}, {10}},
        {"rates ascending", "EUR", '.',
         {{"2", "10.00", "19"}, {"1", "5.00", "7"}, {"3", "1.00", "0"}}, 2800, 415, 3215,
         {0, 700, 1900}, {300, 500, 2000}, {0, 35, 380}},
        {"fractional rate", "EUR", '.', {{"1", "10.00", "8.1"}}, 1000, 81, 1081,
         {810}, {1000}, {81}},
        {"no decimals (JPY)", "JPY", '.', {{"3", "333", "10"}}, 999, 100, 1099,
         {1000}, {999}, {100}},
        {"three decimals (KWD)", "KWD", '.', {{"1", "1.005", "5"}}, 1005, 50, 1055,
         {500}, {1005}, {50}},
        {"decimal comma", "EUR", ',', {{"1,5", "2,50", "19"}}, 375, 71, 446,
         {1900}, {375}, {71}},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_order o;
        make_order(&o, cases[i].currency, cases[i].sep, cases[i].lines);
        fk_validate_order(&o, cfg, 1795219200, NULL); /* 2026-11-21 */
        if (!o.amounts_ok)
            fail_msg("%s: amounts not computed (%s)", cases[i].what,
                     o.nfindings ? o.findings[0].message : "no finding");
        if (o.net_total != cases[i].net || o.vat_total != cases[i].vat ||
            o.gross_total != cases[i].gross)
            fail_msg("%s: net %lld vat %lld gross %lld", cases[i].what, (long long)o.net_total,
                     (long long)o.vat_total, (long long)o.gross_total);
        for (size_t g = 0; g < o.ngroups; g++)
            if (g >= 3 || o.groups[g].vat_centi != cases[i].rates[g] ||
                o.groups[g].taxable != cases[i].taxable[g] ||
                o.groups[g].vat != cases[i].rate_vat[g])
                fail_msg("%s: rate %zu: %d taxable %lld vat %lld", cases[i].what, g,
                         o.groups[g].vat_centi, (long long)o.groups[g].taxable,
                         (long long)o.groups[g].vat);
        fk_order_clear(&o);
    }
}

/* Orders whose amounts cannot be invoiced: the finding, on which field. */
static void test_refused(void **state)
{
    static const struct {
        const char *what, *currency;
        line_in lines[4];
        fk_code code;
        const char *field;
    } cases[] = {
        {"quantity not a number", "EUR", {{"abc", "1.00", "19"}}, FK_CODE_QUANTITY_INVALID,
         "quantity"},
        {"quantity zero", "EUR", {{"0", "1.00", "19"}}, FK_CODE_QUANTITY_INVALID, "quantity"},
        {"quantity negative", "EUR", {{"-1", "1.00", "19"}}, FK_CODE_QUANTITY_INVALID,
         "quantity"},
        {"quantity with 4 decimals", "EUR", {{"1.0001", "1.00", "19"}},
         FK_CODE_QUANTITY_INVALID, "quantity"},
        {"rate over 100", "EUR", {{"1", "1.00", "100.01"}}, FK_CODE_VAT_RATE_INVALID,
         "vat_rate"},
        {"rate negative", "EUR", {{"1", "1.00", "-1"}}, FK_CODE_VAT_RATE_INVALID, "vat_rate"},
        {"rate with 3 decimals", "EUR", {{"1", "1.00", "7.125"}}, FK_CODE_VAT_RATE_INVALID,
         "vat_rate"},
        {"price not a number", "EUR", {{"1", "1.0O", "19"}}, FK_CODE_AMOUNT_INVALID,
         "unit_price"},
        {"price with 3 decimals in EUR", "EUR", {{"1", "1.001", "19"}},
         FK_CODE_AMOUNT_PRECISION, "unit_price"},
        {"price with decimals in JPY", "JPY", {{"1", "1.5", "10"}}, FK_CODE_AMOUNT_PRECISION,
         "unit_price"},
        {"price too large to parse", "EUR", {{"1", "99999999999999999999.00", "19"}},
         FK_CODE_AMOUNT_OVERFLOW, "unit_price"},
        {"quantity x price overflows", "EUR", {{"9999999", "9999999999999.00", "19"}},
         FK_CODE_AMOUNT_OVERFLOW, "unit_price"},
        {"gross total negative", "EUR", {{"1", "-1.00", "0"}}, FK_CODE_AMOUNT_NEGATIVE,
         "unit_price"},
        /* net +1.00, but the 25 % rate's amounts are negative */
        {"one rate negative", "EUR", {{"1", "100.00", "0"}, {"1", "-99.00", "25"}},
         FK_CODE_AMOUNT_NEGATIVE, "unit_price"},
        {"currency unknown", "XYZ", {{"1", "1.00", "19"}}, FK_CODE_CURRENCY_UNKNOWN,
         "currency"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_order o;
        make_order(&o, cases[i].currency, '.', cases[i].lines);
        fk_validate_order(&o, cfg, 1795219200, NULL);
        if (o.amounts_ok)
            fail_msg("%s: amounts computed (gross %lld)", cases[i].what,
                     (long long)o.gross_total);
        bool found = false;
        for (size_t f = 0; f < o.nfindings; f++)
            if (o.findings[f].code == cases[i].code && o.findings[f].field &&
                strcmp(o.findings[f].field, cases[i].field) == 0)
                found = true;
        if (!found)
            fail_msg("%s: no %s on %s (first finding: %s)", cases[i].what,
                     fk_code_name(cases[i].code), cases[i].field,
                     o.nfindings ? o.findings[0].message : "none");
        fk_order_clear(&o);
    }
}

/* More than 16 VAT rates in one order: VAT_RATE_INVALID, nothing computed. */
static void test_too_many_rates(void **state)
{
    static const char *const rates[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
                                        "10", "11", "12", "13", "14", "15", "16"};
    line_in lines[MAX_LINES] = {{NULL, NULL, NULL}};
    fk_order o;

    for (size_t i = 0; i < 17; i++)
        lines[i] = (line_in){"1", "1.00", rates[i]};
    make_order(&o, "EUR", '.', lines);
    fk_validate_order(&o, cfg, 1795219200, NULL);
    assert_false(o.amounts_ok);
    assert_true(fk_order_has_finding(&o, FK_CODE_VAT_RATE_INVALID));
    fk_order_clear(&o);

    lines[16] = (line_in){NULL, NULL, NULL}; /* 16 rates are fine */
    make_order(&o, "EUR", '.', lines);
    fk_validate_order(&o, cfg, 1795219200, NULL);
    assert_true(o.amounts_ok);
    assert_int_equal(o.ngroups, 16);
    assert_int_equal(o.net_total, 1600);
    fk_order_clear(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_too_many_rates),
    };
    return cmocka_run_group_tests_name("amounts", tests, setup, teardown);
}
