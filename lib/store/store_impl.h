/* SPDX-License-Identifier: MIT */
/* store_impl.h -- what the store's files share: the handle and the one way to run SQL.
 *
 * Every statement of the store goes through fk_sql: prepare (or reuse the cached
 * statement), bind, step through the rows, reset or finalize, and turn a failure into an
 * fk_error naming what was being done. Only scripts (the schema, pragmas, BEGIN) go
 * through fk_store__exec. Nothing outside lib/store sees sqlite3.h.
 */
#ifndef FK_STORE_IMPL_H
#define FK_STORE_IMPL_H
#include <sqlite3.h>
#include "store/store.h"

/* Statements run often (per order, per payment): prepared on first use, kept for the
 * store's life. */
typedef enum fk_stmt_id {
    STMT_PRIOR, STMT_HAS_NUMBER, STMT_PEEK, STMT_SERIES_NEW, STMT_SERIES_NEXT, STMT_ORDER,
    STMT_ORDER_UPDATE, STMT_FINDINGS_DELETE, STMT_FINDING, STMT_INVOICE, STMT_OPEN,
    STMT_TODAY, STMT_OVERDUE, STMT_DUP_CHARGE, STMT_BALANCE, STMT_PAYMENT_SEEN,
    STMT_PAYMENT, STMT_FINDINGS_OF, STMT_DOCUMENT, STMT_PENDING, STMT_ROW_AFTER,
    STMT_COUNT
} fk_stmt_id;

struct fk_store {
    sqlite3 *db;
    char *path;
    char *real, *dir;      /* the database file and its directory, absolute */
    int lock_fd;           /* the database file itself: the run lock (store_db.c) */
    bool writer_active;    /* a writer (this process, for a writer) holds the run lock */
    char id[33];           /* the database's identity, once read */
    long full_after, commits; /* test hook: the database is full after this many commits */
    sqlite3_stmt *cache[STMT_COUNT];
};

/* Called for each row a statement gives; the row's column values live until it returns. */
typedef void (*fk_row_fn)(sqlite3_stmt *row, void *payload);

/**
 * Run one SQL statement: prepare it (cache NOT STMT_COUNT: reuse s->cache[cache], prepared
 * on first use), bind the arguments `types` lists, step through every row (each to fn, which
 * may be NULL), then reset (a cached statement) or finalize it. Argument types, one letter
 * each: 'i' int64_t; 'd' int; 't' const char * (NULL binds NULL); 'I' an int (0: bind NULL)
 * followed by an int64_t. A failure is FK_EENV ("database: WHAT: ...") or, for a broken
 * constraint, FK_EINTERNAL.
 */
fk_status fk_sql(fk_store *s, fk_stmt_id cache, const char *what, fk_row_fn fn, void *payload,
                 fk_error *err, const char *sql, const char *types, ...);
/* Run a script of statements without results (schema, pragmas, transactions). */
fk_status fk_store__exec(fk_store *s, const char *sql, fk_error *err);
/* The database's error as an fk_error (what: what was being done). */
fk_status fk_store__db_error(fk_store *s, fk_error *err, const char *what);

/* Column helpers for row functions: text as "" when NULL, copied into dst. */
void fk_store__col_copy(char *dst, size_t n, sqlite3_stmt *row, int i);
const char *fk_store__col_text(sqlite3_stmt *row, int i);

/* The schema (store_schema.c): bring a writable database to the current version. */
fk_status fk_store__migrate(fk_store *s, fk_error *err);
/* A read-only reader cannot migrate: insist on the current version. */
fk_status fk_store__check_version(fk_store *s, fk_error *err);
#endif
