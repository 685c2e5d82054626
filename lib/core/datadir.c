/* SPDX-License-Identifier: MIT */
/* datadir.c -- the data directory, found at run time (datadir.h has the order). */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/datadir.h"

#ifndef FK_DATADIR_FROM_LIBDIR
#define FK_DATADIR_FROM_LIBDIR "../share/faktura"
#endif
#ifndef FK_DATADIR_FROM_BINDIR
#define FK_DATADIR_FROM_BINDIR "../share/faktura"
#endif
#ifndef FK_DATADIR_INSTALLED
#define FK_DATADIR_INSTALLED "/usr/local/share/faktura"
#endif
#define MARKER "fonts/DejaVuSans.ttf"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char datadir[PATH_MAX];

static bool has_marker(const char *dir)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, MARKER);
    return n > 0 && (size_t)n < sizeof(path) && access(path, R_OK) == 0;
}

/* The directory of the file this code was loaded from: the shared library, or the program
 * itself when the library is linked in statically (dladdr names the program by argv[0],
 * which may be relative or a bare name, so it is read from /proc/self/exe instead). */
static bool object_dir(char *out, size_t cap)
{
    Dl_info info;
    struct link_map *map = NULL;
    char buf[PATH_MAX];
    const char *path = NULL;

    if (dladdr1(datadir, &info, (void **)&map, RTLD_DL_LINKMAP) && map &&
        map->l_name && map->l_name[0] && realpath(map->l_name, buf))
        path = buf;
    if (!path) {
        ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
        if (n <= 0)
            return false;
        buf[n] = '\0';
        path = buf;
    }
    const char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) >= cap)
        return false;
    memcpy(out, path, (size_t)(slash - path));
    out[slash - path] = '\0';
    return true;
}

static bool try_dir(const char *base, const char *rel)
{
    char dir[PATH_MAX], real[PATH_MAX];
    int n = snprintf(dir, sizeof(dir), "%s/%s", base, rel);
    if (n <= 0 || (size_t)n >= sizeof(dir) || !has_marker(dir))
        return false;
    snprintf(datadir, sizeof(datadir), "%s", realpath(dir, real) ? real : dir);
    return true;
}

static void find_datadir(void)
{
    static const char *const rel[] = {FK_DATADIR_FROM_LIBDIR, FK_DATADIR_FROM_BINDIR,
                                      "../share/faktura", "../../share/faktura"};
    const char *env = getenv("FAKTURA_DATADIR");
    char base[PATH_MAX];

    if (env && env[0] && strlen(env) < sizeof(datadir)) {
        snprintf(datadir, sizeof(datadir), "%s", env);
        size_t n = strlen(datadir);
        while (n > 1 && datadir[n - 1] == '/')
            datadir[--n] = '\0';
        return;
    }
    if (object_dir(base, sizeof(base)))
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++)
            if (try_dir(base, rel[i]))
                return;
    snprintf(datadir, sizeof(datadir), "%s", FK_DATADIR_INSTALLED);
}

const char *fk_datadir(void)
{
    pthread_once(&once, find_datadir);
    return datadir;
}

char *fk_datadir_file(const char *name)
{
    const char *dir = fk_datadir();
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *p = fk_xmalloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}
