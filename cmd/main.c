/* SPDX-License-Identifier: MIT */
/* main.c -- the faktura command: argument parsing, the command table, messages, exit codes
 * (the batch commands, with the progress bar and the summary line: batch.c).
 *
 * Thin on purpose: everything that does work is in libfaktura, reached only through
 * <faktura/faktura.h>. This file decides what a person or a cron job sees: a one-line
 * summary on stderr, errors in the shape "faktura: error: FILE:LINE: FIELD: message",
 * a progress bar only when stderr is a terminal, and an exit code from the table in
 * cli.h.
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
#include "cli.h"
#include "help.h"

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

void emit(FILE *fp, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vemit(fp, prefix, fmt, ap);
    va_end(ap);
}

int usage_error(const char *fmt, ...)
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
    case FK_EINCOMPLETE: return EXIT_INCOMPLETE;
    }
    return EXIT_INTERNAL;
}

int report_error(const fk_error *err)
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

void on_log(const char *msg, void *payload)
{
    const cli *c = payload;
    if (c->verbose)
        emit(stderr, "faktura: ", "%s", msg);
}

void on_warn(const char *msg, void *payload)
{
    const cli *c = payload;
    if (!c->quiet)
        emit(stderr, "faktura: warning: ", "%s", msg);
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

void print_problem(const char *msg, void *payload)
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

void print_rejected(const char *msg, void *payload)
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
    const char *who = who_is(c);

    if (c->batch <= 0)
        return usage_error("%s", "approve needs --batch ID");
    if (n == 0)
        return usage_error("%s", "approve needs at least one ORDER_ID");
    if (!c->reason || !*c->reason)
        return usage_error("%s", "approve needs --reason TEXT (it is recorded)");
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
               "skipped  cancelled  credited\n");
    so->header = true;
}

static void print_batch_row(const fk_batch_row *b, void *payload)
{
    print_status_header(payload);
    printf("%-6lld %-5s %-21s %-8s %6llu %9llu %7llu %5llu %8llu %10llu %9llu\n",
           (long long)b->id, b->kind, b->as_of, b->state, (unsigned long long)b->orders,
           (unsigned long long)b->count[FK_INVOICED], (unsigned long long)b->count[FK_FAILED],
           (unsigned long long)b->count[FK_HELD], (unsigned long long)b->count[FK_SKIPPED],
           (unsigned long long)b->count[FK_CANCELLED], (unsigned long long)b->count[FK_CREDITED]);
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

/* ---- the command table: dispatch, `faktura --help` and, through it, the man page and the
 * shell completions (dist/gen-docs.py) all come from here ---- */

typedef int (*cmd_fn)(cli *c, char **args, int n);

static int run_codes(cli *c, char **args, int n)
{
    (void)args, (void)n;
    return cmd_codes(c);
}

static int run_verify(cli *c, char **args, int n)
{
    (void)args, (void)n;
    return c->repair ? cmd_verify_repair(c) : cmd_verify(c);
}

static int run_status(cli *c, char **args, int n)
{
    (void)args, (void)n;
    return cmd_status(c);
}

static int run_report(cli *c, char **args, int n)
{
    (void)args, (void)n;
    return cmd_report(c);
}

typedef struct command {
    const char *name;
    const char *args;      /* after the name in `faktura --help`'s list of commands */
    const char *summary;   /* that list's description; '\n' starts a continuation line */
    const char *usage;     /* after "Usage: faktura NAME " in `faktura NAME --help` */
    const char *help;      /* the rest of `faktura NAME --help` (help.c) */
    const char *options;   /* appended to help (the options run and validate share), or NULL */
    bool no_inputs;        /* refuses arguments that are not options */
    cmd_fn run;
} command;

