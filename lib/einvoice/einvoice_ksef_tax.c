/* SPDX-License-Identifier: MIT */
/* einvoice_ksef_tax.c -- the tax side of KSeF FA(3): which rate (P_12) each line gets and
 * which of the per-rate fields (P_13_x, P_14_x, P_14_xW) it is summed in, the annotations
 * that follow from them (P_18 reverse charge, P_18A split payment, P_19 exemption), and
 * what the document must give before anything is written (the seller's NIP, a Polish
 * rate for every standard-rated line, the PLN exchange rate of a foreign-currency
 * invoice). The XML is einvoice_ksef.c's.
 *
 * The EN 16931 categories of the document map to FA(3) rates as follows (the XSD's own
 * descriptions of P_13_x): S by its rate (23/22, 8/7, 5, 4/3); Z "0 KR"; E "zw" with the
 * exemption basis; K goods "0 WDT", K services "np II" (reverse charge); G goods "0 EX",
 * G services "np I"; O "np I"; AE to a Polish buyer "oo" (domestic reverse charge,
 * P_13_10), AE to a foreign buyer "np II" for services (art. 100(1)(4): P_13_9) and
 * "np I" for goods; every AE and K-services invoice has P_18 = 1. */
#include <stdio.h>
#include <string.h>
#include "core/invoice_codes.h"
#include "einvoice/einvoice_ksef.h"

static bool is(const char *s, const char *t)
{
    return s && !strcmp(s, t);
}

static bool empty(const char *s)
{
    return !s || !*s;
}

/* Standard-rated lines: the Polish rates of the VAT act (art. 146ef: 23 and 8 %, 5 %; 22
 * and 7 % while they applied; 4 and 3 % the flat rate of taxis). */
static const char *standard_rate(int32_t centi, ksef_field *f)
{
    switch (centi) {
    case 2300: *f = KF_1; return "23";
    case 2200: *f = KF_1; return "22";
    case 800: *f = KF_2; return "8";
    case 700: *f = KF_2; return "7";
    case 500: *f = KF_3; return "5";
    case 400: *f = KF_4; return "4";
    case 300: *f = KF_4; return "3";
    default: return NULL;
    }
}

const char *fk_ksef__line_rate(const fk_document *d, const fk_doc_line *ln, ksef_field *f)
{
    const char *c = ln->category;
    bool domestic_buyer = is(d->buyer.country, "PL");

    if (is(c, "S"))
        return standard_rate(ln->vat_centi, f);
    if (is(c, "Z"))
        return *f = KF_6_1, "0 KR";
    if (is(c, "E"))
        return *f = KF_7, "zw";
    if (is(c, "K"))
        return ln->services ? (*f = KF_9, "np II") : (*f = KF_6_2, "0 WDT");
    if (is(c, "G"))
        return ln->services ? (*f = KF_8, "np I") : (*f = KF_6_3, "0 EX");
    if (is(c, "O"))
        return *f = KF_8, "np I";
    if (is(c, "AE")) {
        if (domestic_buyer)
            return *f = KF_10, "oo";
        return ln->services ? (*f = KF_9, "np II") : (*f = KF_8, "np I");
    }
    return NULL;
}

void fk_ksef__token(const char *s, size_t max, char *buf, size_t n)
{
    size_t k = 0, chars = 0;
    bool space = false;

    if (!n)
        return;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        bool ws = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
        if (ws) {
            space = k > 0;
            continue;
        }
        size_t len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;
        if (chars + (space ? 1 : 0) + 1 > max || k + (space ? 1 : 0) + len >= n)
            break;
        if (space) {
            buf[k++] = ' ';
            chars++;
            space = false;
        }
        for (size_t i = 0; i < len && p[i]; i++)
            buf[k++] = (char)p[i];
        p += len - 1;
        chars++;
    }
    buf[k] = '\0';
}

size_t fk_ksef__token_len(const char *s)
{
    size_t chars = 0;
    bool word = false, space = false;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = word;
            continue;
        }
        if ((*p & 0xc0) == 0x80)
            continue; /* a continuation byte: counted with its first byte */
        chars += 1 + (space ? 1 : 0);
        word = true;
        space = false;
    }
    return chars;
}

/* Why the document cannot be FA(3): *why, and st (what fk_error_set returned). */
static fk_status refuse(fk_einv_problem *why, fk_einv_problem what, fk_status st)
{
    *why = what;
    return st;
}

/* The seller: a Polish VAT number, "PL" and the 10 digits of the NIP. Its check digits
 * are lib/validate's rule, applied to [seller] vat_id when the config is read
 * (fk_validate_seller), before any document exists: einvoice does not include validate
 * (docs/architecture.md), and a stored document's seller passed that check. */
