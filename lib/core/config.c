/* SPDX-License-Identifier: MIT */
/* config.c -- the INI config file, parsed with inih.
 *
 * Every setting has a default except the seller's details, which an invoice cannot do
 * without. Errors name the file, line and key; unknown keys are warned about (a typo in a
 * key would otherwise silently fall back to a default).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/util.h"

typedef struct parse_state {
    fk_config *cfg;
    FILE *fp;
    unsigned long line;
    fk_log_fn warn;
    void *payload;
    fk_error *err;
    bool failed;
    char *linebuf;          /* getline's buffer */
    size_t linecap;
    unsigned long bad_line; /* a line inih cannot take (too long, NUL byte): its number */
    const char *bad_why;
    int max_line;           /* inih's line buffer size */
    unsigned long format_line, prefix_line; /* where [numbering] was set, for its errors */
} parse_state;

typedef enum { T_STR, T_INT, T_BOOL } kind;
typedef struct setting {
    const char *section, *key;
    kind type;
    size_t offset;
} setting;

#define S(sec, k, t, member) {sec, k, t, offsetof(fk_config, member)}
static const setting settings[] = {
    S("seller", "name", T_STR, seller_name),
    S("seller", "street", T_STR, seller_street),
    S("seller", "postal_code", T_STR, seller_postal_code),
    S("seller", "city", T_STR, seller_city),
    S("seller", "country", T_STR, seller_country),
    S("seller", "vat_id", T_STR, seller_vat_id),
    S("seller", "iban", T_STR, seller_iban),
    S("seller", "bic", T_STR, seller_bic),
    S("seller", "email", T_STR, seller_email),
    S("numbering", "format", T_STR, number_format),
    S("numbering", "prefix", T_STR, number_prefix),
    S("invoice", "payment_terms_days", T_INT, payment_terms_days),
    S("invoice", "footer", T_STR, footer),
    S("invoice", "tax_id_required", T_BOOL, tax_id_required),
    S("render", "font", T_STR, font),
    S("render", "font_bold", T_STR, font_bold),
    S("render", "logo", T_STR, logo),
};
#undef S

/* inih's line reader. inih reads into a fixed buffer of `num` bytes and would parse the
 * rest of a longer line as a line of its own, and C strings end at a NUL byte; so whole
 * lines are read here, and a line that does not fit or holds a NUL stops the parse
 * (NULL is end of input for inih) with the line remembered for the error. */
static char *reader(char *str, int num, void *stream)
{
    parse_state *st = stream;
    ssize_t n = getline(&st->linebuf, &st->linecap, st->fp);

    if (n < 0 || num < 2)
        return NULL;
    st->line++;
    st->max_line = num;
    size_t len = (size_t)n;
    if (memchr(st->linebuf, '\0', len)) {
        st->bad_line = st->line;
        st->bad_why = "contains a NUL byte";
        return NULL;
    }
    if (len >= (size_t)num) {
        st->bad_line = st->line;
        st->bad_why = "is too long";
        return NULL;
    }
    memcpy(str, st->linebuf, len + 1);
    return str;
}

/* The generation rules' settings (parsed by detect/detect_rules.c, which validates them). */
static bool rule_setting(const char *section, const char *name)
{
    static const char *const per_currency[] = {"minimum_amount.", "maximum_amount.",
                                               "credit_limit."};
    static const char *const plain[] = {"invoices_per_customer_per_day", "holding_hours",
                                        "overdue_days", "duplicate_window_hours"};
    if (!strcmp(section, "disputes"))
        return !strcmp(name, "response_days");
    if (strcmp(section, "thresholds") != 0)
        return false;
    for (size_t i = 0; i < sizeof(per_currency) / sizeof(per_currency[0]); i++)
        if (!strncmp(name, per_currency[i], strlen(per_currency[i])))
            return true;
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
        if (!strcmp(name, plain[i]))
            return true;
    return false;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    char buf[300];

    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
        const setting *s = &settings[i];
        if (strcmp(s->section, section) != 0 || strcmp(s->key, name) != 0)
            continue;
        void *field = (char *)st->cfg + s->offset;
        if (!fk_utf8_valid(value, strlen(value)) || fk_has_control(value)) {
            fk_error_set(st->err, FK_EUSAGE, st->cfg->path, st->line, name,
                         "[%s] %s must be UTF-8 text without control characters", section,
                         name);
            st->failed = true;
            return 0;
        }
        if (field == &st->cfg->number_format)
            st->format_line = st->line;
        else if (field == &st->cfg->number_prefix)
            st->prefix_line = st->line;
        if (s->type == T_STR) {
            char **p = field;
            free(*p);
            *p = fk_xstrdup(value);
        } else if (s->type == T_INT) {
            char *end;
            long v = strtol(value, &end, 10);
            if (!*value || *end || v < 0 || v > 3650) {
                fk_error_set(st->err, FK_EUSAGE, st->cfg->path, st->line, name,
                             "[%s] %s must be a whole number of days (0-3650), not \"%s\"",
                             section, name, fk_quote_value(value, buf, sizeof(buf)));
                st->failed = true;
                return 0;
            }
            *(int *)field = (int)v;
        } else {
            if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1")) {
                *(bool *)field = true;
            } else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0")) {
                *(bool *)field = false;
            } else {
                fk_error_set(st->err, FK_EUSAGE, st->cfg->path, st->line, name,
                             "[%s] %s must be true or false, not \"%s\"", section, name,
                             fk_quote_value(value, buf, sizeof(buf)));
                st->failed = true;
                return 0;
            }
        }
        return 1;
    }
    /* [thresholds] and [disputes] are read by detect/detect_rules.c: known keys only. */
    if (rule_setting(section, name))
        return 1;
    if (st->warn) {
        fk_buf m = FK_BUF_INIT;
        fk_buf_printf(&m, "%s:%lu: unknown setting [%s] %s (ignored)", st->cfg->path, st->line,
                      section, name);
        st->warn(fk_buf_cstr(&m), st->payload);
        fk_buf_free(&m);
    }
    return 1;
}

