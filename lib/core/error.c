/* SPDX-License-Identifier: MIT */
/* error.c -- fk_error: the first error wins (jansson's rule), later ones are dropped, so the
 * message names the root cause rather than its consequences. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/pan.h"
#include "faktura/common.h"
#include "faktura/version.h"

static void copy_str(char *dst, size_t dstsz, const char *src)
{
    if (!src)
        src = "";
    snprintf(dst, dstsz, "%s", src);
}

fk_status fk_error_set(fk_error *err, fk_status st, const char *file, unsigned long line,
                       const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!err || err->status != FK_OK)
        return st;
    err->status = st;
    copy_str(err->file, sizeof(err->file), file);
    copy_str(err->field, sizeof(err->field), field);
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    fk_pan_mask(err->message, strlen(err->message)); /* whatever it quotes */
    return st;
}

const char *fk_status_name(fk_status st)
{
    switch (st) {
    case FK_OK: return "ok";
    case FK_EUSAGE: return "usage";
    case FK_EINPUT: return "input";
    case FK_EENV: return "environment";
    case FK_EINTERNAL: return "internal";
    case FK_EINCOMPLETE: return "incomplete";
    }
    return "unknown";
}

const char *fk_version(void)
{
    return FK_VERSION_STRING;
}
