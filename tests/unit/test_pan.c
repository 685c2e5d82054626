/* SPDX-License-Identifier: MIT */
/* test_pan.c -- the card-number scanner (core/pan.h) and the places that use it: finding
 * messages (fk_order_add_finding), quoted values (fk_quote_value), error messages
 * (fk_error_set), and the order's fields (fk_order_mask_value, fk_order_mask_fields).
 *
 * The card numbers are the networks' published test numbers (and the two UnionPay numbers
 * of issue 15); the IBANs are the registry's examples. Each case says what the text
 * becomes: masked where a card number is, unchanged where real data only looks alike.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "faktura/common.h"
#include "core/order.h"
#include "core/pan.h"
#include "core/util.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef struct pan_case {
    const char *in;
    const char *out; /* NULL: unchanged */
    size_t count;
} pan_case;

static const pan_case pan_cases[] = {
    /* a card number as typed, alone or in text */
    {"4111111111111111", "************1111", 1},
    {"4111 1111 1111 1111", "**** **** **** 1111", 1},
    {"4111-1111-1111-1111", "****-****-****-1111", 1},
    {"4111 - 1111 - 1111 - 1111", "**** - **** - **** - 1111", 1},
    {"4111\t1111\t1111\t1111", "****\t****\t****\t1111", 1},
    {"4111\xC2\xA0" "1111\xC2\xA0" "1111\xC2\xA0" "1111",
     "****\xC2\xA0****\xC2\xA0****\xC2\xA0" "1111", 1}, /* no-break spaces */
    {"4111\xE2\x80\x93" "1111\xE2\x80\x93" "1111\xE2\x80\x93" "1111",
     "****\xE2\x80\x93****\xE2\x80\x93****\xE2\x80\x93" "1111", 1}, /* en dashes */
    {"ACME 4111 1111 1111 1111 GmbH", "ACME **** **** **** 1111 GmbH", 1},
    {"4111111111111111@example.com", "************1111@example.com", 1},
    {"card:5555555555554444.", "card:************4444.", 1},
    {"4111111111111111\xFF", "************1111\xFF", 1}, /* not UTF-8 after it */
    /* followed by more digits: expiry, security code */
    {"Paid with 5555 5555 5555 4444 12/27", "Paid with **** **** **** 4444 12/27", 1},
    {"4111 1111 1111 1111 123", "**** **** **** 1111 123", 1},
    {"378282246310005 1234", "***********0005 1234", 1},
    /* two of them */
    {"4111111111111111 / 5555555555554444", "************1111 / ************4444", 2},
    {"4111111111111111,378282246310005", "************1111,***********0005", 2},
    /* every brand and length the brand table knows */
    {"4222222222222", "*********2222", 1},         /* VISA, 13 digits */
    {"36227206271667", "**********1667", 1},       /* DINERS, 14 */
    {"62123456789002", "**********9002", 1},       /* UNIONPAY, 14 */
    {"8111700872004845", "************4845", 1},   /* UNIONPAY 81x */
    {"6759649826438453", "************8453", 1},   /* MAESTRO */
    {"6011111111111117", "************1117", 1},   /* DISCOVER */
    {"3530111333300000", "************0000", 1},   /* JCB */
    /* not card numbers */
    {"4111111111111112", NULL, 0},                 /* Luhn fails */
    {"1234567812345670", NULL, 0},                 /* no brand */
    {"411111111111", NULL, 0},                     /* 12 digits */
    {"41111111111111", NULL, 0},                   /* VISA has no 14-digit numbers */
    {"41111111111111111111", NULL, 0},             /* 20 digits in one group */
    {"SO4111111111111111", NULL, 0},               /* glued to a word */
    {"4006381333924", NULL, 0},                    /* an EAN-13 (also passes Luhn) */
    {"DE89 3704 0044 0532 0130 00", NULL, 0},      /* IBANs */
    {"DK50 0040 0440 1162 43", NULL, 0},           /* holds 5000 4004 4011 6243, Luhn ok */
    {"IBAN: dk50 0040 0440 1162 43.", NULL, 0},
    {"DK5000400440116243", NULL, 0},
    {"2026-11-18 - 2026-12-31", NULL, 0},
    {"+49 30 1234 5678", NULL, 0},
    {"", NULL, 0},
    /* an IBAN followed by a card number: only the IBAN is spared */
    {"DK50 0040 0440 1162 43 4111 1111 1111 1111", "DK50 0040 0440 1162 43 **** **** **** 1111",
     1},
};

