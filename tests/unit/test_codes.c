/* test_codes.c -- the finding-code list: values ascending and unique, names round-trip,
 * every code has a hint and an outcome. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "faktura/codes.h"

static void test_list(void **state)
{
    int prev = 0, n = 0;
    for (fk_code c = fk_code_next(FK_CODE_NONE); c != FK_CODE_NONE; c = fk_code_next(c)) {
        const char *name = fk_code_name(c);
        assert_true((int)c > prev); /* ascending: fk_code_next relies on it */
        prev = (int)c;
        assert_non_null(name);
        assert_int_equal(fk_code_from_name(name), c);
        for (const char *p = name; *p; p++)
            assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_');
        assert_true(strlen(fk_code_hint(c)) > 10);
        n++;
    }
    /* fk_code_next walks every entry of codes.def, none skipped. */
    int defined = 0;
#define FK_CODE(name, value, status, release, hint) defined++;
#include "faktura/codes.def"
#undef FK_CODE
    assert_int_equal(n, defined);
    assert_true(n >= 30);
    assert_int_equal(fk_code_outcome(FK_CODE_ALREADY_INVOICED), FK_SKIPPED);
    assert_int_equal(fk_code_outcome(FK_CODE_TAX_ID_CHECKSUM), FK_FAILED);
    assert_int_equal(fk_code_from_name("NO_SUCH_CODE"), FK_CODE_NONE);
    assert_null(fk_code_name((fk_code)99999));
    assert_string_equal(fk_outcome_name(FK_HELD), "held");
}

/* codes.def's RELEASE column: the holds `faktura approve` may release, and only holds. */
static void test_approvable(void **state)
{
    static const fk_code want[] = {
        FK_CODE_DUPLICATE_CHARGE_SUSPECTED, FK_CODE_BELOW_MINIMUM_AMOUNT,
        FK_CODE_ABOVE_MAXIMUM_AMOUNT,       FK_CODE_CREDIT_LIMIT_EXCEEDED,
        FK_CODE_RATE_LIMIT_EXCEEDED,        FK_CODE_OVERDUE_BALANCE,
    };
    size_t n = 0;
    for (fk_code c = fk_code_next(FK_CODE_NONE); c != FK_CODE_NONE; c = fk_code_next(c)) {
        bool listed = false;
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
            listed |= want[i] == c;
        assert_int_equal(fk_code_approvable(c), listed);
        if (fk_code_approvable(c)) {
            assert_int_equal(fk_code_outcome(c), FK_HELD);
            n++;
        }
    }
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    /* a hold that passes by itself, or needs an answer, is no approval's to release */
    assert_false(fk_code_approvable(FK_CODE_HOLDING_PERIOD));
    assert_false(fk_code_approvable(FK_CODE_DISPUTE_OPEN));
    assert_false(fk_code_approvable(FK_CODE_NONE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_list),
                                       cmocka_unit_test(test_approvable)};
    return cmocka_run_group_tests_name("codes", tests, NULL, NULL);
}
