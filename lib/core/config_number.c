/* SPDX-License-Identifier: MIT */
/* config_number.c -- the [numbering] format: invoice numbers from it, recognising them, and
 * the checks a format and prefix pass at load.
 *
 * Invoice numbers name the PDFs and are the series' identity in the database, so a format
 * must give short numbers of file-name-safe characters, and no number of one series may be
 * a number of another (config_numbering_ambiguous). The format's literal text may also
 * hold '/' (FV/{year}/{seq:06}, the Polish habit): the file is named with '_' for it
 * (FV_2026_000001.pdf). The prefix may not hold '/', so a number's '/' are exactly the
 * format's, at fixed places, and two numbers of one format never share a file name.
 */
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/payref.h"
#include "core/util.h"

/* Invoice numbers name files, so only characters safe in a file name on every system. */
static bool safe_number_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

/* The format's literal text may hold '/' too (see above). */
static bool safe_literal_char(char c)
{
    return safe_number_char(c) || c == '/';
}

static bool safe_number_text(const char *s)
{
    for (; *s; s++)
        if (!safe_number_char(*s))
            return false;
    return true;
}

/* The number format, parsed: literal text (safe characters), {prefix}, {year}, {seq} or
 * {seq:0N} (N 1-12; {seq} exactly once). Every piece expands to at least one character and
 * an accepted format to at most NUMBER_MAX, so MAX_PIECES always suffices. */
enum { P_LIT, P_PREFIX, P_YEAR, P_SEQ };
#define NUMBER_MAX 64   /* longest invoice number (the pipeline's buffers hold 127) */
#define SEQ_DIGITS 19   /* digits of the largest sequence number (INT64_MAX) */
#define MAX_PIECES (NUMBER_MAX + 1)

typedef struct piece {
    int kind;
    const char *s; /* P_LIT: the text in the format string, n bytes */
    size_t n;
    int width;     /* P_SEQ: minimum digits */
} piece;

typedef struct format {
    piece p[MAX_PIECES];
    size_t n;
} format;

static bool add_piece(format *f, int k, const char *s, size_t n, int width, const char **why)
{
    if (f->n == MAX_PIECES) {
        *why = "too many parts (an invoice number has at most 64 characters)";
        return false;
    }
    f->p[f->n++] = (piece){k, s, n, width};
    return true;
}

static bool parse_format(const char *fmt, format *f, const char **why)
{
    int nseq = 0;
    const char *p = fmt;

    f->n = 0;
    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) {
                *why = "an unclosed '{'";
                return false;
            }
            size_t n = (size_t)(close - p - 1);
            bool ok;
            if (n == 6 && !strncmp(p + 1, "prefix", 6)) {
                ok = add_piece(f, P_PREFIX, NULL, 0, 0, why);
            } else if (n == 4 && !strncmp(p + 1, "year", 4)) {
                ok = add_piece(f, P_YEAR, NULL, 0, 0, why);
            } else if (n >= 3 && !strncmp(p + 1, "seq", 3)) {
                int width = 1;
                if (n > 3) {
                    /* {seq:0N}: N is one or two digits, 1 to 12 */
                    bool digits = n >= 6 && n <= 7 && p[6] >= '0' && p[6] <= '9' &&
                                  (n == 6 || (p[7] >= '0' && p[7] <= '9'));
                    if (p[4] != ':' || p[5] != '0' || !digits) {
                        *why = "{seq} takes a width like {seq:06}";
                        return false;
                    }
                    width = n == 6 ? p[6] - '0' : (p[6] - '0') * 10 + (p[7] - '0');
                    if (width < 1 || width > 12) {
                        *why = "the {seq} width must be 1 to 12";
                        return false;
                    }
                }
                nseq++;
                ok = add_piece(f, P_SEQ, NULL, 0, width, why);
            } else {
                *why = "an unknown placeholder (use {prefix}, {year}, {seq:06})";
                return false;
            }
            if (!ok)
                return false;
            p = close + 1;
        } else {
            const char *q = p;
            while (*q && *q != '{')
                q++;
            for (const char *c = p; c < q; c++) {
                if (!safe_literal_char(*c)) {
                    *why = "characters other than letters, digits, '-', '_', '.' and '/'";
                    return false;
                }
            }
            if (!add_piece(f, P_LIT, p, (size_t)(q - p), 0, why))
                return false;
            p = q;
        }
    }
    if (nseq != 1) {
        *why = nseq == 0 ? "no {seq} placeholder (it must appear exactly once)"
                         : "more than one {seq} placeholder (it must appear exactly once)";
        return false;
    }
    return true;
}

