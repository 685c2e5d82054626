/* SPDX-License-Identifier: MIT */
/* store.c -- SQLite state: schema and migrations, the run lock, numbering, records.
 *
 * Why a lock file beside the database: SQLite lets a second writer wait and then interleave
 * its transactions; a second nightly run on the same books must instead be refused at once
 * and say who holds them. flock() on "<db>.lock" is released by the kernel when the process
 * dies, so a killed run never leaves a stale lock. The lock file is never the database
 * file itself: closing any descriptor of the database would drop SQLite's own POSIX locks
 * (sqlite.org/howtocorrupt.html §2.2).
 *
 * The schema's version lives in PRAGMA user_version; migrations[] upgrade an older
 * database in place, one transaction each. Never edit a migration that has shipped: append.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "core/buf.h"
#include "store/store.h"
#include "store/store_codec.h"
#include "core/money.h"
#include "core/util.h"

struct fk_store {
    sqlite3 *db;
    char *path;
    int lock_fd;
    sqlite3_stmt *st_prior, *st_peek, *st_series_new, *st_series_next, *st_order, *st_finding,
        *st_invoice, *st_has_number, *st_order_upd, *st_findings_del;
    /* The rules' queries, run for every order: prepared on first use (cached()). */
    sqlite3_stmt *st_open, *st_today, *st_overdue, *st_dup_charge;
};

static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE batches("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  as_of TEXT NOT NULL,"
    "  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  inputs TEXT NOT NULL,"
    "  out_dir TEXT,"
    "  state TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','done','aborted')));"
    "CREATE TABLE orders("
    "  id INTEGER PRIMARY KEY,"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),"
    "  order_id TEXT NOT NULL,"
    "  file TEXT NOT NULL,"
    "  line INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('invoiced','failed','held','skipped')),"
    "  currency TEXT NOT NULL,"
    "  exponent INTEGER NOT NULL,"
    "  amount INTEGER,"
    "  content_hash TEXT NOT NULL,"
    "  data TEXT,"                          /* the ingested order (JSON) while not invoiced */
    "  attempts INTEGER NOT NULL DEFAULT 1);"
    "CREATE INDEX orders_batch ON orders(batch_id, id);"
    "CREATE TABLE findings("
    "  order_row INTEGER NOT NULL REFERENCES orders(id),"
    "  seq INTEGER NOT NULL,"
    "  code TEXT NOT NULL,"
    "  field TEXT,"
    "  message TEXT NOT NULL,"
    "  hint TEXT,"
    "  PRIMARY KEY (order_row, seq)) WITHOUT ROWID;"
    "CREATE TABLE series("
    "  key TEXT PRIMARY KEY,"
    "  next_seq INTEGER NOT NULL CHECK (next_seq >= 1));"
    "CREATE TABLE invoices("
    "  number TEXT PRIMARY KEY,"
    "  series TEXT NOT NULL REFERENCES series(key),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  order_id TEXT NOT NULL UNIQUE,"      /* exactly once, enforced here */
    "  order_row INTEGER NOT NULL UNIQUE REFERENCES orders(id),"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),"
    "  issue_date TEXT NOT NULL,"
    "  due_date TEXT NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  net INTEGER NOT NULL,"
    "  vat INTEGER NOT NULL,"
    "  gross INTEGER NOT NULL CHECK (gross = net + vat),"
    "  content_hash TEXT NOT NULL,"
    "  pdf_name TEXT NOT NULL,"
    "  pdf_size INTEGER NOT NULL,"
    "  pdf_sha256 TEXT NOT NULL,"
    "  UNIQUE (series, seq));"
    /* Gapless: a new invoice takes exactly the next number of its series. */
    "CREATE TRIGGER invoices_gapless BEFORE INSERT ON invoices"
    "  WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM invoices WHERE series = NEW.series), 0) + 1"
    "  BEGIN SELECT RAISE(ABORT, 'invoice number out of sequence'); END;"
    /* Issued invoices are immutable (GoBD, art. 106j): corrections are credit notes. */
    "CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued invoices are immutable'); END;"
    "CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued invoices are never deleted'); END;",

    /* 2: generation rules, payments, approvals. Invoices of version 1 have no customer
     * or charge key: the rules cannot see them (they never could). */
    "ALTER TABLE invoices ADD COLUMN customer_key TEXT;"
    "ALTER TABLE invoices ADD COLUMN charge_key TEXT;"
    "ALTER TABLE invoices ADD COLUMN order_time INTEGER;"
    "CREATE INDEX invoices_customer ON invoices(customer_key, currency);"
    "CREATE INDEX invoices_charge ON invoices(charge_key);"
    "CREATE TABLE payments("
    "  id INTEGER PRIMARY KEY,"
    "  payment_key TEXT NOT NULL UNIQUE,"   /* payment_id, else the whole row: once only */
    "  invoice_number TEXT NOT NULL REFERENCES invoices(number),"
    "  amount INTEGER NOT NULL CHECK (amount > 0),"
    "  paid_on TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE INDEX payments_invoice ON payments(invoice_number);"
    "CREATE TABLE approvals("
    "  id INTEGER PRIMARY KEY,"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),"
    "  order_id TEXT NOT NULL,"
    "  codes TEXT NOT NULL,"                /* the held codes released, space-separated */
    "  reason TEXT NOT NULL,"
    "  approved_by TEXT NOT NULL,"
    "  approved_at TEXT NOT NULL);"
    "CREATE INDEX approvals_order ON approvals(batch_id, order_id);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static fk_status db_error(fk_store *s, fk_error *err, const char *what)
{
    int code = s->db ? sqlite3_extended_errcode(s->db) : SQLITE_ERROR;
    const char *msg = s->db ? sqlite3_errmsg(s->db) : "cannot open";
    if (code == SQLITE_CONSTRAINT || (code & 0xff) == SQLITE_CONSTRAINT)
        return fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL, "%s: %s", what, msg);
    return fk_error_set(err, FK_EENV, s->path, 0, NULL, "database: %s: %s", what, msg);
}

