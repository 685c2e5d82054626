/* SPDX-License-Identifier: MIT */
/* store_keymap.c -- the keymap (keymap.h): records in memory, then in a temporary SQLite
 * database once memory is full.
 *
 * Memory: records are dense (32 bytes each, no allocation per record) and found through an
 * index of uint32 positions kept at most half full, so a lookup is one probe sequence and
 * one record. Order ids of "first" records are packed into one byte array. When the
 * records reach max_entries (or the ids 16 MiB), they are inserted in one transaction,
 * then memory starts empty again. The index places a key by the top bits of its first
 * half (mixed first, so callers' hashes need not be good in any particular bits), so
 * reading it slot by slot gives the records nearly in key order: the B-tree is filled page
 * by page without sorting anything.
 *
 * Disk: a private temporary database (a file in the temporary directory, unlinked as soon
 * as it is open) with no journal and no syncs: it dies with the process, a crash loses
 * nothing the rerun needs. Before each move its blocks are allocated (reserve()), so a full
 * disk stops the move before anything changed, and the file keeps what earlier moves put
 * there. A small page cache: lookups that miss it are served by the kernel's page cache,
 * which the process's RSS does not count.
 *
 * Merging: a key may be both on disk (older) and in memory (newer). Sums add up (in memory
 * on lookup, in SQL when moved); a "first" on disk wins over one in memory, and moving
 * does not overwrite it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "core/buf.h"
#include "core/testhook.h"
#include "store/keymap.h"

enum { KIND_SET = 0, KIND_SUM = 1, KIND_FIRST = 2 };

typedef struct rec {
    uint64_t k1, k2;
    int64_t amount; /* sum: the total; first: the value */
    uint32_t aux;   /* sum: the count (saturating); first: offset of the id in ids */
    uint32_t kind;
} rec;

#define IDS_MAX ((size_t)16 << 20)  /* id bytes in memory before moving to disk */
#define BLOOM_LOG2 26               /* 2^26 bits: 8 MiB, allocated at the first move */
#define BLOOM_PROBES 4              /* ~4 % false positives at 10 million moved keys */
#define RESERVE_EXTRA (64 << 10)    /* room reserved beyond the estimate of a move */

struct fk_keymap {
    rec *recs;
    size_t n, cap, max;
    uint32_t *idx; /* position + 1 in recs, 0: empty */
    size_t icap;   /* a power of two, >= 2 * cap */
    char *ids;
    size_t ids_len, ids_cap;
    size_t spills;
    bool broken; /* moving to disk failed once: memory only from then on */
    bool lost;   /* ...half-way through a move: what is on disk cannot be trusted */
    uint64_t *bloom;
    sqlite3 *db;
    int fd;        /* the database file, for reserving room in it; -1: none */
    sqlite3_stmt *st_put, *st_get, *st_size;
};

fk_keymap *fk_keymap_new(size_t max_entries)
{
    fk_keymap *m = fk_xcalloc(1, sizeof(*m));
    size_t hook = fk_testhooks_get()->keymap_entries;
    if (hook && hook < max_entries)
        max_entries = hook;
    m->max = max_entries < 16 ? 16 : max_entries;
    m->fd = -1;
    m->cap = 16;
    m->recs = fk_xmalloc(m->cap * sizeof(*m->recs));
    m->icap = 32;
    m->idx = fk_xcalloc(m->icap, sizeof(*m->idx));
    return m;
}

static void close_disk(fk_keymap *m);

void fk_keymap_free(fk_keymap *m)
{
    if (!m)
        return;
    close_disk(m);
    free(m->bloom);
    free(m->ids);
    free(m->idx);
    free(m->recs);
    free(m);
}

