/* SPDX-License-Identifier: MIT */
/* mapping.c -- the [input], [columns] and [values.FIELD] sections of the config and of a
 * profile, merged into one fk_input_cfg (see mapping.h for the language).
 *
 * Why two layers: a profile describes a shop's export once (shipped as a file in
 * share/profiles/, in the same language a user writes); a shop differs in a few things (its
 * own gateway names, a tax class file, its time zone), which its config says on top. So
 * every setting, column and value rule of the config wins over the profile's, one by one.
 *
 * The files: mapping_layer.c reads one file's settings into a layer (and a profile file
 * into the profile's layer); this file holds the two layers, finds a profile and merges
 * them. mapping_impl.h holds what they share.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/buf.h"
#include "core/datadir.h"
#include "core/mapping_impl.h"
#include "core/util.h"

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

fk_mapping *fk_mapping_new(void)
{
    fk_mapping *m = fk_xcalloc(1, sizeof(*m));
    fk_mapping__layer_init(&m->own);
    fk_mapping__layer_init(&m->prof);
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
    fk_mapping__layer_free(&m->own);
    fk_mapping__layer_free(&m->prof);
    free(m->encoding_override);
    free(m->default_zone);
    free(m);
}

bool fk_mapping_section(const char *section)
{
    return !strcmp(section, "input") || !strcmp(section, "columns") ||
           !strncmp(section, "values.", 7);
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
        m->own.dir = fk_mapping__dir_of(file);
    }
    return fk_mapping__layer_set(&m->own, &c, section, name, value);
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

fk_status fk_mapping_use_profile(fk_mapping *m, const char *spec, const char *base_dir,
                                 fk_error *err)
{
    size_t n = strlen(spec);
    bool is_file = strchr(spec, '/') || (n > 4 && !strcmp(spec + n - 4, ".ini"));
    char *path;
    fk_status st;

    fk_mapping__layer_free(&m->prof);
    fk_mapping__layer_init(&m->prof);
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
        st = fk_mapping__load_profile(&m->prof, path, path, err);
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
        st = fk_mapping__load_profile(&m->prof, path, path, err);
    }
    free(path);
    if (st != FK_OK) {
        fk_mapping__layer_free(&m->prof);
        fk_mapping__layer_init(&m->prof);
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

/* The default VAT rates, per country: the config's entries over the profile's. */
static void merge_defaults(fk_input_cfg *in, const layer *o, const layer *p)
{
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
}

/* Each field's expression and value rules, the config's over the profile's. True when any
 * field has either. */
static bool merge_columns(fk_mapping *m)
{
    fk_input_cfg *in = &m->in;
    const layer *o = &m->own, *p = &m->prof;
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
    return any;
}

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
    merge_defaults(in, o, p);
    bool any = merge_columns(m);
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