static fk_status exec(fk_store *s, const char *sql, fk_error *err)
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

static fk_status prepare(fk_store *s, sqlite3_stmt **st, const char *sql, fk_error *err)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    return FK_OK;
}

static fk_status migrate(fk_store *s, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int version = 0;
    fk_status rc;

    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "read the schema version");
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version > SCHEMA_VERSION)
        return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                            "the database has schema version %d, newer than this faktura "
                            "(%d): use a newer faktura",
                            version, SCHEMA_VERSION);
    for (int v = version; v < SCHEMA_VERSION; v++) {
        char pragma[64];
        if ((rc = fk_store_begin(s, err)) != FK_OK)
            return rc;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if ((rc = exec(s, migrations[v], err)) != FK_OK || (rc = exec(s, pragma, err)) != FK_OK) {
            fk_store_rollback(s);
            return rc;
        }
        if ((rc = fk_store_commit(s, err)) != FK_OK)
            return rc;
    }
    return FK_OK;
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
        rc = db_error(s, err, "open");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    /* Durable commits (RELIABILITY.md §1): WAL synced at every commit. */
    if ((rc = exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", err)) != FK_OK)
        goto fail;
    if (!readonly) {
        if ((rc = exec(s, "PRAGMA journal_mode = WAL;", err)) != FK_OK ||
            (rc = migrate(s, err)) != FK_OK)
            goto fail;
    }
    if ((rc = prepare(s, &s->st_prior,
                      "SELECT number, content_hash FROM invoices WHERE order_id = ?", err)) ||
        (rc = prepare(s, &s->st_has_number, "SELECT 1 FROM invoices WHERE number = ?", err)) ||
        (rc = prepare(s, &s->st_peek, "SELECT next_seq FROM series WHERE key = ?", err)))
        goto fail;
    if (!readonly &&
        ((rc = prepare(s, &s->st_series_new, "INSERT INTO series(key, next_seq) VALUES (?, 2)",
                       err)) ||
         (rc = prepare(s, &s->st_series_next,
                       "UPDATE series SET next_seq = next_seq + 1 WHERE key = ? AND next_seq = ?",
                       err)) ||
         (rc = prepare(s, &s->st_order,
                       "INSERT INTO orders(batch_id, order_id, file, line, status, currency, "
                       "exponent, amount, content_hash, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       err)) ||
         (rc = prepare(s, &s->st_order_upd,
                       "UPDATE orders SET order_id = ?2, file = ?3, line = ?4, status = ?5, "
                       "currency = ?6, exponent = ?7, amount = ?8, content_hash = ?9, "
                       "data = ?10, attempts = attempts + 1 WHERE id = ?1 AND status <> 'invoiced'",
                       err)) ||
         (rc = prepare(s, &s->st_findings_del, "DELETE FROM findings WHERE order_row = ?",
                       err)) ||
         (rc = prepare(s, &s->st_finding,
                       "INSERT INTO findings(order_row, seq, code, field, message, hint) "
                       "VALUES (?,?,?,?,?,?)",
                       err)) ||
         (rc = prepare(s, &s->st_invoice,
                       "INSERT INTO invoices(number, series, seq, order_id, order_row, batch_id, "
                       "issue_date, due_date, currency, net, vat, gross, content_hash, pdf_name, "
                       "pdf_size, pdf_sha256, customer_key, charge_key, order_time) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                       err))))
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
    if ((rc = exec(*out, "BEGIN", err)) != FK_OK) {
        fk_store_close(*out);
        *out = NULL;
        return rc;
    }
    /* A read-only reader cannot migrate: insist on the current schema. */
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2((*out)->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version != SCHEMA_VERSION) {
        fk_store_close(*out);
        *out = NULL;
        return fk_error_set(err, FK_EENV, path, 0, NULL,
                            "the database has schema version %d, this faktura reads %d; run "
                            "`faktura run` once to upgrade it",
                            version, SCHEMA_VERSION);
    }
    return FK_OK;
}

void fk_store_close(fk_store *s)
{
    if (!s)
        return;
    sqlite3_stmt *all[] = {s->st_prior,    s->st_peek,         s->st_series_new,
                           s->st_series_next, s->st_order,     s->st_finding,
                           s->st_invoice,  s->st_has_number,   s->st_order_upd,
                           s->st_findings_del, s->st_open,   s->st_today,
                           s->st_overdue,  s->st_dup_charge};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
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
    return exec(s, "BEGIN IMMEDIATE", err);
}

fk_status fk_store_commit(fk_store *s, fk_error *err)
{
    return exec(s, "COMMIT", err);
}

void fk_store_rollback(fk_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static fk_status step_done(fk_store *s, sqlite3_stmt *st, const char *what, fk_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE)
        return db_error(s, err, what);
    return FK_OK;
}

fk_status fk_store_batch_create(fk_store *s, const char *kind, const char *as_of,
                                const char *inputs_json, const char *out_dir, int64_t *id,
                                fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;

    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO batches(kind, as_of, inputs, out_dir) VALUES (?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    bind_text(st, 1, kind);
    bind_text(st, 2, as_of);
    bind_text(st, 3, inputs_json);
    bind_text(st, 4, out_dir);
    rc = step_done(s, st, "create the batch", err);
    sqlite3_finalize(st);
    *id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

fk_status fk_store_batch_finish(fk_store *s, int64_t id, const char *state, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;

    if (sqlite3_prepare_v2(s->db, "UPDATE batches SET state = ? WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(s, err, "prepare");
    bind_text(st, 1, state);
    sqlite3_bind_int64(st, 2, id);
    rc = step_done(s, st, "finish the batch", err);
    sqlite3_finalize(st);
    return rc;
}

fk_status fk_store_prior(fk_store *s, const char *order_id, fk_prior_invoice *out, fk_error *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    bind_text(s->st_prior, 1, order_id);
    rc = sqlite3_step(s->st_prior);
    if (rc == SQLITE_ROW) {
        out->found = true;
        snprintf(out->number, sizeof(out->number), "%s",
                 (const char *)sqlite3_column_text(s->st_prior, 0));
        snprintf(out->content_hash, sizeof(out->content_hash), "%s",
                 (const char *)sqlite3_column_text(s->st_prior, 1));
    }
    sqlite3_reset(s->st_prior);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(s, err, "look up earlier invoices");
    return FK_OK;
}

fk_status fk_store_has_number(fk_store *s, const char *number, bool *out, fk_error *err)
{
    bind_text(s->st_has_number, 1, number);
    int rc = sqlite3_step(s->st_has_number);
    sqlite3_reset(s->st_has_number);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(s, err, "look up an invoice number");
    *out = rc == SQLITE_ROW;
    return FK_OK;
}

fk_status fk_store_peek_seq(fk_store *s, const char *key, int64_t *seq, fk_error *err)
{
    int rc;
    bind_text(s->st_peek, 1, key);
    rc = sqlite3_step(s->st_peek);
    *seq = rc == SQLITE_ROW ? sqlite3_column_int64(s->st_peek, 0) : 1;
    sqlite3_reset(s->st_peek);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(s, err, "read the number series");
    return FK_OK;
}

fk_status fk_store_order_record(fk_store *s, int64_t batch_id, int64_t row, const fk_order *o,
                                const fk_invoice_rec *inv, fk_error *err)
{
    sqlite3_stmt *st = row ? s->st_order_upd : s->st_order;
    fk_status rc;
    const char *currency = o->currency[0] ? o->currency : o->f[FK_COL_CURRENCY];
    /* Only an order that may be retried keeps its data: an invoice is final. */
    char *data = o->outcome == FK_INVOICED ? NULL : fk_order_encode(o);

    if (row) {
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_int64(s->st_findings_del, 1, row);
        if ((rc = step_done(s, s->st_findings_del, "clear old findings", err)) != FK_OK)
            goto done;
    } else {
        sqlite3_bind_int64(st, 1, batch_id);
    }
    bind_text(st, 2, o->f[FK_COL_ORDER_ID]);
    bind_text(st, 3, o->file);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)o->line);
    bind_text(st, 5, fk_outcome_name(o->outcome));
    bind_text(st, 6, currency);
    sqlite3_bind_int(st, 7, o->exponent);
    if (o->amounts_ok)
        sqlite3_bind_int64(st, 8, o->gross_total);
    else
        sqlite3_bind_null(st, 8);
    bind_text(st, 9, o->content_hash);
    bind_text(st, 10, data);
    if ((rc = step_done(s, st, "record an order", err)) != FK_OK)
        goto done;
    if (row && sqlite3_changes(s->db) != 1) {
        rc = fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                          "order row %lld is gone or already invoiced", (long long)row);
        goto done;
    }
    if (!row)
        row = sqlite3_last_insert_rowid(s->db);

    for (size_t i = 0; i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        st = s->st_finding;
        sqlite3_bind_int64(st, 1, row);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
        bind_text(st, 3, fk_code_name(f->code));
        bind_text(st, 4, f->field);
        bind_text(st, 5, f->message);
        bind_text(st, 6, f->hint);
        if ((rc = step_done(s, st, "record a finding", err)) != FK_OK)
            goto done;
    }
    if (!inv)
        goto done;

    /* Consume the number: exactly the peeked one, or something is badly wrong. */
    if (inv->seq == 1) {
        bind_text(s->st_series_new, 1, inv->series);
        if ((rc = step_done(s, s->st_series_new, "start a number series", err)) != FK_OK)
            goto done;
    } else {
        bind_text(s->st_series_next, 1, inv->series);
        sqlite3_bind_int64(s->st_series_next, 2, inv->seq);
        if ((rc = step_done(s, s->st_series_next, "advance the number series", err)) != FK_OK)
            goto done;
        if (sqlite3_changes(s->db) != 1) {
            rc = fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                              "number series %s moved under us (expected %lld)", inv->series,
                              (long long)inv->seq);
            goto done;
        }
    }
    st = s->st_invoice;
    bind_text(st, 1, inv->number);
    bind_text(st, 2, inv->series);
    sqlite3_bind_int64(st, 3, inv->seq);
    bind_text(st, 4, o->f[FK_COL_ORDER_ID]);
    sqlite3_bind_int64(st, 5, row);
    sqlite3_bind_int64(st, 6, batch_id);
    bind_text(st, 7, inv->issue_date);
    bind_text(st, 8, inv->due_date);
    bind_text(st, 9, o->currency);
    sqlite3_bind_int64(st, 10, o->net_total);
    sqlite3_bind_int64(st, 11, o->vat_total);
    sqlite3_bind_int64(st, 12, o->gross_total);
    bind_text(st, 13, o->content_hash);
    bind_text(st, 14, inv->pdf_name);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)inv->pdf_size);
    bind_text(st, 16, inv->pdf_sha256);
    bind_text(st, 17, o->customer_key);
    bind_text(st, 18, o->charge_key);
    sqlite3_bind_int64(st, 19, o->order_time);
    rc = step_done(s, st, "record an invoice", err);
done:
    free(data);
    return rc;
}

static void col_copy(char *dst, size_t n, sqlite3_stmt *st, int i)
{
    const unsigned char *v = sqlite3_column_text(st, i);
    snprintf(dst, n, "%s", v ? (const char *)v : "");
}

fk_status fk_store_batch_get(fk_store *s, int64_t id, fk_batch_info *out, bool *found,
                             fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    *found = false;
    if (sqlite3_prepare_v2(s->db, "SELECT kind, as_of, inputs, state, COALESCE(out_dir, '') FROM batches "
                           "WHERE id = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        out->id = id;
        col_copy(out->kind, sizeof(out->kind), st, 0);
        col_copy(out->as_of, sizeof(out->as_of), st, 1);
        out->inputs_json = fk_xstrdup((const char *)sqlite3_column_text(st, 2));
        col_copy(out->state, sizeof(out->state), st, 3);
        out->out_dir = fk_xstrdup((const char *)sqlite3_column_text(st, 4));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(s, err, "read the batch");
    return FK_OK;
}

static fk_outcome outcome_from_name(const char *n)
{
    for (int o = 0; o < FK_OUTCOME_COUNT; o++)
        if (strcmp(fk_outcome_name((fk_outcome)o), n) == 0)
            return (fk_outcome)o;
    return FK_FAILED;
}

fk_status fk_store_batch_orders(fk_store *s, int64_t id, fk_stored_order_fn fn, void *payload,
                                fk_error *err)
{
    sqlite3_stmt *st = NULL, *fst = NULL;
    fk_finding *fs = NULL;
    size_t cap = 0;
    fk_status res = FK_OK;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, order_id, file, line, status, currency, exponent, amount "
                           "FROM orders WHERE batch_id = ? ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db,
                           "SELECT code, field, message, hint FROM findings WHERE order_row = ? "
                           "ORDER BY seq",
                           -1, &fst, NULL) != SQLITE_OK) {
        res = db_error(s, err, "prepare");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_outcome_rec so;
        size_t n = 0;
        so.order_id = (const char *)sqlite3_column_text(st, 1);
        so.file = (const char *)sqlite3_column_text(st, 2);
        so.line = (unsigned long)sqlite3_column_int64(st, 3);
        so.outcome = outcome_from_name((const char *)sqlite3_column_text(st, 4));
        so.currency = (const char *)sqlite3_column_text(st, 5);
        so.exponent = sqlite3_column_int(st, 6);
        so.amount_known = sqlite3_column_type(st, 7) != SQLITE_NULL;
        so.amount = so.amount_known ? sqlite3_column_int64(st, 7) : 0;
        sqlite3_bind_int64(fst, 1, sqlite3_column_int64(st, 0));
        while ((rc = sqlite3_step(fst)) == SQLITE_ROW) {
            if (n == cap) {
                cap = cap ? cap * 2 : 8;
                fs = fk_xrealloc(fs, cap * sizeof(*fs));
            }
            /* Column text lives only until the next step: copy it. */
            const char *fld = (const char *)sqlite3_column_text(fst, 1);
            const char *hint = (const char *)sqlite3_column_text(fst, 3);
            fs[n].code = fk_code_from_name((const char *)sqlite3_column_text(fst, 0));
            fs[n].field = fld ? fk_xstrdup(fld) : NULL;
            fs[n].message = fk_xstrdup((const char *)sqlite3_column_text(fst, 2));
            fs[n].hint = hint ? fk_xstrdup(hint) : NULL;
            n++;
        }
        so.findings = fs;
        so.nfindings = n;
        if (rc == SQLITE_DONE)
            fn(&so, payload);
        for (size_t i = 0; i < n; i++) {
            free(fs[i].field);
            free(fs[i].message);
            free(fs[i].hint);
        }
        if (rc != SQLITE_DONE) {
            res = db_error(s, err, "read findings");
            goto done;
        }
        sqlite3_reset(fst);
    }
    if (rc != SQLITE_DONE)
        res = db_error(s, err, "read orders");
done:
    free(fs);
    sqlite3_finalize(st);
    sqlite3_finalize(fst);
    return res;
}

fk_status fk_store_batch_invoice_sums(fk_store *s, int64_t id, fk_currency_sum_fn fn,
                                      void *payload, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           /* Split so that SQLite's 64-bit SUM cannot overflow. */
                           "SELECT currency, SUM(gross / 1000000000), SUM(gross % 1000000000) "
                           "FROM invoices WHERE batch_id = ? GROUP BY currency ORDER BY currency",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(st, 0),
           (__int128)sqlite3_column_int64(st, 1) * 1000000000 + sqlite3_column_int64(st, 2),
           payload);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "sum the invoices");
    return FK_OK;
}

fk_status fk_store_retry_set(fk_store *s, int64_t batch_id, fk_retry_fn fn, void *payload,
                             fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT id, order_id, data FROM orders WHERE batch_id = ? AND "
                           "status IN ('failed', 'held') AND data IS NOT NULL ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    sqlite3_bind_int64(st, 1, batch_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
           (const char *)sqlite3_column_text(st, 2), payload);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "read the orders to retry");
    return FK_OK;
}

fk_status fk_store_invoices(fk_store *s, int64_t batch_id, bool last_batch_only,
                            fk_invoice_fn fn, void *payload, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_buf path = FK_BUF_INIT;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT i.number, i.series, i.seq, COALESCE(b.out_dir, '.'), "
                           "i.pdf_name, i.pdf_size, i.pdf_sha256 FROM invoices i "
                           "JOIN batches b ON b.id = i.batch_id "
                           "WHERE (?1 = 0 OR i.batch_id = ?1) AND (?2 = 0 OR i.batch_id = "
                           "(SELECT max(batch_id) FROM invoices)) ORDER BY i.series, i.seq",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    sqlite3_bind_int64(st, 1, batch_id);
    sqlite3_bind_int(st, 2, last_batch_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_buf_reset(&path);
        fk_buf_printf(&path, "%s/%s", sqlite3_column_text(st, 3), sqlite3_column_text(st, 4));
        fn((const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
           sqlite3_column_int64(st, 2), fk_buf_cstr(&path), sqlite3_column_int64(st, 5),
           (const char *)sqlite3_column_text(st, 6), payload);
    }
    sqlite3_finalize(st);
    fk_buf_free(&path);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "read the invoices");
    return FK_OK;
}

fk_status fk_store_series_check(fk_store *s, fk_series_fn fn, void *payload, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT s.key, count(i.seq), COALESCE(max(i.seq), 0), "
                           "count(DISTINCT i.seq), s.next_seq FROM series s "
                           "LEFT JOIN invoices i ON i.series = s.key GROUP BY s.key ORDER BY s.key",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
           sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
           payload);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "read the number series");
    return FK_OK;
}

