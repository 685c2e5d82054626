/* SPDX-License-Identifier: MIT */
/* validate_invoice.c -- the content an invoice of record needs beyond amounts (see
 * validate_invoice.h): VAT categories (UNCL5305) with their plausibility, the exchange rate
 * into the seller's accounting currency, the delivery date or period, units, the Polish
 * split payment.
 *
 * A category left empty is derived (issue 17): a rate above 0 is S; at 0 %, a business
 * buyer with a valid VAT number in another EU country than the seller's gets K for goods
 * and AE for services, a buyer outside the EU (seen from the seller: for a seller outside
 * the EU, any buyer abroad) G for goods and O for services; any other 0 % line must name
 * its category. Without a config (`validate` alone) the seller is unknown: it is taken as
 * a seller in the EU, abroad for every buyer, and the checks against its country are left
 * out.
 *
 * Rounding of the VAT in the accounting currency: per VAT breakdown, its VAT x the exchange
 * rate, rounded half away from zero to the accounting currency's minor unit; the total is
 * the sum of those (docs/input.md, docs/invoice.md).
 */
#include <stdio.h>
#include <string.h>
#include "core/invoice_codes.h"
#include "core/money.h"
#include "core/util.h"
#include "validate/validate_invoice.h"

#define RATE_SCALE 6                    /* exchange rates: at most 6 decimals */
#define RATE_MAX 1000000000000LL        /* 1,000,000 accounting units per unit, scaled */
#define SPLIT_PAYMENT_MIN 1500000       /* 15,000.00 PLN, in grosze */

static const char eu_members[] =
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK ";

bool fk_validate__in_eu(const char *cc)
{
    if (!cc || strlen(cc) != 2)
        return false;
    for (const char *p = eu_members; *p; p += 3)
        if (p[0] == cc[0] && p[1] == cc[1])
            return true;
    return false;
}

static const char *shown(const char *v, char *buf, size_t n)
{
    return fk_quote_value(v, buf, n);
}

/* The seller as the category rules see it. */
typedef struct seller_view {
    bool known;      /* a config with a seller */
    bool in_eu;
    const char *cc;  /* "" when unknown */
} seller_view;

static seller_view seller_of(const fk_config *cfg)
{
    seller_view s = {false, true, ""};
    if (cfg && cfg->seller_country && cfg->seller_country[0]) {
        s.known = true;
        s.cc = cfg->seller_country;
        s.in_eu = fk_validate__in_eu(cfg->seller_country);
    }
    return s;
}

/* The buyer is abroad (seen from the seller; an unknown seller is abroad for everyone). */
static bool abroad(const fk_order *o, const seller_view *s)
{
    return !s->known || strcmp(o->f[FK_COL_COUNTRY], s->cc) != 0;
}

/* Intra-EU: seller and buyer in two different member states. */
static bool intra_eu(const fk_order *o, const seller_view *s)
{
    return s->in_eu && o->buyer_in_eu && abroad(o, s);
}

/* Outside the EU, seen from the seller: an EU seller's buyer outside the EU, or any buyer
 * abroad of a seller outside the EU. */
static bool export_buyer(const fk_order *o, const seller_view *s)
{
    return abroad(o, s) && (s->in_eu ? !o->buyer_in_eu : true);
}

static bool valid_business_id(const fk_order *o)
{
    return o->customer_type == FK_BUSINESS && o->tax_id_norm[0];
}

/* Why category `cat` does not fit the line's rate and the buyer, or NULL if it does. */
static const char *mismatch(const fk_order *o, const fk_line *ln, const char *cat,
                            const seller_view *s)
{
    bool zero = ln->vat_centi == 0;

    if (!strcmp(cat, "S"))
        return zero ? "S (standard rate) needs a rate above 0 %" : NULL;
    if (!zero)
        return "only S (standard rate) may have a rate above 0 %";
    if (!strcmp(cat, "K") || !strcmp(cat, "AE")) {
        if (s->known && !strcmp(o->f[FK_COL_COUNTRY], s->cc))
            return "the buyer is in the seller's country";
        if (!valid_business_id(o))
            return "the buyer is not a business with a valid VAT number";
        if (!strcmp(cat, "K") && !intra_eu(o, s))
            return "an intra-Community supply needs seller and buyer in two EU countries";
    }
    if (!strcmp(cat, "G")) {
        if (s->known && !strcmp(o->f[FK_COL_COUNTRY], s->cc))
            return "the buyer is in the seller's country";
        if (s->in_eu && o->buyer_in_eu)
            return "the buyer is inside the EU (an export leaves it)";
    }
    return NULL;
}

