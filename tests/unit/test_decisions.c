/* test_decisions.c -- the invoice's tax and language decisions, made once by validate:
 * the language (the order's own if supported, else from the buyer's country; any other
 * value English, "de-AT" included: the rule every PDF so far was made with), the buyer's EU
 * membership and reverse charge (a business buyer with a valid VAT number in another
 * member state, no VAT on any line). Table-driven. */
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

static int setup(void **state)
{
    fk_tmp_template(dir, sizeof(dir), "test_decisions.XXXXXX");
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

/* A config whose seller is in `country` with VAT number `vat`. */
static fk_config *seller_in(const char *country, const char *vat)
{
    char path[FK_TMP_PATH + 16];
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "[seller]\nname = S\nstreet = S 1\npostal_code = 1\ncity = C\ncountry = %s\n"
                "vat_id = %s\niban = DE89370400440532013000\n",
            country, vat);
    fclose(fp);
    if (fk_config_load(&cfg, path, NULL, NULL, &err) != FK_OK)
        fail_msg("config: %s", err.message);
    return cfg;
}

static void set(fk_order *o, fk_column c, const char *v)
{
    o->f[c] = fk_order_strdup(o, v);
}

/* An order as ingest makes it: every column present, the given ones set. */
static void make_order(fk_order *o, const char *language, const char *country,
                       const char *type, const char *tax_id, const char *const *rates)
{
    fk_order_init(o);
    o->file = fk_order_strdup(o, "t.csv");
    o->line = 2;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        set(o, (fk_column)c, "");
    set(o, FK_COL_ORDER_ID, "T-1");
    set(o, FK_COL_ORDER_DATE, "2026-11-18");
    set(o, FK_COL_CUSTOMER_TYPE, type);
    set(o, FK_COL_COMPANY_NAME, "Kunde GmbH");
    set(o, FK_COL_TAX_ID, tax_id);
    set(o, FK_COL_COUNTRY, country);
    set(o, FK_COL_LANGUAGE, language);
    set(o, FK_COL_CURRENCY, "EUR");
    set(o, FK_COL_PAYMENT_METHOD, "bank_transfer");
    for (size_t i = 0; rates[i]; i++) {
        fk_line *ln = fk_order_add_line(o);
        ln->line = 2 + (unsigned long)i;
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            FK_LINE_FIELD(ln, c) = fk_order_strdup(o, "");
        FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION) = fk_order_strdup(o, "Beratung");
        FK_LINE_FIELD(ln, FK_COL_QUANTITY) = fk_order_strdup(o, "1");
        FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE) = fk_order_strdup(o, "100.00");
        FK_LINE_FIELD(ln, FK_COL_VAT_RATE) = fk_order_strdup(o, rates[i]);
    }
}

static void test_decisions(void **state)
{
    static const char *const zero[] = {"0", NULL}, *const std[] = {"19", NULL},
                             *const mixed[] = {"0", "20", NULL};
    static const struct {
        const char *seller, *seller_vat;
        const char *language, *country, *type, *tax_id;
        const char *const *rates;
        const char *want_language;
        bool want_eu, want_reverse;
    } cases[] = {
        /* the language: from the country, else the order's own if supported */
        {"DE", "DE123456788", "", "DE", "business", "DE136695976", std, "de", true, false},
        {"DE", "DE123456788", "", "AT", "consumer", "", std, "de", true, false},
        {"DE", "DE123456788", "", "LI", "consumer", "", std, "de", false, false},
        {"DE", "DE123456788", "", "NO", "consumer", "", std, "nb", false, false},
        {"DE", "DE123456788", "", "PL", "consumer", "", std, "pl", true, false},
        {"DE", "DE123456788", "", "FR", "consumer", "", std, "en", true, false},
        {"DE", "DE123456788", "", "US", "consumer", "", std, "en", false, false},
        {"DE", "DE123456788", "DE", "GB", "consumer", "", std, "de", false, false},
        {"DE", "DE123456788", "Nb", "DE", "consumer", "", std, "nb", true, false},
        {"DE", "DE123456788", "pl", "NO", "consumer", "", std, "pl", false, false},
        {"DE", "DE123456788", "en", "DE", "consumer", "", std, "en", true, false},
        /* any other value is English, even one that names a supported language */
        {"DE", "DE123456788", "de-AT", "AT", "consumer", "", std, "en", true, false},
        {"DE", "DE123456788", "de_CH", "DE", "consumer", "", std, "en", true, false},
        {"DE", "DE123456788", "no", "NO", "consumer", "", std, "en", false, false},
        {"DE", "DE123456788", "fr", "FR", "consumer", "", std, "en", true, false},
        /* an intra-EU business supply without VAT is, by default ([invoice] supply_type =
         * goods), an exempt intra-Community supply (K), not reverse charge (AE): that
         * needs services (test_invoice_content) */
        {"DE", "DE123456788", "", "AT", "business", "ATU13585627", zero, "de", true, false},
        {"DE", "DE123456788", "", "PL", "business", "PL5260250274", zero, "pl", true, false},
        {"AT", "ATU13585627", "", "DE", "business", "DE136695976", zero, "de", true, false},
        {"PL", "PL5260250274", "", "PL", "business", "PL5260250274", zero, "pl", true, false},
        {"DE", "DE123456788", "", "AT", "business", "ATU13585627", mixed, "de", true, false},
        {"DE", "DE123456788", "", "AT", "business", "ATU13585627", std, "de", true, false},
        {"DE", "DE123456788", "", "AT", "consumer", "", zero, "de", true, false},
        {"DE", "DE123456788", "", "AT", "business", "ATU13585626", zero, "de", true, false},
        {"DE", "DE123456788", "", "NO", "consumer", "", zero, "nb", false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_config *cfg = seller_in(cases[i].seller, cases[i].seller_vat);
        fk_order o;
        make_order(&o, cases[i].language, cases[i].country, cases[i].type, cases[i].tax_id,
                   cases[i].rates);
        fk_validate_order(&o, cfg, 1795219200, NULL); /* 2026-11-21 */
        if (strcmp(o.language, cases[i].want_language) != 0 ||
            o.buyer_in_eu != cases[i].want_eu || o.reverse_charge != cases[i].want_reverse)
            fail_msg("case %zu: language %s, EU %d, reverse charge %d", i, o.language,
                     o.buyer_in_eu, o.reverse_charge);
        fk_order_clear(&o);
        fk_config_free(cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_decisions)};
    return cmocka_run_group_tests_name("decisions", tests, setup, teardown);
}
