/* test_invoice_content.c -- what validate decides for the invoice of record (issue 17):
 * each line's VAT category (given or derived) and its plausibility, the exchange rate and
 * the VAT in the accounting currency (rounding per breakdown, across minor units), the
 * Polish split payment threshold, the delivery date or period, units and supply types;
 * and the config's new settings (accounting currency, footer lines, numbers with '/',
 * the time zone). Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
/* Table rows name only the line fields they set; the rest are NULL ("" for the order). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "faktura/batch.h"
#include "core/config.h"
#include "core/order.h"
#include "core/util.h"
#include "validate/validate.h"
#include "tmpdir.h"

static char dir[FK_TMP_PATH];

static int setup(void **state)
{
    fk_tmp_template(dir, sizeof(dir), "test_invoice_content.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    char path[FK_TMP_PATH + 16];
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

/* A config: a seller in `country` with VAT number `vat`, and `extra` lines after it. */
static fk_status load(const char *country, const char *vat, const char *extra, fk_config **cfg,
                      fk_error *err)
{
    char path[FK_TMP_PATH + 16];
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[seller]\nname = S\nstreet = S 1\npostal_code = 1\ncity = C\ncountry = %s\n"
                "vat_id = %s\niban = DE89370400440532013000\n%s",
            country, vat, extra ? extra : "");
    fclose(fp);
    *cfg = NULL;
    return fk_config_load(cfg, path, NULL, NULL, err);
}

static fk_config *seller(const char *country, const char *vat, const char *extra)
{
    fk_config *cfg;
    fk_error err = FK_ERROR_INIT;
    if (load(country, vat, extra, &cfg, &err) != FK_OK)
        fail_msg("config: %s", err.message);
    return cfg;
}

static void set(fk_order *o, fk_column c, const char *v)
{
    o->f[c] = fk_order_strdup(o, v);
}

/* One line: "rate|category|supply|unit|split|reason|code|price" (empty parts: ""). */
typedef struct line_spec {
    const char *rate, *category, *supply, *unit, *split, *reason, *code, *price;
} line_spec;

static void make_order(fk_order *o, const char *country, const char *type, const char *tax_id,
                       const char *currency, const line_spec *lines, size_t n)
{
    fk_order_init(o);
    o->file = fk_order_strdup(o, "t.csv");
    o->line = 2;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        set(o, (fk_column)c, "");
    set(o, FK_COL_ORDER_ID, "T-1");
    set(o, FK_COL_ORDER_DATE, "2026-11-18T09:12:44+01:00");
    set(o, FK_COL_CUSTOMER_TYPE, type);
    set(o, FK_COL_COMPANY_NAME, "Kunde GmbH");
    set(o, FK_COL_TAX_ID, tax_id);
    set(o, FK_COL_COUNTRY, country);
    set(o, FK_COL_CURRENCY, currency);
    set(o, FK_COL_PAYMENT_METHOD, "bank_transfer");
    for (size_t i = 0; i < n; i++) {
        fk_line *ln = fk_order_add_line(o);
        ln->line = 2 + (unsigned long)i;
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            FK_LINE_FIELD(ln, c) = fk_order_strdup(o, "");
        FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION) = fk_order_strdup(o, "Item");
        FK_LINE_FIELD(ln, FK_COL_QUANTITY) = fk_order_strdup(o, "1");
        FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE) =
            fk_order_strdup(o, lines[i].price ? lines[i].price : "100.00");
        FK_LINE_FIELD(ln, FK_COL_VAT_RATE) = fk_order_strdup(o, lines[i].rate);
#define LSET(col, v) if (v) FK_LINE_FIELD(ln, col) = fk_order_strdup(o, v)
        LSET(FK_COL_VAT_CATEGORY, lines[i].category);
        LSET(FK_COL_SUPPLY_TYPE, lines[i].supply);
        LSET(FK_COL_UNIT, lines[i].unit);
        LSET(FK_COL_SPLIT_PAYMENT, lines[i].split);
        LSET(FK_COL_VAT_EXEMPTION_REASON, lines[i].reason);
        LSET(FK_COL_VAT_EXEMPTION_CODE, lines[i].code);
