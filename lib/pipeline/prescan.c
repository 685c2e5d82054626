/* SPDX-License-Identifier: MIT */
/* prescan.c -- what must hold before a batch records anything, and the request to stop.
 *
 * Exit code 3 promises that nothing of the batch is recorded. Ingestion streams, one order
 * at a time, so a file that turns out truncated or malformed after its first thousand
 * orders used to stop the batch after 256-order chunks had been committed. So a batch that
 * writes reads every input through once first (prescan: the same reader, no checks, no
 * memory but one order), and only then opens the database. Standard input cannot be read
 * twice: it is copied to a temporary file first (unnamed, in $TMPDIR or /var/tmp) and put
 * in place of file descriptor 0. Between the two passes a file could still change: each
 * input's identity, size and time are kept and compared when it is opened again, and an
 * input error in the second pass is reported as what it is, a changed file, with the batch
 * left incomplete (run.c). The cost is one more parse of the input (docs/performance.md).
 *
 * Stopping: fk_batch_interrupt (a signal handler may call it) sets a flag the batch reads
 * before each order; see run.c for what a stopped batch does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/tempfile.h"
#include "pipeline/pipeline.h"

static atomic_int stop_flag; /* lock-free, so async-signal-safe */

void fk_batch_interrupt(void)
{
    atomic_store(&stop_flag, 1);
}

bool fk_pipeline__stop_requested(void)
{
    return atomic_load_explicit(&stop_flag, memory_order_relaxed) != 0;
}

fk_status fk_pipeline__interrupted_early(fk_error *err)
{
    return fk_error_set(err, FK_EINCOMPLETE, NULL, 0, NULL,
                        "interrupted before anything of the batch was recorded");
}

/* ---- standard input, read twice ---- */

static bool stdin_spooled;
static off_t stdin_start; /* where the inputs begin in descriptor 0 */

/* Copy standard input to an unnamed temporary file and put that in place of descriptor 0
 * (a regular file already there is only remembered). poll() first: a signal interrupts a
 * wait for a pipe that never delivers, whatever SA_RESTART says. */
static fk_status spool_stdin(fk_error *err)
{
    struct stat sb;
    char buf[65536];
    const char *dir;
    int fd;

    if (stdin_spooled)
        return FK_OK;
    if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
        stdin_start = lseek(STDIN_FILENO, 0, SEEK_CUR);
        stdin_spooled = stdin_start >= 0;
        if (stdin_spooled)
            return FK_OK;
    }
    if ((fd = fk_temp_fd(&dir)) < 0)
        return fk_error_set(err, FK_EENV, "-", 0, NULL,
                            "cannot make a temporary file in %s for standard input: %s", dir,
                            strerror(errno));
    for (;;) {
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        if (fk_pipeline__stop_requested()) {
            close(fd);
            return fk_pipeline__interrupted_early(err);
        }
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break; /* read() says why */
        }
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0) {
            fk_status st = fk_error_set(err, FK_EINPUT, "-", 0, NULL,
                                        "cannot read standard input: %s", strerror(errno));
            close(fd);
            return st;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                fk_status st = fk_error_set(err, FK_EENV, "-", 0, NULL,
                                            "cannot copy standard input to a temporary file "
                                            "in %s: %s",
                                            dir, w < 0 ? strerror(errno) : "short write");
                close(fd);
                return st;
            }
            off += w;
        }
    }
    if (lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, STDIN_FILENO) < 0) {
        fk_status st = fk_error_set(err, FK_EENV, "-", 0, NULL,
                                    "cannot put the copy of standard input in place: %s",
                                    strerror(errno));
        close(fd);
        return st;
    }
    close(fd);
    stdin_start = 0;
    stdin_spooled = true;
    return FK_OK;
}

/* Standard input from its beginning again, for descriptor reads and for stdio. */
static void rewind_stdin(void)
{
    if (!stdin_spooled)
        return;
    clearerr(stdin);
    fseeko(stdin, stdin_start, SEEK_SET);
    lseek(STDIN_FILENO, stdin_start, SEEK_SET);
}

/* ---- the first pass ---- */

static bool is_stdin(const char *path)
{
    return strcmp(path, "-") == 0;
}

static int snapshot(const char *path, struct stat *sb)
{
    return is_stdin(path) ? fstat(STDIN_FILENO, sb) : stat(path, sb);
}

fk_status fk_pipeline__prescan(const fk_batch_options *opts, const char *const *inputs,
                               size_t n, fk_prescan_fn fn, void *payload, fk_prescan *out,
                               fk_error *err)
{
    fk_status st = FK_OK;
    fk_order o;

    memset(out, 0, sizeof(*out));
    out->snap = fk_xcalloc(n ? n : 1, sizeof(*out->snap));
    out->n = n;
    fk_order_init(&o);
    for (size_t i = 0; st == FK_OK && i < n; i++) {
        fk_ingest_options io = {opts->input_format, opts->csv_delimiter,
                                opts->decimal_comma ? ',' : 0,
                                opts->config ? opts->config->input : NULL};
        fk_ingest *in = NULL;
        if (is_stdin(inputs[i])) {
            if ((st = spool_stdin(err)) != FK_OK)
                break;
            rewind_stdin();
        }
        if (snapshot(inputs[i], &out->snap[i]) != 0)
            memset(&out->snap[i], 0, sizeof(out->snap[i]));
        if ((st = fk_ingest_open(&in, inputs[i], &io, err)) != FK_OK)
            break;
        for (;;) {
            bool got = false;
            if (fk_pipeline__stop_requested()) {
                st = fk_pipeline__interrupted_early(err);
                break;
            }
            if ((st = fk_ingest_next(in, &o, &got, err)) != FK_OK || !got)
                break;
            out->orders++;
            if (fn)
                st = fn(&o, i, payload, err);
            fk_order_clear(&o);
            if (st != FK_OK)
                break;
        }
        fk_order_clear(&o);
        fk_ingest_close(in);
    }
    rewind_stdin();
    return st;
}

fk_status fk_pipeline__inputs_unchanged(const char *const *inputs, size_t n,
                                        const fk_prescan *scan, fk_error *err)
{
    for (size_t i = 0; i < n && i < scan->n; i++) {
        struct stat now;
        const struct stat *then = &scan->snap[i];
        if (snapshot(inputs[i], &now) != 0 || now.st_dev != then->st_dev ||
            now.st_ino != then->st_ino || now.st_size != then->st_size ||
            now.st_mtim.tv_sec != then->st_mtim.tv_sec ||
            now.st_mtim.tv_nsec != then->st_mtim.tv_nsec)
            return fk_error_set(err, FK_EINPUT, inputs[i], 0, NULL,
                                "the file changed while faktura read it (is something still "
                                "writing it?); nothing of the batch is recorded");
    }
    return FK_OK;
}

void fk_pipeline__prescan_free(fk_prescan *scan)
{
    free(scan->snap);
    scan->snap = NULL;
    scan->n = 0;
}