static void test_pan_mask(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(pan_cases); i++) {
        const pan_case *t = &pan_cases[i];
        const char *want = t->out ? t->out : t->in;
        char buf[128];
        size_t n = strlen(t->in);
        memcpy(buf, t->in, n + 1);
        size_t got = fk_pan_mask(buf, n);
        if (got != t->count || strcmp(buf, want) != 0)
            fail_msg("\"%s\": masked %zu as \"%s\", want %zu as \"%s\"", t->in, got, buf,
                     t->count, want);
        if (fk_pan_present(t->in, n) != (t->count > 0))
            fail_msg("\"%s\": fk_pan_present", t->in);
        /* masking is idempotent: what it leaves is no card number */
        if (fk_pan_mask(buf, n) != 0)
            fail_msg("\"%s\": still a card number after masking: \"%s\"", t->in, buf);
    }
}

/* The span names the digits to mask and the last four to keep. */
static void test_pan_find(void **state)
{
    (void)state;
    const char *s = "x 4111 1111 1111 1111 y 5555555555554444";
    fk_pan_span sp;
    assert_true(fk_pan_find(s, strlen(s), 0, &sp));
    assert_int_equal(sp.start, 2);
    assert_int_equal(sp.keep, 17);
    assert_int_equal(sp.end, 21);
    assert_true(fk_pan_find(s, strlen(s), sp.end, &sp));
    assert_int_equal(sp.start, 24);
    assert_int_equal(sp.keep, 36);
    assert_int_equal(sp.end, 40);
    assert_false(fk_pan_find(s, strlen(s), sp.end, &sp));
    /* only [0, n) is read */
    assert_false(fk_pan_find(s, 20, 0, &sp));
}

/* A copy cut inside a card number is masked by the number as a whole. */
static void test_pan_mask_copy(void **state)
{
    (void)state;
    const char *src = "card 4111 1111 1111 1111 paid";
    char dst[16];
    memcpy(dst, src, sizeof dst - 1);
    dst[sizeof dst - 1] = '\0';
    fk_pan_mask_copy(src, dst, strlen(dst));
    assert_string_equal(dst, "card **** **** ");
}

/* fk_quote_value, the one helper every message quotes values with. */
static void test_quote_value_masks(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(fk_quote_value("ACME 4111-1111-1111-1111", buf, sizeof buf),
                        "ACME ****-****-****-1111");
    /* cut inside the number: none of its digits but masked ones appear */
    char small[16];
    fk_quote_value("Kunde 4111 1111 1111 1111", small, sizeof small);
    assert_string_equal(small, "Kunde **** *...");
    assert_string_equal(fk_quote_value("DE89 3704 0044 0532 0130 00", buf, sizeof buf),
                        "DE89 3704 0044 0532 0130 00");
}

/* Every finding's message is masked, whoever formats it. */
static void test_finding_message_masked(void **state)
{
    (void)state;
    fk_order o;
    fk_order_init(&o);
    fk_order_add_finding(&o, FK_CODE_COMPANY_NAME_INVALID, "company_name",
                         "company_name \"%s\" is odd", "4111 1111 1111 1111");
    assert_int_equal(o.nfindings, 1);
    assert_string_equal(o.findings[0].message, "company_name \"**** **** **** 1111\" is odd");
    fk_order_clear(&o);
}

static void test_error_message_masked(void **state)
{
    (void)state;
    fk_error err;
    memset(&err, 0, sizeof err);
    fk_error_set(&err, FK_EINPUT, "x.csv", 3, "iban", "bad value \"%s\"", "5555555555554444");
    assert_string_equal(err.message, "bad value \"************4444\"");
}

/* A value with a card number: masked in place, and a finding that names the field only. */
static void test_order_mask_value(void **state)
{
    (void)state;
    fk_order o;
    fk_order_init(&o);
    char v[] = "Muster 4111111111111111 GmbH";
    assert_true(fk_order_mask_value(&o, FK_COL_COMPANY_NAME, v, strlen(v), 7));
    assert_string_equal(v, "Muster ************1111 GmbH");
    assert_int_equal(o.nfindings, 1);
    assert_int_equal(o.findings[0].code, FK_CODE_CARD_NUMBER_IN_FIELD);
    assert_string_equal(o.findings[0].field, "company_name");
    assert_non_null(strstr(o.findings[0].message, "line 7: company_name"));
    assert_null(strstr(o.findings[0].message, "1111"));
    char ok[] = "Muster GmbH";
    assert_false(fk_order_mask_value(&o, FK_COL_STREET, ok, strlen(ok), 7));
    assert_int_equal(o.nfindings, 1);
    fk_order_clear(&o);
}

