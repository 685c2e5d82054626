/* SPDX-License-Identifier: MIT */
/* testhook.c -- the test hooks of testhook.h, read from the environment once. */
#include <pthread.h>
#include <stdlib.h>
#include "core/testhook.h"

static fk_testhooks hooks = {NULL, -1, 0, -1};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void read_hooks(void)
{
    const char *v;
    if ((v = getenv("FAKTURA_TEST_FAIL_RENDER")) && *v)
        hooks.fail_render = v;
    if ((v = getenv("FAKTURA_TEST_FAIL_WRITES_AFTER")) && *v)
        hooks.fail_writes_after = strtol(v, NULL, 10);
    if ((v = getenv("FAKTURA_TEST_KEYMAP_ENTRIES")) && *v)
        hooks.keymap_entries = (size_t)strtoull(v, NULL, 10);
    if ((v = getenv("FAKTURA_TEST_DB_FULL_AFTER")) && *v)
        hooks.db_full_after = strtol(v, NULL, 10);
}

const fk_testhooks *fk_testhooks_get(void)
{
    pthread_once(&once, read_hooks);
    return &hooks;
}
