/* test_rules.c -- the generation rules (fk_detect_rules, lib/detect/detect_rules.c) on plain
 * data, table-driven: each rule's bound (at the bound passes, one minor unit past it
 * holds), a rule that is off never holds, an approved code is released, the order's own
 * credit_limit overrides the config's, and the dispute states and deadlines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "faktura/batch.h"
#include "core/order.h"
#include "core/rules.h"
#include "detect/detect.h"

#define AS_OF 1795219200 /* 2026-11-21T00:00:00Z */

/* An EUR order of `gross` minor units, validated, ordered at `order_time`. */
static void make_order(fk_order *o, int64_t gross, int64_t order_time, const char *credit,
                       const char *dispute, const char *opened)
{
    fk_order_init(o);
    o->file = fk_order_strdup(o, "t.csv");
    o->line = 2;
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        o->f[c] = fk_order_strdup(o, "");
    o->f[FK_COL_ORDER_ID] = fk_order_strdup(o, "T-1");
    o->f[FK_COL_ORDER_DATE] = fk_order_strdup(o, "2026-11-20");
    o->f[FK_COL_CREDIT_LIMIT] = fk_order_strdup(o, credit);
    o->f[FK_COL_DISPUTE_STATUS] = fk_order_strdup(o, dispute);
    o->f[FK_COL_DISPUTE_OPENED] = fk_order_strdup(o, opened);
    memcpy(o->currency, "EUR", 4);
    o->exponent = 2;
    o->amounts_ok = true;
    o->net_total = o->gross_total = gross;
    o->order_time = order_time;
}

enum rule { R_NONE, R_MIN, R_MAX, R_CREDIT, R_PER_DAY, R_HOLDING, R_OVERDUE, R_DUP };

static void test_thresholds(void **state)
{
    static const struct {
        const char *what;
        enum rule rule;
        int64_t setting;         /* the rule's limit (R_MIN/MAX/CREDIT in cents) */
        int64_t gross, open;     /* the order's total; the customer's open amount */
        uint64_t today;          /* invoices today */
        int64_t order_time;
        const char *credit;      /* the order's credit_limit column */
        fk_code approved;        /* released, or FK_CODE_NONE */
        fk_code want;            /* the finding, or FK_CODE_NONE */
    } cases[] = {
        {"no rules", R_NONE, 0, 100000000, 0, 0, AS_OF, "", FK_CODE_NONE, FK_CODE_NONE},
        {"minimum met", R_MIN, 1000, 1000, 0, 0, AS_OF - 86400, "", FK_CODE_NONE, FK_CODE_NONE},
        {"below minimum", R_MIN, 1000, 999, 0, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_BELOW_MINIMUM_AMOUNT},
        {"below minimum, approved", R_MIN, 1000, 999, 0, 0, AS_OF - 86400, "",
         FK_CODE_BELOW_MINIMUM_AMOUNT, FK_CODE_NONE},
        {"maximum met", R_MAX, 50000, 50000, 0, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_NONE},
        {"above maximum", R_MAX, 50000, 50001, 0, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_ABOVE_MAXIMUM_AMOUNT},
        {"credit reached exactly", R_CREDIT, 10000, 4000, 6000, 0, AS_OF - 86400, "",
         FK_CODE_NONE, FK_CODE_NONE},
        {"credit exceeded", R_CREDIT, 10000, 4001, 6000, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_CREDIT_LIMIT_EXCEEDED},
        {"credit exceeded, approved", R_CREDIT, 10000, 4001, 6000, 0, AS_OF - 86400, "",
         FK_CODE_CREDIT_LIMIT_EXCEEDED, FK_CODE_NONE},
        {"own credit_limit overrides", R_CREDIT, 10000, 4001, 6000, 0, AS_OF - 86400,
         "200.00", FK_CODE_NONE, FK_CODE_NONE},
        {"own credit_limit without config", R_NONE, 0, 4001, 6000, 0, AS_OF - 86400,
         "100.00", FK_CODE_NONE, FK_CODE_CREDIT_LIMIT_EXCEEDED},
        {"own credit_limit not an amount", R_NONE, 0, 1, 0, 0, AS_OF - 86400, "lots",
         FK_CODE_NONE, FK_CODE_AMOUNT_INVALID},
        {"invoices per day below", R_PER_DAY, 3, 100, 0, 2, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_NONE},
        {"invoices per day reached", R_PER_DAY, 3, 100, 0, 3, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_RATE_LIMIT_EXCEEDED},
        {"holding period over", R_HOLDING, 24, 100, 0, 0, AS_OF - 24 * 3600, "", FK_CODE_NONE,
         FK_CODE_NONE},
        {"holding period", R_HOLDING, 24, 100, 0, 0, AS_OF - 24 * 3600 + 1, "", FK_CODE_NONE,
         FK_CODE_HOLDING_PERIOD},
        {"holding period, approved", R_HOLDING, 24, 100, 0, 0, AS_OF, "",
         FK_CODE_HOLDING_PERIOD, FK_CODE_NONE},
        {"overdue balance", R_OVERDUE, 30, 100, 0, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_OVERDUE_BALANCE},
        {"duplicate charge", R_DUP, 24, 100, 0, 0, AS_OF - 86400, "", FK_CODE_NONE,
         FK_CODE_DUPLICATE_CHARGE_SUSPECTED},
        {"duplicate charge, approved", R_DUP, 24, 100, 0, 0, AS_OF - 86400, "",
         FK_CODE_DUPLICATE_CHARGE_SUSPECTED, FK_CODE_NONE},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_rules r;
        fk_customer_facts f;
        fk_order o;
        fk_code approved[2] = {cases[i].approved, FK_CODE_NONE};
        fk_amount_limit lim = {"EUR", cases[i].setting};

        fk_rules_defaults(&r);
        memset(&f, 0, sizeof(f));
        f.open_amount = cases[i].open;
        f.invoices_today = cases[i].today;
        switch (cases[i].rule) {
        case R_MIN: r.minimum[r.nminimum++] = lim; break;
        case R_MAX: r.maximum[r.nmaximum++] = lim; break;
        case R_CREDIT: r.credit[r.ncredit++] = lim; break;
        case R_PER_DAY: r.invoices_per_day = (int)cases[i].setting; break;
        case R_HOLDING: r.holding_hours = (int)cases[i].setting; break;
        case R_OVERDUE:
            r.overdue_days = (int)cases[i].setting;
            snprintf(f.overdue, sizeof(f.overdue), "INV-2026-0001");
            break;
        case R_DUP:
            snprintf(f.dup_order_id, sizeof(f.dup_order_id), "T-0");
            f.dup_time = AS_OF - 3600;
            break;
        case R_NONE: break;
        }
        make_order(&o, cases[i].gross, cases[i].order_time, cases[i].credit, "", "");
        fk_detect_rules(&o, &r, &f, AS_OF, approved);
        if (cases[i].want == FK_CODE_NONE && o.nfindings)
            fail_msg("%s: finding %s: %s", cases[i].what, fk_code_name(o.findings[0].code),
                     o.findings[0].message);
        if (cases[i].want != FK_CODE_NONE &&
            (o.nfindings != 1 || o.findings[0].code != cases[i].want))
            fail_msg("%s: %zu findings, the first %s, expected %s", cases[i].what,
                     o.nfindings, o.nfindings ? fk_code_name(o.findings[0].code) : "none",
                     fk_code_name(cases[i].want));
        fk_order_clear(&o);
    }
}

