/* SPDX-License-Identifier: MIT */
/* validate.c -- billing details, amounts and totals of one order.
 *
 * Rounding (the rule for all of faktura, see core/money.h): each line net is
 * quantity x unit price rounded half away from zero to the currency's minor unit; VAT is
 * computed once per rate on the sum of the rounded line nets, rounded the same way
 * (EN 16931 BR-CO-10, BR-S-08, BR-S-09). So the printed figures add up exactly:
 * sum(line nets) = net total, sum(VAT per rate) = VAT total, net + VAT = gross.
 *
 * Every message names the offending value; card numbers only ever appear masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/util.h"
#include "validate/validate.h"
#include "validate/validate_ids.h"
#include "validate/validate_invoice.h"

#define MAX_ORDER_ID_BYTES 200
#define MAX_NAME_CHARS 200
/* The largest invoice faktura issues: 10^15 minor units (10 trillion EUR). Far beyond any
 * real order, and small enough that the sums of a billion of them cannot overflow the
 * report's 128-bit totals. */
#define MAX_INVOICE_MINOR 1000000000000000LL

static const char *shown(const char *v, char *buf, size_t n)
{
    return fk_quote_value(v, buf, n);
}

static const char *taxid_problem(fk_code c)
{
    return c == FK_CODE_TAX_ID_CHECKSUM              ? "the check digit is wrong"
           : c == FK_CODE_TAX_ID_FORMAT             ? "wrong length or characters"
           : c == FK_CODE_TAX_ID_COUNTRY_MISMATCH   ? "its prefix names another country"
                                                    : "VAT numbers of this country cannot be checked";
}

static void check_order_id(fk_order *o)
{
    const char *id = o->f[FK_COL_ORDER_ID];
    char b[64];

    if (!*id)
        return; /* ingest reported ORDER_ID_MISSING */
    if (strlen(id) > MAX_ORDER_ID_BYTES || fk_has_control(id))
        fk_order_add_finding(o, FK_CODE_ORDER_ID_INVALID, "order_id",
                             "order_id \"%s\" is longer than %d bytes or has control characters",
                             shown(id, b, sizeof(b)), MAX_ORDER_ID_BYTES);
}

static void check_date(fk_order *o, const char *today, const fk_input_cfg *in)
{
    const char *d = o->f[FK_COL_ORDER_DATE];
    char b[64], od[16];
    int64_t t;

    if (!*d) {
        fk_order_add_finding(o, FK_CODE_ORDER_DATE_INVALID, "order_date", "order_date is empty");
        return;
    }
    int32_t offset;
    bool has_offset = true;
    if (!fk_time_parse_ex(d, &t, &offset, &has_offset)) {
        fk_order_add_finding(o, FK_CODE_ORDER_DATE_INVALID, "order_date",
                             "order_date \"%s\" is not a valid date (YYYY-MM-DD, optionally "
                             "with a time and a UTC offset)",
                             shown(d, b, sizeof(b)));
        return;
    }
    /* A date without an offset is in [input] timezone when the export says so (the
     * shop's zone: WooCommerce), else UTC. */
    if (!has_offset && in && in->zone)
        offset = fk_zone_local_offset(in->zone, t);
    o->order_time = t - offset;
    o->order_offset = offset;
    /* Compare calendar days: an order from later the same day as --as-of is not "future".
     * The order's day is the one written in its own offset; the batch's is its issue date,
     * in the [invoice] timezone. */
    fk_format_date(t, od, sizeof(od));
    if (strcmp(od, today) > 0)
        fk_order_add_finding(o, FK_CODE_ORDER_DATE_IN_FUTURE, "order_date",
                             "order_date %s is after the batch date %s", od, today);
}

