/* SPDX-License-Identifier: MIT */
/* shop.c -- amounts, payment state and status of orders read through a mapping (shop
 * exports: docs/input.md, "Amounts from shop exports").
 *
 * Why the gross decides: a shop charged its customer a gross amount per line (prices
 * including VAT, or the shop's net plus the shop's tax on it). An invoice computed forward
 * from rounded nets cannot reach every gross (19 % of 12.52 is 2.38: 14.90 gross, but no
 * net gives 14.89), so the invoice keeps the shop's gross per line and takes VAT out of it
 * once per rate: VAT_r = round_half_up(gross_r x r / (100 + r)), net_r = gross_r - VAT_r.
 * The invoice's gross total is then the shop's total to the cent, and each rate's VAT is
 * within what EN 16931 BR-CO-17 tolerates of net_r x r.
 *
 * Shipping, fees and an order-level discount are one amount per order: with one VAT rate
 * they take it; with several they are split over the rates in proportion to the item nets
 * per rate (largest remainder, so the parts add up to the amount exactly), unless the
 * shop's own tax on them (shipping_vat, fee_vat) shows which single rate it charged.
 *
 * Integers only: amounts in minor units, rates in hundredths of a percent, products in
 * 128 bits where two amounts meet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/buf.h"
#include "core/money.h"
#include "core/util.h"
#include "validate/validate.h"

#define MAX_RATES 16
#define MAX_AMOUNT 1000000000000000LL /* as validate.c: 10^15 minor units */

typedef __int128 i128;

/* round(a / b), half away from zero; b > 0 */
static int64_t rdiv(i128 a, i128 b)
{
    i128 q = (a < 0 ? -a : a) / b, r = (a < 0 ? -a : a) % b;
    if (2 * r >= b)
        q++;
    return (int64_t)(a < 0 ? -q : q);
}

/* The VAT inside a gross amount at rate r (hundredths of a percent). */
static int64_t vat_in_gross(int64_t gross, int32_t r)
{
    return rdiv((i128)gross * r, 10000 + (i128)r);
}

static int64_t vat_on_net(int64_t net, int32_t r)
{
    return rdiv((i128)net * r, 10000);
}

static bool in_list(char *const *list, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(list[i], v))
            return true;
    return false;
}

static const char *shown(const char *v, char *b, size_t n)
{
    return fk_quote_value(v, b, n);
}

/* ---- status ------------------------------------------------------------------------------ */

bool fk_shop_not_billable(fk_order *o, const fk_input_cfg *in)
{
    const char *st = o->f[FK_COL_SOURCE_STATUS];
    char b[64];

    if (!in || !*st || !in_list(in->skip_status, in->nskip, st))
        return false;
    fk_order_add_finding(o, FK_CODE_ORDER_NOT_BILLABLE, "source_status",
                         "the shop's status is \"%s\" ([input] skip_status): not invoiced",
                         shown(st, b, sizeof(b)));
    return true;
}

/* ---- payment ----------------------------------------------------------------------------- */

static const struct {
    const char *id, *name;
} PROVIDERS[] = {
    {"shopify_payments", "Shopify Payments"}, {"paypal", "PayPal"}, {"klarna", "Klarna"},
    {"przelewy24", "Przelewy24"}, {"stripe", "Stripe"}, {"adyen", "Adyen"},
    {"mollie", "Mollie"}, {"woopayments", "WooPayments"}, {"amazon_pay", "Amazon Pay"},
    {"apple_pay", "Apple Pay"}, {"google_pay", "Google Pay"}, {"sofort", "Sofort"},
    {"bank_transfer", ""}, {"cash", ""},
};

/* A masked card as shops show it: "Visa •••• 4242", "************4242", "xxxx-4242":
 * mask characters and at most four digits, never a number that could be charged. */
static bool masked_card(const char *s, char brand[16], char last4[5])
{
    size_t digits = 0, masks = 0;
    const char *p = s, *d = NULL;
    char word[16] = "";
    size_t wl = 0;

    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= '0' && c <= '9') {
            if (!digits)
                d = p;
            digits++;
        } else if (c == '*' || c == 'x' || c == 'X' || c == '#') {
            masks++;
        } else if (!strncmp(p, "\xE2\x80\xA2", 3)) { /* U+2022 bullet */
            masks++;
            p += 2;
        } else if (((c | 32) >= 'a' && (c | 32) <= 'z') && !digits && !masks) {
            if (wl + 1 < sizeof(word))
                word[wl++] = (char)c;
        } else if (c != ' ' && c != '-' && c != '.') {
            return false;
        }
    }
    word[wl] = '\0';
    if (digits != 4 || masks < 3)
        return false;
    memcpy(last4, d, 4);
    last4[4] = '\0';
    snprintf(brand, 16, "%s", word);
    return true;
}