fk_status fk_store_settled_ids(fk_store *s, int64_t batch_id, fk_id_fn fn, void *payload,
                               fk_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (sqlite3_prepare_v2(s->db,
                           "SELECT order_id FROM orders WHERE batch_id = ? AND "
                           "status IN ('invoiced', 'skipped') ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    sqlite3_bind_int64(st, 1, batch_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn((const char *)sqlite3_column_text(st, 0), payload);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(s, err, "read the batch's order ids");
    return FK_OK;
}

/* ---- facts for the generation rules ---- */

static fk_status query(fk_store *s, const char *sql, sqlite3_stmt **st, fk_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(s, err, "prepare");
    return FK_OK;
}

/* A statement run for every order: prepared once, then reset after each use. */
static fk_status cached(fk_store *s, sqlite3_stmt **st, const char *sql, fk_error *err)
{
    return *st ? FK_OK : prepare(s, st, sql, err);
}

fk_status fk_store_customer_facts(fk_store *s, const fk_order *o, const fk_rules *r,
                                  int64_t exclude_batch, const char *issue_date, int64_t as_of,
                                  fk_customer_facts *f, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;

    /* Open balance: every earlier invoice of the customer in this currency, less what was
     * paid on it. Needed by the credit limit only. */
    if (r->ncredit > 0 || *o->f[FK_COL_CREDIT_LIMIT]) {
        if ((rc = cached(s, &s->st_open,
                        "SELECT COALESCE(SUM(i.gross - COALESCE((SELECT SUM(p.amount) FROM "
                        "payments p WHERE p.invoice_number = i.number), 0)), 0) FROM invoices i "
                        "WHERE i.customer_key = ? AND i.currency = ? AND i.batch_id <> ?",
                        err)) != FK_OK)
            return rc;
        st = s->st_open;
        bind_text(st, 1, o->customer_key);
        bind_text(st, 2, o->currency);
        sqlite3_bind_int64(st, 3, exclude_batch);
        if ((step = sqlite3_step(st)) == SQLITE_ROW)
            f->open_amount += sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (step != SQLITE_ROW)
            return db_error(s, err, "sum the open balance");
    }
    if (r->invoices_per_day > 0) {
        if ((rc = cached(s, &s->st_today,
                        "SELECT count(*) FROM invoices WHERE customer_key = ? AND "
                        "issue_date = ? AND batch_id <> ?",
                        err)) != FK_OK)
            return rc;
        st = s->st_today;
        bind_text(st, 1, o->customer_key);
        bind_text(st, 2, issue_date);
        sqlite3_bind_int64(st, 3, exclude_batch);
        if ((step = sqlite3_step(st)) == SQLITE_ROW)
            f->invoices_today += (uint64_t)sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (step != SQLITE_ROW)
            return db_error(s, err, "count today's invoices");
    }
    if (r->overdue_days >= 0) {
        char limit[16];
        fk_format_date(as_of - (int64_t)r->overdue_days * 86400, limit, sizeof(limit));
        if ((rc = cached(s, &s->st_overdue,
                        "SELECT i.number FROM invoices i WHERE i.customer_key = ? AND "
                        "i.due_date < ? AND i.gross > COALESCE((SELECT SUM(p.amount) FROM "
                        "payments p WHERE p.invoice_number = i.number), 0) "
                        "ORDER BY i.due_date, i.number LIMIT 10",
                        err)) != FK_OK)
            return rc;
        st = s->st_overdue;
        bind_text(st, 1, o->customer_key);
        bind_text(st, 2, limit);
        size_t len = strlen(f->overdue);
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            int n = snprintf(f->overdue + len, sizeof(f->overdue) - len, "%s%s", len ? ", " : "",
                             sqlite3_column_text(st, 0));
            if (n > 0 && (size_t)n < sizeof(f->overdue) - len)
                len += (size_t)n;
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE)
            return db_error(s, err, "find overdue invoices");
    }
    if (r->duplicate_window_hours > 0 && !f->dup_order_id[0]) {
        /* The earliest match: min() with a bare column gives that row's order_id (SQLite
         * documents this), without the sorter an ORDER BY ... LIMIT 1 sets up per query.
         * No match is one row of NULLs. */
        if ((rc = cached(s, &s->st_dup_charge,
                        "SELECT order_id, min(order_time) FROM invoices WHERE charge_key = ? "
                        "AND order_id <> ? AND abs(order_time - ?) <= ?",
                        err)) != FK_OK)
            return rc;
        st = s->st_dup_charge;
        bind_text(st, 1, o->charge_key);
        bind_text(st, 2, o->f[FK_COL_ORDER_ID]);
        sqlite3_bind_int64(st, 3, o->order_time);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->duplicate_window_hours * 3600);
        if ((step = sqlite3_step(st)) == SQLITE_ROW &&
            sqlite3_column_type(st, 0) != SQLITE_NULL) {
            snprintf(f->dup_order_id, sizeof(f->dup_order_id), "%s", sqlite3_column_text(st, 0));
            f->dup_time = sqlite3_column_int64(st, 1);
        }
        sqlite3_reset(st);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return db_error(s, err, "look for duplicate charges");
    }
    return FK_OK;
}