static const command commands[] = {
    {"run", "INPUT...", "ingest, validate, check, number, render, record, report",
     "[options] INPUT...", fk_help_run, fk_help_batch_options, false, cmd_batch},
    {"validate", "INPUT...",
     "the same checks as a dry run: no PDF, no number, no database\n"
     "change; writes the report (to stdout by default)",
     "[options] INPUT...", fk_help_validate, fk_help_batch_options, false, cmd_batch},
    {"retry", "--batch ID [INPUT...]",
     "process the failed and held orders of a batch again (from the\n"
     "database, or from corrected INPUT files); nothing is invoiced twice",
     "--batch ID [options] [INPUT...]", fk_help_retry, NULL, false, cmd_batch},
    {"report", "--batch ID", "write the report of an earlier batch again from the database",
     "--batch ID [options]", fk_help_report, NULL, true, run_report},
    {"verify", "[--batch ID] [--repair]",
     "check every recorded PDF against its SHA-256 and the number\n"
     "series for gaps and repeats (exit 0: all well, 1: problems);\n"
     "--repair renders missing or changed PDFs again",
     "[--batch ID] [--db FILE] [--repair [--config FILE]]", fk_help_verify, NULL, true,
     run_verify},
    {"payments", "FILE.csv",
     "record payments (invoice_number, amount, paid_on[, payment_id,\n"
     "currency]): what makes invoices open or overdue",
     "[--db FILE] FILE.csv", fk_help_payments, NULL, false, cmd_payments},
    {"approve", "--batch ID ORDER_ID... --reason TEXT",
     "release held orders (duplicate suspicion, amount limits,\n"
     "credit or rate limit, overdue balance) for the next retry",
     "--batch ID ORDER_ID... --reason TEXT [--by NAME] [--db FILE]", fk_help_approve, NULL,
     false, cmd_approve},
    {"cancel", "--batch ID ORDER_ID... --reason TEXT",
     "cancel failed or held orders that must never be invoiced",
     "--batch ID ORDER_ID... --reason TEXT [--by NAME] [--db FILE]", fk_help_cancel, NULL,
     false, cmd_cancel},
    {"credit", "--invoice NUMBER --reason TEXT | --from FILE.csv",
     "issue credit notes (own gapless series, stored, in the\n"
     "invoice's language)",
     "--invoice NUMBER --reason TEXT [--line N[:QTY]]... [--id KEY] [--config FILE] "
     "[--db FILE] [--out DIR] [--as-of DATE] | --from FILE.csv [--config FILE] [--db FILE] "
     "[--out DIR] [--as-of DATE]",
     fk_help_credit, NULL, false, cmd_credit},
    {"status", "[--batch ID]", "batches with their counts per status, and the open holds",
     "[--batch ID] [--db FILE]", fk_help_status, NULL, true, run_status},
    {"show", "NUMBER", "the stored invoice of record (JSON, docs/invoice.md)",
     "NUMBER [--format FORMAT] [--db FILE]", fk_help_show, NULL, false, cmd_show},
    {"reprint", "NUMBER [--out FILE]",
     "render an invoice's PDF again from its stored document,\n"
     "byte-identical to the one issued (exit 1 if not)",
     "NUMBER [--out FILE] [--config FILE] [--db FILE]", fk_help_reprint, NULL, false,
     cmd_reprint},
    {"invoices", "[--from DATE] [--to DATE] [--format csv|json] [--report FILE]",
     "the sales journal (VAT register): one row per invoice and\n"
     "VAT breakdown, with payment status",
     "[--from DATE] [--to DATE] [--format csv|json] [--report FILE] [--as-of DATE] [--db FILE]",
     fk_help_invoices, NULL, false, cmd_invoices},
    {"codes", "[--markdown]", "list the finding codes with their outcome and hint",
     "[--markdown]", fk_help_codes, NULL, false, run_codes},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* `faktura --help`: the list of commands in two columns, descriptions from column 25. */
static void print_main_help(void)
{
    fputs(fk_help_intro, stdout);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const command *k = &commands[i];
        char head[80];
        snprintf(head, sizeof(head), "%s %s", k->name, k->args);
        if (strlen(head) <= 20)
            printf("  %-20s  ", head);
        else
            printf("  %s\n%24s", head, "");
        for (const char *p = k->summary; *p; p++) {
            putchar(*p);
            if (*p == '\n')
                printf("%24s", "");
        }
        putchar('\n');
    }
    fputs(fk_help_end, stdout);
}

static void print_command_help(const command *k)
{
    printf("Usage: faktura %s %s\n\n%s", k->name, k->usage, k->help);
    if (k->options)
        fputs(k->options, stdout);
}

static int no_command(void)
{
    char names[256] = "";
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "", commands[i].name);
    }
    return usage_error("a COMMAND is needed (%s)", names);
}

/* ---- options ---- */

enum { OPT_DB = 256, OPT_OUT, OPT_CONFIG, OPT_REPORT, OPT_FORMAT, OPT_AS_OF, OPT_INPUT_FORMAT,
       OPT_BATCH, OPT_MARKDOWN, OPT_DELIMITER, OPT_DECIMAL_COMMA, OPT_CSV_BOM,
       OPT_CSV_DELIMITER, OPT_EXPECT, OPT_REASON, OPT_BY, OPT_JOBS, OPT_FROM, OPT_TO,
       OPT_REPAIR, OPT_INVOICE, OPT_LINE, OPT_ID, OPT_PROFILE, OPT_INPUT_ENCODING,
       OPT_SHOW_MAPPING };

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
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"repair", no_argument, NULL, OPT_REPAIR},
    {"invoice", required_argument, NULL, OPT_INVOICE},
    {"line", required_argument, NULL, OPT_LINE},
    {"id", required_argument, NULL, OPT_ID},
    {"profile", required_argument, NULL, OPT_PROFILE},
    {"input-encoding", required_argument, NULL, OPT_INPUT_ENCODING},
    {"show-mapping", no_argument, NULL, OPT_SHOW_MAPPING},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The options that take a value and check it. -1: taken; else the exit code. */
