/* SPDX-License-Identifier: MIT */
/* faktura/common.h -- status codes and the error detail every call can fill.
 *
 * Two kinds of trouble exist in faktura and they are kept apart:
 *  - an operation failure (fk_status + fk_error): the tool could not do its job
 *    (unreadable input file, locked database, full disk). The CLI maps the status
 *    to an exit code.
 *  - a per-order finding (see codes.h): data, not an error. An order with findings
 *    is reported, and the batch goes on.
 */
#ifndef FAKTURA_COMMON_H
#define FAKTURA_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(__GNUC__)
#define FK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FK_PRINTF(fmt, args)
#endif
/* Marks the public API: these functions, and only these, are exported by libfaktura.so
 * (the linker's version script is generated from the FK_EXTERN declarations of these
 * headers, cmake/PublicApi.cmake). */
#if defined(__GNUC__)
#define FK_EXTERN extern __attribute__((visibility("default")))
#else
#define FK_EXTERN extern
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Values are stable: they are never renumbered. */
typedef enum fk_status {
    FK_OK = 0,
    FK_EUSAGE = -1,    /* bad option, bad config, bad call */
    FK_EINPUT = -2,    /* unreadable or malformed input file (not one order: the file) */
    FK_EENV = -3,      /* environment: database locked/unwritable, disk full, I/O error */
    FK_EINTERNAL = -4, /* a bug: an invariant did not hold */
    FK_EINCOMPLETE = -5 /* the batch is incomplete: interrupted (a signal, a killed process)
                         * or stopped before every order of its inputs was recorded; what
                         * was recorded is consistent, `retry` with the inputs finishes it */
} fk_status;

/* Detail for an operation failure. Caller-owned; the first error set is kept. */
typedef struct fk_error {
    fk_status status;
    char file[256];       /* input or output path concerned; "" if none */
    unsigned long line;   /* 1-based; 0 if unknown */
    char field[64];       /* column or setting concerned; "" if none */
    char message[512];    /* one sentence, no trailing newline */
} fk_error;

#define FK_ERROR_INIT {FK_OK, "", 0, "", ""}

/* Set err (if not NULL and not already set). Returns st, so `return fk_error_set(...)` works. */
FK_EXTERN fk_status fk_error_set(fk_error *err, fk_status st, const char *file, unsigned long line,
                                 const char *field, const char *fmt, ...) FK_PRINTF(6, 7);

/* "usage", "input", "environment", "internal", "incomplete". */
FK_EXTERN const char *fk_status_name(fk_status st);

/**
 * Make a message safe to print on a terminal or in a log, in place: every control
 * character (C0 with TAB, LF and CR, DEL, C1), the line and paragraph separators U+2028
 * and U+2029, the bidirectional embeddings, overrides and isolates, U+FFFE, U+FFFF and
 * every byte that is not UTF-8 becomes one '?', so a value quoted in a message can neither
 * forge a line nor send an escape sequence. The string only shrinks. Returns s.
 */
FK_EXTERN char *fk_text_printable(char *s);

#ifdef __cplusplus
}
#endif
#endif
