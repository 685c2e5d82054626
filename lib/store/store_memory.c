/* SPDX-License-Identifier: MIT */
/* store_memory.c -- the batch's id set and its memory of accepted orders (memory.h).
 *
 * Both are keymaps (keymap.h): 40 bytes a record in memory up to about a million records,
 * then a temporary file. Customer records (sums of accepted totals and invoices) exist only
 * when a credit or rate rule needs them, charge records (the first accepted order of a
 * charge and its time) only when the duplicate window is on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/money.h"
#include "core/util.h"
#include "store/keymap.h"
#include "store/memory.h"

/* Records kept in memory before moving to disk: 32 MiB of records and an 8 MiB index,
 * enough for a batch of a million orders. A dry run of a million orders stays in memory
 * unless the credit or rate rules are on (a customer record next to each charge record). */
#define MEMORY_ENTRIES ((size_t)1 << 20)

struct fk_idset {
    fk_keymap *map;
};

fk_idset *fk_idset_new(void)
{
    fk_idset *s = fk_xcalloc(1, sizeof(*s));
    s->map = fk_keymap_new(MEMORY_ENTRIES);
    return s;
}

/* Two ids are the same when both 64-bit hashes match: for ids that differ that takes two
 * independent collisions, far less likely than a disk flipping a bit. */
fk_status fk_idset_add(fk_idset *s, const char *id, bool *added, fk_error *err)
{
    uint64_t k1, k2;
    fk_key128('i', id, "", &k1, &k2);
    return fk_keymap_insert(s->map, k1, k2, added, err);
}

void fk_idset_free(fk_idset *s)
{
    if (!s)
        return;
    fk_keymap_free(s->map);
    free(s);
}

struct fk_batch_memory {
    fk_keymap *map;
};

fk_batch_memory *fk_batch_memory_new(void)
{
    fk_batch_memory *m = fk_xcalloc(1, sizeof(*m));
    m->map = fk_keymap_new(MEMORY_ENTRIES);
    return m;
}

static bool customer_rules(const fk_rules *r, const fk_order *o)
{
    return r->ncredit > 0 || r->invoices_per_day > 0 || *o->f[FK_COL_CREDIT_LIMIT];
}

fk_status fk_batch_memory_facts(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                                fk_customer_facts *f, fk_error *err)
{
    int64_t amount = 0, t;
    uint64_t count = 0;
    char id[sizeof(f->dup_order_id)];
    bool found;
    fk_status st;

    if (customer_rules(r, o)) {
        st = fk_keymap_sum(m->map, o->mem_key[0], o->mem_key[1], &amount, &count, &found, err);
        if (st != FK_OK)
            return st;
        if (found) {
            fk_add_checked(&f->open_amount, amount);
            f->invoices_today += count; /* a batch issues all its invoices on one day */
        }
    }
    if (r->duplicate_window_hours <= 0 || f->dup_order_id[0])
        return FK_OK;
    st = fk_keymap_first(m->map, o->mem_key[2], o->mem_key[3], &t, id, sizeof(id), &found, err);
    if (st != FK_OK || !found)
        return st;
    int64_t d = t - o->order_time;
    if (d < 0)
        d = -d;
    if (d <= (int64_t)r->duplicate_window_hours * 3600 && strcmp(id, o->f[FK_COL_ORDER_ID]) != 0) {
        memcpy(f->dup_order_id, id, sizeof(id));
        f->dup_time = t;
    }
    return FK_OK;
}

fk_status fk_batch_memory_add(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                              fk_error *err)
{
    if (customer_rules(r, o))
        fk_keymap_add(m->map, o->mem_key[0], o->mem_key[1], o->gross_total);
    /* The first accepted order of a charge is the one others match. */
    if (r->duplicate_window_hours > 0)
        return fk_keymap_keep_first(m->map, o->mem_key[2], o->mem_key[3], o->order_time,
                                    o->f[FK_COL_ORDER_ID], err);
    return FK_OK;
}

void fk_batch_memory_free(fk_batch_memory *m)
{
    if (!m)
        return;
    fk_keymap_free(m->map);
    free(m);
}
