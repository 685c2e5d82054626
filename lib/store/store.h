/* SPDX-License-Identifier: MIT */
/* store.h -- faktura's state in SQLite: batches, orders, findings, invoices, number series,
 * payments and approvals. Storage only: which rows mean what (which holds an approval may
 * release, which payment is acceptable, how `status` looks) is decided by the callers.
 *
 * Durability rules (RELIABILITY.md §1): WAL + synchronous=FULL, foreign keys on, a busy
 * timeout, BEGIN IMMEDIATE for every write transaction. An invoice number is consumed in
 * the same transaction that records its invoice, so a crash before COMMIT leaves neither a
 * gap nor a duplicate. "At most one invoice per order id" is a UNIQUE constraint.
 *
 * The files: store_db.c (handle, run lock, transactions, the one statement helper),
 * store_schema.c (schema, migrations), store_orders.c (orders, numbering), store_batch.c
 * (batches and reading them back), store_facts.c (the rules' queries), store_review.c
 * (approvals, holds, status), store_payments.c (payment rows), store_pending.c (output
 * files written but maybe not recorded).
 */
#ifndef FK_STORE_H
#define FK_STORE_H
#include <stdbool.h>
#include <stdint.h>
#include "faktura/batch.h"
#include "core/order.h"
#include "core/rules.h"

typedef struct fk_store fk_store;

/* Open (and create or migrate) the database for writing. Takes the run lock on the
 * database file first (store_db.c): another process holding it gives FK_EENV naming that
 * process. Batches still 'running' become 'interrupted': their process is gone. */
fk_status fk_store_open(fk_store **out, const char *path, fk_error *err);
/* Open an existing database read-only (no lock, no migration). *out is NULL and FK_OK is
 * returned when the file does not exist. */
fk_status fk_store_open_readonly(fk_store **out, const char *path, fk_error *err);
void fk_store_close(fk_store *s);
/* The database's identity (a random id made with it), NULL if it has none. */
const char *fk_store_id(fk_store *s);
/* The path it was opened with; the file and its directory, absolute. */
const char *fk_store_path(const fk_store *s);
const char *fk_store_real_path(const fk_store *s);
const char *fk_store_dir(const fk_store *s);
/* Does a writer hold the run lock (for a writer: itself)? A reader that says no knows that
 * no batch is really running. */
bool fk_store_writer_active(const fk_store *s);

fk_status fk_store_begin(fk_store *s, fk_error *err);   /* BEGIN IMMEDIATE */
fk_status fk_store_commit(fk_store *s, fk_error *err);
void fk_store_rollback(fk_store *s);

/* ---- batches (store_batch.c) ---- */

/* Record a new batch (in its own transaction), with the paths of its inputs. */
fk_status fk_store_batch_create(fk_store *s, const char *kind, const char *as_of,
                                const char *const *inputs, size_t ninputs, const char *out_dir,
                                int64_t *id, fk_error *err);
fk_status fk_store_batch_finish(fk_store *s, int64_t id, const char *state, fk_error *err);

typedef struct fk_batch_info {
    int64_t id;
    char kind[16];
    char as_of[32];
    char **inputs;     /* owned (fk_batch_info_free): the input paths */
    size_t ninputs;
    char *out_dir;     /* owned; absolute (a relative one resolved, see below) */
    char *out_dir_relative; /* owned: the relative path an older faktura recorded, resolved
                             * against the database's directory in out_dir; else NULL */
    char state[16];    /* running, done, aborted, interrupted (running, to a reader, when
                        * no writer holds the lock: interrupted) */
    uint64_t orders;   /* orders recorded */
} fk_batch_info;

/* *found is false when there is no such batch. */
fk_status fk_store_batch_get(fk_store *s, int64_t id, fk_batch_info *out, bool *found,
                             fk_error *err);
/* Free what fk_store_batch_get allocated (a zeroed info is fine). */
void fk_batch_info_free(fk_batch_info *bi);

typedef void (*fk_stored_order_fn)(const fk_outcome_rec *o, void *payload);
/* Call fn for every order of the batch, in input order. */
fk_status fk_store_batch_orders(fk_store *s, int64_t id, fk_stored_order_fn fn, void *payload,
                                fk_error *err);
/* Sum of the gross totals of the invoices recorded for the batch, per currency. */
typedef void (*fk_currency_sum_fn)(const char *currency, __int128 sum, void *payload);
fk_status fk_store_batch_invoice_sums(fk_store *s, int64_t id, fk_currency_sum_fn fn,
                                      void *payload, fk_error *err);

/* The failed and held orders of a batch, for `retry`: fn gets the row, the order id and
 * the stored data (JSON, see store_codec.h). */