/* true, false, or -1 when it is neither. */
static int parse_bool(char *v)
{
    fk_ascii_lower(fk_trim(v));
    if (!*v || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
        return 0;
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
        return 1;
    return -1;
}

void fk_validate__line_tax(fk_order *o, fk_line *ln, const fk_config *cfg, bool rate_ok)
{
    char *cat = fk_trim(FK_LINE_FIELD(ln, FK_COL_VAT_CATEGORY));
    char *supply = fk_trim(FK_LINE_FIELD(ln, FK_COL_SUPPLY_TYPE));
    char *unit = fk_trim(FK_LINE_FIELD(ln, FK_COL_UNIT));
    char *code = fk_trim(FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_CODE));
    const char *reason = fk_trim(FK_LINE_FIELD(ln, FK_COL_VAT_EXEMPTION_REASON));
    seller_view s = seller_of(cfg);
    char b[64];
    const char *why;
    int split;

    o->buyer_in_eu = fk_validate__in_eu(o->f[FK_COL_COUNTRY]);
    ln->category[0] = '\0';
    fk_ascii_lower(supply);
    if (!*supply)
        ln->services = cfg && cfg->services_default;
    else if (!strcmp(supply, "goods") || !strcmp(supply, "services"))
        ln->services = !strcmp(supply, "services");
    else
        fk_order_add_finding(o, FK_CODE_SUPPLY_TYPE_INVALID, "supply_type",
                             "line %lu: supply_type \"%s\" is neither goods nor services",
                             ln->line, shown(supply, b, sizeof(b)));
    fk_ascii_upper(unit);
    ln->unit = *unit ? unit : "C62";
    if (!fk_unit_known(ln->unit))
        fk_order_add_finding(o, FK_CODE_UNIT_INVALID, "unit",
                             "line %lu: unit \"%s\" is not a UN/ECE Recommendation 20 code "
                             "faktura knows (%s)",
                             ln->line, shown(unit, b, sizeof(b)), fk_unit_codes());
    split = parse_bool(FK_LINE_FIELD(ln, FK_COL_SPLIT_PAYMENT));
    if (split < 0)
        fk_order_add_finding(o, FK_CODE_SPLIT_PAYMENT_INVALID, "split_payment",
                             "line %lu: split_payment \"%s\" is neither true nor false",
                             ln->line, shown(FK_LINE_FIELD(ln, FK_COL_SPLIT_PAYMENT), b,
                                             sizeof(b)));
    ln->split_payment = split == 1;
    fk_ascii_upper(code);
    if (*code && strncmp(code, "VATEX-", 6) != 0)
        fk_order_add_finding(o, FK_CODE_VAT_CATEGORY_INVALID, "vat_exemption_code",
                             "line %lu: vat_exemption_code \"%s\" is not a VATEX code "
                             "(VATEX-EU-...)",
                             ln->line, shown(code, b, sizeof(b)));

    fk_ascii_upper(cat);
    if (*cat && !fk_vat_category_known(cat)) {
        fk_order_add_finding(o, FK_CODE_VAT_CATEGORY_INVALID, "vat_category",
                             "line %lu: vat_category \"%s\" is not S, Z, E, AE, K, G or O",
                             ln->line, shown(cat, b, sizeof(b)));
        return;
    }
    if (!rate_ok)
        return;
    if (*cat) {
        snprintf(ln->category, sizeof(ln->category), "%s", cat);
        if ((why = mismatch(o, ln, cat, &s)) != NULL)
            fk_order_add_finding(o, FK_CODE_VAT_CATEGORY_MISMATCH, "vat_category",
                                 "line %lu: vat_category %s at %s %%: %s", ln->line, cat,
                                 FK_LINE_FIELD(ln, FK_COL_VAT_RATE), why);
    } else if (ln->vat_centi > 0) {
        memcpy(ln->category, "S", 2);
    } else if (intra_eu(o, &s) && valid_business_id(o)) {
        snprintf(ln->category, sizeof(ln->category), "%s", ln->services ? "AE" : "K");
    } else if (export_buyer(o, &s)) {
        memcpy(ln->category, ln->services ? "O" : "G", 2);
    } else {
        fk_order_add_finding(o, FK_CODE_VAT_CATEGORY_MISSING, "vat_category",
                             "line %lu: a 0 %% line for this buyer (%s, %s) needs a "
                             "vat_category: it is neither an intra-EU business supply nor "
                             "an export",
                             ln->line, o->f[FK_COL_COUNTRY],
                             o->customer_type == FK_CONSUMER ? "consumer"
                             : o->tax_id_norm[0]             ? "business"
                                                             : "business without a VAT "
                                                               "number");
    }
    if (!strcmp(ln->category, "E") && !*reason)
        fk_order_add_finding(o, FK_CODE_VAT_EXEMPTION_REASON_MISSING, "vat_exemption_reason",
                             "line %lu: category E (exempt) needs a vat_exemption_reason",
                             ln->line);
}

