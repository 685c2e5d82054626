/* SPDX-License-Identifier: MIT */
/* config.c -- the INI config file, parsed once with inih.
 *
 * Every setting has a default except the seller's details, which an invoice cannot do
 * without. One table (settings[]) lists every key of every section, the generation rules'
 * included: the parse and the unknown-key warning both read it. Errors name the file, line
 * and key; a key given twice is an error, in every section (a second value would otherwise
 * silently win or lose); unknown keys are warned about (a typo in a key would otherwise
 * silently fall back to a default).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/datadir.h"
#include "core/money.h"
#include "core/payref.h"
#include "core/util.h"

typedef struct parse_state {
    fk_config *cfg;
    FILE *fp;
    unsigned long line;
    fk_log_fn warn;
    void *payload;
    fk_error *err;
    bool failed;
    char *linebuf;          /* getline's buffer: the line inih is parsing */
    size_t linecap;
    unsigned long bad_line; /* a line inih cannot take (too long, NUL byte): its number */
    const char *bad_why;
    int max_line;           /* inih's line buffer size */
} parse_state;

typedef enum {
    T_STR,   /* text */
    T_DAYS,  /* a whole number of days, 0-3650 ([invoice]) */
    T_BOOL,  /* true/yes/1 or false/no/0 */
    T_INT,   /* a generation rule's whole number, lo-hi */
    T_LIMIT  /* "key.CUR = amount": one entry of a per-currency table (key ends in '.') */
} kind;

typedef struct setting {
    const char *section, *key;
    kind type;
    size_t offset;       /* of the field in fk_config */
    size_t count_offset; /* T_LIMIT: of the table's entry count */
    long lo, hi;         /* T_INT */
} setting;

#define S(sec, k, t, member) {sec, k, t, offsetof(fk_config, member), 0, 0, 0}
#define RULE(sec, k, member, lo, hi) {sec, k, T_INT, offsetof(fk_config, rules.member), 0, lo, hi}
#define LIMIT(k, member, count)                                                              \
    {"thresholds", k, T_LIMIT, offsetof(fk_config, rules.member),                           \
     offsetof(fk_config, rules.count), 0, 0}
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
    S("seller", "contact_name", T_STR, seller_contact_name),
    S("seller", "phone", T_STR, seller_phone),
    S("seller", "currency", T_STR, seller_currency),
    S("seller", "endpoint", T_STR, seller_endpoint),
    S("seller", "legal_id", T_STR, seller_legal_id),
    S("seller", "tax_registration", T_STR, seller_tax_registration),
    S("seller", "creditor_id", T_STR, seller_creditor_id),
    S("einvoice", "formats", T_STR, einvoice_formats),
    S("numbering", "format", T_STR, number_format),
    S("numbering", "prefix", T_STR, number_prefix),
    S("numbering", "credit_format", T_STR, credit_format),
    S("numbering", "credit_prefix", T_STR, credit_prefix),
    S("invoice", "payment_terms_days", T_DAYS, payment_terms_days),
    S("invoice", "footer", T_STR, footer),
    S("invoice", "tax_id_required", T_BOOL, tax_id_required),
    S("invoice", "supply_type", T_STR, supply_type),
    S("invoice", "payment_reference", T_STR, payment_reference),
    S("invoice", "timezone", T_STR, timezone),
    S("render", "font", T_STR, font),
    S("render", "font_bold", T_STR, font_bold),
    S("render", "logo", T_STR, logo),
    S("render", "qr", T_STR, qr),
    LIMIT("minimum_amount.", minimum, nminimum),
    LIMIT("maximum_amount.", maximum, nmaximum),
    LIMIT("credit_limit.", credit, ncredit),
    RULE("thresholds", "invoices_per_customer_per_day", invoices_per_day, 0, 1000000),
    RULE("thresholds", "holding_hours", holding_hours, 0, 24 * 365),
    RULE("thresholds", "overdue_days", overdue_days, 0, 3650),
    RULE("thresholds", "duplicate_window_hours", duplicate_window_hours, 0, 24 * 365),
    RULE("disputes", "response_days", dispute_response_days, 0, 3650),
};
#undef S
#undef RULE
#undef LIMIT
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

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