bool fk_shop_payment(fk_order *o, const fk_input_cfg *in, const char *method)
{
    const char *prov = o->f[FK_COL_PAYMENT_PROVIDER];
    const char *status = o->f[FK_COL_SOURCE_STATUS];
    char b[64], brand[16], last4[5];
    bool confirmed = in && in->npaid > 0 && *status && in_list(in->paid_status, in->npaid, status);

    if (!strcmp(method, "paid")) {
        if (in && in->npaid > 0 && !confirmed) {
            fk_order_add_finding(o, FK_CODE_ORDER_NOT_BILLABLE, "source_status",
                                 "paid through a provider, but the shop's status \"%s\" does "
                                 "not confirm the payment ([input] paid_status)",
                                 shown(status, b, sizeof(b)));
        }
        o->payment = FK_PAY_PAID;
    } else if (!strcmp(method, "cash_on_delivery")) {
        o->payment = FK_PAY_COD;
    } else if (!strcmp(method, "card") && !o->card.digits_only &&
               masked_card(o->f[FK_COL_CARD_NUMBER][0] ? o->f[FK_COL_CARD_NUMBER] : prov, brand,
                           last4)) {
        o->payment = FK_PAY_PAID;
        snprintf(o->card.last4, sizeof(o->card.last4), "%s", last4);
        if (brand[0] && !o->card.brand[0])
            snprintf(o->card.brand, sizeof(o->card.brand), "%s", brand);
    } else if (!strcmp(method, "bank_transfer") && confirmed) {
        o->payment = FK_PAY_PAID; /* a transfer the shop saw arrive */
        if (!*prov)
            prov = "bank_transfer";
    } else {
        return false;
    }
    if (o->payment != FK_PAY_PAID)
        return true;
    o->paid = true;
    /* the provider as printed */
    const char *name = prov;
    for (size_t i = 0; i < sizeof(PROVIDERS) / sizeof(PROVIDERS[0]); i++)
        if (!strcasecmp(prov, PROVIDERS[i].id))
            name = PROVIDERS[i].name;
    if (!*name && o->card.brand[0] && o->card.last4[0])
        name = o->card.brand;
    snprintf(o->provider_name, sizeof(o->provider_name), "%s", name);
    /* the day paid, in its own offset; the order's day when the export has none */
    const char *pd = o->f[FK_COL_PAID_DATE];
    int64_t t;
    int32_t off;
    if (*pd && fk_time_parse_ex(pd, &t, &off, NULL))
        fk_format_date(t, o->paid_date, sizeof(o->paid_date));
    return true;
}

/* ---- amounts ----------------------------------------------------------------------------- */

typedef struct rate_sum {
    int32_t r;
    int64_t items;      /* A_r: the item amounts (gross, or net) */
    int64_t basis;      /* B_r: the item nets */
    int64_t add;        /* shipping and fees given to the rate, minus its discount part */
    int64_t total;      /* H_r (gross) or the rate's net */
} rate_sum;

/* An amount of the order: "" is 0. False (with a finding) when it is not an amount. */
static bool amount(fk_order *o, fk_column col, const char *v, int64_t *out)
{
    char b[64];
    fk_decimal_rc rc;

    *out = 0;
    if (!*v)
        return true;
    rc = fk_decimal_parse(v, o->decimal_sep ? o->decimal_sep : '.', o->exponent, out);
    if (rc == FK_DEC_OK && *out > -MAX_AMOUNT && *out < MAX_AMOUNT)
        return true;
    fk_order_add_finding(o, rc == FK_DEC_PRECISION ? FK_CODE_AMOUNT_PRECISION
                            : rc == FK_DEC_RANGE || rc == FK_DEC_OK ? FK_CODE_AMOUNT_OVERFLOW
                                                                    : FK_CODE_AMOUNT_INVALID,
                         fk_column_name(col), "%s \"%s\" is not an amount in %s (%d decimals)",
                         fk_column_name(col), shown(v, b, sizeof(b)), o->currency, o->exponent);
    return false;
}

