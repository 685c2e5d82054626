/* SPDX-License-Identifier: MIT */
/* report.c -- the reconciliation report: accumulation, the JSON and CSV formats.
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
 * Memory stays flat: each non-invoiced order is spooled as one JSON line as it arrives;
 * every format is written from the summary counters and the spool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/money.h"
#include "core/tempfile.h"
#include "core/testhook.h"
#include "core/util.h"
#include "report/report_impl.h"

fk_status fk_report_new(fk_report **out, fk_error *err)
{
    fk_report *r = fk_xcalloc(1, sizeof(*r));
    const char *dir;
    int fd = fk_temp_fd(&dir); /* $TMPDIR, else /var/tmp (core/tempfile.h) */
    r->spool = fd < 0 ? NULL : fdopen(fd, "w+b");
    if (!r->spool) {
        int en = errno;
        if (fd >= 0)
            close(fd);
        free(r);
        *out = NULL;
        return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                            "cannot create a temporary file in %s for the report: %s", dir,
                            strerror(en));
    }
    *out = r;
    return FK_OK;
}

/* The input paths as JSON strings (a path that is not UTF-8 is named so). */
static json_t *inputs_array(const fk_report *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->ninputs; i++) {
        json_t *s = json_string(r->inputs[i]);
        json_array_append_new(a, s ? s : json_string("(not UTF-8)"));
    }
    return a;
}

static void free_inputs(fk_report *r)
{
    for (size_t i = 0; i < r->ninputs; i++)
        free(r->inputs[i]);
    free(r->inputs);
    free(r->inputs_json);
    r->inputs = NULL;
    r->ninputs = 0;
    r->inputs_json = NULL;
}

void fk_report_set_batch(fk_report *r, int64_t id, const char *kind, const char *as_of,
                         const char *const *inputs, size_t ninputs)
{
    r->batch_id = id;
    free(r->kind);
    free(r->as_of);
    free_inputs(r);
    r->kind = fk_xstrdup(kind);
    r->as_of = fk_xstrdup(as_of);
    r->inputs = fk_xcalloc(ninputs ? ninputs : 1, sizeof(*r->inputs));
    for (size_t i = 0; i < ninputs; i++)
        r->inputs[i] = fk_xstrdup(inputs[i]);
    r->ninputs = ninputs;
    /* The compact JSON array, as the HTML report shows it. */
    json_t *a = inputs_array(r);
    r->inputs_json = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    if (!r->inputs_json)
        r->inputs_json = fk_xstrdup("[]");
}

static fk_report_currency *sums_for(fk_report *r, const char *code, int exponent)
{
    for (size_t i = 0; i < r->ncur; i++)
        if (strcmp(r->cur[i].code, code) == 0)
            return &r->cur[i];
    if (r->ncur == FK_REPORT_MAX_CURRENCIES)
        return NULL;
    fk_report_currency *c = &r->cur[r->ncur++];
    memset(c, 0, sizeof(*c));
    snprintf(c->code, sizeof(c->code), "%s", code);
    c->exponent = exponent;
    return c;
}