static const setting *find_setting(const char *section, const char *name)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        const setting *s = &settings[i];
        if (strcmp(s->section, section) != 0)
            continue;
        if (s->type == T_LIMIT ? strncmp(name, s->key, strlen(s->key)) == 0
                               : strcmp(name, s->key) == 0)
            return s;
    }
    return NULL;
}

unsigned long fk_config_line(const fk_config *cfg, const char *section, const char *key)
{
    for (size_t i = 0; cfg && i < cfg->nkeys; i++)
        if (!strcmp(cfg->keys[i].section, section) && !strcmp(cfg->keys[i].name, key))
            return cfg->keys[i].line;
    return 0;
}

static void remember_key(fk_config *cfg, const char *section, const char *name,
                         unsigned long line)
{
    if (cfg->nkeys == cfg->capkeys) {
        cfg->capkeys = cfg->capkeys ? 2 * cfg->capkeys : 32;
        cfg->keys = fk_xrealloc(cfg->keys, cfg->capkeys * sizeof(*cfg->keys));
    }
    cfg->keys[cfg->nkeys++] = (fk_config_key){fk_xstrdup(section), fk_xstrdup(name), line};
}

static int refuse(parse_state *st, const char *name, const char *fmt, ...) FK_PRINTF(3, 4);
static int refuse(parse_state *st, const char *name, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    fk_error_set(st->err, FK_EUSAGE, st->cfg->path, st->line, name, "%s", fk_buf_cstr(&m));
    fk_buf_free(&m);
    st->failed = true;
    return 0;
}

/* One entry of a per-currency table ("minimum_amount.EUR = 5.00"). */
static int set_limit(parse_state *st, const setting *s, const char *name, const char *value)
{
    fk_amount_limit *t = (fk_amount_limit *)((char *)st->cfg + s->offset);
    size_t *n = (size_t *)((char *)st->cfg + s->count_offset);
    char cur[8], b[64];
    int64_t amount;

    snprintf(cur, sizeof(cur), "%s", name + strlen(s->key));
    int exp = fk_currency_exponent(cur);
    if (exp < 0 || fk_decimal_parse(value, '.', exp, &amount) != FK_DEC_OK || amount < 0)
        return refuse(st, name,
                    "[thresholds] %s: \"%s\" is not an amount in an ISO 4217 currency (write "
                    "e.g. minimum_amount.EUR = 1.00)",
                    name, fk_quote_value(value, b, sizeof(b)));
    if (*n < FK_MAX_LIMITS) {
        memcpy(t[*n].currency, cur, 4);
        t[*n].amount = amount;
        (*n)++;
    }
    return 1;
}

static int set_value(parse_state *st, const setting *s, const char *section, const char *name,
                     const char *value)
{
    void *field = (char *)st->cfg + s->offset;
    char buf[300];
    char *end;
    long v;

    switch (s->type) {
    case T_STR:
        free(*(char **)field);
        *(char **)field = fk_xstrdup(value);
        return 1;
    case T_DAYS:
        v = strtol(value, &end, 10);
        if (!*value || *end || v < 0 || v > 3650)
            return refuse(st, name, "[%s] %s must be a whole number of days (0-3650), not \"%s\"",
                        section, name, fk_quote_value(value, buf, sizeof(buf)));
        *(int *)field = (int)v;
        return 1;
    case T_INT:
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno || !*value || *end || v < s->lo || v > s->hi)
            return refuse(st, name, "[%s] %s must be a whole number from %ld to %ld, not \"%s\"",
                        section, name, s->lo, s->hi, fk_quote_value(value, buf, sizeof(buf)));
        *(int *)field = (int)v;
        return 1;
    case T_BOOL:
        if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "1"))
            *(bool *)field = true;
        else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "0"))
            *(bool *)field = false;
        else
            return refuse(st, name, "[%s] %s must be true or false, not \"%s\"", section, name,
                        fk_quote_value(value, buf, sizeof(buf)));
        return 1;
    case T_LIMIT:
        return set_limit(st, s, name, value);
    }
    return 1;
}