#undef LSET
    }
}

static const char *first_code(const fk_order *o)
{
    return o->nfindings ? fk_code_name(o->findings[0].code) : "";
}

/* ---- VAT categories ---------------------------------------------------------------------- */

static void test_categories(void **state)
{
    static const struct {
        const char *seller, *seller_vat;
        const char *country, *type, *tax_id;
        line_spec line;
        const char *want_category; /* "" when a finding is wanted */
        const char *want_code;     /* "" when none */
    } cases[] = {
        /* derived */
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"19"}, "S", ""},
        {"DE", "DE123456788", "AT", "business", "ATU13585627", {"0"}, "K", ""},
        {"DE", "DE123456788", "AT", "business", "ATU13585627", {"0", "", "services"}, "AE", ""},
        {"DE", "DE123456788", "AT", "business", "ATU13585627", {"0", "", "Services"}, "AE", ""},
        {"DE", "DE123456788", "NO", "consumer", "", {"0"}, "G", ""},
        {"DE", "DE123456788", "US", "consumer", "", {"0", "", "services"}, "O", ""},
        {"NO", "NO974760673MVA", "DE", "business", "DE136695976", {"0"}, "G", ""},
        {"NO", "NO974760673MVA", "SE", "consumer", "", {"0", "", "services"}, "O", ""},
        /* 0 % that is neither: the category must be given */
        {"DE", "DE123456788", "FR", "consumer", "", {"0"}, "", "VAT_CATEGORY_MISSING"},
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"0"}, "", "VAT_CATEGORY_MISSING"},
        {"DE", "DE123456788", "AT", "business", "ATU13585626", {"0"}, "", "TAX_ID_CHECKSUM"},
        {"NO", "NO974760673MVA", "NO", "consumer", "", {"0"}, "", "VAT_CATEGORY_MISSING"},
        /* given, and fitting */
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "z"}, "Z", ""},
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "E", "", "", "", "§ 4 Nr. 14 UStG"},
         "E", ""},
        {"DE", "DE123456788", "FR", "business", "FR40303265045", {"19", "S"}, "S", ""},
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"0", "O"}, "O", ""},
        /* given, and not fitting */
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"0", "S"}, "S",
         "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"7", "Z"}, "Z",
         "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "AT", "business", "ATU13585627", {"19", "K"}, "K",
         "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "DE", "business", "DE136695976", {"0", "K"}, "K",
         "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "AT", "consumer", "", {"0", "AE"}, "AE", "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "AT", "consumer", "", {"0", "K"}, "K", "VAT_CATEGORY_MISMATCH"},
        {"NO", "NO974760673MVA", "DE", "business", "DE136695976", {"0", "K"}, "K",
         "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "FR", "consumer", "", {"0", "G"}, "G", "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "G"}, "G", "VAT_CATEGORY_MISMATCH"},
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "E"}, "E",
         "VAT_EXEMPTION_REASON_MISSING"},
        /* unknown values */
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "X"}, "", "VAT_CATEGORY_INVALID"},
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "L"}, "", "VAT_CATEGORY_INVALID"},
        {"DE", "DE123456788", "DE", "consumer", "", {"0", "Z", "", "", "", "r", "EU-IC"}, "Z",
         "VAT_CATEGORY_INVALID"},
        {"DE", "DE123456788", "DE", "consumer", "", {"19", "", "both"}, "S",
         "SUPPLY_TYPE_INVALID"},
        {"DE", "DE123456788", "DE", "consumer", "", {"19", "", "", "PCS"}, "S", "UNIT_INVALID"},
        {"DE", "DE123456788", "DE", "consumer", "", {"19", "", "", "", "maybe"}, "S",
         "SPLIT_PAYMENT_INVALID"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_config *cfg = seller(cases[i].seller, cases[i].seller_vat, NULL);
        fk_order o;
        const char *cur = fk_country_currency(cases[i].seller);
        make_order(&o, cases[i].country, cases[i].type, cases[i].tax_id, cur, &cases[i].line, 1);
        fk_validate_order(&o, cfg, 1795219200, NULL); /* 2026-11-21 */
        if (strcmp(o.lines[0].category, cases[i].want_category) != 0 ||
            strcmp(first_code(&o), cases[i].want_code) != 0)
            fail_msg("case %zu: category \"%s\", first finding \"%s\" (%s)", i,
                     o.lines[0].category, first_code(&o),
                     o.nfindings ? o.findings[0].message : "");
        /* the decisions the document copies */
        if (!strcmp(cases[i].want_category, "AE") && !cases[i].want_code[0])
            assert_true(o.reverse_charge);
        fk_order_clear(&o);
        fk_config_free(cfg);
    }
}

