/* SPDX-License-Identifier: MIT */
/* mapping_layer.c -- one layer of a mapping (mapping.c has the design): the settings of
 * one file, the config's or a profile's. Its life, the parsing of one setting of [input],
 * [columns] or [values.FIELD] into it, and the reading of a profile file into it.
 *
 * Why [input] keys are errors when unknown (the config only warns elsewhere): a misspelt
 * prices_include_vat or skip_status would silently change what is invoiced.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ini.h>
#include "core/buf.h"
#include "core/mapping_impl.h"
#include "core/money.h"
#include "core/util.h"

#define MAX_LIST 64
#define MAX_TOLERANCE 100000000 /* 10,000.0000 major units */

/* ---- a layer's life ------------------------------------------------------------------- */

char *fk_mapping__dir_of(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash)
        return fk_xstrdup("");
    return fk_xstrndup(path, (size_t)(slash - path) + 1);
}

/* A path as named in a file: relative to that file's directory. */
static char *path_in(const layer *l, const char *p)
{
    if (p[0] == '/' || !l->dir || !l->dir[0])
        return fk_xstrdup(p);
    size_t n = strlen(l->dir) + strlen(p) + 1;
    char *out = fk_xmalloc(n);
    snprintf(out, n, "%s%s", l->dir, p);
    return out;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void free_expr(fk_map_expr *e)
{
    if (!e)
        return;
    for (size_t a = 0; a < e->nalts; a++) {
        fk_map_alt *alt = &e->alts[a];
        for (size_t r = 0; r < alt->nrefs; r++) {
            free(alt->refs[r].header);
            free(alt->refs[r].key);
        }
        for (size_t r = 0; alt->lits && r <= alt->nrefs; r++)
            free(alt->lits[r]);
        free(alt->refs);
        free(alt->lits);
    }
    free(e->alts);
    free(e->text);
    free(e);
}

void fk_mapping__layer_init(layer *l)
{
    memset(l, 0, sizeof(*l));
    l->rows_first = l->prices_include_vat = l->strip_apostrophe = l->zero_vat = -1;
    l->by_name = -1;
    l->path = fk_xstrdup("");
    l->dir = fk_xstrdup("");
}

void fk_mapping__layer_free(layer *l)
{
    free(l->path);
    free(l->dir);
    free(l->profile);
    free_list(l->skip, l->nskip);
    free_list(l->paid, l->npaid);
    free(l->tax_classes);
    free(l->timezone);
    free(l->encoding);
    for (int c = 0; c < FK_COL_COUNT; c++) {
        free_expr(l->cols[c]);
        for (size_t i = 0; i < l->nvals[c]; i++) {
            free(l->vals[c][i].from);
            free(l->vals[c][i].to);
        }
        free(l->vals[c]);
    }
    memset(l, 0, sizeof(*l));
}

/* ---- parsing one setting ---------------------------------------------------------------- */

static fk_status bad(const ctx *c, const char *key, const char *fmt, ...) FK_PRINTF(3, 4);
static fk_status bad(const ctx *c, const char *key, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    fk_error_set(c->err, FK_EUSAGE, c->file, c->line, key, "%s", fk_buf_cstr(&m));
    fk_buf_free(&m);
    return FK_EUSAGE;
}

static int parse_bool(const char *v)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1"))
        return 1;
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0"))
        return 0;
    return -1;
}

static char **parse_list(const char *v, size_t *n)
{
    char **out = NULL;
    char *copy = fk_xstrdup(v), *save = NULL;
    *n = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        t = fk_trim(t);
        if (!*t || *n >= MAX_LIST)
            continue;
        out = fk_xrealloc(out, (*n + 1) * sizeof(*out));
        out[(*n)++] = fk_xstrdup(t);
    }
    free(copy);
    return out;
}

/* One reference "Header" or "Header[key]" (trimmed). */
static void parse_ref(fk_map_ref *r, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    r->header = fk_xstrndup(s, n);
    r->key = NULL;
    if (n > 2 && s[n - 1] == ']') {
        const char *open = memchr(s, '[', n);
        if (open && open > s && open + 1 < s + n - 1) {
            const char *k = open + 1;
            r->key = fk_xstrndup(k, (size_t)(s + n - 1 - k));
            fk_trim(r->key);
            free(r->header);
            r->header = fk_xstrndup(s, (size_t)(open - s));
            fk_trim(r->header);
        }
    }
}

static const char *const KEYS_INPUT[] = {
    "profile", "order_rows", "prices_include_vat", "skip_status", "paid_status",
    "total_tolerance", "vat_tolerance", "tax_classes", "default_vat_rate.CC",
    "zero_vat_if_untaxed", "timezone", "encoding", "strip_apostrophe", "by_name",
};