/* An order that did not come through ingestion (stored by an older version): every field
 * but card_number is masked, and the findings count as the data's own, so they are stored
 * with it and a retry from the masked data fails again. */
static void test_order_mask_fields(void **state)
{
    (void)state;
    fk_order o;
    fk_order_init(&o);
    o.line = 4;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        o.f[c] = fk_order_strdup(&o, "");
    o.f[FK_COL_ORDER_ID] = fk_order_strdup(&o, "A-1");
    o.f[FK_COL_EMAIL] = fk_order_strdup(&o, "4111-1111-1111-1111@example.com");
    o.f[FK_COL_CARD_NUMBER] = fk_order_strdup(&o, "VISA ****1111");
    fk_line *ln = fk_order_add_line(&o);
    ln->line = 5;
    for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
        FK_LINE_FIELD(ln, c) = fk_order_strdup(&o, "1");
    FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION) = fk_order_strdup(&o, "for 378282246310005");
    fk_order_add_finding(&o, FK_CODE_ROW_MALFORMED, NULL, "line 4: stored");
    o.ningest_findings = 1;

    fk_order_mask_fields(&o);
    assert_string_equal(o.f[FK_COL_EMAIL], "****-****-****-1111@example.com");
    assert_string_equal(FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION), "for ***********0005");
    assert_string_equal(o.f[FK_COL_CARD_NUMBER], "VISA ****1111");
    assert_int_equal(o.nfindings, 3);
    assert_string_equal(o.findings[1].field, "email");
    assert_string_equal(o.findings[2].field, "item_description");
    assert_non_null(strstr(o.findings[2].message, "line 5:"));
    assert_int_equal(o.ningest_findings, 3);

    /* an order whose values were masked as they entered (ingestion) is not read again */
    fk_order_clear(&o);
    fk_order_init(&o);
    o.f[FK_COL_CITY] = fk_order_strdup(&o, "4111111111111111");
    o.values_masked = true;
    fk_order_mask_fields(&o);
    assert_int_equal(o.nfindings, 0);

    /* after other checks' findings, the data's own stay what they were */
    fk_order_clear(&o);
    fk_order_init(&o);
    o.f[FK_COL_CITY] = fk_order_strdup(&o, "4111111111111111");
    fk_order_add_finding(&o, FK_CODE_COUNTRY_MISSING, "country", "country is empty");
    fk_order_mask_fields(&o);
    assert_int_equal(o.nfindings, 2);
    assert_int_equal(o.ningest_findings, 0);
    fk_order_clear(&o);
}

/* Long and arbitrary input: bounded work, no overrun (ASan build), nothing found in
 * a megabyte of digits in one group. */
static void test_pan_hostile_input(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, '4', big);
    s[big] = '\0';
    assert_int_equal(fk_pan_mask(s, big), 0);
    for (size_t i = 0; i < big; i++) /* "4 4 4 4 ...": windows from every group */
        s[i] = (i % 2) ? ' ' : '4';
    fk_pan_mask(s, big);
    for (size_t i = 0; i < big; i++)
        s[i] = (char)(1 + (i * 131) % 255);
    fk_pan_mask(s, big);
    for (size_t i = 0; i + 5 < big; i += 5) /* "DE89 DE89 ...": IBAN starts everywhere */
        memcpy(s + i, "DE89 ", 5);
    fk_pan_mask(s, big);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pan_mask),
        cmocka_unit_test(test_pan_find),
        cmocka_unit_test(test_pan_mask_copy),
        cmocka_unit_test(test_quote_value_masks),
        cmocka_unit_test(test_finding_message_masked),
        cmocka_unit_test(test_error_message_masked),
        cmocka_unit_test(test_order_mask_value),
        cmocka_unit_test(test_order_mask_fields),
        cmocka_unit_test(test_pan_hostile_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
