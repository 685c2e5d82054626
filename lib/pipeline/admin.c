/* SPDX-License-Identifier: MIT */
/* admin.c -- the public calls around the batches that wire stages together: loading the
 * config (core parses, validate checks the seller), approvals and the status overview.
 * The rules are the stages' (codes.def says which holds an approval may release); the
 * store only reads and writes rows. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/util.h"
#include "einvoice/einvoice.h"
#include "ingest/ingest.h"
#include "pipeline/pipeline.h"
#include "validate/validate.h"

/* [einvoice] formats and the seller's electronic address (BT-34), after the seller's VAT
 * number was checked: the endpoint defaults to the one its VAT number gives. */
static fk_status check_einvoice(fk_config *cfg, fk_error *err)
{
    const char *bad = NULL;
    size_t badlen = 0;
    char scheme[16], id[160];

    if (!fk_einv_parse_list(cfg->einvoice_formats, &cfg->einvoice_mask, &bad, &badlen))
        return fk_error_set(err, FK_EUSAGE, cfg->path,
                            fk_config_line(cfg, "einvoice", "formats"), "formats",
                            "[einvoice] formats: \"%.*s\" is not a format (ubl, peppol, "
                            "xrechnung-ubl, xrechnung-cii, cii, facturx, ksef; or none alone)",
                            (int)(badlen > 40 ? 40 : badlen), bad);
    if (cfg->seller_endpoint && *fk_trim(cfg->seller_endpoint)) {
        if (!fk_einv_endpoint_split(cfg->seller_endpoint, scheme, sizeof(scheme), id,
                                    sizeof(id)))
            return fk_error_set(err, FK_EUSAGE, cfg->path,
                                fk_config_line(cfg, "seller", "endpoint"), "endpoint",
                                "[seller] endpoint must be SCHEME:ID with an EAS scheme code "
                                "(0192:987654321, 9930:DE123456788, 0088:4012345000009)");
        snprintf(cfg->seller_endpoint_norm, sizeof(cfg->seller_endpoint_norm), "%s:%s",
                 scheme, id);
    } else if (!fk_einv_endpoint_from_vat(cfg->seller_vat_norm, cfg->seller_endpoint_norm,
                                          sizeof(cfg->seller_endpoint_norm))) {
        cfg->seller_endpoint_norm[0] = '\0';
    }
    return FK_OK;
}

/* ---- the tax class file ([input] tax_classes: sku,vat_rate[,vat_category]) ---- */

#define MAX_TAX_CLASSES 1000000

typedef struct classes_ctx {
    const char *path;
    fk_tax_class *v;
    size_t n, cap;
    fk_error *err;
    fk_status st;
} classes_ctx;

