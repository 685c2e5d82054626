/* SPDX-License-Identifier: MIT */
/* report_expect.c -- `faktura validate LEDGER --expect EXPECTED.csv`: billing rules under
 * test like code. The expectations file has a header and one row per order:
 *     order_id,status,codes
 *     SO-1020,failed,TAX_ID_CHECKSUM
 *     SO-1021,failed,TAX_ID_MISSING;COMPANY_NAME_INVALID
 * Codes are compared as a set (separated by ';', ',' or spaces). An order id that occurs
 * several times in the ledger is matched occurrence by occurrence, in file order. Every
 * difference is one readable line; orders missing on either side count too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "core/buf.h"
#include "core/util.h"
#include "report/report.h"

typedef struct expectation {
    char *order_id, *status, *codes; /* codes: sorted, space-separated */
    size_t seq;                      /* position in the file, for stable matching */
    bool used;
} expectation;

struct fk_expect {
    expectation *e;
    size_t n, cap;
    uint64_t mismatches;
    /* parsing */
    char *fields[3];
    size_t nfields;
    unsigned long row;
    int col_id, col_status, col_codes;
    char *path;
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "B;A, C" -> "A B C" (sorted, deduplicated, one space between). */
static char *normalise_codes(const char *in)
{
    char *copy = fk_xstrdup(in ? in : ""), *tok, *save = NULL;
    char **v = NULL;
    size_t n = 0;
    fk_buf out = FK_BUF_INIT;

    for (tok = strtok_r(copy, "; ,\t|", &save); tok; tok = strtok_r(NULL, "; ,\t|", &save)) {
        v = fk_xrealloc(v, (n + 1) * sizeof(*v));
        v[n++] = tok;
    }
    if (n > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
        qsort(v, n, sizeof(*v), cmp_str);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            fk_buf_printf(&out, "%s%s", out.len ? " " : "", v[i]);
    free(v);
    free(copy);
    return fk_buf_take(&out);
}

static void on_field(void *s, size_t len, void *data)
{
    fk_expect *x = data;
    if (x->nfields < 3)
        x->fields[x->nfields] = fk_xstrndup(s ? s : "", s ? len : 0);
    x->nfields++;
}

static void on_row(int c, void *data)
{
    fk_expect *x = data;
    (void)c;
    size_t n = x->nfields < 3 ? x->nfields : 3;
    if (x->row++ == 0) {
        /* The header names the columns; default order id, status, codes. */
        x->col_id = 0, x->col_status = 1, x->col_codes = 2;
        for (size_t i = 0; i < n; i++) {
            char *h = fk_trim(x->fields[i]);
            fk_ascii_lower(h);
            if (!strcmp(h, "order_id"))
                x->col_id = (int)i;
            else if (!strcmp(h, "status"))
                x->col_status = (int)i;
            else if (!strcmp(h, "codes"))
                x->col_codes = (int)i;
        }
    } else if (n >= 2) {
        if (x->n == x->cap) {
            x->cap = x->cap ? x->cap * 2 : 64;
            x->e = fk_xrealloc(x->e, x->cap * sizeof(*x->e));
        }
        expectation *e = &x->e[x->n];
        e->order_id = fk_xstrdup(fk_trim(x->fields[x->col_id]));
        e->status = fk_xstrdup(fk_trim(x->fields[x->col_status]));
        fk_ascii_lower(e->status);
        e->codes = normalise_codes((size_t)x->col_codes < n ? x->fields[x->col_codes] : "");
        e->seq = x->n++;
        e->used = false;
    }
    for (size_t i = 0; i < n; i++)
        free(x->fields[i]);
    x->nfields = 0;
}

static int cmp_exp(const void *a, const void *b)
{
    const expectation *x = a, *y = b;
    int c = strcmp(x->order_id, y->order_id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

fk_status fk_expect_load(fk_expect **out, const char *path, fk_error *err)
{
    struct csv_parser p;
    char buf[65536];
    size_t got;
    fk_expect *x = fk_xcalloc(1, sizeof(*x));
    FILE *fp = fopen(path, "rb");
    fk_status st = FK_OK;

    *out = NULL;
    x->path = fk_xstrdup(path);
    if (!fp) {
        fk_expect_free(x);
        return fk_error_set(err, FK_EINPUT, path, 0, NULL,
                            "cannot open the expectations file: %s", strerror(errno));
    }
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    while ((got = fread(buf, 1, sizeof(buf), fp)) > 0) {
        if (csv_parse(&p, buf, got, on_field, on_row, x) != got) {
            st = fk_error_set(err, FK_EINPUT, path, x->row + 1, NULL,
                              "the expectations file is not valid CSV: %s",
                              csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (st == FK_OK && csv_fini(&p, on_field, on_row, x) != 0)
        st = fk_error_set(err, FK_EINPUT, path, x->row + 1, NULL,
                          "the expectations file ends inside a quoted field");
    for (size_t i = 0; i < x->nfields && i < 3; i++)
        free(x->fields[i]);
    x->nfields = 0;
    csv_free(&p);
    fclose(fp);
    if (st != FK_OK) {
        fk_expect_free(x);
        return st;
    }
    if (x->n > 1)
        qsort(x->e, x->n, sizeof(*x->e), cmp_exp);
    *out = x;
    return FK_OK;
}

static expectation *find(fk_expect *x, const char *id)
{
    size_t lo = 0, hi = x->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(x->e[mid].order_id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < x->n && strcmp(x->e[lo].order_id, id) == 0; lo++)
        if (!x->e[lo].used)
            return &x->e[lo];
    return NULL;
}

static void say(fk_expect *x, fk_log_fn fn, void *payload, const char *fmt, ...)
    FK_PRINTF(4, 5);
static void say(fk_expect *x, fk_log_fn fn, void *payload, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    x->mismatches++;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    if (fn)
        fn(fk_buf_cstr(&m), payload);
    fk_buf_free(&m);
}

void fk_expect_check(fk_expect *x, const fk_outcome_rec *o, fk_log_fn fn, void *payload)
{
    fk_buf raw = FK_BUF_INIT;
    for (size_t i = 0; i < o->nfindings; i++)
        fk_buf_printf(&raw, "%s ", fk_code_name(o->findings[i].code));
    char *codes = normalise_codes(fk_buf_cstr(&raw));
    const char *status = fk_outcome_name(o->outcome);
    expectation *e = find(x, o->order_id);

    if (!e) {
        say(x, fn, payload, "%s (%s:%lu): not in the expectations; got %s%s%s", o->order_id,
            o->file, o->line, status, *codes ? " " : "", codes);
    } else {
        e->used = true;
        if (strcmp(e->status, status) != 0 || strcmp(e->codes, codes) != 0)
            say(x, fn, payload, "%s (%s:%lu): expected %s%s%s, got %s%s%s", o->order_id,
                o->file, o->line, e->status, *e->codes ? " " : "", e->codes, status,
                *codes ? " " : "", codes);
    }
    free(codes);
    fk_buf_free(&raw);
}

uint64_t fk_expect_finish(fk_expect *x, fk_log_fn fn, void *payload)
{
    for (size_t i = 0; i < x->n; i++)
        if (!x->e[i].used)
            say(x, fn, payload, "%s: expected %s%s%s, but no such order was ingested",
                x->e[i].order_id, x->e[i].status, *x->e[i].codes ? " " : "", x->e[i].codes);
    return x->mismatches;
}

void fk_expect_free(fk_expect *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->e[i].order_id);
        free(x->e[i].status);
        free(x->e[i].codes);
    }
    free(x->e);
    free(x->path);
    free(x);
}
