/* SPDX-License-Identifier: MIT */
/* verify.c -- `verify`: every recorded PDF against its size and SHA-256, every number
 * series for gaps and repeats. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "core/util.h"
#include "pipeline/pipeline.h"

typedef struct verify_ctx {
    fk_log_fn problem;
    void *payload;
    uint64_t checked, problems;
} verify_ctx;

static void problem(verify_ctx *v, const char *fmt, ...) FK_PRINTF(2, 3);
static void problem(verify_ctx *v, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    v->problems++;
    if (!v->problem)
        return;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    v->problem(fk_buf_cstr(&m), v->payload);
    fk_buf_free(&m);
}

static void verify_pdf(const char *number, const char *series, int64_t seq, const char *path,
                       int64_t size, const char *sha, void *payload)
{
    verify_ctx *v = payload;
    fk_error e = FK_ERROR_INIT;
    char got[65];
    uint64_t got_size = 0;
    (void)series, (void)seq;
    v->checked++;
    if (fk_sha256_file(path, got, &got_size, &e) != FK_OK)
        problem(v, "invoice %s: its PDF %s cannot be read (%s)", number, path, e.message);
    else if ((int64_t)got_size != size || strcmp(got, sha) != 0)
        problem(v, "invoice %s: its PDF %s differs from what was recorded (%llu bytes, "
                   "SHA-256 %s; recorded %lld bytes, %s)",
                number, path, (unsigned long long)got_size, got, (long long)size, sha);
}

/* An output directory an older faktura recorded relative to an unrecorded working
 * directory: looked for beside the database; when it is not there, say so plainly (its
 * PDFs are then reported missing one by one). */
static void verify_dir(int64_t batch_id, const char *recorded, const char *resolved,
                       void *payload)
{
    struct stat sb;
    if (stat(resolved, &sb) == 0 && S_ISDIR(sb.st_mode))
        return;
    problem(payload, "batch %lld recorded its output directory as \"%s\", relative to the "
                     "directory it ran in, which was not recorded; it is not in the "
                     "database's directory either (%s): its PDFs cannot be found",
            (long long)batch_id, recorded, resolved);
}

static void verify_series(const char *series, int64_t count, int64_t max, int64_t distinct,
                          int64_t next_seq, void *payload)
{
    verify_ctx *v = payload;
    if (count != distinct)
        problem(v, "series %s: %lld numbers are used more than once", series,
                (long long)(count - distinct));
    if (max != distinct)
        problem(v, "series %s: %lld numbers are missing between 1 and %lld", series,
                (long long)(max - distinct), (long long)max);
    if (next_seq != max + 1)
        problem(v, "series %s: the next number is %lld, but the highest issued is %lld", series,
                (long long)next_seq, (long long)max);
}

fk_status fk_verify(const char *db_path, int64_t batch_id, fk_log_fn problem_fn, void *payload,
                    uint64_t *checked, uint64_t *problems, fk_error *err)
{
    fk_store *s = NULL;
    fk_batch_info bi;
    verify_ctx v = {problem_fn, payload, 0, 0};
    fk_status st;

    memset(&bi, 0, sizeof(bi));
    *checked = *problems = 0;
    if ((st = fk_pipeline__open_reader(&s, db_path, err)) != FK_OK)
        return st;
    if (batch_id)
        st = fk_pipeline__get_batch(s, db_path, batch_id, &bi, err);
    if (st == FK_OK)
        st = fk_store_relative_dirs(s, batch_id, verify_dir, &v, err);
    if (st == FK_OK && (st = fk_store_invoices(s, batch_id, false, verify_pdf, &v, err)) == FK_OK)
        st = fk_store_series_check(s, verify_series, &v, err);
    fk_batch_info_free(&bi);
    fk_store_close(s);
    *checked = v.checked;
    *problems = v.problems;
    return st;
}
