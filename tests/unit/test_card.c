/* SPDX-License-Identifier: MIT */
/* test_card.c -- table-driven tests of card inspection and masking (core/card.h).
 *
 * The numbers are the card networks' published test numbers (Stripe/PayPal/Adyen test
 * card lists); their Luhn validity was confirmed with python-stdnum's luhn module. A few
 * numbers made up from an IIN range test the brand precedence only (their Luhn result is
 * not asserted). The last tests check that no digits beyond the last four are kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/card.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { LUHN_NO = 0, LUHN_YES = 1, LUHN_ANY = 2 };

typedef struct card_case {
    const char *raw;
    bool present, digits_only;
    int ndigits;
    int luhn; /* LUHN_NO, LUHN_YES or LUHN_ANY */
    const char *brand;
    const char *last4;
    const char *masked;
} card_case;

static const card_case card_cases[] = {
    /* one valid test number per brand */
    {"4111111111111111", true, true, 16, LUHN_YES, "VISA", "1111", "VISA ****1111"},
    {"4222222222222", true, true, 13, LUHN_YES, "VISA", "2222", "VISA ****2222"},
    {"5555555555554444", true, true, 16, LUHN_YES, "MASTERCARD", "4444",
     "MASTERCARD ****4444"},
    {"2223003122003222", true, true, 16, LUHN_YES, "MASTERCARD", "3222",
     "MASTERCARD ****3222"},
    {"378282246310005", true, true, 15, LUHN_YES, "AMEX", "0005", "AMEX ****0005"},
    {"6011111111111117", true, true, 16, LUHN_YES, "DISCOVER", "1117", "DISCOVER ****1117"},
    {"3530111333300000", true, true, 16, LUHN_YES, "JCB", "0000", "JCB ****0000"},
    {"36227206271667", true, true, 14, LUHN_YES, "DINERS", "1667", "DINERS ****1667"},
    {"30569309025904", true, true, 14, LUHN_YES, "DINERS", "5904", "DINERS ****5904"},
    {"6759649826438453", true, true, 16, LUHN_YES, "MAESTRO", "8453", "MAESTRO ****8453"},
    {"6200000000000005", true, true, 16, LUHN_YES, "UNIONPAY", "0005", "UNIONPAY ****0005"},
    /* typed forms */
    {"4111 1111 1111 1111", true, true, 16, LUHN_YES, "VISA", "1111", "VISA ****1111"},
    {"4111-1111-1111-1111", true, true, 16, LUHN_YES, "VISA", "1111", "VISA ****1111"},
    {" 3782-822463-10005 ", true, true, 15, LUHN_YES, "AMEX", "0005", "AMEX ****0005"},
    /* Luhn fails, brand still known */
    {"4111111111111112", true, true, 16, LUHN_NO, "VISA", "1112", "VISA ****1112"},
    {"5555555555554445", true, true, 16, LUHN_NO, "MASTERCARD", "4445",
     "MASTERCARD ****4445"},
    /* precedence where ranges overlap: 622126-622925 is DISCOVER, the rest of 62 UNIONPAY */
    {"6221260000000000", true, true, 16, LUHN_ANY, "DISCOVER", "0000", NULL},
    {"6229250000000000", true, true, 16, LUHN_ANY, "DISCOVER", "0000", NULL},
    {"6221250000000000", true, true, 16, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"6229260000000000", true, true, 16, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"6440000000000000", true, true, 16, LUHN_ANY, "DISCOVER", "0000", NULL},
    {"6500000000000000000", true, true, 19, LUHN_ANY, "DISCOVER", "0000", NULL},
    {"6304000000000000", true, true, 16, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"5018000000000", true, true, 13, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"676770000000", true, true, 12, LUHN_ANY, "MAESTRO", "0000", NULL},
    /* UnionPay also issues 14- and 15-digit numbers and the 81x ranges (810, 8110-8171);
     * Maestro also 59 and 63 (braintree credit-card-type's tables, issue 15) */
    {"62123456789002", true, true, 14, LUHN_YES, "UNIONPAY", "9002", "UNIONPAY ****9002"},
    {"8111700872004845", true, true, 16, LUHN_YES, "UNIONPAY", "4845", "UNIONPAY ****4845"},
    {"621234567890123", true, true, 15, LUHN_ANY, "UNIONPAY", "0123", NULL},
    {"62212600000000", true, true, 14, LUHN_ANY, "UNIONPAY", "0000", NULL}, /* no 14-digit DISCOVER */
    {"6200000000000", true, true, 13, LUHN_ANY, "", "0000", NULL},
    {"8100000000000000", true, true, 16, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"8109990000000000000", true, true, 19, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"8110000000000000", true, true, 16, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"8171990000000000", true, true, 16, LUHN_ANY, "UNIONPAY", "0000", NULL},
    {"8172000000000000", true, true, 16, LUHN_ANY, "", "0000", NULL},
    {"8119000000000", true, true, 13, LUHN_ANY, "", "0000", NULL},
    {"8200000000000000", true, true, 16, LUHN_ANY, "", "0000", NULL},
    {"5900000000000000", true, true, 16, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"590000000000", true, true, 12, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"6300000000000000000", true, true, 19, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"6390000000000", true, true, 13, LUHN_ANY, "MAESTRO", "0000", NULL},
    {"6400000000000000", true, true, 16, LUHN_ANY, "", "0000", NULL},
    {"2720990000000000", true, true, 16, LUHN_ANY, "MASTERCARD", "0000", NULL},
    {"2721000000000000", true, true, 16, LUHN_ANY, "", "0000", NULL},
    {"3589000000000000", true, true, 16, LUHN_ANY, "JCB", "0000", NULL},
    {"3590000000000000", true, true, 16, LUHN_ANY, "", "0000", NULL},
    {"30500000000000", true, true, 14, LUHN_ANY, "DINERS", "0000", NULL},
    {"30600000000000", true, true, 14, LUHN_ANY, "", "0000", NULL},
    /* right range, wrong length: no brand */
    {"411111111111", true, true, 12, LUHN_ANY, "", "1111", "****1111"},
    {"41111111111111", true, true, 14, LUHN_ANY, "", "1111", "****1111"},
    {"37828224631000", true, true, 14, LUHN_ANY, "", "1000", "****1000"},
    {"55555555555544444", true, true, 17, LUHN_ANY, "", "4444", "****4444"},
    /* no brand at all */
    {"1234567812345670", true, true, 16, LUHN_YES, "", "5670", "****5670"},
    {"9999999999999995", true, true, 16, LUHN_ANY, "", "9995", "****9995"},
    /* not only digits */
    {"4111 1111 1111 111X", true, false, 15, LUHN_NO, "", "1111", "****1111"},
    {"4111.1111.1111.1111", true, false, 16, LUHN_NO, "", "1111", "****1111"},
    {"n/a", true, false, 0, LUHN_NO, "", "", ""},
    {"123", true, true, 3, LUHN_ANY, "", "", ""},
    /* nothing given */
    {"", false, false, 0, LUHN_NO, "", "", ""},
    {"   ", false, false, 0, LUHN_NO, "", "", ""},
    {" - - ", false, false, 0, LUHN_NO, "", "", ""},
    {NULL, false, false, 0, LUHN_NO, "", "", ""},
};