/* Invoice numbers name files, so only characters safe in a file name on every system. */
static bool safe_number_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
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
                if (!safe_number_char(*c)) {
                    *why = "characters other than letters, digits, '-', '_' and '.'";
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
static bool match_from(const fk_config *cfg, const format *f, size_t i, const char *s)
{
    if (i == f->n)
        return *s == '\0';
    const piece *pc = &f->p[i];
    size_t n;
    switch (pc->kind) {
    case P_LIT:
        return strncmp(s, pc->s, pc->n) == 0 && match_from(cfg, f, i + 1, s + pc->n);
    case P_PREFIX:
        n = strlen(cfg->number_prefix);
        return strncmp(s, cfg->number_prefix, n) == 0 && match_from(cfg, f, i + 1, s + n);
    case P_YEAR:
        return count_digits(s) >= 4 && match_from(cfg, f, i + 1, s + 4);
    default: {
        size_t w = (size_t)pc->width, avail = count_digits(s);
        if (avail > SEQ_DIGITS)
            avail = SEQ_DIGITS;
        for (n = avail; n >= w && n > 0; n--) {
            bool canonical = n == w ? strspn(s, "0") < n : s[0] != '0';
            if (canonical && match_from(cfg, f, i + 1, s + n))
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
    return parse_format(cfg->number_format, &f, &why) && match_from(cfg, &f, 0, stem);
}

fk_status fk_config_load(fk_config **out, const char *path, fk_log_fn warn, void *payload,
                         fk_error *err)
{
    fk_config *cfg = fk_xcalloc(1, sizeof(*cfg));
    parse_state st = {.cfg = cfg, .warn = warn, .payload = payload, .err = err};
    const char *why = NULL;
    char shown[80], shown2[80];
    format fmt;
    int rc;

    *out = NULL;
    cfg->path = fk_xstrdup(path ? path : "(built-in defaults)");
    cfg->number_format = fk_xstrdup("{prefix}-{year}-{seq:06}");
    cfg->number_prefix = fk_xstrdup("INV");
    cfg->payment_terms_days = 14;
    cfg->tax_id_required = true;
    cfg->font = fk_xstrdup(FK_DEFAULT_FONT);
    cfg->font_bold = fk_xstrdup(FK_DEFAULT_FONT_BOLD);

    if (!path) {
        /* Defaults only, no seller: good for `validate`, refused by `run`. */
        *out = cfg;
        return FK_OK;
    }
    st.fp = fopen(path, "r");
    if (!st.fp) {
        fk_error_set(err, FK_EUSAGE, path, 0, NULL, "cannot open the config file: %s",
                     strerror(errno));
        goto fail;
    }
    rc = ini_parse_stream(reader, &st, handler, &st);
    fclose(st.fp);
    free(st.linebuf);
    if (st.failed)
        goto fail;
    if (st.bad_line) {
        fk_error_set(err, FK_EUSAGE, path, st.bad_line, NULL, "the line %s (at most %d bytes)",
                     st.bad_why, st.max_line - 2);
        goto fail;
    }
    if (rc != 0) {
        fk_error_set(err, FK_EUSAGE, path, rc > 0 ? (unsigned long)rc : 0, NULL,
                     "syntax error in the config file (expected [section] or key = value)");
        goto fail;
    }
    struct {
        char *value;
        const char *key;
    } required[] = {
        {cfg->seller_name, "name"},     {cfg->seller_street, "street"},
        {cfg->seller_postal_code, "postal_code"}, {cfg->seller_city, "city"},
        {cfg->seller_country, "country"}, {cfg->seller_vat_id, "vat_id"},
        {cfg->seller_iban, "iban"},
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (!required[i].value || !*fk_trim(required[i].value)) {
            fk_error_set(err, FK_EUSAGE, path, 0, required[i].key,
                         "[seller] %s is missing: an invoice must name its seller in full",
                         required[i].key);
            goto fail;
        }
    }
    if (!parse_format(cfg->number_format, &fmt, &why)) {
        fk_error_set(err, FK_EUSAGE, path, st.format_line, "format",
                     "[numbering] format \"%s\" has %s",
                     fk_quote_value(cfg->number_format, shown, sizeof(shown)), why);
        goto fail;
    }
    if (!*cfg->number_prefix || !safe_number_text(cfg->number_prefix)) {
        fk_error_set(err, FK_EUSAGE, path, st.prefix_line, "prefix",
                     "[numbering] prefix must be letters, digits, '-', '_' or '.'");
        goto fail;
    }
    if (format_max_len(&fmt, cfg->number_prefix) > NUMBER_MAX) {
        fk_error_set(err, FK_EUSAGE, path, st.format_line ? st.format_line : st.prefix_line,
                     "format",
                     "[numbering] format \"%s\" with prefix \"%s\" gives invoice numbers of up "
                     "to %zu characters; at most %d are allowed",
                     fk_quote_value(cfg->number_format, shown, sizeof(shown)),
                     fk_quote_value(cfg->number_prefix, shown2, sizeof(shown2)),
                     format_max_len(&fmt, cfg->number_prefix), NUMBER_MAX);
        goto fail;
    }
    *out = cfg;
    return FK_OK;
fail:
    fk_config_free(cfg);
    return err && err->status ? err->status : FK_EUSAGE;
}

void fk_config_free(fk_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        if (settings[i].type == T_STR)
            free(*(char **)((char *)cfg + settings[i].offset));
    free(cfg);
}
