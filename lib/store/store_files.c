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
 * A crash before 4 leaves temporary files or final PDFs whose numbers the database never
 * consumed (orphans): the next start removes them, and the rerun renders the same numbers
 * again. A committed invoice always has its durable PDF.
 *
 * What recovery may remove: only what this database's runs wrote. Before a run writes a
 * PDF, its name is recorded as pending in the database (store_pending.c), and recovery
 * removes a pending name (and its temporary file) only when no invoice records it:
 * never an archive PDF copied in, never another database's invoice. And one output
 * directory belongs to one database: a marker file in it (MARKER, written on first use)
 * names the database's identity, and a run of another database is refused (two databases
 * sharing --out, or a forgotten --db, numbered from 1 again over the other's invoices).
 * A PDF is never renamed over an existing file either (RENAME_NOREPLACE).
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

#define MARKER ".faktura-db"
#define MARKER_MAX 4096

struct fk_outdir {
    char *path;           /* as given: for messages */
    char *real;           /* absolute, symbolic links resolved: what is recorded */
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
    char *real = realpath(dir, NULL);
    if (!real) {
        fk_status st2 = fk_error_set(err, FK_EENV, dir, 0, NULL,
                                     "cannot resolve the output directory: %s",
                                     strerror(errno));
        close(fd);
        return st2;
    }
    fk_outdir *o = fk_xcalloc(1, sizeof(*o));
    o->path = fk_xstrdup(dir);
    o->real = real;
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

/* Rename tmp to name unless name exists: a PDF never replaces a file (another database's
 * invoice, an archive copy). Filesystems without RENAME_NOREPLACE get a check first. */
static int rename_noreplace(int dirfd, const char *tmp, const char *name)
{
    if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return -1;
    if (faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        errno = EEXIST;
        return -1;
    }
    return renameat(dirfd, tmp, dirfd, name);
}

fk_status fk_outdir_publish(fk_outdir *o, const char *const *names, size_t n, fk_error *err)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    fk_status st = FK_OK;
    size_t renamed = 0;

    if (n == 0)
        return FK_OK;
    /* One flush for the whole chunk. An error here means some data may be lost: treat every
     * file as unwritten (never retry an fsync and trust it, "fsyncgate"). */
    if (syncfs(o->dirfd) != 0) {
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot flush the PDFs to disk: %s",
                          strerror(errno));
        goto done;
    }
    for (size_t i = 0; i < n; i++, renamed++) {
        tmp_name(tmp, sizeof(tmp), names[i]);
        if (rename_noreplace(o->dirfd, tmp, names[i]) != 0) {
            st = errno == EEXIST
                     ? fk_error_set(err, FK_EENV, o->path, 0, NULL,
                                    "cannot put %s in place: a file of that name is there "
                                    "and no invoice of this database records it (move it "
                                    "away if it is not yours)",
                                    names[i])
                     : fk_error_set(err, FK_EENV, o->path, 0, NULL,
                                    "cannot rename %s into place: %s", names[i],
                                    strerror(errno));
            goto done;
        }
    }
    if (fsync(o->dirfd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL,
                          "cannot flush the output directory: %s", strerror(errno));
done:
    /* Nothing of the chunk is committed: the files renamed into place go as well. */
    for (size_t i = 0; st != FK_OK && i < n; i++) {
        if (i < renamed)
            unlinkat(o->dirfd, names[i], 0);
        fk_outdir_unwrite(o, names[i]);
    }
    return st;
}

fk_status fk_outdir_restore(fk_outdir *o, const char *name, fk_error *err)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    fk_status st = FK_OK;

    tmp_name(tmp, sizeof(tmp), name);
    if (syncfs(o->dirfd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot flush %s to disk: %s", name,
                          strerror(errno));
    else if (renameat(o->dirfd, tmp, o->dirfd, name) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot rename %s into place: %s",
                          name, strerror(errno));
    else if (fsync(o->dirfd) != 0)
        return fk_error_set(err, FK_EENV, o->path, 0, NULL,
                            "cannot flush the output directory: %s", strerror(errno));
    if (st != FK_OK)
        fk_outdir_unwrite(o, name);
    return st;
}

/* The marker's database identity, "" when the directory has no marker. */
static fk_status read_marker(fk_outdir *o, char *id, size_t idsz, fk_error *err)
{
    char buf[MARKER_MAX + 1];
    struct stat sb;
    ssize_t n;
    int fd = openat(o->dirfd, MARKER, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

    id[0] = '\0';
    if (fd < 0 && errno == ENOENT)
        return FK_OK;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        return fk_error_set(err, FK_EENV, o->path, 0, NULL,
                            "%s/%s is not a faktura marker file (%s)", o->path, MARKER,
                            fd < 0 ? strerror(errno) : "not a regular file");
    }
    n = pread(fd, buf, MARKER_MAX, 0);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    const char *p = strstr(buf, "database_id: ");
    if (!p)
        return fk_error_set(err, FK_EENV, o->path, 0, NULL,
                            "%s/%s is not a faktura marker file (no database_id)", o->path,
                            MARKER);
    p += strlen("database_id: ");
    snprintf(id, idsz, "%.*s", (int)strcspn(p, "\n"), p);
    return FK_OK;
}

