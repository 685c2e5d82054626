/* SPDX-License-Identifier: MIT */
/* testhook.c -- the test hooks of testhook.h, read from the environment once. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "core/testhook.h"

static fk_testhooks hooks = {.fail_render = NULL, .break_einvoice = NULL, .fail_writes_after = -1,
                             .keymap_entries = 0, .db_full_after = -1, .kill_at = NULL};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_hooks(void)
{
    const char *v;
    if ((v = getenv("FAKTURA_TEST_FAIL_RENDER")) && *v)
        hooks.fail_render = v;
    if ((v = getenv("FAKTURA_TEST_BREAK_EINVOICE")) && *v)
        hooks.break_einvoice = v;
    if ((v = getenv("FAKTURA_TEST_FAIL_WRITES_AFTER")) && *v)
        hooks.fail_writes_after = strtol(v, NULL, 10);
    if ((v = getenv("FAKTURA_TEST_KEYMAP_ENTRIES")) && *v)
        hooks.keymap_entries = (size_t)strtoull(v, NULL, 10);
    if ((v = getenv("FAKTURA_TEST_DB_FULL_AFTER")) && *v)
        hooks.db_full_after = strtol(v, NULL, 10);
    if ((v = getenv("FAKTURA_TEST_KILL_AT")) && *v)
        hooks.kill_at = v;
}

void fk_testhook_kill_at(const char *point)
{
    const char *k = fk_testhooks_get()->kill_at;
    if (k && strcmp(k, point) == 0)
        raise(SIGKILL);
}

const fk_testhooks *fk_testhooks_get(void)
{
    pthread_once(&once, read_hooks);
    return &hooks;
}