static void test_card_inspect(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(card_cases); i++) {
        const card_case *t = &card_cases[i];
        const char *raw = t->raw ? t->raw : "(null)";
        fk_card c;
        memset(&c, 0x55, sizeof c); /* garbage in: inspect must set every field */
        fk_card_inspect(t->raw, &c);
        if (c.present != t->present || c.digits_only != t->digits_only ||
            c.ndigits != t->ndigits)
            fail_msg("\"%s\": present %d digits_only %d ndigits %d", raw, c.present,
                     c.digits_only, c.ndigits);
        if (t->luhn != LUHN_ANY && c.luhn_ok != (t->luhn == LUHN_YES))
            fail_msg("\"%s\": luhn_ok %d", raw, c.luhn_ok);
        if (strcmp(c.brand, t->brand) != 0)
            fail_msg("\"%s\": brand \"%s\", want \"%s\"", raw, c.brand, t->brand);
        if (strcmp(c.last4, t->last4) != 0)
            fail_msg("\"%s\": last4 \"%s\", want \"%s\"", raw, c.last4, t->last4);
        if (t->masked != NULL) {
            char buf[32];
            fk_card_masked(&c, buf, sizeof buf);
            if (strcmp(buf, t->masked) != 0)
                fail_msg("\"%s\": masked \"%s\", want \"%s\"", raw, buf, t->masked);
        }
    }
}

