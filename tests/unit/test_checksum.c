/* SPDX-License-Identifier: MIT */
/* test_checksum.c -- the shared check-digit routines (core/checksum.h), against numbers
 * whose check digits are published: card test numbers (Luhn), the IBAN registry's examples
 * (MOD 97-10), German and Croatian VAT numbers (MOD 11,10), EAN-13 barcodes (GS1). The
 * identifier tests (test_validate_ids.c, test_card.c) check the same routines in use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/checksum.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *digits;
    bool valid;
} luhn_cases[] = {
    {"4111111111111111", true},  {"4111111111111112", false}, {"378282246310005", true},
    {"4222222222222", true},     {"62123456789002", true},    {"8111700872004845", true},
    {"79927398713", true},       {"79927398710", false},      {"0", false},
    {"00", true},                {"18", true},                {"19", false},
};

static void test_luhn(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(luhn_cases); i++) {
        const char *d = luhn_cases[i].digits;
        size_t n = strlen(d);
        fk_luhn l = FK_LUHN_INIT;
        for (size_t k = 0; k < n; k++)
            fk_luhn_add(&l, d[k] - '0');
        if (fk_luhn_valid(&l) != luhn_cases[i].valid)
            fail_msg("%s: streamed Luhn %d", d, fk_luhn_valid(&l));
        if (n >= 2 && (fk_luhn_mod(d, n) == 0) != luhn_cases[i].valid)
            fail_msg("%s: fk_luhn_mod %u", d, fk_luhn_mod(d, n));
        if (n >= 2 && luhn_cases[i].valid &&
            fk_luhn_check_digit(d, n - 1) != d[n - 1] - '0')
            fail_msg("%s: check digit %d", d, fk_luhn_check_digit(d, n - 1));
    }
    /* the streamed sums stay below 10 however many digits come */
    fk_luhn l = FK_LUHN_INIT;
    for (int k = 0; k < 1000000; k++)
        fk_luhn_add(&l, 9);
    assert_true(l.sum_even < 10 && l.sum_odd < 10);
    assert_int_equal(l.count, 1000000);
}

static void test_mod97(void **state)
{
    (void)state;
    /* DE89 3704 0044 0532 0130 00: BBAN, then country and check digits, gives 1 */
    const char *iban = "DE89370400440532013000";
    assert_int_equal(fk_mod97(fk_mod97(0, iban + 4, strlen(iban) - 4), iban, 4), 1);
    const char *bad = "DE89370400440532013001";
    assert_int_not_equal(fk_mod97(fk_mod97(0, bad + 4, strlen(bad) - 4), bad, 4), 1);
    /* letters count as 10..35: GB82 WEST 1234 5698 7654 32 */
    const char *gb = "GB82WEST12345698765432";
    assert_int_equal(fk_mod97(fk_mod97(0, gb + 4, strlen(gb) - 4), gb, 4), 1);
    assert_int_equal(fk_mod97_step(0, 'A'), 10);
    assert_int_equal(fk_mod97_step(0, 'Z'), 35);
    assert_int_equal(fk_mod97(0, "97", 2), 0);
}

static void test_mod11_10(void **state)
{
    (void)state;
    assert_true(fk_mod11_10_valid("136695976", 9));    /* DE */
    assert_false(fk_mod11_10_valid("136695977", 9));
    assert_true(fk_mod11_10_valid("33392005961", 11)); /* HR OIB */
    assert_false(fk_mod11_10_valid("33392005962", 11));
}

static void test_weighted_and_gtin(void **state)
{
    (void)state;
    static const int w[3] = {1, 2, 3};
    assert_int_equal(fk_weighted_sum("987", w, 3), 9 + 16 + 21);
    assert_true(fk_gtin_valid("4006381333931", 13));
    assert_false(fk_gtin_valid("4006381333932", 13));
    assert_true(fk_gtin_valid("5000112637922", 13));
    assert_true(fk_gtin_valid("96385074", 8)); /* EAN-8 */
    assert_false(fk_gtin_valid("4", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luhn),
        cmocka_unit_test(test_mod97),
        cmocka_unit_test(test_mod11_10),
        cmocka_unit_test(test_weighted_and_gtin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