size_t fk_keymap_spills(const fk_keymap *m)
{
    return m->spills;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

/* ---- memory ---- */

/* A bijection (splitmix64's finaliser): applied to k1 on the way in, stored mixed. */
static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* The top bits of the (mixed) k1: slot order is key order, give or take probing. */
static size_t slot_of(uint64_t k1, size_t icap)
{
    return (size_t)(k1 >> (64 - __builtin_ctzll(icap)));
}

static rec *mem_find(const fk_keymap *m, uint64_t k1, uint64_t k2)
{
    for (size_t i = slot_of(k1, m->icap); m->idx[i]; i = (i + 1) & (m->icap - 1)) {
        rec *r = &m->recs[m->idx[i] - 1];
        if (r->k1 == k1 && r->k2 == k2)
            return r;
    }
    return NULL;
}

static void index_all(fk_keymap *m)
{
    memset(m->idx, 0, m->icap * sizeof(*m->idx));
    for (size_t p = 0; p < m->n; p++) {
        size_t i = slot_of(m->recs[p].k1, m->icap);
        while (m->idx[i])
            i = (i + 1) & (m->icap - 1);
        m->idx[i] = (uint32_t)(p + 1);
    }
}

static void spill(fk_keymap *m);

/* A new record for a key not in memory (the caller checked). */
static rec *mem_new(fk_keymap *m, uint64_t k1, uint64_t k2, uint32_t kind, size_t id_bytes)
{
    if (!m->broken && (m->n == m->max || m->ids_len + id_bytes > IDS_MAX))
        spill(m);
    if (m->n == m->cap) {
        m->cap *= 2;
        m->recs = fk_xrealloc(m->recs, m->cap * sizeof(*m->recs));
    }
    if (m->icap < 2 * m->cap) {
        free(m->idx);
        m->icap = 2 * m->cap;
        m->idx = fk_xcalloc(m->icap, sizeof(*m->idx));
        index_all(m);
    }
    rec *r = &m->recs[m->n];
    *r = (rec){k1, k2, 0, 0, kind};
    size_t i = slot_of(k1, m->icap);
    while (m->idx[i])
        i = (i + 1) & (m->icap - 1);
    m->idx[i] = (uint32_t)++m->n;
    return r;
}

/* ---- disk ---- */

/* Blocked: the probes of a key fall in one 64-byte block (one cache line), chosen by the
 * low bits of the mixed k1 (the index uses its top bits); a lookup costs one cache miss,
 * not BLOOM_PROBES. */
static bool bloom_test(const fk_keymap *m, uint64_t k1, uint64_t k2, bool set)
{
    const unsigned block_bits = BLOOM_LOG2 - 9;
    uint64_t *blk = m->bloom + (size_t)(k1 & ((1ULL << block_bits) - 1)) * 8;
    uint64_t h = (k1 >> block_bits) ^ k2;
    bool all = true;
    for (int p = 0; p < BLOOM_PROBES; p++, h >>= 9) {
        unsigned b = (unsigned)(h & 511);
        if (set)
            blk[b / 64] |= 1ULL << (b % 64);
        else if (!(blk[b / 64] & (1ULL << (b % 64))))
            all = false;
    }
    return all;
}

static bool bloom_maybe(const fk_keymap *m, uint64_t k1, uint64_t k2)
{
    return m->bloom && bloom_test(m, k1, k2, false);
}

static void bloom_set(fk_keymap *m, uint64_t k1, uint64_t k2)
{
    bloom_test(m, k1, k2, true);
}

static void close_disk(fk_keymap *m)
{
    sqlite3_finalize(m->st_put);
    sqlite3_finalize(m->st_get);
    sqlite3_finalize(m->st_size);
    sqlite3_close(m->db);
    m->st_put = m->st_get = m->st_size = NULL;
    m->db = NULL;
    /* Only now: closing any descriptor of the file would drop SQLite's locks on it. */
    if (m->fd >= 0)
        close(m->fd);
    m->fd = -1;
}

/* Where the temporary file goes: where SQLite puts its own temporary files (README:
 * $SQLITE_TMPDIR, else $TMPDIR, else /var/tmp, ...): the first writable directory. These
 * variables configure the machine, they are no test hook. */
static const char *temp_dir(void)
{
    const char *dirs[] = {getenv("SQLITE_TMPDIR"), getenv("TMPDIR"), "/var/tmp", "/usr/tmp",
                          "/tmp", "."};
    struct stat sb;
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (dirs[i] && *dirs[i] && stat(dirs[i], &sb) == 0 && S_ISDIR(sb.st_mode) &&
            access(dirs[i], W_OK | X_OK) == 0)
            return dirs[i];
    return NULL;
}

/* The file is made here (not by SQLite, whose own temporary files leave no handle to
 * reserve room in) and unlinked as soon as SQLite has it open: it goes with the map, or
 * with the process. */
static bool open_disk(fk_keymap *m)
{
    static const char schema[] =
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
        "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -4096;"
        "CREATE TABLE r(k1 INTEGER NOT NULL, k2 INTEGER NOT NULL, amount INTEGER NOT NULL,"
        "  count INTEGER NOT NULL, id TEXT, PRIMARY KEY(k1, k2)) WITHOUT ROWID;";
    const char *dir = temp_dir();
    fk_buf path = FK_BUF_INIT;
    int rc;

    if (!dir)
        return false;
    fk_buf_printf(&path, "%s/faktura-keymap-XXXXXX", dir);
    m->fd = path.failed ? -1 : mkostemp(path.ptr, O_CLOEXEC);
    if (m->fd < 0) {
        fk_buf_free(&path);
        return false;
    }
    rc = sqlite3_open_v2(path.ptr, &m->db, SQLITE_OPEN_READWRITE, NULL);
    unlink(path.ptr);
    fk_buf_free(&path);
    if (rc != SQLITE_OK || sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->db,
                           "INSERT INTO r VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(k1, k2) DO "
                           "UPDATE SET amount = amount + excluded.amount, count = count + "
                           "excluded.count WHERE excluded.id IS NULL",
                           -1, &m->st_put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->db, "SELECT amount, count, id FROM r WHERE k1 = ?1 AND k2 = ?2",
                           -1, &m->st_get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->db,
                           "SELECT page_count * page_size FROM pragma_page_count(), "
                           "pragma_page_size()",
                           -1, &m->st_size, NULL) != SQLITE_OK) {
        close_disk(m); /* nothing was moved yet: memory alone answers everything */
        return false;
    }
    m->bloom = fk_xcalloc((size_t)1 << (BLOOM_LOG2 - 6), sizeof(*m->bloom));
    return true;
}

