/* SPDX-License-Identifier: MIT */
/* store_files.c -- PDFs on disk, crash-consistently (RELIABILITY.md §2).
 *
 * The order of work for a chunk of invoices:
 *   1. each PDF is written to ".<name>.tmp" in the output directory (same filesystem, so the
 *      rename is atomic);
 *   2. one syncfs() makes all of them durable at once (one flush per chunk, not per file);
 *   3. each is renamed to its final name, then the directory is fsync'ed so the renames
 *      survive a power loss;
 *   4. only then does the caller COMMIT the invoices to the database.
 * A crash before 4 leaves temporary files (removed at the next start) or final PDFs whose
 * numbers the database never consumed (orphans: removed at the next start, and the rerun
 * renders the same numbers again). A committed invoice always has its durable PDF.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdatomic.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/testhook.h"
#include "store/store_files.h"

struct fk_outdir {
    char *path;
    int dirfd;
    long fail_after;      /* test hook: fail writes with ENOSPC after this many files (-1: never) */
    atomic_long written;  /* files written, for the test hook */
};

static fk_status mkdir_p(const char *path, fk_error *err)
{
    char *p = fk_xstrdup(path);
    fk_status st = FK_OK;
    for (char *s = p + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                st = fk_error_set(err, FK_EENV, p, 0, NULL,
                                  "cannot create the output directory: %s", strerror(errno));
                break;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(p);
    return st;
}

fk_status fk_outdir_open(fk_outdir **out, const char *dir, fk_error *err)
{
    fk_status st;
    *out = NULL;
    if ((st = mkdir_p(dir, err)) != FK_OK)
        return st;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return fk_error_set(err, FK_EENV, dir, 0, NULL, "cannot open the output directory: %s",
                            strerror(errno));
    fk_outdir *o = fk_xcalloc(1, sizeof(*o));
    o->path = fk_xstrdup(dir);
    o->dirfd = fd;
    /* Fault injection for the disk-full tests (core/testhook.h): the files after this many
     * fail exactly as on a full disk. */
    o->fail_after = fk_testhooks_get()->fail_writes_after;
    atomic_init(&o->written, 0);
    *out = o;
    return FK_OK;
}

static void tmp_name(char *out, size_t n, const char *name)
{
    snprintf(out, n, ".%s.tmp", name);
}

fk_status fk_outdir_write(fk_outdir *o, const char *name, const void *data, size_t n,
                          fk_error *err)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    fk_status st = FK_OK;
    const char *p = data;
    int fd;

    if (strlen(name) > FK_OUTDIR_NAME_MAX)
        return fk_error_set(err, FK_EINTERNAL, o->path, 0, name, "file name too long: %s", name);
    tmp_name(tmp, sizeof(tmp), name);
    /* O_TRUNC: a stale temporary file of a crashed run is simply overwritten; O_NOFOLLOW:
     * never through a symbolic link someone put there. */
    fd = openat(o->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return fk_error_set(err, FK_EENV, o->path, 0, name, "cannot create %s/%s: %s", o->path,
                            tmp, strerror(errno));
    /* Fault injection (tests/e2e/state_diskfull.sh): files are counted in the order they are
     * written, which is input order with one render thread. */
    if (o->fail_after >= 0 && atomic_fetch_add(&o->written, 1) >= o->fail_after) {
        errno = ENOSPC;
        st = fk_error_set(err, FK_EENV, o->path, 0, name, "cannot write %s/%s: %s", o->path,
                          tmp, strerror(errno));
        n = 0;
    }
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            st = fk_error_set(err, FK_EENV, o->path, 0, name, "cannot write %s/%s: %s", o->path,
                              tmp, w < 0 ? strerror(errno) : "short write");
            break;
        }
        p += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0 && st == FK_OK)
        st = fk_error_set(err, FK_EENV, o->path, 0, name, "cannot write %s/%s: %s", o->path,
                          tmp, strerror(errno));
    if (st != FK_OK)
        unlinkat(o->dirfd, tmp, 0);
    return st;
}

void fk_outdir_unwrite(fk_outdir *o, const char *name)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    if (strlen(name) > FK_OUTDIR_NAME_MAX)
        return;
    tmp_name(tmp, sizeof(tmp), name);
    unlinkat(o->dirfd, tmp, 0);
}

fk_status fk_outdir_publish(fk_outdir *o, const char *const *names, size_t n, fk_error *err)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    fk_status st = FK_OK;

    if (n == 0)
        return FK_OK;
    /* One flush for the whole chunk. An error here means some data may be lost: treat every
     * file as unwritten (never retry an fsync and trust it, "fsyncgate"). */
    if (syncfs(o->dirfd) != 0) {
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot flush the PDFs to disk: %s",
                          strerror(errno));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        tmp_name(tmp, sizeof(tmp), names[i]);
        if (renameat(o->dirfd, tmp, o->dirfd, names[i]) != 0) {
            st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot rename %s into place: %s",
                              names[i], strerror(errno));
            goto done;
        }
    }
    if (fsync(o->dirfd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL,
                          "cannot flush the output directory: %s", strerror(errno));
done:
    for (size_t i = 0; st != FK_OK && i < n; i++)
        fk_outdir_unwrite(o, names[i]);
    return st;
}

fk_status fk_outdir_recover(fk_outdir *o, fk_orphan_fn is_orphan, void *payload, fk_log_fn log,
                            void *log_payload, fk_error *err)
{
    int fd = dup(o->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    fk_buf msg = FK_BUF_INIT;
    fk_status st = FK_OK;
    bool removed = false;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot list the output directory: %s",
                            strerror(errno));
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        bool tmp = n[0] == '.' && len > 9 &&
                   (strcmp(n + len - 8, ".pdf.tmp") == 0 || strcmp(n + len - 8, ".xml.tmp") == 0);
        bool orphan = false, xml = false;
        size_t stem_len = 0;
        if (!tmp && len > 4 && strcmp(n + len - 4, ".pdf") == 0)
            stem_len = len - 4;
        /* An e-invoice beside it: NUMBER.FORMAT.xml (format names have no dots). */
        if (!tmp && len > 4 && strcmp(n + len - 4, ".xml") == 0) {
            const char *dot = memrchr(n, '.', len - 4);
            stem_len = dot && dot > n ? (size_t)(dot - n) : 0;
            xml = stem_len > 0;
        }
        if (stem_len) {
            char *stem = fk_xstrndup(n, stem_len);
            st = is_orphan(stem, &orphan, payload, err);
            free(stem);
            if (st != FK_OK)
                break;
        }
        if (!tmp && !orphan)
            continue;
        if (unlinkat(o->dirfd, n, 0) != 0 && errno != ENOENT) {
            st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot remove %s: %s", n,
                              strerror(errno));
            break;
        }
        removed = true;
        if (log) {
            fk_buf_reset(&msg);
            fk_buf_printf(&msg, "removed %s/%s (%s)", o->path, n,
                          tmp   ? "temporary file of an interrupted run"
                          : xml ? "e-invoice of an invoice that an interrupted run never "
                                  "recorded"
                                : "PDF of an invoice that an interrupted run never recorded");
            log(fk_buf_cstr(&msg), log_payload);
        }
    }
    closedir(d);
    if (st == FK_OK && removed && fsync(o->dirfd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL,
                          "cannot flush the output directory: %s", strerror(errno));
    fk_buf_free(&msg);
    return st;
}

const char *fk_outdir_path(const fk_outdir *o)
{
    return o->path;
}

void fk_outdir_close(fk_outdir *o)
{
    if (!o)
        return;
    close(o->dirfd);
    free(o->path);
    free(o);
}