typedef void (*fk_retry_fn)(int64_t row, const char *order_id, const char *data, void *payload);
fk_status fk_store_retry_set(fk_store *s, int64_t batch_id, fk_retry_fn fn, void *payload,
                             fk_error *err);

/* A recorded order of a batch, in input order: finishing an incomplete batch matches its
 * inputs with them. */
typedef struct fk_recorded_row {
    bool found;
    int64_t row;
    char file[4096];
    unsigned long line;
    char order_id[1100];   /* ingestion keeps at most 1,024 bytes of a value */
} fk_recorded_row;
/* The batch's first order recorded after row `after` (0: its first). */
fk_status fk_store_batch_row_after(fk_store *s, int64_t batch_id, int64_t after,
                                   fk_recorded_row *out, fk_error *err);
/* The order ids of a batch's settled orders (invoiced, skipped, cancelled, credited), for
 * a retry's * duplicate-id check. */
typedef void (*fk_id_fn)(const char *order_id, void *payload);
fk_status fk_store_settled_ids(fk_store *s, int64_t batch_id, fk_id_fn fn, void *payload,
                               fk_error *err);

/* Every recorded invoice (of one batch, or all when batch_id is 0): fn gets the number,
 * its series and sequence, the PDF's path (out_dir/pdf_name), size and SHA-256. */
typedef void (*fk_invoice_fn)(const char *number, const char *series, int64_t seq,
                              const char *pdf_path, int64_t size, const char *sha256,
                              void *payload);
fk_status fk_store_invoices(fk_store *s, int64_t batch_id, bool last_batch_only,
                            fk_invoice_fn fn, void *payload, fk_error *err);
/* The batches (one, or all when batch_id is 0) with invoices whose output directory an
 * older faktura recorded relative to its working directory: fn gets the recorded path and
 * the path it is resolved to (in the database's directory). */
typedef void (*fk_relative_dir_fn)(int64_t batch_id, const char *recorded, const char *resolved,
                                   void *payload);
fk_status fk_store_relative_dirs(fk_store *s, int64_t batch_id, fk_relative_dir_fn fn,
                                 void *payload, fk_error *err);
/* Per series: count, max and distinct count of sequence numbers (gapless: all three equal). */
typedef void (*fk_series_fn)(const char *series, int64_t count, int64_t max, int64_t distinct,
                             int64_t next_seq, void *payload);
fk_status fk_store_series_check(fk_store *s, fk_series_fn fn, void *payload, fk_error *err);

/* ---- orders and numbering (store_orders.c) ---- */

/* The invoice already issued for order_id, if any. */
fk_status fk_store_prior(fk_store *s, const char *order_id, fk_prior_invoice *out,
                         fk_error *err);
/* Is `number` a recorded invoice number? */
fk_status fk_store_has_number(fk_store *s, const char *number, bool *out, fk_error *err);

/* The next sequence number of series `key` (not consumed until fk_store_order_record). */
fk_status fk_store_peek_seq(fk_store *s, const char *key, int64_t *seq, fk_error *err);

typedef struct fk_invoice_rec {
    const char *number, *series;
    int64_t seq;
    const char *issue_date, *due_date;
    const char *pdf_name;      /* file name inside the batch's out dir */
    uint64_t pdf_size;
    const char *pdf_sha256;
    const char *doc_json;      /* the invoice of record (core/document.h), canonical JSON */
    size_t doc_len;
    const char *doc_sha256;    /* its SHA-256 */
} fk_invoice_rec;

/* Record an order's outcome and findings in batch `batch_id`: a new row when `row` is 0,
 * else (a retry) replace the outcome of that not-yet-invoiced row. With `inv`, also its
 * invoice, consuming inv->seq of inv->series (which must be the peeked value), and its
 * document (the invoice of record). A non-invoiced order keeps its ingested data for
 * retries. Inside a transaction. */
fk_status fk_store_order_record(fk_store *s, int64_t batch_id, int64_t row, const fk_order *o,
                                const fk_invoice_rec *inv, fk_error *err);

/* Record e-invoice `format` of invoice `number` (its file in the batch's output directory,
 * size and SHA-256), in the transaction that records the invoice. */
fk_status fk_store_einvoice_record(fk_store *s, const char *number, const char *format,
                                   const char *file_name, uint64_t size, const char *sha256,
                                   fk_error *err);
/* The same for credit note `number` (its file in the credit note's output directory), in
 * the transaction that records the credit note. */
fk_status fk_store_credit_einvoice_record(fk_store *s, const char *number, const char *format,
                                          const char *file_name, uint64_t size,
                                          const char *sha256, fk_error *err);
