/* SPDX-License-Identifier: MIT */
/* zone.c -- the UTC offset of a wall-clock time in a named time zone, for dates that shops
 * write without an offset (WooCommerce: the site's zone; [input] timezone).
 *
 * Why a table: the C library converts only through the process-wide TZ, which is not safe
 * while the render threads run, and reading TZif files (every version, and the POSIX rule
 * that extends a "slim" file) is the C library's business. So when the config is loaded,
 * before any thread starts, the zone's offsets are sampled from the C library (TZ set for
 * the call, localtime_r every 12 hours from 1970 to 2100, each change found to the second
 * by bisection); afterwards a conversion is a search in that table, and thread-safe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/buf.h"
#include "core/mapping.h"
#include "core/money.h"

#define FROM 0LL              /* 1970-01-01 */
#define TO 4102444800LL       /* 2100-01-01 */
#define STEP (12 * 3600LL)

struct fk_zone {
    int64_t *at;     /* instants (UTC) where the offset changes, ascending */
    int32_t *off;    /* off[0] before at[0]; off[i + 1] from at[i] on */
    size_t n;        /* changes */
};

static int32_t offset_at(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    return localtime_r(&tt, &tm) ? (int32_t)tm.tm_gmtoff : 0;
}

/* "+01:00", "-0530", "+01", "UTC", "Z": a fixed offset. */
static bool fixed_offset(const char *s, int32_t *off)
{
    int h = 0, m = 0, n = 0;
    if (!strcmp(s, "UTC") || !strcmp(s, "Z") || !strcmp(s, "GMT")) {
        *off = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') ||
        !(sscanf(s + 1, "%2d:%2d%n", &h, &m, &n) == 2 || sscanf(s + 1, "%2d%2d%n", &h, &m, &n) == 2 ||
          (m = 0, sscanf(s + 1, "%2d%n", &h, &n) == 1)) ||
        s[1 + n] != '\0' || h > 14 || m > 59)
        return false;
    *off = (int32_t)((h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1));
    return true;
}

fk_zone *fk_zone_load(const char *name, const char **why)
{
    fk_zone *z = fk_xcalloc(1, sizeof(*z));
    int32_t fixed;

    z->off = fk_xcalloc(1, sizeof(*z->off));
    if (fixed_offset(name, &fixed)) {
        z->off[0] = fixed;
        return z;
    }
    /* An IANA name: letters, digits, '/', '_', '-', '+', nothing that leaves the database. */
    bool ok = *name && name[0] != '/' && !strstr(name, "..") && strlen(name) < 200;
    for (const char *p = name; ok && *p; p++)
        ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
             *p == '/' || *p == '_' || *p == '-' || *p == '+';
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *fp = ok ? fopen(path, "rb") : NULL;
    char magic[4] = {0};
    if (fp) {
        ok = fread(magic, 1, 4, fp) == 4 && !memcmp(magic, "TZif", 4);
        fclose(fp);
    } else {
        ok = false;
    }
    if (!ok) {
        *why = "is not a time zone of the system's database (an IANA name such as "
               "Europe/Berlin, or an offset such as +01:00)";
        fk_zone_free(z);
        return NULL;
    }

    char *saved = getenv("TZ") ? fk_xstrdup(getenv("TZ")) : NULL;
    setenv("TZ", name, 1);
    tzset();
    size_t cap = 0;
    int32_t cur = offset_at(FROM);
    z->off[0] = cur;
    for (int64_t t = FROM + STEP; t <= TO; t += STEP) {
        int32_t o = offset_at(t);
        if (o == cur)
            continue;
        int64_t lo = t - STEP, hi = t; /* offset(lo) == cur, offset(hi) == o */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (offset_at(mid) == cur)
                lo = mid;
            else
                hi = mid;
        }
        if (z->n == cap) {
            cap = cap ? cap * 2 : 64;
            z->at = fk_xrealloc(z->at, cap * sizeof(*z->at));
            z->off = fk_xrealloc(z->off, (cap + 1) * sizeof(*z->off));
        }
        z->at[z->n] = hi;
        z->off[++z->n] = o;
        cur = o;
    }
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return z;
}

int32_t fk_zone_local_offset(const fk_zone *z, int64_t local)
{
    if (!z)
        return 0;
    /* Each offset applies to the local times [at[i-1] + off[i], at[i] + off[i]). Take the
     * first period that holds the local time: in a repeated hour that is the earlier one;
     * a local time no period holds (skipped at a change forward) takes the offset before. */
    for (size_t i = 0; i <= z->n; i++) {
        int64_t start = i == 0 ? INT64_MIN : z->at[i - 1] + z->off[i];
        int64_t end = i == z->n ? INT64_MAX : z->at[i] + z->off[i];
        if (local >= start && local < end)
            return z->off[i];
        if (local < start)
            return z->off[i - 1];
    }
    return z->off[z->n];
}

void fk_zone_free(fk_zone *z)
{
    if (!z)
        return;
    free(z->at);
    free(z->off);
    free(z);
}
