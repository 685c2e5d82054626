/* SPDX-License-Identifier: MIT */
/* store_schema.c -- the schema and its migrations.
 *
 * The schema's version lives in PRAGMA user_version; migrations[] upgrade an older
 * database in place, one transaction each. Never edit a migration that has shipped: append.
 */
#include <stdio.h>
#include <string.h>
#include "store/store_impl.h"

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

    /* harden15 (issue 15, item 13): a batch that stopped before every order of its inputs
     * was read and recorded (a signal, a killed process) is 'interrupted'; `retry` with the
     * inputs finishes it. A CHECK cannot be altered in place: the table is rebuilt (the
     * migrations run with foreign keys off and check them before each commit). */
    "CREATE TABLE batches_v3("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  as_of TEXT NOT NULL,"
    "  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
    "  inputs TEXT NOT NULL,"
    "  out_dir TEXT,"
    "  state TEXT NOT NULL DEFAULT 'running'"
    "    CHECK (state IN ('running','done','aborted','interrupted')));"
    "INSERT INTO batches_v3(id, kind, as_of, started_at, inputs, out_dir, state)"
    "  SELECT id, kind, as_of, started_at, inputs, out_dir, state FROM batches;"
    "DROP TABLE batches;"
    "ALTER TABLE batches_v3 RENAME TO batches;",

    /* harden15 (issue 15, item 4): an approval covers the content that was reviewed, its
     * content hash and amount; changed content is checked afresh. Approvals recorded before
     * covered the order as the batch held it then. */
    "ALTER TABLE approvals ADD COLUMN content_hash TEXT;"
    "ALTER TABLE approvals ADD COLUMN amount INTEGER;"
    "UPDATE approvals SET"
    "  content_hash = (SELECT o.content_hash FROM orders o WHERE o.batch_id = approvals.batch_id"
    "    AND o.order_id = approvals.order_id ORDER BY o.status = 'held' DESC, o.id LIMIT 1),"
    "  amount = (SELECT o.amount FROM orders o WHERE o.batch_id = approvals.batch_id"
    "    AND o.order_id = approvals.order_id ORDER BY o.status = 'held' DESC, o.id LIMIT 1);",

    /* harden15 (issue 15, item 23): running totals for the generation rules, kept by
     * triggers in the transaction of each invoice and payment, so that a rule costs one
     * indexed lookup an order instead of a sum over all of the customer's invoices:
     * the open balance per customer and currency, the invoices per customer and issue day,
     * the invoices not yet paid in full (for overdue balances), and duplicate charges found
     * by charge and time. Invoices of version 1 have no customer key: the rules never saw
     * them. */
    "CREATE TABLE customer_balances("
    "  customer_key TEXT NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  open_amount INTEGER NOT NULL,"         /* invoiced less paid, minor units */
    "  PRIMARY KEY (customer_key, currency)) WITHOUT ROWID;"
    "CREATE TABLE customer_days("
    "  customer_key TEXT NOT NULL,"
    "  issue_date TEXT NOT NULL,"
    "  invoices INTEGER NOT NULL,"
    "  PRIMARY KEY (customer_key, issue_date)) WITHOUT ROWID;"
    "CREATE TABLE open_invoices("
    "  number TEXT PRIMARY KEY,"
    "  customer_key TEXT NOT NULL,"
    "  due_date TEXT NOT NULL);"
    "CREATE INDEX open_invoices_due ON open_invoices(customer_key, due_date, number);"
    "DROP INDEX invoices_charge;"
    "CREATE INDEX invoices_charge ON invoices(charge_key, order_time);"
    "INSERT INTO customer_balances(customer_key, currency, open_amount)"
    "  SELECT i.customer_key, i.currency, SUM(i.gross - COALESCE((SELECT SUM(p.amount)"
    "    FROM payments p WHERE p.invoice_number = i.number), 0))"
    "  FROM invoices i WHERE i.customer_key IS NOT NULL GROUP BY i.customer_key, i.currency;"
    "INSERT INTO customer_days(customer_key, issue_date, invoices)"
    "  SELECT customer_key, issue_date, count(*) FROM invoices"
    "  WHERE customer_key IS NOT NULL GROUP BY customer_key, issue_date;"
    "INSERT INTO open_invoices(number, customer_key, due_date)"
    "  SELECT i.number, i.customer_key, i.due_date FROM invoices i"
    "  WHERE i.customer_key IS NOT NULL AND i.gross > COALESCE((SELECT SUM(p.amount)"
    "    FROM payments p WHERE p.invoice_number = i.number), 0);"
    "CREATE TRIGGER invoices_totals AFTER INSERT ON invoices WHEN NEW.customer_key IS NOT NULL"
    "  BEGIN"
    "  INSERT INTO customer_balances(customer_key, currency, open_amount)"
    "    VALUES (NEW.customer_key, NEW.currency, NEW.gross)"
    "    ON CONFLICT (customer_key, currency) DO UPDATE SET open_amount = open_amount + "
    "    excluded.open_amount;"
    "  INSERT INTO customer_days(customer_key, issue_date, invoices)"
    "    VALUES (NEW.customer_key, NEW.issue_date, 1)"
    "    ON CONFLICT (customer_key, issue_date) DO UPDATE SET invoices = invoices + 1;"
    "  INSERT INTO open_invoices(number, customer_key, due_date)"
    "    SELECT NEW.number, NEW.customer_key, NEW.due_date WHERE NEW.gross > 0;"
    "  END;"
    /* A payment lowers its invoice's customer's balance and closes the invoice once paid
     * in full; a payment removed or changed by hand undoes that, so the totals stay true
     * whatever writes the table. */
    "CREATE TRIGGER payments_totals AFTER INSERT ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount - NEW.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = NEW.invoice_number);"
    "  DELETE FROM open_invoices WHERE number = NEW.invoice_number AND"
    "    (SELECT gross FROM invoices WHERE number = NEW.invoice_number) <="
    "    (SELECT SUM(amount) FROM payments WHERE invoice_number = NEW.invoice_number);"
    "  END;"
    "CREATE TRIGGER payments_totals_delete AFTER DELETE ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount + OLD.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = OLD.invoice_number);"
    "  INSERT OR IGNORE INTO open_invoices(number, customer_key, due_date)"
    "    SELECT i.number, i.customer_key, i.due_date FROM invoices i"
    "    WHERE i.number = OLD.invoice_number AND i.customer_key IS NOT NULL AND i.gross >"
    "    COALESCE((SELECT SUM(amount) FROM payments WHERE invoice_number = i.number), 0);"
    "  END;"
    "CREATE TRIGGER payments_totals_update AFTER UPDATE ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount + OLD.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = OLD.invoice_number);"
    "  INSERT OR IGNORE INTO open_invoices(number, customer_key, due_date)"
    "    SELECT i.number, i.customer_key, i.due_date FROM invoices i"
    "    WHERE i.number = OLD.invoice_number AND i.customer_key IS NOT NULL AND i.gross >"
    "    COALESCE((SELECT SUM(amount) FROM payments WHERE invoice_number = i.number), 0);"
    "  UPDATE customer_balances SET open_amount = open_amount - NEW.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = NEW.invoice_number);"
    "  DELETE FROM open_invoices WHERE number = NEW.invoice_number AND"
    "    (SELECT gross FROM invoices WHERE number = NEW.invoice_number) <="
    "    (SELECT SUM(amount) FROM payments WHERE invoice_number = NEW.invoice_number);"
    "  END;",

    /* harden15 (issue 15, items 8 and 9): the database's identity, which its output
     * directories' marker files name (one directory, one database), and the output files a
     * run may have left behind unrecorded: a run records the names of the PDFs it is about
     * to write before it writes them, and start-up recovery removes only those. */
    "CREATE TABLE meta("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES ('database_id', lower(hex(randomblob(16))));"
    "CREATE TABLE pending_files("
    "  out_dir TEXT NOT NULL,"                /* absolute */
    "  name TEXT NOT NULL,"                   /* the PDF's file name */
    "  PRIMARY KEY (out_dir, name)) WITHOUT ROWID;",

    /* 7: the invoice of record (issue 17): every invoice's complete content, recorded in
     * the transaction that consumes its number, immutable like the invoice. Invoices
     * issued before keep their totals and are marked as having no stored content
     * (has_document 0): show, reprint and the journal say so. */
    "ALTER TABLE invoices ADD COLUMN has_document INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE documents("
    "  number TEXT PRIMARY KEY REFERENCES invoices(number),"
    "  kind TEXT NOT NULL,"                 /* 'invoice' (credit notes: a later issue) */
    "  version INTEGER NOT NULL,"           /* of the JSON (docs/invoice.md) */
    "  content TEXT NOT NULL,"              /* the canonical JSON */
    "  sha256 TEXT NOT NULL);"
    "CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents"
    "  BEGIN SELECT RAISE(ABORT, 'stored documents are immutable'); END;"
    "CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents"
    "  BEGIN SELECT RAISE(ABORT, 'stored documents are never deleted'); END;",

    /* issue 19: corrections: cancelled orders, credit notes with their own gapless series
     * and their documents of record. The orders' status CHECK gains 'cancelled' and
     * 'credited' (widen_order_status, below: a CHECK that only accepts more needs no table
     * rebuild). A credit note lowers its invoice's customer's open balance and closes the
     * invoice once what is paid covers what is left (the running totals of harden15); the
     * payments' triggers count the credit notes too. */
    "CREATE TABLE cancellations("
    "  id INTEGER PRIMARY KEY,"
    "  order_row INTEGER NOT NULL UNIQUE REFERENCES orders(id),"
    "  batch_id INTEGER NOT NULL REFERENCES batches(id),"
    "  order_id TEXT NOT NULL,"
    "  previous_status TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  cancelled_by TEXT NOT NULL,"
    "  cancelled_at TEXT NOT NULL);"
    "CREATE TABLE credit_series("
    "  key TEXT PRIMARY KEY,"
    "  next_seq INTEGER NOT NULL CHECK (next_seq >= 1));"
    "CREATE TABLE credit_notes("
    "  number TEXT PRIMARY KEY,"
    "  series TEXT NOT NULL REFERENCES credit_series(key),"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  credit_key TEXT NOT NULL UNIQUE,"    /* --id / credit_id / chargeback:ORDER: once */
    "  request_hash TEXT NOT NULL,"         /* what was asked under the key */
    "  invoice_number TEXT NOT NULL REFERENCES invoices(number),"
    "  order_row INTEGER REFERENCES orders(id)," /* a chargeback's order, else NULL */
    "  issue_date TEXT NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  net INTEGER NOT NULL CHECK (net <= 0),"   /* negative: what is credited */
    "  vat INTEGER NOT NULL CHECK (vat <= 0),"
    "  gross INTEGER NOT NULL CHECK (gross = net + vat),"
    "  reason TEXT NOT NULL,"
    "  out_dir TEXT NOT NULL,"
    "  pdf_name TEXT NOT NULL,"
    "  pdf_size INTEGER NOT NULL,"
    "  pdf_sha256 TEXT NOT NULL,"
    "  content TEXT NOT NULL,"              /* the credit note of record (canonical JSON) */
    "  content_sha256 TEXT NOT NULL,"
    "  UNIQUE (series, seq));"
    "CREATE INDEX credit_notes_invoice ON credit_notes(invoice_number);"
    "CREATE TRIGGER credit_notes_gapless BEFORE INSERT ON credit_notes"
    "  WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM credit_notes WHERE series = NEW.series),"
    "  0) + 1"
    "  BEGIN SELECT RAISE(ABORT, 'credit note number out of sequence'); END;"
    "CREATE TRIGGER credit_notes_no_update BEFORE UPDATE ON credit_notes"
    "  BEGIN SELECT RAISE(ABORT, 'issued credit notes are immutable'); END;"
    "CREATE TRIGGER credit_notes_no_delete BEFORE DELETE ON credit_notes"
    "  BEGIN SELECT RAISE(ABORT, 'issued credit notes are never deleted'); END;"
    "CREATE VIEW invoice_due AS SELECT i.number, i.customer_key, i.currency, i.due_date,"
    "  i.gross + COALESCE((SELECT SUM(c.gross) FROM credit_notes c"
    "    WHERE c.invoice_number = i.number), 0) AS owed,"
    "  COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_number = i.number), 0)"
    "    AS paid FROM invoices i;"
    "CREATE TRIGGER credit_notes_totals AFTER INSERT ON credit_notes BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount + NEW.gross"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = NEW.invoice_number);"
    "  DELETE FROM open_invoices WHERE number = NEW.invoice_number AND"
    "    (SELECT owed <= paid FROM invoice_due WHERE number = NEW.invoice_number);"
    "  END;"
    "DROP TRIGGER payments_totals;"
    "DROP TRIGGER payments_totals_delete;"
    "DROP TRIGGER payments_totals_update;"
    "CREATE TRIGGER payments_totals AFTER INSERT ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount - NEW.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = NEW.invoice_number);"
    "  DELETE FROM open_invoices WHERE number = NEW.invoice_number AND"
    "    (SELECT owed <= paid FROM invoice_due WHERE number = NEW.invoice_number);"
    "  END;"
    "CREATE TRIGGER payments_totals_delete AFTER DELETE ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount + OLD.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = OLD.invoice_number);"
    "  INSERT OR IGNORE INTO open_invoices(number, customer_key, due_date)"
    "    SELECT number, customer_key, due_date FROM invoice_due"
    "    WHERE number = OLD.invoice_number AND customer_key IS NOT NULL AND owed > paid;"
    "  END;"
    "CREATE TRIGGER payments_totals_update AFTER UPDATE ON payments BEGIN"
    "  UPDATE customer_balances SET open_amount = open_amount + OLD.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = OLD.invoice_number);"
    "  INSERT OR IGNORE INTO open_invoices(number, customer_key, due_date)"
    "    SELECT number, customer_key, due_date FROM invoice_due"
    "    WHERE number = OLD.invoice_number AND customer_key IS NOT NULL AND owed > paid;"
    "  UPDATE customer_balances SET open_amount = open_amount - NEW.amount"
    "    WHERE (customer_key, currency) ="
    "      (SELECT customer_key, currency FROM invoices WHERE number = NEW.invoice_number);"
    "  DELETE FROM open_invoices WHERE number = NEW.invoice_number AND"
    "    (SELECT owed <= paid FROM invoice_due WHERE number = NEW.invoice_number);"
    "  END;",
    /* 9: structured e-invoices (issue 18): the XML files written beside an invoice's PDF,
     * one row per format, recorded in the transaction that consumes its number and
     * immutable like it. (Self-contained, like 3: it may be renumbered by a merge.) */
    "CREATE TABLE einvoices("
    "  number TEXT NOT NULL REFERENCES invoices(number),"
    "  format TEXT NOT NULL,"               /* 'peppol', 'xrechnung-ubl', ... */
    "  file_name TEXT NOT NULL,"            /* in the invoice's batch's output directory */
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  PRIMARY KEY (number, format));"
    "CREATE TRIGGER einvoices_no_update BEFORE UPDATE ON einvoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued e-invoices are immutable'); END;"
    "CREATE TRIGGER einvoices_no_delete BEFORE DELETE ON einvoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued e-invoices are never deleted'); END;",
    /* 10: a credit note's structured forms (issue 19), in the formats of its invoice: as
     * the einvoices of an invoice, recorded in the transaction that consumes the credit
     * note's number, in its output directory. (Self-contained: it may be renumbered.) */
    "CREATE TABLE credit_einvoices("
    "  number TEXT NOT NULL REFERENCES credit_notes(number),"
    "  format TEXT NOT NULL,"
    "  file_name TEXT NOT NULL,"            /* in the credit note's out_dir */
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  PRIMARY KEY (number, format));"
    "CREATE TRIGGER credit_einvoices_no_update BEFORE UPDATE ON credit_einvoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued e-invoices are immutable'); END;"
    "CREATE TRIGGER credit_einvoices_no_delete BEFORE DELETE ON credit_einvoices"
    "  BEGIN SELECT RAISE(ABORT, 'issued e-invoices are never deleted'); END;",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static void get_int(sqlite3_stmt *row, void *payload)
{
    *(int *)payload = sqlite3_column_int(row, 0);
}

