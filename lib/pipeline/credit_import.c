/* SPDX-License-Identifier: MIT */
/* credit_import.c -- `faktura credit --from FILE.csv`: many credit notes from a file, each
 * issued (or refused) by fk_pipeline__credit (credit.c) in the order of its first row.
 * The whole file is read before anything is issued. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "ingest/ingest.h"
#include "pipeline/pipeline.h"

typedef struct crow {
    unsigned long line;
    char *id, *invoice, *reason, *lineno, *qty;
} crow;

typedef struct import_ctx {
    crow *rows;
    size_t n, cap;
    const char *path;
} import_ctx;

static int import_row(unsigned long line, const char *const *v, void *payload)
{
    import_ctx *c = payload;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 32;
        c->rows = fk_xrealloc(c->rows, c->cap * sizeof(*c->rows));
    }
    crow *r = &c->rows[c->n++];
    r->line = line;
    r->id = fk_xstrdup(v ? v[0] : "");
    r->invoice = fk_xstrdup(v ? v[1] : "");
    r->reason = fk_xstrdup(v ? v[2] : "");
    r->lineno = fk_xstrdup(v ? v[3] : "");
    r->qty = fk_xstrdup(v ? v[4] : "");
    if (!v) { /* a malformed row: refused by itself below */
        free(r->id);
        r->id = NULL;
    }
    return 0;
}

static void import_free(import_ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->rows[i].id);
        free(c->rows[i].invoice);
        free(c->rows[i].reason);
        free(c->rows[i].lineno);
        free(c->rows[i].qty);
    }
    free(c->rows);
}

/* The rows of one credit_id (from row `first` on) as a request; false with info refused. */
static bool group_request(const import_ctx *c, size_t first, bool *done, fk_credit_line *lines,
                          fk_credit_request *rq, fk_credit_info *info)
{
    const crow *f = &c->rows[first];
    size_t n = 0;
    bool whole = false, ok = true;

    *rq = (fk_credit_request){f->id, f->invoice, f->reason, lines, 0};
    snprintf(info->invoice_number, sizeof(info->invoice_number), "%s", f->invoice);
    for (size_t i = first; i < c->n; i++) {
        const crow *r = &c->rows[i];
        if (!r->id || strcmp(r->id, f->id) != 0)
            continue;
        done[i] = true;
        if (!ok)
            continue;
        if (strcmp(r->invoice, f->invoice) || strcmp(r->reason, f->reason)) {
            fk_pipeline__credit_refuse(info,
                                       "line %lu: the rows of credit_id %s disagree on "
                                       "invoice_number or reason",
                                       r->line, f->id);
            ok = false;
            continue;
        }
        if (!*r->lineno) {
            if (*r->qty) {
                fk_pipeline__credit_refuse(info, "line %lu: a quantity needs a line", r->line);
                ok = false;
            }
            whole = true;
            continue;
        }
        char *end;
        unsigned long v = strtoul(r->lineno, &end, 10);
        if (*end || !v || r->lineno[0] == '-' || r->lineno[0] == '+') {
            char shown[64];
            fk_pipeline__credit_refuse(info, "line %lu: line %s is not a line number", r->line,
                                       fk_quote_value(r->lineno, shown, sizeof(shown)));
            ok = false;
            continue;
        }
        lines[n++] = (fk_credit_line){v, r->qty};
    }
    if (ok && whole && n) {
        fk_pipeline__credit_refuse(
            info, "credit_id %s has rows for the whole invoice and rows for lines", f->id);
        ok = false;
    }
    rq->nlines = n;
    return ok;
}

fk_status fk_credit_import(const fk_credit_options *o, const char *csv_path, fk_credit_fn each,
                           void *payload, fk_credit_summary *out, fk_error *err)
{
    static const char *const cols[] = {"credit_id", "invoice_number", "reason", "line",
                                       "quantity"};
    import_ctx c = {NULL, 0, 0, csv_path};
    credit_session cs;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&cs, 0, sizeof(cs));
    /* The whole file is read before anything is issued: an unreadable file issues
     * nothing. */
    if ((st = fk_ingest_table(csv_path, cols, 5, import_row, &c, err)) != FK_OK ||
        (st = fk_pipeline__credit_open(&cs, o, err)) != FK_OK)
        goto done;
    bool *done = fk_xcalloc(c.n ? c.n : 1, sizeof(*done));
    fk_credit_line *lines = fk_xcalloc(c.n ? c.n : 1, sizeof(*lines));
    for (size_t i = 0; st == FK_OK && i < c.n; i++) {
        fk_credit_info info;
        fk_credit_request rq;
        if (done[i])
            continue;
        memset(&info, 0, sizeof(info));
        out->notes++;
        if (!c.rows[i].id) {
            done[i] = true;
            fk_pipeline__credit_refuse(&info, "malformed row (wrong number of fields)");
        } else if (!*c.rows[i].id) {
            done[i] = true;
            fk_pipeline__credit_refuse(&info, "credit_id is empty");
        } else if (!*c.rows[i].invoice) {
            group_request(&c, i, done, lines, &rq, &info);
            fk_pipeline__credit_refuse(&info, "invoice_number is empty");
        } else if (group_request(&c, i, done, lines, &rq, &info)) {
            st = fk_pipeline__credit(&cs.w, &rq, 0, &info, err);
        }
        if (st != FK_OK)
            break;
        out->issued += info.result == FK_CREDIT_ISSUED;
        out->existing += info.result == FK_CREDIT_EXISTING;
        out->refused += info.result == FK_CREDIT_REFUSED;
        if (each)
            each(&info, csv_path, c.rows[i].line, payload);
    }
    free(done);
    free(lines);
done:
    fk_pipeline__credit_close(&cs);
    import_free(&c);
    return st;
}
