/* SPDX-License-Identifier: MIT */
/* cli.h -- what the files of the faktura command share: the exit codes, the parsed command
 * line, the one way messages leave (main.c), and the commands that live outside main.c
 * (batch.c: run, validate, retry, report; documents.c: show, reprint, invoices, verify
 * --repair; corrections.c: cancel, credit). */
#ifndef FK_CLI_H
#define FK_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <faktura/faktura.h>

/* Exit codes: a contract (README.md "Exit codes"); never renumber. */
enum {
    EXIT_ALL_INVOICED = 0, /* every order invoiced (or already invoiced earlier) */
    EXIT_NOT_INVOICED = 1, /* some orders failed or were held; the report says why */
    EXIT_USAGE = 2,        /* bad command line or config file */
    EXIT_INPUT = 3,        /* an input file is unreadable or malformed (no header, ...) */
    EXIT_ENV = 4,          /* database locked or unwritable, disk full, I/O error */
    EXIT_INTERNAL = 5,     /* a bug in faktura (or books that do not reconcile) */
    EXIT_INCOMPLETE = 6    /* the batch is incomplete (interrupted): retry with its inputs */
};
/* A run or retry stopped by SIGINT or SIGTERM exits with 128 + the signal's number (130,
 * 143), as a shell reports a process a signal ended: README.md, beside the table. */

#define MAX_REPORTS 8

typedef struct cli {
    const char *cmd;
    const char *db, *out, *config, *as_of_text, *expect, *reason, *by;
    const char *profile, *input_encoding; /* --profile, --input-encoding */
    bool show_mapping;                    /* validate --show-mapping */
    const char *reports[MAX_REPORTS];
    size_t nreports;
    fk_report_format formats[MAX_REPORTS];
    size_t nformats;
    const char *einvoice_format; /* show --format FORMAT: an e-invoice format */
    fk_report_target targets[MAX_REPORTS];
    bool csv_bom;
    char csv_report_delimiter;
    fk_input_format input_format;
    char delimiter;
    bool decimal_comma;
    int jobs;
    int64_t batch;
    const char *from, *to; /* invoices: issue dates, inclusive; credit: --from FILE.csv */
    const char *invoice, *id; /* credit: --invoice, --id */
    const char *lines[256];   /* credit: --line N[:QTY] */
    size_t nlines;
    bool repair;           /* verify --repair */
    bool quiet, verbose, markdown, out_given;
    bool tty;
    bool progress_shown;
} cli;

/* main.c: a message on fp with its prefix, made printable; a usage error (exit code 2); an
 * error's message and its exit code; the library's warnings and verify's problems. */
void emit(FILE *fp, const char *prefix, const char *fmt, ...) FK_PRINTF(3, 4);
int usage_error(const char *fmt, ...) FK_PRINTF(1, 2);
int report_error(const fk_error *err);
void on_warn(const char *msg, void *payload);
void print_problem(const char *msg, void *payload);
void print_rejected(const char *msg, void *payload);
void on_log(const char *msg, void *payload);

/* batch.c: run, validate, retry (one function) and report */
int cmd_batch(cli *c, char **inputs, int ninputs);
int cmd_report(cli *c);
/* documents.c: the commands over stored invoices */
int cmd_verify_repair(cli *c);
int cmd_show(cli *c, char **args, int n);
int cmd_reprint(cli *c, char **args, int n);
int cmd_invoices(cli *c, char **args, int n);
/* corrections.c: cancel and credit (issue 19) */
const char *who_is(const cli *c);
int cmd_cancel(cli *c, char **args, int n);
int cmd_credit(cli *c, char **args, int n);
#endif