static int class_row(unsigned long line, const char *const *values, void *payload)
{
    static const char *const categories[] = {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"};
    classes_ctx *c = payload;
    char b[64], cat[4] = "";
    int64_t rate;

    if (!values) {
        c->st = fk_error_set(c->err, FK_EUSAGE, c->path, line, NULL,
                             "the row does not have the header's columns");
        return 1;
    }
    if (!*values[0] || !*values[1]) {
        c->st = fk_error_set(c->err, FK_EUSAGE, c->path, line, !*values[0] ? "sku" : "vat_rate",
                             "%s is empty (a tax class file has the columns "
                             "sku,vat_rate[,vat_category])", !*values[0] ? "sku" : "vat_rate");
        return 1;
    }
    if (fk_decimal_parse(values[1], '.', 2, &rate) != FK_DEC_OK || rate < 0 || rate > 10000) {
        c->st = fk_error_set(c->err, FK_EUSAGE, c->path, line, "vat_rate",
                             "vat_rate \"%s\" is not a percentage from 0 to 100 with at most 2 "
                             "decimals", fk_quote_value(values[1], b, sizeof(b)));
        return 1;
    }
    if (*values[2]) {
        bool known = false;
        snprintf(cat, sizeof(cat), "%s", values[2]);
        fk_ascii_upper(cat);
        for (size_t i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
            known |= strlen(values[2]) < sizeof(cat) && !strcmp(cat, categories[i]);
        if (!known) {
            c->st = fk_error_set(c->err, FK_EUSAGE, c->path, line, "vat_category",
                                 "vat_category \"%s\" is not a VAT category code of EN 16931 "
                                 "(S, Z, E, AE, K, G, O, L, M)",
                                 fk_quote_value(values[2], b, sizeof(b)));
            return 1;
        }
    }
    if (c->n == MAX_TAX_CLASSES) {
        c->st = fk_error_set(c->err, FK_EUSAGE, c->path, line, NULL,
                             "more than %d rows", MAX_TAX_CLASSES);
        return 1;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = fk_xrealloc(c->v, c->cap * sizeof(*c->v));
    }
    c->v[c->n] = (fk_tax_class){fk_xstrdup(values[0]), (int32_t)rate, "", line};
    memcpy(c->v[c->n].category, cat, sizeof(cat));
    c->n++;
    return 0;
}

/* Read the config's tax class file into its input settings (again after every change of
 * the mapping, which drops them). Errors are the config's (FK_EUSAGE). */
static fk_status load_tax_classes(fk_config *cfg, fk_error *err)
{
    static const char *const cols[] = {"sku", "vat_rate", "vat_category"};
    fk_input_cfg *in = fk_mapping_input(cfg->mapping);
    classes_ctx c = {in->tax_classes_path, NULL, 0, 0, err, FK_OK};
    fk_error terr = FK_ERROR_INIT;

    if (!c.path)
        return FK_OK;
    if (fk_ingest_table(c.path, cols, 3, class_row, &c, &terr) != FK_OK) {
        fk_error_set(err, FK_EUSAGE, terr.file, terr.line, "tax_classes", "%s", terr.message);
        c.st = FK_EUSAGE;
    }
    size_t dup = fk_input_set_classes(in, c.v, c.n);
    if (c.st == FK_OK && dup != SIZE_MAX)
        c.st = fk_error_set(err, FK_EUSAGE, c.path, c.v[dup].line, "sku",
                            "sku \"%s\" is given twice (lines %lu and %lu)", c.v[dup].sku,
                            c.v[dup - 1].line < c.v[dup].line ? c.v[dup - 1].line : c.v[dup].line,
                            c.v[dup - 1].line < c.v[dup].line ? c.v[dup].line : c.v[dup - 1].line);
    return c.st;
}

fk_status fk_config_load(fk_config **out, const char *path, fk_log_fn warn, void *payload,
                         fk_error *err)
{
    fk_status st = fk_config__parse(out, path, warn, payload, err);
    if (st == FK_OK && ((st = fk_validate_seller(*out, err)) != FK_OK ||
                        (st = check_einvoice(*out, err)) != FK_OK ||
                        (st = load_tax_classes(*out, err)) != FK_OK)) {
        fk_config_free(*out);
        *out = NULL;
    }
    return st;
}

fk_status fk_config_set_input(fk_config *cfg, const char *key, const char *value, fk_error *err)
{
    fk_status st;

    if (!cfg || !key || !value)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_config_set_input: bad call");
    if (!strcmp(key, "profile"))
        st = fk_mapping_use_profile(cfg->mapping, value, NULL, err);
    else if (!strcmp(key, "encoding"))
        st = fk_mapping_set_encoding(cfg->mapping, value, err);
    else
        return fk_error_set(err, FK_EUSAGE, NULL, 0, key,
                            "fk_config_set_input: \"%s\" is profile or encoding", key);
    if (st == FK_OK)
        st = fk_mapping_resolve(cfg->mapping, cfg->path, err);
    if (st == FK_OK)
        st = load_tax_classes(cfg, err);
    return st;
}

/* The order's holds that an approval may release, space-separated in name order. */
static void add_approvable(fk_code code, const char *name, void *payload)
{
    fk_buf *codes = payload;
    if (fk_code_approvable(code))
        fk_buf_printf(codes, "%s%s", codes->len ? " " : "", name);
}

/* An order an approval or a cancellation leaves alone: said through problem_fn. */
static void report_problem(fk_log_fn problem_fn, void *payload, const char *fmt, ...)
    FK_PRINTF(3, 4);
static void report_problem(fk_log_fn problem_fn, void *payload, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    if (!problem_fn)
        return;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    problem_fn(fk_buf_cstr(&m), payload);
    fk_buf_free(&m);
}

/* The frame of approve and cancel: the database opened, batch_id checked to exist, `now`
 * as text, and one transaction around each(order) for every order: all of them are
 * recorded or (on a database error) none. */
typedef fk_status (*order_fn)(fk_store *s, int64_t batch_id, const char *order_id,
                              const char *when, void *ctx, fk_error *err);

static fk_status each_order(const char *db_path, int64_t batch_id, const char *const *order_ids,
                            size_t n, int64_t now, order_fn each, void *ctx, fk_error *err)
{
    fk_store *s = NULL;
    fk_batch_info bi;
    char when[32];
    fk_status st;

    memset(&bi, 0, sizeof(bi));
    if ((st = fk_store_open(&s, db_path, err)) != FK_OK)
        return st;
    if ((st = fk_pipeline__get_batch(s, db_path, batch_id, &bi, err)) == FK_OK &&
        (st = fk_store_begin(s, err)) == FK_OK) {
        fk_format_datetime(now, when, sizeof(when));
        for (size_t i = 0; st == FK_OK && i < n; i++)
            st = each(s, batch_id, order_ids[i], when, ctx, err);
        if (st == FK_OK)
            st = fk_store_commit(s, err);
        else
            fk_store_rollback(s);
    }
    fk_batch_info_free(&bi);
    fk_store_close(s);
    return st;
}

/* What approve and cancel pass each order. */
typedef struct order_action {
    const char *reason, *who;
    fk_log_fn problem_fn;
    void *payload;
    uint64_t *done; /* approved or cancelled */
} order_action;

/* One order: its approvable holds approved, as it is held now; a problem otherwise. */
static fk_status approve_one(fk_store *s, int64_t batch_id, const char *order_id,
                             const char *when, void *ctx, fk_error *err)
{
    order_action *a = ctx;
    fk_buf codes = FK_BUF_INIT;
    fk_order_content content;
    fk_status st = fk_store_held_codes(s, batch_id, order_id, add_approvable, &codes, err);

    if (st == FK_OK)
        st = fk_store_held_content(s, batch_id, order_id, &content, err);
    if (st == FK_OK && (!codes.len || !content.found)) {
        report_problem(a->problem_fn, a->payload,
                       "order %s of batch %lld is not held for a reason that can be approved "
                       "(see `faktura status --batch %lld`)",
                       order_id, (long long)batch_id, (long long)batch_id);
    } else if (st == FK_OK) {
        /* The approval covers the order as it is held now, its content and amount: a
         * retry with changed content is checked afresh (issue 15, item 4). */
        st = fk_store_approval_add(s, batch_id, order_id, &content, fk_buf_cstr(&codes),
                                   a->reason, a->who, when, err);
        if (st == FK_OK)
            (*a->done)++;
    }
    fk_buf_free(&codes);
    return st;
}

fk_status fk_approve(const char *db_path, int64_t batch_id, const char *const *order_ids,
                     size_t n, const char *reason, const char *who, int64_t now,
                     fk_log_fn problem_fn, void *payload, uint64_t *approved, fk_error *err)
{
    order_action a = {reason, who, problem_fn, payload, approved};

    *approved = 0;
    if (!reason || !*reason)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "reason",
                            "an approval needs a reason (--reason TEXT)");
    return each_order(db_path, batch_id, order_ids, n, now, approve_one, &a, err);
}

/* ---- cancel ---- */

/* One order: cancelled when failed or held; a problem otherwise. */
static fk_status cancel_one(fk_store *s, int64_t batch_id, const char *order_id,
                            const char *when, void *ctx, fk_error *err)
{
    const order_action *a = ctx;
    char status[16], shown[80];
    int64_t row = 0;
    bool found = false;
    fk_status st = fk_store_order_find(s, batch_id, order_id, &row, status, sizeof(status),
                                       &found, err);

    fk_quote_value(order_id, shown, sizeof(shown));
    if (st != FK_OK)
        return st;
    if (!found) {
        report_problem(a->problem_fn, a->payload, "order %s is not in batch %lld", shown,
                       (long long)batch_id);
        return FK_OK;
    }
    if (!strcmp(status, "cancelled")) {
        (*a->done)++; /* a rerun of the same cancel: nothing new */
        return FK_OK;
    }
    if (strcmp(status, "failed") != 0 && strcmp(status, "held") != 0) {
        report_problem(a->problem_fn, a->payload,
                       "order %s of batch %lld is %s, not failed or held: it cannot be "
                       "cancelled%s",
                       shown, (long long)batch_id, status,
                       !strcmp(status, "invoiced") ? " (correct an issued invoice with "
                                                     "`faktura credit`)"
                                                   : "");
        return FK_OK;
    }
    fk_buf msg = FK_BUF_INIT;
    fk_buf_printf(&msg, "cancelled by %s on %s (it was %s): %s", a->who, when, status,
                  a->reason);
    st = fk_store_order_cancel(s, row, batch_id, order_id, status, a->reason, a->who, when,
                               fk_buf_cstr(&msg), err);
    fk_buf_free(&msg);
    if (st == FK_OK)
        (*a->done)++;
    return st;
}

fk_status fk_cancel(const char *db_path, int64_t batch_id, const char *const *order_ids,
                    size_t n, const char *reason, const char *who, int64_t now,
                    fk_log_fn problem_fn, void *payload, uint64_t *cancelled, fk_error *err)
{
    order_action a = {reason, who, problem_fn, payload, cancelled};
    fk_status st;

    *cancelled = 0;
    if (!reason || !*reason)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "reason",
                            "a cancellation needs a reason (--reason TEXT)");
    if (!who || !*who)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "by", "a cancellation needs a name (--by)");
    st = each_order(db_path, batch_id, order_ids, n, now, cancel_one, &a, err);
    if (st != FK_OK)
        *cancelled = 0; /* rolled back: none */
    return st;
}

fk_status fk_status_list(const char *db_path, int64_t batch_id, fk_batch_row_fn batches,
                         fk_hold_row_fn holds, void *payload, fk_error *err)
{
    fk_store *s = NULL;
    fk_status st = fk_pipeline__open_reader(&s, db_path, err);
    if (st != FK_OK)
        return st;
    st = fk_store_status(s, batch_id, batches, holds, payload, err);
    fk_store_close(s);
    return st;
}