/* A key of [input], [columns] or [values.FIELD] (core/mapping.c checks it). */
static int mapping_key(parse_state *st, const char *section, const char *name,
                       const char *value)
{
    unsigned long first = fk_config_line(st->cfg, section, name);
    if (first)
        return refuse(st, name, "[%s] %s is given twice (lines %lu and %lu): keep one", section,
                      name, first, st->line);
    remember_key(st->cfg, section, name, st->line);
    if (fk_mapping_set(st->cfg->mapping, st->cfg->path, st->line, section, name, value,
                       st->err) != FK_OK)
        st->failed = true;
    return st->failed ? 0 : 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state *st = user;
    const setting *s = find_setting(section, name);

    if (!s && fk_mapping_section(section))
        return mapping_key(st, section, name, value);
    if (!s) {
        if (st->warn) {
            fk_buf m = FK_BUF_INIT;
            fk_buf_printf(&m, "%s:%lu: unknown setting [%s] %s (ignored)", st->cfg->path,
                          st->line, section, name);
            st->warn(fk_buf_cstr(&m), st->payload);
            fk_buf_free(&m);
        }
        return 1;
    }
    if (!fk_utf8_valid(value, strlen(value)) || fk_has_control(value))
        return refuse(st, name, "[%s] %s must be UTF-8 text without control characters", section,
                    name);
    unsigned long first = fk_config_line(st->cfg, section, name);
    if (first) {
        bool indented = st->linebuf && (st->linebuf[0] == ' ' || st->linebuf[0] == '\t');
        /* inih passes an indented line as the value of the key before it, again. The
         * footer is the one setting of several lines: each indented line is one more
         * (the register court, the managing directors, ...). */
        if (indented && !strcmp(section, "invoice") && !strcmp(name, "footer")) {
            fk_buf joined = FK_BUF_INIT;
            fk_buf_printf(&joined, "%s\n%s", st->cfg->footer ? st->cfg->footer : "", value);
            free(st->cfg->footer);
            st->cfg->footer = fk_buf_take(&joined);
            fk_buf_free(&joined);
            return 1;
        }
        if (indented)
            return refuse(st, name,
                        "[%s] %s (line %lu) goes on in an indented line: write the value on "
                        "one line",
                        section, name, first);
        return refuse(st, name, "[%s] %s is given twice (lines %lu and %lu): keep one", section,
                    name, first, st->line);
    }
    remember_key(st->cfg, section, name, st->line);
    return set_value(st, s, section, name, value);
}

static fk_config *defaults(const char *path)
{
    fk_config *cfg = fk_xcalloc(1, sizeof(*cfg));
    cfg->path = fk_xstrdup(path ? path : "(built-in defaults)");
    cfg->number_format = fk_xstrdup("{prefix}-{year}-{seq:06}");
    cfg->number_prefix = fk_xstrdup("INV");
    cfg->credit_format = fk_xstrdup("{prefix}-{year}-{seq:06}");
    cfg->credit_prefix = fk_xstrdup("CN");
    cfg->payment_terms_days = 14;
    cfg->tax_id_required = true;
    cfg->supply_type = fk_xstrdup("goods");
    cfg->payment_reference = fk_xstrdup("rf");
    cfg->timezone = fk_xstrdup("UTC");
    cfg->qr = fk_xstrdup("epc");
    cfg->qr_epc = true;
    memcpy(cfg->accounting_currency, "EUR", 4);
    cfg->accounting_exponent = 2;
    /* The installed (or the build's) subset fonts, found at run time: core/datadir.h. */
    cfg->font = fk_datadir_file("fonts/DejaVuSans.ttf");
    cfg->font_bold = fk_datadir_file("fonts/DejaVuSans-Bold.ttf");
    fk_rules_defaults(&cfg->rules);
    cfg->mapping = fk_mapping_new();
    cfg->input = fk_mapping_input(cfg->mapping);
    return cfg;
}

static fk_status check_required(const fk_config *cfg, fk_error *err)
{
    struct {
        char *value;
        const char *key;
    } required[] = {
        {cfg->seller_name, "name"},     {cfg->seller_street, "street"},
        {cfg->seller_postal_code, "postal_code"}, {cfg->seller_city, "city"},
        {cfg->seller_country, "country"}, {cfg->seller_vat_id, "vat_id"},
        {cfg->seller_iban, "iban"},
    };
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
        if (!required[i].value || !*fk_trim(required[i].value))
            return fk_error_set(err, FK_EUSAGE, cfg->path, 0, required[i].key,
                                "[seller] %s is missing: an invoice must name its seller in full",
                                required[i].key);
    return FK_OK;
}

