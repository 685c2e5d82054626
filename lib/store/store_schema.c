/* SPDX-License-Identifier: MIT */
/* store_schema.c -- the schema and its migrations.
 *
 * The schema's version lives in PRAGMA user_version; migrations[] upgrade an older
 * database in place, one transaction each. Never edit a migration that has shipped: append.
 */
#include <stdio.h>
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

    /* 3: the invoice of record (issue 17): every invoice's complete content, recorded in
     * the transaction that consumes its number, immutable like the invoice. Invoices
     * issued before keep their totals and are marked as having no stored content
     * (has_document 0): show, reprint and the journal say so. (A migration of another
     * branch may be numbered before this one when merged: it is self-contained.) */
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

    /* 4: structured e-invoices (issue 18): the XML files written beside an invoice's PDF,
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
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

static void get_int(sqlite3_stmt *row, void *payload)
{
    *(int *)payload = sqlite3_column_int(row, 0);
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

fk_status fk_store__migrate(fk_store *s, fk_error *err)
{
    int version = 0;
    fk_status rc;

    if ((rc = read_version(s, &version, err)) != FK_OK)
        return rc;
    if (version > SCHEMA_VERSION)
        return too_new(s, version, err);
    for (int v = version; v < SCHEMA_VERSION; v++) {
        char pragma[64];
        if ((rc = fk_store_begin(s, err)) != FK_OK)
            return rc;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        if ((rc = fk_store__exec(s, migrations[v], err)) != FK_OK ||
            (rc = fk_store__exec(s, pragma, err)) != FK_OK) {
            fk_store_rollback(s);
            return rc;
        }
        if ((rc = fk_store_commit(s, err)) != FK_OK)
            return rc;
    }
    return FK_OK;
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