/* ---- approvals ---- */

fk_status fk_store_approved_codes(fk_store *s, int64_t batch_id, const char *order_id,
                                  fk_code *out, size_t n, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;
    size_t k = 0;

    out[0] = FK_CODE_NONE;
    if ((rc = query(s, "SELECT codes FROM approvals WHERE batch_id = ? AND order_id = ?", &st,
                    err)) != FK_OK)
        return rc;
    sqlite3_bind_int64(st, 1, batch_id);
    bind_text(st, 2, order_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        char *codes = fk_xstrdup((const char *)sqlite3_column_text(st, 0)), *save = NULL;
        for (char *t = strtok_r(codes, " ", &save); t && k + 1 < n; t = strtok_r(NULL, " ", &save))
            out[k++] = fk_code_from_name(t);
        free(codes);
    }
    out[k] = FK_CODE_NONE;
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return db_error(s, err, "read approvals");
    return FK_OK;
}

fk_status fk_store_approve(fk_store *s, int64_t batch_id, const char *order_id,
                           const char *reason, const char *who, const char *when,
                           char *codes_out, size_t n, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;
    fk_buf codes = FK_BUF_INIT;

    codes_out[0] = '\0';
    /* The releasable holds of the order as it stands: rules a person may overrule. Holding
     * periods pass by themselves and open disputes need an answer, not an approval. */
    if ((rc = query(s, "SELECT DISTINCT f.code FROM orders o JOIN findings f ON f.order_row = o.id "
                       "WHERE o.batch_id = ? AND o.order_id = ? AND o.status = 'held' AND f.code IN "
                       "('DUPLICATE_CHARGE_SUSPECTED', 'BELOW_MINIMUM_AMOUNT', "
                       "'ABOVE_MAXIMUM_AMOUNT', 'CREDIT_LIMIT_EXCEEDED', 'RATE_LIMIT_EXCEEDED', "
                       "'OVERDUE_BALANCE') ORDER BY f.code",
                    &st, err)) != FK_OK)
        return rc;
    sqlite3_bind_int64(st, 1, batch_id);
    bind_text(st, 2, order_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        fk_buf_printf(&codes, "%s%s", codes.len ? " " : "", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        fk_buf_free(&codes);
        return db_error(s, err, "read the order's holds");
    }
    if (codes.len) {
        if ((rc = query(s, "INSERT INTO approvals(batch_id, order_id, codes, reason, approved_by, "
                           "approved_at) VALUES (?,?,?,?,?,?)",
                        &st, err)) == FK_OK) {
            sqlite3_bind_int64(st, 1, batch_id);
            bind_text(st, 2, order_id);
            bind_text(st, 3, fk_buf_cstr(&codes));
            bind_text(st, 4, reason);
            bind_text(st, 5, who);
            bind_text(st, 6, when);
            rc = step_done(s, st, "record the approval", err);
            sqlite3_finalize(st);
        }
        snprintf(codes_out, n, "%s", fk_buf_cstr(&codes));
    }
    fk_buf_free(&codes);
    return rc;
}

/* ---- held orders that release themselves ---- */

fk_status fk_store_expired_holds(fk_store *s, fk_held_fn fn, void *payload, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;

    /* Orders whose only findings are HOLDING_PERIOD, in any batch. */
    if ((rc = query(s, "SELECT o.id, o.batch_id, o.order_id, o.data FROM orders o WHERE "
                       "o.status = 'held' AND o.data IS NOT NULL AND EXISTS (SELECT 1 FROM "
                       "findings f WHERE f.order_row = o.id AND f.code = 'HOLDING_PERIOD') AND "
                       "NOT EXISTS (SELECT 1 FROM findings f WHERE f.order_row = o.id AND "
                       "f.code <> 'HOLDING_PERIOD') ORDER BY o.id",
                    &st, err)) != FK_OK)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
           (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
           payload);
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return db_error(s, err, "find held orders");
    return FK_OK;
}

/* ---- status ---- */

fk_status fk_store_status(fk_store *s, int64_t batch_id, fk_log_fn fn, void *payload,
                          fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;
    fk_buf line = FK_BUF_INIT;

    if ((rc = query(s, "SELECT b.id, b.kind, b.as_of, b.state, count(o.id), "
                       "sum(o.status = 'invoiced'), sum(o.status = 'failed'), "
                       "sum(o.status = 'held'), sum(o.status = 'skipped') FROM batches b "
                       "LEFT JOIN orders o ON o.batch_id = b.id WHERE (?1 = 0 OR b.id = ?1) "
                       "GROUP BY b.id ORDER BY b.id",
                    &st, err)) != FK_OK)
        return rc;
    sqlite3_bind_int64(st, 1, batch_id);
    fn("batch  kind  as_of                 state    orders  invoiced  failed  held  skipped",
       payload);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        fk_buf_reset(&line);
        fk_buf_printf(&line, "%-6lld %-5s %-21s %-8s %6lld %9lld %7lld %5lld %8lld",
                      (long long)sqlite3_column_int64(st, 0), sqlite3_column_text(st, 1),
                      sqlite3_column_text(st, 2), sqlite3_column_text(st, 3),
                      (long long)sqlite3_column_int64(st, 4), (long long)sqlite3_column_int64(st, 5),
                      (long long)sqlite3_column_int64(st, 6), (long long)sqlite3_column_int64(st, 7),
                      (long long)sqlite3_column_int64(st, 8));
        fn(fk_buf_cstr(&line), payload);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE) {
        fk_buf_free(&line);
        return db_error(s, err, "list batches");
    }
    if ((rc = query(s, "SELECT o.batch_id, o.order_id, f.code, f.message, "
                       "(SELECT group_concat(a.codes || ' by ' || a.approved_by, '; ') FROM "
                       "approvals a WHERE a.batch_id = o.batch_id AND a.order_id = o.order_id) "
                       "FROM orders o JOIN findings f ON f.order_row = o.id WHERE "
                       "o.status = 'held' AND (?1 = 0 OR o.batch_id = ?1) ORDER BY o.id, f.seq",
                    &st, err)) != FK_OK) {
        fk_buf_free(&line);
        return rc;
    }
    sqlite3_bind_int64(st, 1, batch_id);
    bool first = true;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (first) {
            fn("", payload);
            fn("open holds:", payload);
        }
        first = false;
        fk_buf_reset(&line);
        fk_buf_printf(&line, "  batch %lld  %s  %s: %s", (long long)sqlite3_column_int64(st, 0),
                      sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
                      sqlite3_column_text(st, 3));
        if (sqlite3_column_type(st, 4) != SQLITE_NULL)
            fk_buf_printf(&line, " [approved: %s]", sqlite3_column_text(st, 4));
        fn(fk_buf_cstr(&line), payload);
    }
    if (first && step == SQLITE_DONE)
        {
        fn("", payload);
        fn("no open holds", payload);
    }
    sqlite3_finalize(st);
    fk_buf_free(&line);
    if (step != SQLITE_DONE)
        return db_error(s, err, "list holds");
    return FK_OK;
}