/* A recorded e-invoice file. */
typedef struct fk_stored_einvoice {
    const char *number, *format, *file_name, *sha256;
    const char *path; /* out_dir/file_name */
    int64_t size;
} fk_stored_einvoice;
typedef void (*fk_stored_einvoice_fn)(const fk_stored_einvoice *e, void *payload);
/* The e-invoice files of invoice or credit note `number` (NULL: of every one) of batch
 * `batch_id` (0: any, with the credit notes', which belong to no batch), by number and
 * format. */
fk_status fk_store_einvoice_list(fk_store *s, const char *number, int64_t batch_id,
                                 fk_stored_einvoice_fn fn, void *payload, fk_error *err);

/* ---- the invoices of record (store_documents.c) ---- */

/* An issued invoice as the database has it. Strings are owned (fk_stored_invoice_free). */
typedef struct fk_stored_invoice {
    bool found;
    char number[128];
    char issue_date[16], due_date[16];
    char currency[8];
    int64_t net, vat, gross;
    int64_t paid;              /* sum of its recorded payments */
    char *pdf_path;            /* out_dir/pdf_name */
    char *out_dir, *pdf_name;  /* its batch's output directory, its file name there */
    int64_t pdf_size;
    char pdf_sha256[65];
    bool has_content;          /* issued with a stored document (schema 3 on) */
    char *content;             /* the document's JSON, NULL when none */
    char content_sha256[65];
    char kind[16];             /* "invoice" or "credit_note" */
    int version;
    int64_t credited;          /* an invoice: the gross its credit notes took off (> 0) */
    char corrects[128];        /* a credit note: the invoice it corrects */
} fk_stored_invoice;
void fk_stored_invoice_free(fk_stored_invoice *si);

/* The invoice `number`, else the credit note `number` (kind "credit_note"; paid 0, its
 * amounts negative); si->found false when there is neither. */
fk_status fk_store_invoice_get(fk_store *s, const char *number, fk_stored_invoice *si,
                               fk_error *err);
/* Every invoice and credit note issued from `from` to `to` (YYYY-MM-DD, inclusive; NULL or
 * "": open), in issue-date and number order (invoices before credit notes of a day), each
 * to fn (the record lives until fn returns). */
typedef void (*fk_stored_invoice_fn)(const fk_stored_invoice *si, void *payload);
fk_status fk_store_invoice_list(fk_store *s, const char *from, const char *to,
                                fk_stored_invoice_fn fn, void *payload, fk_error *err);

/* ---- credit notes (store_credits.c) ---- */

/* A credit note's key (--id, credit_id, "chargeback:INVOICE"): what it was issued as. */
typedef struct fk_credit_key {
    bool found;
    char number[128];
    char request_hash[65];
    char invoice_number[128];
} fk_credit_key;
fk_status fk_store_credit_by_key(fk_store *s, const char *key, fk_credit_key *out,
                                 fk_error *err);
/* The next number of credit note series `series` (consumed by fk_store_credit_record). */
fk_status fk_store_credit_peek(fk_store *s, const char *series, int64_t *seq, fk_error *err);

typedef struct fk_credit_rec {
    const char *number, *series;
    int64_t seq;
    const char *key, *request_hash, *invoice_number;
    int64_t order_row;         /* a chargeback's order row, 0: none */
    const char *issue_date, *currency;
    int64_t net, vat, gross;   /* negative */
    const char *reason;
    const char *out_dir, *pdf_name;
    uint64_t pdf_size;
    const char *pdf_sha256;
    const char *content, *content_sha256; /* the credit note of record */
} fk_credit_rec;
/* Record a credit note, consuming c->seq of c->series (the peeked value). Inside a
 * transaction. */
fk_status fk_store_credit_record(fk_store *s, const fk_credit_rec *c, fk_error *err);
/* The documents of the credit notes of an invoice, in number order: fn(number, json). */
typedef void (*fk_credit_content_fn)(const char *number, const char *json, void *payload);
fk_status fk_store_credits_of(fk_store *s, const char *invoice_number, fk_credit_content_fn fn,
                              void *payload, fk_error *err);
fk_status fk_store_has_credit_number(fk_store *s, const char *number, bool *out, fk_error *err);

/* ---- the generation rules' facts (store_facts.c) ---- */

/* Add to f what the database knows (every committed invoice and payment). */
fk_status fk_store_customer_facts(fk_store *s, const fk_order *o, const fk_rules *r,
                                  const char *issue_date, int64_t as_of, fk_customer_facts *f,
                                  fk_error *err);