/* The currency a seller of this country keeps its VAT accounts in (Bulgaria: euro
 * since 2026); NULL where faktura does not know it ([seller] currency is needed then). */
const char *fk_country_currency(const char *cc)
{
    static const char *const euro = "AT BE BG CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL "
                                    "PT SI SK ";
    static const struct {
        char cc[3];
        char cur[4];
    } other[] = {{"CZ", "CZK"}, {"DK", "DKK"}, {"HU", "HUF"}, {"PL", "PLN"}, {"RO", "RON"},
                 {"SE", "SEK"}, {"NO", "NOK"}, {"IS", "ISK"}, {"CH", "CHF"}, {"LI", "CHF"},
                 {"GB", "GBP"}};
    char up[3];

    if (!cc || strlen(cc) != 2)
        return NULL;
    up[0] = (char)(cc[0] >= 'a' && cc[0] <= 'z' ? cc[0] - 32 : cc[0]);
    up[1] = (char)(cc[1] >= 'a' && cc[1] <= 'z' ? cc[1] - 32 : cc[1]);
    up[2] = '\0';
    for (const char *p = euro; *p; p += 3)
        if (p[0] == up[0] && p[1] == up[1])
            return "EUR";
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
        if (!strcmp(other[i].cc, up))
            return other[i].cur;
    return NULL;
}

static fk_status refuse_key(const fk_config *cfg, fk_error *err, const char *section,
                            const char *key, const char *fmt, ...) FK_PRINTF(5, 6);
static fk_status refuse_key(const fk_config *cfg, fk_error *err, const char *section,
                            const char *key, const char *fmt, ...)
{
    fk_buf m = FK_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    fk_buf_vprintf(&m, fmt, ap);
    va_end(ap);
    fk_error_set(err, FK_EUSAGE, cfg->path, fk_config_line(cfg, section, key), key, "%s",
                 fk_buf_cstr(&m));
    fk_buf_free(&m);
    return FK_EUSAGE;
}

#define FOOTER_MAX_LINES 12
#define FOOTER_MAX_CHARS 300

/* The footer's lines: all of them are printed, so a footer that could not fit is refused
 * here rather than cut (or failing every invoice) later. */
static fk_status split_footer(fk_config *cfg, fk_error *err)
{
    const char *p = cfg->footer;
    size_t n = 0;

    if (!p || !*fk_trim(cfg->footer))
        return FK_OK;
    for (const char *q = p; q; q = strchr(q + 1, '\n'))
        n++;
    if (n > FOOTER_MAX_LINES)
        return refuse_key(cfg, err, "invoice", "footer",
                          "[invoice] footer has %zu lines; at most %d fit on the page", n,
                          FOOTER_MAX_LINES);
    cfg->footer_lines = fk_xcalloc(n, sizeof(*cfg->footer_lines));
    for (size_t i = 0; i < n; i++) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p), chars = 0;
        cfg->footer_lines[i] = fk_trim(fk_xstrndup(p, len));
        cfg->nfooter++;
        for (const char *c = cfg->footer_lines[i]; *c; c++)
            chars += ((unsigned char)*c & 0xC0) != 0x80;
        if (chars > FOOTER_MAX_CHARS)
            return refuse_key(cfg, err, "invoice", "footer",
                              "[invoice] footer line %zu has %zu characters; at most %d fit "
                              "(continue it on another indented line)",
                              i + 1, chars, FOOTER_MAX_CHARS);
        p = e ? e + 1 : p + len;
    }
    return FK_OK;
}

/* The [invoice], [seller] and [render] settings that are words from a list, and what
 * follows from them. */