static const int32_t COMMON_RATES[] = {
    0,    210,  250,  260,  300,  380,  500,  550,  600,  700,  800,  810,  900,  950,
    1000, 1200, 1300, 1350, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100, 2200, 2300,
    2400, 2500, 2550, 2700};

/* The rate that turns a net into the shop's tax on it, exactly; among several (tiny
 * amounts) the one nearest the quotient. -1 if none. */
static int32_t rate_from_tax(int64_t net, int64_t tax, int64_t slack)
{
    int32_t best = -1;
    i128 bestd = 0;
    if (net <= 0)
        return -1;
    for (size_t i = 0; i < sizeof(COMMON_RATES) / sizeof(COMMON_RATES[0]); i++) {
        int64_t v = vat_on_net(net, COMMON_RATES[i]);
        if (llabs(v - tax) > slack)
            continue;
        i128 d = (i128)tax * 10000 - (i128)net * COMMON_RATES[i];
        if (d < 0)
            d = -d;
        if (best < 0 || d < bestd) {
            best = COMMON_RATES[i];
            bestd = d;
        }
    }
    return best;
}

/* The VAT rate of an item line, in the order of docs/input.md. */
static bool line_rate(fk_order *o, const fk_input_cfg *in, fk_line *ln, int32_t names_rate,
                      int names_count, bool untaxed, int64_t net, int64_t tax, bool have_tax)
{
    const char *rate = FK_LINE_FIELD(ln, FK_COL_VAT_RATE);
    const char *sku = FK_LINE_FIELD(ln, FK_COL_ITEM_SKU);
    char b[64];
    int64_t r;

    if (*rate) {
        if (fk_decimal_parse(rate, o->decimal_sep ? o->decimal_sep : '.', 2, &r) != FK_DEC_OK ||
            r < 0 || r > 10000) {
            fk_order_add_finding(o, FK_CODE_VAT_RATE_INVALID, "vat_rate",
                                 "line %lu: vat_rate \"%s\" is not a percentage from 0 to 100 "
                                 "with at most 2 decimals", ln->line, shown(rate, b, sizeof(b)));
            return false;
        }
        ln->vat_centi = (int32_t)r;
        return true;
    }
    if (untaxed) {
        ln->vat_centi = 0;
        return true;
    }
    const fk_tax_class *tc = fk_input_tax_class(in, sku);
    if (tc) {
        ln->vat_centi = tc->vat_centi;
        return true;
    }
    if (have_tax) {
        int32_t t = rate_from_tax(net, tax, 0);
        if (t >= 0) {
            ln->vat_centi = t;
            return true;
        }
    }
    if (names_count == 1) {
        ln->vat_centi = names_rate;
        return true;
    }
    for (size_t i = 0; i < in->ndefaults; i++)
        if (!strcmp(in->defaults[i].country, o->f[FK_COL_COUNTRY])) {
            ln->vat_centi = in->defaults[i].vat_centi;
            return true;
        }
    fk_order_add_finding(o, FK_CODE_VAT_RATE_MISSING, "vat_rate",
                         "line %lu: no VAT rate for sku \"%s\" (no vat_rate column, not in the "
                         "tax class file, %s, no default_vat_rate.%s)", ln->line,
                         shown(sku, b, sizeof(b)),
                         names_count > 1 ? "the order's tax names give several rates"
                                         : "no rate in the order's tax names",
                         o->f[FK_COL_COUNTRY]);
    return false;
}

/* Split `amount` over the rates in proportion to their bases, largest remainder first
 * (ties: the larger basis, then the earlier rate). The parts add up to amount. */
static void split(int64_t amount, const rate_sum *s, size_t n, int64_t *part)
{
    i128 sum = 0;
    int64_t given = 0;
    i128 rem[MAX_RATES];
    for (size_t i = 0; i < n; i++)
        sum += s[i].basis;
    if (sum <= 0) {
        /* no proportion (free items): the highest rate takes it */
        size_t hi = 0;
        for (size_t i = 0; i < n; i++) {
            part[i] = 0;
            if (s[i].r > s[hi].r)
                hi = i;
        }
        part[hi] = amount;
        return;
    }
    i128 a = amount < 0 ? -(i128)amount : amount;
    for (size_t i = 0; i < n; i++) {
        i128 p = a * s[i].basis;
        part[i] = (int64_t)(p / sum);
        rem[i] = p % sum;
        given += part[i];
    }
    for (int64_t left = (int64_t)a - given; left > 0; left--) {
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (best == SIZE_MAX || rem[i] > rem[best] ||
                (rem[i] == rem[best] && s[i].basis > s[best].basis))
                best = i;
        part[best]++;
        rem[best] = -1;
    }
    if (amount < 0)
        for (size_t i = 0; i < n; i++)
            part[i] = -part[i];
}