static void check_customer(fk_order *o, const fk_config *cfg)
{
    char *type = o->f[FK_COL_CUSTOMER_TYPE];
    char *name = o->f[FK_COL_COMPANY_NAME];
    char *country = o->f[FK_COL_COUNTRY];
    const char *tax = o->f[FK_COL_TAX_ID];
    char b[64];
    bool country_ok = false;

    fk_ascii_lower(type);
    if (!*type || !strcmp(type, "business"))
        o->customer_type = FK_BUSINESS;
    else if (!strcmp(type, "consumer"))
        o->customer_type = FK_CONSUMER;
    else
        fk_order_add_finding(o, FK_CODE_CUSTOMER_TYPE_INVALID, "customer_type",
                             "customer_type \"%s\" is neither business nor consumer",
                             shown(type, b, sizeof(b)));

    if (!*name) {
        fk_order_add_finding(o, FK_CODE_COMPANY_NAME_MISSING, "company_name",
                             "company_name is empty");
    } else {
        size_t chars = 0;
        bool letter = false;
        for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
            if ((*p & 0xC0) != 0x80)
                chars++;
            /* Any non-ASCII character counts as a letter: Łódź, Ærø, Ελλάς. */
            if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p >= 0x80)
                letter = true;
        }
        if (!letter || chars > MAX_NAME_CHARS || fk_has_control(name))
            fk_order_add_finding(o, FK_CODE_COMPANY_NAME_INVALID, "company_name",
                                 "company_name \"%s\" %s", shown(name, b, sizeof(b)),
                                 !letter ? "has no letters"
                                 : chars > MAX_NAME_CHARS ? "is longer than 200 characters"
                                                          : "contains control characters");
    }

    fk_ascii_upper(country);
    if (!*country) {
        fk_order_add_finding(o, FK_CODE_COUNTRY_MISSING, "country", "country is empty");
    } else if (!fk_country_known(country)) {
        fk_order_add_finding(o, FK_CODE_COUNTRY_UNKNOWN, "country",
                             "country \"%s\" is not an ISO 3166 alpha-2 code",
                             shown(country, b, sizeof(b)));
    } else {
        country_ok = true;
    }

    if (!*tax) {
        if (o->customer_type == FK_BUSINESS && cfg->tax_id_required)
            fk_order_add_finding(o, FK_CODE_TAX_ID_MISSING, "tax_id",
                                 "a business customer needs a VAT number; tax_id is empty");
    } else if (country_ok) {
        fk_code c = fk_taxid_check(tax, country, o->tax_id_norm, sizeof(o->tax_id_norm));
        if (c != FK_CODE_NONE) {
            o->tax_id_norm[0] = '\0';
            fk_order_add_finding(o, c, "tax_id", "tax_id \"%s\": %s (country %s)",
                                 shown(tax, b, sizeof(b)), taxid_problem(c), country);
        }
    }
}

/* Card expiry "MM/YY" (or MM/YYYY): valid through the last day of that month. */
static bool card_expired(const char *exp, int64_t order_time, bool *readable)
{
    int mm = 0, yy = 0, n = 0;
    *readable = false;
    if (sscanf(exp, "%2d/%4d%n", &mm, &yy, &n) != 2 || exp[n] != '\0' || mm < 1 || mm > 12)
        return true;
    if (yy < 100)
        yy += 2000;
    *readable = true;
    int ny = mm == 12 ? yy + 1 : yy, nm = mm == 12 ? 1 : mm + 1;
    int64_t first_after = fk_days_from_civil(ny, (unsigned)nm, 1) * 86400;
    return order_time >= first_after;
}