static const char *field_names[FK_COL_COUNT];

static void init_field_names(void)
{
    for (int c = 0; c < FK_COL_COUNT; c++)
        field_names[c] = fk_column_name((fk_column)c);
}

static fk_status parse_expr(const ctx *c, const char *name, const char *v, fk_map_expr **out)
{
    fk_map_expr *e = fk_xcalloc(1, sizeof(*e));
    const char *p = v;

    *out = NULL;
    e->text = fk_xstrdup(v);
    e->file = c->file;
    e->line = c->line;
    for (;;) {
        /* the next "||" outside braces ends this alternative */
        const char *end = p;
        int depth = 0;
        while (*end && !(depth == 0 && end[0] == '|' && end[1] == '|')) {
            if (*end == '{')
                depth++;
            else if (*end == '}')
                depth--;
            end++;
        }
        e->alts = fk_xrealloc(e->alts, (e->nalts + 1) * sizeof(*e->alts));
        fk_map_alt *a = &e->alts[e->nalts++];
        memset(a, 0, sizeof(*a));
        const char *brace = memchr(p, '{', (size_t)(end - p));
        if (!brace) {
            a->refs = fk_xcalloc(1, sizeof(*a->refs));
            a->nrefs = 1;
            parse_ref(&a->refs[0], p, (size_t)(end - p));
            if (!a->refs[0].header[0]) {
                free_expr(e);
                return bad(c, name, "[columns] %s = %s: an empty alternative around '||'",
                           name, v);
            }
        } else {
            a->is_template = true;
            const char *q = p;
            fk_buf lit = FK_BUF_INIT;
            while (q < end) {
                if (*q == '}') {
                    fk_buf_free(&lit);
                    free_expr(e);
                    return bad(c, name, "[columns] %s = %s: a '}' without its '{'", name, v);
                }
                if (*q != '{') {
                    fk_buf_putc(&lit, *q++);
                    continue;
                }
                const char *close = memchr(q, '}', (size_t)(end - q));
                const char *inner = memchr(q + 1, '{', close ? (size_t)(close - q - 1) : 0);
                if (!close || inner || close == q + 1) {
                    fk_buf_free(&lit);
                    free_expr(e);
                    return bad(c, name, "[columns] %s = %s: write a placeholder as {Header}",
                               name, v);
                }
                a->refs = fk_xrealloc(a->refs, (a->nrefs + 1) * sizeof(*a->refs));
                a->lits = fk_xrealloc(a->lits, (a->nrefs + 2) * sizeof(*a->lits));
                a->lits[a->nrefs] = fk_buf_take(&lit);
                if (!a->lits[a->nrefs])
                    a->lits[a->nrefs] = fk_xstrdup("");
                parse_ref(&a->refs[a->nrefs], q + 1, (size_t)(close - q - 1));
                a->nrefs++;
                q = close + 1;
            }
            a->lits[a->nrefs] = fk_buf_take(&lit);
            if (!a->lits[a->nrefs])
                a->lits[a->nrefs] = fk_xstrdup("");
            /* the text before the first and after the last placeholder is kept with them;
             * leading and trailing blanks of the whole alternative are not meant as text */
            fk_trim(a->lits[0]);
            fk_trim(a->lits[a->nrefs]);
        }
        if (!*end)
            break;
        p = end + 2;
    }
    *out = e;
    return FK_OK;
}

/* [input] default_vat_rate.CC: the rate for a country, set again or added. */
static fk_status set_default_rate(layer *l, const ctx *c, const char *name, const char *v)
{
    char b[64];
    const char *cc = name + 17;
    int64_t r;

    if (strlen(cc) != 2 || !((cc[0] | 32) >= 'a' && (cc[0] | 32) <= 'z') ||
        !((cc[1] | 32) >= 'a' && (cc[1] | 32) <= 'z'))
        return bad(c, name, "[input] %s: write default_vat_rate.CC with a two-letter "
                   "country code (default_vat_rate.DE = 19)", name);
    if (fk_decimal_parse(v, '.', 2, &r) != FK_DEC_OK || r < 0 || r > 10000)
        return bad(c, name, "[input] %s must be a VAT rate from 0 to 100 with at most 2 "
                   "decimals, not \"%s\"", name, fk_quote_value(v, b, sizeof(b)));
    char up[3] = {(char)(cc[0] & ~32), (char)(cc[1] & ~32), 0};
    for (size_t i = 0; i < l->ndefaults; i++)
        if (!strcmp(l->defaults[i].country, up)) {
            l->defaults[i].vat_centi = (int32_t)r;
            return FK_OK;
        }
    if (l->ndefaults == FK_MAX_DEFAULT_RATES)
        return bad(c, name, "[input] at most %d default_vat_rate entries",
                   FK_MAX_DEFAULT_RATES);
    memcpy(l->defaults[l->ndefaults].country, up, 3);
    l->defaults[l->ndefaults++].vat_centi = (int32_t)r;
    return FK_OK;
}

