/* SPDX-License-Identifier: MIT */
/* einvoice_ksef.c -- Poland's KSeF FA(3) (schemat_FA(3)_v1-0E.xsd, namespace
 * http://crd.gov.pl/wzor/2025/06/25/13775/): not EN 16931, its own schema, written from
 * the same document. Element order is the XSD's sequence order; what each field is and
 * which rate a line gets is decided first (einvoice_ksef_tax.c), so nothing here can
 * refuse. A pure function of the document: DataWytworzeniaFa is the issue date at
 * 00:00:00Z (never the clock), so `show` and `reprint` give the same bytes.
 *
 * A credit note (type 381) is a KOR: the reason, TypKorekty 2 (a reduction, accounted
 * when the correction is issued: art. 29a(13)), the corrected invoice (not sent to KSeF
 * by faktura: NrKSeFN), the per-rate sums and P_15 as differences (negative), and per
 * corrected line two rows under the invoice's line number: the line as it was (StanPrzed
 * = 1) and as it is after the correction (art. 106j(2)). */
#include <stdio.h>
#include <string.h>
#include "einvoice/einvoice_ksef.h"

#define NS_FA3 "http://crd.gov.pl/wzor/2025/06/25/13775/"

typedef struct ksef {
    fk_xw x;
    const fk_document *d;
    const ksef_tax *t;
} ksef;

static bool empty(const char *s)
{
    return !s || !*s;
}

/* A TZnakowy-style field, whitespace collapsed; nothing when empty. The required ones
 * were checked to fit (fk_ksef__prepare); the reason of a correction is cut to max. */
static void text(ksef *k, const char *el, const char *s, size_t max)
{
    char buf[4200];
    fk_ksef__token(s, max, buf, sizeof(buf));
    fk_xw_el_opt(&k->x, el, buf);
}

/* An optional field: left out when it does not fit. */
static void text_opt(ksef *k, const char *el, const char *s, size_t max)
{
    if (fk_ksef__token_len(s) <= max)
        text(k, el, s, max);
}

static void amount(ksef *k, const char *el, int64_t v)
{
    char buf[48];
    fk_einv_amount(v, k->d->exponent, buf, sizeof(buf));
    fk_xw_el(&k->x, el, buf);
}

static void naglowek(ksef *k)
{
    char when[40];
    snprintf(when, sizeof(when), "%.10sT00:00:00Z", k->d->issue_date);
    fk_xw_start(&k->x, "Naglowek");
    fk_xw_start(&k->x, "KodFormularza");
    fk_xw_attr(&k->x, "kodSystemowy", "FA (3)");
    fk_xw_attr(&k->x, "wersjaSchemy", "1-0E");
    fk_xw_text(&k->x, "FA");
    fk_xw_end(&k->x);
    fk_xw_el(&k->x, "WariantFormularza", "3");
    fk_xw_el(&k->x, "DataWytworzeniaFa", when);
    fk_xw_el(&k->x, "SystemInfo", "faktura");
    fk_xw_end(&k->x);
}

/* TAdres: the street, then post code and city (AdresL1 is required: the city when there
 * is no street). */
static void address(ksef *k, const char *el, const fk_party *p)
{
    char town[1024];
    snprintf(town, sizeof(town), "%s%s%s", p->postal_code ? p->postal_code : "",
             !empty(p->postal_code) && !empty(p->city) ? " " : "", p->city ? p->city : "");
    if (empty(p->street) && !town[0])
        return;
    fk_xw_start(&k->x, el);
    fk_xw_el(&k->x, "KodKraju", p->country);
    text(k, "AdresL1", !empty(p->street) ? p->street : town, 512);
    if (!empty(p->street))
        text(k, "AdresL2", town, 512);
    fk_xw_end(&k->x);
}

static void podmiot1(ksef *k)
{
    const fk_party *s = &k->d->seller;
    fk_xw_start(&k->x, "Podmiot1");
    fk_xw_el(&k->x, "PrefiksPodatnika", "PL");
    fk_xw_start(&k->x, "DaneIdentyfikacyjne");
    fk_xw_el(&k->x, "NIP", k->t->seller_nip);
    text(k, "Nazwa", s->name, 512);
    fk_xw_end(&k->x);
    address(k, "Adres", s);
    /* TNumerTelefonu allows 16 characters: a longer number is left out. */
    bool phone = !empty(s->phone) && strlen(s->phone) <= 16;
    bool email = !empty(s->email) && strchr(s->email, '@') && strlen(s->email) <= 255;
    if (email || phone) {
        fk_xw_start(&k->x, "DaneKontaktowe");
        if (email)
            text(k, "Email", s->email, 255);
        if (phone)
            text(k, "Telefon", s->phone, 16);
        fk_xw_end(&k->x);
    }
    fk_xw_end(&k->x);
}