static fk_status seller_nip(const fk_document *d, ksef_tax *t, fk_einv_problem *why,
                            fk_error *err)
{
    const char *vat = d->seller.vat_id ? d->seller.vat_id : "";
    bool ok = strlen(vat) == 12 && !strncmp(vat, "PL", 2);

    for (size_t i = 2; ok && i < 12; i++)
        ok = vat[i] >= '0' && vat[i] <= '9';
    if (!ok)
        return refuse(why, FK_EINV_UNSUPPORTED,
                      fk_error_set(err, FK_EINPUT, NULL, 0, "einvoice",
                                   "KSeF FA(3) is for sellers registered for VAT in Poland: "
                                   "the seller's VAT number \"%s\" is not a Polish NIP "
                                   "(PL and 10 digits)",
                                   vat));
    snprintf(t->seller_nip, sizeof(t->seller_nip), "%s", vat + 2);
    return FK_OK;
}

/* P_19A (the Polish VAT act), P_19B (the VAT Directive) or P_19C (another basis): by
 * what the exemption reason (BT-120) cites, else by its VATEX code (BT-121). */
static int exempt_field(const fk_doc_vat *v)
{
    const char *r = v->exemption_reason ? v->exemption_reason : "";
    if (strstr(r, "ustaw") || strstr(r, "Ustaw"))
        return 'A';
    if (strstr(r, "irective") || strstr(r, "yrektyw") || strstr(r, "2006/112") ||
        (v->exemption_code && !strncmp(v->exemption_code, "VATEX-EU-", 9)))
        return 'B';
    return 'C';
}

static fk_status exemption(const fk_document *d, ksef_tax *t, fk_einv_problem *why,
                           fk_error *err)
{
    size_t k = 0;
    for (size_t g = 0; g < d->nvat; g++) {
        const fk_doc_vat *v = &d->vat[g];
        const char *text = !empty(v->exemption_reason) ? v->exemption_reason : v->exemption_code;
        if (!is(v->category, "E"))
            continue;
        if (empty(text))
            return refuse(why, FK_EINV_MISSING,
                          fk_error_set(err, FK_EINPUT, NULL, 0, "vat_exemption_reason",
                                       "KSeF FA(3) needs the basis of a VAT exemption (P_19A/B/"
                                       "C: column vat_exemption_reason, the article of the VAT "
                                       "act or Directive)"));
        if (!t->exempt_field)
            t->exempt_field = exempt_field(v);
        if (strstr(t->exempt_basis, text))
            continue;
        int w = snprintf(t->exempt_basis + k, sizeof(t->exempt_basis) - k, "%s%s",
                         k ? "; " : "", text);
        if (w > 0 && (size_t)w < sizeof(t->exempt_basis) - k)
            k += (size_t)w;
    }
    return FK_OK;
}

static bool same_group(const fk_doc_line *ln, const fk_doc_vat *v)
{
    return !strcmp(ln->category, v->category) && ln->vat_centi == v->vat_centi;
}

/* The sums: a standard-rated breakdown as it is (its VAT is the document's); the lines of
 * the others one by one, since goods and services of one breakdown go to different fields. */
static fk_status sums(const fk_document *d, ksef_tax *t, fk_einv_problem *why, fk_error *err)
{
    char pct[24];
    for (size_t g = 0; g < d->nvat; g++) {
        const fk_doc_vat *v = &d->vat[g];
        ksef_field f = KF_1;
        if (is(v->category, "S")) {
            if (!standard_rate(v->vat_centi, &f)) {
                fk_einv_percent(v->vat_centi, pct, sizeof(pct));
                return refuse(why, FK_EINV_UNSUPPORTED,
                              fk_error_set(err, FK_EINPUT, NULL, 0, "vat_rate",
                                           "KSeF FA(3) has no field for the VAT rate %s %%: "
                                           "the Polish rates are 23, 8 and 5 %% (22, 7, 4 and "
                                           "3 %% earlier or for taxis); OSS sales cannot be "
                                           "written",
                                           pct));
            }
            t->sum[f].net += v->taxable;
            t->sum[f].vat += v->vat;
            t->sum[f].vat_pln += v->vat_accounting;
            t->sum[f].used = true;
            continue;
        }
        for (size_t i = 0; i < d->nlines; i++) {
            const fk_doc_line *ln = &d->lines[i];
            if (!same_group(ln, v))
                continue;
            if (!fk_ksef__line_rate(d, ln, &f))
                return refuse(why, FK_EINV_UNSUPPORTED,
                              fk_error_set(err, FK_EINPUT, NULL, 0, "vat_category",
                                           "KSeF FA(3) has no rate for the VAT category %s",
                                           ln->category));
            t->sum[f].net += ln->net;
            t->sum[f].used = true;
            /* P_18: the buyer accounts for the VAT (AE; services to EU businesses) */
            t->reverse_charge |= f == KF_9 || is(ln->category, "AE");
        }
    }
    return FK_OK;
}