/* Allocate every block of the file a move can write to before moving anything: a full
 * disk (or a file size limit) is then met here, where nothing has changed yet, and not
 * half-way through the move, which (the file has no journal) would leave it half-written.
 * From the file's start: SQLite may leave pages it has not written yet as holes. A record
 * takes about 48 bytes and its id on disk; B-tree pages are at least half full, so three
 * times that is room enough. */
static bool reserve(fk_keymap *m)
{
    sqlite3_int64 size = -1;
    if (sqlite3_step(m->st_size) == SQLITE_ROW)
        size = sqlite3_column_int64(m->st_size, 0);
    sqlite3_reset(m->st_size);
    if (size < 0)
        return false;
    size += 3 * ((sqlite3_int64)m->n * 48 + (sqlite3_int64)m->ids_len) + RESERVE_EXTRA;
    return posix_fallocate(m->fd, 0, (off_t)size) == 0;
}

/* Move every record in memory to disk. If the disk has no room, they stay in memory (and
 * so does every later one): the answers stay right, only the bound is lost. A move that
 * fails after the room was found leaves the file untrustworthy: later lookups that reach
 * it fail (FK_EENV) rather than answer wrong. */
static void spill(fk_keymap *m)
{
    if ((!m->db && !open_disk(m)) || !reserve(m)) {
        m->broken = true; /* the records and idx are as they were; the disk too */
        return;
    }
    bool ok = sqlite3_exec(m->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    /* SQLite orders INTEGER keys as signed numbers: those with the top bit set first. */
    for (size_t j = 0; ok && j < m->icap; j++) {
        size_t slot = (j + m->icap / 2) & (m->icap - 1);
        if (!m->idx[slot])
            continue;
        const rec *r = &m->recs[m->idx[slot] - 1];
        sqlite3_stmt *st = m->st_put;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)r->k1);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)r->k2);
        sqlite3_bind_int64(st, 3, r->amount);
        sqlite3_bind_int64(st, 4, r->kind == KIND_SUM ? r->aux : 0);
        if (r->kind == KIND_FIRST)
            sqlite3_bind_text(st, 5, m->ids + r->aux, -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 5);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        bloom_set(m, r->k1, r->k2);
    }
    if (ok && sqlite3_exec(m->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
        m->n = 0;
        m->ids_len = 0;
        memset(m->idx, 0, m->icap * sizeof(*m->idx));
        m->spills++;
        return;
    }
    if (!sqlite3_get_autocommit(m->db))
        sqlite3_exec(m->db, "ROLLBACK", NULL, NULL, NULL);
    m->lost = true;
    m->broken = true;
}

static fk_status disk_failed(fk_keymap *m, fk_error *err)
{
    return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                        "cannot read back the batch's temporary key store (in $SQLITE_TMPDIR, "
                        "else $TMPDIR, else /var/tmp): %s",
                        m->lost ? "a write to it failed half-way" : sqlite3_errmsg(m->db));
}