static fk_status resolve_invoice(fk_config *cfg, fk_error *err)
{
    const char *why = NULL;
    fk_payref_kind k;

    if (!strcmp(cfg->supply_type, "goods") || !strcmp(cfg->supply_type, "services"))
        cfg->services_default = !strcmp(cfg->supply_type, "services");
    else
        return refuse_key(cfg, err, "invoice", "supply_type",
                          "[invoice] supply_type must be goods or services");
    if (!fk_payref_parse(cfg->payment_reference, &k))
        return refuse_key(cfg, err, "invoice", "payment_reference",
                          "[invoice] payment_reference must be rf, kid or number");
    cfg->payref = (int)k;
    if (!strcmp(cfg->qr, "epc") || !strcmp(cfg->qr, "none"))
        cfg->qr_epc = !strcmp(cfg->qr, "epc");
    else
        return refuse_key(cfg, err, "render", "qr", "[render] qr must be epc or none");
    if (!fk_zone_check(cfg->timezone, &why))
        return refuse_key(cfg, err, "invoice", "timezone", "[invoice] timezone \"%s\" %s",
                          cfg->timezone, why);
    if (cfg->seller_currency && *fk_trim(cfg->seller_currency)) {
        fk_ascii_upper(cfg->seller_currency);
        if (fk_currency_exponent(cfg->seller_currency) < 0 || strlen(cfg->seller_currency) != 3)
            return refuse_key(cfg, err, "seller", "currency",
                              "[seller] currency must be an ISO 4217 code (EUR, PLN, NOK, ...)");
        memcpy(cfg->accounting_currency, cfg->seller_currency, 4);
    } else if (cfg->seller_country) {
        /* From the country; one faktura does not know is refused by fk_config_check_currency
         * once the country itself was checked. */
        const char *cur = fk_country_currency(cfg->seller_country);
        snprintf(cfg->accounting_currency, sizeof(cfg->accounting_currency), "%s",
                 cur ? cur : "");
    }
    cfg->accounting_exponent = fk_currency_exponent(cfg->accounting_currency);
    return split_footer(cfg, err);
}

fk_status fk_config_check_currency(const fk_config *cfg, fk_error *err)
{
    if (cfg->seller_country && !cfg->accounting_currency[0])
        return refuse_key(cfg, err, "seller", "country",
                          "[seller] currency is needed: faktura does not know the accounting "
                          "currency of country \"%s\"",
                          cfg->seller_country);
    return FK_OK;
}

fk_status fk_config__parse(fk_config **out, const char *path, fk_log_fn warn, void *payload,
                           fk_error *err)
{
    fk_config *cfg = defaults(path);
    parse_state st = {.cfg = cfg, .warn = warn, .payload = payload, .err = err};
    int rc;

    *out = NULL;
    if (!path) {
        /* Defaults only, no seller: good for `validate`, refused by `run`. */
        if (fk_mapping_resolve(cfg->mapping, NULL, err) != FK_OK)
            goto fail;
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
    if (check_required(cfg, err) != FK_OK || resolve_invoice(cfg, err) != FK_OK ||
        fk_config__check_numbering(cfg, fk_config_line(cfg, "numbering", "format"),
                                   fk_config_line(cfg, "numbering", "prefix"), err) != FK_OK)
        goto fail;
    if (*fk_mapping_profile_named(cfg->mapping)) {
        /* a profile file named in the config is found next to the config */
        const char *slash = strrchr(path, '/');
        char *dir = fk_xstrndup(path, slash ? (size_t)(slash - path) + 1 : 0);
        fk_status pst = fk_mapping_use_profile(cfg->mapping, fk_mapping_profile_named(cfg->mapping),
                                               dir, err);
        free(dir);
        if (pst != FK_OK) {
            if (err && !err->line && !err->file[0]) {
                err->line = fk_config_line(cfg, "input", "profile");
                snprintf(err->file, sizeof(err->file), "%s", path);
            }
            goto fail;
        }
    }
    /* dates without an offset in a shop export: the seller's zone unless [input] says */
    fk_mapping_default_timezone(cfg->mapping, cfg->timezone);
    if (fk_mapping_resolve(cfg->mapping, path, err) != FK_OK)
        goto fail;
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
    for (size_t i = 0; i < cfg->nfooter; i++)
        free(cfg->footer_lines[i]);
    free(cfg->footer_lines);
    for (size_t i = 0; i < NSETTINGS; i++)
        if (settings[i].type == T_STR)
            free(*(char **)((char *)cfg + settings[i].offset));
    for (size_t i = 0; i < cfg->nkeys; i++) {
        free(cfg->keys[i].section);
        free(cfg->keys[i].name);
    }
    free(cfg->keys);
    fk_mapping_free(cfg->mapping);
    free(cfg);
}