/* A line validate adds for an order-level amount at one rate. */
static fk_line *extra_line(fk_order *o, fk_line_kind kind, const char *text, int32_t r,
                           int64_t amount)
{
    fk_line *ln = fk_order_add_line(o);
    char num[48];
    for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
        FK_LINE_FIELD(ln, c) = fk_order_strdup(o, "");
    FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION) = fk_order_strdup(o, text);
    FK_LINE_FIELD(ln, FK_COL_QUANTITY) = fk_order_strdup(o, "1");
    fk_decimal_format(r, 2, num, sizeof(num));
    FK_LINE_FIELD(ln, FK_COL_VAT_RATE) = fk_order_strdup(o, num);
    ln->kind = (uint8_t)kind;
    ln->line = o->line;
    ln->qty_milli = 1000;
    ln->vat_centi = r;
    ln->net = amount; /* for now the line's gross (or net) amount; made net below */
    return ln;
}

/* The rate of the shop's own tax on an order-level amount (shipping_vat, fee_vat), among
 * the order's rates, or -1 (then the amount is split). */
static int32_t charged_rate(const rate_sum *s, size_t n, int64_t net, int64_t tax, bool have)
{
    if (!have || net <= 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (llabs(vat_on_net(net, s[i].r) - tax) <= 1)
            return s[i].r;
    return -1;
}

/* The order's hints for a line's VAT rate (line_rate). */
typedef struct rate_hints {
    int32_t names_rate; /* the first rate in the order's tax names */
    int names_count;    /* how many rates they name */
    bool untaxed;       /* zero_vat_if_untaxed: the shop charged no tax at all */
} rate_hints;

/* Step 1, one item line: its amount (the shop's gross per line in gross mode, else its net)
 * into *out and ln->net, its VAT rate into ln->vat_centi. False (with a finding) when the
 * line cannot be invoiced. */
static bool item_amount(fk_order *o, const fk_input_cfg *in, const rate_hints *h, fk_line *ln,
                        int64_t *out, int64_t *line_discounts)
{
    char sep = o->decimal_sep ? o->decimal_sep : '.';
    char b[64];
    const char *desc = FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION);
    const char *qty = FK_LINE_FIELD(ln, FK_COL_QUANTITY);
    const char *price = FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE);
    const char *total = FK_LINE_FIELD(ln, FK_COL_LINE_TOTAL);
    const char *ltax = FK_LINE_FIELD(ln, FK_COL_LINE_VAT);
    int64_t g = 0, disc = 0, tax = 0, up = 0;

    if (!*desc)
        fk_order_add_finding(o, FK_CODE_DESCRIPTION_MISSING, "item_description",
                             "line %lu: item_description is empty", ln->line);
    if (fk_decimal_parse(qty, sep, 3, &ln->qty_milli) != FK_DEC_OK || ln->qty_milli <= 0) {
        fk_order_add_finding(o, FK_CODE_QUANTITY_INVALID, "quantity",
                             "line %lu: quantity \"%s\" is not a positive number with at "
                             "most 3 decimals", ln->line, shown(qty, b, sizeof(b)));
        return false;
    }
    bool line_ok = amount(o, FK_COL_LINE_DISCOUNT, FK_LINE_FIELD(ln, FK_COL_LINE_DISCOUNT),
                          &disc) &
                   amount(o, FK_COL_LINE_VAT, ltax, &tax);
    if (*total) {
        line_ok &= amount(o, FK_COL_LINE_TOTAL, total, &g);
        if (*price && !amount(o, FK_COL_UNIT_PRICE, price, &up))
            line_ok = false;
    } else if (!*price) {
        fk_order_add_finding(o, FK_CODE_AMOUNT_INVALID, "unit_price",
                             "line %lu: unit_price is empty", ln->line);
        line_ok = false;
    } else if (amount(o, FK_COL_UNIT_PRICE, price, &up)) {
        if (!fk_mul_div_round(ln->qty_milli, up, 3, &g))
            line_ok = false;
        g -= disc;
        *line_discounts += disc;
    } else {
        line_ok = false;
    }
    if (!line_ok)
        return false;
    /* the line's rate: the shop's own tax on it tells it when nothing else does */
    if (!line_rate(o, in, ln, h->names_rate, h->names_count, h->untaxed, g, tax, *ltax != '\0'))
        return false;
    if (*ltax)
        g += tax; /* the shop's gross for the line: its net plus its tax */
    ln->net = g;  /* the line's amount (gross in gross mode); made net below */
    *out = g;
    return true;
}

