/* SPDX-License-Identifier: MIT */
/* report_impl.h -- what the format writers see of a report. */
#ifndef FK_REPORT_IMPL_H
#define FK_REPORT_IMPL_H
#include <stdio.h>
#include <jansson.h>
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
/* Call fn for each spooled order object, in input order. Non-zero from fn stops. */
int fk_report__each(fk_report *r, int (*fn)(json_t *order, void *payload), void *payload);

int fk_report__write_html(fk_report *r, FILE *out);
int fk_report__write_junit(fk_report *r, FILE *out);
#endif