static void check_payment(fk_order *o, const fk_input_cfg *input)
{
    char *m = o->f[FK_COL_PAYMENT_METHOD];
    char b[64], iban[64];

    fk_ascii_lower(m);
    if (!*m) {
        fk_order_add_finding(o, FK_CODE_PAYMENT_METHOD_MISSING, "payment_method",
                             "payment_method is empty");
        return;
    }
    if (fk_shop_payment(o, input, m))
        return;
    if (!strcmp(m, "card")) {
        o->payment = FK_PAY_CARD;
        const fk_card *c = &o->card;
        bool readable;
        if (!c->present || !c->digits_only || !c->luhn_ok) {
            fk_order_add_finding(o, FK_CODE_CARD_NUMBER_INVALID, "card_number",
                                 !c->present ? "card payment without a card_number"
                                             : "card number %s fails the check digit or "
                                               "has non-digits",
                                 o->f[FK_COL_CARD_NUMBER]);
        } else if (!c->brand[0]) {
            fk_order_add_finding(o, FK_CODE_CARD_BRAND_UNKNOWN, "card_number",
                                 "card number %s (%d digits) belongs to no known card brand",
                                 o->f[FK_COL_CARD_NUMBER], c->ndigits);
        }
        if (card_expired(o->f[FK_COL_CARD_EXPIRY], o->order_time + o->order_offset, &readable))
            fk_order_add_finding(o, FK_CODE_CARD_EXPIRED, "card_expiry",
                                 readable ? "card expired %s, before the order date"
                                          : "card_expiry \"%s\" is not MM/YY",
                                 shown(o->f[FK_COL_CARD_EXPIRY], b, sizeof(b)));
    } else if (!strcmp(m, "sepa_debit")) {
        o->payment = FK_PAY_SEPA;
        const char *in = o->f[FK_COL_IBAN];
        if (fk_iban_check(in, iban, sizeof(iban)) != FK_CODE_NONE) {
            fk_order_add_finding(o, FK_CODE_IBAN_INVALID, "iban", "IBAN \"%s\" is not valid",
                                 shown(in, b, sizeof(b)));
        } else {
            char cc[3] = {iban[0], iban[1], '\0'};
            const char *bic = o->f[FK_COL_BIC];
            if (*bic && fk_bic_check(bic, cc) != FK_CODE_NONE)
                fk_order_add_finding(o, FK_CODE_BIC_INVALID, "bic",
                                     "BIC \"%s\" is malformed or not of the IBAN's country %s",
                                     shown(bic, b, sizeof(b)), cc);
        }
        if (!*o->f[FK_COL_MANDATE_ID])
            fk_order_add_finding(o, FK_CODE_MANDATE_MISSING, "mandate_id",
                                 "a SEPA direct debit needs a mandate reference; mandate_id "
                                 "is empty");
    } else if (!strcmp(m, "bank_transfer")) {
        o->payment = FK_PAY_TRANSFER;
    } else {
        fk_order_add_finding(o, FK_CODE_PAYMENT_METHOD_UNKNOWN, "payment_method",
                             "payment_method \"%s\" is not card, sepa_debit, bank_transfer, "
                             "paid or cash_on_delivery",
                             shown(m, b, sizeof(b)));
    }
}

static bool check_currency(fk_order *o)
{
    char *cur = o->f[FK_COL_CURRENCY];
    char b[64];

    fk_ascii_upper(cur);
    if (!*cur) {
        fk_order_add_finding(o, FK_CODE_CURRENCY_MISSING, "currency", "currency is empty");
        return false;
    }
    o->exponent = fk_currency_exponent(cur);
    if (o->exponent < 0) {
        fk_order_add_finding(o, FK_CODE_CURRENCY_UNKNOWN, "currency",
                             "currency \"%s\" is not an ISO 4217 code", shown(cur, b, sizeof(b)));
        return false;
    }
    memcpy(o->currency, cur, 4);
    return true;
}