/* Art. 106e(11): the VAT of an invoice in another currency is shown in PLN too (P_14_xW),
 * converted at the rate the document holds. */
static fk_status currency(const fk_document *d, ksef_tax *t, fk_einv_problem *why,
                          fk_error *err)
{
    bool vat = false;
    t->foreign = !is(d->currency, "PLN");
    t->rate_pln = t->foreign && is(d->accounting_currency, "PLN") && !empty(d->exchange_rate);
    for (int f = KF_1; f <= KF_4; f++)
        vat |= t->sum[f].used;
    if (!t->foreign || !vat)
        return FK_OK;
    if (t->rate_pln)
        return FK_OK;
    return refuse(why, FK_EINV_MISSING,
                  fk_error_set(err, FK_EINPUT, NULL, 0, "exchange_rate",
                               "KSeF FA(3) needs the VAT of an invoice in %s in PLN too "
                               "(P_14_xW, art. 106e ust. 11): an exchange rate to PLN (column "
                               "exchange_rate, the seller accounting in PLN: [seller] currency "
                               "= PLN); the invoice holds none",
                               d->currency));
}

static bool fits(const char *s, size_t max)
{
    return fk_ksef__token_len(s) <= max;
}

/* The texts FA(3) requires, within its lengths (TZnakowy512, TZnakowy): a longer one is
 * refused, never cut (the file is the invoice in Poland). Optional ones that do not fit
 * are left out where they are written. */
static fk_status lengths(const fk_document *d, fk_einv_problem *why, fk_error *err)
{
    const char *field = NULL, *what = NULL;
    size_t max = 512;
    char town[1100];

    for (size_t i = 0; i < d->nlines && !field; i++)
        if (!fits(d->lines[i].description, 512))
            field = "item_description", what = d->lines[i].description;
    for (int b = 0; b < 2 && !field; b++) {
        const fk_party *p = b ? &d->buyer : &d->seller;
        snprintf(town, sizeof(town), "%s %s", p->postal_code ? p->postal_code : "",
                 p->city ? p->city : "");
        if (!fits(p->name, 512))
            field = b ? "company_name" : "seller name", what = p->name;
        else if (!fits(p->street, 512))
            field = b ? "street" : "seller street", what = p->street;
        else if (!fits(town, 512))
            field = b ? "city" : "seller city", what = town;
    }
    if (!field && !fits(d->preceding_number, 256)) /* invoice numbers are shorter */
        field = "preceding_number", what = d->preceding_number, max = 256;
    if (!field)
        return FK_OK;
    return refuse(why, FK_EINV_UNSUPPORTED,
                  fk_error_set(err, FK_EINPUT, NULL, 0, field,
                               "KSeF FA(3) allows at most %zu characters in %s; it has %zu",
                               max, field, fk_ksef__token_len(what)));
}

fk_status fk_ksef__prepare(const fk_document *d, const fk_einv_profile *p, ksef_tax *t,
                           fk_einv_problem *why, fk_error *err)
{
    fk_status st;
    (void)p;
    memset(t, 0, sizeof(*t));
    *why = FK_EINV_OK;
    if ((st = seller_nip(d, t, why, err)) != FK_OK)
        return st;
    /* DataWytworzeniaFa may not be earlier than 2025-09-01 (FA(3)'s first day). */
    if (empty(d->issue_date) || strcmp(d->issue_date, "2025-09-01") < 0 ||
        strcmp(d->issue_date, "2050-01-01") > 0)
        return refuse(why, FK_EINV_UNSUPPORTED,
                      fk_error_set(err, FK_EINPUT, NULL, 0, "issue_date",
                                   "KSeF FA(3) covers invoices issued from 2025-09-01 to "
                                   "2050-01-01; this one is dated %s",
                                   d->issue_date ? d->issue_date : ""));
    if (fk_document_is_credit(d) && (empty(d->preceding_number) || empty(d->preceding_date)))
        return refuse(why, FK_EINV_MISSING,
                      fk_error_set(err, FK_EINPUT, NULL, 0, "preceding_number",
                                   "KSeF FA(3) needs the number and issue date of the invoice "
                                   "a correction corrects (DaneFaKorygowanej)"));
    if ((st = lengths(d, why, err)) != FK_OK || (st = sums(d, t, why, err)) != FK_OK || (st = exemption(d, t, why, err)) != FK_OK ||
        (st = currency(d, t, why, err)) != FK_OK)
        return st;
    for (size_t i = 0; i < d->nnotes; i++)
        t->split_payment |= is(d->notes[i], FK_SPLIT_PAYMENT_NOTE);
    return FK_OK;
}