static fk_status set_input(layer *l, const ctx *c, const char *name, const char *v)
{
    char b[64];
    int flag;
    int64_t amount;

    if (!strcmp(name, "profile")) {
        if (l == NULL)
            return FK_OK;
        free(l->profile);
        l->profile = fk_xstrdup(v);
        return FK_OK;
    }
    if (!strcmp(name, "order_rows")) {
        if (strcmp(v, "every") && strcmp(v, "first"))
            return bad(c, name, "[input] order_rows must be every or first, not \"%s\"",
                       fk_quote_value(v, b, sizeof(b)));
        l->rows_first = !strcmp(v, "first");
        return FK_OK;
    }
    int *flags[] = {&l->prices_include_vat, &l->zero_vat, &l->strip_apostrophe, &l->by_name};
    const char *flag_names[] = {"prices_include_vat", "zero_vat_if_untaxed", "strip_apostrophe",
                                "by_name"};
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(name, flag_names[i])) {
            if ((flag = parse_bool(v)) < 0)
                return bad(c, name, "[input] %s must be true or false, not \"%s\"", name,
                           fk_quote_value(v, b, sizeof(b)));
            *flags[i] = flag;
            return FK_OK;
        }
    if (!strcmp(name, "skip_status") || !strcmp(name, "paid_status")) {
        bool skip = name[0] == 's';
        char ***list = skip ? &l->skip : &l->paid;
        size_t *n = skip ? &l->nskip : &l->npaid;
        free_list(*list, *n);
        *list = parse_list(v, n);
        *(skip ? &l->skip_set : &l->paid_set) = true;
        return FK_OK;
    }
    if (!strcmp(name, "total_tolerance") || !strcmp(name, "vat_tolerance")) {
        if (fk_decimal_parse(v, '.', 4, &amount) != FK_DEC_OK || amount < 0 ||
            amount > MAX_TOLERANCE)
            return bad(c, name, "[input] %s must be an amount from 0 (e.g. 0.00 or 0.01), "
                       "not \"%s\"", name, fk_quote_value(v, b, sizeof(b)));
        if (name[0] == 't') {
            l->total_tol = amount;
            l->total_set = true;
        } else {
            l->vat_tol = amount;
            l->vat_set = true;
        }
        return FK_OK;
    }
    if (!strcmp(name, "tax_classes") || !strcmp(name, "timezone") || !strcmp(name, "encoding")) {
        char **dst = name[0] == 't' ? (name[1] == 'a' ? &l->tax_classes : &l->timezone)
                                    : &l->encoding;
        free(*dst);
        *dst = NULL;
        if (!*v)
            return FK_OK;
        if (dst == &l->encoding && !fk_encoding_canonical(v))
            return bad(c, name, "[input] encoding \"%s\" is not one faktura reads (UTF-8, "
                       "UTF-16, UTF-16LE, UTF-16BE, Windows-1250, Windows-1252, ISO-8859-1, "
                       "ISO-8859-2, ISO-8859-15)", fk_quote_value(v, b, sizeof(b)));
        *dst = dst == &l->tax_classes ? path_in(l, v) : fk_xstrdup(v);
        return FK_OK;
    }
    if (!strncmp(name, "default_vat_rate.", 17))
        return set_default_rate(l, c, name, v);
    const char *near = fk_closest(name, KEYS_INPUT, sizeof(KEYS_INPUT) / sizeof(KEYS_INPUT[0]));
    return bad(c, name, "[input] has no setting %s%s%s%s", name, near ? " (did you mean " : "",
               near ? near : "", near ? "?)" : "");
}