static fk_status write_marker(fk_outdir *o, const char *db_id, const char *db_path,
                              fk_error *err)
{
    fk_buf text = FK_BUF_INIT;
    fk_status st = FK_OK;
    int fd = openat(o->dirfd, MARKER, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);

    if (fd < 0)
        return fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot create %s/%s: %s", o->path,
                            MARKER, strerror(errno));
    fk_buf_printf(&text,
                  "This directory holds the invoices of one faktura database; faktura refuses\n"
                  "to write here for any other (SECURITY.md, \"The output directory\").\n"
                  "database_id: %s\ndatabase: %s\n",
                  db_id, db_path);
    if (write(fd, text.ptr, text.len) != (ssize_t)text.len || fsync(fd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot write %s/%s: %s", o->path,
                          MARKER, strerror(errno));
    if (close(fd) != 0 && st == FK_OK)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot write %s/%s: %s", o->path,
                          MARKER, strerror(errno));
    if (st == FK_OK && fsync(o->dirfd) != 0)
        st = fk_error_set(err, FK_EENV, o->path, 0, NULL,
                          "cannot flush the output directory: %s", strerror(errno));
    if (st != FK_OK)
        unlinkat(o->dirfd, MARKER, 0);
    fk_buf_free(&text);
    return st;
}

/* The first PDF of the directory that `foreign` calls foreign, into `name` ("" if none). */
static fk_status find_foreign(fk_outdir *o, fk_orphan_fn foreign, void *payload, char *name,
                              size_t namesz, fk_error *err)
{
    int fd = dup(o->dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    fk_status st = FK_OK;

    name[0] = '\0';
    if (!d) {
        if (fd >= 0)
            close(fd);
        return fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot list the output directory: %s",
                            strerror(errno));
    }
    rewinddir(d);
    while (st == FK_OK && !name[0] && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        bool is = false;
        if (len <= 4 || strcmp(e->d_name + len - 4, ".pdf") != 0)
            continue;
        char *stem = fk_xstrndup(e->d_name, len - 4);
        st = foreign(stem, &is, payload, err);
        free(stem);
        if (st == FK_OK && is)
            snprintf(name, namesz, "%s", e->d_name);
    }
    closedir(d);
    return st;
}

fk_status fk_outdir_claim(fk_outdir *o, const char *db_id, const char *db_path,
                          fk_orphan_fn foreign, void *payload, fk_error *err)
{
    char id[80], stray[256];
    fk_status st;

    if ((st = read_marker(o, id, sizeof(id), err)) != FK_OK)
        return st;
    if (id[0] && strcmp(id, db_id) == 0)
        return FK_OK;
    if (id[0])
        return fk_error_set(err, FK_EENV, o->path, 0, NULL,
                            "the output directory belongs to another faktura database (its "
                            "%s names database %s; this one, %s, is %s): give that "
                            "database with --db, or another --out",
                            MARKER, id, db_path, db_id);
    /* No marker: a directory of an older faktura, or a new one. Claimed unless it holds
     * PDFs named like invoices that this database did not record. */
    if ((st = find_foreign(o, foreign, payload, stray, sizeof(stray), err)) != FK_OK)
        return st;
    if (stray[0])
        return fk_error_set(err, FK_EENV, o->path, 0, NULL,
                            "the output directory holds %s, an invoice number this database "
                            "(%s) never recorded, and no %s marker: it may belong to another "
                            "database; give that one with --db, or another --out (or move "
                            "the PDFs away if they are not invoices)",
                            stray, db_path, MARKER);
    return write_marker(o, db_id, db_path, err);
}

fk_status fk_outdir_recover(fk_outdir *o, const char *const *names, size_t n,
                            fk_orphan_fn is_orphan, void *payload, fk_log_fn log,
                            void *log_payload, fk_error *err)
{
    char tmp[FK_OUTDIR_NAME_MAX + 8];
    fk_buf msg = FK_BUF_INIT;
    fk_status st = FK_OK;
    bool removed = false;

    for (size_t i = 0; st == FK_OK && i < n; i++) {
        size_t len = strlen(names[i]);
        bool orphan = false;
        if (len > FK_OUTDIR_NAME_MAX || len <= 4 || strcmp(names[i] + len - 4, ".pdf") != 0)
            continue; /* never a name this directory's runs write */
        tmp_name(tmp, sizeof(tmp), names[i]);
        for (int k = 0; k < 2; k++) {
            const char *n2 = k ? names[i] : tmp;
            if (k) {
                char *stem = fk_xstrndup(names[i], len - 4);
                st = is_orphan(stem, &orphan, payload, err);
                free(stem);
                if (st != FK_OK || !orphan)
                    break;
            }
            if (unlinkat(o->dirfd, n2, 0) != 0) {
                if (errno == ENOENT)
                    continue;
                st = fk_error_set(err, FK_EENV, o->path, 0, NULL, "cannot remove %s: %s", n2,
                                  strerror(errno));
                break;
            }
            removed = true;
            if (log) {
                fk_buf_reset(&msg);
                fk_buf_printf(&msg, "removed %s/%s (%s)", o->path, n2,
                              k ? "PDF of an invoice that an interrupted run never recorded"
                                : "temporary file of an interrupted run");
                log(fk_buf_cstr(&msg), log_payload);
            }
        }
    }
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

const char *fk_outdir_real(const fk_outdir *o)
{
    return o->real;
}

void fk_outdir_close(fk_outdir *o)
{
    if (!o)
        return;
    close(o->dirfd);
    free(o->path);
    free(o->real);
    free(o);
}