/* ---- payments ---- */

fk_status fk_store_payment_add(fk_store *s, const fk_payment_in *p, fk_payment_result *res,
                               char *why, size_t whysz, fk_error *err)
{
    sqlite3_stmt *st = NULL;
    fk_status rc;
    int step;
    char currency[8] = "";
    int64_t gross = 0, paid = 0, amount;
    int64_t t;
    char key[128], hash[65];

    *res = FK_PAYMENT_REJECTED;
    why[0] = '\0';
    if ((rc = query(s, "SELECT i.currency, i.gross, COALESCE((SELECT SUM(p.amount) FROM payments p "
                       "WHERE p.invoice_number = i.number), 0) FROM invoices i WHERE i.number = ?",
                    &st, err)) != FK_OK)
        return rc;
    bind_text(st, 1, p->invoice_number);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(currency, sizeof(currency), "%s", sqlite3_column_text(st, 0));
        gross = sqlite3_column_int64(st, 1);
        paid = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return db_error(s, err, "look up the invoice");
    if (step == SQLITE_DONE) {
        snprintf(why, whysz, "unknown invoice number \"%.60s\"", p->invoice_number);
        return FK_OK;
    }
    if (*p->currency && strcmp(p->currency, currency) != 0) {
        snprintf(why, whysz, "invoice %s is in %s, the payment in %.8s", p->invoice_number,
                 currency, p->currency);
        return FK_OK;
    }
    int exp = fk_currency_exponent(currency);
    if (fk_decimal_parse(p->amount, '.', exp < 0 ? 2 : exp, &amount) != FK_DEC_OK || amount <= 0) {
        snprintf(why, whysz, "amount \"%.40s\" is not a positive amount in %s", p->amount,
                 currency);
        return FK_OK;
    }
    if (!fk_time_parse(p->paid_on, &t)) {
        snprintf(why, whysz, "paid_on \"%.40s\" is not a date (YYYY-MM-DD)", p->paid_on);
        return FK_OK;
    }
    /* A row is the same payment again if its payment_id is, else if the whole row is. */
    if (*p->payment_id) {
        snprintf(key, sizeof(key), "id:%.120s", p->payment_id);
    } else {
        fk_buf b = FK_BUF_INIT;
        fk_buf_printf(&b, "%s\x1f%lld\x1f%s\x1f%s", p->invoice_number, (long long)amount,
                      p->paid_on, currency);
        fk_sha256_hex(b.ptr, b.len, hash);
        fk_buf_free(&b);
        snprintf(key, sizeof(key), "row:%s", hash);
    }
    if ((rc = query(s, "SELECT 1 FROM payments WHERE payment_key = ?", &st, err)) != FK_OK)
        return rc;
    bind_text(st, 1, key);
    step = sqlite3_step(st);
    sqlite3_finalize(st);
    if (step == SQLITE_ROW) {
        *res = FK_PAYMENT_DUPLICATE;
        return FK_OK;
    }
    int64_t total = paid;
    if (!fk_add_checked(&total, amount) || total > gross) {
        char a[48], g[48], d[48];
        fk_decimal_format(amount, exp, a, sizeof(a));
        fk_decimal_format(gross, exp, g, sizeof(g));
        fk_decimal_format(paid, exp, d, sizeof(d));
        snprintf(why, whysz, "overpayment: %s %s on invoice %s of %s %s, of which %s is paid",
                 a, currency, p->invoice_number, g, currency, d);
        return FK_OK;
    }
    if ((rc = query(s, "INSERT INTO payments(payment_key, invoice_number, amount, paid_on, source) "
                       "VALUES (?,?,?,?,?)",
                    &st, err)) != FK_OK)
        return rc;
    bind_text(st, 1, key);
    bind_text(st, 2, p->invoice_number);
    sqlite3_bind_int64(st, 3, amount);
    bind_text(st, 4, p->paid_on);
    bind_text(st, 5, p->source);
    rc = step_done(s, st, "record a payment", err);
    sqlite3_finalize(st);
    if (rc == FK_OK)
        *res = FK_PAYMENT_RECORDED;
    return rc;
}
