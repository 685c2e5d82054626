/* SPDX-License-Identifier: MIT */
/* corrections.c -- `faktura cancel` and `faktura credit` (issue 19): what a person does
 * about orders and invoices that must not stand as they are. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <faktura/faktura.h>
#include "cli.h"

/* Who does it: --by, else the login name. */
const char *who_is(const cli *c)
{
    const char *who = c->by;
    if (!who || !*who)
        who = getenv("SUDO_USER");
    if (!who || !*who)
        who = getenv("USER");
    if (!who || !*who)
        who = getenv("LOGNAME");
    return who && *who ? who : "unknown";
}

int cmd_cancel(cli *c, char **ids, int n)
{
    fk_error err = FK_ERROR_INIT;
    uint64_t cancelled = 0;

    if (c->batch <= 0)
        return usage_error("%s", "cancel needs --batch ID");
    if (n == 0)
        return usage_error("%s", "cancel needs at least one ORDER_ID");
    if (!c->reason || !*c->reason)
        return usage_error("%s", "cancel needs --reason TEXT (it is recorded)");
    if (fk_cancel(c->db, c->batch, (const char *const *)ids, (size_t)n, c->reason, who_is(c),
                  (int64_t)time(NULL), print_rejected, c, &cancelled, &err) != FK_OK)
        return report_error(&err);
    if (!c->quiet || cancelled < (uint64_t)n)
        fprintf(stderr, "faktura: cancel: %llu of %d order%s cancelled in batch %lld\n",
                (unsigned long long)cancelled, n, n == 1 ? "" : "s", (long long)c->batch);
    return cancelled == (uint64_t)n ? EXIT_ALL_INVOICED : EXIT_NOT_INVOICED;
}

static void print_credit(const fk_credit_info *info, const char *file, unsigned long line,
                         void *payload)
{
    const cli *c = payload;
    switch (info->result) {
    case FK_CREDIT_ISSUED:
        printf("%s\n", info->number);
        if (!c->quiet)
            emit(stderr, "faktura: ", "credit: credit note %s issued for invoice %s: %s %s",
                 info->number, info->invoice_number, info->gross, info->currency);
        break;
    case FK_CREDIT_EXISTING:
        printf("%s\n", info->number);
        if (!c->quiet)
            emit(stderr, "faktura: ", "credit: credit note %s was issued before under this key "
                                      "(nothing new)",
                 info->number);
        break;
    case FK_CREDIT_REFUSED:
        if (file)
            emit(stderr, "faktura: refused: ", "%s:%lu: %s", file, line, info->why);
        else
            emit(stderr, "faktura: refused: ", "%s", info->why);
        break;
    }
}

int cmd_credit(cli *c, char **args, int n)
{
    fk_error err = FK_ERROR_INIT;
    fk_config *cfg = NULL;
    fk_credit_options o = {NULL, c->db, c->out, 0, on_log, c};
    fk_credit_line lines[256];
    int rc;

    if (n > 0)
        return usage_error("credit takes no INPUT (\"%s\"): --invoice NUMBER or --from FILE.csv",
                           args[0]);
    if (!c->from == !c->invoice)
        return usage_error("%s", "credit needs --invoice NUMBER or --from FILE.csv (one of them)");
    if (c->from && (c->reason || c->nlines || c->id))
        return usage_error("%s", "credit --from FILE.csv takes the reasons, lines and keys from "
                                 "the file");
    if (c->invoice && (!c->reason || !*c->reason))
        return usage_error("%s", "credit needs --reason TEXT (it is printed on the credit note)");
    for (size_t i = 0; i < c->nlines; i++) {
        const char *colon = strchr(c->lines[i], ':');
        char *end;
        errno = 0;
        unsigned long v = strtoul(c->lines[i], &end, 10);
        if (errno || end == c->lines[i] || (*end && *end != ':') || v == 0 ||
            c->lines[i][0] == '-' || c->lines[i][0] == '+' || (colon && !colon[1]))
            return usage_error("--line needs N or N:QTY (N a line number from 1, QTY a "
                               "quantity), not \"%s\"",
                               c->lines[i]);
        lines[i] = (fk_credit_line){v, colon ? colon + 1 : NULL};
    }
    if (c->as_of_text) {
        if (!fk_time_parse(c->as_of_text, &o.as_of))
            return usage_error("--as-of \"%s\" is not a date (YYYY-MM-DD[THH:MM:SS])",
                               c->as_of_text);
    } else {
        o.as_of = (int64_t)time(NULL);
    }
    if (fk_config_load(&cfg, c->config ? c->config : "faktura.ini", on_warn, c, &err) != FK_OK)
        return report_error(&err);
    o.config = cfg;
    if (c->from) {
        fk_credit_summary sum;
        fk_status st = fk_credit_import(&o, c->from, print_credit, c, &sum, &err);
        fk_config_free(cfg);
        if (st != FK_OK)
            return report_error(&err);
        if (!c->quiet || sum.refused)
            fprintf(stderr, "faktura: credit: %llu credit notes: %llu issued, %llu issued "
                            "before, %llu refused\n",
                    (unsigned long long)sum.notes, (unsigned long long)sum.issued,
                    (unsigned long long)sum.existing, (unsigned long long)sum.refused);
        return sum.refused ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
    }
    fk_credit_request rq = {c->id, c->invoice, c->reason, lines, c->nlines};
    fk_credit_info info;
    fk_status st = fk_credit(&o, &rq, &info, &err);
    fk_config_free(cfg);
    if (st != FK_OK)
        return report_error(&err);
    print_credit(&info, NULL, 0, c);
    rc = info.result == FK_CREDIT_REFUSED ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
    return fflush(stdout) == 0 ? rc : EXIT_ENV;
}