static void add_sum(fk_sum *acc, int64_t v)
{
    *acc += v;
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

void fk_report__amount(fk_sum v, int exponent, char sep, char *buf, size_t n)
{
    /* 128-bit: digits by repeated division, then the separator before the last
     * `exponent` digits. */
    char digits[64];
    size_t k = 0;
    unsigned __int128 mag = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v
                                   : (unsigned __int128)v;
    int e = exponent < 0 ? 0 : exponent;
    do {
        digits[k++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    } while (mag > 0 || k <= (size_t)e);
    size_t o = 0;
    if (v < 0 && o + 1 < n)
        buf[o++] = '-';
    while (k > 0 && o + 1 < n) {
        buf[o++] = digits[--k];
        if (e > 0 && k == (size_t)e && o + 1 < n)
            buf[o++] = sep;
    }
    buf[o] = '\0';
}

static json_t *jamount(fk_sum v, int exponent)
{
    char buf[48];
    fk_report__amount(v, exponent, '.', buf, sizeof(buf));
    return json_string(buf);
}

typedef struct spool_sink {
    FILE *fp;
    int e; /* errno of a failed write */
} spool_sink;

static int to_spool(const char *buf, size_t n, void *data)
{
    spool_sink *s = data;
    if (fwrite(buf, 1, n, s->fp) == n)
        return 0;
    s->e = errno;
    return -1;
}

fk_status fk_report_add(fk_report *r, const fk_outcome_rec *o, fk_error *err)
{
    bool known = o->exponent >= 0 && o->currency && *o->currency;
    fk_report_currency *c = sums_for(r, known ? o->currency : "XXX", known ? o->exponent : 0);
    int64_t amount = known && o->amount_known ? o->amount : 0;

    r->orders++;
    r->count[o->outcome]++;
    if (c) {
        add_sum(&c->ingested, amount);
        add_sum(&c->by_outcome[o->outcome], amount);
    } else {
        r->overflow = true; /* more currencies than a report can list: cannot reconcile */
    }
    if (o->outcome == FK_INVOICED)
        return FK_OK;

    json_t *obj = json_object(), *fs = json_array();
    json_object_set_new(obj, "order_id", jstr(o->order_id));
    json_object_set_new(obj, "file", jstr(o->file));
    json_object_set_new(obj, "line", json_integer((json_int_t)o->line));
    json_object_set_new(obj, "status", json_string(fk_outcome_name(o->outcome)));
    json_object_set_new(obj, "currency", jstr(o->currency));
    json_object_set_new(obj, "amount",
                        o->amount_known && o->exponent >= 0 ? jamount(o->amount, o->exponent)
                                                            : json_null());
    for (size_t i = 0; i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        json_t *jf = json_object();
        json_object_set_new(jf, "code", json_string(fk_code_name(f->code)));
        json_object_set_new(jf, "field", jstr(f->field));
        json_object_set_new(jf, "message", jstr(f->message));
        json_object_set_new(jf, "hint", jstr(f->hint ? f->hint : fk_code_hint(f->code)));
        json_array_append_new(fs, jf);
        if ((int)f->code > 0 && (int)f->code < FK_REPORT_MAX_CODE)
            r->code_count[f->code]++;
    }
    json_object_set_new(obj, "findings", fs);
    /* JSON_COMPACT escapes newlines inside strings, so one object is one line. */
    spool_sink sink = {r->spool, 0};
    int rc = json_dump_callback(obj, to_spool, &sink, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (rc == 0 && fputc('\n', r->spool) == EOF)
        rc = -1, sink.e = errno;
    if (rc != 0)
        return fk_error_set(err, FK_EENV, NULL, 0, NULL,
                            "cannot write the report's temporary file: %s",
                            sink.e ? strerror(sink.e) : "jansson could not encode an order");
    r->spooled++;
    return FK_OK;
}

void fk_report_add_recorded(fk_report *r, const char *currency, fk_sum sum)
{
    fk_report_currency *c = sums_for(r, currency, fk_currency_exponent(currency));
    r->check_recorded = true;
    if (c)
        c->recorded = sum;
}

bool fk_report__currency_ok(const fk_report *r, const fk_report_currency *c)
{
    fk_sum s = 0;
    for (int k = 0; k < FK_OUTCOME_COUNT; k++)
        s += c->by_outcome[k];
    return s == c->ingested && (!r->check_recorded || c->recorded == c->by_outcome[FK_INVOICED]);
}

/* Counts add up, sums add up per currency, and (for a run) the invoiced sums equal what
 * the database recorded. Computed from independent counters, so a lost order shows. */
bool fk_report__reconciled(const fk_report *r)
{
    uint64_t n = 0;
    if (r->overflow)
        return false;
    for (int i = 0; i < FK_OUTCOME_COUNT; i++)
        n += r->count[i];
    if (n != r->orders)
        return false;
    for (size_t i = 0; i < r->ncur; i++)
        if (!fk_report__currency_ok(r, &r->cur[i]))
            return false;
    return true;
}

void fk_report_summary(const fk_report *r, fk_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->batch_id = r->batch_id;
    out->orders = r->orders;
    memcpy(out->count, r->count, sizeof(out->count));
    out->reconciled = fk_report__reconciled(r);
}

/* ---- writing helpers ---- */

static const char *cause(int e, const char *none)
{
    return e ? strerror(e) : none;
}

fk_status fk_report__fail(fk_report_out *o, int e)
{
    const char *what = o->what ? o->what : "the report";
    if (strcmp(o->path, "-") == 0)
        return fk_error_set(o->err, FK_EENV, "-", 0, NULL,
                            "cannot write %s to standard output: %s", what,
                            cause(e, "the writer failed"));
    return fk_error_set(o->err, FK_EENV, o->path, 0, NULL, "cannot write %s: %s", what,
                        cause(e, "the writer failed"));
}

fk_status fk_report__write(fk_report_out *o, const void *p, size_t n)
{
    if (n == 0 || fwrite(p, 1, n, o->fp) == n)
        return FK_OK;
    return fk_report__fail(o, errno);
}

fk_status fk_report__puts(fk_report_out *o, const char *s)
{
    return fk_report__write(o, s, strlen(s));
}

const char *fk_report__shown(const char *s, fk_buf *tmp)
{
    if (!s)
        return "";
    if (fk_text_is_safe(s, true))
        return s;
    fk_buf_reset(tmp);
    fk_buf_puts(tmp, s);
    if (tmp->failed)
        return "?";
    return fk_text_safe(tmp->ptr, true);
}

fk_status fk_report__each(fk_report *r, fk_report_out *o, fk_report_order_fn fn, void *payload)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    fk_status st = FK_OK;

    if (fflush(r->spool) != 0)
        return fk_error_set(o->err, FK_EENV, o->path, 0, NULL,
                            "cannot write the report's temporary file: %s", strerror(errno));
    rewind(r->spool); /* clears the error indicator too: ferror() below is this loop's */
    while (st == FK_OK && (n = getline(&line, &cap, r->spool)) > 0) {
        json_error_t jerr;
        json_t *order = json_loadb(line, (size_t)n, 0, &jerr);
        if (!order) {
            st = fk_error_set(o->err, FK_EINTERNAL, o->path, 0, NULL,
                              "the report's temporary file holds a line that is not JSON "
                              "(%s); this is a bug, please report it", jerr.text);
            break;
        }
        st = fn(order, payload);
        json_decref(order);
    }
    if (st == FK_OK && ferror(r->spool))
        st = fk_error_set(o->err, FK_EENV, o->path, 0, NULL,
                          "cannot read the report's temporary file back: %s", strerror(errno));
    free(line);
    fseek(r->spool, 0, SEEK_END);
    return st;
}

/* ---- JSON ---- */

static json_t *json_header(const fk_report *r)
{
    json_t *root = json_object(), *batch = json_object(), *sum = json_object();
    json_t *totals = json_object();
    json_t *inputs = inputs_array(r);

    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(batch, "id", r->batch_id ? json_integer(r->batch_id) : json_null());
    json_object_set_new(batch, "kind", jstr(r->kind ? r->kind : ""));
    json_object_set_new(batch, "as_of", jstr(r->as_of ? r->as_of : ""));
    json_object_set_new(batch, "inputs", inputs);
    json_object_set_new(root, "batch", batch);

    json_object_set_new(sum, "orders", json_integer((json_int_t)r->orders));
    for (int i = 0; i < FK_OUTCOME_COUNT; i++)
        json_object_set_new(sum, fk_outcome_name((fk_outcome)i),
                            json_integer((json_int_t)r->count[i]));
    json_object_set_new(sum, "reconciled", json_boolean(fk_report__reconciled(r)));
    for (size_t i = 0; i < r->ncur; i++) {
        const fk_report_currency *c = &r->cur[i];
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

typedef struct json_ctx {
    fk_report_out *out;
    bool first;
} json_ctx;

static int dump_to(const char *buf, size_t n, void *data)
{
    return fk_report__write(data, buf, n) == FK_OK ? 0 : -1;
}

static fk_status json_order(json_t *order, void *payload)
{
    json_ctx *c = payload;
    fk_status st = fk_report__puts(c->out, c->first ? "\n    " : ",\n    ");
    c->first = false;
    if (st == FK_OK &&
        json_dump_callback(order, dump_to, c->out, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
        st = fk_report__fail(c->out, 0); /* the write's own error, if it set one, wins */
    return st;
}

static fk_status write_json(fk_report *r, fk_report_out *o)
{
    /* The header object is dumped without its closing brace, then "orders" is appended
     * from the spool: the document stays valid JSON without holding the orders. */
    json_t *root = json_header(r);
    char *head = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!head)
        return fk_report__fail(o, ENOMEM);
    size_t n = strlen(head);
    while (n > 0 && head[n - 1] != '}')
        n--;
    if (n > 0)
        n--; /* drop the closing brace and the whitespace before it */
    while (n > 0 && (head[n - 1] == '\n' || head[n - 1] == ' '))
        n--;
    fk_status st = fk_report__write(o, head, n);
    free(head);
    if (st == FK_OK)
        st = fk_report__puts(o, ",\n  \"orders\": [");
    json_ctx c = {o, true};
    if (st == FK_OK)
        st = fk_report__each(r, o, json_order, &c);
    if (st == FK_OK)
        st = fk_report__puts(o, r->spooled ? "\n  ]\n}\n" : "]\n}\n");
    return st;
}

/* ---- CSV ---- */

void fk_report_csv_safe(const char *s, fk_buf *out)
{
    if (s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r'))
        fk_buf_putc(out, '\'');
    fk_buf_puts(out, s ? s : "");
}

typedef struct csv_ctx {
    fk_report_out *out;
    char delim;
    fk_buf line, tmp;
} csv_ctx;

/* One CSV cell, always quoted, inner quotes doubled (RFC 4180). Every cell goes through
 * fk_report__shown first, then (text) the formula rule. */
static void csv_cell(csv_ctx *c, const char *s, bool text, bool last)
{
    fk_buf v = FK_BUF_INIT;
    s = fk_report__shown(s, &c->tmp);
    if (text)
        fk_report_csv_safe(s, &v);
    else
        fk_buf_puts(&v, s);
    fk_buf_putc(&c->line, '"');
    for (const char *p = fk_buf_cstr(&v); *p; p++) {
        if (*p == '"')
            fk_buf_putc(&c->line, '"');
        fk_buf_putc(&c->line, *p);
    }
    fk_buf_putc(&c->line, '"');
    if (last)
        fk_buf_puts(&c->line, "\r\n");
    else
        fk_buf_putc(&c->line, c->delim);
    fk_buf_free(&v);
}

static const char *jtext(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The CSV rows of one order, written at once. */
static fk_status csv_flush(csv_ctx *c)
{
    fk_status st = c->line.failed ? fk_report__fail(c->out, ENOMEM)
                                  : fk_report__write(c->out, c->line.ptr, c->line.len);
    fk_buf_reset(&c->line);
    return st;
}

static fk_status csv_order(json_t *o, void *payload)
{
    csv_ctx *c = payload;
    char lineno[24], amount[48];
    json_t *fs = json_object_get(o, "findings");

    snprintf(lineno, sizeof(lineno), "%lld", (long long)json_integer_value(json_object_get(o, "line")));
    snprintf(amount, sizeof(amount), "%s", jtext(o, "amount"));
    if (c->delim == ';') /* European spreadsheets read "12,50" as a number */
        for (char *p = amount; *p; p++)
            if (*p == '.')
                *p = ',';
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        csv_cell(c, jtext(o, "order_id"), true, false);
        csv_cell(c, jtext(o, "file"), true, false);
        csv_cell(c, lineno, false, false);
        csv_cell(c, jtext(o, "status"), false, false);
        csv_cell(c, jtext(o, "currency"), true, false);
        csv_cell(c, amount, false, false);
        csv_cell(c, jtext(f, "code"), false, false);
        csv_cell(c, jtext(f, "field"), true, false);
        csv_cell(c, jtext(f, "message"), true, false);
        csv_cell(c, jtext(f, "hint"), true, true);
    }
    return csv_flush(c);
}

static fk_status write_csv(fk_report *r, fk_report_out *o, const fk_report_options *ro)
{
    static const char *const cols[] = {"order_id", "file",  "line",    "status", "currency",
                                       "amount",   "code",  "field",   "message", "hint"};
    csv_ctx c = {o, ro->csv_delimiter == ';' ? ';' : ',', FK_BUF_INIT, FK_BUF_INIT};
    fk_status st = FK_OK;

    if (ro->csv_bom)
        st = fk_report__puts(o, "\xEF\xBB\xBF");
    for (size_t i = 0; i < 10; i++)
        csv_cell(&c, cols[i], false, i == 9);
    if (st == FK_OK)
        st = csv_flush(&c);
    if (st == FK_OK)
        st = fk_report__each(r, o, csv_order, &c);
    fk_buf_free(&c.line);
    fk_buf_free(&c.tmp);
    return st;
}

/* ---- writing ---- */

static fk_status write_format(fk_report *r, fk_report_out *o, fk_report_format f,
                              const fk_report_options *ro)
{
    switch (f) {
    case FK_REPORT_JSON: return write_json(r, o);
    case FK_REPORT_CSV: return write_csv(r, o, ro);
    case FK_REPORT_HTML: return fk_report__write_html(r, o);
    case FK_REPORT_JUNIT: return fk_report__write_junit(r, o);
    }
    return fk_error_set(o->err, FK_EINTERNAL, o->path, 0, NULL, "unknown report format %d",
                        (int)f);
}

/* Where the bytes of one target come from: a report in one format, or a caller's own
 * writer (fk_report_write_path). */
typedef struct emitter {
    fk_report_emit_fn fn;
    void *payload;
    const char *what;      /* "the report", "the journal": for messages */
} emitter;

/* Write through an already open descriptor (closed here). fsync only for a regular file:
 * a device or FIFO has nothing to make durable. Errors name `shown`. */
static fk_status write_fd(int fd, bool regular, const char *shown, const emitter *e,
                          fk_error *err)
{
    FILE *fp = fdopen(fd, "wb");
    fk_report_out o = {fp, shown, err, e->what};
    if (!fp) {
        int en = errno;
        close(fd);
        return fk_report__fail(&o, en);
    }
    fk_status st = e->fn(&o, e->payload);
    if (st == FK_OK && fflush(fp) != 0)
        st = fk_report__fail(&o, errno);
    if (st == FK_OK && regular && fsync(fileno(fp)) != 0)
        st = fk_error_set(err, FK_EENV, shown, 0, NULL, "cannot write %s: fsync: %s", e->what,
                          strerror(errno));
    if (fclose(fp) != 0 && st == FK_OK)
        st = fk_report__fail(&o, errno);
    return st;
}

/* Give the unnamed file `fd` (O_TMPFILE) the name `tmp`: linkat with AT_EMPTY_PATH (which
 * wants CAP_DAC_READ_SEARCH), else through /proc/self/fd. A file already there by that name
 * is a crashed process's of the same pid: it goes first. */
static int link_unnamed(int fd, const char *tmp)
{
    char proc[64];

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH) == 0 ||
            linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
            return 0;
        if (errno != EEXIST || unlink(tmp) != 0)
            return -1;
    }
    return -1;
}

/* Replace the regular file `path` (or create it) atomically: the content goes to an unnamed
 * file in the same directory (O_TMPFILE), is synced, gets a temporary name beside `path`
 * (".NAME.PID.tmp") and is renamed over it, then the directory is synced. A reader sees the
 * old file or the whole new one; a process killed while it writes leaves no file behind
 * (the unnamed one goes with it; only between the link and the rename, two system calls,
 * would the temporary name stay). Where the file system has no O_TMPFILE, the content is
 * written under the temporary name itself (O_EXCL, so nothing in its place is followed or
 * reused), and a kill while writing leaves that file; the same where the directory refuses
 * the unnamed file (its error then names the temporary file). Naming the unnamed file
 * needs CAP_DAC_READ_SEARCH or /proc mounted. Errors name `shown` (the path as given;
 * `path` may be where a symbolic link points). */
static fk_status replace_file(const char *path, const char *shown, const emitter *e,
                              fk_error *err)
{
    fk_buf tmp = FK_BUF_INIT, dir = FK_BUF_INIT;
    const char *slash = strrchr(path, '/');
    fk_status st = FK_OK;
    int fd, dfd, unnamed = -1;

    if (slash)
        fk_buf_append(&dir, path, slash == path ? 1 : (size_t)(slash - path));
    else
        fk_buf_append(&dir, ".", 1);
    fk_buf_printf(&tmp, "%s/.%s.%ld.tmp", fk_buf_cstr(&dir), slash ? slash + 1 : path,
                  (long)getpid());
    fd = open(fk_buf_cstr(&dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd >= 0 && (unnamed = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
        st = fk_error_set(err, FK_EENV, shown, 0, NULL, "cannot write %s: %s", e->what,
                          strerror(errno));
        close(fd);
        goto done;
    }
    if (fd < 0) { /* no O_TMPFILE here, or the directory refuses: its error says why */
        fd = open(fk_buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno == EEXIST && unlink(fk_buf_cstr(&tmp)) == 0) /* a crashed run's */
            fd = open(fk_buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                      0666);
    }
    if (fd < 0) {
        st = fk_error_set(err, FK_EENV, shown, 0, NULL, "cannot create %s's temporary file %s: %s",
                          e->what, fk_buf_cstr(&tmp), strerror(errno));
        goto done;
    }
    if ((st = write_fd(fd, true, shown, e, err)) != FK_OK) {
        if (unnamed < 0)
            unlink(fk_buf_cstr(&tmp));
        goto done;
    }
    fk_testhook_kill_at("report-written");
    if (unnamed >= 0 && link_unnamed(unnamed, fk_buf_cstr(&tmp)) != 0) {
        st = fk_error_set(err, FK_EENV, shown, 0, NULL, "cannot name %s's temporary file %s: %s",
                          e->what, fk_buf_cstr(&tmp), strerror(errno));
        goto done;
    }
    if (rename(fk_buf_cstr(&tmp), path) != 0) {
        st = fk_error_set(err, FK_EENV, shown, 0, NULL,
                          "cannot rename %s's temporary file %s into place: %s", e->what,
                          fk_buf_cstr(&tmp), strerror(errno));
        unlink(fk_buf_cstr(&tmp));
        goto done;
    }
    dfd = open(fk_buf_cstr(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0)
        st = fk_error_set(err, FK_EENV, shown, 0, NULL,
                          "%s is written, but its directory %s cannot be synced: %s", e->what,
                          fk_buf_cstr(&dir), strerror(errno));
    if (dfd >= 0)
        close(dfd);
done:
    if (unnamed >= 0)
        close(unnamed);
    fk_buf_free(&tmp);
    fk_buf_free(&dir);
    return st;
}

/* Write one target. A regular file (or none yet) is replaced atomically. Anything else is
 * written through and never replaced: a character device such as /dev/null (run as root, a
 * rename over it would replace the machine's /dev/null), a FIFO, a socket. A symbolic link
 * is followed, and the same rule applies to what it points to: the link itself stays. */
static fk_status write_target(const char *target, const emitter *e, fk_error *err)
{
    struct stat sb;
    char *real = NULL;
    const char *path = target;
    fk_status st;

    if (strcmp(path, "-") == 0) {
        fk_report_out o = {stdout, "-", err, e->what};
        st = e->fn(&o, e->payload);
        if (st == FK_OK && fflush(stdout) != 0)
            st = fk_report__fail(&o, errno);
        return st;
    }
    bool dangling = false, replace;
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
        real = realpath(path, NULL);
        if (real)
            path = real;
        else
            dangling = true; /* written through: open() creates what it points to */
    }
    if (stat(path, &sb) == 0)
        replace = S_ISREG(sb.st_mode);
    else
        replace = errno == ENOENT && !dangling;
    if (replace) {
        st = replace_file(path, target, e, err);
    } else {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_CLOEXEC, 0666);
        if (fd < 0)
            st = fk_error_set(err, FK_EENV, target, 0, NULL, "cannot open %s for writing: %s",
                              e->what, strerror(errno));
        else
            st = write_fd(fd, false, target, e, err);
    }
    free(real);
    return st;
}

typedef struct format_job {
    fk_report *r;
    fk_report_format f;
    const fk_report_options *ro;
} format_job;

static fk_status emit_format(fk_report_out *o, void *payload)
{
    const format_job *j = payload;
    return write_format(j->r, o, j->f, j->ro);
}

fk_status fk_report_write(fk_report *r, const fk_report_options *ro, fk_error *err)
{
    for (size_t i = 0; i < ro->ntargets; i++) {
        format_job job = {r, ro->targets[i].format, ro};
        emitter e = {emit_format, &job, "the report"};
        fk_status st = write_target(ro->targets[i].path, &e, err);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}

fk_status fk_report_write_path(const char *path, const char *what, fk_report_emit_fn fn,
                               void *payload, fk_error *err)
{
    emitter e = {fn, payload, what};
    return write_target(path, &e, err);
}

fk_status fk_report_out_write(fk_report_out *o, const void *p, size_t n)
{
    return fk_report__write(o, p, n);
}

void fk_report_free(fk_report *r)
{
    if (!r)
        return;
    if (r->spool)
        fclose(r->spool);
    free(r->kind);
    free(r->as_of);
    free_inputs(r);
    free(r);
}

const char *fk_report_format_name(fk_report_format f)
{
    switch (f) {
    case FK_REPORT_JSON: return "json";
    case FK_REPORT_CSV: return "csv";
    case FK_REPORT_HTML: return "html";
    case FK_REPORT_JUNIT: return "junit";
    }
    return NULL;
}

bool fk_report_format_parse(const char *name, fk_report_format *out)
{
    if (!strcmp(name, "json"))
        *out = FK_REPORT_JSON;
    else if (!strcmp(name, "csv"))
        *out = FK_REPORT_CSV;
    else if (!strcmp(name, "html"))
        *out = FK_REPORT_HTML;
    else if (!strcmp(name, "junit") || !strcmp(name, "xml"))
        *out = FK_REPORT_JUNIT;
    else
        return false;
    return true;
}
