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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "faktura/batch.h"
#include "core/buf.h"
#include "core/money.h"
#include "core/util.h"
#include "detect/detect.h"

/* ---- keys ---- */

/* Case, spaces and punctuation ignored: "ACME GmbH" and "Acme  GmbH." are one customer. */
static void normalise_name(const char *in, fk_buf *out)
{
    bool space = false;
    for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
        unsigned char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            if (space && out->len > 0)
                fk_buf_putc(out, ' ');
            space = false;
            fk_buf_putc(out, (char)c);
        } else {
            space = true; /* spaces and punctuation separate words, nothing more */
        }
    }
}

/* The customer key, compared in full: "id:<customer_id>", "tax:<VAT number>" or
 * "name:<normalised name>". A key too long for o->customer_key becomes its kind and the
 * SHA-256 of the whole key ("id#<64 hex digits>"), never a cut copy: two customers whose
 * ids or names share a long beginning stay two customers. Keys that fit are the same
 * bytes as ever (earlier batches' invoices carry them); a long key that an older faktura
 * cut to 159 bytes does not match its hashed form. */
static void customer_key(fk_order *o)
{
    fk_buf k = FK_BUF_INIT;
    const char *kind;

    if (*o->f[FK_COL_CUSTOMER_ID]) {
        kind = "id";
        fk_buf_puts(&k, o->f[FK_COL_CUSTOMER_ID]);
    } else if (o->tax_id_norm[0]) {
        kind = "tax";
        fk_buf_puts(&k, o->tax_id_norm);
    } else {
        kind = "name";
        normalise_name(o->f[FK_COL_COMPANY_NAME], &k);
    }
    if (strlen(kind) + 1 + k.len < sizeof(o->customer_key)) {
        snprintf(o->customer_key, sizeof(o->customer_key), "%s:%s", kind, fk_buf_cstr(&k));
    } else {
        char hex[65];
        fk_sha256_hex(fk_buf_cstr(&k), k.len, hex);
        snprintf(o->customer_key, sizeof(o->customer_key), "%s#%s", kind, hex);
    }
    fk_buf_free(&k);
}

void fk_detect_keys(fk_order *o)
{
    fk_buf b = FK_BUF_INIT;

    customer_key(o);
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
    fk_key128('c', o->customer_key, o->currency, &o->mem_key[0], &o->mem_key[1]);
    fk_key128('h', o->charge_key, "", &o->mem_key[2], &o->mem_key[3]);
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
