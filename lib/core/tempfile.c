/* SPDX-License-Identifier: MIT */
/* tempfile.c -- unnamed temporary files (tempfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "core/tempfile.h"

int fk_temp_fd(const char **dir)
{
    char path[4096];
    int fd;

    *dir = getenv("TMPDIR");
    if (!*dir || !**dir)
        *dir = "/var/tmp";
    fd = open(*dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    if (snprintf(path, sizeof(path), "%s/faktura-XXXXXX", *dir) >= (int)sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
        unlink(path);
    return fd;
}
