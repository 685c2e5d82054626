/* SPDX-License-Identifier: MIT */
/* report.c -- the reconciliation report in JSON (jansson) and CSV.
 *
 * The JSON report (version 1, the contract in docs/report.md):
 *   {"version": 1,
 *    "batch":   {"id", "kind", "as_of", "inputs"},
 *    "summary": {"orders", "invoiced", "failed", "held", "skipped", "reconciled",
 *                "totals": {"EUR": {"ingested", "invoiced", "failed", "held", "skipped"}}},
 *    "orders":  [{"order_id", "file", "line", "status", "currency", "amount",
 *                 "findings": [{"code", "field", "message", "hint"}]}]}
 * "orders" lists every order that was NOT invoiced. Amounts are decimal strings in the
 * currency's minor unit ("1234.50"); an order whose amount could not be computed has
 * "amount": null and counts as 0 in the sums. Orders with a missing or unknown currency
 * are summed under "XXX" (ISO 4217's "no currency").
 *
 * The CSV report has one row per finding with the same fields. Every cell is quoted and
 * text that a spreadsheet would run as a formula is neutralised (OWASP CSV injection).
 *
 * Memory stays flat: each non-invoiced order is written to a spool file as it arrives, and
 * the final report is the header and summary followed by the spooled entries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "core/money.h"
#include "core/util.h"
#include "report/report.h"

#define MAX_CURRENCIES 256

typedef struct currency_sums {
    char code[8];
    int exponent;
    int64_t ingested;
    int64_t by_outcome[FK_OUTCOME_COUNT];
    int64_t recorded;      /* invoices in the database (run only) */
    bool has_recorded;
} currency_sums;

struct fk_report {
    fk_report_format format;
    FILE *spool;
    uint64_t spooled;
    int64_t batch_id;
    char *kind, *as_of, *inputs_json;
    uint64_t orders;
    uint64_t count[FK_OUTCOME_COUNT];
    currency_sums cur[MAX_CURRENCIES];
    size_t ncur;
    bool overflow;
    bool check_recorded;
};

fk_status fk_report_new(fk_report **out, fk_report_format format, fk_error *err)
{
    fk_report *r = fk_xcalloc(1, sizeof(*r));
    r->format = format;
    r->spool = tmpfile();
    if (!r->spool) {
        free(r);
        *out = NULL;
        return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                            "cannot create a temporary file for the report: %s",
                            strerror(errno));
    }
    *out = r;
    return FK_OK;
}

void fk_report_set_batch(fk_report *r, int64_t id, const char *kind, const char *as_of,
                         const char *inputs_json)
{
    r->batch_id = id;
    free(r->kind);
    free(r->as_of);
    free(r->inputs_json);
    r->kind = fk_xstrdup(kind);
    r->as_of = fk_xstrdup(as_of);
    r->inputs_json = fk_xstrdup(inputs_json ? inputs_json : "[]");
}

static currency_sums *sums_for(fk_report *r, const char *code, int exponent)
{
    for (size_t i = 0; i < r->ncur; i++)
        if (strcmp(r->cur[i].code, code) == 0)
            return &r->cur[i];
    if (r->ncur == MAX_CURRENCIES)
        return NULL;
    currency_sums *c = &r->cur[r->ncur++];
    memset(c, 0, sizeof(*c));
    snprintf(c->code, sizeof(c->code), "%s", code);
    c->exponent = exponent;
    return c;
}

static void add_sum(fk_report *r, int64_t *acc, int64_t v)
{
    if (!fk_add_checked(acc, v))
        r->overflow = true;
}

/* A JSON string of s; bytes that are not UTF-8 become '?' (jansson refuses them). */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    size_t n = strlen(s);
    if (fk_utf8_valid(s, n))
        return json_stringn(s, n);
    char *copy = fk_xstrdup(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)copy[i] >= 0x80)
            copy[i] = '?';
    json_t *j = json_stringn(copy, n);
    free(copy);
    return j;
}

static json_t *jamount(int64_t v, int exponent)
{
    char buf[48];
    fk_decimal_format(v, exponent < 0 ? 0 : exponent, buf, sizeof(buf));
    return json_string(buf);
}

void fk_report_csv_safe(const char *s, fk_buf *out)
{
    if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r'))
        fk_buf_putc(out, '\'');
    fk_buf_puts(out, s ? s : "");
}

/* One CSV cell, always quoted, inner quotes doubled (RFC 4180). */
static void csv_cell(fk_buf *line, const char *s, bool text, bool last)
{
    fk_buf v = FK_BUF_INIT;
    if (text)
        fk_report_csv_safe(s, &v);
    else
        fk_buf_puts(&v, s ? s : "");
    fk_buf_putc(line, '"');
    for (const char *p = fk_buf_cstr(&v); *p; p++) {
        if (*p == '"')
            fk_buf_putc(line, '"');
        fk_buf_putc(line, *p);
    }
    fk_buf_putc(line, '"');
    fk_buf_puts(line, last ? "\r\n" : ",");
    fk_buf_free(&v);
}

