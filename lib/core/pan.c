/* SPDX-License-Identifier: MIT */
/* pan.c -- the card-number scanner (see pan.h).
 *
 * How: the text is walked once from left to right. A group is a maximal sequence of ASCII
 * digits; two groups are joined when at most three separators lie between them. From each
 * group on, windows of joined whole groups are tried while they hold at most 19 digits; the
 * longest one with 13 or more digits that passes the brand and Luhn checks is a card-like
 * run, and the search goes on after it. A valid IBAN is stepped over whole, before any of
 * its digits could start a window.
 *
 * Why windows of whole groups: a number is typed in groups, and what follows it is often
 * more digits ("4111 1111 1111 1111 12/27", "... 123" for the security code); windows that
 * could start or end inside a group would find a Luhn-valid 13-19 digit stretch in about
 * every long reference number, so they are not tried. A number glued to other digits
 * ("41111111111111111227") stays unfound: it cannot be told from a reference number.
 */
#include "core/pan.h"

#include <stdint.h>
#include <string.h>
#include "core/card.h"
#include "core/checksum.h"

#define PAN_MIN 13
#define PAN_MAX 19
#define MAX_SEPS 3      /* separators allowed between two groups of one run */
#define IBAN_MIN 15
#define IBAN_MAX 34

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
static char upper(char c) { return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c; }

/* The length of the space or dash at s[i] (UTF-8 sequences included), 0 if none. */
static size_t sep_len(const char *s, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = n - i;
    if (*u == ' ' || *u == '\t' || *u == '-')
        return 1;
    if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0) /* no-break space */
        return 2;
    if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] == 0x89 || u[2] == 0xAF || (u[2] >= 0x90 && u[2] <= 0x95)))
        return 3; /* thin space, narrow no-break space, hyphens and dashes */
    if (left >= 3 && u[0] == 0xE2 && u[1] == 0x88 && u[2] == 0x92) /* minus sign */
        return 3;
    return 0;
}

/* An IBAN's separators: the spaces and dashes above, and '.'. */
static size_t iban_sep_len(const char *s, size_t n, size_t i)
{
    return s[i] == '.' ? 1 : sep_len(s, n, i);
}

/* Is there a valid IBAN from s[p] on (a token start)? *end: one past its last character.
 * Separators may follow its first four characters ("DE89 3704 0044 ..."), not come inside
 * them: "no 4111 1111 1111 1111" must not pass for an IBAN whenever its MOD 97 happens to
 * be 1. Each end at a group boundary is tried and the shortest valid one taken: the least
 * text is kept out of the scan. */
static bool iban_at(const char *s, size_t n, size_t p, size_t *end)
{
    int rhead = 0, rbban = 0;
    size_t len = 0, i = p;
    if (p > 0 && is_alnum(s[p - 1]))
        return false;
    while (len < IBAN_MAX) {
        size_t j = i;
        for (int k = 0; len >= 4 && k < 2 && j < n; k++) {
            size_t l = iban_sep_len(s, n, j);
            if (l == 0)
                break;
            j += l;
        }
        if (j >= n || !(len < 2 ? is_alpha(s[j]) : len < 4 ? is_digit(s[j]) : is_alnum(s[j])))
            return false;
        if (len < 4)
            rhead = fk_mod97_step(rhead, upper(s[j]));
        else
            rbban = fk_mod97_step(rbban, upper(s[j]));
        len++;
        i = j + 1;
        /* BBAN, then country and check digits: 6 decimal digits, 10^6 = 27 (mod 97) */
        if (len >= IBAN_MIN && (i >= n || !is_alnum(s[i])) && (rbban * 27 + rhead) % 97 == 1) {
            *end = i;
            return true;
        }
    }
    return false;
}

/* The separators after a group ending at i, up to the next group: its start, or 0. */
static size_t next_group(const char *s, size_t n, size_t i)
{
    for (int k = 0; k < MAX_SEPS && i < n; k++) {
        size_t l = sep_len(s, n, i);
        if (l == 0)
            break;
        i += l;
        if (i < n && is_digit(s[i]))
            return i;
    }
    return 0;
}

/* Is d[0, nd) (13-19 digits) a card number by brand, length and Luhn? */
static bool card_like(const char *d, size_t nd)
{
    if (nd < PAN_MIN || nd > PAN_MAX)
        return false;
    if (fk_card_brand(d, (int)nd, (int)nd) == NULL || fk_luhn_mod(d, nd) != 0)
        return false;
    return !(nd == 13 && fk_gtin_valid(d, nd)); /* an EAN-13 product code */
}

