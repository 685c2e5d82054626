/* test_config.c -- the config file, parsed once: every section (the generation rules
 * included) from one table of keys, a key given twice refused in every section, unknown
 * keys warned about, the seller checked. Table-driven: a file's text and what loading it
 * must give. */
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
#include "tmpdir.h"

#define SELLER                                                                               \
    "[seller]\nname = Faktura Demo GmbH\nstreet = Friedrichstr. 1\npostal_code = 10117\n"   \
    "city = Berlin\ncountry = DE\nvat_id = DE123456788\niban = DE89370400440532013000\n"

/* SELLER without one of its keys (a string literal: "[seller]\n" and each "key = value"
 * line but the one named) */
#define SELLER_WITHOUT(key) seller_without(key)

static char dir[FK_TMP_PATH];

static const char *seller_without(const char *key)
{
    static char text[16][512];
    static int next;
    char *out = text[next++ % 16];
    const char *p = SELLER;
    size_t klen = strlen(key);
    out[0] = '\0';
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p) + 1;
        if (!(strncmp(p, key, klen) == 0 && p[klen] == ' '))
            strncat(out, p, n);
        p += n;
    }
    return out;
}

static int setup(void **state)
{
    fk_tmp_template(dir, sizeof(dir), "test_config.XXXXXX");
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

static void count_warning(const char *msg, void *payload)
{
    assert_non_null(strstr(msg, "unknown setting"));
    (*(int *)payload)++;
}

/* Load `text` as a config file: the status, the error and the warnings it gives. */
static fk_status load(const char *text, fk_config **cfg, fk_error *err, int *warnings)
{
    char path[FK_TMP_PATH + 16];
    snprintf(path, sizeof(path), "%s/c.ini", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    *warnings = 0;
    return fk_config_load(cfg, path, count_warning, warnings, err);
}

static void test_refused(void **state)
{
    const struct { /* not static: SELLER_WITHOUT is a call */
        const char *text;
        unsigned long line;
        const char *field, *message; /* a part of it */
    } cases[] = {
        {SELLER "name = Other GmbH\n", 9, "name", "[seller] name is given twice (lines 2 and 9)"},
        {SELLER "[thresholds]\nminimum_amount.EUR = 5\nminimum_amount.EUR = 6\n", 11,
         "minimum_amount.EUR", "given twice (lines 10 and 11)"},
        {SELLER "[thresholds]\nholding_hours = 2\n[disputes]\nresponse_days = 9\n"
                "[thresholds]\nholding_hours = 3\n",
         14, "holding_hours", "[thresholds] holding_hours is given twice (lines 10 and 14)"},
        {SELLER "[disputes]\nresponse_days = 3651\n", 10, "response_days",
         "[disputes] response_days must be a whole number from 0 to 3650, not \"3651\""},
        {SELLER "[thresholds]\noverdue_days = 30d\n", 10, "overdue_days", "from 0 to 3650"},
        {SELLER "[thresholds]\nmaximum_amount.EURO = 5\n", 10, "maximum_amount.EURO",
         "is not an amount in an ISO 4217 currency"},
        {SELLER "[thresholds]\ncredit_limit.EUR = -5\n", 10, "credit_limit.EUR",
         "is not an amount"},
        {SELLER "[thresholds]\nminimum_amount.JPY = 5.5\n", 10, "minimum_amount.JPY",
         "is not an amount"},
        {SELLER "[invoice]\npayment_terms_days = 3651\n", 10, "payment_terms_days",
         "whole number of days (0-3650)"},
        {"[seller]\nname = A\n  B\n", 3, "name", "(line 2) goes on in an indented line"},
        {SELLER "[seller]\nbic = COBAATFFXXX\n", 10, "bic", "not of the IBAN's country DE"},
        {"[seller]\nname = A\nstreet = B\npostal_code = 1\ncity = C\ncountry = DE\n"
         "vat_id = DE123456789\niban = DE89370400440532013000\n",
         7, "vat_id", "the check digit is wrong (country DE)"},
        {"[seller]\nname = A\nstreet = B\npostal_code = 1\ncity = C\ncountry = DE\n"
         "vat_id = DE123456788\niban = DE00370400440532013000\n",
         8, "iban", "is not a valid IBAN"},
        {"[seller]\nname = A\nstreet = B\npostal_code = 1\ncity = C\ncountry = ZZ\n"
         "vat_id = DE123456788\niban = DE89370400440532013000\n",
         6, "country", "[seller] country \"ZZ\" is not an ISO 3166 alpha-2 code"},
        {SELLER "[numbering]\nformat = {prefix}{seq}\nprefix = A1\n", 11, "prefix",
         "ends in a digit right before digits of the number"},
        {SELLER "[numbering]\nformat = {year}{seq:04}{prefix}\nprefix = 9X\n", 11, "prefix",
         "begins with a digit right after digits of the number"},
        /* From tests/e2e/bad_config.sh, which keeps one whole-binary case of each kind (the
         * exit code, the message's file and line, nothing created): here every value. */
        {SELLER_WITHOUT("name"), 0, "name", "[seller] name is missing"},
        {SELLER_WITHOUT("street"), 0, "street", "[seller] street is missing"},
        {SELLER_WITHOUT("postal_code"), 0, "postal_code", "[seller] postal_code is missing"},
        {SELLER_WITHOUT("city"), 0, "city", "[seller] city is missing"},
        {SELLER_WITHOUT("country"), 0, "country", "[seller] country is missing"},
        {SELLER_WITHOUT("vat_id"), 0, "vat_id", "[seller] vat_id is missing"},
        {SELLER_WITHOUT("iban"), 0, "iban", "[seller] iban is missing"},
        {"[seller]\nname =   \n" "street = Friedrichstr. 1\npostal_code = 10117\ncity = Berlin\ncountry = DE\n"
                "vat_id = DE123456788\niban = DE89370400440532013000\n",
         0, "name", "[seller] name is missing"}, /* blank is missing: no line */
        {SELLER "[numbering]\nformat = {prefix}-{year}\n", 10, "format",
         "no {seq} placeholder"},
        {SELLER "[numbering]\nformat = {seq}-{seq}\n", 10, "format",
         "more than one {seq} placeholder"},
        /* ('/' is allowed since issue 17: FV/{year}/{seq:06}, files FV_2026_000001.pdf) */
        {SELLER "[numbering]\nformat = {prefix}:{year}:{seq}\n", 10, "format",
         "characters other than letters, digits"},
        {SELLER "[numbering]\nformat = {prefix}-{seq:6}\n", 10, "format",
         "{seq} takes a width like {seq:06}"},
        {SELLER "[numbering]\nformat = {prefix}-{seq:013}\n", 10, "format",
         "the {seq} width must be 1 to 12"},
        {SELLER "[numbering]\nformat = {prefix}-{year}-{seq:06\n", 10, "format",
         "an unclosed '{'"},
        {SELLER "[numbering]\nformat = {prefix}-{month}-{seq}\n", 10, "format",
         "an unknown placeholder"},
        {SELLER "[numbering]\nformat = XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
                "{seq}\n",
         10, "format", "at most 64 are allowed"},
        {SELLER "[numbering]\nformat = ..{seq}*..\n", 10, "format",
         "characters other than letters, digits"},
        {SELLER "[numbering]\nprefix = ../x\n", 10, "prefix", "[numbering] prefix must be"},
        {SELLER "[invoice]\npayment_terms_days = -1\n", 10, "payment_terms_days",
         "[invoice] payment_terms_days must be a whole number of days (0-3650), not \"-1\""},
        {SELLER "[invoice]\npayment_terms_days = 14d\n", 10, "payment_terms_days",
         "whole number of days (0-3650), not \"14d\""},
        {SELLER "[invoice]\npayment_terms_days = 99999999999999999999\n", 10,
         "payment_terms_days", "(0-3650), not \"99999999999999999999\""},
        {SELLER "[invoice]\ntax_id_required = maybe\n", 10, "tax_id_required",
         "[invoice] tax_id_required must be true or false"},
        {SELLER "[invoice]\nfooter = \033[31mred\n", 10, "footer",
         "[invoice] footer must be UTF-8 text without control characters"},
        {"[seller]\nname = M\374ller\n" "street = Friedrichstr. 1\npostal_code = 10117\ncity = Berlin\ncountry = DE\n"
                "vat_id = DE123456788\niban = DE89370400440532013000\n",
         2, "name",
         "[seller] name must be UTF-8 text without control characters"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_config *cfg = (fk_config *)1;
        fk_error err = FK_ERROR_INIT;
        int warnings;
        fk_status st = load(cases[i].text, &cfg, &err, &warnings);
        if (st != FK_EUSAGE || !strstr(err.message, cases[i].message))
            fail_msg("case %zu: status %d, message \"%s\"", i, st, err.message);
        assert_null(cfg);
        if (err.line != cases[i].line)
            fail_msg("case %zu: line %lu, expected %lu", i, err.line, cases[i].line);
        assert_string_equal(err.field, cases[i].field);
        assert_non_null(strstr(err.file, "/c.ini"));
    }
}

static void test_rules(void **state)
{
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    int warnings;

    /* Every rule set, two currencies of one table, and keys the table does not know. */
    assert_int_equal(load(SELLER "[thresholds]\nminimum_amount.EUR = 5.00\n"
                                 "minimum_amount.JPY = 500\nmaximum_amount.EUR = 5000\n"
                                 "credit_limit.PLN = 3000.50\ninvoices_per_customer_per_day = 3\n"
                                 "holding_hours = 6\noverdue_days = 0\n"
                                 "duplicate_window_hours = 0\nminimum_amount = 5\n"
                                 "[disputes]\nresponse_days = 14\nanswer_days = 3\n",
                          &cfg, &err, &warnings),
                     FK_OK);
    assert_int_equal(warnings, 2); /* minimum_amount without a currency, answer_days */
    const fk_rules *r = &cfg->rules;
    assert_int_equal(r->nminimum, 2);
    assert_true(fk_rules_limit(r->minimum, r->nminimum, "EUR") == 500);
    assert_true(fk_rules_limit(r->minimum, r->nminimum, "JPY") == 500);
    assert_true(fk_rules_limit(r->maximum, r->nmaximum, "EUR") == 500000);
    assert_true(fk_rules_limit(r->credit, r->ncredit, "PLN") == 300050);
    assert_true(fk_rules_limit(r->credit, r->ncredit, "EUR") == -1);
    assert_int_equal(r->invoices_per_day, 3);
    assert_int_equal(r->holding_hours, 6);
    assert_int_equal(r->overdue_days, 0);
    assert_int_equal(r->duplicate_window_hours, 0);
    assert_int_equal(r->dispute_response_days, 14);
    assert_int_equal(fk_config_line(cfg, "thresholds", "holding_hours"), 15);
    fk_config_free(cfg);

    /* Nothing set: every rule off, the defaults of the window and the response time. */
    assert_int_equal(load(SELLER, &cfg, &err, &warnings), FK_OK);
    assert_int_equal(warnings, 0);
    assert_int_equal(cfg->rules.nminimum + cfg->rules.nmaximum + cfg->rules.ncredit, 0);
    assert_int_equal(cfg->rules.invoices_per_day, 0);
    assert_int_equal(cfg->rules.holding_hours, 0);
    assert_int_equal(cfg->rules.overdue_days, -1);
    assert_int_equal(cfg->rules.duplicate_window_hours, 24);
    assert_int_equal(cfg->rules.dispute_response_days, 21);
    fk_config_free(cfg);

    /* No file at all: the same defaults, and no seller. */
    assert_int_equal(fk_config_load(&cfg, NULL, NULL, NULL, &err), FK_OK);
    assert_null(cfg->seller_name);
    assert_int_equal(cfg->rules.duplicate_window_hours, 24);
    fk_config_free(cfg);
}

static void test_seller_normalised(void **state)
{
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    int warnings;

    /* Written as people write them: a lower-case country is the country. */
    assert_int_equal(load("[seller]\nname = A\nstreet = B\npostal_code = 1\ncity = C\n"
                          "country = at\nvat_id = ATU 135 856 27\n"
                          "iban = AT61 1904 3002 3457 3201\nbic = BKAUATWWXXX\n",
                          &cfg, &err, &warnings),
                     FK_OK);
    assert_string_equal(cfg->seller_country, "AT");
    assert_string_equal(cfg->seller_vat_id, "ATU 135 856 27"); /* printed as written */
    fk_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_seller_normalised),
    };
    return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