/* Lines of different categories, rates and exemption reasons are separate breakdowns, in
 * rate, then category order. */
static void test_breakdowns(void **state)
{
    fk_config *cfg = seller("DE", "DE123456788", NULL);
    const line_spec lines[] = {
        {"19"},
        {"0", "E", "", "", "", "§ 4 Nr. 14 UStG", "", "10.00"},
        {"0", "Z", "", "", "", "", "", "5.00"},
        {"0", "E", "", "", "", "§ 4 Nr. 21 UStG", "", "3.00"},
        {"19", "", "", "", "", "", "", "1.00"},
        {"0", "E", "", "", "", "§ 4 Nr. 14 UStG", "", "7.00"},
    };
    fk_order o;

    make_order(&o, "DE", "consumer", "", "EUR", lines, 6);
    fk_validate_order(&o, cfg, 1795219200, NULL);
    assert_int_equal(o.nfindings, 0);
    assert_int_equal(o.ngroups, 4);
    assert_string_equal(o.groups[0].category, "E");
    assert_string_equal(o.groups[0].reason, "§ 4 Nr. 14 UStG");
    assert_int_equal(o.groups[0].taxable, 1700);
    assert_string_equal(o.groups[1].category, "E");
    assert_string_equal(o.groups[1].reason, "§ 4 Nr. 21 UStG");
    assert_string_equal(o.groups[2].category, "Z");
    assert_string_equal(o.groups[3].category, "S");
    assert_int_equal(o.groups[3].taxable, 10100);
    assert_int_equal(o.groups[3].vat, 1919);
    /* same currency: the VAT in the accounting currency is the VAT */
    assert_int_equal(o.groups[3].vat_accounting, 1919);
    assert_int_equal(o.vat_total_accounting, 1919);
    assert_int_equal(o.exchange_rate_micro, 0);
    assert_false(o.reverse_charge);
    fk_order_clear(&o);
    fk_config_free(cfg);
}

/* ---- exchange rates and the accounting currency ------------------------------------------ */