/* A date as written (an offset may follow): its YYYY-MM-DD into out. */
static bool date_as_written(const char *s, char out[11])
{
    int64_t local;
    if (!fk_time_parse_ex(s, &local, NULL, NULL))
        return false;
    fk_format_date(local, out, 11);
    return true;
}

void fk_validate__exchange_rate(fk_order *o, const fk_config *cfg, bool currency_ok)
{
    char *rate = fk_trim(o->f[FK_COL_EXCHANGE_RATE]);
    char *date = fk_trim(o->f[FK_COL_EXCHANGE_RATE_DATE]);
    char b[64];
    int64_t micro;

    o->exchange_rate_micro = 0;
    o->exchange_rate[0] = o->exchange_rate_date[0] = '\0';
    memcpy(o->accounting_currency, "EUR", 4);
    o->accounting_exponent = 2;
    if (!cfg || !cfg->seller_country || !currency_ok) {
        /* No seller: no accounting currency to show VAT in. */
        if (cfg && cfg->seller_country) {
            memcpy(o->accounting_currency, cfg->accounting_currency, 4);
            o->accounting_exponent = cfg->accounting_exponent;
        } else if (currency_ok) {
            memcpy(o->accounting_currency, o->currency, 4);
            o->accounting_exponent = o->exponent;
        }
        return;
    }
    memcpy(o->accounting_currency, cfg->accounting_currency, 4);
    o->accounting_exponent = cfg->accounting_exponent;
    if (!strcmp(o->currency, o->accounting_currency))
        return; /* a rate given anyway is not needed and not printed */
    if (!*rate || !*date) {
        fk_order_add_finding(o, FK_CODE_EXCHANGE_RATE_MISSING, !*rate ? "exchange_rate"
                                                                      : "exchange_rate_date",
                             "the invoice is in %s and the seller accounts in %s: %s is "
                             "empty",
                             o->currency, o->accounting_currency,
                             !*rate ? "exchange_rate" : "exchange_rate_date");
        return;
    }
    if (fk_decimal_parse(rate, o->decimal_sep ? o->decimal_sep : '.', RATE_SCALE, &micro) !=
            FK_DEC_OK ||
        micro <= 0 || micro > RATE_MAX) {
        fk_order_add_finding(o, FK_CODE_EXCHANGE_RATE_INVALID, "exchange_rate",
                             "exchange_rate \"%s\" is not a positive number with at most 6 "
                             "decimals",
                             shown(rate, b, sizeof(b)));
        return;
    }
    if (!date_as_written(date, o->exchange_rate_date)) {
        fk_order_add_finding(o, FK_CODE_EXCHANGE_RATE_INVALID, "exchange_rate_date",
                             "exchange_rate_date \"%s\" is not a date (YYYY-MM-DD)",
                             shown(date, b, sizeof(b)));
        return;
    }
    o->exchange_rate_micro = micro;
    /* The rate as a canonical decimal: no trailing zeros, no bare point. */
    fk_decimal_format(micro, RATE_SCALE, o->exchange_rate, sizeof(o->exchange_rate));
    size_t n = strlen(o->exchange_rate);
    while (n > 0 && o->exchange_rate[n - 1] == '0')
        o->exchange_rate[--n] = '\0';
    if (n > 0 && o->exchange_rate[n - 1] == '.')
        o->exchange_rate[--n] = '\0';
}

