/* SPDX-License-Identifier: MIT */
/* store_db.c -- the database handle: the run lock, opening and closing, transactions, and
 * the one helper every statement goes through (fk_sql).
 *
 * The run lock: one database, one run, however the database is named. SQLite lets a
 * second writer wait and then interleave its transactions; a second nightly run on the
 * same books must instead be refused at once and say who holds them. So a writer takes an
 * exclusive flock() on a descriptor of the database file itself: the lock belongs to the
 * file, not to a name, and a symbolic link, a path through "..", a hard link or a bind
 * mount of the same file all meet it. (A lock file named after the path, "DB.lock", let
 * two runs in through two names of one database, and followed a symbolic link planted in
 * its place, truncating whatever it pointed at.) The kernel drops a flock when its process
 * dies, so a killed run never leaves a stale lock, and a batch still 'running' in the
 * database while nobody holds the lock was left by a process that is gone.
 *
 * flock() locks and SQLite's POSIX (fcntl) locks do not interact on a local filesystem;
 * the database must be on one anyway (WAL needs shared memory). The descriptor stays open
 * until SQLite has closed the database: closing any descriptor of the database file drops
 * every POSIX lock the process holds on it, SQLite's included (sqlite.org/howtocorrupt.html
 * §2.2). A reader takes no lock; it only looks, with a shared flock dropped at once, whether
 * a writer is at work (a writer that meets such a look retries for a moment).
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/testhook.h"
#include "store/store_impl.h"

fk_status fk_store__db_error(fk_store *s, fk_error *err, const char *what)
{
    int code = s->db ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
    const char *msg = s->db ? sqlite3_errmsg(s->db) : "cannot open";
    if (code == SQLITE_CONSTRAINT || (code & 0xff) == SQLITE_CONSTRAINT)
        return fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL, "%s: %s", what, msg);
    return fk_error_set(err, FK_EENV, s->path, 0, NULL, "database: %s: %s", what, msg);
}

fk_status fk_store__exec(fk_store *s, const char *sql, fk_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fk_status st = fk_error_set(err, FK_EENV, s->path, 0, NULL, "database: %s",
                                    msg ? msg : sqlite3_errmsg(s->db));
        sqlite3_free(msg);
        return st;
    }
    return FK_OK;
}

static void bind_args(sqlite3_stmt *st, const char *types, va_list ap)
{
    for (int i = 1; types && types[i - 1]; i++) {
        switch (types[i - 1]) {
        case 'i':
            sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
            break;
        case 'd':
            sqlite3_bind_int(st, i, va_arg(ap, int));
            break;
        case 't': {
            const char *v = va_arg(ap, const char *);
            if (v)
                sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, i);
            break;
        }
        case 'I': {
            int present = va_arg(ap, int);
            int64_t v = va_arg(ap, int64_t);
            if (present)
                sqlite3_bind_int64(st, i, v);
            else
                sqlite3_bind_null(st, i);
            break;
        }
        }
    }
}

fk_status fk_sql(fk_store *s, fk_stmt_id cache, const char *what, fk_row_fn fn, void *payload,
                 fk_error *err, const char *sql, const char *types, ...)
{
    bool cached = cache < STMT_COUNT;
    sqlite3_stmt *st = cached ? s->cache[cache] : NULL;
    fk_status res = FK_OK;
    va_list ap;
    int rc;

    if (!st) {
        if (sqlite3_prepare_v3(s->db, sql, -1, cached ? SQLITE_PREPARE_PERSISTENT : 0, &st,
                               NULL) != SQLITE_OK)
            return fk_store__db_error(s, err, what);
        if (cached)
            s->cache[cache] = st;
    }
    va_start(ap, types);
    bind_args(st, types, ap);
    va_end(ap);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn)
            fn(st, payload);
    if (rc != SQLITE_DONE)
        res = fk_store__db_error(s, err, what); /* before the reset clears the message */
    if (cached) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
    return res;
}

const char *fk_store__col_text(sqlite3_stmt *row, int i)
{
    const unsigned char *v = sqlite3_column_text(row, i);
    return v ? (const char *)v : "";
}

void fk_store__col_copy(char *dst, size_t n, sqlite3_stmt *row, int i)
{
    snprintf(dst, n, "%s", fk_store__col_text(row, i));
}

/* The process holding the exclusive flock on the file of fd, from /proc/locks (Linux; 0
 * when it cannot be told). Only for the message: the flock is what protects. */