static fk_status spool_csv(fk_report *r, const fk_outcome_rec *o, const char *amount)
{
    fk_buf line = FK_BUF_INIT;
    char lineno[24];
    snprintf(lineno, sizeof(lineno), "%lu", o->line);
    for (size_t i = 0; i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        csv_cell(&line, o->order_id, true, false);
        csv_cell(&line, o->file, true, false);
        csv_cell(&line, lineno, false, false);
        csv_cell(&line, fk_outcome_name(o->outcome), false, false);
        csv_cell(&line, o->currency, true, false);
        csv_cell(&line, amount, false, false);
        csv_cell(&line, fk_code_name(f->code), false, false);
        csv_cell(&line, f->field, true, false);
        csv_cell(&line, f->message, true, false);
        csv_cell(&line, f->hint ? f->hint : fk_code_hint(f->code), true, true);
    }
    size_t n = line.len;
    bool ok = n == 0 || fwrite(line.ptr, 1, n, r->spool) == n;
    fk_buf_free(&line);
    return ok ? FK_OK : FK_EENV;
}

static fk_status spool_json(fk_report *r, const fk_outcome_rec *o)
{
    json_t *obj = json_object(), *fs = json_array();
    json_object_set_new(obj, "order_id", jstr(o->order_id));
    json_object_set_new(obj, "file", jstr(o->file));
    json_object_set_new(obj, "line", json_integer((json_int_t)o->line));
    json_object_set_new(obj, "status", json_string(fk_outcome_name(o->outcome)));
    json_object_set_new(obj, "currency", jstr(o->currency));
    json_object_set_new(obj, "amount",
                        o->amount_known ? jamount(o->amount, o->exponent) : json_null());
    for (size_t i = 0; i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        json_t *jf = json_object();
        json_object_set_new(jf, "code", json_string(fk_code_name(f->code)));
        json_object_set_new(jf, "field", jstr(f->field));
        json_object_set_new(jf, "message", jstr(f->message));
        json_object_set_new(jf, "hint", jstr(f->hint ? f->hint : fk_code_hint(f->code)));
        json_array_append_new(fs, jf);
    }
    json_object_set_new(obj, "findings", fs);
    int rc = fputs(r->spooled ? ",\n    " : "\n    ", r->spool) < 0 ? -1 : 0;
    if (rc == 0)
        rc = json_dumpf(obj, r->spool, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return rc == 0 ? FK_OK : FK_EENV;
}

fk_status fk_report_add(fk_report *r, const fk_outcome_rec *o, fk_error *err)
{
    bool known = o->exponent >= 0 && o->currency && *o->currency;
    currency_sums *c = sums_for(r, known ? o->currency : "XXX", known ? o->exponent : 0);
    int64_t amount = known && o->amount_known ? o->amount : 0;
    char amt[48] = "";

    r->orders++;
    r->count[o->outcome]++;
    if (c) {
        add_sum(r, &c->ingested, amount);
        add_sum(r, &c->by_outcome[o->outcome], amount);
    } else {
        r->overflow = true; /* more currencies than a report can list: cannot reconcile */
    }
    if (o->outcome == FK_INVOICED)
        return FK_OK;
    if (o->amount_known && o->exponent >= 0)
        fk_decimal_format(o->amount, o->exponent, amt, sizeof(amt));
    fk_status st = r->format == FK_REPORT_CSV ? spool_csv(r, o, amt) : spool_json(r, o);
    if (st != FK_OK)
        return fk_error_set(err, st, NULL, 0, NULL,
                            "cannot write the report's temporary file: %s", strerror(errno));
    r->spooled++;
    return FK_OK;
}

void fk_report_add_recorded(fk_report *r, const char *currency, int64_t sum)
{
    currency_sums *c = sums_for(r, currency, fk_currency_exponent(currency));
    r->check_recorded = true;
    if (c) {
        c->recorded = sum;
        c->has_recorded = true;
    }
}

/* Counts add up, sums add up per currency, and (for a run) the invoiced sums equal what
 * the database recorded. Computed from independent counters, so a lost order shows. */
static bool reconciled(const fk_report *r)
{
    uint64_t n = 0;
    if (r->overflow)
        return false;
    for (int i = 0; i < FK_OUTCOME_COUNT; i++)
        n += r->count[i];
    if (n != r->orders)
        return false;
    for (size_t i = 0; i < r->ncur; i++) {
        const currency_sums *c = &r->cur[i];
        int64_t s = 0;
        for (int k = 0; k < FK_OUTCOME_COUNT; k++)
            if (!fk_add_checked(&s, c->by_outcome[k]))
                return false;
        if (s != c->ingested)
            return false;
        if (r->check_recorded && c->recorded != c->by_outcome[FK_INVOICED])
            return false;
    }
    return true;
}

void fk_report_summary(const fk_report *r, fk_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->batch_id = r->batch_id;
    out->orders = r->orders;
    memcpy(out->count, r->count, sizeof(out->count));
    out->reconciled = reconciled(r);
}

static json_t *json_header(const fk_report *r)
{
    json_t *root = json_object(), *batch = json_object(), *sum = json_object();
    json_t *totals = json_object();
    json_error_t jerr;
    json_t *inputs = json_loads(r->inputs_json ? r->inputs_json : "[]", 0, &jerr);

    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(batch, "id", r->batch_id ? json_integer(r->batch_id) : json_null());
    json_object_set_new(batch, "kind", jstr(r->kind ? r->kind : ""));
    json_object_set_new(batch, "as_of", jstr(r->as_of ? r->as_of : ""));
    json_object_set_new(batch, "inputs", inputs ? inputs : json_array());
    json_object_set_new(root, "batch", batch);

    json_object_set_new(sum, "orders", json_integer((json_int_t)r->orders));
    for (int i = 0; i < FK_OUTCOME_COUNT; i++)
        json_object_set_new(sum, fk_outcome_name((fk_outcome)i),
                            json_integer((json_int_t)r->count[i]));
    json_object_set_new(sum, "reconciled", json_boolean(reconciled(r)));
    for (size_t i = 0; i < r->ncur; i++) {
        const currency_sums *c = &r->cur[i];
        json_t *t = json_object();
        if (c->exponent < 0)
            continue; /* a recorded currency that no order has: cannot happen, skip safely */
        json_object_set_new(t, "ingested", jamount(c->ingested, c->exponent));
        for (int k = 0; k < FK_OUTCOME_COUNT; k++)
            json_object_set_new(t, fk_outcome_name((fk_outcome)k),
                                jamount(c->by_outcome[k], c->exponent));
        if (r->check_recorded)
            json_object_set_new(t, "recorded_invoices", jamount(c->recorded, c->exponent));
        json_object_set_new(totals, c->code, t);
    }
    json_object_set_new(sum, "totals", totals);
    json_object_set_new(root, "summary", sum);
    return root;
}

static int write_all(FILE *out, FILE *spool)
{
    char buf[65536];
    size_t n;
    rewind(spool);
    while ((n = fread(buf, 1, sizeof(buf), spool)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            return -1;
    return ferror(spool) ? -1 : 0;
}

static int write_report(fk_report *r, FILE *out)
{
    if (r->format == FK_REPORT_CSV) {
        fputs("\"order_id\",\"file\",\"line\",\"status\",\"currency\",\"amount\",\"code\","
              "\"field\",\"message\",\"hint\"\r\n",
              out);
        return write_all(out, r->spool);
    }
    /* The header object is dumped without its closing brace, then "orders" is appended
     * from the spool: the document stays valid JSON without holding the orders. */
    json_t *root = json_header(r);
    char *head = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!head)
        return -1;
    size_t n = strlen(head);
    while (n > 0 && head[n - 1] != '}')
        n--;
    if (n > 0)
        n--; /* drop the closing brace and the whitespace before it */
    while (n > 0 && (head[n - 1] == '\n' || head[n - 1] == ' '))
        n--;
    int rc = 0;
    if (n == 0 || fwrite(head, 1, n, out) != n)
        rc = -1;
    free(head);
    if (rc == 0 && fputs(",\n  \"orders\": [", out) < 0)
        rc = -1;
    if (rc == 0)
        rc = write_all(out, r->spool);
    if (rc == 0 && fputs(r->spooled ? "\n  ]\n}\n" : "]\n}\n", out) < 0)
        rc = -1;
    return rc;
}

fk_status fk_report_write(fk_report *r, const char *path, fk_error *err)
{
    fk_buf tmp = FK_BUF_INIT;
    FILE *out;
    fk_status st = FK_OK;

    if (strcmp(path, "-") == 0) {
        if (write_report(r, stdout) != 0 || fflush(stdout) != 0)
            return fk_error_set(err, FK_EENV, "-", 0, NULL, "cannot write the report to "
                                "standard output: %s", strerror(errno));
        return FK_OK;
    }
    /* Temp file + fsync + rename: a reader sees the old report or the whole new one. */
    fk_buf_printf(&tmp, "%s.tmp", path);
    out = fopen(fk_buf_cstr(&tmp), "wb");
    if (!out) {
        st = fk_error_set(err, FK_EENV, path, 0, NULL, "cannot write the report: %s",
                          strerror(errno));
        goto done;
    }
    int rc = write_report(r, out);
    if (rc == 0 && fflush(out) != 0)
        rc = -1;
    if (rc == 0 && fsync(fileno(out)) != 0)
        rc = -1;
    if (fclose(out) != 0)
        rc = -1;
    if (rc != 0 || rename(fk_buf_cstr(&tmp), path) != 0) {
        st = fk_error_set(err, FK_EENV, path, 0, NULL, "cannot write the report: %s",
                          strerror(errno));
        unlink(fk_buf_cstr(&tmp));
    }
done:
    fk_buf_free(&tmp);
    return st;
}

void fk_report_free(fk_report *r)
{
    if (!r)
        return;
    if (r->spool)
        fclose(r->spool);
    free(r->kind);
    free(r->as_of);
    free(r->inputs_json);
    free(r);
}
