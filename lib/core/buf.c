/* SPDX-License-Identifier: MIT */
/* buf.c -- growable NUL-terminated buffer with a sticky error (see buf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"

static void oom(size_t n)
{
    fprintf(stderr, "faktura: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *fk_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *fk_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *fk_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

char *fk_xstrndup(const char *s, size_t n)
{
    char *p = fk_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fk_xstrdup(const char *s)
{
    return fk_xstrndup(s, strlen(s));
}

static bool grow(fk_buf *b, size_t extra)
{
    size_t need, cap;

    if (b->failed)
        return false;
    if (extra > SIZE_MAX / 2 - b->len || (b->max && b->len + extra > b->max)) {
        b->failed = true;
        return false;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    b->ptr = fk_xrealloc(b->ptr, cap);
    b->cap = cap;
    return true;
}

void fk_buf_append(fk_buf *b, const void *data, size_t n)
{
    if (!grow(b, n))
        return;
    if (n)
        memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void fk_buf_puts(fk_buf *b, const char *s)
{
    fk_buf_append(b, s, strlen(s));
}

void fk_buf_putc(fk_buf *b, char c)
{
    fk_buf_append(b, &c, 1);
}

void fk_buf_put_int(fk_buf *b, long long v)
{
    char tmp[24], *p = tmp + sizeof(tmp);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    fk_buf_append(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void fk_buf_vprintf(fk_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if (!grow(b, (size_t)n))
        return;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void fk_buf_printf(fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fk_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void fk_buf_reset(fk_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->ptr)
        b->ptr[0] = '\0';
}

const char *fk_buf_cstr(fk_buf *b)
{
    return b->ptr ? b->ptr : "";
}

void fk_buf_free(fk_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

char *fk_buf_take(fk_buf *b)
{
    char *p = b->ptr ? b->ptr : fk_xstrdup("");
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}