/* Parse one line's quantity, VAT rate and unit price. Returns false if one is unusable. */
static bool parse_line(fk_order *o, fk_line *ln, char sep, bool currency_ok)
{
    const char *desc = FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION);
    const char *qty = FK_LINE_FIELD(ln, FK_COL_QUANTITY);
    const char *price = FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE);
    const char *rate = FK_LINE_FIELD(ln, FK_COL_VAT_RATE);
    char b[64];
    bool ok = true;
    fk_decimal_rc rc;
    int64_t r;

    if (!*desc)
        fk_order_add_finding(o, FK_CODE_DESCRIPTION_MISSING, "item_description",
                             "line %lu: item_description is empty", ln->line);
    rc = fk_decimal_parse(qty, sep, 3, &ln->qty_milli);
    if (rc != FK_DEC_OK || ln->qty_milli <= 0) {
        fk_order_add_finding(o, FK_CODE_QUANTITY_INVALID, "quantity",
                             "line %lu: quantity \"%s\" is not a positive number with at "
                             "most 3 decimals",
                             ln->line, shown(qty, b, sizeof(b)));
        ok = false;
    }
    rc = fk_decimal_parse(rate, sep, 2, &r);
    if (rc != FK_DEC_OK || r < 0 || r > 10000) {
        fk_order_add_finding(o, FK_CODE_VAT_RATE_INVALID, "vat_rate",
                             "line %lu: vat_rate \"%s\" is not a percentage from 0 to 100 "
                             "with at most 2 decimals",
                             ln->line, shown(rate, b, sizeof(b)));
        ok = false;
    } else {
        ln->vat_centi = (int32_t)r;
    }
    if (!currency_ok)
        return false;
    rc = fk_decimal_parse(price, sep, o->exponent, &ln->unit_price);
    if (rc != FK_DEC_OK) {
        fk_code c = rc == FK_DEC_PRECISION ? FK_CODE_AMOUNT_PRECISION
                    : rc == FK_DEC_RANGE   ? FK_CODE_AMOUNT_OVERFLOW
                                           : FK_CODE_AMOUNT_INVALID;
        fk_order_add_finding(o, c, "unit_price",
                             rc == FK_DEC_PRECISION
                                 ? "line %lu: unit_price \"%s\" has more decimals than %s "
                                   "allows (%d)"
                             : rc == FK_DEC_RANGE ? "line %lu: unit_price \"%s\" is too large "
                                                    "(%s, %d decimals)"
                                                  : "line %lu: unit_price \"%s\" is not a "
                                                    "plain decimal number (%s, %d decimals)",
                             ln->line, shown(price, b, sizeof(b)), o->currency, o->exponent);
        ok = false;
    }
    return ok;
}

/* Does line ln belong to VAT group gr (rate, category, exemption reason and code)? */
static bool in_group(const fk_vat_group *gr, const fk_line *ln)
{
    return gr->vat_centi == ln->vat_centi && !strcmp(gr->category, ln->category) &&
           !strcmp(gr->reason, FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_REASON)) &&
           !strcmp(gr->code, FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_CODE));
}

/* The order's VAT breakdown of line `ln` (rate, category, exemption), added when new;
 * NULL, with the finding added, when the order already has the most breakdowns. */
static fk_vat_group *group_of(fk_order *o, const fk_line *ln)
{
    size_t g;
    for (g = 0; g < o->ngroups && !in_group(&o->groups[g], ln); g++)
        ;
    if (g < o->ngroups)
        return &o->groups[g];
    if (o->ngroups == sizeof(o->groups) / sizeof(o->groups[0])) {
        fk_order_add_finding(o, FK_CODE_VAT_RATE_INVALID, "vat_rate",
                             "line %lu: the order has more than 16 VAT rates and categories",
                             ln->line);
        return NULL;
    }
    fk_vat_group *gr = &o->groups[o->ngroups++];
    *gr = (fk_vat_group){ln->vat_centi, 0, 0, "",
                         FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_REASON),
                         FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_CODE), 0};
    memcpy(gr->category, ln->category, sizeof(gr->category));
    return gr;
}

/* Ascending rate, then category, reason, code: the printed table and the stored
 * breakdown are stable. */
static int group_cmp(const fk_vat_group *a, const fk_vat_group *b)
{
    int c;
    if (a->vat_centi != b->vat_centi)
        return a->vat_centi < b->vat_centi ? -1 : 1;
    if ((c = strcmp(a->category, b->category)) != 0 || (c = strcmp(a->reason, b->reason)) != 0)
        return c;
    return strcmp(a->code, b->code);
}

/* An invoice is never negative, in no total and at no VAT rate: a discount line may lower
 * a rate's amounts, never below zero (100.00 at 0 % and -99.00 at 25 % is net +1.00 but
 * gross -23.75, and a negative VAT amount is a refund: a credit note's business). */