/* ---- review: approvals, holds, status (store_review.c) ---- */

/* What an approval covers: the order as it was reviewed. */
typedef struct fk_order_content {
    bool found;
    char content_hash[65];
    bool amount_known;
    int64_t amount;
} fk_order_content;
/* The codes an accountant released for the order with this content (terminated by
 * FK_CODE_NONE); *stale: approvals of the order exist for other content. */
fk_status fk_store_approved_codes(fk_store *s, int64_t batch_id, const char *order_id,
                                  const char *content_hash, bool amount_known, int64_t amount,
                                  fk_code *out, size_t n, bool *stale, fk_error *err);
/* The content of the order held in the batch under order_id (found false: none held). */
fk_status fk_store_held_content(fk_store *s, int64_t batch_id, const char *order_id,
                                fk_order_content *out, fk_error *err);
/* The distinct codes of the findings of the order if it is held (in name order), each to
 * fn; none when it is not held. */
typedef void (*fk_code_fn)(fk_code code, const char *name, void *payload);
fk_status fk_store_held_codes(fk_store *s, int64_t batch_id, const char *order_id,
                              fk_code_fn fn, void *payload, fk_error *err);
/* Record an approval of the order with that content: the released codes (their names,
 * space-separated), why, who, when. */
fk_status fk_store_approval_add(fk_store *s, int64_t batch_id, const char *order_id,
                                const fk_order_content *content, const char *codes,
                                const char *reason, const char *who, const char *when,
                                fk_error *err);
/* Held orders whose only finding code is `code` (named as in codes.def), in any batch. */
typedef void (*fk_held_fn)(int64_t row, int64_t batch_id, const char *order_id,
                           const char *data, void *payload);
fk_status fk_store_held_only_for(fk_store *s, const char *code, fk_held_fn fn, void *payload,
                                 fk_error *err);
/* Batches (one, or all when batch_id is 0) with their counts per status, in id order; then
 * every finding of every held order with the order's approvals, in order. Rows are
 * borrowed for the call. */
fk_status fk_store_status(fk_store *s, int64_t batch_id, fk_batch_row_fn batches,
                          fk_hold_row_fn holds, void *payload, fk_error *err);

/* The order `order_id` of batch `batch_id` (its failed or held row first when the id is
 * there twice): its row and status; *found false when the batch has no such order. */
fk_status fk_store_order_find(fk_store *s, int64_t batch_id, const char *order_id,
                              int64_t *row, char *status, size_t n, bool *found,
                              fk_error *err);
/* Cancel a failed or held order (inside a transaction): status 'cancelled', a finding
 * ORDER_CANCELLED with `message`, and who, why and when in the cancellations. */
fk_status fk_store_order_cancel(fk_store *s, int64_t row, int64_t batch_id,
                                const char *order_id, const char *previous_status,
                                const char *reason, const char *who, const char *when,
                                const char *message, fk_error *err);

/* ---- output files written but maybe not recorded (store_pending.c) ---- */

/* Record that `name` may be written in out_dir (absolute) and not yet be recorded: inside
 * a transaction that commits before the file is written. */
fk_status fk_store_pending_add(fk_store *s, const char *out_dir, const char *name,
                               fk_error *err);
typedef void (*fk_name_fn)(const char *name, void *payload);
/* The names recorded as pending in out_dir. */
fk_status fk_store_pending_list(fk_store *s, const char *out_dir, fk_name_fn fn, void *payload,
                                fk_error *err);
/* Forget them (out_dir was recovered, or a batch ended with nothing left behind). */
fk_status fk_store_pending_clear(fk_store *s, const char *out_dir, fk_error *err);

/* ---- payment rows (store_payments.c); the acceptance rules are the caller's ---- */

/* The invoice a payment names: its currency, gross total and what was paid on it so far. */
typedef struct fk_invoice_balance {
    bool found;
    char currency[8];
    int64_t gross, paid;
    int64_t credited;    /* what its credit notes took off (> 0) */
} fk_invoice_balance;
fk_status fk_store_invoice_balance(fk_store *s, const char *number, fk_invoice_balance *out,
                                   fk_error *err);
/* Is a payment with this key (payment_id, else the row's hash) recorded? */
fk_status fk_store_payment_seen(fk_store *s, const char *key, bool *seen, fk_error *err);
typedef struct fk_payment_rec {
    const char *key, *invoice_number;
    int64_t amount;      /* minor units, > 0 */
    const char *paid_on, *source;
} fk_payment_rec;
/* Record a payment (inside a transaction). */
fk_status fk_store_payment_insert(fk_store *s, const fk_payment_rec *p, fk_error *err);
#endif