static void count_row(sqlite3_stmt *row, void *payload)
{
    (void)row;
    (*(int *)payload)++;
}

static fk_status read_version(fk_store *s, int *version, fk_error *err)
{
    return fk_sql(s, STMT_COUNT, "read the schema version", get_int, version, err,
                  "PRAGMA user_version", NULL);
}

/* A database newer than this faktura: neither `run` nor any reader can use it. */
static fk_status too_new(fk_store *s, int version, fk_error *err)
{
    return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                        "the database has schema version %d, newer than this faktura (%d): use "
                        "a newer faktura",
                        version, SCHEMA_VERSION);
}

static void get_int64(sqlite3_stmt *row, void *payload)
{
    *(int64_t *)payload = sqlite3_column_int64(row, 0);
}

/* The orders' status CHECK of schema 1 accepts more outcomes: its text in the schema is
 * replaced (SQLite's documented procedure for loosening a constraint: the rows already
 * there pass the wider one, so nothing is rebuilt) and the schema version bumped so every
 * connection reads the new text. Inside the migration's transaction. */
static fk_status widen_order_status(fk_store *s, fk_error *err)
{
    int64_t sv = 0;
    char pragma[64];
    fk_status rc;

    if ((rc = fk_sql(s, STMT_COUNT, "read the schema", get_int64, &sv, err,
                     "PRAGMA schema_version", NULL)) != FK_OK ||
        (rc = fk_store__exec(s, "PRAGMA writable_schema = ON", err)) != FK_OK)
        return rc;
    rc = fk_sql(s, STMT_COUNT, "widen the orders' status", NULL, NULL, err,
                "UPDATE sqlite_schema SET sql = replace(sql, "
                "'CHECK (status IN (''invoiced'',''failed'',''held'',''skipped''))', "
                "'CHECK (status IN (''invoiced'',''failed'',''held'',''skipped'',"
                "''cancelled'',''credited''))') WHERE type = 'table' AND name = 'orders'",
                NULL);
    snprintf(pragma, sizeof(pragma), "PRAGMA schema_version = %lld", (long long)sv + 1);
    if (rc == FK_OK)
        rc = fk_store__exec(s, pragma, err);
    fk_status off = fk_store__exec(s, "PRAGMA writable_schema = OFF", err);
    return rc != FK_OK ? rc : off;
}