/* The struct holds nothing of the number but the last four digits. */
static void test_card_keeps_no_number(void **state)
{
    (void)state;
    static const char *const numbers[] = {"4111111111111111", "378282246310005",
                                           "6759649826438453", "36227206271667"};
    for (size_t i = 0; i < COUNT(numbers); i++) {
        fk_card c;
        fk_card_inspect(numbers[i], &c);
        const unsigned char *bytes = (const unsigned char *)&c;
        size_t len = strlen(numbers[i]);
        /* no run of 5 or more of the number's digits anywhere in the struct */
        for (size_t start = 0; start + 5 <= len; start++)
            for (size_t off = 0; off + 5 <= sizeof c; off++)
                if (memcmp(bytes + off, numbers[i] + start, 5) == 0)
                    fail_msg("%s: digits %.5s kept in fk_card", numbers[i],
                             numbers[i] + start);
    }
}

static void test_card_masked(void **state)
{
    (void)state;
    fk_card c;
    char buf[32];

    fk_card_inspect("4111 1111 1111 1111", &c);
    fk_card_masked(&c, buf, sizeof buf);
    assert_string_equal(buf, "VISA ****1111");

    /* a small buffer truncates and stays terminated; nothing is written past it */
    memset(buf, 'Z', sizeof buf);
    fk_card_masked(&c, buf, 6);
    assert_string_equal(buf, "VISA ");
    assert_int_equal(buf[6], 'Z');

    memset(buf, 'Z', sizeof buf);
    fk_card_masked(&c, buf, 0);
    assert_int_equal(buf[0], 'Z');
    fk_card_masked(&c, NULL, 10);

    memset(buf, 'Z', sizeof buf);
    fk_card_masked(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");

    fk_card none;
    fk_card_inspect("", &none);
    fk_card_masked(&none, buf, sizeof buf);
    assert_string_equal(buf, "");

    fk_card unknown;
    fk_card_inspect("1234567812345670", &unknown);
    fk_card_masked(&unknown, buf, sizeof buf);
    assert_string_equal(buf, "****5670");
}

/* Very long and arbitrary input never crashes; counts stay sane. */
static void test_card_hostile_input(void **state)
{
    (void)state;
    size_t big = 1u << 20;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, '4', big);
    s[big] = '\0';
    fk_card c;
    fk_card_inspect(s, &c);
    assert_true(c.present);
    assert_true(c.digits_only);
    assert_int_equal(c.ndigits, (int)big);
    assert_string_equal(c.brand, "");
    assert_string_equal(c.last4, "4444");
    for (size_t i = 0; i < big; i++)
        s[i] = (char)(1 + (i * 131) % 255);
    fk_card_inspect(s, &c);
    assert_true(c.present);
    assert_false(c.digits_only);
    assert_string_equal(c.brand, "");
    assert_true(strlen(c.last4) == 0 || strlen(c.last4) == 4);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_inspect),
        cmocka_unit_test(test_card_keeps_no_number),
        cmocka_unit_test(test_card_masked),
        cmocka_unit_test(test_card_hostile_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
