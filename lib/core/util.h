/* SPDX-License-Identifier: MIT */
/* util.h -- small string, text, time and hash helpers shared by every stage. */
#ifndef FK_UTIL_H
#define FK_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faktura/common.h"

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF)? */
bool fk_utf8_valid(const char *s, size_t n);
/* Does s contain a control character (C0 except none, DEL, or C1 U+0080..U+009F)? */
bool fk_has_control(const char *s);
/* Text faktura never shows as it is: C0 controls, DEL, C1 controls (U+0080..U+009F), the
 * line and paragraph separators U+2028 and U+2029, the bidirectional embeddings,
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069: they reorder what is
 * displayed), the noncharacters U+FFFE and U+FFFF (XML 1.0 forbids them) and every byte
 * that is not part of valid UTF-8. Such a character could forge a line in a log, send an
 * escape sequence to a terminal, disguise a value or make an XML report ill-formed.
 *
 * fk_text_safe replaces each of them by one '?', in place (s only shrinks), and returns
 * s. keep_ws keeps TAB, LF and CR, which a report cell may hold as they are (CSV quotes
 * them, XML and HTML escape them); a message or a terminal line keeps none. The CLI reaches
 * it as fk_text_printable (faktura/common.h). */
char *fk_text_safe(char *s, bool keep_ws);
/* Would fk_text_safe leave s as it is? */
bool fk_text_is_safe(const char *s, bool keep_ws);
/* Copy `s` for a message: card numbers are masked (core/pan.h), every character
 * fk_text_safe replaces becomes '?'; cut to bufsz - 4 bytes (on a character boundary) with
 * "..." appended. The one helper for every message that quotes input (SECURITY.md).
 * Returns buf. */
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

/* Parse an ISO 8601 date or date-time as orders, shops and people write them:
 * "YYYY-MM-DD", or "YYYY-MM-DD" + "T" or " " + "HH:MM[:SS[.fraction]]", optionally followed
 * (with or without one space) by a UTC offset "Z", "+HH:MM", "+HHMM" or "+HH" (or "-"):
 * "2026-11-18T09:12:44+01:00", "2026-11-18 09:12:44 +0100". Impossible dates fail.
 * *local gets the wall-clock time as written, as seconds since the epoch read as if it were
 * UTC (so fk_format_date(*local) is the date as written); *offset (may be NULL) the offset
 * in seconds east of UTC (0 when none); *has_offset (may be NULL) whether one was given.
 * The instant in UTC is *local - *offset (what the public fk_time_parse returns). */
bool fk_time_parse_ex(const char *s, int64_t *local, int32_t *offset, bool *has_offset);

/* Time zones (IANA names from the system's tz database, /usr/share/zoneinfo or $TZDIR).
 * fk_zone_check: is `zone` a name faktura accepts ("UTC", or a file of the database
 * that starts like one: letters, digits, '/', '_', '-', '+', no ".." or leading '/')?
 * why gets the reason when not. fk_zone_offset: the UTC offset (seconds east) of zone at
 * instant t. It asks the C library (TZ set for the call, tzset, localtime_r, TZ restored),
 * which is not safe while other threads use local time: call it once per batch, before
 * any thread starts, never per order. false when the zone cannot be read (*offset 0). */
bool fk_zone_check(const char *zone, const char **why);
bool fk_zone_offset(const char *zone, int64_t t, int32_t *offset);

/* SHA-256 of data as 64 lower-case hex digits + NUL. */
void fk_sha256_hex(const void *data, size_t n, char out[65]);
/* SHA-256 and size of a file. FK_EENV when it cannot be opened or read: err->file is the
 * path, err->message the reason (strerror's words). */
fk_status fk_sha256_file(const char *path, char out[65], uint64_t *size, fk_error *err);

/* 128 bits of hash over a type tag and two strings (two different FNV-1a variants), for
 * the keymaps' keys: a false match needs both 64-bit halves to collide. */
void fk_key128(char tag, const char *a, const char *b, uint64_t *k1, uint64_t *k2);
#endif
