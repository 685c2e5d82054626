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
};
#undef S

static char *reader(char *str, int num, void *stream)
{
    parse_state *st = stream;
    char *r = fgets(str, num, st->fp);
    if (r)
        st->line++;
    return r;
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
static bool safe_number_text(const char *s)
{
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* Walk the number format: literal text (safe characters), {prefix}, {year}, {seq} or
 * {seq:0N} (N 1-12) exactly once. Calls emit for each piece when given. */
typedef void (*emit_fn)(void *ctx, int kind, const char *s, size_t n, int width);
enum { P_LIT, P_PREFIX, P_YEAR, P_SEQ };

static bool walk_format(const char *fmt, emit_fn emit, void *ctx, const char **why)
{
    int nseq = 0;
    const char *p = fmt;

    while (*p) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) {
                *why = "an unclosed '{'";
                return false;
            }
            size_t n = (size_t)(close - p - 1);
            if (n == 6 && !strncmp(p + 1, "prefix", 6)) {
                if (emit) emit(ctx, P_PREFIX, NULL, 0, 0);
            } else if (n == 4 && !strncmp(p + 1, "year", 4)) {
                if (emit) emit(ctx, P_YEAR, NULL, 0, 0);
            } else if (n >= 3 && !strncmp(p + 1, "seq", 3)) {
                int width = 1;
                if (n > 3) {
                    if (p[4] != ':' || p[5] != '0' || n < 6 || n > 7) {
                        *why = "{seq} takes a width like {seq:06}";
                        return false;
                    }
                    width = atoi(p + 6);
                    if (width < 1 || width > 12) {
                        *why = "the {seq} width must be 1 to 12";
                        return false;
                    }
                }
                nseq++;
                if (emit) emit(ctx, P_SEQ, NULL, 0, width);
            } else {
                *why = "an unknown placeholder (use {prefix}, {year}, {seq:06})";
                return false;
            }
            p = close + 1;
        } else {
            const char *q = p;
            while (*q && *q != '{')
                q++;
            char *lit = fk_xstrndup(p, (size_t)(q - p));
            bool ok = safe_number_text(lit);
            if (ok && emit) emit(ctx, P_LIT, p, (size_t)(q - p), 0);
            free(lit);
            if (!ok) {
                *why = "characters other than letters, digits, '-', '_' and '.'";
                return false;
            }
            p = q;
        }
    }
    if (nseq != 1) {
        *why = "no {seq} placeholder (it must appear exactly once)";
        return false;
    }
    return true;
}

typedef struct number_ctx {
    const fk_config *cfg;
    int year;
    int64_t seq;
    fk_buf num, key;
} number_ctx;

static void emit_number(void *vctx, int k, const char *s, size_t n, int width)
{
    number_ctx *c = vctx;
    switch (k) {
    case P_LIT:
        fk_buf_append(&c->num, s, n);
        fk_buf_append(&c->key, s, n);
        break;
    case P_PREFIX:
        fk_buf_puts(&c->num, c->cfg->number_prefix);
        fk_buf_puts(&c->key, c->cfg->number_prefix);
        break;
    case P_YEAR:
        fk_buf_printf(&c->num, "%04d", c->year);
        fk_buf_printf(&c->key, "%04d", c->year);
        break;
    case P_SEQ:
        fk_buf_printf(&c->num, "%0*lld", width, (long long)c->seq);
        fk_buf_puts(&c->key, "{seq}");
        break;
    }
}

void fk_config_number(const fk_config *cfg, int year, int64_t seq, char *buf, size_t bufsz,
                      char *key, size_t keysz)
{
    number_ctx c = {cfg, year, seq, FK_BUF_INIT, FK_BUF_INIT};
    const char *why = NULL;
    walk_format(cfg->number_format, emit_number, &c, &why); /* validated at load */
    snprintf(buf, bufsz, "%s", fk_buf_cstr(&c.num));
    snprintf(key, keysz, "%s", fk_buf_cstr(&c.key));
    fk_buf_free(&c.num);
    fk_buf_free(&c.key);
}

typedef struct match_ctx {
    const fk_config *cfg;
    const char *p; /* the rest of the stem to match */
    bool ok;
} match_ctx;

static void emit_match(void *vctx, int k, const char *s, size_t n, int width)
{
    match_ctx *c = vctx;
    size_t digits = 0;
    if (!c->ok)
        return;
    switch (k) {
    case P_LIT:
        c->ok = strncmp(c->p, s, n) == 0;
        c->p += c->ok ? n : 0;
        break;
    case P_PREFIX:
        n = strlen(c->cfg->number_prefix);
        c->ok = strncmp(c->p, c->cfg->number_prefix, n) == 0;
        c->p += c->ok ? n : 0;
        break;
    case P_YEAR:
    case P_SEQ:
        while (c->p[digits] >= '0' && c->p[digits] <= '9' && (k == P_SEQ || digits < 4))
            digits++;
        c->ok = k == P_YEAR ? digits == 4 : digits >= (size_t)width;
        c->p += digits;
        break;
    }
}

bool fk_config_number_matches(const fk_config *cfg, const char *stem)
{
    match_ctx c = {cfg, stem, true};
    const char *why = NULL;
    return walk_format(cfg->number_format, emit_match, &c, &why) && c.ok && *c.p == '\0';
}

fk_status fk_config_load(fk_config **out, const char *path, fk_log_fn warn, void *payload,
                         fk_error *err)
{
    fk_config *cfg = fk_xcalloc(1, sizeof(*cfg));
    parse_state st = {cfg, NULL, 0, warn, payload, err, false};
    const char *why = NULL;
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
    if (st.failed)
        goto fail;
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
    if (!walk_format(cfg->number_format, NULL, NULL, &why)) {
        fk_error_set(err, FK_EUSAGE, path, 0, "format", "[numbering] format \"%s\" has %s",
                     cfg->number_format, why);
        goto fail;
    }
    if (!*cfg->number_prefix || !safe_number_text(cfg->number_prefix)) {
        fk_error_set(err, FK_EUSAGE, path, 0, "prefix",
                     "[numbering] prefix must be letters, digits, '-', '_' or '.'");
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
