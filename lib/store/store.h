/* SPDX-License-Identifier: MIT */
/* store.h -- faktura's state in SQLite: batches, orders, findings, invoices, number series.
 *
 * Durability rules (RELIABILITY.md §1): WAL + synchronous=FULL, foreign keys on, a busy
 * timeout, BEGIN IMMEDIATE for every write transaction. An invoice number is consumed in
 * the same transaction that records its invoice, so a crash before COMMIT leaves neither a
 * gap nor a duplicate. "At most one invoice per order id" is a UNIQUE constraint.
 */
#ifndef FK_STORE_H
#define FK_STORE_H
#include <stdbool.h>
#include <stdint.h>
#include "faktura/batch.h"
#include "core/order.h"
#include "detect/detect.h"

typedef struct fk_store fk_store;

/* Open (and create or migrate) the database for writing. Takes the run lock first:
 * another process holding it gives FK_EENV naming that process. */
fk_status fk_store_open(fk_store **out, const char *path, fk_error *err);
/* Open an existing database read-only (no lock, no migration). *out is NULL and FK_OK is
 * returned when the file does not exist. */
fk_status fk_store_open_readonly(fk_store **out, const char *path, fk_error *err);
void fk_store_close(fk_store *s);

fk_status fk_store_begin(fk_store *s, fk_error *err);   /* BEGIN IMMEDIATE */
fk_status fk_store_commit(fk_store *s, fk_error *err);
void fk_store_rollback(fk_store *s);

/* Record a new batch (in its own transaction). inputs_json: a JSON array of the inputs. */
fk_status fk_store_batch_create(fk_store *s, const char *kind, const char *as_of,
                                const char *inputs_json, const char *out_dir, int64_t *id,
                                fk_error *err);
fk_status fk_store_batch_finish(fk_store *s, int64_t id, const char *state, fk_error *err);

/* The invoice already issued for order_id, if any. */
fk_status fk_store_prior(fk_store *s, const char *order_id, fk_prior_invoice *out,
                         fk_error *err);
/* Is `number` a recorded invoice number? */
fk_status fk_store_has_number(fk_store *s, const char *number, bool *out, fk_error *err);

/* The next sequence number of series `key` (not consumed until fk_store_invoice_add). */
fk_status fk_store_peek_seq(fk_store *s, const char *key, int64_t *seq, fk_error *err);

typedef struct fk_invoice_rec {
    const char *number, *series;
    int64_t seq;
    const char *issue_date, *due_date;
    const char *pdf_name;      /* file name inside the batch's out dir */
    uint64_t pdf_size;
    const char *pdf_sha256;
} fk_invoice_rec;

/* Record an order's outcome and findings in batch `batch_id`: a new row when `row` is 0,
 * else (a retry) replace the outcome of that not-yet-invoiced row. With `inv`, also its
 * invoice, consuming inv->seq of inv->series (which must be the peeked value). A
 * non-invoiced order keeps its ingested data for retries. Inside a transaction. */
fk_status fk_store_order_record(fk_store *s, int64_t batch_id, int64_t row, const fk_order *o,
                                const fk_invoice_rec *inv, fk_error *err);

/* The failed and held orders of a batch, for `retry`: fn gets the row, the order id and
 * the stored data (JSON, see store_codec.h). */
typedef void (*fk_retry_fn)(int64_t row, const char *order_id, const char *data, void *payload);
fk_status fk_store_retry_set(fk_store *s, int64_t batch_id, fk_retry_fn fn, void *payload,
                             fk_error *err);

/* The order ids of a batch's settled orders (invoiced or skipped), for a retry's
 * duplicate-id check. */
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
/* Per series: count, max and distinct count of sequence numbers (gapless: all three equal). */
typedef void (*fk_series_fn)(const char *series, int64_t count, int64_t max, int64_t distinct,
                             int64_t next_seq, void *payload);
fk_status fk_store_series_check(fk_store *s, fk_series_fn fn, void *payload, fk_error *err);

/* ---- reading a batch back (for `faktura report`) ---- */
typedef struct fk_batch_info {
    int64_t id;
    char kind[16];
    char as_of[32];
    char *inputs_json; /* owned: free() */
    char *out_dir;     /* owned: free() */
    char state[16];
} fk_batch_info;

fk_status fk_store_batch_get(fk_store *s, int64_t id, fk_batch_info *out, bool *found,
                             fk_error *err);

typedef void (*fk_stored_order_fn)(const fk_outcome_rec *o, void *payload);
/* Call fn for every order of the batch, in input order. */
fk_status fk_store_batch_orders(fk_store *s, int64_t id, fk_stored_order_fn fn, void *payload,
                                fk_error *err);
/* Sum of the gross totals of the invoices recorded for the batch, per currency. */
typedef void (*fk_currency_sum_fn)(const char *currency, __int128 sum, void *payload);
fk_status fk_store_batch_invoice_sums(fk_store *s, int64_t id, fk_currency_sum_fn fn,
                                      void *payload, fk_error *err);
/* ---- generation rules ---- */
/* Add to f what the database knows (earlier batches than exclude_batch; 0: all). */
fk_status fk_store_customer_facts(fk_store *s, const fk_order *o, const fk_rules *r,
                                  int64_t exclude_batch, const char *issue_date, int64_t as_of,
                                  fk_customer_facts *f, fk_error *err);
/* The held codes an accountant released for the order (terminated by FK_CODE_NONE). */
fk_status fk_store_approved_codes(fk_store *s, int64_t batch_id, const char *order_id,
                                  fk_code *out, size_t n, fk_error *err);
/* Record an approval of the order's releasable holds; codes_out gets them ("" when the
 * order is not held for a releasable reason: nothing is recorded then). */
fk_status fk_store_approve(fk_store *s, int64_t batch_id, const char *order_id,
                           const char *reason, const char *who, const char *when,
                           char *codes_out, size_t n, fk_error *err);
/* Orders held only for their holding period, in any batch (to release them). */
typedef void (*fk_held_fn)(int64_t row, int64_t batch_id, const char *order_id,
                           const char *data, void *payload);
fk_status fk_store_expired_holds(fk_store *s, fk_held_fn fn, void *payload, fk_error *err);
/* One payment row. */
typedef struct fk_payment_in {
    const char *invoice_number, *amount, *paid_on, *payment_id, *currency, *source;
} fk_payment_in;
typedef enum fk_payment_result {
    FK_PAYMENT_RECORDED, FK_PAYMENT_DUPLICATE, FK_PAYMENT_REJECTED
} fk_payment_result;
/* Record a payment (inside a transaction): unknown invoices, currency mismatches,
 * overpayments and bad values are rejected with the reason in `why`; a row seen before
 * (same payment_id, else same row) is a duplicate and records nothing. */
fk_status fk_store_payment_add(fk_store *s, const fk_payment_in *p, fk_payment_result *res,
                               char *why, size_t whysz, fk_error *err);

/* Batches with their counts, then the open holds, one line each. */
fk_status fk_store_status(fk_store *s, int64_t batch_id, fk_log_fn fn, void *payload,
                          fk_error *err);
#endif
