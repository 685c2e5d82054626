/* test_time.c -- ISO 8601 dates and date-times with UTC offsets (fk_time_parse_ex,
 * fk_time_parse), as orders, shop exports and --as-of write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core/util.h"
#include "faktura/batch.h"

/* 2026-11-18T00:00:00Z */
#define D18 1794960000LL

static void test_valid(void **state)
{
    static const struct {
        const char *in;
        int64_t local;   /* wall-clock as written, read as UTC */
        int32_t offset;  /* seconds east of UTC */
        bool has_offset;
    } cases[] = {
        {"2026-11-18", D18, 0, false},
        {"2026-11-18Z", D18, 0, true},
        {"2026-11-18T14:30", D18 + 14 * 3600 + 30 * 60, 0, false},
        {"2026-11-18T14:30:05", D18 + 14 * 3600 + 30 * 60 + 5, 0, false},
        {"2026-11-18 14:30:05", D18 + 14 * 3600 + 30 * 60 + 5, 0, false},
        {"2026-11-18T14:30:05Z", D18 + 14 * 3600 + 30 * 60 + 5, 0, true},
        {"2026-11-18T09:12:44+01:00", D18 + 9 * 3600 + 12 * 60 + 44, 3600, true},
        {"2026-11-18T09:12:44+0100", D18 + 9 * 3600 + 12 * 60 + 44, 3600, true},
        {"2026-11-18T09:12:44+01", D18 + 9 * 3600 + 12 * 60 + 44, 3600, true},
        {"2026-11-18 09:12:44 +0100", D18 + 9 * 3600 + 12 * 60 + 44, 3600, true},
        {"2026-11-18 09:12:44 -0530", D18 + 9 * 3600 + 12 * 60 + 44, -(5 * 3600 + 30 * 60), true},
        {"2026-11-18T09:12:44.123456+02:00", D18 + 9 * 3600 + 12 * 60 + 44, 7200, true},
        {"2026-11-18T23:59:59-12:00", D18 + 86399, -12 * 3600, true},
        {"2024-02-29", 1709164800LL, 0, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t local = -1, utc = -1;
        int32_t offset = -1;
        bool has = !cases[i].has_offset;
        assert_true(fk_time_parse_ex(cases[i].in, &local, &offset, &has));
        assert_true(local == cases[i].local);
        assert_int_equal(offset, cases[i].offset);
        assert_int_equal(has, cases[i].has_offset);
        assert_true(fk_time_parse(cases[i].in, &utc));
        assert_true(utc == cases[i].local - cases[i].offset);
    }
}

/* The date an order was written with stays its date, whatever the offset: a Warsaw order
 * at 00:30 on 1 January is a 1 January order, though it is still 31 December in UTC. */
static void test_local_date(void **state)
{
    int64_t local, utc;
    int32_t off;
    char d[16];
    assert_true(fk_time_parse_ex("2027-01-01T00:30:00+01:00", &local, &off, NULL));
    fk_format_date(local, d, sizeof(d));
    assert_string_equal(d, "2027-01-01");
    assert_true(fk_time_parse("2027-01-01T00:30:00+01:00", &utc));
    fk_format_date(utc, d, sizeof(d));
    assert_string_equal(d, "2026-12-31");
}

static void test_invalid(void **state)
{
    static const char *const cases[] = {
        "", "2026", "2026-11", "2026-13-01", "2026-02-29", "2026-11-31", "1899-12-31",
        "2026-11-18T", "2026-11-18T24:00", "2026-11-18T12:60", "2026-11-18T12:00:60",
        "2026-11-18 ", "2026-11-18x", "2026-11-18T12:00+", "2026-11-18T12:00+1",
        "2026-11-18T12:00+01:", "2026-11-18T12:00+01:0", "2026-11-18T12:00+19:00",
        "2026-11-18T12:00+01:60", "2026-11-18T12:00Zx", "2026-11-18T12:00  +0100",
        "2026-11-18T12:00:00.", "2026-11-18T12:00:00.5x", "2026-11-18+01:00",
        "2026-11-18T12:00 Z1", "18.11.2026", "2026/11/18",
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t;
        if (fk_time_parse(cases[i], &t))
            fail_msg("accepted \"%s\"", cases[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_local_date),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
