/* SPDX-License-Identifier: MIT */
/* report_impl.h -- what the format writers see of a report. */
#ifndef FK_REPORT_IMPL_H
#define FK_REPORT_IMPL_H
#include <stdio.h>
#include <jansson.h>
#include "core/buf.h"
#include "report/report.h"

#define FK_REPORT_MAX_CURRENCIES 256
#define FK_REPORT_MAX_CODE 1000

/* Sums are 128-bit: a batch of any size of the largest invoices cannot overflow them. */
typedef __int128 fk_sum;

typedef struct fk_report_currency {
    char code[8];
    int exponent;
    fk_sum ingested;
    fk_sum by_outcome[FK_OUTCOME_COUNT];
    fk_sum recorded;       /* invoices in the database (run only) */
} fk_report_currency;

struct fk_report {
    FILE *spool;           /* one JSON object a line: the non-invoiced orders */
    uint64_t spooled;
    int64_t batch_id;
    char *kind, *as_of;
    char **inputs;         /* the input paths */
    size_t ninputs;
    char *inputs_json;     /* the same as a compact JSON array (the HTML report shows it) */
    uint64_t orders;
    uint64_t count[FK_OUTCOME_COUNT];
    uint64_t code_count[FK_REPORT_MAX_CODE]; /* findings per code value */
    fk_report_currency cur[FK_REPORT_MAX_CURRENCIES];
    size_t ncur;
    bool overflow;
    bool check_recorded;
};

/* Does this currency's row add up (and match the recorded invoices)? */
bool fk_report__currency_ok(const fk_report *r, const fk_report_currency *c);
bool fk_report__reconciled(const fk_report *r);
/* A decimal string of v in the currency's minor unit ("1234.56"), `sep` as separator. */
void fk_report__amount(fk_sum v, int exponent, char sep, char *buf, size_t n);

/* Where a format writer writes, and what its errors name. */
typedef struct fk_report_out {
    FILE *fp;
    const char *path; /* the target as the caller gave it ("-": standard output) */
    fk_error *err;
    const char *what; /* what is written, for messages; NULL: "the report" */
} fk_report_out;

/* Write n bytes (a string). A failure sets the error: the target's path and the cause, as
 * errno says right after the failing call. */
fk_status fk_report__write(fk_report_out *o, const void *p, size_t n);
fk_status fk_report__puts(fk_report_out *o, const char *s);
/* The same error for a failure the caller met itself (errno `e`, 0 if none). */
fk_status fk_report__fail(fk_report_out *o, int e);

/* s as the text formats (CSV, HTML, JUnit XML) show it: every character fk_text_safe
 * replaces becomes '?', TAB, LF and CR stay (the format quotes or escapes them). Returns s
 * itself when nothing changes, else the text in `tmp` (reset first). The one sanitising
 * step of every text and attribute a text format writes: each format's output sink calls
 * it, so no value reaches a report unsanitised, whatever its source. */
const char *fk_report__shown(const char *s, fk_buf *tmp);

/* Call fn for each spooled order object, in input order, until it fails. A spool that
 * cannot be read back fails with an error naming o's path. */
typedef fk_status (*fk_report_order_fn)(json_t *order, void *payload);
fk_status fk_report__each(fk_report *r, fk_report_out *o, fk_report_order_fn fn,
                          void *payload);

fk_status fk_report__write_html(fk_report *r, fk_report_out *o);
fk_status fk_report__write_junit(fk_report *r, fk_report_out *o);
#endif
