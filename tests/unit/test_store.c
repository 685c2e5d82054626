/* test_store.c -- the store as storage: a batch's inputs go in as a list and come back
 * as one, `status` gives plain rows, payment rows are read and written without judging
 * them, and a reader refuses a schema it does not know with the one true remedy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "store/store.h"
#include "tmpdir.h"

static char dir[FK_TMP_PATH], db[FK_TMP_PATH + 16];

static int setup(void **state)
{
    fk_tmp_template(dir, sizeof(dir), "test_store.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(db, sizeof(db), "%s/db.sqlite", dir);
    return 0;
}

static int teardown(void **state)
{
    static const char *const files[] = {"db.sqlite", "db.sqlite-wal", "db.sqlite-shm",
                                        "db.sqlite.lock"};
    char path[FK_TMP_PATH + 32];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return 0;
}

static void batch_row(const fk_batch_row *b, void *payload)
{
    fk_batch_row *out = payload;
    *out = *b;
    out->kind = out->as_of = out->state = NULL; /* borrowed for the call only */
    assert_string_equal(b->kind, "run");
    assert_string_equal(b->state, "done");
}

static void test_batches(void **state)
{
    static const char *const inputs[] = {"a.csv", "dir/Łódź.xml", "bad\xff.csv"};
    fk_store *s = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_batch_info bi;
    int64_t id = 0;
    bool found = false;

    assert_int_equal(fk_store_open(&s, db, &err), FK_OK);
    assert_int_equal(fk_store_batch_create(s, "run", "2026-11-20T00:00:00Z", inputs, 3, "out",
                                           &id, &err),
                     FK_OK);
    assert_int_equal(fk_store_batch_finish(s, id, "done", &err), FK_OK);
    assert_int_equal(fk_store_batch_get(s, id, &bi, &found, &err), FK_OK);
    assert_true(found);
    assert_int_equal(bi.ninputs, 3);
    assert_string_equal(bi.inputs[0], "a.csv");
    assert_string_equal(bi.inputs[1], "dir/Łódź.xml");
    assert_string_equal(bi.inputs[2], "(not UTF-8)");
    /* A relative output directory (recorded by an older faktura) is resolved against the
     * database's directory, and said to be so. */
    char want[4096];
    char *realdir = realpath(dir, NULL);
    snprintf(want, sizeof(want), "%s/out", realdir);
    free(realdir);
    assert_string_equal(bi.out_dir, want);
    assert_string_equal(bi.out_dir_relative, "out");
    fk_batch_info_free(&bi);
    assert_int_equal(fk_store_batch_create(s, "run", "2026-11-20T00:00:00Z", inputs, 1, "/srv/x",
                                           &id, &err),
                     FK_OK);
    assert_int_equal(fk_store_batch_get(s, id, &bi, &found, &err), FK_OK);
    assert_string_equal(bi.out_dir, "/srv/x");
    assert_null(bi.out_dir_relative);
    /* A writer's own batch is running; no other was left so. */
    assert_string_equal(bi.state, "running");
    fk_batch_info_free(&bi);
    assert_int_equal(fk_store_batch_finish(s, id, "done", &err), FK_OK);
    assert_int_equal(fk_store_batch_get(s, id + 1, &bi, &found, &err), FK_OK);
    assert_false(found);
    fk_batch_info_free(&bi);

    fk_batch_row row;
    memset(&row, 0, sizeof(row));
    assert_int_equal(fk_store_status(s, 0, batch_row, NULL, &row, &err), FK_OK);
    assert_true(row.id == id);
    assert_true(row.orders == 0 && row.count[FK_INVOICED] == 0 && row.count[FK_HELD] == 0);
    fk_store_close(s);
}

static void test_payment_rows(void **state)
{
    fk_store *s = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_invoice_balance b;
    bool seen = true;

    assert_int_equal(fk_store_open(&s, db, &err), FK_OK);
    assert_int_equal(fk_store_invoice_balance(s, "INV-1", &b, &err), FK_OK);
    assert_false(b.found);
    assert_int_equal(fk_store_payment_seen(s, "id:P-1", &seen, &err), FK_OK);
    assert_false(seen);
    /* A payment of an invoice that does not exist breaks a foreign key: a bug of the
     * caller, reported as internal, never recorded. */
    assert_int_equal(fk_store_begin(s, &err), FK_OK);
    fk_payment_rec p = {"id:P-1", "INV-1", 500, "2026-11-21", "pay.csv"};
    assert_int_equal(fk_store_payment_insert(s, &p, &err), FK_EINTERNAL);
    fk_store_rollback(s);
    assert_int_equal(fk_store_payment_seen(s, "id:P-1", &seen, &err), FK_OK);
    assert_false(seen);
    fk_store_close(s);
}

static void set_version(int v)
{
    sqlite3 *h = NULL;
    char sql[64];
    assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void test_versions(void **state)
{
    fk_store *s = NULL;
    fk_error err = FK_ERROR_INIT;

    assert_int_equal(fk_store_open(&s, db, &err), FK_OK);
    fk_store_close(s);
    set_version(99);
    assert_int_equal(fk_store_open_readonly(&s, db, &err), FK_EENV);
    assert_null(s);
    assert_non_null(strstr(err.message, "newer than this faktura"));
    assert_null(strstr(err.message, "faktura run"));
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_store_open(&s, db, &err), FK_EENV);
    assert_non_null(strstr(err.message, "newer than this faktura"));
    set_version(1);
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_store_open_readonly(&s, db, &err), FK_EENV);
    assert_non_null(strstr(err.message, "run `faktura run` once to upgrade it"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_payment_rows),
        cmocka_unit_test(test_versions),
    };
    return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