static bool negative_amounts(fk_order *o)
{
    char amt[40], vat[40], rate[16];

    if (o->net_total < 0 || o->gross_total < 0) {
        bool net = o->net_total < 0;
        fk_decimal_format(net ? o->net_total : o->gross_total, o->exponent, amt, sizeof(amt));
        fk_order_add_finding(o, FK_CODE_AMOUNT_NEGATIVE, "unit_price",
                             "the order's %s total is %s %s", net ? "net" : "gross", amt,
                             o->currency);
        return true;
    }
    for (size_t g = 0; g < o->ngroups; g++) {
        const fk_vat_group *vg = &o->groups[g];
        if (vg->taxable >= 0 && vg->vat >= 0)
            continue;
        fk_decimal_format(vg->taxable, o->exponent, amt, sizeof(amt));
        fk_decimal_format(vg->vat, o->exponent, vat, sizeof(vat));
        fk_decimal_format(vg->vat_centi, 2, rate, sizeof(rate));
        fk_order_add_finding(o, FK_CODE_AMOUNT_NEGATIVE, "unit_price",
                             "the order's lines at %s %% VAT add up to %s %s net, %s %s VAT: "
                             "no VAT rate's amounts may be negative",
                             rate, amt, o->currency, vat, o->currency);
        return true;
    }
    return false;
}

/* Parse every line and compute the totals. Returns false if any amount is unusable. */
static bool compute_amounts(fk_order *o, bool currency_ok, const fk_config *cfg)
{
    bool ok = true;
    char sep = o->decimal_sep ? o->decimal_sep : '.';

    if (o->nlines == 0)
        return false;
    for (size_t i = 0; i < o->nlines; i++) {
        bool line_ok = parse_line(o, &o->lines[i], sep, currency_ok);
        /* The category needs the rate only: decided even when the price is bad. */
        fk_validate__line_tax(o, &o->lines[i], cfg,
                              !fk_order_has_finding(o, FK_CODE_VAT_RATE_INVALID));
        if (!line_ok)
            ok = false;
    }
    if (!ok)
        return false;

    /* Line nets, then VAT per breakdown (rate, category, exemption) on the sum of rounded
     * nets. */
    for (size_t i = 0; i < o->nlines; i++) {
        fk_line *ln = &o->lines[i];
        if (!fk_mul_div_round(ln->qty_milli, ln->unit_price, 3, &ln->net))
            goto overflow;
        fk_vat_group *gr = group_of(o, ln);
        if (!gr)
            return false;
        if (!fk_add_checked(&gr->taxable, ln->net) ||
            !fk_add_checked(&o->net_total, ln->net))
            goto overflow;
    }
    /* Ascending rate order, so the printed table and the stored totals are stable. */
    for (size_t i = 1; i < o->ngroups; i++)
        for (size_t j = i; j > 0 && group_cmp(&o->groups[j - 1], &o->groups[j]) > 0; j--) {
            fk_vat_group t = o->groups[j];
            o->groups[j] = o->groups[j - 1];
            o->groups[j - 1] = t;
        }
    for (size_t g = 0; g < o->ngroups; g++) {
        if (!fk_mul_div_round(o->groups[g].taxable, o->groups[g].vat_centi, 4, &o->groups[g].vat) ||
            !fk_add_checked(&o->vat_total, o->groups[g].vat))
            goto overflow;
    }
    o->gross_total = o->net_total;
    if (!fk_add_checked(&o->gross_total, o->vat_total) || o->gross_total > MAX_INVOICE_MINOR ||
        !fk_validate__accounting(o))
        goto overflow;
    return !negative_amounts(o);
overflow:
    fk_order_add_finding(o, FK_CODE_AMOUNT_OVERFLOW, "unit_price",
                         "the order's amounts overflow (quantity x unit price or their sum is "
                         "beyond what can be invoiced)");
    o->ngroups = 0;
    o->net_total = o->vat_total = o->gross_total = 0;
    return false;
}