/* Step 2: shipping, fees and the order-level discount as lines of their own, at the rate
 * the shop's tax on them shows, or split over the rates in proportion to the item nets per
 * rate (split: largest remainder). Adds each part to its rate's `add`. False (with a
 * finding) when one is not an amount or is negative. */
static bool order_level_lines(fk_order *o, bool gross, rate_sum *s, size_t ns,
                              int64_t line_discounts)
{
    bool ok = true;
    int64_t ship = 0, ship_tax = 0, fee = 0, fee_tax = 0, disc = 0, dtotal = 0;
    ok &= amount(o, FK_COL_SHIPPING, o->f[FK_COL_SHIPPING], &ship);
    ok &= amount(o, FK_COL_SHIPPING_VAT, o->f[FK_COL_SHIPPING_VAT], &ship_tax);
    ok &= amount(o, FK_COL_FEE, o->f[FK_COL_FEE], &fee);
    ok &= amount(o, FK_COL_FEE_VAT, o->f[FK_COL_FEE_VAT], &fee_tax);
    ok &= amount(o, FK_COL_ORDER_DISCOUNT, o->f[FK_COL_ORDER_DISCOUNT], &disc);
    ok &= amount(o, FK_COL_DISCOUNT_TOTAL, o->f[FK_COL_DISCOUNT_TOTAL], &dtotal);
    if (!ok)
        return false;
    if (!*o->f[FK_COL_ORDER_DISCOUNT] && *o->f[FK_COL_DISCOUNT_TOTAL])
        disc = dtotal - line_discounts; /* Shopify: Discount Amount holds the line ones too */
    if (disc < 0 || ship < 0 || fee < 0) {
        fk_order_add_finding(o, FK_CODE_AMOUNT_NEGATIVE,
                             disc < 0 ? "discount_total" : ship < 0 ? "shipping" : "fee",
                             disc < 0 ? "the order-level discount is negative (discount_total "
                                        "is less than the sum of the line discounts)"
                                      : "%s is negative", ship < 0 ? "shipping" : "fee");
        return false;
    }
    struct {
        fk_line_kind kind;
        fk_column text_col;
        const char *fallback;
        int64_t net, tax;
        bool have_tax;
        int sign;
    } extra[3] = {
        {FK_LINE_SHIPPING, FK_COL_SHIPPING_DESCRIPTION, "Shipping", ship, ship_tax,
         *o->f[FK_COL_SHIPPING_VAT] != '\0', 1},
        {FK_LINE_FEE, FK_COL_FEE_DESCRIPTION, "Fee", fee, fee_tax, *o->f[FK_COL_FEE_VAT] != '\0',
         1},
        {FK_LINE_DISCOUNT, FK_COL_DISCOUNT_DESCRIPTION, "Discount", disc, 0, false, -1},
    };
    for (size_t e = 0; e < 3; e++) {
        int64_t a = extra[e].net;
        if (a == 0)
            continue;
        const char *text = *o->f[extra[e].text_col] ? o->f[extra[e].text_col] : extra[e].fallback;
        char label[300];
        if (extra[e].kind == FK_LINE_DISCOUNT && *o->f[FK_COL_DISCOUNT_DESCRIPTION])
            snprintf(label, sizeof(label), "Discount %s", text);
        else
            snprintf(label, sizeof(label), "%s", text);
        int32_t one = charged_rate(s, ns, a, extra[e].tax, extra[e].have_tax);
        if (extra[e].have_tax && gross)
            a += extra[e].tax; /* the shop's gross for it */
        int64_t part[MAX_RATES];
        if (one >= 0 || ns == 1) {
            for (size_t k = 0; k < ns; k++)
                part[k] = (one >= 0 ? s[k].r == one : true) ? a : 0;
        } else {
            split(a, s, ns, part);
        }
        for (size_t k = 0; k < ns; k++) {
            if (!part[k])
                continue;
            extra_line(o, extra[e].kind, label, s[k].r, extra[e].sign * part[k]);
            s[k].add += extra[e].sign * part[k];
        }
    }
    return true;
}

