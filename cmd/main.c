/* SPDX-License-Identifier: MIT */
/* main.c -- the faktura command: argument parsing, progress, exit codes.
 *
 * Thin on purpose: everything that does work is in libfaktura, reached only through
 * <faktura/faktura.h>. This file decides what a person or a cron job sees: a one-line
 * summary on stderr, errors in the shape "faktura: error: FILE:LINE: FIELD: message",
 * a progress bar only when stderr is a terminal, and an exit code from the table below.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <faktura/faktura.h>

/* Exit codes: a contract (README.md "Exit codes"); never renumber. */
enum {
    EXIT_ALL_INVOICED = 0, /* every order invoiced (or already invoiced earlier) */
    EXIT_NOT_INVOICED = 1, /* some orders failed or were held; the report says why */
    EXIT_USAGE = 2,        /* bad command line or config file */
    EXIT_INPUT = 3,        /* an input file is unreadable or malformed (no header, ...) */
    EXIT_ENV = 4,          /* database locked or unwritable, disk full, I/O error */
    EXIT_INTERNAL = 5      /* a bug in faktura (or books that do not reconcile) */
};

static const char usage_main[] =
    "Usage: faktura COMMAND [options] [INPUT...]\n"
    "\n"
    "Batch invoice generation and reconciliation: orders in (CSV or XML), PDF invoices with\n"
    "gapless numbers out, every order accounted for in a report.\n"
    "\n"
    "Commands:\n"
    "  run INPUT...          ingest, validate, check, number, render, record, report\n"
    "  validate INPUT...     the same checks as a dry run: no PDF, no number, no database\n"
    "                        change; writes the report (to stdout by default)\n"
    "  retry --batch ID [INPUT...]\n"
    "                        process the failed and held orders of a batch again (from the\n"
    "                        database, or from corrected INPUT files); nothing is invoiced twice\n"
    "  report --batch ID     write the report of an earlier batch again from the database\n"
    "  verify [--batch ID]   check every recorded PDF against its SHA-256 and the number\n"
    "                        series for gaps and repeats (exit 0: all well, 1: problems)\n"
    "  payments FILE.csv     record payments (invoice_number, amount, paid_on[, payment_id,\n"
    "                        currency]): what makes invoices open or overdue\n"
    "  approve --batch ID ORDER_ID... --reason TEXT\n"
    "                        release held orders (duplicate suspicion, amount limits,\n"
    "                        credit or rate limit, overdue balance) for the next retry\n"
    "  status [--batch ID]   batches with their counts per status, and the open holds\n"
    "  codes [--markdown]    list the finding codes with their outcome and hint\n"
    "\n"
    "Run `faktura COMMAND --help` for a command's options.\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Exit codes:\n"
    "  0  every order invoiced (or already invoiced by an earlier batch)\n"
    "  1  some orders were not invoiced (failed or held); the report says why\n"
    "  2  usage error: bad option or config file\n"
    "  3  input error: an input file is unreadable or malformed (e.g. missing column)\n"
    "  4  environment error: database locked or unwritable, disk full, I/O error\n"
    "  5  internal error (a bug, or a report that does not reconcile)\n";

