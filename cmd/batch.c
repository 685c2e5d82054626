/* SPDX-License-Identifier: MIT */
/* batch.c -- the commands that run a batch or report on one: run, validate (and
 * --show-mapping), retry, and report. Their options into fk_batch_options, the progress bar,
 * the --format/--report pairs, SIGINT and SIGTERM, the one-line summary and the exit code
 * from the outcomes (or from --expect). The command table and the messages are main.c's.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <faktura/faktura.h>
#include "cli.h"

/* SIGINT and SIGTERM during `run` and `retry`: the batch finishes the chunks it has
 * checked, marks itself interrupted and returns (fk_batch_interrupt); the exit code is then
 * 128 + the signal. A second signal ends the process at once (SA_RESETHAND): that is safe
 * too, as a crash is. A signal ignored when faktura started (nohup, a background job of a
 * shell without job control) stays ignored. SA_RESTART: reads of files go on. */
static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
    caught_signal = sig;
    fk_batch_interrupt();
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction sa, old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND | SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
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

/* Pair the --format and --report options: the i-th --report with the i-th --format; a
 * --report alone takes its format from its extension (.json .csv .html .xml); a --format
 * alone gets the default path: for run and retry (batch_file) the batch's own file, which
 * the library names DIR/report-BATCH.EXT (path NULL), so no batch's report replaces
 * another's; else stdout.
 * Returns -1 when all is well, else the exit code of the usage error. */
static int build_targets(cli *c, fk_report_options *ro, bool batch_file)
{
    size_t n = c->nreports > c->nformats ? c->nreports : c->nformats;

    memset(ro, 0, sizeof(*ro));
    if (c->nreports && c->nformats && c->nreports != c->nformats)
        return usage_error("give one --report for each --format (%zu --report, %zu --format)",
                           c->nreports, c->nformats);
    if (n == 0)
        n = 1;
    if (n > 1 && c->nreports == 0 && !batch_file)
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
        c->targets[i].format = f;
        c->targets[i].path = path ? path : batch_file ? NULL : "-";
    }
    ro->targets = c->targets;
    ro->ntargets = n;
    ro->csv_bom = c->csv_bom;
    ro->csv_delimiter = c->csv_report_delimiter;
    return -1;
}

static void print_summary(const cli *c, const fk_summary *s, const char *report)
{
    if (c->quiet)
        return;
    fprintf(stderr, "faktura: %s", c->cmd);
    if (s->batch_id)
        fprintf(stderr, " batch %lld", (long long)s->batch_id);
    fprintf(stderr, ": %llu orders: %llu invoiced, %llu failed, %llu held, %llu skipped",
            (unsigned long long)s->orders, (unsigned long long)s->count[FK_INVOICED],
            (unsigned long long)s->count[FK_FAILED], (unsigned long long)s->count[FK_HELD],
            (unsigned long long)s->count[FK_SKIPPED]);
    /* Corrections only when there are some: the line stays what it always was without. */
    if (s->count[FK_CANCELLED])
        fprintf(stderr, ", %llu cancelled", (unsigned long long)s->count[FK_CANCELLED]);
    if (s->count[FK_CREDITED])
        fprintf(stderr, ", %llu credited", (unsigned long long)s->count[FK_CREDITED]);
    fprintf(stderr, "; %s; report %s\n", s->reconciled ? "reconciled" : "NOT RECONCILED",
            strcmp(report, "-") == 0 ? "on stdout" : report);
    if (s->held_waiting)
        fprintf(stderr, "faktura: %llu of the held orders wait%s only for the holding period: "
                        "the next run invoices %s by itself\n",
                (unsigned long long)s->held_waiting, s->held_waiting == 1 ? "s" : "",
                s->held_waiting == 1 ? "it" : "them");
}

static int outcome_exit(const fk_summary *s)
{
    if (!s->reconciled) {
        fprintf(stderr, "faktura: error: the counts or sums of the report do not add up; "
                        "this is a bug, please report it\n");
        return EXIT_INTERNAL;
    }
    /* Cron-friendly: a hold that ends by itself (the holding period: the next run invoices
     * the order) needs no one, so it alone does not make a nightly run exit 1. */
    bool needs_someone = s->count[FK_FAILED] || s->count[FK_HELD] > s->held_waiting;
    return needs_someone ? EXIT_NOT_INVOICED : EXIT_ALL_INVOICED;
}

static void on_mapping(const char *line, void *payload)
{
    (void)payload;
    emit(stdout, "", "%s", line);
}

/* The batch's options from the command line, with the callbacks of this file. */
static void batch_options(cli *c, fk_batch_options *opts, fk_config *cfg, int64_t as_of,
                          bool dry)
{
    opts->db_path = c->db;
    opts->out_dir = c->out;
    opts->config = cfg;
    opts->as_of = as_of;
    opts->dry_run = dry;
    opts->input_format = c->input_format;
    opts->jobs = c->jobs;
    opts->expect_path = c->expect;
    opts->expect_diff = on_expect;
    opts->expect_payload = c;
    opts->log = on_log;
    opts->log_payload = c;
    opts->progress = on_progress;
    opts->progress_payload = c;
    opts->csv_delimiter = c->delimiter;
    opts->decimal_comma = c->decimal_comma;
    opts->warn = on_problem;
    opts->warn_payload = c;
}

/* The exit code of a batch run with --expect: billing rules under test, the expectations
 * decide, not the outcomes. */
static int expect_exit(const cli *c, const fk_summary *sum)
{
    if (!sum->reconciled)
        return outcome_exit(sum);
    if (sum->expect_mismatches) {
        fprintf(stderr, "faktura: %llu order%s differ from %s\n",
                (unsigned long long)sum->expect_mismatches,
                sum->expect_mismatches == 1 ? "" : "s", c->expect);
        return EXIT_NOT_INVOICED;
    }
    if (!c->quiet)
        fprintf(stderr, "faktura: every order matches %s\n", c->expect);
    return EXIT_ALL_INVOICED;
}

int cmd_batch(cli *c, char **inputs, int ninputs)
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
    if ((rc = build_targets(c, &opts.report, !dry)) >= 0)
        return rc;
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

    batch_options(c, &opts, cfg, as_of, dry);
    if (!dry)
        catch_signals();
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
    if (st != FK_OK) {
        rc = report_error(&err);
        return st == FK_EINCOMPLETE && caught_signal ? 128 + caught_signal : rc;
    }
    print_summary(c, &sum, sum.report_path[0] ? sum.report_path : "-");
    if (c->expect)
        return expect_exit(c, &sum);
    return outcome_exit(&sum);
}

int cmd_report(cli *c)
{
    fk_error err = FK_ERROR_INIT;
    fk_summary sum;
    fk_report_options ro;
    int rc;

    if (c->batch <= 0)
        return usage_error("%s needs --batch ID", "report");
    if ((rc = build_targets(c, &ro, false)) >= 0)
        return rc;
    fk_status st = fk_batch_report(c->db, c->batch, &ro, &sum, &err);
    if (st == FK_EINCOMPLETE) /* the report of what was recorded is written: say both */
        print_summary(c, &sum, sum.report_path);
    if (st != FK_OK)
        return report_error(&err);
    print_summary(c, &sum, sum.report_path);
    return outcome_exit(&sum);
}