/* Step 3, the rounding rule: per rate, VAT is taken once from the rate's total H_r (its
 * items plus its part of shipping, fees and discount). Gross mode: VAT_r = round_half_up(
 * H_r x r / (100 + r)), net_r = H_r - VAT_r, so the invoice's gross is the shop's to the
 * cent; net mode: net_r = H_r, VAT_r = round_half_up(net_r x r / 100). The lines' nets of
 * the rate then add up to net_r exactly. Fills the order's VAT groups and totals. */
static void rate_totals(fk_order *o, const rate_sum *s, size_t ns, bool gross)
{
    size_t *order_idx = fk_xcalloc(o->nlines, sizeof(*order_idx));
    int64_t *amt = fk_xcalloc(o->nlines, sizeof(*amt));
    o->ngroups = 0;
    o->net_total = o->vat_total = o->gross_total = 0;
    for (size_t k = 0; k < ns; k++) {
        int64_t h = s[k].items + s[k].add, v, m;
        int32_t r = s[k].r;
        if (gross) {
            v = vat_in_gross(h, r);
            m = h - v;
        } else {
            m = h;
            v = vat_on_net(m, r);
        }
        /* lines of the rate: first pass, then the residual a cent at a time to the lines
         * in order of their amounts, largest first (ties: the earlier line) */
        int64_t sum = 0;
        size_t nl = 0;
        for (size_t i = 0; i < o->nlines; i++) {
            fk_line *ln = &o->lines[i];
            if (ln->vat_centi != r)
                continue;
            order_idx[nl++] = i;
            amt[i] = ln->net;
            if (gross)
                ln->net = ln->net - vat_in_gross(ln->net, r);
            sum += ln->net;
        }
        for (size_t x = 1; x < nl; x++) /* stable: by |amount| descending */
            for (size_t y = x; y > 0 && llabs(amt[order_idx[y - 1]]) < llabs(amt[order_idx[y]]);
                 y--) {
                size_t t = order_idx[y];
                order_idx[y] = order_idx[y - 1];
                order_idx[y - 1] = t;
            }
        int64_t d = m - sum;
        for (size_t x = 0; d != 0 && nl > 0; x = (x + 1) % nl) {
            o->lines[order_idx[x]].net += d > 0 ? 1 : -1;
            d += d > 0 ? -1 : 1;
        }
        o->groups[o->ngroups++] = (fk_vat_group){.vat_centi = r, .taxable = m, .vat = v};
        o->net_total += m;
        o->vat_total += v;
        o->gross_total += m + v;
    }
    free(order_idx);
    free(amt);
}

/* Step 4: the printed unit prices, the VAT groups in ascending rate order, and the order's
 * totals checked. False (with a finding) when they cannot be invoiced. */
static bool finish_totals(fk_order *o)
{
    /* the printed unit price: the line's net over its quantity, rounded to the cent */
    for (size_t i = 0; i < o->nlines; i++) {
        fk_line *ln = &o->lines[i];
        ln->unit_price = rdiv((i128)ln->net * 1000, ln->qty_milli);
    }
    /* ascending rate order, as validate.c */
    for (size_t i = 1; i < o->ngroups; i++)
        for (size_t j = i; j > 0 && o->groups[j - 1].vat_centi > o->groups[j].vat_centi; j--) {
            fk_vat_group t = o->groups[j];
            o->groups[j] = o->groups[j - 1];
            o->groups[j - 1] = t;
        }
    if (o->gross_total > MAX_AMOUNT || o->gross_total < -MAX_AMOUNT) {
        fk_order_add_finding(o, FK_CODE_AMOUNT_OVERFLOW, "unit_price",
                             "the order's amounts are beyond what can be invoiced");
        return false;
    }
    if (o->net_total < 0) {
        char neg[40];
        fk_decimal_format(o->net_total, o->exponent, neg, sizeof(neg));
        fk_order_add_finding(o, FK_CODE_AMOUNT_NEGATIVE, "unit_price",
                             "the order's net total is %s %s", neg, o->currency);
        return false;
    }
    return true;
}