static int value_option(cli *c, int opt, const char *arg)
{
    char *end;
    switch (opt) {
    case OPT_JOBS: {
        long v = strtol(arg, &end, 10);
        if (*end || v < 1 || v > 64)
            return usage_error("--jobs needs a number of threads from 1 to 64, not \"%s\"", arg);
        c->jobs = (int)v;
        return -1;
    }
    case OPT_CSV_DELIMITER:
    case OPT_DELIMITER:
        if (strcmp(arg, ",") && strcmp(arg, ";"))
            return usage_error("--%s must be , or ; not \"%s\"",
                               opt == OPT_DELIMITER ? "delimiter" : "csv-delimiter", arg);
        *(opt == OPT_DELIMITER ? &c->delimiter : &c->csv_report_delimiter) = arg[0];
        return -1;
    case OPT_FORMAT:
        if (c->nformats == MAX_REPORTS)
            return usage_error("at most %d --format", MAX_REPORTS);
        if (!strcmp(c->cmd, "show") && strcmp(arg, "json") != 0) {
            c->einvoice_format = arg; /* an e-invoice format: fk_show_einvoice checks it */
            return -1;
        }
        if (!fk_report_format_parse(arg, &c->formats[c->nformats++]))
            return usage_error("--format must be json, csv, html or junit, not \"%s\"", arg);
        return -1;
    case OPT_INPUT_FORMAT:
        if (strcmp(arg, "csv") && strcmp(arg, "xml"))
            return usage_error("--input-format must be csv or xml, not \"%s\"", arg);
        c->input_format = arg[0] == 'c' ? FK_INPUT_CSV : FK_INPUT_XML;
        return -1;
    case OPT_BATCH: {
        errno = 0;
        long long v = strtoll(arg, &end, 10);
        if (errno || *end || v <= 0)
            return usage_error("--batch needs a batch id (a positive number), not \"%s\"", arg);
        c->batch = v;
        return -1;
    }
    }
    return usage_error("%s", "internal error: an option without a handler");
}

/* One option of command k. -1: go on; else the exit code (0 after --help or --version). */
static int take_option(cli *c, const command *k, int opt, const char *word)
{
    switch (opt) {
    case OPT_DB: c->db = optarg; break;
    case OPT_OUT: c->out = optarg; c->out_given = true; break;
    case OPT_CONFIG: c->config = optarg; break;
    case OPT_REPORT:
        if (c->nreports == MAX_REPORTS)
            return usage_error("at most %d --report", MAX_REPORTS);
        c->reports[c->nreports++] = optarg;
        break;
    case OPT_CSV_BOM: c->csv_bom = true; break;
    case OPT_EXPECT: c->expect = optarg; break;
    case OPT_REASON: c->reason = optarg; break;
    case OPT_BY: c->by = optarg; break;
    case OPT_AS_OF: c->as_of_text = optarg; break;
    case OPT_FROM: c->from = optarg; break;
    case OPT_TO: c->to = optarg; break;
    case OPT_REPAIR: c->repair = true; break;
    case OPT_INVOICE: c->invoice = optarg; break;
    case OPT_ID: c->id = optarg; break;
    case OPT_LINE:
        if (c->nlines == sizeof(c->lines) / sizeof(c->lines[0]))
            return usage_error("at most %zu --line", sizeof(c->lines) / sizeof(c->lines[0]));
        c->lines[c->nlines++] = optarg;
        break;
    case OPT_PROFILE: c->profile = optarg; break;
    case OPT_INPUT_ENCODING: c->input_encoding = optarg; break;
    case OPT_SHOW_MAPPING: c->show_mapping = true; break;
    case OPT_MARKDOWN: c->markdown = true; break;
    case OPT_DECIMAL_COMMA: c->decimal_comma = true; break;
    case OPT_JOBS: case OPT_CSV_DELIMITER: case OPT_DELIMITER: case OPT_FORMAT:
    case OPT_INPUT_FORMAT: case OPT_BATCH:
        return value_option(c, opt, optarg);
    case 'q': c->quiet = true; break;
    case 'v': c->verbose = true; break;
    case 'V': printf("faktura %s\n", fk_version()); return EXIT_ALL_INVOICED;
    case 'h': print_command_help(k); return EXIT_ALL_INVOICED;
    case ':': return usage_error("option %s needs a value", word);
    default: return usage_error("unknown option %s", word);
    }
    return -1;
}

int main(int argc, char **argv)
{
    cli c = {0};
    const command *k;
    int opt, rc;

    c.db = "faktura.db";
    c.out = "out";
    c.tty = isatty(STDERR_FILENO);
    if (argc < 2)
        return no_command();
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        print_main_help();
        return EXIT_ALL_INVOICED;
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("faktura %s\n", fk_version());
        return EXIT_ALL_INVOICED;
    }
    if (!(k = find_command(argv[1])))
        return usage_error("unknown command \"%s\"", argv[1]);
    c.cmd = k->name;

    optind = 2;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":qvhV", longopts, NULL)) != -1)
        if ((rc = take_option(&c, k, opt, argv[optind - 1])) >= 0)
            return rc;
    if (c.quiet && c.verbose)
        return usage_error("%s", "-q and -v cannot be used together");
    if (k->no_inputs && optind < argc)
        return usage_error("%s takes no INPUT (\"%s\")", k->name, argv[optind]);
    return k->run(&c, argv + optind, argc - optind);
}