static const char usage_batch[] =
    "Usage: faktura %s [options] INPUT...\n"
    "\n"
    "%s"
    "INPUT is a CSV file of orders (one row per invoice line) or an XML file (.xml, see\n"
    "samples/orders.xsd); `-` reads stdin (CSV, or XML with --input-format xml).\n"
    "\n"
    "Options:\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "  --out DIR             directory for PDFs and the default report (default: out)\n"
    "  --config FILE         config file (default: faktura.ini; `validate` runs without one)\n"
    "  --report FILE         where to write the report, `-` for stdout\n"
    "                        (default: DIR/report.json for run, stdout for validate)\n"
    "  --format FORMAT       json, csv, html or junit (default: json, or from the\n"
    "                        --report file's extension); repeat --format and --report\n"
    "                        to write several formats at once\n"
    "  --csv-bom             CSV report: start with a UTF-8 byte order mark (Excel)\n"
    "  --csv-delimiter ;     CSV report: ';' and decimal commas (European locales)\n"
    "  --expect FILE         compare each order's status and codes with FILE (columns\n"
    "                        order_id,status,codes); exit 0 when all match, 1 with a\n"
    "                        diff on stderr when not\n"
    "  --as-of DATE          the batch's \"now\", YYYY-MM-DD[THH:MM:SS] UTC: issue date and\n"
    "                        reproducible runs (default: the current time)\n"
    "  --input-format csv|xml  input format when the extension does not say\n"
    "  --delimiter , or ;    CSV delimiter (default: detected from the header line)\n"
    "  --decimal-comma       amounts are written 12,50 (default only for ';' files)\n"
    "  --profile NAME|FILE   read CSV inputs through a profile: faktura (the default),\n"
    "                        shopify, woocommerce, or a profile file (docs/input.md)\n"
    "  --input-encoding ENC  the inputs' encoding when not UTF-8: windows-1252,\n"
    "                        windows-1250, iso-8859-1/2/15, utf-16\n"
    "  --show-mapping        validate: print, for the first orders, each field with the\n"
    "                        source column and value it came from, then the amounts\n"
    "  --jobs N              render PDFs with N threads (default: one per core)\n"
    "  -q, --quiet           no summary line (errors are still printed)\n"
    "  -v, --verbose         say what is done (recovery, config warnings)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 all invoiced, 1 some not invoiced, 2 usage, 3 input, 4 environment,\n"
    "5 internal (see `faktura --help`).\n";

static const char usage_retry[] =
    "Usage: faktura retry --batch ID [options] [INPUT...]\n"
    "\n"
    "Process the failed and held orders of batch ID again, through every check. Without\n"
    "INPUT, from the data stored in the database (after fixing the disk, the font, the\n"
    "config); with INPUT (corrected export files), only the batch's failed and held orders\n"
    "are taken from them. Invoiced orders are never touched. The report covers the whole\n"
    "batch afterwards.\n"
    "\n"
    "Options: --batch ID, --db FILE, --out DIR (default: the batch's), --config FILE,\n"
    "--report FILE (default: DIR/report.json), --format FORMAT, --as-of DATE,\n"
    "--delimiter , or ;, --decimal-comma, --input-format csv|xml, --jobs N, -q, -v, -h.\n"
    "Exit codes as for run: 0 all invoiced, 1 some not invoiced, 2 usage, 3 input,\n"
    "4 environment, 5 internal.\n";

static const char usage_verify[] =
    "Usage: faktura verify [--batch ID] [--db FILE]\n"
    "\n"
    "Check every recorded invoice (of batch ID, or all): its PDF exists with the recorded\n"
    "size and SHA-256; and every number series has no gap and no repeat. Problems are\n"
    "listed on stdout. Exit code: 0 all well, 1 problems found, 2 usage, 4 database\n"
    "unreadable.\n";

static const char usage_payments[] =
    "Usage: faktura payments [--db FILE] FILE.csv\n"
    "\n"
    "Record payments. Columns: invoice_number, amount (12.50), paid_on (YYYY-MM-DD), and\n"
    "optionally payment_id and currency. Partial payments add up; an invoice is open until\n"
    "fully paid. Unknown invoice numbers, currency mismatches and overpayments are listed\n"
    "and not applied. Rerunning a file records nothing twice (a row is identified by its\n"
    "payment_id, else by the whole row).\n"
    "Exit codes: 0 every row recorded (or recorded before), 1 some rows rejected, 2 usage,\n"
    "3 unreadable file, 4 database locked or unwritable.\n";

static const char usage_approve[] =
    "Usage: faktura approve --batch ID ORDER_ID... --reason TEXT [--by NAME] [--db FILE]\n"
    "\n"
    "Release held orders of batch ID so that the next `faktura retry --batch ID` invoices\n"
    "them: holds for a suspected duplicate charge, the minimum or maximum amount, the credit\n"
    "or rate limit, or an overdue balance. Who (--by, default the login name), why and when\n"
    "are recorded. Holding periods pass by themselves; open disputes need an answer.\n"
    "Exit codes: 0 all released, 1 some orders were not held for such a reason, 2 usage,\n"
    "4 database locked or unwritable.\n";

static const char usage_status[] =
    "Usage: faktura status [--batch ID] [--db FILE]\n"
    "\n"
    "List the batches (or one) with their counts per status, then every open hold with\n"
    "its reason and any approval.\n";