/* Steps a migration needs besides its SQL, run after it in its transaction: keyed by the
 * first statement of the migration, so a renumbering at a merge keeps them together. */
static fk_status migration_steps(fk_store *s, const char *sql, fk_error *err)
{
    if (strncmp(sql, "CREATE TABLE cancellations(", 27) == 0)
        return widen_order_status(s, err);
    return FK_OK;
}

fk_status fk_store__migrate(fk_store *s, fk_error *err)
{
    int version = 0;
    fk_status rc;

    if ((rc = read_version(s, &version, err)) != FK_OK)
        return rc;
    if (version > SCHEMA_VERSION)
        return too_new(s, version, err);
    if (version == SCHEMA_VERSION)
        return FK_OK;
    /* A migration may rebuild a table others refer to (SQLite's documented procedure):
     * foreign keys are off while they run (the pragma is a no-op inside a transaction) and
     * checked before each one commits. */
    if ((rc = fk_store__exec(s, "PRAGMA foreign_keys = OFF", err)) != FK_OK)
        return rc;
    for (int v = version; v < SCHEMA_VERSION && rc == FK_OK; v++) {
        char pragma[64];
        int broken = 0;
        if ((rc = fk_store_begin(s, err)) != FK_OK)
            break;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if ((rc = fk_store__exec(s, migrations[v], err)) == FK_OK &&
            (rc = migration_steps(s, migrations[v], err)) == FK_OK &&
            (rc = fk_sql(s, STMT_COUNT, "check foreign keys", count_row, &broken, err,
                         "PRAGMA foreign_key_check", NULL)) == FK_OK && broken)
            rc = fk_error_set(err, FK_EINTERNAL, s->path, 0, NULL,
                              "upgrading the schema to version %d broke %d references", v + 1,
                              broken);
        if (rc == FK_OK)
            rc = fk_store__exec(s, pragma, err);
        if (rc != FK_OK) {
            fk_store_rollback(s);
            break;
        }
        rc = fk_store_commit(s, err);
    }
    fk_status on = fk_store__exec(s, "PRAGMA foreign_keys = ON", err);
    return rc != FK_OK ? rc : on;
}

fk_status fk_store__check_version(fk_store *s, fk_error *err)
{
    fk_error ignored = FK_ERROR_INIT;
    int version = -1;

    read_version(s, &version, &ignored); /* unreadable: reported as version -1 below */
    if (version == SCHEMA_VERSION)
        return FK_OK;
    if (version > SCHEMA_VERSION)
        return too_new(s, version, err);
    return fk_error_set(err, FK_EENV, s->path, 0, NULL,
                        "the database has schema version %d, this faktura reads %d; run "
                        "`faktura run` once to upgrade it",
                        version, SCHEMA_VERSION);
}