/* The record moved to disk for the key, if any (*found). *id (when not NULL) gets its id. */
static fk_status disk_get(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *amount,
                          uint64_t *count, char *id, size_t idn, bool *found, fk_error *err)
{
    *found = false;
    if (!bloom_maybe(m, k1, k2))
        return FK_OK;
    if (m->lost)
        return disk_failed(m, err);
    sqlite3_stmt *st = m->st_get;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)k1);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)k2);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        /* A sum past INT64_MAX became a REAL in SQL: saturate as memory does. */
        if (sqlite3_column_type(st, 0) == SQLITE_FLOAT)
            *amount = sqlite3_column_double(st, 0) > 0 ? INT64_MAX : INT64_MIN;
        else
            *amount = sqlite3_column_int64(st, 0);
        *count = (uint64_t)sqlite3_column_int64(st, 1);
        if (id && idn) {
            const unsigned char *t = sqlite3_column_text(st, 2);
            snprintf(id, idn, "%s", t ? (const char *)t : "");
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return disk_failed(m, err);
    *found = rc == SQLITE_ROW;
    return FK_OK;
}

/* ---- the three kinds ---- */

fk_status fk_keymap_insert(fk_keymap *m, uint64_t k1, uint64_t k2, bool *added, fk_error *err)
{
    k1 = mix(k1);
    int64_t a;
    uint64_t c;
    bool on_disk;
    fk_status st;

    *added = false;
    if (mem_find(m, k1, k2))
        return FK_OK;
    if ((st = disk_get(m, k1, k2, &a, &c, NULL, 0, &on_disk, err)) != FK_OK || on_disk)
        return st;
    mem_new(m, k1, k2, KIND_SET, 0);
    *added = true;
    return FK_OK;
}

void fk_keymap_add(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t amount)
{
    k1 = mix(k1);
    rec *r = mem_find(m, k1, k2);
    if (!r)
        r = mem_new(m, k1, k2, KIND_SUM, 0);
    r->amount = sat_add(r->amount, amount);
    if (r->aux < UINT32_MAX)
        r->aux++;
}

fk_status fk_keymap_sum(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *amount,
                        uint64_t *count, bool *found, fk_error *err)
{
    k1 = mix(k1);
    const rec *r = mem_find(m, k1, k2);
    int64_t a = 0;
    uint64_t c = 0;
    fk_status st = disk_get(m, k1, k2, &a, &c, NULL, 0, found, err);

    if (st != FK_OK)
        return st;
    if (*found) {
        *amount = sat_add(*amount, a);
        *count += c;
    }
    if (r) {
        *amount = sat_add(*amount, r->amount);
        *count += r->aux;
    }
    *found = *found || r;
    return FK_OK;
}

fk_status fk_keymap_keep_first(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t value,
                               const char *id, fk_error *err)
{
    k1 = mix(k1);
    if (mem_find(m, k1, k2))
        return FK_OK; /* and one on disk is older still: moving keeps it */
    size_t n = strlen(id) + 1;
    if (m->broken && m->ids_len + n > UINT32_MAX) /* only after moving to disk failed */
        return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                            "the batch's order ids (4 GiB) do not fit in memory, and its "
                            "temporary key store (in $SQLITE_TMPDIR, else $TMPDIR, else "
                            "/var/tmp) could not be written");
    rec *r = mem_new(m, k1, k2, KIND_FIRST, n);
    if (m->ids_len + n > m->ids_cap) {
        m->ids_cap = m->ids_cap ? m->ids_cap * 2 : 4096;
        while (m->ids_cap < m->ids_len + n)
            m->ids_cap *= 2;
        m->ids = fk_xrealloc(m->ids, m->ids_cap);
    }
    memcpy(m->ids + m->ids_len, id, n);
    r->amount = value;
    r->aux = (uint32_t)m->ids_len;
    m->ids_len += n;
    return FK_OK;
}

fk_status fk_keymap_first(fk_keymap *m, uint64_t k1, uint64_t k2, int64_t *value, char *id,
                          size_t idn, bool *found, fk_error *err)
{
    k1 = mix(k1);
    uint64_t c;
    fk_status st = disk_get(m, k1, k2, value, &c, id, idn, found, err);
    if (st != FK_OK || *found)
        return st;
    const rec *r = mem_find(m, k1, k2);
    if (!r)
        return FK_OK;
    *value = r->amount;
    if (idn)
        snprintf(id, idn, "%s", m->ids + r->aux);
    *found = true;
    return FK_OK;
}