static const char usage_report[] =
    "Usage: faktura report --batch ID [options]\n"
    "\n"
    "Write the report of an earlier batch again, from the database.\n"
    "\n"
    "Options:\n"
    "  --batch ID            the batch (its id is in the run's report and summary line)\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "  --report FILE         where to write the report (default: stdout); repeatable\n"
    "  --format FORMAT       json, csv, html or junit (default: json, or from the\n"
    "                        --report file's extension); repeatable\n"
    "  --csv-bom, --csv-delimiter ;   CSV report options (see `faktura run --help`)\n"
    "  -q, --quiet           no summary line\n"
    "  -h, --help            show this help\n";

#define MAX_REPORTS 8

typedef struct cli {
    const char *cmd;
    const char *db, *out, *config, *as_of_text, *expect, *reason, *by;
    const char *profile, *input_encoding;
    bool show_mapping;
    const char *reports[MAX_REPORTS];
    size_t nreports;
    fk_report_format formats[MAX_REPORTS];
    size_t nformats;
    fk_report_target targets[MAX_REPORTS];
    char defaults[MAX_REPORTS][1024];
    bool csv_bom;
    char csv_report_delimiter;
    fk_input_format input_format;
    char delimiter;
    bool decimal_comma;
    int jobs;
    int64_t batch;
    bool quiet, verbose, markdown, out_given;
    bool tty;
    bool progress_shown;
} cli;

/* Every line that carries a message leaves through here: warnings, problems, rejected
 * rows, expectation diffs, errors, verify problems and status lines. The prefix is ours;
 * the message may quote input (an order id, an invoice number, a path, an option), so every
 * control character, line separator, bidirectional control and byte that is not UTF-8 in
 * it is printed as '?' (fk_text_printable): a value can neither forge a line nor reach the
 * terminal as an escape sequence. The message's own text and the newline are kept. */
static void vemit(FILE *fp, const char *prefix, const char *fmt, va_list ap)
{
    char small[1024], *text = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0)
        small[0] = '\0';
    else if ((size_t)n >= sizeof(small) && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    else
        text = small; /* it fits, or no memory for more: the cut line is still safe */
    va_end(again);
    fprintf(fp, "%s%s\n", prefix, fk_text_printable(text));
    if (text != small)
        free(text);
}

static void emit(FILE *fp, const char *prefix, const char *fmt, ...) FK_PRINTF(3, 4);
static void emit(FILE *fp, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(fp, prefix, fmt, ap);
    va_end(ap);
}

static int usage_error(const char *fmt, ...) FK_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(stderr, "faktura: ", fmt, ap);
    va_end(ap);
    fputs("Try `faktura --help`.\n", stderr);
    return EXIT_USAGE;
}

