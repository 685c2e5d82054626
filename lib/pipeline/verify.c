/* SPDX-License-Identifier: MIT */
/* verify.c -- `verify`: every recorded PDF against its size and SHA-256, every number
 * series for gaps and repeats. `verify --repair` renders a missing or changed PDF again
 * from its stored document (documents.c) and writes it back when the bytes are the ones
 * recorded; what it cannot repair stays a problem, with the reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/util.h"
#include "pipeline/pipeline.h"

typedef struct verify_ctx {
    fk_log_fn problem;
    void *payload;
    uint64_t checked, problems;
    bool repair;
    char **bad;            /* repair: the invoices whose PDF is missing or changed */
    char **bad_msg;        /* and what was wrong with each */
    size_t nbad, capbad;
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

/* A PDF problem: reported at once, or (repair) kept to be repaired after the scan. */
static void pdf_problem(verify_ctx *v, const char *number, const char *fmt, ...) FK_PRINTF(3, 4);
static void pdf_problem(verify_ctx *v, const char *number, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    if (!v->repair) {
        problem(v, "%s", fk_buf_cstr(&m));
        fk_buf_free(&m);
        return;
    }
    if (v->nbad == v->capbad) {
        v->capbad = v->capbad ? 2 * v->capbad : 16;
        v->bad = fk_xrealloc(v->bad, v->capbad * sizeof(*v->bad));
        v->bad_msg = fk_xrealloc(v->bad_msg, v->capbad * sizeof(*v->bad_msg));
    }
    v->bad[v->nbad] = fk_xstrdup(number);
    v->bad_msg[v->nbad++] = fk_buf_take(&m);
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
        pdf_problem(v, number, "invoice %s: its PDF %s cannot be read (%s)", number, path,
                    e.message);
    else if ((int64_t)got_size != size || strcmp(got, sha) != 0)
        pdf_problem(v, number,
                    "invoice %s: its PDF %s differs from what was recorded (%llu bytes, "
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

static fk_status verify_all(const fk_config *cfg, const char *db_path, int64_t batch_id,
                            verify_ctx *v, fk_log_fn repaired_fn, uint64_t *nrepaired,
                            fk_error *err)
{
    fk_store *s = NULL;
    fk_renderer *r = NULL;
    fk_batch_info bi;
    fk_status st;

    memset(&bi, 0, sizeof(bi));
    /* Repairing writes PDFs into the output directories: it holds the run lock, as a run
     * does, so no batch writes there at the same time. */
    st = v->repair ? fk_store_open(&s, db_path, err) : fk_pipeline__open_reader(&s, db_path, err);
    if (st != FK_OK)
        return st;
    if (batch_id)
        st = fk_pipeline__get_batch(s, db_path, batch_id, &bi, err);
    if (st == FK_OK)
        st = fk_store_relative_dirs(s, batch_id, verify_dir, v, err);
    if (st == FK_OK && (st = fk_store_invoices(s, batch_id, false, verify_pdf, v, err)) == FK_OK)
        st = fk_store_series_check(s, verify_series, v, err);
    for (size_t i = 0; i < v->nbad; i++) {
        bool done = false;
        char why[600];
        if (st == FK_OK)
            st = fk_pipeline__repair(s, cfg, &r, v->bad[i], &done, why, sizeof(why), err);
        if (st == FK_OK && done) {
            (*nrepaired)++;
            if (repaired_fn) {
                fk_buf m = FK_BUF_INIT;
                fk_buf_printf(&m, "%s; repaired: rendered again from its stored document, "
                                  "byte-identical to the PDF issued, and written back",
                              v->bad_msg[i]);
                repaired_fn(fk_buf_cstr(&m), v->payload);
                fk_buf_free(&m);
            }
        } else if (st == FK_OK) {
            problem(v, "%s; not repaired: %s", v->bad_msg[i], why);
        }
        free(v->bad[i]);
        free(v->bad_msg[i]);
    }
    free(v->bad);
    free(v->bad_msg);
    fk_renderer_free(r);
    fk_batch_info_free(&bi);
    fk_store_close(s);
    return st;
}

fk_status fk_verify(const char *db_path, int64_t batch_id, fk_log_fn problem_fn, void *payload,
                    uint64_t *checked, uint64_t *problems, fk_error *err)
{
    verify_ctx v = {problem_fn, payload, 0, 0, false, NULL, NULL, 0, 0};
    uint64_t none = 0;
    fk_status st = verify_all(NULL, db_path, batch_id, &v, NULL, &none, err);
    *checked = v.checked;
    *problems = v.problems;
    return st;
}

fk_status fk_verify_repair(const fk_config *cfg, const char *db_path, int64_t batch_id,
                           fk_log_fn problem_fn, fk_log_fn repaired_fn, void *payload,
                           uint64_t *checked, uint64_t *problems, uint64_t *nrepaired,
                           fk_error *err)
{
    verify_ctx v = {problem_fn, payload, 0, 0, true, NULL, NULL, 0, 0};
    fk_status st;

    *nrepaired = 0;
    if (!cfg)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL,
                            "fk_verify_repair: a config (for the fonts) is required");
    st = verify_all(cfg, db_path, batch_id, &v, repaired_fn, nrepaired, err);
    *checked = v.checked;
    *problems = v.problems;
    return st;
}