/* A shop order's amounts (validate/shop.c: the shop's gross kept, VAT per rate), then the
 * lines' tax categories (a tax class file may give them) and the breakdowns by rate and
 * category, as compute_amounts makes them. */
static bool shop_amounts(fk_order *o, const fk_config *cfg, bool currency_ok)
{
    fk_vat_group rates[16];
    size_t nrates;

    if (!fk_shop_amounts(o, cfg->input, currency_ok))
        return false;
    for (size_t i = 0; i < o->nlines; i++) {
        fk_line *ln = &o->lines[i];
        const fk_tax_class *tc = ln->kind == FK_LINE_ITEM
                                     ? fk_input_tax_class(cfg->input,
                                                          FK_LINE_FIELD(ln, FK_COL_ITEM_SKU))
                                     : NULL;
        if (tc && tc->category[0] && !*FK_LINE_FIELD(ln, FK_COL_VAT_CATEGORY))
            FK_LINE_FIELD(ln, FK_COL_VAT_CATEGORY) = fk_order_strdup(o, tc->category);
        fk_validate__line_tax(o, ln, cfg, true);
    }
    nrates = o->ngroups;
    memcpy(rates, o->groups, sizeof(rates));
    o->ngroups = 0;
    for (size_t i = 0; i < o->nlines; i++) {
        fk_line *ln = &o->lines[i];
        fk_vat_group *gr = group_of(o, ln);
        if (!gr)
            return false;
        gr->taxable += ln->net;
    }
    /* the VAT of a rate taken from its gross (shop.c); a rate split over several
     * categories (0 % lines only, in practice) gets its VAT per breakdown */
    for (size_t g = 0; g < o->ngroups; g++) {
        size_t same = 0, r = 0;
        for (size_t k = 0; k < o->ngroups; k++)
            same += o->groups[k].vat_centi == o->groups[g].vat_centi;
        for (size_t k = 0; k < nrates; k++)
            if (rates[k].vat_centi == o->groups[g].vat_centi)
                r = k;
        if (same == 1)
            o->groups[g].vat = rates[r].vat;
        else if (!fk_mul_div_round(o->groups[g].taxable, o->groups[g].vat_centi, 4,
                                   &o->groups[g].vat))
            return false;
    }
    for (size_t i = 1; i < o->ngroups; i++)
        for (size_t j = i; j > 0 && group_cmp(&o->groups[j - 1], &o->groups[j]) > 0; j--) {
            fk_vat_group t = o->groups[j];
            o->groups[j] = o->groups[j - 1];
            o->groups[j - 1] = t;
        }
    if (!fk_validate__accounting(o)) {
        fk_order_add_finding(o, FK_CODE_AMOUNT_OVERFLOW, "unit_price",
                             "the order's amounts are beyond what can be invoiced");
        return false;
    }
    return !negative_amounts(o);
}

/* ---- tax and language: decided here once; the pipeline and the renderer only read them ---- */

static bool in_eu(const char *cc)
{
    return fk_validate__in_eu(cc);
}

/* The invoice language: the order's `language` if supported, else from the buyer's
 * country, else English. Only the four exact codes count: any other value given, "de-AT"
 * and "de_CH" included, gives English (the renderer on its own would read "de-AT" as
 * German; this rule is the one every PDF so far was made with, so it stays). */
static void decide_language(fk_order *o)
{
    static const char *const supported[] = {"en", "de", "nb", "pl"};
    const char *cc = o->f[FK_COL_COUNTRY];
    const char *lang = "en";
    char given[8];

    snprintf(given, sizeof(given), "%s", o->f[FK_COL_LANGUAGE]);
    fk_ascii_lower(given);
    if (given[0]) {
        for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++)
            if (strcmp(given, supported[i]) == 0)
                lang = supported[i];
    } else if (!strcmp(cc, "DE") || !strcmp(cc, "AT") || !strcmp(cc, "LI")) {
        lang = "de";
    } else if (!strcmp(cc, "NO")) {
        lang = "nb";
    } else if (!strcmp(cc, "PL")) {
        lang = "pl";
    }
    memcpy(o->language, lang, 3);
}