/* The longest card-like window of whole groups starting with the group at g. */
static bool window_at(const char *s, size_t n, size_t g, fk_pan_span *out)
{
    char d[PAN_MAX];
    size_t nd = 0, i = g;
    bool found = false;
    for (;;) {
        while (i < n && is_digit(s[i]) && nd < PAN_MAX)
            d[nd++] = s[i++];
        if (i < n && is_digit(s[i]))
            break; /* more than 19 digits */
        if (card_like(d, nd)) {
            out->start = g;
            out->end = i;
            found = true;
        }
        size_t next = next_group(s, n, i);
        if (next == 0)
            break;
        i = next;
    }
    fk_card_wipe(d, nd);
    if (found) {
        size_t k = out->end, seen = 0;
        while (seen < 4) {
            k--;
            if (is_digit(s[k]))
                seen++;
        }
        out->keep = k;
    }
    return found;
}

/* How many ASCII digits s[0, n) holds, counted until there are `enough`. Eight bytes at a
 * time, as every value of every order passes here: a byte b is a digit when t = b ^ 0x30
 * is below 10, that is when neither t nor (t & 0x7F) + 0x76 has bit 7 set (the sum stays
 * below 0x100, so nothing carries into the next byte). */
static size_t count_digits(const char *s, size_t n, size_t enough)
{
    const uint64_t zeros = 0x3030303030303030ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    const uint64_t ten_below = 0x7676767676767676ULL, high = 0x8080808080808080ULL;
    size_t count = 0, i = 0;
    for (; i + 8 <= n && count < enough; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t t = w ^ zeros;
        uint64_t digit = ~(((t & low7) + ten_below) | t) & high;
        count += (size_t)(((digit >> 7) * 0x0101010101010101ULL) >> 56); /* sum of bytes */
    }
    for (; i < n && count < enough; i++)
        count += is_digit(s[i]);
    return count;
}

bool fk_pan_find(const char *s, size_t n, size_t from, fk_pan_span *out)
{
    /* most values hold fewer than 13 digits in all: done after one quick pass */
    if (from >= n || count_digits(s + from, n - from, PAN_MIN) < PAN_MIN)
        return false;
    size_t i = from;
    while (i < n) {
        char c = s[i];
        size_t end;
        if (is_alpha(c) && iban_at(s, n, i, &end)) {
            i = end;
        } else if (is_digit(c)) {
            /* a group glued to a letter is part of a word or a code ("FI2112345600000785",
             * a mistyped IBAN), not where a card number starts */
            if ((i == 0 || !is_alpha(s[i - 1])) && window_at(s, n, i, out))
                return true;
            while (i < n && is_digit(s[i])) /* the next group */
                i++;
        } else {
            i++;
        }
    }
    return false;
}

bool fk_pan_present(const char *s, size_t n)
{
    fk_pan_span sp;
    return fk_pan_find(s, n, 0, &sp);
}

static void mask_span(char *dst, size_t len, const fk_pan_span *sp)
{
    for (size_t j = sp->start; j < sp->keep && j < len; j++)
        if (is_digit(dst[j]))
            dst[j] = '*';
}

/* One pass over s: mask the runs found, return how many. */
static size_t mask_pass(char *s, size_t n)
{
    fk_pan_span sp;
    size_t count = 0;
    for (size_t from = 0; fk_pan_find(s, n, from, &sp); from = sp.end) {
        mask_span(s, n, &sp);
        count++;
    }
    return count;
}

size_t fk_pan_mask(char *s, size_t n)
{
    /* Masking can make a new group start: the kept last four digits, or the rest of a
     * group the mask began in, no longer follow the masked digits. Joined with what comes
     * after, they may look like a card number of their own, so the passes go on until
     * none is found (each masks at least nine more digits): what is returned never holds
     * a card-like run. */
    size_t count = 0, c;
    while ((c = mask_pass(s, n)) > 0)
        count += c;
    return count;
}

void fk_pan_mask_copy(const char *src, char *dst, size_t len)
{
    fk_pan_span sp;
    size_t n = strlen(src);
    for (size_t from = 0; from < len && fk_pan_find(src, n, from, &sp) && sp.start < len;
         from = sp.end)
        mask_span(dst, len, &sp);
    fk_pan_mask(dst, len); /* what the cut or the mask made card-like */
}