/* The VAT number prefixes of TKodyKrajowUE (EL Greece, XI Northern Ireland); PL is a NIP. */
static bool eu_prefix(const char *vat)
{
    static const char *const eu[] = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES",
                                     "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT",
                                     "NL", "PT", "RO", "SE", "SI", "SK", "XI"};
    if (strlen(vat) < 3)
        return false;
    for (size_t i = 0; i < sizeof(eu) / sizeof(eu[0]); i++)
        if (!strncmp(vat, eu[i], 2))
            return true;
    return false;
}

/* The buyer's identifier: NIP (Polish business), KodUE + NrVatUE (an EU VAT number),
 * KodKraju + NrID (another country's tax number), or BrakID (a consumer, or none). */
static void buyer_id(ksef *k)
{
    const fk_party *b = &k->d->buyer;
    const char *vat = b->vat_id ? b->vat_id : "";
    char two[3] = {0};

    if (!strncmp(vat, "PL", 2) && strlen(vat) == 12) {
        fk_xw_el(&k->x, "NIP", vat + 2);
    } else if (eu_prefix(vat) && strlen(vat) <= 14) {
        memcpy(two, vat, 2);
        fk_xw_el(&k->x, "KodUE", two);
        fk_xw_el(&k->x, "NrVatUE", vat + 2);
    } else if (*vat && fk_ksef__token_len(vat) <= 50) {
        fk_xw_el_opt(&k->x, "KodKraju", b->country);
        text(k, "NrID", vat, 50);
    } else {
        fk_xw_el(&k->x, "BrakID", "1");
    }
}

static void podmiot2(ksef *k)
{
    fk_xw_start(&k->x, "Podmiot2");
    fk_xw_start(&k->x, "DaneIdentyfikacyjne");
    buyer_id(k);
    text(k, "Nazwa", k->d->buyer.name, 512);
    fk_xw_end(&k->x);
    address(k, "Adres", &k->d->buyer);
    fk_xw_el(&k->x, "JST", "2"); /* not a subordinate unit of local government */
    fk_xw_el(&k->x, "GV", "2");  /* not a member of a VAT group */
    fk_xw_end(&k->x);
}

/* P_13_x, P_14_x, P_14_xW in the XSD's order. */
static void sums(ksef *k)
{
    static const char *const net[KF_COUNT] = {"P_13_1", "P_13_2", "P_13_3", "P_13_4",
                                              "P_13_6_1", "P_13_6_2", "P_13_6_3", "P_13_7",
                                              "P_13_8", "P_13_9", "P_13_10"};
    char buf[48];
    for (int f = 0; f < KF_COUNT; f++) {
        const ksef_sum *s = &k->t->sum[f];
        if (!s->used)
            continue;
        amount(k, net[f], s->net);
        if (f > KF_4)
            continue;
        snprintf(buf, sizeof(buf), "P_14_%d", f + 1);
        amount(k, buf, s->vat);
        if (k->t->foreign) {
            char pln[48];
            snprintf(buf, sizeof(buf), "P_14_%dW", f + 1);
            fk_einv_amount(s->vat_pln, k->d->accounting_exponent, pln, sizeof(pln));
            fk_xw_el(&k->x, buf, pln);
        }
    }
}

static void adnotacje(ksef *k)
{
    const ksef_tax *t = k->t;
    char el[8];
    fk_xw_start(&k->x, "Adnotacje");
    fk_xw_el(&k->x, "P_16", "2"); /* no cash accounting */
    fk_xw_el(&k->x, "P_17", "2"); /* no self-billing */
    fk_xw_el(&k->x, "P_18", t->reverse_charge ? "1" : "2");
    fk_xw_el(&k->x, "P_18A", t->split_payment ? "1" : "2");
    fk_xw_start(&k->x, "Zwolnienie");
    if (t->exempt_field) {
        fk_xw_el(&k->x, "P_19", "1");
        snprintf(el, sizeof(el), "P_19%c", t->exempt_field);
        text(k, el, t->exempt_basis, 256);
    } else {
        fk_xw_el(&k->x, "P_19N", "1");
    }
    fk_xw_end(&k->x);
    fk_xw_start(&k->x, "NoweSrodkiTransportu");
    fk_xw_el(&k->x, "P_22N", "1"); /* no new means of transport */
    fk_xw_end(&k->x);
    fk_xw_el(&k->x, "P_23", "2"); /* no simplified triangular transaction */
    fk_xw_start(&k->x, "PMarzy");
    fk_xw_el(&k->x, "P_PMarzyN", "1"); /* no margin scheme */
    fk_xw_end(&k->x);
    fk_xw_end(&k->x);
}