/* Reverse charge (VAT Directive art. 196): a line of category AE (given, or derived for a
 * business buyer with a valid VAT number in another member state, services at 0 %). The
 * categories themselves are decided per line (validate_invoice.c). */
static void decide_tax(fk_order *o)
{
    o->buyer_in_eu = in_eu(o->f[FK_COL_COUNTRY]);
    o->reverse_charge = false;
    for (size_t i = 0; o->amounts_ok && i < o->nlines; i++)
        if (!strcmp(o->lines[i].category, "AE"))
            o->reverse_charge = true;
}

void fk_validate_order(fk_order *o, const fk_config *cfg, int64_t as_of, const char *today)
{
    const fk_input_cfg *in = cfg->input && cfg->input->mapped ? cfg->input : NULL;
    char utc_today[16];

    fk_order_mask_fields(o); /* first: every message below quotes masked values only */
    if (!today) {
        fk_format_date(as_of, utc_today, sizeof(utc_today));
        today = utc_today;
    }
    check_order_id(o);
    /* An order the shop refunded or cancelled is not checked further: it is skipped
     * whatever else its data lacks. */
    if (fk_shop_not_billable(o, cfg->input)) {
        o->amounts_ok = false;
        return;
    }
    check_date(o, today, in);
    check_customer(o, cfg);
    check_payment(o, cfg->input);
    bool cur_ok = check_currency(o);
    fk_validate__exchange_rate(o, cfg, cur_ok);
    o->amounts_ok = in ? shop_amounts(o, cfg, cur_ok) : compute_amounts(o, cur_ok, cfg);
    fk_validate__delivery(o);
    decide_language(o);
    decide_tax(o);
}

/* ---- the seller ---- */

fk_status fk_validate_seller(fk_config *cfg, fk_error *err)
{
    char b[64], norm[64];
    const char *path = cfg->path;
    fk_code c;

    if (!cfg->seller_country)
        return FK_OK; /* no seller (the built-in defaults): `run` refuses those */
    fk_ascii_upper(cfg->seller_country);
    if (!fk_country_known(cfg->seller_country))
        return fk_error_set(err, FK_EUSAGE, path, fk_config_line(cfg, "seller", "country"),
                            "country", "[seller] country \"%s\" is not an ISO 3166 alpha-2 code",
                            shown(cfg->seller_country, b, sizeof(b)));
    c = fk_taxid_check(cfg->seller_vat_id, cfg->seller_country, norm, sizeof(norm));
    if (c != FK_CODE_NONE)
        return fk_error_set(err, FK_EUSAGE, path, fk_config_line(cfg, "seller", "vat_id"),
                            "vat_id", "[seller] vat_id \"%s\": %s (country %s)",
                            shown(cfg->seller_vat_id, b, sizeof(b)), taxid_problem(c),
                            cfg->seller_country);
    snprintf(cfg->seller_vat_norm, sizeof(cfg->seller_vat_norm), "%s", norm);
    if (fk_iban_check(cfg->seller_iban, norm, sizeof(norm)) != FK_CODE_NONE)
        return fk_error_set(err, FK_EUSAGE, path, fk_config_line(cfg, "seller", "iban"), "iban",
                            "[seller] iban \"%s\" is not a valid IBAN (country, length or "
                            "check digits)",
                            shown(cfg->seller_iban, b, sizeof(b)));
    char cc[3] = {norm[0], norm[1], '\0'};
    if (cfg->seller_bic && *cfg->seller_bic && fk_bic_check(cfg->seller_bic, cc) != FK_CODE_NONE)
        return fk_error_set(err, FK_EUSAGE, path, fk_config_line(cfg, "seller", "bic"), "bic",
                            "[seller] bic \"%s\" is malformed or not of the IBAN's country %s",
                            shown(cfg->seller_bic, b, sizeof(b)), cc);
    return fk_config_check_currency(cfg, err);
}
