/* SPDX-License-Identifier: MIT */
/* mapping.c -- the [input], [columns] and [values.FIELD] sections of the config and of a
 * profile, merged into one fk_input_cfg (see mapping.h for the language).
 *
 * Why two layers: a profile describes a shop's export once (shipped as a file in
 * share/profiles/, in the same language a user writes); a shop differs in a few things (its
 * own gateway names, a tax class file, its time zone), which its config says on top. So
 * every setting, column and value rule of the config wins over the profile's, one by one.
 *
 * Why [input] keys are errors when unknown (the config only warns elsewhere): a misspelt
 * prices_include_vat or skip_status would silently change what is invoiced.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <ini.h>
#include "core/buf.h"
#include "core/datadir.h"
#include "core/mapping.h"
#include "core/money.h"
#include "core/util.h"

#define MAX_LIST 64
#define MAX_TOLERANCE 100000000 /* 10,000.0000 major units */

typedef struct layer {
    char *path;               /* the file the layer came from ("" when none) */
    char *dir;                /* its directory, for the relative paths it names */
    char *profile;            /* [input] profile (the config's layer only) */
    int rows_first, prices_include_vat, strip_apostrophe, zero_vat, by_name; /* -1: unset */
    char **skip, **paid;
    size_t nskip, npaid;
    bool skip_set, paid_set;
    int64_t total_tol, vat_tol;
    bool total_set, vat_set;
    char *tax_classes, *timezone, *encoding;
    fk_rate_default defaults[FK_MAX_DEFAULT_RATES];
    size_t ndefaults;
    fk_map_expr *cols[FK_COL_COUNT];
    bool col_set[FK_COL_COUNT];
    fk_value_rule *vals[FK_COL_COUNT];
    size_t nvals[FK_COL_COUNT];
} layer;

struct fk_mapping {
    layer own, prof;
    bool have_prof;
    char *encoding_override;  /* --input-encoding */
    char *default_zone;       /* [invoice] timezone */
    fk_input_cfg in;          /* resolved */
    fk_value_rule *merged[FK_COL_COUNT]; /* the resolved value rules (own after profile) */
};

static const char *const BUILTIN[] = {"faktura", "shopify", "woocommerce"};

/* ---- small helpers ---------------------------------------------------------------------- */

size_t fk_edit_distance(const char *a, const char *b, bool fold)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 200 || lb > 200)
        return la > lb ? la : lb;
    size_t row[201];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            char x = a[i - 1], y = b[j - 1];
            if (fold) {
                x = (char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
                y = (char)(y >= 'A' && y <= 'Z' ? y + 32 : y);
                x = x == '_' || x == '-' ? ' ' : x;
                y = y == '_' || y == '-' ? ' ' : y;
            }
            size_t best = diag + (x != y);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = row[j];
            row[j] = best;
        }
    }
    return row[lb];
}

const char *fk_closest(const char *want, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = SIZE_MAX, len = strlen(want);
    /* Close enough to be a typo: a third of the name, at least two edits. */
    size_t limit = len / 3 > 2 ? len / 3 : 2;

    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || !*cands[i])
            continue;
        size_t d = fk_edit_distance(want, cands[i], true);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}

static char *dir_of(const char *path)
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

static void layer_init(layer *l)
{
    memset(l, 0, sizeof(*l));
    l->rows_first = l->prices_include_vat = l->strip_apostrophe = l->zero_vat = -1;
    l->by_name = -1;
    l->path = fk_xstrdup("");
    l->dir = fk_xstrdup("");
}

static void layer_free(layer *l)
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

fk_mapping *fk_mapping_new(void)
{
    fk_mapping *m = fk_xcalloc(1, sizeof(*m));
    layer_init(&m->own);
    layer_init(&m->prof);
    return m;
}

static void free_resolved(fk_mapping *m)
{
    for (int c = 0; c < FK_COL_COUNT; c++) {
        free(m->merged[c]);
        m->merged[c] = NULL;
    }
    for (size_t i = 0; i < m->in.nclasses; i++)
        free(m->in.classes[i].sku);
    free(m->in.classes);
    fk_zone_free(m->in.zone);
    memset(&m->in, 0, sizeof(m->in));
}

void fk_mapping_free(fk_mapping *m)
{
    if (!m)
        return;
    free_resolved(m);
    layer_free(&m->own);
    layer_free(&m->prof);
    free(m->encoding_override);
    free(m->default_zone);
    free(m);
}

bool fk_mapping_section(const char *section)
{
    return !strcmp(section, "input") || !strcmp(section, "columns") ||
           !strncmp(section, "values.", 7);
}

/* ---- parsing one setting ---------------------------------------------------------------- */

