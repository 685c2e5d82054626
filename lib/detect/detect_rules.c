/* SPDX-License-Identifier: MIT */
/* detect_rules.c -- what holds a valid order back: duplicate charges, amount thresholds,
 * credit and rate limits, holding delays, overdue balances, disputes.
 *
 * Every rule is off unless the config sets it (RELIABILITY.md §7: suspected duplicates and
 * threshold breaches are flagged and held, never dropped). The rules see plain data only:
 * the order, the facts the pipeline gathered about its customer from the database and from
 * this batch (fk_customer_facts), and the batch's "now".
 *
 * A customer is its customer_id, else its VAT number, else its company name normalised
 * (case, spaces and punctuation ignored), so "ACME GmbH" and "Acme  GmbH." are one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "faktura/batch.h"
#include "core/buf.h"
#include "core/money.h"
#include "core/util.h"
#include "detect/detect.h"
#include "store/keymap.h"

/* ---- config ---- */

typedef struct rules_parse {
    fk_rules *r;
    FILE *fp;
    const char *path;
    unsigned long line;
    fk_error *err;
    bool failed;
} rules_parse;

static char *reader(char *str, int num, void *stream)
{
    rules_parse *p = stream;
    char *s = fgets(str, num, p->fp);
    if (s)
        p->line++;
    return s;
}

static bool parse_int(const char *v, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || !*v || *end || n < lo || n > hi)
        return false;
    *out = (int)n;
    return true;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    rules_parse *p = user;
    fk_rules *r = p->r;
    const char *dot = strchr(name, '.');
    char key[64];

    if (strcmp(section, "thresholds") != 0 && strcmp(section, "disputes") != 0)
        return 1; /* the other sections belong to core/config.c */
    snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
    if (!strcmp(section, "thresholds") && dot &&
        (!strcmp(key, "minimum_amount") || !strcmp(key, "maximum_amount") ||
         !strcmp(key, "credit_limit"))) {
        char cur[8];
        int64_t amount;
        snprintf(cur, sizeof(cur), "%s", dot + 1);
        int exp = fk_currency_exponent(cur);
        fk_amount_limit *t = !strcmp(key, "minimum_amount") ? r->minimum
                             : !strcmp(key, "maximum_amount") ? r->maximum : r->credit;
        size_t *n = !strcmp(key, "minimum_amount") ? &r->nminimum
                    : !strcmp(key, "maximum_amount") ? &r->nmaximum : &r->ncredit;
        if (exp < 0 || fk_decimal_parse(value, '.', exp, &amount) != FK_DEC_OK || amount < 0) {
            fk_error_set(p->err, FK_EUSAGE, p->path, p->line, name,
                         "[thresholds] %s: \"%s\" is not an amount in an ISO 4217 currency "
                         "(write e.g. minimum_amount.EUR = 1.00)", name, value);
            p->failed = true;
            return 0;
        }
        if (*n < FK_MAX_LIMITS) {
            memcpy(t[*n].currency, cur, 4);
            t[*n].amount = amount;
            (*n)++;
        }
        return 1;
    }
    struct {
        const char *section, *key;
        int *field;
        long lo, hi;
    } ints[] = {
        {"thresholds", "invoices_per_customer_per_day", &r->invoices_per_day, 0, 1000000},
        {"thresholds", "holding_hours", &r->holding_hours, 0, 24 * 365},
        {"thresholds", "overdue_days", &r->overdue_days, 0, 3650},
        {"thresholds", "duplicate_window_hours", &r->duplicate_window_hours, 0, 24 * 365},
        {"disputes", "response_days", &r->dispute_response_days, 0, 3650},
    };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        if (strcmp(ints[i].section, section) || strcmp(ints[i].key, name))
            continue;
        if (!parse_int(value, ints[i].lo, ints[i].hi, ints[i].field)) {
            fk_error_set(p->err, FK_EUSAGE, p->path, p->line, name,
                         "[%s] %s must be a whole number from %ld to %ld, not \"%s\"", section,
                         name, ints[i].lo, ints[i].hi, value);
            p->failed = true;
            return 0;
        }
        return 1;
    }
    /* Unknown keys of these sections are warned about by core/config.c's parse. */
    return 1;
}

