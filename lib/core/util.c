/* SPDX-License-Identifier: MIT */
/* util.c -- text, time and hashing helpers (see util.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include "faktura/batch.h"
#include "core/pan.h"
#include "core/util.h"

bool fk_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned cp;

        /* ASCII, eight bytes at a time: most of every ledger. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i == n)
            break;
        c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

bool fk_has_control(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    for (; *s; s++) {
        if (*s < 0x20 || *s == 0x7F)
            return true;
        /* C1 controls are U+0080..U+009F: encoded C2 80..C2 9F. */
        if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
            return true;
    }
    return false;
}

/* The code point at s (NUL-terminated) and its length in bytes; a byte that does not
 * start valid UTF-8 (overlong, surrogate, beyond U+10FFFF, cut) is one byte of NOT_UTF8. */
#define NOT_UTF8 0xFFFFFFFFu
static uint32_t next_char(const unsigned char *s, size_t *len)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp;

    *len = 1;
    if (c < 0x80)
        return c;
    if ((c & 0xE0) == 0xC0)
        n = 2, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
        n = 3, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
        n = 4, cp = c & 0x07;
    else
        return NOT_UTF8;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80) /* the NUL at the end is no continuation byte */
            return NOT_UTF8;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return NOT_UTF8;
    *len = n;
    return cp;
}

/* Is code point cp shown as it is (util.h, fk_text_safe)? */
static bool shown_as_is(uint32_t cp, bool keep_ws)
{
    if (cp < 0x20)
        return keep_ws && (cp == '\t' || cp == '\n' || cp == '\r');
    if (cp >= 0x7F && cp <= 0x9F) /* DEL and the C1 controls */
        return false;
    if (cp == 0x2028 || cp == 0x2029)
        return false;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return false;
    return cp != 0xFFFE && cp != 0xFFFF && cp != NOT_UTF8;
}

bool fk_text_is_safe(const char *str, bool keep_ws)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len;

    for (size_t i = 0; s[i]; i += len) {
        if (s[i] >= 0x20 && s[i] < 0x7F) { /* ASCII text: most of every value */
            len = 1;
            continue;
        }
        if (!shown_as_is(next_char(s + i, &len), keep_ws))
            return false;
    }
    return true;
}

char *fk_text_safe(char *str, bool keep_ws)
{
    unsigned char *s = (unsigned char *)str;
    size_t i = 0, o = 0, len;

    if (fk_text_is_safe(str, keep_ws))
        return str;
    while (s[i]) {
        if (shown_as_is(next_char(s + i, &len), keep_ws)) {
            memmove(s + o, s + i, len);
            o += len;
        } else {
            s[o++] = '?';
        }
        i += len;
    }
    s[o] = '\0';
    return str;
}

char *fk_text_printable(char *s)
{
    return fk_text_safe(s, false);
}

const char *fk_quote_value(const char *str, char *buf, size_t bufsz)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, i = 0, len, n;
    fk_pan_span pan;
    bool in_pan;

    if (bufsz < 8) {
        if (bufsz)
            buf[0] = '\0';
        return buf;
    }
    /* Card numbers are found in the whole value, so that one the cut shortens is masked
     * too: its digits before the last four become '*' as they are copied. */
    n = strlen(str);
    in_pan = fk_pan_find(str, n, 0, &pan);
    while (s[i]) {
        bool keep = shown_as_is(next_char(s + i, &len), false);
        size_t need = keep ? len : 1;
        if (o + need > bufsz - 4) /* room for "..." and the NUL */
            break;
        while (in_pan && i >= pan.end)
            in_pan = fk_pan_find(str, n, pan.end, &pan);
        if (keep && len == 1 && in_pan && i >= pan.start && i < pan.keep && s[i] >= '0' &&
            s[i] <= '9')
            buf[o] = '*';
        else if (keep)
            memcpy(buf + o, s + i, len);
        else
            buf[o] = '?';
        o += need;
        i += len;
    }
    fk_pan_mask(buf, o); /* and what is shown holds no card-like run either */
    if (s[i]) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