/* RodzajFaktury, and for a correction what it corrects. */
static void rodzaj(ksef *k)
{
    const fk_document *d = k->d;
    if (!fk_document_is_credit(d)) {
        fk_xw_el(&k->x, "RodzajFaktury", "VAT");
        return;
    }
    fk_xw_el(&k->x, "RodzajFaktury", "KOR");
    text(k, "PrzyczynaKorekty", d->credit_reason, 256);
    fk_xw_el(&k->x, "TypKorekty", "2");
    fk_xw_start(&k->x, "DaneFaKorygowanej");
    fk_xw_el(&k->x, "DataWystFaKorygowanej", d->preceding_date);
    text(k, "NrFaKorygowanej", d->preceding_number, 256);
    fk_xw_el(&k->x, "NrKSeFN", "1"); /* the corrected invoice has no KSeF number from us */
    fk_xw_end(&k->x);
}

/* P_8A: the unit as people write it on Polish invoices, else its UN/ECE code. */
static const char *unit_name(const char *code)
{
    static const char *const map[][2] = {
        {"C62", "szt."}, {"H87", "szt."}, {"EA", "szt."},  {"HUR", "godz."}, {"DAY", "dzień"},
        {"MON", "mies."}, {"ANN", "rok"},  {"KGM", "kg"},   {"GRM", "g"},     {"TNE", "t"},
        {"MTR", "m"},     {"MTK", "m2"},   {"MTQ", "m3"},   {"KMT", "km"},    {"LTR", "l"},
        {"SET", "kpl."},  {"PR", "para"},  {"MIN", "min"},  {"WEE", "tydz."},
    };
    if (empty(code))
        return "szt.";
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(map[i][0], code))
            return map[i][1];
    return code;
}

/* One FaWiersz: the line's position, name, unit, quantity, net unit price, net amount and
 * rate; before marks a correction's "as it was" row. */
static void wiersz(ksef *k, long no, const fk_doc_line *ln, int64_t qty, int64_t net,
                   bool before)
{
    char buf[48];
    ksef_field f;
    const char *rate = fk_ksef__line_rate(k->d, ln, &f);

    fk_xw_start(&k->x, "FaWiersz");
    snprintf(buf, sizeof(buf), "%ld", no);
    fk_xw_el(&k->x, "NrWierszaFa", buf);
    text(k, "P_7", ln->description, 512);
    text_opt(k, "Indeks", ln->sku, 50);
    fk_xw_el(&k->x, "P_8A", unit_name(ln->unit));
    fk_einv_quantity(qty, buf, sizeof(buf));
    fk_xw_el(&k->x, "P_8B", buf);
    amount(k, "P_9A", ln->unit_price);
    amount(k, "P_11", net);
    fk_xw_el(&k->x, "P_12", rate ? rate : "");
    if (ln->split_payment)
        fk_xw_el(&k->x, "P_12_Zal_15", "1"); /* Annex 15 goods and services */
    if (k->t->rate_pln)
        fk_xw_el(&k->x, "KursWaluty", k->d->exchange_rate);
    if (before)
        fk_xw_el(&k->x, "StanPrzed", "1");
    fk_xw_end(&k->x);
}

static void wiersze(ksef *k)
{
    const fk_document *d = k->d;
    for (size_t i = 0; i < d->nlines; i++) {
        const fk_doc_line *ln = &d->lines[i];
        if (!fk_document_is_credit(d) || !d->corrections) {
            wiersz(k, (long)i + 1, ln, ln->qty_milli, ln->net, false);
            continue;
        }
        const fk_doc_correction *c = &d->corrections[i];
        wiersz(k, c->invoice_line, ln, c->qty_before_milli, c->net_before, true);
        wiersz(k, c->invoice_line, ln, c->qty_before_milli + ln->qty_milli,
               c->net_before + ln->net, false);
    }
}

/* SWIFT_Type: 8 or 11 capital letters and digits, the first six letters. */
static bool swift_ok(const char *bic)
{
    size_t n = bic ? strlen(bic) : 0;
    if (n != 8 && n != 11)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool up = bic[i] >= 'A' && bic[i] <= 'Z', dig = bic[i] >= '0' && bic[i] <= '9';
        if (!up && (i < 6 || !dig))
            return false;
    }
    return true;
}