static void test_disputes(void **state)
{
    static const struct {
        const char *status, *opened;
        fk_code want;
        const char *field, *text;
    } cases[] = {
        {"", "", FK_CODE_NONE, NULL, NULL},
        {"resolved", "2026-11-01", FK_CODE_NONE, NULL, NULL},
        {"None", "", FK_CODE_NONE, NULL, NULL},
        {"lost", "2026-11-01", FK_CODE_DISPUTE_LOST, "dispute_status", "opened 2026-11-01"},
        {"won", "", FK_CODE_DISPUTE_STATUS_INVALID, "dispute_status", "\"won\""},
        {"open", "", FK_CODE_DISPUTE_OPEN, "dispute_status", "the deadline is unknown"},
        {"open", "1.11.2026", FK_CODE_DISPUTE_STATUS_INVALID, "dispute_opened", "not a date"},
        /* 21 days' response time (the default) */
        {"OPEN", "2026-11-01", FK_CODE_DISPUTE_OPEN, "dispute_status",
         "respond by 2026-11-22 (1 day left)"},
        {"open", "2026-10-31", FK_CODE_DISPUTE_OPEN, "dispute_status",
         "respond by 2026-11-21 (0 days left)"},
        {"open", "2026-10-30", FK_CODE_DISPUTE_OPEN, "dispute_status",
         "the response deadline 2026-11-20 passed 1 day ago"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_rules r;
        fk_customer_facts f;
        fk_order o;

        fk_rules_defaults(&r);
        memset(&f, 0, sizeof(f));
        make_order(&o, 100, AS_OF - 86400, "", cases[i].status, cases[i].opened);
        fk_detect_rules(&o, &r, &f, AS_OF, NULL);
        if (cases[i].want == FK_CODE_NONE) {
            if (o.nfindings)
                fail_msg("%s %s: %s", cases[i].status, cases[i].opened, o.findings[0].message);
        } else if (o.nfindings != 1 || o.findings[0].code != cases[i].want ||
                   strcmp(o.findings[0].field, cases[i].field) != 0 ||
                   !strstr(o.findings[0].message, cases[i].text)) {
            fail_msg("%s %s: %zu findings: %s", cases[i].status, cases[i].opened, o.nfindings,
                     o.nfindings ? o.findings[0].message : "none");
        }
        fk_order_clear(&o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_disputes),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