typedef struct ctx {
    const char *file;
    unsigned long line;
    fk_error *err;
} ctx;

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
    if (!strncmp(name, "default_vat_rate.", 17)) {
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
    const char *near = fk_closest(name, KEYS_INPUT, sizeof(KEYS_INPUT) / sizeof(KEYS_INPUT[0]));
    return bad(c, name, "[input] has no setting %s%s%s%s", name, near ? " (did you mean " : "",
               near ? near : "", near ? "?)" : "");
}

static fk_status layer_set(layer *l, const ctx *c, const char *section, const char *name,
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

fk_status fk_mapping_set(fk_mapping *m, const char *file, unsigned long line,
                         const char *section, const char *name, const char *value,
                         fk_error *err)
{
    ctx c = {file, line, err};
    if (!m->own.path[0] && file) {
        free(m->own.path);
        free(m->own.dir);
        m->own.path = fk_xstrdup(file);
        m->own.dir = dir_of(file);
    }
    return layer_set(&m->own, &c, section, name, value);
}

/* ---- profiles --------------------------------------------------------------------------- */

/* A built-in profile is a data file, found where the fonts are (core/datadir.h: the
 * installed share/faktura, the build tree's build/share/faktura, or FAKTURA_DATADIR). */
char *fk_profile_file(const char *name)
{
    char rel[96];

    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return NULL;
    if (!*name || strlen(name) > 64)
        return NULL;
    snprintf(rel, sizeof(rel), "profiles/%s.ini", name);
    char *path = fk_datadir_file(rel);
    if (access(path, R_OK) == 0)
        return path;
    free(path);
    return NULL;
}

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
    if (layer_set(p->l, &c, section, name, value) != FK_OK) {
        p->failed = true;
        return 0;
    }
    return 1;
}

static fk_status load_profile_file(layer *l, const char *path, const char *shown,
                                   fk_error *err)
{
    prof_parse p = {.l = l, .err = err};
    /* l is an initialised, empty layer (fk_mapping_use_profile) */
    free(l->path);
    free(l->dir);
    l->path = fk_xstrdup(shown);
    l->dir = dir_of(path);
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

fk_status fk_mapping_use_profile(fk_mapping *m, const char *spec, const char *base_dir,
                                 fk_error *err)
{
    size_t n = strlen(spec);
    bool is_file = strchr(spec, '/') || (n > 4 && !strcmp(spec + n - 4, ".ini"));
    char *path;
    fk_status st;

    layer_free(&m->prof);
    layer_init(&m->prof);
    m->have_prof = false;
    if (!*spec)
        return FK_OK;
    if (is_file) {
        if (spec[0] != '/' && base_dir && *base_dir) {
            size_t len = strlen(base_dir) + n + 1;
            path = fk_xmalloc(len);
            snprintf(path, len, "%s%s", base_dir, spec);
        } else {
            path = fk_xstrdup(spec);
        }
        st = load_profile_file(&m->prof, path, path, err);
    } else {
        path = fk_profile_file(spec);
        if (!path) {
            const char *near = fk_closest(spec, BUILTIN, sizeof(BUILTIN) / sizeof(BUILTIN[0]));
            char b[64];
            free(path);
            return fk_error_set(err, FK_EUSAGE, NULL, 0, "profile",
                                "there is no built-in profile \"%s\" (faktura, shopify, "
                                "woocommerce%s%s%s; a file is named with its path, e.g. "
                                "./myshop.ini)", fk_quote_value(spec, b, sizeof(b)),
                                near ? "; did you mean " : "", near ? near : "",
                                near ? "?" : "");
        }
        st = load_profile_file(&m->prof, path, path, err);
    }
    free(path);
    if (st != FK_OK) {
        layer_free(&m->prof);
        layer_init(&m->prof);
        return st;
    }
    free(m->prof.profile);
    m->prof.profile = fk_xstrdup(spec);
    m->have_prof = true;
    return FK_OK;
}

const char *fk_mapping_profile_named(const fk_mapping *m)
{
    return m->own.profile ? m->own.profile : "";
}

fk_status fk_mapping_set_encoding(fk_mapping *m, const char *encoding, fk_error *err)
{
    char b[64];
    if (!fk_encoding_canonical(encoding))
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "input-encoding",
                            "\"%s\" is not an encoding faktura reads (UTF-8, UTF-16, UTF-16LE, "
                            "UTF-16BE, Windows-1250, Windows-1252, ISO-8859-1, ISO-8859-2, "
                            "ISO-8859-15)", fk_quote_value(encoding, b, sizeof(b)));
    free(m->encoding_override);
    m->encoding_override = fk_xstrdup(encoding);
    return FK_OK;
}