static void other_means(ksef *k, const char *what)
{
    fk_xw_el(&k->x, "PlatnoscInna", "1");
    text(k, "OpisPlatnosci", what, 256);
}

/* Platnosc: paid (card, a payment provider) or due (transfer to the seller's account,
 * direct debit, cash on delivery). A correction has none: nothing falls due. */
static void platnosc(ksef *k)
{
    const fk_document *d = k->d;
    bool paid = d->payment == FK_DOC_PAY_CARD || d->payment == FK_DOC_PAY_PAID;
    char buf[320];

    if (fk_document_is_credit(d))
        return;
    fk_xw_start(&k->x, "Platnosc");
    if (paid) {
        const char *day = d->payment == FK_DOC_PAY_PAID ? d->paid_date : d->order_date;
        fk_xw_el(&k->x, "Zaplacono", "1");
        fk_xw_el(&k->x, "DataZaplaty", !empty(day) && strlen(day) == 10 ? day : d->issue_date);
    } else if (!empty(d->due_date)) {
        fk_xw_start(&k->x, "TerminPlatnosci");
        fk_xw_el(&k->x, "Termin", d->due_date);
        fk_xw_end(&k->x);
    }
    switch (d->payment) {
    case FK_DOC_PAY_CARD: fk_xw_el(&k->x, "FormaPlatnosci", "2"); break;
    case FK_DOC_PAY_TRANSFER: fk_xw_el(&k->x, "FormaPlatnosci", "6"); break;
    case FK_DOC_PAY_COD: other_means(k, "za pobraniem"); break;
    case FK_DOC_PAY_PAID:
        if (!empty(d->paid_provider))
            other_means(k, d->paid_provider);
        break;
    case FK_DOC_PAY_SEPA:
        snprintf(buf, sizeof(buf), "polecenie zapłaty SEPA, mandat %s",
                 d->mandate_id ? d->mandate_id : "");
        other_means(k, buf);
        break;
    }
    if (d->payment == FK_DOC_PAY_TRANSFER && !empty(d->seller_iban)) {
        fk_xw_start(&k->x, "RachunekBankowy");
        fk_xw_el(&k->x, "NrRB", d->seller_iban);
        if (swift_ok(d->seller_bic))
            fk_xw_el(&k->x, "SWIFT", d->seller_bic);
        fk_xw_end(&k->x);
    }
    fk_xw_end(&k->x);
}

static void fa(ksef *k)
{
    const fk_document *d = k->d;
    fk_xw_start(&k->x, "Fa");
    fk_xw_el(&k->x, "KodWaluty", d->currency);
    fk_xw_el(&k->x, "P_1", d->issue_date);
    text(k, "P_2", d->number, 256);
    if (!empty(d->delivery_date)) {
        fk_xw_el(&k->x, "P_6", d->delivery_date);
    } else if (!empty(d->period_start) && !empty(d->period_end)) {
        fk_xw_start(&k->x, "OkresFa");
        fk_xw_el(&k->x, "P_6_Od", d->period_start);
        fk_xw_el(&k->x, "P_6_Do", d->period_end);
        fk_xw_end(&k->x);
    }
    sums(k);
    amount(k, "P_15", d->gross_total);
    adnotacje(k);
    rodzaj(k);
    wiersze(k);
    platnosc(k);
    if (!empty(d->order_reference) && fk_ksef__token_len(d->order_reference) <= 256) {
        fk_xw_start(&k->x, "WarunkiTransakcji");
        fk_xw_start(&k->x, "Zamowienia");
        text(k, "NrZamowienia", d->order_reference, 256);
        fk_xw_end(&k->x);
        fk_xw_end(&k->x);
    }
    fk_xw_end(&k->x);
}

fk_status fk_einv__write_ksef(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                              fk_einv_problem *why, fk_error *err)
{
    ksef_tax t;
    ksef k = {.d = d, .t = &t};
    fk_status st = fk_ksef__prepare(d, p, &t, why, err);

    if (st != FK_OK)
        return st;
    fk_xw_open(&k.x);
    fk_xw_start(&k.x, "Faktura");
    fk_xw_attr(&k.x, "xmlns", NS_FA3);
    naglowek(&k);
    podmiot1(&k);
    podmiot2(&k);
    fa(&k);
    fk_xw_end(&k.x);
    return fk_xw_close(&k.x, out, err);
}