/* The longest number the format can give with this prefix (any year, any sequence). */
static size_t format_max_len(const format *f, const char *prefix)
{
    size_t len = 0;
    for (size_t i = 0; i < f->n; i++) {
        const piece *pc = &f->p[i];
        len += pc->kind == P_LIT      ? pc->n
               : pc->kind == P_PREFIX ? strlen(prefix)
               : pc->kind == P_YEAR   ? 4
               : (size_t)(pc->width > SEQ_DIGITS ? pc->width : SEQ_DIGITS);
    }
    return len;
}

void fk_config_number(const fk_config *cfg, int year, int64_t seq, char *buf, size_t bufsz,
                      char *key, size_t keysz)
{
    fk_buf num = FK_BUF_INIT, k = FK_BUF_INIT;
    format f;
    const char *why = NULL;

    if (parse_format(cfg->number_format, &f, &why)) { /* validated at load */
        for (size_t i = 0; i < f.n; i++) {
            const piece *pc = &f.p[i];
            switch (pc->kind) {
            case P_LIT:
                fk_buf_append(&num, pc->s, pc->n);
                fk_buf_append(&k, pc->s, pc->n);
                break;
            case P_PREFIX:
                fk_buf_puts(&num, cfg->number_prefix);
                fk_buf_puts(&k, cfg->number_prefix);
                break;
            case P_YEAR:
                fk_buf_printf(&num, "%04d", year);
                fk_buf_printf(&k, "%04d", year);
                break;
            case P_SEQ:
                fk_buf_printf(&num, "%0*lld", pc->width, (long long)seq);
                fk_buf_puts(&k, "{seq}");
                break;
            }
        }
    }
    snprintf(buf, bufsz, "%s", fk_buf_cstr(&num));
    snprintf(key, keysz, "%s", fk_buf_cstr(&k));
    fk_buf_free(&num);
    fk_buf_free(&k);
}

static size_t count_digits(const char *p)
{
    size_t n = 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    return n;
}

/* Does `s` match pieces [i, f->n) exactly? Only the canonical form fk_config_number writes
 * matches: {year} is 4 digits; {seq} has exactly its width (not all zeros), or more digits
 * without a leading zero. {seq} is the one piece of variable length, so when digits follow
 * it ({seq}{year}) each possible split is tried: recursion depth <= MAX_PIECES. */
static bool literal_at(const char *s, const piece *pc, bool file)
{
    for (size_t k = 0; k < pc->n; k++) {
        char want = file && pc->s[k] == '/' ? '_' : pc->s[k];
        if (s[k] != want)
            return false;
    }
    return true;
}

/* file: s is a file stem, where the format's '/' are '_'. */
static bool match_from(const fk_config *cfg, const format *f, size_t i, const char *s,
                       bool file)
{
    if (i == f->n)
        return *s == '\0';
    const piece *pc = &f->p[i];
    size_t n;
    switch (pc->kind) {
    case P_LIT:
        return literal_at(s, pc, file) && match_from(cfg, f, i + 1, s + pc->n, file);
    case P_PREFIX:
        n = strlen(cfg->number_prefix);
        return strncmp(s, cfg->number_prefix, n) == 0 && match_from(cfg, f, i + 1, s + n, file);
    case P_YEAR:
        return count_digits(s) >= 4 && match_from(cfg, f, i + 1, s + 4, file);
    default: {
        size_t w = (size_t)pc->width, avail = count_digits(s);
        if (avail > SEQ_DIGITS)
            avail = SEQ_DIGITS;
        for (n = avail; n >= w && n > 0; n--) {
            bool canonical = n == w ? strspn(s, "0") < n : s[0] != '0';
            if (canonical && match_from(cfg, f, i + 1, s + n, file))
                return true;
        }
        return false;
    }
    }
}