void fk_validate__delivery(fk_order *o)
{
    const char *d = fk_trim(o->f[FK_COL_DELIVERY_DATE]);
    const char *ps = fk_trim(o->f[FK_COL_PERIOD_START]);
    const char *pe = fk_trim(o->f[FK_COL_PERIOD_END]);
    char b[64];

    o->delivery_date[0] = o->period_start[0] = o->period_end[0] = '\0';
    if (*d && !date_as_written(d, o->delivery_date))
        fk_order_add_finding(o, FK_CODE_DELIVERY_DATE_INVALID, "delivery_date",
                             "delivery_date \"%s\" is not a date (YYYY-MM-DD)",
                             shown(d, b, sizeof(b)));
    if (*ps || *pe) {
        if (!*ps || !*pe)
            fk_order_add_finding(o, FK_CODE_DELIVERY_DATE_INVALID,
                                 *ps ? "period_end" : "period_start",
                                 "a delivery period needs period_start and period_end; %s "
                                 "is empty",
                                 *ps ? "period_end" : "period_start");
        else if (!date_as_written(ps, o->period_start))
            fk_order_add_finding(o, FK_CODE_DELIVERY_DATE_INVALID, "period_start",
                                 "period_start \"%s\" is not a date (YYYY-MM-DD)",
                                 shown(ps, b, sizeof(b)));
        else if (!date_as_written(pe, o->period_end))
            fk_order_add_finding(o, FK_CODE_DELIVERY_DATE_INVALID, "period_end",
                                 "period_end \"%s\" is not a date (YYYY-MM-DD)",
                                 shown(pe, b, sizeof(b)));
        else if (strcmp(o->period_end, o->period_start) < 0)
            fk_order_add_finding(o, FK_CODE_DELIVERY_DATE_INVALID, "period_end",
                                 "period_end %s is before period_start %s", o->period_end,
                                 o->period_start);
    }
    if (!o->period_start[0] || !o->period_end[0])
        o->period_start[0] = o->period_end[0] = '\0';
    /* No delivery date and no period: the order date (the day the order was written in
     * its own offset). */
    if (!*d && !o->period_start[0] && o->order_time)
        fk_format_date(o->order_time + o->order_offset, o->delivery_date,
                       sizeof(o->delivery_date));
}

/* v (minor units of exponent from) x rate / 10^6 in minor units of exponent to, rounded
 * half away from zero. false on overflow. */
static bool convert(int64_t v, int64_t micro, int from, int to, int64_t *out)
{
    __int128 num = (__int128)v * micro, den = 1000000;
    for (int i = from; i < to; i++)
        num *= 10;
    for (int i = to; i < from; i++)
        den *= 10;
    __int128 a = num < 0 ? -num : num;
    __int128 q = (a + den / 2) / den;
    if (q > INT64_MAX)
        return false;
    *out = num < 0 ? -(int64_t)q : (int64_t)q;
    return true;
}

bool fk_validate__accounting(fk_order *o)
{
    bool split = false;
    int64_t gross_pln = -1;

    o->vat_total_accounting = 0;
    for (size_t g = 0; g < o->ngroups; g++) {
        fk_vat_group *gr = &o->groups[g];
        if (o->exchange_rate_micro) {
            if (!convert(gr->vat, o->exchange_rate_micro, o->exponent, o->accounting_exponent,
                         &gr->vat_accounting))
                return false;
        } else {
            gr->vat_accounting = gr->vat;
        }
        if (!fk_add_checked(&o->vat_total_accounting, gr->vat_accounting))
            return false;
    }
    for (size_t i = 0; i < o->nlines; i++)
        split |= o->lines[i].split_payment;
    o->split_payment_note = false;
    if (!split)
        return true;
    if (!strcmp(o->currency, "PLN"))
        gross_pln = o->gross_total;
    else if (!strcmp(o->accounting_currency, "PLN") && o->exchange_rate_micro &&
             !convert(o->gross_total, o->exchange_rate_micro, o->exponent,
                      o->accounting_exponent, &gross_pln))
        return false;
    if (gross_pln < 0) {
        if (!fk_order_has_finding(o, FK_CODE_EXCHANGE_RATE_MISSING) &&
            !fk_order_has_finding(o, FK_CODE_EXCHANGE_RATE_INVALID))
            fk_order_add_finding(o, FK_CODE_SPLIT_PAYMENT_INVALID, "split_payment",
                                 "split_payment applies to Polish invoices: the invoice is in "
                                 "%s and the seller accounts in %s, not PLN",
                                 o->currency, o->accounting_currency);
        return true;
    }
    o->split_payment_note = gross_pln >= SPLIT_PAYMENT_MIN;
    return true;
}
