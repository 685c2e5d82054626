/* SPDX-License-Identifier: MIT */
/* documents.c -- the commands over the invoices of record: show, reprint, the invoices
 * journal and verify --repair (main.c has the rest of the command). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <faktura/faktura.h>
#include "cli.h"

/* The config of the commands that render but run no batch (reprint, verify --repair):
 * --config, else faktura.ini when there is one, else the built-in defaults (the fonts of
 * the build). */
static int load_render_config(const cli *c, fk_config **cfg)
{
    fk_error err = FK_ERROR_INIT;
    const char *config = c->config;
    if (!config && access("faktura.ini", F_OK) == 0)
        config = "faktura.ini";
    if (fk_config_load(cfg, config, on_warn, (void *)c, &err) != FK_OK)
        return report_error(&err);
    return -1;
}

int cmd_verify_repair(cli *c)
{
    fk_error err = FK_ERROR_INIT;
    fk_config *cfg = NULL;
    uint64_t checked = 0, problems = 0, repaired = 0;
    int rc;

    if ((rc = load_render_config(c, &cfg)) >= 0)
        return rc;
    fk_status st = fk_verify_repair(cfg, c->db, c->batch, print_problem, print_problem, c,
                                    &checked, &problems, &repaired, &err);
    fk_config_free(cfg);
    if (st != FK_OK)
        return report_error(&err);
    if (!c->quiet || problems)
        fprintf(stderr, "faktura: verify: %llu invoices checked, %llu repaired, %llu problem%s "
                        "left\n",
                (unsigned long long)checked, (unsigned long long)repaired,
                (unsigned long long)problems, problems == 1 ? "" : "s");
    return problems ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
}

static int one_number(const char *cmd, int n)
{
    if (n != 1)
        return usage_error("%s takes exactly one invoice NUMBER", cmd);
    return -1;
}

int cmd_show(cli *c, char **args, int n)
{
    fk_error err = FK_ERROR_INIT;
    fk_shown_invoice si;
    int rc;

    if ((rc = one_number("show", n)) >= 0)
        return rc;
    if (c->nformats > 1 || (c->nformats == 1 && c->formats[0] != FK_REPORT_JSON) ||
        (c->nformats && c->einvoice_format))
        return usage_error("%s", "show takes one --format: json or an e-invoice format");
    if ((c->einvoice_format ? fk_show_einvoice(c->db, args[0], c->einvoice_format, &si, &err)
                            : fk_show(c->db, args[0], &si, &err)) != FK_OK)
        return report_error(&err);
    if (!si.found) {
        emit(stderr, "faktura: ", "there is no invoice %s in %s", args[0], c->db);
        rc = EXIT_NOT_INVOICED;
    } else if (!si.has_content) {
        emit(stderr, "faktura: ",
             "invoice %s was issued on %s, before faktura stored invoice content: only its "
             "totals are known: net %s, VAT %s, gross %s %s",
             args[0], si.issue_date, si.net, si.vat, si.gross, si.currency);
        rc = EXIT_NOT_INVOICED;
    } else if (c->einvoice_format) {
        /* the XML byte for byte (it ends in a newline) */
        fwrite(si.json, 1, strlen(si.json), stdout);
        rc = fflush(stdout) == 0 && !ferror(stdout) ? EXIT_ALL_INVOICED : EXIT_ENV;
    } else {
        fputs(si.json, stdout);
        fputc('\n', stdout);
        rc = fflush(stdout) == 0 ? EXIT_ALL_INVOICED : EXIT_ENV;
    }
    fk_shown_invoice_free(&si);
    return rc;
}