static long lock_holder(int fd)
{
    struct stat sb;
    char want[64], line[256];
    long pid = 0;
    FILE *fp;

    if (fstat(fd, &sb) != 0 || !(fp = fopen("/proc/locks", "re")))
        return 0;
    snprintf(want, sizeof(want), "%02x:%02x:%llu", major(sb.st_dev), minor(sb.st_dev),
             (unsigned long long)sb.st_ino);
    while (fgets(line, sizeof(line), fp)) {
        char kind[16], mode[16], dev[64];
        long p;
        if (strstr(line, "->")) /* a process waiting for the lock, not holding it */
            continue;
        if (sscanf(line, "%*s %15s %*s %15s %ld %63s", kind, mode, &p, dev) == 4 &&
            !strcmp(kind, "FLOCK") && !strcmp(mode, "WRITE") && !strcmp(dev, want)) {
            pid = p;
            break;
        }
    }
    fclose(fp);
    return pid;
}

/* Open the database file itself (creating it for a writer) and take the run lock on it
 * (see the top of this file); a reader only learns whether a writer holds it. A path that
 * is not a regular file (a directory, a FIFO, a device) is refused before anything opens
 * it for SQLite; O_NONBLOCK keeps a FIFO from blocking the open. *missing: a reader found
 * no file. */
static fk_status take_lock(fk_store *s, bool readonly, bool *missing, fk_error *err)
{
    int flags = (readonly ? O_RDONLY : O_RDWR | O_CREAT) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
    struct stat sb;

    *missing = false;
    s->lock_fd = open(s->path, flags, 0644);
    if (s->lock_fd < 0 && readonly && errno == ENOENT) {
        *missing = true;
        return FK_OK;
    }
    if (s->lock_fd < 0)
        return fk_error_set(err, FK_EENV, s->path, 0, NULL, "cannot open the database: %s",
                            strerror(errno));
    if (fstat(s->lock_fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(s->lock_fd); /* not a database file: SQLite holds no lock on it */
        s->lock_fd = -1;
        return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                            "is not a regular file: a database is one");
    }
    if (readonly) {
        if (flock(s->lock_fd, LOCK_SH | LOCK_NB) == 0) {
            flock(s->lock_fd, LOCK_UN);
            s->writer_active = false;
        } else {
            s->writer_active = true;
        }
        return FK_OK;
    }
    /* A reader's look holds the lock for microseconds: wait out a few of them. */
    for (int tries = 0; flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0; tries++) {
        if ((errno != EWOULDBLOCK && errno != EINTR) || tries == 25) {
            long pid = errno == EWOULDBLOCK ? lock_holder(s->lock_fd) : 0;
            char holder[32] = "unknown";
            if (pid > 0)
                snprintf(holder, sizeof(holder), "%ld", pid);
            return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                                "another faktura process (pid %s) is running on this "
                                "database; try again when it has finished",
                                holder);
        }
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    s->writer_active = true; /* this process */
    return FK_OK;
}

/* The database file SQLite opened is the one locked (not replaced in between). */
static fk_status same_file(fk_store *s, fk_error *err)
{
    struct stat a, b;
    if (fstat(s->lock_fd, &a) != 0 || stat(s->path, &b) != 0 || a.st_dev != b.st_dev ||
        a.st_ino != b.st_ino)
        return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                            "the database file was replaced while it was being opened");
    return FK_OK;
}

/* The directory the database is in, absolute: what relative output directories recorded
 * by an older faktura are resolved against. */
static void find_dir(fk_store *s)
{
    char *real = realpath(s->path, NULL);
    s->real = real ? real : fk_xstrdup(s->path);
    s->dir = fk_xstrdup(s->real);
    char *slash = strrchr(s->dir, '/');
    if (slash)
        *(slash == s->dir ? slash + 1 : slash) = '\0';
    else
        snprintf(s->dir, strlen(s->dir) + 1, ".");
}

static void get_id(sqlite3_stmt *row, void *payload)
{
    fk_store__col_copy(payload, 33, row, 0);
}

/* SQLite keeps a statement journal (the pages a statement changed, to undo it alone)
 * in memory up to 64 KiB; once a transaction's journal spilled to a temporary file it
 * stays there for the rest of the transaction, so every later INSERT of the chunk wrote
 * its pages to disk: `faktura run` of 3,000 invoices made 92,931 pwrite calls, 14,311
 * with 256 KiB (no spill). Not more: the in-memory journal is one block of that size,
 * allocated per statement (4 MiB went to mmap and cost 40 % more CPU). Process-wide, and
 * only possible before SQLite is initialised; when it is too late, nothing changes. */
