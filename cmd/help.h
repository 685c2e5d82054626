/* SPDX-License-Identifier: MIT */
/* help.h -- the texts of `faktura --help` and `faktura COMMAND --help`.
 *
 * They are the one source of the program's documentation that ships with it: the command
 * table in main.c pairs each command with its text, `--help` prints them, and at build time
 * dist/gen-docs.py turns that output into the man page (faktura.1) and the bash and zsh
 * completions, so none of them can list a command or an option the program does not have.
 *
 * The layout is what gen-docs.py reads: a heading ends with ':' at the start of a line;
 * "  TERM  description" lines (two spaces before and at least two after the term) are
 * options or list entries, and lines indented further continue the description; other
 * lines are prose.
 */
#ifndef FK_CLI_HELP_H
#define FK_CLI_HELP_H

/* `faktura --help`: the intro (up to "Commands:"), then main.c lists the commands from
 * its table, then the end (general options, exit codes, environment). */
extern const char fk_help_intro[];
extern const char fk_help_end[];

/* `faktura COMMAND --help` after its "Usage:" line. run and validate share their options. */
extern const char fk_help_run[];
extern const char fk_help_validate[];
extern const char fk_help_batch_options[];
extern const char fk_help_retry[];
extern const char fk_help_report[];
extern const char fk_help_verify[];
extern const char fk_help_payments[];
extern const char fk_help_approve[];
extern const char fk_help_status[];
extern const char fk_help_codes[];
extern const char fk_help_show[];
extern const char fk_help_reprint[];
extern const char fk_help_invoices[];

#endif
