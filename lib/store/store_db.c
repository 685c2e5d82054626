/* SPDX-License-Identifier: MIT */
/* store_db.c -- the database handle: the run lock, opening and closing, transactions, and
 * the one helper every statement goes through (fk_sql).
 *
 * Why a lock file beside the database: SQLite lets a second writer wait and then interleave
 * its transactions; a second nightly run on the same books must instead be refused at once
 * and say who holds them. flock() on "<db>.lock" is released by the kernel when the process
 * dies, so a killed run never leaves a stale lock. The lock file is never the database
 * file itself: closing any descriptor of the database would drop SQLite's own POSIX locks
 * (sqlite.org/howtocorrupt.html §2.2).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/buf.h"
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

static fk_status take_lock(fk_store *s, fk_error *err)
{
    fk_buf lp = FK_BUF_INIT;
    char holder[64] = "";
    fk_status st = FK_OK;

    fk_buf_printf(&lp, "%s.lock", s->path);
    s->lock_fd = open(fk_buf_cstr(&lp), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lock_fd < 0) {
        st = fk_error_set(err, FK_EENV, fk_buf_cstr(&lp), 0, NULL,
                          "cannot create the lock file: %s", strerror(errno));
        goto done;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        ssize_t n = pread(s->lock_fd, holder, sizeof(holder) - 1, 0);
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        st = fk_error_set(err, FK_EENV, s->path, 0, NULL,
                          "another faktura process (pid %s) is running on this database; "
                          "try again when it has finished",
                          holder[0] ? holder : "unknown");
        close(s->lock_fd);
        s->lock_fd = -1;
        goto done;
    }
    snprintf(holder, sizeof(holder), "%ld\n", (long)getpid());
    if (ftruncate(s->lock_fd, 0) != 0 ||
        pwrite(s->lock_fd, holder, strlen(holder), 0) != (ssize_t)strlen(holder)) {
        /* The pid is only informative; the flock is what protects. */
    }
done:
    fk_buf_free(&lp);
    return st;
}

static fk_status open_db(fk_store **out, const char *path, bool readonly, fk_error *err)
{
    fk_store *s = fk_xcalloc(1, sizeof(*s));
    fk_status rc = FK_OK;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

    s->path = fk_xstrdup(path);
    s->lock_fd = -1;
    *out = NULL;
    if (!readonly && (rc = take_lock(s, err)) != FK_OK)
        goto fail;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = fk_store__db_error(s, err, "open");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    /* Durable commits (RELIABILITY.md §1): WAL synced at every commit. */
    if ((rc = fk_store__exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err)) !=
        FK_OK)
        goto fail;
    if (!readonly && ((rc = fk_store__exec(s, "PRAGMA journal_mode = WAL;", err)) != FK_OK ||
                      (rc = fk_store__migrate(s, err)) != FK_OK))
        goto fail;
    *out = s;
    return FK_OK;
fail:
    fk_store_close(s);
    return rc != FK_OK ? rc : FK_EENV;
}

fk_status fk_store_open(fk_store **out, const char *path, fk_error *err)
{
    return open_db(out, path, false, err);
}

fk_status fk_store_open_readonly(fk_store **out, const char *path, fk_error *err)
{
    struct stat sb;
    *out = NULL;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return FK_OK;
    fk_status rc = open_db(out, path, true, err);
    if (rc != FK_OK)
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
        close(s->lock_fd); /* releases the flock */
    free(s->path);
    free(s);
}

fk_status fk_store_begin(fk_store *s, fk_error *err)
{
    return fk_store__exec(s, "BEGIN IMMEDIATE", err);
}

fk_status fk_store_commit(fk_store *s, fk_error *err)
{
    return fk_store__exec(s, "COMMIT", err);
}

void fk_store_rollback(fk_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
