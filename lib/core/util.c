/* SPDX-License-Identifier: MIT */
/* util.c -- text, time and hashing helpers (see util.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
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

const char *fk_quote_value(const char *s, char *buf, size_t bufsz)
{
    size_t o = 0, i = 0;

    if (bufsz < 8) {
        if (bufsz)
            buf[0] = '\0';
        return buf;
    }
    for (; s[i] && o + 4 < bufsz; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[o++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
    }
    fk_pan_mask_copy(s, buf, o); /* a card number is masked, even one the cut shortens */
    if (s[i]) {
        /* Cut on a UTF-8 boundary: drop continuation bytes of a cut character. */
        while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
            o--;
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

bool fk_time_parse(const char *s, int64_t *out)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, hh = 0, mm = 0, ss = 0;
    size_t n;

    if (!s)
        return false;
    n = strlen(s);
    if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 9999)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if ((unsigned)d > mdays[m - 1] + (m == 2 && leap))
        return false;
    s += 10;
    if (*s == 'T' || *s == ' ') {
        s++;
        if (!digits(s, 2, &hh) || s[2] != ':' || !digits(s + 3, 2, &mm))
            return false;
        s += 5;
        if (*s == ':') {
            if (!digits(s + 1, 2, &ss))
                return false;
            s += 3;
        }
        if (hh > 23 || mm > 59 || ss > 59)
            return false;
    }
    if (*s == 'Z')
        s++;
    if (*s)
        return false;
    *out = fk_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + hh * 3600 + mm * 60 + ss;
    return true;
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

bool fk_sha256_file(const char *path, char out[65], uint64_t *size)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
    unsigned int mdlen = 0;
    FILE *fp = fopen(path, "rb");
    EVP_MD_CTX *ctx;
    size_t n;
    bool ok;

    *size = 0;
    if (!fp)
        return false;
    ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
        EVP_DigestUpdate(ctx, buf, n);
        *size += n;
    }
    ok = !ferror(fp);
    fclose(fp);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
    return ok;
}