static void test_exchange_rate(void **state)
{
    static const struct {
        const char *seller, *vat, *currency, *rate, *date, *price, *vat_rate;
        const char *want_code;
        int64_t want_vat, want_vat_acc; /* minor units of each currency */
        const char *want_rate_text;
    } cases[] = {
        /* a PLN seller, an EUR invoice: 12.50 EUR VAT x 4.3125 = 53.90625 -> 53.91 PLN */
        {"PL", "PL5260250274", "EUR", "4.3125", "2026-11-17", "50.00", "25", "", 1250, 5391,
         "4.3125"},
        /* half away from zero at the grosz: 10.00 x 4.31245 = 43.1245 -> 43.12 */
        {"PL", "PL5260250274", "EUR", "4.312450", "2026-11-17", "40.00", "25", "", 1000, 4312,
         "4.31245"},
        /* JPY (no decimals) into PLN: 1,000 JPY VAT x 0.0263 = 26.30 PLN */
        {"PL", "PL5260250274", "JPY", "0.0263", "2026-11-17", "10000", "10", "", 1000, 2630,
         "0.0263"},
        /* KWD (three decimals) into EUR: 1.235 KWD x 2.9 = 3.5815 -> 3.58 EUR */
        {"DE", "DE123456788", "KWD", "2.9", "2026-11-17", "12.350", "10", "", 1235, 358,
         "2.9"},
        /* EUR into NOK (the Norwegian seller's currency by default) */
        {"NO", "NO974760673MVA", "EUR", "11.7805", "2026-11-17T00:00:00+01:00", "100.00", "25",
         "", 2500, 29451, "11.7805"},
        /* the same currency: no rate needed, one given is ignored */
        {"PL", "PL5260250274", "PLN", "", "", "100.00", "23", "", 2300, 2300, ""},
        {"PL", "PL5260250274", "PLN", "4.3", "2026-11-17", "100.00", "23", "", 2300, 2300, ""},
        /* missing and malformed */
        {"PL", "PL5260250274", "EUR", "", "2026-11-17", "100.00", "23", "EXCHANGE_RATE_MISSING",
         2300, 0, ""},
        {"PL", "PL5260250274", "EUR", "4.3", "", "100.00", "23", "EXCHANGE_RATE_MISSING", 2300,
         0, ""},
        {"PL", "PL5260250274", "EUR", "-4.3", "2026-11-17", "100.00", "23",
         "EXCHANGE_RATE_INVALID", 2300, 0, ""},
        {"PL", "PL5260250274", "EUR", "4.3000001", "2026-11-17", "100.00", "23",
         "EXCHANGE_RATE_INVALID", 2300, 0, ""},
        {"PL", "PL5260250274", "EUR", "4.3", "17.11.2026", "100.00", "23",
         "EXCHANGE_RATE_INVALID", 2300, 0, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_config *cfg = seller(cases[i].seller, cases[i].vat, NULL);
        line_spec ln = {cases[i].vat_rate, "", "", "", "", "", "", cases[i].price};
        fk_order o;
        make_order(&o, cases[i].seller, "consumer", "", cases[i].currency, &ln, 1);
        set(&o, FK_COL_EXCHANGE_RATE, cases[i].rate);
        set(&o, FK_COL_EXCHANGE_RATE_DATE, cases[i].date);
        fk_validate_order(&o, cfg, 1795219200, NULL);
        if (strcmp(first_code(&o), cases[i].want_code) != 0)
            fail_msg("case %zu: first finding \"%s\" (%s)", i, first_code(&o),
                     o.nfindings ? o.findings[0].message : "");
        assert_int_equal(o.vat_total, cases[i].want_vat);
        if (!cases[i].want_code[0]) {
            if (o.vat_total_accounting != cases[i].want_vat_acc)
                fail_msg("case %zu: VAT in %s %lld, want %lld", i, o.accounting_currency,
                         (long long)o.vat_total_accounting, (long long)cases[i].want_vat_acc);
            assert_string_equal(o.exchange_rate, cases[i].want_rate_text);
            assert_string_equal(o.accounting_currency, fk_country_currency(cases[i].seller));
            if (cases[i].want_rate_text[0])
                assert_string_equal(o.exchange_rate_date, "2026-11-17");
        }
        fk_order_clear(&o);
        fk_config_free(cfg);
    }
}

/* Split payment: a split_payment line and 15,000.00 PLN gross or more. */
static void test_split_payment(void **state)
{
    static const struct {
        const char *seller, *vat, *currency, *rate, *price, *split;
        bool want_note;
        const char *want_code;
    } cases[] = {
        /* net + 23 % VAT: 12,195.11 -> 14,999.99 gross; 12,195.12 -> 15,000.00 */
        {"PL", "PL5260250274", "PLN", "", "12195.11", "true", false, ""},
        {"PL", "PL5260250274", "PLN", "", "12195.12", "true", true, ""},
        {"PL", "PL5260250274", "PLN", "", "12195.12", "", false, ""},
        {"PL", "PL5260250274", "PLN", "", "12195.12", "false", false, ""},
        /* EUR at 4.3: 3,488.38 EUR gross = 15,000.03 PLN; 3,488.37 = 14,999.99 */
        {"PL", "PL5260250274", "EUR", "4.3", "2836.08", "yes", true, ""},
        {"PL", "PL5260250274", "EUR", "4.3", "2836.07", "1", false, ""},
        /* neither the invoice nor the seller in PLN */
        {"DE", "DE123456788", "EUR", "", "20000.00", "true", false, "SPLIT_PAYMENT_INVALID"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_config *cfg = seller(cases[i].seller, cases[i].vat, NULL);
        line_spec ln = {"23", "", "", "", cases[i].split, "", "", cases[i].price};
        fk_order o;
        make_order(&o, cases[i].seller, "consumer", "", cases[i].currency, &ln, 1);
        set(&o, FK_COL_EXCHANGE_RATE, cases[i].rate);
        set(&o, FK_COL_EXCHANGE_RATE_DATE, cases[i].rate[0] ? "2026-11-17" : "");
        fk_validate_order(&o, cfg, 1795219200, NULL);
        if (o.split_payment_note != cases[i].want_note ||
            strcmp(first_code(&o), cases[i].want_code) != 0)
            fail_msg("case %zu: note %d, first finding \"%s\" (gross %lld)", i,
                     o.split_payment_note, first_code(&o), (long long)o.gross_total);
        fk_order_clear(&o);
        fk_config_free(cfg);
    }
}

/* ---- dates ------------------------------------------------------------------------------- */

static void test_delivery(void **state)
{
    static const struct {
        const char *delivery, *start, *end;
        const char *want_delivery, *want_start, *want_end, *want_code;
    } cases[] = {
        /* the order date as written (its own offset): 2026-11-18T09:12:44+01:00 */
        {"", "", "", "2026-11-18", "", "", ""},
        {"2026-11-15", "", "", "2026-11-15", "", "", ""},
        {"2026-11-15T23:30:00-05:00", "", "", "2026-11-15", "", "", ""},
        {"", "2026-10-01", "2026-10-31", "", "2026-10-01", "2026-10-31", ""},
        {"2026-11-02", "2026-10-01", "2026-10-31", "2026-11-02", "2026-10-01", "2026-10-31", ""},
        {"2026-02-30", "", "", "", "", "", "DELIVERY_DATE_INVALID"},
        {"", "2026-10-01", "", "", "", "", "DELIVERY_DATE_INVALID"},
        {"", "2026-10-31", "2026-10-01", "", "", "", "DELIVERY_DATE_INVALID"},
        {"", "2026-10-01", "31.10.2026", "", "", "", "DELIVERY_DATE_INVALID"},
    };
    fk_config *cfg = seller("DE", "DE123456788", NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        line_spec ln = {"19"};
        fk_order o;
        make_order(&o, "DE", "consumer", "", "EUR", &ln, 1);
        set(&o, FK_COL_DELIVERY_DATE, cases[i].delivery);
        set(&o, FK_COL_PERIOD_START, cases[i].start);
        set(&o, FK_COL_PERIOD_END, cases[i].end);
        fk_validate_order(&o, cfg, 1795219200, NULL);
        if (strcmp(first_code(&o), cases[i].want_code) != 0)
            fail_msg("case %zu: first finding \"%s\"", i, first_code(&o));
        if (!cases[i].want_code[0]) {
            assert_string_equal(o.delivery_date, cases[i].want_delivery);
            assert_string_equal(o.period_start, cases[i].want_start);
            assert_string_equal(o.period_end, cases[i].want_end);
        }
        fk_order_clear(&o);
    }
    fk_config_free(cfg);
}

/* The "future" check compares the order's day as written with the batch's issue date,
 * which the pipeline computes in the [invoice] timezone. */
static void test_future_in_zone(void **state)
{
    fk_config *cfg = seller("PL", "PL5260250274", "[invoice]\ntimezone = Europe/Warsaw\n");
    int64_t as_of;
    int32_t off = 0;
    char today[16];
    line_spec ln = {"23"};
    fk_order o;

    assert_string_equal(cfg->timezone, "Europe/Warsaw");
    /* 2026-12-31T23:30Z is 00:30 on 1 January 2027 in Warsaw */
    assert_true(fk_time_parse("2026-12-31T23:30:00Z", &as_of));
    assert_true(fk_zone_offset(cfg->timezone, as_of, &off));
    assert_int_equal(off, 3600);
    fk_format_date(as_of + off, today, sizeof(today));
    assert_string_equal(today, "2027-01-01");
    /* summer time */
    assert_true(fk_zone_offset(cfg->timezone, 1784000000, &off)); /* 2026-07-14 */
    assert_int_equal(off, 7200);
    /* an order written on 1 January 2027, local: not in the future in Warsaw, but it is
     * by the UTC date */
    make_order(&o, "PL", "consumer", "", "PLN", &ln, 1);
    set(&o, FK_COL_ORDER_DATE, "2027-01-01T00:10:00+01:00");
    fk_validate_order(&o, cfg, as_of, today);
    assert_int_equal(o.nfindings, 0);
    fk_order_clear(&o);
    make_order(&o, "PL", "consumer", "", "PLN", &ln, 1);
    set(&o, FK_COL_ORDER_DATE, "2027-01-01T00:10:00+01:00");
    fk_validate_order(&o, cfg, as_of, NULL);
    assert_string_equal(first_code(&o), "ORDER_DATE_IN_FUTURE");
    fk_order_clear(&o);
    fk_config_free(cfg);
    /* the UTC default and an unknown zone */
    assert_true(fk_zone_offset("UTC", as_of, &off));
    assert_int_equal(off, 0);
    assert_false(fk_zone_offset("Europe/Nowhere", as_of, &off));
    assert_int_equal(off, 0);
}

/* ---- the config ------------------------------------------------------------------------- */

static void test_config(void **state)
{
    fk_config *cfg;
    fk_error err = FK_ERROR_INIT;

    /* defaults: the accounting currency from the country, goods, RF, UTC, EPC QR */
    cfg = seller("PL", "PL5260250274", NULL);
    assert_string_equal(cfg->accounting_currency, "PLN");
    assert_int_equal(cfg->accounting_exponent, 2);
    assert_false(cfg->services_default);
    assert_string_equal(cfg->payment_reference, "rf");
    assert_string_equal(cfg->timezone, "UTC");
    assert_true(cfg->qr_epc);
    assert_string_equal(cfg->seller_vat_norm, "PL5260250274");
    assert_int_equal(cfg->nfooter, 0);
    fk_config_free(cfg);
    cfg = seller("BG", "BG175074752", NULL); /* the euro since 2026 */
    assert_string_equal(cfg->accounting_currency, "EUR");
    fk_config_free(cfg);

    /* given; a footer continued on indented lines is one line each, all kept */
    cfg = seller("DE", "DE123456788",
                 "currency = chf\ncontact_name = Erika Muster\nphone = +49 30 123\n"
                 "[invoice]\nsupply_type = services\npayment_reference = kid\n"
                 "footer = Faktura Demo GmbH, Sitz Berlin\n"
                 "  Amtsgericht Charlottenburg, HRB 000000\n"
                 "\tGeschäftsführer: Erika Muster, Max Muster\n"
                 "[render]\nqr = none\n");
    assert_string_equal(cfg->accounting_currency, "CHF");
    assert_true(cfg->services_default);
    assert_false(cfg->qr_epc);
    assert_string_equal(cfg->seller_contact_name, "Erika Muster");
    assert_int_equal(cfg->nfooter, 3);
    assert_string_equal(cfg->footer_lines[0], "Faktura Demo GmbH, Sitz Berlin");
    assert_string_equal(cfg->footer_lines[1], "Amtsgericht Charlottenburg, HRB 000000");
    assert_string_equal(cfg->footer_lines[2], "Geschäftsführer: Erika Muster, Max Muster");
    fk_config_free(cfg);

    static const struct {
        const char *country, *vat, *extra, *field, *message;
    } refused[] = {
        {"DE", "DE123456788", "currency = EURO\n", "currency", "ISO 4217"},
        {"DE", "DE123456788", "[invoice]\nsupply_type = both\n", "supply_type", "goods or"},
        {"DE", "DE123456788", "[invoice]\npayment_reference = ocr\n", "payment_reference",
         "rf, kid or number"},
        {"DE", "DE123456788", "[invoice]\ntimezone = Europe/Nowhere\n", "timezone",
         "not in the system's time zone database"},
        {"DE", "DE123456788", "[invoice]\ntimezone = ../../etc/passwd\n", "timezone",
         "not an IANA time zone name"},
        {"DE", "DE123456788", "[render]\nqr = bezahlcode\n", "qr", "epc or none"},
        {"DE", "DE123456788",
         "[invoice]\nfooter = 1\n 2\n 3\n 4\n 5\n 6\n 7\n 8\n 9\n 10\n 11\n 12\n 13\n",
         "footer", "13 lines"},
        /* an RF reference takes at most 21 letters and digits */
        {"DE", "DE123456788", "[numbering]\nprefix = RECHNUNGSNUMMER\n", "payment_reference",
         "RF payment reference"},
        {"DE", "DE123456788",
         "[numbering]\nformat = {prefix}-{year}-{seq:012}\nprefix = A123456789\n"
         "[invoice]\npayment_reference = kid\n",
         "payment_reference", "KID"},
        /* '/' may be in the format, not in the prefix */
        {"DE", "DE123456788", "[numbering]\nprefix = FV/\n", "prefix", "letters, digits"},
        {"DE", "DE123456788", "[numbering]\nformat = {prefix}\\{seq}\n", "format", "'/'"},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        fk_error e = FK_ERROR_INIT;
        fk_status st = load(refused[i].country, refused[i].vat, refused[i].extra, &cfg, &e);
        if (st != FK_EUSAGE || !strstr(e.message, refused[i].message) ||
            strcmp(e.field, refused[i].field) != 0)
            fail_msg("refused case %zu: status %d, field %s, message \"%s\"", i, st, e.field,
                     e.message);
        assert_null(cfg);
    }
    (void)err;
}

/* Numbers with '/': the file names use '_', and lead back to the number. */
static void test_numbers_with_slash(void **state)
{
    fk_config *cfg = seller("PL", "PL5260250274",
                            "[numbering]\nformat = {prefix}/{year}/{seq:06}\nprefix = FV\n");
    char number[128], key[128], file[128], back[128];

    fk_config_number(cfg, 2027, 42, number, sizeof(number), key, sizeof(key));
    assert_string_equal(number, "FV/2027/000042");
    assert_string_equal(key, "FV/2027/{seq}");
    fk_config_number_file(number, file, sizeof(file));
    assert_string_equal(file, "FV_2027_000042");
    assert_true(fk_config_number_matches(cfg, number));
    assert_false(fk_config_number_matches(cfg, file));
    assert_true(fk_config_number_from_file(cfg, file, back, sizeof(back)));
    assert_string_equal(back, number);
    assert_true(fk_config_number_from_file(cfg, "FV_2027_1000000", back, sizeof(back)));
    assert_string_equal(back, "FV/2027/1000000");
    /* not this series' files: never touched by recovery */
    assert_false(fk_config_number_from_file(cfg, "FV/2027/000042", back, sizeof(back)));
    assert_false(fk_config_number_from_file(cfg, "FV_2027_00042", back, sizeof(back)));
    assert_false(fk_config_number_from_file(cfg, "FV-2027-000042", back, sizeof(back)));
    assert_false(fk_config_number_from_file(cfg, "FV_2027_000042x", back, sizeof(back)));
    fk_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),       cmocka_unit_test(test_breakdowns),
        cmocka_unit_test(test_exchange_rate),    cmocka_unit_test(test_split_payment),
        cmocka_unit_test(test_delivery),         cmocka_unit_test(test_future_in_zone),
        cmocka_unit_test(test_config),           cmocka_unit_test(test_numbers_with_slash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