fk_status fk_rules_load(fk_rules *r, const char *config_path, fk_error *err)
{
    rules_parse p = {r, NULL, config_path, 0, err, false};

    memset(r, 0, sizeof(*r));
    r->overdue_days = -1;
    r->duplicate_window_hours = 24;
    r->dispute_response_days = 21;
    if (!config_path)
        return FK_OK;
    p.fp = fopen(config_path, "r");
    if (!p.fp)
        return fk_error_set(err, FK_EUSAGE, config_path, 0, NULL,
                            "cannot open the config file: %s", strerror(errno));
    ini_parse_stream(reader, &p, handler, &p);
    fclose(p.fp);
    return p.failed ? FK_EUSAGE : FK_OK; /* syntax errors were reported by core/config.c */
}

int64_t fk_rules_limit(const fk_amount_limit *t, size_t n, const char *currency)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].currency, currency) == 0)
            return t[i].amount;
    return -1;
}

/* ---- keys ---- */

static void normalise_name(const char *in, char *out, size_t n)
{
    size_t o = 0;
    bool space = false;
    for (const unsigned char *p = (const unsigned char *)in; *p && o + 2 < n; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            if (space && o > 0)
                out[o++] = ' ';
            space = false;
            out[o++] = (char)c;
        } else {
            space = true; /* spaces and punctuation separate words, nothing more */
        }
    }
    out[o] = '\0';
}

void fk_detect_keys(fk_order *o)
{
    char name[128];
    fk_buf b = FK_BUF_INIT;

    if (*o->f[FK_COL_CUSTOMER_ID]) {
        snprintf(o->customer_key, sizeof(o->customer_key), "id:%s", o->f[FK_COL_CUSTOMER_ID]);
    } else if (o->tax_id_norm[0]) {
        snprintf(o->customer_key, sizeof(o->customer_key), "tax:%s", o->tax_id_norm);
    } else {
        normalise_name(o->f[FK_COL_COMPANY_NAME], name, sizeof(name));
        snprintf(o->customer_key, sizeof(o->customer_key), "name:%s", name);
    }
    /* "%s\x1f%s\x1f%lld", then "\x1e%s\x1f%s\x1f%lld\x1f%lld\x1f%d" per line, without
     * printf's cost (the keys of earlier runs are in the database: same bytes). */
    fk_buf_puts(&b, o->customer_key);
    fk_buf_putc(&b, '\x1f');
    fk_buf_puts(&b, o->currency);
    fk_buf_putc(&b, '\x1f');
    fk_buf_put_int(&b, o->gross_total);
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        fk_buf_putc(&b, '\x1e');
        fk_buf_puts(&b, FK_LINE_FIELD(ln, FK_COL_ITEM_SKU));
        fk_buf_putc(&b, '\x1f');
        fk_buf_puts(&b, FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION));
        fk_buf_putc(&b, '\x1f');
        fk_buf_put_int(&b, ln->qty_milli);
        fk_buf_putc(&b, '\x1f');
        fk_buf_put_int(&b, ln->unit_price);
        fk_buf_putc(&b, '\x1f');
        fk_buf_put_int(&b, ln->vat_centi);
    }
    fk_sha256_hex(b.ptr, b.len, o->charge_key);
    fk_buf_free(&b);
    /* Hashed once here: the rules look an order up in two batch memories, then add it. */
    fk_detect_key128('c', o->customer_key, o->currency, &o->mem_key[0], &o->mem_key[1]);
    fk_detect_key128('h', o->charge_key, "", &o->mem_key[2], &o->mem_key[3]);
}

/* ---- the rules ---- */

static bool approved_code(const fk_code *approved, fk_code c)
{
    for (; approved && *approved != FK_CODE_NONE; approved++)
        if (*approved == c)
            return true;
    return false;
}

static void money(int64_t v, const fk_order *o, char *buf, size_t n)
{
    fk_decimal_format(v, o->exponent, buf, n);
}

/* The minimum (above = false) or maximum invoice amount, lim < 0: none set. */
static void amount_bound(fk_order *o, int64_t lim, bool above, const fk_code *approved)
{
    fk_code code = above ? FK_CODE_ABOVE_MAXIMUM_AMOUNT : FK_CODE_BELOW_MINIMUM_AMOUNT;
    char a[48], b[48];

    if (lim < 0 || (above ? o->gross_total <= lim : o->gross_total >= lim) ||
        approved_code(approved, code))
        return;
    money(o->gross_total, o, a, sizeof(a));
    money(lim, o, b, sizeof(b));
    fk_order_add_finding(o, code, NULL, "total %s %s is %s invoice amount %s %s", a,
                         o->currency, above ? "above the maximum" : "below the minimum", b,
                         o->currency);
}