int cmd_reprint(cli *c, char **args, int n)
{
    fk_error err = FK_ERROR_INIT;
    fk_config *cfg = NULL;
    fk_reprint_info info;
    int rc;

    if ((rc = one_number("reprint", n)) >= 0)
        return rc;
    if ((rc = load_render_config(c, &cfg)) >= 0)
        return rc;
    fk_status st = fk_reprint(cfg, c->db, args[0], c->out_given ? c->out : NULL, &info, &err);
    fk_config_free(cfg);
    if (st != FK_OK)
        return report_error(&err);
    switch (info.result) {
    case FK_REPRINT_IDENTICAL:
        if (!c->quiet)
            emit(stderr, "faktura: ",
                 "reprint: invoice %s written to %s (%llu bytes, SHA-256 %s: identical to the "
                 "PDF issued)",
                 args[0], strcmp(info.path, "-") ? info.path : "standard output",
                 (unsigned long long)info.size, info.sha256);
        return EXIT_ALL_INVOICED;
    case FK_REPRINT_UNKNOWN:
        emit(stderr, "faktura: ", "there is no invoice %s in %s", args[0], c->db);
        return EXIT_NOT_INVOICED;
    case FK_REPRINT_NO_CONTENT:
        emit(stderr, "faktura: ",
             "invoice %s was issued before faktura stored invoice content: it cannot be "
             "rendered again (its PDF is the only copy; `faktura show %s` has its totals)",
             args[0], args[0]);
        return EXIT_NOT_INVOICED;
    case FK_REPRINT_DIFFERENT:
        emit(stderr, "faktura: error: ",
             "reprint: invoice %s renders to other bytes than were issued (%llu bytes, SHA-256 "
             "%s; issued %llu bytes, %s): nothing written. Are the fonts and logo of [render] "
             "the ones it was issued with?",
             args[0], (unsigned long long)info.size, info.sha256,
             (unsigned long long)info.recorded_size, info.recorded_sha256);
        return EXIT_NOT_INVOICED;
    }
    return EXIT_INTERNAL;
}

static bool plain_date(const char *s)
{
    int64_t t;
    return s && strlen(s) == 10 && fk_time_parse(s, &t);
}

int cmd_invoices(cli *c, char **args, int n)
{
    fk_error err = FK_ERROR_INIT;
    fk_journal_options o = {NULL, NULL, 0, FK_JOURNAL_CSV, "-"};
    fk_journal_summary sum;

    if (n > 0)
        return usage_error("invoices takes no INPUT (\"%s\")", args[0]);
    if (c->nreports > 1 || c->nformats > 1)
        return usage_error("%s", "invoices writes one --report in one --format");
    if ((c->from && !plain_date(c->from)) || (c->to && !plain_date(c->to)))
        return usage_error("--from and --to must be dates, YYYY-MM-DD (\"%s\")",
                           c->from && !plain_date(c->from) ? c->from : c->to);
    o.from = c->from;
    o.to = c->to;
    o.path = c->nreports ? c->reports[0] : "-";
    if (c->nformats) {
        if (c->formats[0] != FK_REPORT_CSV && c->formats[0] != FK_REPORT_JSON)
            return usage_error("%s", "invoices writes --format csv or json");
        o.format = c->formats[0] == FK_REPORT_JSON ? FK_JOURNAL_JSON : FK_JOURNAL_CSV;
    } else {
        const char *dot = strrchr(o.path, '.');
        o.format = dot && !strcmp(dot, ".json") ? FK_JOURNAL_JSON : FK_JOURNAL_CSV;
    }
    if (c->as_of_text) {
        if (!fk_time_parse(c->as_of_text, &o.as_of))
            return usage_error("--as-of \"%s\" is not a date (YYYY-MM-DD[THH:MM:SS])",
                               c->as_of_text);
    } else {
        o.as_of = (int64_t)time(NULL);
    }
    if (fk_journal(c->db, &o, &sum, &err) != FK_OK)
        return report_error(&err);
    if (!c->quiet)
        fprintf(stderr, "faktura: invoices: %llu invoices, %llu rows (%llu issued before "
                        "invoice content was stored)%s%.0llu%s; journal %s\n",
                (unsigned long long)sum.invoices, (unsigned long long)sum.rows,
                (unsigned long long)sum.without_content, sum.credit_notes ? ", " : "",
                (unsigned long long)sum.credit_notes, sum.credit_notes ? " credit notes" : "",
                strcmp(o.path, "-") ? o.path : "on stdout");
    return EXIT_ALL_INVOICED;
}