static pthread_once_t stmt_journal_once = PTHREAD_ONCE_INIT;
static void stmt_journal_in_memory(void)
{
    (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 256 << 10);
}

static fk_status open_db(fk_store **out, const char *path, bool readonly, fk_error *err)
{
    fk_store *s = fk_xcalloc(1, sizeof(*s));
    fk_status rc = FK_OK;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    bool missing = false;

    s->path = fk_xstrdup(path);
    s->lock_fd = -1;
    s->full_after = -1; /* counted from the end of the open (the migrations' commits not) */
    *out = NULL;
    if ((rc = take_lock(s, readonly, &missing, err)) != FK_OK)
        goto fail;
    if (missing) {
        fk_store_close(s);
        return FK_OK;
    }
    pthread_once(&stmt_journal_once, stmt_journal_in_memory);
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = fk_store__db_error(s, err, "open");
        goto fail;
    }
    if ((rc = same_file(s, err)) != FK_OK)
        goto fail;
    find_dir(s);
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    /* Durable commits (RELIABILITY.md §1): WAL synced at every commit. */
    if ((rc = fk_store__exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err)) !=
        FK_OK)
        goto fail;
    if (!readonly && ((rc = fk_store__exec(s, "PRAGMA journal_mode = WAL;", err)) != FK_OK ||
                      (rc = fk_store__migrate(s, err)) != FK_OK))
        goto fail;
    /* This process holds the lock: a batch still running was left by one that is gone. */
    if (!readonly &&
        (rc = fk_sql(s, STMT_COUNT, "mark interrupted batches", NULL, NULL, err,
                     "UPDATE batches SET state = 'interrupted' WHERE state = 'running'",
                     NULL)) != FK_OK)
        goto fail;
    s->commits = 0;
    s->full_after = readonly ? -1 : fk_testhooks_get()->db_full_after;
    *out = s;
    return FK_OK;
fail:
    fk_store_close(s);
    return rc != FK_OK ? rc : FK_EENV;
}

const char *fk_store_id(fk_store *s)
{
    if (!s->id[0])
        fk_sql(s, STMT_COUNT, "read the database's identity", get_id, s->id, NULL,
               "SELECT value FROM meta WHERE key = 'database_id'", NULL);
    return s->id[0] ? s->id : NULL;
}

const char *fk_store_path(const fk_store *s)
{
    return s->path;
}

const char *fk_store_dir(const fk_store *s)
{
    return s->dir;
}

const char *fk_store_real_path(const fk_store *s)
{
    return s->real;
}

bool fk_store_writer_active(const fk_store *s)
{
    return s->writer_active;
}

fk_status fk_store_open(fk_store **out, const char *path, fk_error *err)
{
    return open_db(out, path, false, err);
}

fk_status fk_store_open_readonly(fk_store **out, const char *path, fk_error *err)
{
    fk_status rc = open_db(out, path, true, err);
    if (rc != FK_OK || !*out)
        return rc;
    /* One read transaction for the reader's life: every query sees the same snapshot, and
     * a dry run's two queries an order skip taking and dropping the WAL read lock each
     * time (a million orders: about half of validate's time). fk_store_close ends it. */
    if ((rc = fk_store__exec(*out, "BEGIN", err)) != FK_OK ||
        (rc = fk_store__check_version(*out, err)) != FK_OK) {
        fk_store_close(*out);
        *out = NULL;
    }
    return rc;
}

void fk_store_close(fk_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->cache[i]);
    if (s->db && !sqlite3_get_autocommit(s->db)) /* a reader's transaction */
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (s->db)
        sqlite3_close(s->db);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* after SQLite's close (see the top); releases the flock */
    free(s->path);
    free(s->real);
    free(s->dir);
    free(s);
}

fk_status fk_store_begin(fk_store *s, fk_error *err)
{
    return fk_store__exec(s, "BEGIN IMMEDIATE", err);
}

fk_status fk_store_commit(fk_store *s, fk_error *err)
{
    fk_status rc = fk_store__exec(s, "COMMIT", err);
    /* Test hook FAKTURA_TEST_DB_FULL_AFTER (core/testhook.h): after this many commits the
     * database may not grow any more, which SQLite reports exactly as a full disk
     * (SQLITE_FULL): the size limit cannot go below the current size. */
    if (rc == FK_OK && s->full_after >= 0 && ++s->commits == s->full_after)
        rc = fk_store__exec(s, "PRAGMA max_page_count = 1", err);
    return rc;
}

void fk_store_rollback(fk_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