void fk_mapping_default_timezone(fk_mapping *m, const char *zone)
{
    free(m->default_zone);
    m->default_zone = zone && *zone && strcmp(zone, "UTC") ? fk_xstrdup(zone) : NULL;
}

/* ---- the merge -------------------------------------------------------------------------- */

#define PICK(field) (m->own.field >= 0 ? m->own.field : m->prof.field)

fk_status fk_mapping_resolve(fk_mapping *m, const char *config_path, fk_error *err)
{
    fk_input_cfg *in = &m->in;
    const layer *o = &m->own, *p = &m->prof;
    const char *where = config_path ? config_path : "";
    const char *why = NULL;

    free_resolved(m);
    snprintf(in->profile, sizeof(in->profile), "%s", m->have_prof ? p->profile : "faktura");
    int by_name = PICK(by_name);
    in->by_name = by_name < 0 ? true : by_name == 1;
    in->rows_first = PICK(rows_first) == 1;
    in->prices_include_vat = PICK(prices_include_vat) == 1;
    in->strip_apostrophe = PICK(strip_apostrophe) == 1;
    in->zero_vat_if_untaxed = PICK(zero_vat) == 1;
    in->skip_status = o->skip_set ? o->skip : p->skip;
    in->nskip = o->skip_set ? o->nskip : p->nskip;
    in->paid_status = o->paid_set ? o->paid : p->paid;
    in->npaid = o->paid_set ? o->npaid : p->npaid;
    in->total_tolerance = o->total_set ? o->total_tol : p->total_set ? p->total_tol : 0;
    /* Unset (-1): one minor unit per VAT rate of the invoice (docs/input.md: a shop that
     * rounds per line differs by that much from VAT taken per rate). */
    in->vat_tolerance = o->vat_set ? o->vat_tol : p->vat_set ? p->vat_tol : -1;
    in->tax_classes_path = o->tax_classes ? o->tax_classes : p->tax_classes;
    in->timezone = o->timezone ? o->timezone : p->timezone ? p->timezone : m->default_zone;
    in->encoding = m->encoding_override ? m->encoding_override
                   : o->encoding        ? o->encoding
                                        : p->encoding;
    /* per country: the config's entries over the profile's */
    for (size_t i = 0; i < p->ndefaults; i++)
        in->defaults[in->ndefaults++] = p->defaults[i];
    for (size_t i = 0; i < o->ndefaults; i++) {
        size_t k;
        for (k = 0; k < in->ndefaults && strcmp(in->defaults[k].country, o->defaults[i].country);
             k++)
            ;
        if (k == in->ndefaults) {
            if (in->ndefaults == FK_MAX_DEFAULT_RATES)
                continue;
            in->ndefaults++;
        }
        in->defaults[k] = o->defaults[i];
    }
    bool any = false;
    for (int c = 0; c < FK_COL_COUNT; c++) {
        in->expr[c] = o->col_set[c] ? o->cols[c] : p->col_set[c] ? p->cols[c] : NULL;
        any |= in->expr[c] != NULL;
        /* value rules: the profile's, each replaced or added to by the config's */
        size_t n = 0;
        fk_value_rule *r = fk_xcalloc(p->nvals[c] + o->nvals[c] + 1, sizeof(*r));
        for (size_t i = 0; i < p->nvals[c]; i++)
            r[n++] = p->vals[c][i];
        for (size_t i = 0; i < o->nvals[c]; i++) {
            size_t k;
            for (k = 0; k < n && strcmp(r[k].from, o->vals[c][i].from); k++)
                ;
            r[k] = o->vals[c][i];
            if (k == n)
                n++;
        }
        m->merged[c] = r;
        in->values[c] = r;
        in->nvalues[c] = n;
        any |= n > 0;
    }
    in->mapped = any || in->strip_apostrophe || !in->by_name;

    /* What cannot go together (docs/input.md, "Amounts from shop exports"). */
    const char *cfgfile = m->have_prof ? p->path : where;
    if (in->prices_include_vat && (in->expr[FK_COL_LINE_VAT] || in->expr[FK_COL_SHIPPING_VAT] ||
                                   in->expr[FK_COL_FEE_VAT]))
        return fk_error_set(err, FK_EUSAGE, cfgfile, 0, "prices_include_vat",
                            "[input] prices_include_vat = true with line_vat, shipping_vat or "
                            "fee_vat mapped: gross prices have their VAT inside; map the tax "
                            "columns only with net prices (prices_include_vat = false)");
    if (in->expr[FK_COL_LINE_VAT] &&
        (in->expr[FK_COL_ORDER_DISCOUNT] || in->expr[FK_COL_DISCOUNT_TOTAL]))
        return fk_error_set(err, FK_EUSAGE, cfgfile, 0, "line_vat",
                            "[columns] line_vat with order_discount or discount_total: an "
                            "export with the tax per line has its discounts inside the line "
                            "totals (line_total); leave the discount unmapped");
    if (in->timezone) {
        in->zone = fk_zone_load(in->timezone, &why);
        if (!in->zone)
            return fk_error_set(err, FK_EUSAGE, o->timezone || !p->timezone ? where : p->path, 0,
                                "timezone",
                                "[input] timezone \"%s\" %s", in->timezone, why);
    }
    return FK_OK;
}