fk_status fk_mapping__layer_set(layer *l, const ctx *c, const char *section, const char *name,
                                const char *value)
{
    char b[64];

    if (!fk_utf8_valid(value, strlen(value)) || fk_has_control(value) ||
        !fk_utf8_valid(name, strlen(name)) || fk_has_control(name))
        return bad(c, name, "[%s] %s must be UTF-8 text without control characters", section,
                   fk_quote_value(name, b, sizeof(b)));
    if (!field_names[0])
        init_field_names();
    if (!strcmp(section, "input"))
        return set_input(l, c, name, value);
    if (!strcmp(section, "columns")) {
        int col = fk_column_lookup(name);
        if (col < 0) {
            const char *near = fk_closest(name, field_names, FK_COL_COUNT);
            return bad(c, name, "[columns] %s is not a faktura field%s%s%s (docs/input.md lists "
                       "them)", fk_quote_value(name, b, sizeof(b)),
                       near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
        }
        free_expr(l->cols[col]);
        l->cols[col] = NULL;
        l->col_set[col] = true;
        if (!*value)
            return FK_OK; /* not mapped */
        return parse_expr(c, name, value, &l->cols[col]);
    }
    /* [values.FIELD] */
    const char *field = section + 7;
    int col = fk_column_lookup(field);
    if (col < 0) {
        const char *near = fk_closest(field, field_names, FK_COL_COUNT);
        return bad(c, name, "[%s]: %s is not a faktura field%s%s%s", section,
                   fk_quote_value(field, b, sizeof(b)), near ? "; did you mean " : "",
                   near ? near : "", near ? "?" : "");
    }
    for (size_t i = 0; i < l->nvals[col]; i++)
        if (!strcmp(l->vals[col][i].from, name)) {
            free(l->vals[col][i].to);
            l->vals[col][i].to = fk_xstrdup(value);
            return FK_OK;
        }
    l->vals[col] = fk_xrealloc(l->vals[col], (l->nvals[col] + 1) * sizeof(*l->vals[col]));
    l->vals[col][l->nvals[col]++] = (fk_value_rule){fk_xstrdup(name), fk_xstrdup(value)};
    return FK_OK;
}

/* ---- a profile file ----------------------------------------------------------------------- */

typedef struct prof_parse {
    layer *l;
    fk_error *err;
    FILE *fp;
    unsigned long line;
    char *linebuf;
    size_t linecap;
    bool failed;
    char **seen;
    size_t nseen;
} prof_parse;

static char *prof_reader(char *str, int num, void *stream)
{
    prof_parse *p = stream;
    ssize_t n = getline(&p->linebuf, &p->linecap, p->fp);
    if (n < 0 || num < 2)
        return NULL;
    p->line++;
    if (memchr(p->linebuf, '\0', (size_t)n) || n >= num) {
        fk_error_set(p->err, FK_EUSAGE, p->l->path, p->line, NULL,
                     "the line is too long or holds a NUL byte");
        p->failed = true;
        return NULL;
    }
    memcpy(str, p->linebuf, (size_t)n + 1);
    return str;
}

static int prof_handler(void *user, const char *section, const char *name, const char *value)
{
    prof_parse *p = user;
    ctx c = {p->l->path, p->line, p->err};
    char key[600];

    if (p->failed)
        return 0;
    if (!fk_mapping_section(section)) {
        bad(&c, name, "a profile holds only [input], [columns] and [values.FIELD] sections, "
            "not [%s]", section);
        p->failed = true;
        return 0;
    }
    if (!strcmp(section, "input") && !strcmp(name, "profile")) {
        bad(&c, name, "[input] profile: a profile cannot name another profile");
        p->failed = true;
        return 0;
    }
    snprintf(key, sizeof(key), "%s\x1f%s", section, name);
    for (size_t i = 0; i < p->nseen; i++)
        if (!strcmp(p->seen[i], key)) {
            bad(&c, name, "[%s] %s is given twice", section, name);
            p->failed = true;
            return 0;
        }
    p->seen = fk_xrealloc(p->seen, (p->nseen + 1) * sizeof(*p->seen));
    p->seen[p->nseen++] = fk_xstrdup(key);
    if (fk_mapping__layer_set(p->l, &c, section, name, value) != FK_OK) {
        p->failed = true;
        return 0;
    }
    return 1;
}

fk_status fk_mapping__load_profile(layer *l, const char *path, const char *shown,
                                  fk_error *err)
{
    prof_parse p = {.l = l, .err = err};
    /* l is an initialised, empty layer (fk_mapping_use_profile) */
    free(l->path);
    free(l->dir);
    l->path = fk_xstrdup(shown);
    l->dir = fk_mapping__dir_of(path);
    p.fp = fopen(path, "r");
    if (!p.fp)
        return fk_error_set(err, FK_EUSAGE, shown, 0, "profile",
                            "cannot open the profile: %s", strerror(errno));
    int rc = ini_parse_stream(prof_reader, &p, prof_handler, &p);
    fclose(p.fp);
    free(p.linebuf);
    free_list(p.seen, p.nseen);
    if (p.failed)
        return err && err->status ? err->status : FK_EUSAGE;
    if (rc != 0)
        return fk_error_set(err, FK_EUSAGE, shown, rc > 0 ? (unsigned long)rc : 0, NULL,
                            "syntax error in the profile (expected [section] or key = value)");
    return FK_OK;
}