static void disputes(fk_order *o, const fk_rules *r, int64_t as_of)
{
    char *st = o->f[FK_COL_DISPUTE_STATUS];
    const char *opened = o->f[FK_COL_DISPUTE_OPENED];
    int64_t t;

    fk_ascii_lower(st);
    if (!*st || !strcmp(st, "resolved") || !strcmp(st, "none"))
        return;
    if (!strcmp(st, "lost")) {
        fk_order_add_finding(o, FK_CODE_DISPUTE_LOST, "dispute_status",
                             "the customer won the dispute (chargeback)%s%s: no invoice",
                             *opened ? "; opened " : "", opened);
        return;
    }
    if (strcmp(st, "open") != 0) {
        fk_order_add_finding(o, FK_CODE_DISPUTE_STATUS_INVALID, "dispute_status",
                             "dispute_status \"%.40s\" is not open, resolved or lost", st);
        return;
    }
    if (!*opened) {
        fk_order_add_finding(o, FK_CODE_DISPUTE_OPEN, "dispute_status",
                             "open dispute (no dispute_opened date: the deadline is unknown)");
        return;
    }
    if (!fk_time_parse(opened, &t)) {
        fk_order_add_finding(o, FK_CODE_DISPUTE_STATUS_INVALID, "dispute_opened",
                             "dispute_opened \"%.40s\" is not a date (YYYY-MM-DD)", opened);
        return;
    }
    /* The deadline: the opening day plus the response time; days left counted in whole
     * calendar days from the batch's date. */
    int64_t deadline_day = t / 86400 + r->dispute_response_days;
    int64_t today = as_of / 86400 - (as_of < 0 && as_of % 86400);
    char deadline[16];
    fk_format_date(deadline_day * 86400, deadline, sizeof(deadline));
    int64_t left = deadline_day - today;
    if (left >= 0)
        fk_order_add_finding(o, FK_CODE_DISPUTE_OPEN, "dispute_status",
                             "open dispute since %.10s; respond by %s (%lld day%s left)", opened,
                             deadline, (long long)left, left == 1 ? "" : "s");
    else
        fk_order_add_finding(o, FK_CODE_DISPUTE_OPEN, "dispute_status",
                             "open dispute since %.10s; the response deadline %s passed %lld "
                             "day%s ago",
                             opened, deadline, (long long)-left, left == -1 ? "" : "s");
}

void fk_detect_rules(fk_order *o, const fk_rules *r, const fk_customer_facts *f, int64_t as_of,
                     const fk_code *approved)
{
    char a[48], b[48];
    int64_t lim;

    disputes(o, r, as_of);
    if (!o->amounts_ok)
        return;
    if (r->holding_hours > 0 && o->order_time > as_of - (int64_t)r->holding_hours * 3600 &&
        !approved_code(approved, FK_CODE_HOLDING_PERIOD))
        fk_order_add_finding(o, FK_CODE_HOLDING_PERIOD, NULL,
                             "ordered %s, less than %d hours before the batch time",
                             o->f[FK_COL_ORDER_DATE], r->holding_hours);
    if (f->dup_order_id[0] && !approved_code(approved, FK_CODE_DUPLICATE_CHARGE_SUSPECTED)) {
        char when[24];
        fk_format_datetime(f->dup_time, when, sizeof(when));
        money(o->gross_total, o, a, sizeof(a));
        fk_order_add_finding(o, FK_CODE_DUPLICATE_CHARGE_SUSPECTED, NULL,
                             "same customer, lines and total (%s %s) as order %s of %s, within "
                             "%d hours",
                             a, o->currency, f->dup_order_id, when, r->duplicate_window_hours);
    }
    amount_bound(o, fk_rules_limit(r->minimum, r->nminimum, o->currency), false, approved);
    amount_bound(o, fk_rules_limit(r->maximum, r->nmaximum, o->currency), true, approved);
    /* Credit limit: the order's own credit_limit column overrides the config's. */
    lim = fk_rules_limit(r->credit, r->ncredit, o->currency);
    const char *own = o->f[FK_COL_CREDIT_LIMIT];
    int64_t v;
    if (*own) {
        if (fk_decimal_parse(own, o->decimal_sep ? o->decimal_sep : '.', o->exponent, &v) ==
                FK_DEC_OK && v >= 0)
            lim = v;
        else
            fk_order_add_finding(o, FK_CODE_AMOUNT_INVALID, "credit_limit",
                                 "credit_limit \"%.40s\" is not an amount in %s", own,
                                 o->currency);
    }
    int64_t exposure = f->open_amount;
    if (lim >= 0 && fk_add_checked(&exposure, o->gross_total) && exposure > lim &&
        !approved_code(approved, FK_CODE_CREDIT_LIMIT_EXCEEDED)) {
        money(f->open_amount, o, a, sizeof(a));
        money(lim, o, b, sizeof(b));
        fk_order_add_finding(o, FK_CODE_CREDIT_LIMIT_EXCEEDED, NULL,
                             "open balance %s %s plus this order exceeds the credit limit %s %s",
                             a, o->currency, b, o->currency);
    }
    if (r->invoices_per_day > 0 && f->invoices_today >= (uint64_t)r->invoices_per_day &&
        !approved_code(approved, FK_CODE_RATE_LIMIT_EXCEEDED))
        fk_order_add_finding(o, FK_CODE_RATE_LIMIT_EXCEEDED, NULL,
                             "the customer already has %llu invoice%s today (at most %d a day)",
                             (unsigned long long)f->invoices_today,
                             f->invoices_today == 1 ? "" : "s", r->invoices_per_day);
    if (f->overdue[0] && !approved_code(approved, FK_CODE_OVERDUE_BALANCE))
        fk_order_add_finding(o, FK_CODE_OVERDUE_BALANCE, NULL,
                             "unpaid more than %d days past due: %s", r->overdue_days,
                             f->overdue);
}