bool fk_config_number_matches(const fk_config *cfg, const char *stem)
{
    format f;
    const char *why = NULL;
    return parse_format(cfg->number_format, &f, &why) && match_from(cfg, &f, 0, stem, false);
}

void fk_config_number_file(const char *number, char *buf, size_t bufsz)
{
    size_t i = 0;
    if (!bufsz)
        return;
    for (; number[i] && i + 1 < bufsz; i++)
        buf[i] = number[i] == '/' ? '_' : number[i];
    buf[i] = '\0';
}

bool fk_config_number_from_file(const fk_config *cfg, const char *stem, char *number, size_t n)
{
    format f;
    const char *why = NULL;
    size_t at = 0, len = strlen(stem);

    if (len >= n || !parse_format(cfg->number_format, &f, &why) ||
        !match_from(cfg, &f, 0, stem, true))
        return false;
    /* The stem matched: the format's literal '/' are where its literals are; only the
     * {seq} piece varies in length, and the prefix and year have fixed lengths, so walk
     * the pieces again measuring {seq} as what is left over. */
    memcpy(number, stem, len + 1);
    size_t fixed = 0;
    for (size_t i = 0; i < f.n; i++)
        fixed += f.p[i].kind == P_LIT      ? f.p[i].n
                 : f.p[i].kind == P_PREFIX ? strlen(cfg->number_prefix)
                 : f.p[i].kind == P_YEAR   ? 4
                                           : 0;
    for (size_t i = 0; i < f.n; i++) {
        const piece *pc = &f.p[i];
        if (pc->kind == P_LIT) {
            for (size_t k = 0; k < pc->n; k++)
                if (pc->s[k] == '/')
                    number[at + k] = '/';
            at += pc->n;
        } else {
            at += pc->kind == P_PREFIX ? strlen(cfg->number_prefix)
                  : pc->kind == P_YEAR ? 4
                                       : len - fixed;
        }
    }
    return true;
}


static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Does the text of piece i begin (first = true) or end with a digit, for any value? A
 * {prefix} piece is judged by the prefix itself; {year} and {seq} are all digits. */
static bool piece_digit_edge(const format *f, size_t i, const char *prefix, bool first)
{
    const piece *pc = &f->p[i];
    switch (pc->kind) {
    case P_LIT:
        return is_digit(first ? pc->s[0] : pc->s[pc->n - 1]);
    case P_PREFIX:
        return *prefix && is_digit(first ? prefix[0] : prefix[strlen(prefix) - 1]);
    default:
        return true;
    }
}

/* Can two series (another prefix, another year) write the same number? Only where a run of
 * digits crosses the prefix's edge: with "{prefix}{seq}", prefix A1 and number 1 give
 * "A11", as prefix A and number 11 do. {year} and {seq} are digits of a width the number
 * does not tell, so a prefix must not end in a digit right before them (or a literal
 * digit), nor begin with one right after them. Returns why, or NULL when unambiguous. */
static const char *numbering_ambiguous(const format *f, const char *prefix)
{
    for (size_t i = 0; i < f->n; i++) {
        if (f->p[i].kind != P_PREFIX)
            continue;
        if (i + 1 < f->n && piece_digit_edge(f, i + 1, prefix, true) &&
            piece_digit_edge(f, i, prefix, false))
            return "ends in a digit right before digits of the number: another prefix could "
                   "write the same numbers (A1 and 1 give A11, as A and 11 do); end it with a "
                   "letter or put a separator such as '-' after {prefix}";
        if (i > 0 && piece_digit_edge(f, i - 1, prefix, false) &&
            piece_digit_edge(f, i, prefix, true))
            return "begins with a digit right after digits of the number: another prefix could "
                   "write the same numbers; begin it with a letter or put a separator such as "
                   "'-' before {prefix}";
    }
    return NULL;
}

