/* SPDX-License-Identifier: MIT */
/* util.h -- small string, text, time and hash helpers shared by every stage. */
#ifndef FK_UTIL_H
#define FK_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)? */
bool fk_utf8_valid(const char *s, size_t n);
/* Does s contain a control character (C0 except none, DEL, or C1 U+0080..U+009F)? */
bool fk_has_control(const char *s);
/* Copy `s` for a message: control characters become '?', card numbers are masked
 * (core/pan.h), cut at `max` bytes (on a UTF-8 boundary) with "..." appended. Returns buf. */
const char *fk_quote_value(const char *s, char *buf, size_t bufsz);
/* Trim ASCII spaces/tabs at both ends, in place; returns s. */
char *fk_trim(char *s);
/* The same for s[0, *len) without moving it: cuts the end (writes a NUL at the new end,
 * which may be s[*len]), returns the first kept byte and sets *len to the kept length. */
char *fk_trim_n(char *s, size_t *len);
void fk_ascii_lower(char *s);
void fk_ascii_upper(char *s);

/* Civil date <-> days since 1970-01-01 (proleptic Gregorian). */
int64_t fk_days_from_civil(int64_t y, unsigned m, unsigned d);
void fk_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* "YYYY-MM-DD" of the UTC day containing t. buf >= 11 bytes. */
void fk_format_date(int64_t t, char *buf, size_t bufsz);
/* "YYYY-MM-DDTHH:MM:SSZ". buf >= 21 bytes. */
void fk_format_datetime(int64_t t, char *buf, size_t bufsz);

/* SHA-256 of data as 64 lower-case hex digits + NUL. */
void fk_sha256_hex(const void *data, size_t n, char out[65]);
/* SHA-256 and size of a file; false (errno set) if it cannot be read. */
bool fk_sha256_file(const char *path, char out[65], uint64_t *size);
#endif
