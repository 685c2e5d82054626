/* test_keymap.c -- the bounded-memory key map: the same answers whether its records are in
 * memory, on disk or split between the two. Maps here keep 16 records in memory, so every
 * test moves records to disk many times and checks that it did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/util.h"
#include "store/keymap.h"
#include "store/memory.h"

/* The calls as the tests use them: every one must succeed (FK_OK). */
static bool ins(fk_keymap *m, uint64_t k1, uint64_t k2)
{
    fk_error err = FK_ERROR_INIT;
    bool added = false;
    assert_int_equal(fk_keymap_insert(m, k1, k2, &added, &err), FK_OK);
    return added;
}

static bool sum_of(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *a, uint64_t *n)
{
    fk_error err = FK_ERROR_INIT;
    bool found = false;
    assert_int_equal(fk_keymap_sum(m, k1, k2, a, n, &found, &err), FK_OK);
    return found;
}

static void keep(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t v, const char *id)
{
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(fk_keymap_keep_first(m, k1, k2, v, id, &err), FK_OK);
}

static bool first_of(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *v, char *id, size_t n)
{
    fk_error err = FK_ERROR_INIT;
    bool found = false;
    assert_int_equal(fk_keymap_first(m, k1, k2, v, id, n, &found, &err), FK_OK);
    return found;
}

static bool id_add(fk_idset *s, const char *id)
{
    fk_error err = FK_ERROR_INIT;
    bool added = false;
    assert_int_equal(fk_idset_add(s, id, &added, &err), FK_OK);
    return added;
}

/* Keys as the callers make them: hashes of text. */
static void key(int i, uint64_t *k1, uint64_t *k2)
{
    char t[32];
    snprintf(t, sizeof(t), "ORD-%d", i);
    fk_key128('t', t, "", k1, k2);
}

static void test_set(void **state)
{
    fk_keymap *m = fk_keymap_new(16);
    uint64_t k1, k2;

    for (int i = 0; i < 5000; i++) {
        key(i, &k1, &k2);
        assert_true(ins(m, k1, k2));
        if (i % 7 == 0) /* a duplicate soon after, while the first may have moved */
            assert_false(ins(m, k1, k2));
    }
    assert_true(fk_keymap_spills(m) > 100);
    for (int i = 0; i < 5000; i++) {
        key(i, &k1, &k2);
        assert_false(ins(m, k1, k2));
    }
    key(5000, &k1, &k2);
    assert_true(ins(m, k1, k2));
    fk_keymap_free(m);
}

static void test_sum(void **state)
{
    fk_keymap *m = fk_keymap_new(16);
    int64_t want[50] = {0};
    uint64_t wantn[50] = {0}, k1, k2;

    /* 50 customers, 3000 orders: each customer's records are on disk and in memory. */
    for (int i = 0; i < 3000; i++) {
        int c = (i * 37) % 50;
        key(c, &k1, &k2);
        fk_keymap_add(m, k1, k2, 100 + i);
        want[c] += 100 + i;
        wantn[c]++;
        if (i % 3 == 0) { /* filler that forces moves to disk */
            key(100000 + i, &k1, &k2);
            ins(m, k1, k2);
        }
    }
    assert_true(fk_keymap_spills(m) > 10);
    for (int c = 0; c < 50; c++) {
        int64_t a = 5;
        uint64_t n = 1;
        key(c, &k1, &k2);
        assert_true(sum_of(m, k1, k2, &a, &n));
        assert_true(a == 5 + want[c]); /* added to what the caller had */
        assert_true(n == 1 + wantn[c]);
    }
    int64_t a = 0;
    uint64_t n = 0;
    key(99, &k1, &k2);
    assert_false(sum_of(m, k1, k2, &a, &n));
    assert_true(a == 0 && n == 0);

    /* Sums saturate instead of wrapping, in memory and on disk alike. */
    key(7777, &k1, &k2);
    fk_keymap_add(m, k1, k2, INT64_MAX - 1);
    for (int i = 0; i < 40; i++) {
        uint64_t f1, f2;
        key(200000 + i, &f1, &f2);
        ins(m, f1, f2);
    }
    fk_keymap_add(m, k1, k2, INT64_MAX - 1);
    a = 0;
    n = 0;
    assert_true(sum_of(m, k1, k2, &a, &n));
    assert_true(a == INT64_MAX);
    assert_true(n == 2);
    for (int i = 0; i < 40; i++) { /* now both records are on disk, merged in SQL */
        uint64_t f1, f2;
        key(300000 + i, &f1, &f2);
        ins(m, f1, f2);
    }
    a = 0;
    n = 0;
    assert_true(sum_of(m, k1, k2, &a, &n));
    assert_true(a == INT64_MAX);
    assert_true(n == 2);
    fk_keymap_free(m);
}

static void test_first(void **state)
{
    fk_keymap *m = fk_keymap_new(16);
    char id[256], want[256], big[201];
    uint64_t k1, k2;
    int64_t v;

    memset(big, 'x', 200);
    big[200] = '\0';
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 500; i++) {
            char mine[64];
            key(i, &k1, &k2);
            snprintf(mine, sizeof(mine), "R%d-%d", round, i);
            keep(m, k1, k2, 1000 * round + i, i == 3 ? big : mine);
        }
    }
    assert_true(fk_keymap_spills(m) > 10);
    for (int i = 0; i < 500; i++) {
        key(i, &k1, &k2);
        assert_true(first_of(m, k1, k2, &v, id, sizeof(id)));
        snprintf(want, sizeof(want), "R0-%d", i);
        assert_string_equal(id, i == 3 ? big : want);
        assert_true(v == i);
    }
    /* cut to the caller's buffer */
    key(3, &k1, &k2);
    assert_true(first_of(m, k1, k2, &v, id, 10));
    assert_string_equal(id, "xxxxxxxxx");
    key(501, &k1, &k2);
    assert_false(first_of(m, k1, k2, &v, id, sizeof(id)));
    fk_keymap_free(m);
}

/* The detect stage's id set over the keymap, with its real bound (nothing moves yet). */
static void test_idset_default_bound(void **state)
{
    fk_idset *s = fk_idset_new();
    char id[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof(id), "A-%d", i);
        assert_true(id_add(s, id));
    }
    assert_false(id_add(s, "A-0"));
    assert_false(id_add(s, "A-19999"));
    assert_true(id_add(s, "A-20000"));
    fk_idset_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_sum),
        cmocka_unit_test(test_first),
        cmocka_unit_test(test_idset_default_bound),
    };
    return cmocka_run_group_tests_name("keymap", tests, NULL, NULL);
}
