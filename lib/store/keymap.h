/* SPDX-License-Identifier: MIT */
/* keymap.h -- a map from 128-bit keys to small records, in bounded memory.
 *
 * What a batch must remember about its orders (their ids, accepted totals per customer,
 * the first order of each charge) grows with the batch. A keymap keeps at most
 * `max_entries` records in memory; when they are full it moves them to a temporary SQLite
 * database on disk (deleted when the map is freed) and starts again, so memory stays the
 * same for a thousand orders or a hundred million. A Bloom filter of fixed size over the
 * moved keys sends most lookups of new keys nowhere near the disk.
 *
 * A key is two 64-bit halves; callers hash their text into it (two different 64-bit
 * hashes: a false match needs both to collide). One map can hold the
 * three kinds of record below under different keys; each key must be used with one kind.
 *
 * Disk errors: room for a move is reserved in the temporary file before anything is
 * moved, so a full disk (or a file size limit) leaves the file as it was; the map then keeps
 * its records in memory from then on: correct, but no longer bounded. A failed read of
 * what was moved (or a move that failed half-way for another reason) cannot be answered
 * correctly: the call returns FK_EENV (the batch stops cleanly; nothing is answered wrong,
 * nothing aborts).
 */
#ifndef FK_STORE_KEYMAP_H
#define FK_STORE_KEYMAP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faktura/common.h"

typedef struct fk_keymap fk_keymap;

/* max_entries: records kept in memory (32 bytes each plus an 8-byte index slot per record
 * of capacity) before they move to disk; at least 16. The test hook
 * FAKTURA_TEST_KEYMAP_ENTRIES (core/testhook.h) lowers it. */
fk_keymap *fk_keymap_new(size_t max_entries);
void fk_keymap_free(fk_keymap *m);

/* Sets: add the key; *added is false if it was already there. */
fk_status fk_keymap_insert(fk_keymap *m, uint64_t k1, uint64_t k2, bool *added, fk_error *err);

/* Sums: amount is added to the key's total (saturating at INT64_MAX) and its count goes
 * up by one. fk_keymap_sum adds both to *amount and *count; *found is false if the key
 * is absent. */
void fk_keymap_add(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t amount);
fk_status fk_keymap_sum(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *amount,
                        uint64_t *count, bool *found, fk_error *err);

/* Firsts: remember (value, id) for the key unless it already has them: the first one
 * stays. fk_keymap_first copies them out (id cut to idn - 1 bytes); *found is false if
 * absent. */
fk_status fk_keymap_keep_first(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t value,
                               const char *id, fk_error *err);
fk_status fk_keymap_first(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *value, char *id,
                          size_t idn, bool *found, fk_error *err);

/* How many times records moved to disk (for tests and the benchmark's notes). */
size_t fk_keymap_spills(const fk_keymap *m);
#endif
