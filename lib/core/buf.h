/* SPDX-License-Identifier: MIT */
/* buf.h -- a growable byte buffer, always NUL-terminated, with a sticky error.
 *
 * Appends return nothing; a failed allocation (or passing the cap) marks the buffer failed
 * and later appends are ignored, so a caller builds a whole value and checks once
 * (SQLite's sqlite3_str, curl's dynbuf). Out of memory otherwise aborts (fk_xmalloc).
 */
#ifndef FK_BUF_H
#define FK_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include "faktura/common.h"

typedef struct fk_buf {
    char *ptr;     /* NUL-terminated when len > 0 or after any append; may be NULL when empty */
    size_t len;
    size_t cap;
    size_t max;    /* 0: no cap */
    bool failed;
} fk_buf;
#define FK_BUF_INIT {NULL, 0, 0, 0, false}

void fk_buf_append(fk_buf *b, const void *data, size_t n);
void fk_buf_puts(fk_buf *b, const char *s);
void fk_buf_putc(fk_buf *b, char c);
void fk_buf_put_int(fk_buf *b, long long v); /* as "%lld" would, without printf */
void fk_buf_printf(fk_buf *b, const char *fmt, ...) FK_PRINTF(2, 3);
void fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap);
void fk_buf_reset(fk_buf *b);         /* len = 0, keeps memory */
const char *fk_buf_cstr(fk_buf *b);   /* never NULL ("" when empty) */
void fk_buf_free(fk_buf *b);
/* Hand the string to the caller (free() it); the buffer is empty afterwards. */
char *fk_buf_take(fk_buf *b);

/* Allocation that never returns NULL: out of memory prints and aborts (a crash the state
 * layer survives, like any other). */
void *fk_xmalloc(size_t n);
void *fk_xcalloc(size_t n, size_t size);
void *fk_xrealloc(void *p, size_t n);
char *fk_xstrdup(const char *s);
char *fk_xstrndup(const char *s, size_t n);
#endif
