/* SPDX-License-Identifier: MIT */
/* fuzz_util.h -- what the fuzz targets share: turning bytes into a file path or a string,
 * and the check that stops the fuzzer on a broken invariant.
 *
 * The library reads inputs and configs from paths, so a target writes its bytes into an
 * anonymous in-memory file (memfd) and passes "/proc/self/fd/N": nothing touches the disk
 * and nothing outlives the call. Where memfd is missing, a mkstemp file in $TMPDIR (or
 * /tmp) is used and removed when the call ends.
 *
 * FUZZ_CHECK aborts with the failed condition: libFuzzer (and the standalone replay driver)
 * report an abort as a crash and keep the input. Header-only: each target is one .c file.
 */
#ifndef FK_FUZZ_UTIL_H
#define FK_FUZZ_UTIL_H
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* An input as a file: the path is valid until fuzz_file_close(). */
typedef struct fuzz_file {
    int fd;
    int is_tmp;      /* a mkstemp file (unlinked on close), not a memfd */
    char path[4096];
} fuzz_file;

static inline int fuzz_write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

static inline void fuzz_file_close(fuzz_file *f)
{
    close(f->fd);
    if (f->is_tmp)
        unlink(f->path);
}

/* Put `data` into a file; returns 0, or -1 when the system refused (the caller skips the
 * input: that is no finding about faktura). */
static inline int fuzz_file_open(fuzz_file *f, const uint8_t *data, size_t size)
{
    f->is_tmp = 0;
    f->fd = memfd_create("fk-fuzz", MFD_CLOEXEC);
    if (f->fd >= 0) {
        snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
    } else {
        const char *dir = getenv("TMPDIR");
        int n = snprintf(f->path, sizeof(f->path), "%s/fk-fuzz-XXXXXX",
                         dir && *dir ? dir : "/tmp");
        if (n < 0 || (size_t)n >= sizeof(f->path) || (f->fd = mkstemp(f->path)) < 0)
            return -1;
        f->is_tmp = 1;
    }
    if (fuzz_write_all(f->fd, data, size) != 0) {
        fuzz_file_close(f);
        return -1;
    }
    return 0;
}

/* The bytes as a NUL-terminated string in a buffer of exactly size + 1 bytes (so ASan sees
 * any read past the terminator). An embedded NUL ends the string early, as in C. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}
#endif