/* ---- this batch's accepted orders ----
 *
 * A dry run over a million orders keeps every accepted one here, so the memory is a keymap
 * (store/keymap.h): compact records in memory up to a bound, then a temporary file.
 * Customer records (sums of accepted totals and invoices) exist only when a credit or rate
 * rule needs them, charge records (the first accepted order of a charge and its time) only
 * when the duplicate window is on. */

/* Records kept in memory before moving to disk: 32 MiB of records and an 8 MiB index. A
 * dry run of a million orders stays in memory unless the credit or rate rules are on (a
 * customer record next to each charge record). */
#define BATCH_MEMORY_ENTRIES ((size_t)1 << 20)

struct fk_batch_memory {
    fk_keymap *map;
};

fk_batch_memory *fk_batch_memory_new(void)
{
    fk_batch_memory *m = fk_xcalloc(1, sizeof(*m));
    m->map = fk_keymap_new(BATCH_MEMORY_ENTRIES);
    return m;
}

static bool customer_rules(const fk_rules *r, const fk_order *o)
{
    return r->ncredit > 0 || r->invoices_per_day > 0 || *o->f[FK_COL_CREDIT_LIMIT];
}

void fk_batch_memory_facts(fk_batch_memory *m, const fk_order *o, const fk_rules *r,
                           fk_customer_facts *f)
{
    int64_t amount = 0, t;
    uint64_t count = 0;
    char id[sizeof(f->dup_order_id)];

    if (customer_rules(r, o) &&
        fk_keymap_sum(m->map, o->mem_key[0], o->mem_key[1], &amount, &count)) {
        fk_add_checked(&f->open_amount, amount);
        f->invoices_today += count; /* a batch issues all its invoices on one day */
    }
    if (r->duplicate_window_hours <= 0 || f->dup_order_id[0])
        return;
    if (fk_keymap_first(m->map, o->mem_key[2], o->mem_key[3], &t, id, sizeof(id))) {
        int64_t d = t - o->order_time;
        if (d < 0)
            d = -d;
        if (d <= (int64_t)r->duplicate_window_hours * 3600 &&
            strcmp(id, o->f[FK_COL_ORDER_ID]) != 0) {
            memcpy(f->dup_order_id, id, sizeof(id));
            f->dup_time = t;
        }
    }
}

void fk_batch_memory_add(fk_batch_memory *m, const fk_order *o, const fk_rules *r)
{
    if (customer_rules(r, o))
        fk_keymap_add(m->map, o->mem_key[0], o->mem_key[1], o->gross_total);
    /* The first accepted order of a charge is the one others match. */
    if (r->duplicate_window_hours > 0)
        fk_keymap_keep_first(m->map, o->mem_key[2], o->mem_key[3], o->order_time,
                             o->f[FK_COL_ORDER_ID]);
}

void fk_batch_memory_free(fk_batch_memory *m)
{
    if (!m)
        return;
    fk_keymap_free(m->map);
    free(m);
}
