/* SPDX-License-Identifier: MIT */
/* pipeline_admin.c -- the accountant's commands around the batches: payments, approvals,
 * status. Like pipeline.c, it wires stages together (ingest reads the payments file, the
 * store records them); it holds no rule of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest.h"
#include "store/store.h"

typedef struct pay_ctx {
    fk_store *store;
    const char *path;
    fk_log_fn problem;
    void *payload;
    fk_payments_summary *sum;
    fk_error *err;
    fk_status st;
} pay_ctx;

static void problem(pay_ctx *c, unsigned long line, const char *why)
{
    fk_buf m = FK_BUF_INIT;
    c->sum->rejected++;
    fk_buf_printf(&m, "%s:%lu: %s", c->path, line, why);
    if (c->problem)
        c->problem(fk_buf_cstr(&m), c->payload);
    fk_buf_free(&m);
}

static int pay_row(unsigned long line, const char *const *v, void *payload)
{
    pay_ctx *c = payload;
    char why[256];
    fk_payment_result res;

    c->sum->rows++;
    if (!v) {
        problem(c, line, "malformed row (wrong number of fields)");
        return 0;
    }
    if (!*v[0]) {
        problem(c, line, "invoice_number is empty");
        return 0;
    }
    fk_payment_in p = {v[0], v[1], v[2], v[3], v[4], c->path};
    c->st = fk_store_payment_add(c->store, &p, &res, why, sizeof(why), c->err);
    if (c->st != FK_OK)
        return 1;
    if (res == FK_PAYMENT_RECORDED)
        c->sum->recorded++;
    else if (res == FK_PAYMENT_DUPLICATE)
        c->sum->duplicates++;
    else
        problem(c, line, why);
    return 0;
}

fk_status fk_payments_import(const char *db_path, const char *csv_path, fk_log_fn problem_fn,
                             void *payload, fk_payments_summary *out, fk_error *err)
{
    static const char *const cols[] = {"invoice_number", "amount", "paid_on", "payment_id",
                                       "currency"};
    fk_store *s = NULL;
    fk_status st;
    pay_ctx c = {NULL, csv_path, problem_fn, payload, out, err, FK_OK};

    memset(out, 0, sizeof(*out));
    if ((st = fk_store_open(&s, db_path, err)) != FK_OK)
        return st;
    c.store = s;
    /* One transaction for the file: all of it is recorded, or (on a database error)
     * none of it, so a rerun never half-applies a file. */
    if ((st = fk_store_begin(s, err)) == FK_OK) {
        st = fk_ingest_table(csv_path, cols, 5, pay_row, &c, err);
        if (st == FK_OK)
            st = c.st;
        if (st == FK_OK)
            st = fk_store_commit(s, err);
        else
            fk_store_rollback(s);
    }
    fk_store_close(s);
    return st;
}

fk_status fk_approve(const char *db_path, int64_t batch_id, const char *const *order_ids,
                     size_t n, const char *reason, const char *who, int64_t now,
                     fk_log_fn problem_fn, void *payload, uint64_t *approved, fk_error *err)
{
    fk_store *s = NULL;
    fk_batch_info bi;
    bool found = false;
    char when[32], codes[512];
    fk_status st;

    *approved = 0;
    memset(&bi, 0, sizeof(bi));
    if (!reason || !*reason)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "reason",
                            "an approval needs a reason (--reason TEXT)");
    if ((st = fk_store_open(&s, db_path, err)) != FK_OK)
        return st;
    if ((st = fk_store_batch_get(s, batch_id, &bi, &found, err)) != FK_OK)
        goto done;
    if (!found) {
        st = fk_error_set(err, FK_EUSAGE, db_path, 0, "batch", "there is no batch %lld",
                          (long long)batch_id);
        goto done;
    }
    fk_format_datetime(now, when, sizeof(when));
    if ((st = fk_store_begin(s, err)) != FK_OK)
        goto done;
    for (size_t i = 0; i < n; i++) {
        if ((st = fk_store_approve(s, batch_id, order_ids[i], reason, who, when, codes,
                                   sizeof(codes), err)) != FK_OK) {
            fk_store_rollback(s);
            goto done;
        }
        if (codes[0]) {
            (*approved)++;
        } else if (problem_fn) {
            fk_buf m = FK_BUF_INIT;
            fk_buf_printf(&m, "order %s of batch %lld is not held for a reason that can be "
                              "approved (see `faktura status --batch %lld`)",
                          order_ids[i], (long long)batch_id, (long long)batch_id);
            problem_fn(fk_buf_cstr(&m), payload);
            fk_buf_free(&m);
        }
    }
    st = fk_store_commit(s, err);
done:
    free(bi.inputs_json);
    free(bi.out_dir);
    fk_store_close(s);
    return st;
}

fk_status fk_status_list(const char *db_path, int64_t batch_id, fk_log_fn line, void *payload,
                         fk_error *err)
{
    fk_store *s = NULL;
    fk_status st = fk_store_open_readonly(&s, db_path, err);
    if (st != FK_OK)
        return st;
    if (!s)
        return fk_error_set(err, FK_EUSAGE, db_path, 0, NULL, "no database at %s", db_path);
    st = fk_store_status(s, batch_id, line, payload, err);
    fk_store_close(s);
    return st;
}
