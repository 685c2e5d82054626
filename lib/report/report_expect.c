/* SPDX-License-Identifier: MIT */
/* report_expect.c -- `faktura validate LEDGER --expect EXPECTED.csv`: billing rules under
 * test like code. Each expectation is an order id with the status and codes it should get
 * (ingest reads them from the file: ingest/ingest_expect.c). Codes are compared as a set
 * (separated by ';', ',', '|' or spaces). An order id that occurs several times in the
 * ledger is matched occurrence by occurrence, in file order. Every difference is one
 * readable line; orders missing on either side count too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/util.h"
#include "report/report.h"

/* Order ids are at most 200 bytes when valid (validate.c); longer ones are cut. */
#define SHOWN_BYTES 256

typedef struct expectation {
    char *order_id, *status, *codes; /* codes: sorted, space-separated */
    size_t seq;                      /* position in the file, for stable matching */
    bool used;
} expectation;

struct fk_expect {
    expectation *e;
    size_t n, cap;
    bool sorted;
    uint64_t mismatches;
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

static int cmp_exp(const void *a, const void *b)
{
    const expectation *x = a, *y = b;
    int c = strcmp(x->order_id, y->order_id);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

fk_expect *fk_expect_new(void)
{
    return fk_xcalloc(1, sizeof(fk_expect));
}

void fk_expect_add(fk_expect *x, const char *order_id, const char *status, const char *codes)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->e = fk_xrealloc(x->e, x->cap * sizeof(*x->e));
    }
    expectation *e = &x->e[x->n];
    e->order_id = fk_xstrdup(order_id ? order_id : "");
    e->status = fk_xstrdup(status ? status : "");
    fk_ascii_lower(e->status);
    e->codes = normalise_codes(codes);
    e->seq = x->n++;
    e->used = false;
    x->sorted = false;
}

/* Sorted by order id (then file order) before the first lookup. */
static void sort_once(fk_expect *x)
{
    if (!x->sorted && x->n > 1)
        qsort(x->e, x->n, sizeof(*x->e), cmp_exp);
    x->sorted = true;
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
    char id[SHOWN_BYTES], want_status[64], want_codes[SHOWN_BYTES];
    for (size_t i = 0; i < o->nfindings; i++)
        fk_buf_printf(&raw, "%s ", fk_code_name(o->findings[i].code));
    char *codes = normalise_codes(fk_buf_cstr(&raw));
    const char *status = fk_outcome_name(o->outcome);
    sort_once(x);
    expectation *e = find(x, o->order_id);

    fk_quote_value(o->order_id, id, sizeof(id));
    if (!e) {
        say(x, fn, payload, "%s (%s:%lu): not in the expectations; got %s%s%s", id, o->file,
            o->line, status, *codes ? " " : "", codes);
    } else {
        e->used = true;
        if (strcmp(e->status, status) != 0 || strcmp(e->codes, codes) != 0)
            say(x, fn, payload, "%s (%s:%lu): expected %s%s%s, got %s%s%s", id, o->file,
                o->line, fk_quote_value(e->status, want_status, sizeof(want_status)),
                *e->codes ? " " : "", fk_quote_value(e->codes, want_codes, sizeof(want_codes)),
                status, *codes ? " " : "", codes);
    }
    free(codes);
    fk_buf_free(&raw);
}

uint64_t fk_expect_finish(fk_expect *x, fk_log_fn fn, void *payload)
{
    char id[SHOWN_BYTES], want_status[64], want_codes[SHOWN_BYTES];
    sort_once(x);
    for (size_t i = 0; i < x->n; i++)
        if (!x->e[i].used)
            say(x, fn, payload, "%s: expected %s%s%s, but no such order was ingested",
                fk_quote_value(x->e[i].order_id, id, sizeof(id)),
                fk_quote_value(x->e[i].status, want_status, sizeof(want_status)),
                *x->e[i].codes ? " " : "",
                fk_quote_value(x->e[i].codes, want_codes, sizeof(want_codes)));
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
    free(x);
}