static int exit_for(fk_status st)
{
    switch (st) {
    case FK_OK: return EXIT_ALL_INVOICED;
    case FK_EUSAGE: return EXIT_USAGE;
    case FK_EINPUT: return EXIT_INPUT;
    case FK_EENV: return EXIT_ENV;
    case FK_EINTERNAL: return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}

static int report_error(const fk_error *err)
{
    char where[400] = "";
    if (err->file[0] && err->line)
        snprintf(where, sizeof(where), "%s:%lu: ", err->file, err->line);
    else if (err->file[0])
        snprintf(where, sizeof(where), "%s: ", err->file);
    emit(stderr, "faktura: error: ", "%s%s%s%s", where, err->field,
         err->field[0] ? ": " : "", err->message[0] ? err->message : fk_status_name(err->status));
    return exit_for(err->status);
}

static void on_log(const char *msg, void *payload)
{
    const cli *c = payload;
    if (c->verbose)
        emit(stderr, "faktura: ", "%s", msg);
}

static void on_warn(const char *msg, void *payload)
{
    const cli *c = payload;
    if (!c->quiet)
        emit(stderr, "faktura: warning: ", "%s", msg);
}

static void on_expect(const char *msg, void *payload)
{
    (void)payload;
    emit(stderr, "faktura: expect: ", "%s", msg);
}

static void on_problem(const char *msg, void *payload)
{
    (void)payload;
    emit(stderr, "faktura: warning: ", "%s", msg); /* even with -q: a person must look */
}

static void on_progress(uint64_t orders, uint64_t bytes, uint64_t total, void *payload)
{
    cli *c = payload;
    if (!c->tty || c->quiet)
        return;
    if (total > 0) {
        int pct = (int)(bytes * 100 / total), fill = pct / 4;
        char bar[26];
        for (int i = 0; i < 25; i++)
            bar[i] = i < fill ? '#' : ' ';
        bar[25] = '\0';
        fprintf(stderr, "\rfaktura: [%s] %3d%% %llu orders", bar, pct,
                (unsigned long long)orders);
    } else {
        fprintf(stderr, "\rfaktura: %llu orders", (unsigned long long)orders);
    }
    c->progress_shown = true;
}

static void end_progress(cli *c)
{
    if (c->progress_shown)
        fprintf(stderr, "\r\033[K");
    c->progress_shown = false;
}

static const char *format_ext(fk_report_format f)
{
    return f == FK_REPORT_JUNIT ? "xml" : fk_report_format_name(f);
}

/* Pair the --format and --report options: the i-th --report with the i-th --format; a
 * --report alone takes its format from its extension (.json .csv .html .xml); a --format
 * alone gets the default path: DIR/report.EXT for run (dir not NULL), else stdout.
 * Returns -1 when all is well, else the exit code of the usage error. */
static int build_targets(cli *c, fk_report_options *ro, const char *dir)
{
    size_t n = c->nreports > c->nformats ? c->nreports : c->nformats;

    memset(ro, 0, sizeof(*ro));
    if (c->nreports && c->nformats && c->nreports != c->nformats)
        return usage_error("give one --report for each --format (%zu --report, %zu --format)",
                           c->nreports, c->nformats);
    if (n == 0)
        n = 1;
    if (n > 1 && c->nreports == 0 && !dir)
        return usage_error("%s", "several --format need one --report each");
    for (size_t i = 0; i < n; i++) {
        fk_report_format f = FK_REPORT_JSON;
        const char *path = i < c->nreports ? c->reports[i] : NULL;
        if (i < c->nformats) {
            f = c->formats[i];
        } else if (path) {
            const char *dot = strrchr(path, '.');
            if (!dot || !fk_report_format_parse(dot + 1, &f))
                f = FK_REPORT_JSON;
        }
        if (!path && dir) {
            snprintf(c->defaults[i], sizeof(c->defaults[i]), "%s/report.%s", dir,
                     format_ext(f));
            path = c->defaults[i];
        }
        c->targets[i].format = f;
        c->targets[i].path = path ? path : "-";
    }
    ro->targets = c->targets;
    ro->ntargets = n;
    ro->csv_bom = c->csv_bom;
    ro->csv_delimiter = c->csv_report_delimiter;
    return -1;
}

static int cmd_codes(const cli *c)
{
    if (c->markdown) {
        printf("| code | value | outcome | what to do |\n|---|---|---|---|\n");
        for (fk_code k = fk_code_next(FK_CODE_NONE); k != FK_CODE_NONE; k = fk_code_next(k))
            printf("| `%s` | %d | %s | %s |\n", fk_code_name(k), (int)k,
                   fk_outcome_name(fk_code_outcome(k)), fk_code_hint(k));
    } else {
        for (fk_code k = fk_code_next(FK_CODE_NONE); k != FK_CODE_NONE; k = fk_code_next(k))
            printf("%-28s %-8s %s\n", fk_code_name(k), fk_outcome_name(fk_code_outcome(k)),
                   fk_code_hint(k));
    }
    return EXIT_ALL_INVOICED;
}

static void print_summary(const cli *c, const fk_summary *s, const char *report)
{
    if (c->quiet)
        return;
    fprintf(stderr, "faktura: %s", c->cmd);
    if (s->batch_id)
        fprintf(stderr, " batch %lld", (long long)s->batch_id);
    fprintf(stderr, ": %llu orders: %llu invoiced, %llu failed, %llu held, %llu skipped; %s; "
                    "report %s\n",
            (unsigned long long)s->orders, (unsigned long long)s->count[FK_INVOICED],
            (unsigned long long)s->count[FK_FAILED], (unsigned long long)s->count[FK_HELD],
            (unsigned long long)s->count[FK_SKIPPED],
            s->reconciled ? "reconciled" : "NOT RECONCILED",
            strcmp(report, "-") == 0 ? "on stdout" : report);
}

static int outcome_exit(const fk_summary *s)
{
    if (!s->reconciled) {
        fprintf(stderr, "faktura: error: the counts or sums of the report do not add up; "
                        "this is a bug, please report it\n");
        return EXIT_INTERNAL;
    }
    return (s->count[FK_FAILED] || s->count[FK_HELD]) ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
}

static void on_mapping(const char *line, void *payload)
{
    (void)payload;
    emit(stdout, "", "%s", line);
}

static int cmd_batch(cli *c, char **inputs, int ninputs)
{
    fk_batch_options opts = FK_BATCH_OPTIONS_INIT;
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_summary sum;
    int rc;
    bool dry = strcmp(c->cmd, "validate") == 0;
    bool retry = strcmp(c->cmd, "retry") == 0;
    int64_t as_of;
    fk_status st;

    if (ninputs == 0 && !retry)
        return usage_error("%s needs at least one INPUT file", c->cmd);
    if (retry && c->batch <= 0)
        return usage_error("%s", "retry needs --batch ID");
    if (c->as_of_text) {
        if (!fk_time_parse(c->as_of_text, &as_of))
            return usage_error("--as-of \"%s\" is not a date (YYYY-MM-DD[THH:MM:SS])",
                               c->as_of_text);
    } else {
        as_of = (int64_t)time(NULL);
    }
    if ((rc = build_targets(c, &opts.report, dry ? NULL : c->out)) >= 0)
        return rc;
    if (retry && c->nreports == 0)
        opts.report.ntargets = 0; /* the library's default: the batch's DIR/report.json */
    const char *config = c->config;
    if (!config && (!dry || access("faktura.ini", F_OK) == 0))
        config = "faktura.ini";
    if ((st = fk_config_load(&cfg, config, on_warn, c, &err)) != FK_OK)
        return report_error(&err);
    if ((c->profile && (st = fk_config_set_input(cfg, "profile", c->profile, &err)) != FK_OK) ||
        (c->input_encoding &&
         (st = fk_config_set_input(cfg, "encoding", c->input_encoding, &err)) != FK_OK)) {
        fk_config_free(cfg);
        return report_error(&err);
    }
    if (c->show_mapping && !dry) {
        fk_config_free(cfg);
        return usage_error("%s", "--show-mapping goes with validate");
    }

    opts.db_path = c->db;
    opts.out_dir = c->out;
    opts.config = cfg;
    opts.as_of = as_of;
    opts.dry_run = dry;
    opts.input_format = c->input_format;
    opts.jobs = c->jobs;
    opts.expect_path = c->expect;
    opts.expect_diff = on_expect;
    opts.expect_payload = c;
    opts.log = on_log;
    opts.log_payload = c;
    opts.progress = on_progress;
    opts.progress_payload = c;
    opts.csv_delimiter = c->delimiter;
    opts.decimal_comma = c->decimal_comma;
    opts.warn = on_problem;
    opts.warn_payload = c;
    if (c->show_mapping) {
        st = fk_show_mapping(&opts, (const char *const *)inputs, (size_t)ninputs, 3,
                             on_mapping, c, &err);
        fk_config_free(cfg);
        return st != FK_OK ? report_error(&err) : EXIT_ALL_INVOICED;
    }
    if (retry) {
        opts.out_dir = c->out_given ? c->out : NULL;
        st = fk_batch_retry(&opts, c->batch, (const char *const *)inputs, (size_t)ninputs, &sum,
                            &err);
    } else {
        st = fk_batch_run(&opts, (const char *const *)inputs, (size_t)ninputs, &sum, &err);
    }
    end_progress(c);
    fk_config_free(cfg);
    if (st != FK_OK)
        return report_error(&err);
    print_summary(c, &sum, sum.report_path[0] ? sum.report_path : "-");
    if (c->expect) {
        /* Billing rules under test: the expectations decide, not the outcomes. */
        if (!sum.reconciled)
            return outcome_exit(&sum);
        if (sum.expect_mismatches) {
            fprintf(stderr, "faktura: %llu order%s differ from %s\n",
                    (unsigned long long)sum.expect_mismatches,
                    sum.expect_mismatches == 1 ? "" : "s", c->expect);
            return EXIT_NOT_INVOICED;
        }
        if (!c->quiet)
            fprintf(stderr, "faktura: every order matches %s\n", c->expect);
        return EXIT_ALL_INVOICED;
    }
    return outcome_exit(&sum);
}

static void print_problem(const char *msg, void *payload)
{
    (void)payload;
    emit(stdout, "", "%s", msg);
}

static int cmd_verify(cli *c)
{
    fk_error err = FK_ERROR_INIT;
    uint64_t checked = 0, problems = 0;

    if (fk_verify(c->db, c->batch, print_problem, c, &checked, &problems, &err) != FK_OK)
        return report_error(&err);
    if (!c->quiet || problems)
        fprintf(stderr, "faktura: verify: %llu invoices checked, %llu problem%s\n",
                (unsigned long long)checked, (unsigned long long)problems,
                problems == 1 ? "" : "s");
    return problems ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
}

static void print_rejected(const char *msg, void *payload)
{
    (void)payload;
    emit(stderr, "faktura: rejected: ", "%s", msg);
}

static int cmd_payments(cli *c, char **args, int n)
{
    fk_error err = FK_ERROR_INIT;
    fk_payments_summary sum;

    if (n != 1)
        return usage_error("%s", "payments takes exactly one FILE.csv");
    if (fk_payments_import(c->db, args[0], print_rejected, c, &sum, &err) != FK_OK)
        return report_error(&err);
    if (!c->quiet || sum.rejected)
        fprintf(stderr, "faktura: payments: %llu rows: %llu recorded, %llu recorded before, "
                        "%llu rejected\n",
                (unsigned long long)sum.rows, (unsigned long long)sum.recorded,
                (unsigned long long)sum.duplicates, (unsigned long long)sum.rejected);
    return sum.rejected ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
}

static int cmd_approve(cli *c, char **ids, int n)
{
    fk_error err = FK_ERROR_INIT;
    uint64_t approved = 0;
    const char *who = c->by;

    if (c->batch <= 0)
        return usage_error("%s", "approve needs --batch ID");
    if (n == 0)
        return usage_error("%s", "approve needs at least one ORDER_ID");
    if (!c->reason || !*c->reason)
        return usage_error("%s", "approve needs --reason TEXT (it is recorded)");
    if (!who || !*who)
        who = getenv("SUDO_USER");
    if (!who || !*who)
        who = getenv("USER");
    if (!who || !*who)
        who = getenv("LOGNAME");
    if (!who || !*who)
        who = "unknown";
    if (fk_approve(c->db, c->batch, (const char *const *)ids, (size_t)n, c->reason, who,
                   (int64_t)time(NULL), print_rejected, c, &approved, &err) != FK_OK)
        return report_error(&err);
    if (!c->quiet || approved < (uint64_t)n)
        fprintf(stderr, "faktura: approve: %llu of %d order%s released in batch %lld; run "
                        "`faktura retry --batch %lld` to invoice them\n",
                (unsigned long long)approved, n, n == 1 ? "" : "s", (long long)c->batch,
                (long long)c->batch);
    return approved == (uint64_t)n ? EXIT_ALL_INVOICED : EXIT_NOT_INVOICED;
}

/* `faktura status`, as text: a table of the batches, then the open holds. */
typedef struct status_out {
    bool header, holds;
} status_out;

static void print_status_header(status_out *so)
{
    if (!so->header)
        printf("batch  kind  as_of                 state    orders  invoiced  failed  held  "
               "skipped\n");
    so->header = true;
}

static void print_batch_row(const fk_batch_row *b, void *payload)
{
    print_status_header(payload);
    printf("%-6lld %-5s %-21s %-8s %6llu %9llu %7llu %5llu %8llu\n", (long long)b->id, b->kind,
           b->as_of, b->state, (unsigned long long)b->orders,
           (unsigned long long)b->count[FK_INVOICED], (unsigned long long)b->count[FK_FAILED],
           (unsigned long long)b->count[FK_HELD], (unsigned long long)b->count[FK_SKIPPED]);
}

static void print_hold_row(const fk_hold_row *h, void *payload)
{
    status_out *so = payload;
    if (!so->holds)
        printf("\nopen holds:\n");
    so->holds = true;
    /* The order id and the message quote input: through emit, like every message. */
    emit(stdout, "", "  batch %lld  %s  %s: %s%s%s%s", (long long)h->batch_id, h->order_id,
         h->code, h->message, h->approvals ? " [approved: " : "",
         h->approvals ? h->approvals : "", h->approvals ? "]" : "");
}

static int cmd_status(cli *c)
{
    fk_error err = FK_ERROR_INIT;
    status_out so = {false, false};
    if (fk_status_list(c->db, c->batch, print_batch_row, print_hold_row, &so, &err) != FK_OK)
        return report_error(&err);
    print_status_header(&so); /* no batch at all: the table's header alone */
    if (!so.holds)
        printf("\nno open holds\n");
    return EXIT_ALL_INVOICED;
}

static int cmd_report(cli *c)
{
    fk_error err = FK_ERROR_INIT;
    fk_summary sum;
    fk_report_options ro;
    int rc;

    if (c->batch <= 0)
        return usage_error("%s needs --batch ID", "report");
    if ((rc = build_targets(c, &ro, NULL)) >= 0)
        return rc;
    if (fk_batch_report(c->db, c->batch, &ro, &sum, &err) != FK_OK)
        return report_error(&err);
    print_summary(c, &sum, sum.report_path);
    return outcome_exit(&sum);
}

enum { OPT_DB = 256, OPT_OUT, OPT_CONFIG, OPT_REPORT, OPT_FORMAT, OPT_AS_OF, OPT_INPUT_FORMAT,
       OPT_BATCH, OPT_MARKDOWN, OPT_DELIMITER, OPT_DECIMAL_COMMA, OPT_CSV_BOM,
       OPT_CSV_DELIMITER, OPT_EXPECT, OPT_REASON, OPT_BY, OPT_JOBS, OPT_PROFILE,
       OPT_INPUT_ENCODING, OPT_SHOW_MAPPING };

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"out", required_argument, NULL, OPT_OUT},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"report", required_argument, NULL, OPT_REPORT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"as-of", required_argument, NULL, OPT_AS_OF},
        {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"markdown", no_argument, NULL, OPT_MARKDOWN},
        {"delimiter", required_argument, NULL, OPT_DELIMITER},
        {"decimal-comma", no_argument, NULL, OPT_DECIMAL_COMMA},
        {"csv-bom", no_argument, NULL, OPT_CSV_BOM},
        {"csv-delimiter", required_argument, NULL, OPT_CSV_DELIMITER},
        {"expect", required_argument, NULL, OPT_EXPECT},
        {"reason", required_argument, NULL, OPT_REASON},
        {"by", required_argument, NULL, OPT_BY},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"input-encoding", required_argument, NULL, OPT_INPUT_ENCODING},
        {"show-mapping", no_argument, NULL, OPT_SHOW_MAPPING},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    cli c = {0};
    int opt;

    c.db = "faktura.db";
    c.out = "out";
    c.tty = isatty(STDERR_FILENO);
    if (argc < 2)
        return usage_error("%s", "a COMMAND is needed (run, validate, retry, report, verify, "
                                 "payments, approve, status, codes)");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage_main, stdout);
        return EXIT_ALL_INVOICED;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("faktura %s\n", fk_version());
        return EXIT_ALL_INVOICED;
    }
    c.cmd = argv[1];
    if (strcmp(c.cmd, "run") && strcmp(c.cmd, "validate") && strcmp(c.cmd, "report") &&
        strcmp(c.cmd, "codes") && strcmp(c.cmd, "retry") && strcmp(c.cmd, "verify") &&
        strcmp(c.cmd, "payments") && strcmp(c.cmd, "approve") && strcmp(c.cmd, "status"))
        return usage_error("unknown command \"%s\"", c.cmd);

    optind = 2;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":qvhV", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DB: c.db = optarg; break;
        case OPT_OUT: c.out = optarg; c.out_given = true; break;
        case OPT_CONFIG: c.config = optarg; break;
        case OPT_REPORT:
            if (c.nreports == MAX_REPORTS)
                return usage_error("at most %d --report", MAX_REPORTS);
            c.reports[c.nreports++] = optarg;
            break;
        case OPT_CSV_BOM: c.csv_bom = true; break;
        case OPT_EXPECT: c.expect = optarg; break;
        case OPT_REASON: c.reason = optarg; break;
        case OPT_BY: c.by = optarg; break;
        case OPT_PROFILE: c.profile = optarg; break;
        case OPT_INPUT_ENCODING: c.input_encoding = optarg; break;
        case OPT_SHOW_MAPPING: c.show_mapping = true; break;
        case OPT_JOBS: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 1 || v > 64)
                return usage_error("--jobs needs a number of threads from 1 to 64, not \"%s\"",
                                   optarg);
            c.jobs = (int)v;
            break;
        }
        case OPT_CSV_DELIMITER:
            if (strcmp(optarg, ",") && strcmp(optarg, ";"))
                return usage_error("--csv-delimiter must be , or ; not \"%s\"", optarg);
            c.csv_report_delimiter = optarg[0];
            break;
        case OPT_AS_OF: c.as_of_text = optarg; break;
        case OPT_MARKDOWN: c.markdown = true; break;
        case OPT_DECIMAL_COMMA: c.decimal_comma = true; break;
        case OPT_DELIMITER:
            if (strcmp(optarg, ",") && strcmp(optarg, ";"))
                return usage_error("--delimiter must be , or ; not \"%s\"", optarg);
            c.delimiter = optarg[0];
            break;
        case OPT_FORMAT:
            if (c.nformats == MAX_REPORTS)
                return usage_error("at most %d --format", MAX_REPORTS);
            if (!fk_report_format_parse(optarg, &c.formats[c.nformats++]))
                return usage_error("--format must be json, csv, html or junit, not \"%s\"",
                                   optarg);
            break;
        case OPT_INPUT_FORMAT:
            if (!strcmp(optarg, "csv"))
                c.input_format = FK_INPUT_CSV;
            else if (!strcmp(optarg, "xml"))
                c.input_format = FK_INPUT_XML;
            else
                return usage_error("--input-format must be csv or xml, not \"%s\"", optarg);
            break;
        case OPT_BATCH: {
            char *end;
            errno = 0;
            long long v = strtoll(optarg, &end, 10);
            if (errno || *end || v <= 0)
                return usage_error("--batch needs a batch id (a positive number), not \"%s\"",
                                   optarg);
            c.batch = v;
            break;
        }
        case 'q': c.quiet = true; break;
        case 'v': c.verbose = true; break;
        case 'V': printf("faktura %s\n", fk_version()); return EXIT_ALL_INVOICED;
        case 'h':
            if (!strcmp(c.cmd, "report"))
                fputs(usage_report, stdout);
            else if (!strcmp(c.cmd, "retry"))
                fputs(usage_retry, stdout);
            else if (!strcmp(c.cmd, "verify"))
                fputs(usage_verify, stdout);
            else if (!strcmp(c.cmd, "payments"))
                fputs(usage_payments, stdout);
            else if (!strcmp(c.cmd, "approve"))
                fputs(usage_approve, stdout);
            else if (!strcmp(c.cmd, "status"))
                fputs(usage_status, stdout);
            else if (!strcmp(c.cmd, "codes"))
                fputs("Usage: faktura codes [--markdown]\n\nList every finding code with the "
                      "outcome it gives an order and the hint for the accountant.\n",
                      stdout);
            else
                printf(usage_batch, c.cmd,
                       !strcmp(c.cmd, "run")
                           ? "Ingest, validate, check, number, render, record and report.\n\n"
                           : "The same checks as `run`, as a dry run: no PDF, no invoice "
                             "number consumed,\nno change to the database. Exit code 1 when "
                             "an order would not be invoiced:\nCI pipelines call this.\n\n");
            return EXIT_ALL_INVOICED;
        case ':':
            return usage_error("option %s needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (c.quiet && c.verbose)
        return usage_error("%s", "-q and -v cannot be used together");
    if (!strcmp(c.cmd, "codes"))
        return cmd_codes(&c);
    if (!strcmp(c.cmd, "payments"))
        return cmd_payments(&c, argv + optind, argc - optind);
    if (!strcmp(c.cmd, "approve"))
        return cmd_approve(&c, argv + optind, argc - optind);
    if (!strcmp(c.cmd, "status")) {
        if (optind < argc)
            return usage_error("status takes no INPUT (\"%s\")", argv[optind]);
        return cmd_status(&c);
    }
    if (!strcmp(c.cmd, "verify")) {
        if (optind < argc)
            return usage_error("verify takes no INPUT (\"%s\")", argv[optind]);
        return cmd_verify(&c);
    }
    if (!strcmp(c.cmd, "report")) {
        if (optind < argc)
            return usage_error("report takes no INPUT (\"%s\")", argv[optind]);
        return cmd_report(&c);
    }
    return cmd_batch(&c, argv + optind, argc - optind);
}