char *fk_trim_n(char *s, size_t *len)
{
    size_t n = *len, a = 0;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (a < n && (s[a] == ' ' || s[a] == '\t'))
        a++;
    s[n] = '\0';
    *len = n - a;
    return s + a;
}

char *fk_trim(char *s)
{
    size_t n = strlen(s);
    char *t = fk_trim_n(s, &n);
    memmove(s, t, n + 1);
    return s;
}

void fk_ascii_lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

void fk_ascii_upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* Howard Hinnant's days_from_civil / civil_from_days: exact for every Gregorian date. */
int64_t fk_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void fk_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

void fk_format_date(int64_t t, char *buf, size_t bufsz)
{
    int y;
    unsigned m, d;
    fk_civil_from_days(floor_div(t, 86400), &y, &m, &d);
    if (y >= 0 && y <= 9999 && bufsz >= 11) {
        /* "%04d-%02u-%02u" without printf: the report formats two dates per order */
        char v[11] = {(char)('0' + y / 1000), (char)('0' + y / 100 % 10),
                      (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
                      (char)('0' + m / 10), (char)('0' + m % 10), '-',
                      (char)('0' + d / 10), (char)('0' + d % 10), '\0'};
        memcpy(buf, v, sizeof(v));
        return;
    }
    snprintf(buf, bufsz, "%04d-%02u-%02u", y, m, d);
}

void fk_format_datetime(int64_t t, char *buf, size_t bufsz)
{
    int y;
    unsigned m, d;
    int64_t days = floor_div(t, 86400), sec = t - days * 86400;
    fk_civil_from_days(days, &y, &m, &d);
    snprintf(buf, bufsz, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d, (int)(sec / 3600),
             (int)(sec / 60 % 60), (int)(sec % 60));
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "+HH:MM", "+HHMM", "+HH" (or '-'), or "Z"; *sec gets the offset in seconds. */
static bool parse_offset(const char *s, int32_t *sec)
{
    int hh, mm = 0;
    if (s[0] == 'Z' && !s[1]) {
        *sec = 0;
        return true;
    }
    if ((s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &hh))
        return false;
    const char *p = s + 3;
    if (*p == ':')
        p++;
    if (*p) {
        if (!digits(p, 2, &mm) || p[2])
            return false;
        if (p == s + 3 && s[3] == ':') /* "+01:" */
            return false;
    } else if (s[3] == ':') {
        return false;
    }
    if (hh > 18 || mm > 59)
        return false;
    *sec = (hh * 3600 + mm * 60) * (s[0] == '-' ? -1 : 1);
    return true;
}

bool fk_time_parse_ex(const char *s, int64_t *local, int32_t *offset, bool *has_offset)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, hh = 0, mm = 0, ss = 0;
    int32_t off = 0;
    bool with_offset = false;

    if (!s || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
        s[7] != '-' || !digits(s + 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if ((unsigned)d > mdays[m - 1] + (m == 2 && leap))
        return false;
    s += 10;
    if (*s == 'T' || (*s == ' ' && s[1] >= '0' && s[1] <= '9')) {
        s++;
        if (!digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm))
            return false;
        s += 5;
        if (*s == ':') {
            if (!digits(s + 1, 2, &ss))
                return false;
            s += 3;
            if (*s == '.' || *s == ',') { /* a fraction of a second: read, not kept */
                int f;
                if (!digits(s + 1, 1, &f))
                    return false;
                for (s++; *s >= '0' && *s <= '9'; s++)
                    ;
            }
        }
        if (hh > 23 || mm > 59 || ss > 59)
            return false;
        if (*s == ' ') /* "2026-11-18 09:12:44 +0100" */
            s++;
        if (*s) {
            if (!parse_offset(s, &off))
                return false;
            with_offset = true;
        }
    } else if (*s == 'Z' && !s[1]) {
        with_offset = true; /* "2026-11-18Z": a UTC day */
    } else if (*s) {
        return false;
    }
    *local = fk_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
    if (offset)
        *offset = off;
    if (has_offset)
        *has_offset = with_offset;
    return true;
}

bool fk_time_parse(const char *s, int64_t *out)
{
    int64_t local;
    int32_t off;
    if (!fk_time_parse_ex(s, &local, &off, NULL))
        return false;
    *out = local - off;
    return true;
}

/* ---- Time zones ----
 *
 * Why the C library and not a TZif reader of our own: the one conversion a batch needs
 * (its "now" into the zone, for the issue date and the series year) happens once, before
 * the render threads start, so glibc's reader of the same files, with its handling of
 * every TZif version and of the POSIX rule that extends a "slim" file past its last
 * transition, is the smaller risk. The zone is checked at config load (the file exists
 * and is a TZif file), because glibc silently falls back to UTC for a name it cannot
 * read. */
static const char *zone_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

bool fk_zone_check(const char *zone, const char **why)
{
    char path[512], magic[4];
    FILE *fp;
    size_t n;

    if (!zone || !*zone || !strcmp(zone, "UTC"))
        return true;
    for (const char *p = zone; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+')) {
            *why = "is not an IANA time zone name (letters, digits, '/', '_', '-', '+')";
            return false;
        }
    }
    if (zone[0] == '/' || strstr(zone, "//") || strlen(zone) > 200) {
        *why = "is not an IANA time zone name (like Europe/Warsaw)";
        return false;
    }
    snprintf(path, sizeof(path), "%s/%s", zone_dir(), zone);
    fp = fopen(path, "rb");
    if (!fp) {
        *why = "is not in the system's time zone database (install tzdata, or check the "
               "name: Europe/Warsaw, Europe/Berlin, Europe/Oslo, UTC)";
        return false;
    }
    n = fread(magic, 1, sizeof(magic), fp);
    fclose(fp);
    if (n != sizeof(magic) || memcmp(magic, "TZif", 4) != 0) {
        *why = "is not a time zone file of the system's database";
        return false;
    }
    return true;
}

bool fk_zone_offset(const char *zone, int64_t t, int32_t *offset)
{
    const char *why = NULL;
    char *saved = NULL;
    const char *old;
    struct tm tm;
    time_t tt = (time_t)t;
    bool ok;

    *offset = 0;
    if (!zone || !*zone || !strcmp(zone, "UTC"))
        return true;
    if (!fk_zone_check(zone, &why))
        return false;
    old = getenv("TZ");
    if (old)
        saved = strdup(old);
    setenv("TZ", zone, 1);
    tzset();
    ok = localtime_r(&tt, &tm) != NULL;
    if (ok)
        *offset = (int32_t)tm.tm_gmtoff;
    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
    return ok;
}

/* OpenSSL 3 looks the algorithm up (locks, a cache) on every digest made with
 * EVP_sha256(); one explicit fetch, kept for the process, skips that. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void fk_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const char hex[] = "0123456789abcdef";

    pthread_once(&sha256_once, fetch_sha256);
    EVP_Digest(data, n, md, &mdlen, sha256_md ? (const EVP_MD *)sha256_md : EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

fk_status fk_sha256_file(const char *path, char out[65], uint64_t *size, fk_error *err)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
    unsigned int mdlen = 0;
    FILE *fp = fopen(path, "rb");
    EVP_MD_CTX *ctx;
    size_t n;
    int read_errno = 0;

    *size = 0;
    out[0] = '\0';
    if (!fp)
        return fk_error_set(err, FK_EENV, path, 0, NULL, "%s", strerror(errno));
    ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        *size += n;
    }
    if (ferror(fp))
        read_errno = errno ? errno : EIO;
    fclose(fp);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    if (read_errno)
        return fk_error_set(err, FK_EENV, path, 0, NULL, "%s", strerror(read_errno));
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return FK_OK;
}

void fk_key128(char tag, const char *a, const char *b, uint64_t *k1, uint64_t *k2)
{
    uint64_t h1 = 1469598103934665603ULL ^ (unsigned char)tag, h2 = 0x9E3779B97F4A7C15ULL;
    const char *parts[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h1 = (h1 ^ *p) * 1099511628211ULL;
            h2 = (h2 ^ *p) * 0x100000001B3ULL + 0x2545F4914F6CDD1DULL;
        }
        h1 = (h1 ^ 0x1f) * 1099511628211ULL;
        h2 = (h2 ^ 0x1f) * 0x100000001B3ULL;
    }
    *k1 = h1 | 1;
    *k2 = h2;
}