/* Step 5: the shop's own totals (expected_total, expected_vat) against the invoice's, within
 * the tolerances; a difference is a finding, the order is still invoiced. */
static void compare_totals(fk_order *o, const fk_input_cfg *in, bool have_exp_total,
                           int64_t exp_total, bool have_exp_vat, int64_t exp_vat)
{
    int64_t scale = 1;
    for (int i = o->exponent; i < 4; i++)
        scale *= 10;
    int64_t tol = in->total_tolerance / scale;
    int64_t vtol = in->vat_tolerance >= 0 ? in->vat_tolerance / scale : (int64_t)o->ngroups;
    char a1[40], a2[40];
    if (have_exp_total && llabs(o->gross_total - exp_total) > tol) {
        fk_decimal_format(o->gross_total, o->exponent, a1, sizeof(a1));
        fk_decimal_format(exp_total, o->exponent, a2, sizeof(a2));
        fk_order_add_finding(o, FK_CODE_TOTAL_MISMATCH, "expected_total",
                             "the invoice's gross total %s %s differs from the shop's total "
                             "(expected_total) %s %s", a1, o->currency, a2, o->currency);
    }
    if (have_exp_vat && llabs(o->vat_total - exp_vat) > vtol) {
        fk_decimal_format(o->vat_total, o->exponent, a1, sizeof(a1));
        fk_decimal_format(exp_vat, o->exponent, a2, sizeof(a2));
        fk_order_add_finding(o, FK_CODE_VAT_MISMATCH, "expected_vat",
                             "the invoice's VAT %s %s differs from the shop's tax "
                             "(expected_vat) %s %s", a1, o->currency, a2, o->currency);
    }
}

bool fk_shop_amounts(fk_order *o, const fk_input_cfg *in, bool currency_ok)
{
    bool gross = in->prices_include_vat || in->expr[FK_COL_LINE_VAT];
    bool ok = true;
    rate_sum s[MAX_RATES];
    size_t ns = 0;
    int64_t line_discounts = 0;
    rate_hints h = {0, 0, false};

    if (o->nlines == 0 || !currency_ok)
        return false;
    /* the order's rate hints */
    h.names_count = fk_rates_in_text(o->f[FK_COL_TAX_NAMES], &h.names_rate);
    int64_t exp_vat = 0, exp_total = 0;
    bool have_exp_vat = *o->f[FK_COL_EXPECTED_VAT] != '\0';
    bool have_exp_total = *o->f[FK_COL_EXPECTED_TOTAL] != '\0';
    ok &= amount(o, FK_COL_EXPECTED_VAT, o->f[FK_COL_EXPECTED_VAT], &exp_vat);
    ok &= amount(o, FK_COL_EXPECTED_TOTAL, o->f[FK_COL_EXPECTED_TOTAL], &exp_total);
    h.untaxed = in->zero_vat_if_untaxed && have_exp_vat && exp_vat == 0 &&
                (h.names_count == 0 || (h.names_count == 1 && h.names_rate == 0));

    /* step 1: the item lines, their amounts summed per rate */
    size_t nitems = o->nlines;
    for (size_t i = 0; i < nitems; i++) {
        fk_line *ln = &o->lines[i];
        int64_t g;
        if (!item_amount(o, in, &h, ln, &g, &line_discounts)) {
            ok = false;
            continue;
        }
        size_t k;
        for (k = 0; k < ns && s[k].r != ln->vat_centi; k++)
            ;
        if (k == ns) {
            if (ns == MAX_RATES) {
                fk_order_add_finding(o, FK_CODE_VAT_RATE_INVALID, "vat_rate",
                                     "line %lu: the order has more than 16 VAT rates", ln->line);
                return false;
            }
            s[ns++] = (rate_sum){ln->vat_centi, 0, 0, 0, 0};
        }
        s[k].items += g;
    }
    if (!ok)
        return false;
    for (size_t k = 0; k < ns; k++)
        s[k].basis = gross ? s[k].items - vat_in_gross(s[k].items, s[k].r) : s[k].items;

    if (!order_level_lines(o, gross, s, ns, line_discounts))
        return false;
    rate_totals(o, s, ns, gross);
    if (!finish_totals(o))
        return false;
    compare_totals(o, in, have_exp_total, exp_total, have_exp_vat, exp_vat);
    return true;
}