fk_input_cfg *fk_mapping_input(fk_mapping *m)
{
    return &m->in;
}

/* ---- lookups ---------------------------------------------------------------------------- */

const char *fk_encoding_canonical(const char *name)
{
    static const struct {
        const char *alias, *iconv;
    } names[] = {
        {"utf8", "UTF-8"},          {"utf16", "UTF-16"},       {"utf16le", "UTF-16LE"},
        {"utf16be", "UTF-16BE"},    {"windows1250", "WINDOWS-1250"},
        {"cp1250", "WINDOWS-1250"}, {"windows1252", "WINDOWS-1252"},
        {"cp1252", "WINDOWS-1252"}, {"iso88591", "ISO-8859-1"}, {"latin1", "ISO-8859-1"},
        {"iso88592", "ISO-8859-2"}, {"latin2", "ISO-8859-2"}, {"iso885915", "ISO-8859-15"},
        {"latin9", "ISO-8859-15"},
    };
    char norm[32];
    size_t k = 0;

    if (!name)
        return NULL;
    for (const char *p = name; *p; p++) {
        if (*p == '-' || *p == '_' || *p == ' ')
            continue;
        if (k + 1 >= sizeof(norm))
            return NULL;
        norm[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    }
    norm[k] = '\0';
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(norm, names[i].alias))
            return names[i].iconv;
    return NULL;
}

int fk_rates_in_text(const char *s, int32_t *rate)
{
    int32_t found[8];
    int n = 0;

    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || (p > s && ((p[-1] >= '0' && p[-1] <= '9') ||
                                               p[-1] == '.' || p[-1] == ',')))
            continue;
        /* digits [.,digits] [space] % */
        int64_t whole = 0, frac = 0;
        int fd = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9' && whole < 1000)
            whole = whole * 10 + (*q++ - '0');
        if ((*q == '.' || *q == ',') && q[1] >= '0' && q[1] <= '9') {
            q++;
            while (*q >= '0' && *q <= '9') {
                if (fd < 2)
                    frac = frac * 10 + (*q - '0');
                fd++;
                q++;
            }
        }
        if (*q == ' ')
            q++;
        if (*q != '%' || fd > 2 || whole > 100)
            continue;
        int32_t r = (int32_t)(whole * 100 + (fd == 1 ? frac * 10 : frac));
        if (r > 10000)
            continue;
        bool dup = false;
        for (int i = 0; i < n; i++)
            dup |= found[i] == r;
        if (!dup && n < 8)
            found[n++] = r;
    }
    if (n > 0)
        *rate = found[0];
    return n;
}

static int cmp_class(const void *a, const void *b)
{
    return strcmp(((const fk_tax_class *)a)->sku, ((const fk_tax_class *)b)->sku);
}

size_t fk_input_set_classes(fk_input_cfg *in, fk_tax_class *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_class);
    in->classes = v;
    in->nclasses = n;
    for (size_t i = 1; i < n; i++)
        if (!strcmp(v[i - 1].sku, v[i].sku))
            return i;
    return SIZE_MAX;
}

const fk_tax_class *fk_input_tax_class(const fk_input_cfg *in, const char *sku)
{
    fk_tax_class key = {(char *)sku, 0, "", 0};
    if (!in || !in->nclasses || !sku || !*sku)
        return NULL;
    return bsearch(&key, in->classes, in->nclasses, sizeof(key), cmp_class);
}

const char *fk_input_map_value(const fk_input_cfg *in, fk_column field, const char *v,
                               const char **rule)
{
    const fk_value_rule *other = NULL;
    if (rule)
        *rule = NULL;
    if (!in || field < 0 || field >= FK_COL_COUNT)
        return v;
    for (size_t i = 0; i < in->nvalues[field]; i++) {
        const fk_value_rule *r = &in->values[field][i];
        if (!strcmp(r->from, "(other)")) {
            other = r;
            continue;
        }
        if ((!strcmp(r->from, "(empty)") && !*v) || !strcmp(r->from, v)) {
            if (rule)
                *rule = r->from;
            return r->to;
        }
    }
    if (other && *v) {
        if (rule)
            *rule = other->from;
        return other->to;
    }
    return v;
}
