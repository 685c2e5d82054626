/* SPDX-License-Identifier: MIT */
/* testhook.h -- the one seam for test-only fault injection.
 *
 * The end-to-end tests need failures a real machine gives rarely and never on cue. Each
 * hook is an environment variable, read once per process (the first fk_testhooks() call,
 * thread-safe) and never again; unset, every hook is off. Nothing else in the library reads
 * the environment for tests. The hooks, all of them:
 *
 *   FAKTURA_TEST_FAIL_RENDER=ORDER_ID   the renderer fails for that order id exactly as it
 *                                       would for a libharu error (RENDER_FAILED):
 *                                       tests/e2e/codes_coverage.sh, jobs.sh
 *   FAKTURA_TEST_FAIL_WRITES_AFTER=N    every PDF after the first N written by an output
 *                                       directory fails as on a full disk (ENOSPC):
 *                                       tests/e2e/state_diskfull.sh, codes_coverage.sh
 *   FAKTURA_TEST_BREAK_EINVOICE=ORDER_ID  that order's e-invoices are made schema-invalid
 *                                       after they are written (an element the XSD does
 *                                       not allow), so the in-process XSD check must
 *                                       catch them (EINVOICE_INVALID): codes_coverage.sh
 *   FAKTURA_TEST_KEYMAP_ENTRIES=N       a keymap keeps at most N records in memory (at
 *                                       least 16; only lowers the bound), so small ledgers
 *                                       move them to disk: tests/e2e/bounded_memory.sh,
 *                                       keymap_disk_full.sh, tests/valgrind/samples.sh
 *   FAKTURA_TEST_KILL_AT=POINT          the process kills itself (SIGKILL, as a crash or
 *                                       kill -9 would) at POINT: "credit-written" (a credit
 *                                       note's PDF is in its temporary file) or
 *                                       "credit-published" (renamed into place and synced,
 *                                       its transaction not yet committed):
 *                                       tests/e2e/credit_crash.sh; "report-written" (a
 *                                       report, journal or other file replaced whole is
 *                                       written and synced, not yet in place):
 *                                       tests/e2e/bad_report_paths.sh
 *   FAKTURA_TEST_DB_FULL_AFTER=N        after N committed write transactions of a writer,
 *                                       the database may not grow any more: SQLite fails
 *                                       exactly as on a full disk (SQLITE_FULL):
 *                                       tests/e2e/bad_state_db_full.sh
 */
#ifndef FK_CORE_TESTHOOK_H
#define FK_CORE_TESTHOOK_H
#include <stddef.h>

typedef struct fk_testhooks {
    const char *fail_render;  /* NULL: off */
    const char *break_einvoice; /* NULL: off */
    long fail_writes_after;   /* -1: off */
    size_t keymap_entries;    /* 0: off */
    long db_full_after;       /* -1: off */
    const char *kill_at;      /* NULL: off */
} fk_testhooks;

/* FAKTURA_TEST_KILL_AT: die here (SIGKILL) when the hook names `point`. */
void fk_testhook_kill_at(const char *point);

/* The hooks of this process (never NULL; lives as long as the process). */
const fk_testhooks *fk_testhooks_get(void);
#endif