/* Letters and digits (rf) or digits (kid) of the longest number a payment reference is
 * made from: a sequence counted with at least 9 digits (a billion invoices a year). */
static size_t payref_body_max(const format *f, const char *prefix, fk_payref_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const piece *pc = &f->p[i];
        if (pc->kind == P_LIT) {
            char lit[NUMBER_MAX + 1];
            snprintf(lit, sizeof(lit), "%.*s", (int)pc->n, pc->s);
            n += fk_payref_body_len(k, lit);
        } else if (pc->kind == P_PREFIX) {
            n += fk_payref_body_len(k, prefix);
        } else {
            n += pc->kind == P_YEAR ? 4 : (size_t)(pc->width > 9 ? pc->width : 9);
        }
    }
    return n;
}

fk_status fk_config__check_numbering(const fk_config *cfg, unsigned long format_line,
                                     unsigned long prefix_line, fk_error *err)
{
    const char *path = cfg->path, *why = NULL;
    char shown[80], shown2[80];
    format fmt;

    if (!parse_format(cfg->number_format, &fmt, &why))
        return fk_error_set(err, FK_EUSAGE, path, format_line, "format",
                            "[numbering] format \"%s\" has %s",
                            fk_quote_value(cfg->number_format, shown, sizeof(shown)), why);
    if (!*cfg->number_prefix || !safe_number_text(cfg->number_prefix))
        return fk_error_set(err, FK_EUSAGE, path, prefix_line, "prefix",
                            "[numbering] prefix must be letters, digits, '-', '_' or '.'");
    if (format_max_len(&fmt, cfg->number_prefix) > NUMBER_MAX)
        return fk_error_set(err, FK_EUSAGE, path, format_line ? format_line : prefix_line,
                            "format",
                            "[numbering] format \"%s\" with prefix \"%s\" gives invoice numbers "
                            "of up to %zu characters; at most %d are allowed",
                            fk_quote_value(cfg->number_format, shown, sizeof(shown)),
                            fk_quote_value(cfg->number_prefix, shown2, sizeof(shown2)),
                            format_max_len(&fmt, cfg->number_prefix), NUMBER_MAX);
    if ((why = numbering_ambiguous(&fmt, cfg->number_prefix)) != NULL)
        return fk_error_set(err, FK_EUSAGE, path, prefix_line ? prefix_line : format_line,
                            "prefix", "[numbering] prefix \"%s\" in format \"%s\" %s",
                            fk_quote_value(cfg->number_prefix, shown2, sizeof(shown2)),
                            fk_quote_value(cfg->number_format, shown, sizeof(shown)), why);
    if (cfg->payref == FK_PAYREF_RF &&
        payref_body_max(&fmt, cfg->number_prefix, FK_PAYREF_RF) > FK_RF_MAX_BODY)
        return fk_error_set(err, FK_EUSAGE, path,
                            fk_config_line(cfg, "invoice", "payment_reference"),
                            "payment_reference",
                            "[numbering] format \"%s\" with prefix \"%s\" gives invoice "
                            "numbers of more than %d letters and digits, too many for an RF "
                            "payment reference: shorten the prefix, or set [invoice] "
                            "payment_reference = number",
                            fk_quote_value(cfg->number_format, shown, sizeof(shown)),
                            fk_quote_value(cfg->number_prefix, shown2, sizeof(shown2)),
                            FK_RF_MAX_BODY);
    if (cfg->payref == FK_PAYREF_KID &&
        payref_body_max(&fmt, cfg->number_prefix, FK_PAYREF_KID) + 1 > FK_KID_MAX_DIGITS)
        return fk_error_set(err, FK_EUSAGE, path,
                            fk_config_line(cfg, "invoice", "payment_reference"),
                            "payment_reference",
                            "[numbering] format \"%s\" gives invoice numbers of more than "
                            "%d digits, too many for a KID: set [invoice] payment_reference "
                            "= number or rf",
                            fk_quote_value(cfg->number_format, shown, sizeof(shown)),
                            FK_KID_MAX_DIGITS - 1);
    return FK_OK;
}
