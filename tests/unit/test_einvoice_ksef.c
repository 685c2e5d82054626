/* test_einvoice_ksef.c -- the KSeF FA(3) writer (lib/einvoice/einvoice_ksef*.c): an
 * invoice and a KOR credit note built as documents, written with fk_einv_write and checked
 * in-process against the shipped schemat_FA(3)_v1-0E.xsd (the check `run` makes before a
 * number is committed), then read back with XPath: the fields, the per-rate sums and their
 * PLN VAT, the annotations, the buyer identifiers, the before/after rows of a correction.
 * Same document, same bytes. And what is refused, with the problem and the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include "core/invoice_codes.h"
#include "einvoice/einvoice.h"

static fk_einv_schemas *schemas;

static const fk_einv_profile *ksef(void)
{
    return fk_einv_profile_of(FK_EINV_KSEF);
}

/* A Polish seller's invoice in EUR (rate to PLN 4.3128) to a Polish business: 23 %
 * services under split payment, 8 % goods, an exempt line (the VAT act). */
typedef struct fixture {
    fk_document d;
    fk_doc_line lines[4];
    fk_doc_vat vat[4];
    fk_doc_correction corr[4];
    const char *notes[1];
} fixture;

static void invoice(fixture *f)
{
    fk_document *d = &f->d;
    memset(f, 0, sizeof(*f));
    fk_document_init(d);
    d->number = "FV/2026/000042";
    d->issue_date = "2026-11-20";
    d->order_date = "2026-11-18";
    d->due_date = "2026-12-04";
    d->delivery_date = "2026-11-17";
    d->order_reference = "PO-9";
    d->language = "pl";
    d->currency = "EUR";
    d->exponent = 2;
    d->accounting_currency = "PLN";
    d->accounting_exponent = 2;
    d->exchange_rate = "4.3128";
    d->exchange_rate_date = "2026-11-19";
    d->seller = (fk_party){"Sprzedawca Sp. z o.o.", "ul. Długa 1", "00-238", "Warszawa", "PL",
                           "PL5260250274", "biuro@example.pl", "5260250274", "Anna Nowak",
                           "+48 22 123 45 67", "", "", ""};
    d->buyer = (fk_party){"Łódź Żurawie Sp. z o.o.", "ul. Piotrkowska 104", "90-926", "Łódź",
                          "PL", "PL7251801126", "b@example.pl", "7251801126", "", "", "", "",
                          ""};
    d->buyer_is_business = true;
    f->lines[0] = (fk_doc_line){"Dźwig «wynajem»", "CRN-1", 2500, 125000, 2300, 312500, "DAY",
                                "S", true, true};
    f->lines[1] = (fk_doc_line){"Książka", "", 2000, 3990, 800, 7980, "C62", "S", false, false};
    f->lines[2] = (fk_doc_line){"Szkolenie", "", 1000, 50000, 0, 50000, "HUR", "E", true, false};
    d->lines = f->lines;
    d->nlines = 3;
    f->vat[0] = (fk_doc_vat){0, 50000, 0, "E", 0, "art. 43 ust. 1 pkt 29 ustawy o VAT",
                             "VATEX-EU-132", ""};
    f->vat[1] = (fk_doc_vat){800, 7980, 638, "S", 2752, "", "", ""};
    f->vat[2] = (fk_doc_vat){2300, 312500, 71875, "S", 309983, "", "", ""};
    d->vat = f->vat;
    d->nvat = 3;
    d->net_total = 370480;
    d->vat_total = 72513;
    d->gross_total = 442993;
    d->vat_total_accounting = 312735;
    d->due = d->gross_total;
    d->payment = FK_DOC_PAY_TRANSFER;
    d->payment_means = "58";
    d->seller_iban = "PL61109010140000071219812874";
    d->seller_bic = "BPKOPLPW";
    f->notes[0] = FK_SPLIT_PAYMENT_NOTE;
    d->notes = f->notes;
    d->nnotes = 1;
}

/* A correction of that invoice: 1 of the 2.5 days of line 1 and both books of line 2. */
static void credit_note(fixture *f)
{
    fk_document *d = &f->d;
    invoice(f);
    d->kind = "credit_note";
    d->type_code = 381;
    d->number = "CN-2026-000001";
    d->issue_date = "2026-11-25";
    d->due_date = "";
    d->preceding_number = "FV/2026/000042";
    d->preceding_date = "2026-11-20";
    d->credit_reason = "zwrot towaru:\n  reklamacja nr 7";
    f->lines[0].qty_milli = -1000;
    f->lines[0].net = -125000;
    f->lines[1].qty_milli = -2000;
    f->lines[1].net = -7980;
    d->nlines = 2;
    f->corr[0] = (fk_doc_correction){1, 2500, 312500};
    f->corr[1] = (fk_doc_correction){2, 2000, 7980};
    d->corrections = f->corr;
    f->vat[0] = (fk_doc_vat){800, -7980, -638, "S", -2752, "", "", ""};
    f->vat[1] = (fk_doc_vat){2300, -125000, -28750, "S", -123993, "", "", ""};
    d->nvat = 2;
    d->net_total = -132980;
    d->vat_total = -29388;
    d->gross_total = -162368;
    d->vat_total_accounting = -126745;
    d->due = d->gross_total;
    d->nnotes = 0;
}

/* Write d as KSeF FA(3), XSD-check it in-process; the bytes (malloc'd, NUL-terminated). */
static char *write_valid(const fk_document *d, size_t *len)
{
    fk_buf out = FK_BUF_INIT;
    fk_error err = FK_ERROR_INIT;
    fk_einv_problem why = FK_EINV_OK;

    if (fk_einv_write(d, ksef(), &out, &why, &err) != FK_OK)
        fail_msg("not written (problem %d): %s: %s", why, err.field, err.message);
    if (fk_einv_validate(schemas, ksef(), out.ptr, out.len, &why, &err) != FK_OK)
        fail_msg("fails schemat_FA(3)_v1-0E.xsd: %s\n%.*s", err.message, (int)out.len, out.ptr);
    char *s = malloc(out.len + 1);
    assert_non_null(s);
    memcpy(s, out.ptr, out.len);
    s[out.len] = '\0';
    *len = out.len;
    fk_buf_free(&out);
    return s;
}

typedef struct xml {
    xmlDocPtr doc;
    xmlXPathContextPtr ctx;
} xml;

static xml parse(const char *s, size_t len)
{
    xml x;
    x.doc = xmlReadMemory(s, (int)len, NULL, "UTF-8", XML_PARSE_NONET);
    assert_non_null(x.doc);
    x.ctx = xmlXPathNewContext(x.doc);
    xmlXPathRegisterNs(x.ctx, BAD_CAST "f", BAD_CAST "http://crd.gov.pl/wzor/2025/06/25/13775/");
    return x;
}

static void xml_free(xml *x)
{
    xmlXPathFreeContext(x->ctx);
    xmlFreeDoc(x->doc);
}

/* string(path) with the FA(3) namespace as f:. */
static void expect(xml *x, const char *path, const char *want)
{
    char q[600];
    snprintf(q, sizeof(q), "string(%s)", path);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST q, x->ctx);
    assert_non_null(r);
    const char *got = r->stringval ? (const char *)r->stringval : "";
    if (strcmp(got, want) != 0)
        fail_msg("%s: \"%s\", expected \"%s\"", path, got, want);
    xmlXPathFreeObject(r);
}

static int count(xml *x, const char *path)
{
    char q[600];
    snprintf(q, sizeof(q), "count(%s)", path);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST q, x->ctx);
    assert_non_null(r);
    int n = (int)r->floatval;
    xmlXPathFreeObject(r);
    return n;
}

static void test_invoice(void **state)
{
    fixture f;
    size_t len, len2;
    invoice(&f);
    char *s = write_valid(&f.d, &len);
    char *again = write_valid(&f.d, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(s, again, len); /* a pure function of the document */
    assert_null(strstr(s, "\xef\xbb\xbf")); /* no BOM */
    xml x = parse(s, len);
    expect(&x, "/f:Faktura/f:Naglowek/f:KodFormularza", "FA");
    expect(&x, "/f:Faktura/f:Naglowek/f:KodFormularza/@kodSystemowy", "FA (3)");
    expect(&x, "/f:Faktura/f:Naglowek/f:WariantFormularza", "3");
    expect(&x, "/f:Faktura/f:Naglowek/f:DataWytworzeniaFa", "2026-11-20T00:00:00Z");
    expect(&x, "//f:Podmiot1/f:DaneIdentyfikacyjne/f:NIP", "5260250274");
    expect(&x, "//f:Podmiot1/f:Adres/f:AdresL2", "00-238 Warszawa");
    expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP", "7251801126");
    expect(&x, "//f:Podmiot2/f:JST", "2");
    expect(&x, "//f:Podmiot2/f:GV", "2");
    expect(&x, "//f:Fa/f:KodWaluty", "EUR");
    expect(&x, "//f:Fa/f:P_1", "2026-11-20");
    expect(&x, "//f:Fa/f:P_2", "FV/2026/000042");
    expect(&x, "//f:Fa/f:P_6", "2026-11-17");
    expect(&x, "//f:Fa/f:P_13_1", "3125.00");
    expect(&x, "//f:Fa/f:P_14_1", "718.75");
    expect(&x, "//f:Fa/f:P_14_1W", "3099.83"); /* the document's VAT in PLN, not recomputed */
    expect(&x, "//f:Fa/f:P_13_2", "79.80");
    expect(&x, "//f:Fa/f:P_14_2", "6.38");
    expect(&x, "//f:Fa/f:P_14_2W", "27.52");
    expect(&x, "//f:Fa/f:P_13_7", "500.00");
    expect(&x, "//f:Fa/f:P_15", "4429.93");
    expect(&x, "//f:Adnotacje/f:P_18", "2");
    expect(&x, "//f:Adnotacje/f:P_18A", "1");
    expect(&x, "//f:Adnotacje/f:Zwolnienie/f:P_19", "1");
    expect(&x, "//f:Adnotacje/f:Zwolnienie/f:P_19A", "art. 43 ust. 1 pkt 29 ustawy o VAT");
    expect(&x, "//f:Fa/f:RodzajFaktury", "VAT");
    assert_int_equal(count(&x, "//f:FaWiersz"), 3);
    expect(&x, "//f:FaWiersz[1]/f:P_8A", "dzień");
    expect(&x, "//f:FaWiersz[1]/f:P_8B", "2.5");
    expect(&x, "//f:FaWiersz[1]/f:P_9A", "1250.00");
    expect(&x, "//f:FaWiersz[1]/f:P_11", "3125.00");
    expect(&x, "//f:FaWiersz[1]/f:P_12", "23");
    expect(&x, "//f:FaWiersz[1]/f:P_12_Zal_15", "1");
    expect(&x, "//f:FaWiersz[1]/f:KursWaluty", "4.3128");
    expect(&x, "//f:FaWiersz[3]/f:P_12", "zw");
    assert_int_equal(count(&x, "//f:FaWiersz/f:StanPrzed"), 0);
    expect(&x, "//f:Platnosc/f:TerminPlatnosci/f:Termin", "2026-12-04");
    expect(&x, "//f:Platnosc/f:FormaPlatnosci", "6");
    expect(&x, "//f:Platnosc/f:RachunekBankowy/f:NrRB", "PL61109010140000071219812874");
    expect(&x, "//f:WarunkiTransakcji/f:Zamowienia/f:NrZamowienia", "PO-9");
    xml_free(&x);
    free(again);
    free(s);
}

/* One line of category cat (services or goods) to buyer country cc with VAT id vat. */
static char *one_line(fixture *f, const char *cat, bool services, const char *cc,
                      const char *vat, const char *reason, size_t *len)
{
    invoice(f);
    f->d.currency = "PLN";
    f->d.exchange_rate = f->d.exchange_rate_date = "";
    f->d.buyer.country = cc;
    f->d.buyer.vat_id = vat;
    f->d.buyer_is_business = *vat != '\0';
    f->lines[0] = (fk_doc_line){"Usługa", "", 1000, 10000, 0, 10000, "C62", "", services, false};
    snprintf(f->lines[0].category, sizeof(f->lines[0].category), "%s", cat);
    f->d.nlines = 1;
    f->vat[0] = (fk_doc_vat){0, 10000, 0, "", 0, reason, "", ""};
    snprintf(f->vat[0].category, sizeof(f->vat[0].category), "%s", cat);
    f->d.nvat = 1;
    f->d.net_total = f->d.gross_total = f->d.due = 10000;
    f->d.vat_total = f->d.vat_total_accounting = 0;
    f->d.nnotes = 0;
    return write_valid(&f->d, len);
}

static void test_categories_and_buyers(void **state)
{
    static const struct {
        const char *cat;
        bool services;
        const char *cc, *vat, *reason, *rate, *field, *p18, *id;
    } cases[] = {
        /* an EU business, reverse charge for services: art. 100(1)(4) */
        {"AE", true, "DE", "DE136695976", "", "np II", "P_13_9", "1", "KodUE=DE"},
        {"AE", false, "AT", "ATU13585627", "", "np I", "P_13_8", "1", "KodUE=AT"},
        {"AE", false, "PL", "PL7251801126", "", "oo", "P_13_10", "1", "NIP"},
        {"K", false, "FR", "FR40303265045", "", "0 WDT", "P_13_6_2", "2", "KodUE=FR"},
        {"K", true, "FR", "FR40303265045", "", "np II", "P_13_9", "1", "KodUE=FR"},
        {"G", false, "US", "", "", "0 EX", "P_13_6_3", "2", "BrakID"},
        {"G", true, "NO", "NO974760673MVA", "", "np I", "P_13_8", "2", "NrID"},
        {"Z", false, "PL", "", "", "0 KR", "P_13_6_1", "2", "BrakID"}, /* a consumer */
        {"O", false, "PL", "", "Not subject to VAT", "np I", "P_13_8", "2", "BrakID"},
        {"E", true, "PL", "", "Article 135(1)(g) VAT Directive", "zw", "P_13_7", "2", "BrakID"},
    };
    char path[128];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture f;
        size_t len;
        char *s = one_line(&f, cases[i].cat, cases[i].services, cases[i].cc, cases[i].vat,
                           cases[i].reason, &len);
        xml x = parse(s, len);
        print_message("case %zu: %s %s\n", i, cases[i].cat, cases[i].cc);
        expect(&x, "//f:FaWiersz/f:P_12", cases[i].rate);
        snprintf(path, sizeof(path), "//f:Fa/f:%s", cases[i].field);
        expect(&x, path, "100.00");
        expect(&x, "//f:Adnotacje/f:P_18", cases[i].p18);
        const char *id = cases[i].id;
        if (!strncmp(id, "KodUE=", 6)) {
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:KodUE", id + 6);
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NrVatUE", cases[i].vat + 2);
        } else if (!strcmp(id, "NIP")) {
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP", cases[i].vat + 2);
        } else if (!strcmp(id, "NrID")) {
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:KodKraju", cases[i].cc);
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:NrID", cases[i].vat);
        } else {
            expect(&x, "//f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID", "1");
        }
        if (!strcmp(cases[i].cat, "E"))
            expect(&x, "//f:Zwolnienie/f:P_19B", cases[i].reason);
        else
            expect(&x, "//f:Zwolnienie/f:P_19N", "1");
        xml_free(&x);
        free(s);
    }
}

static void test_credit_note(void **state)
{
    fixture f;
    size_t len;
    credit_note(&f);
    char *s = write_valid(&f.d, &len);
    xml x = parse(s, len);
    expect(&x, "//f:Fa/f:P_2", "CN-2026-000001");
    expect(&x, "//f:Fa/f:RodzajFaktury", "KOR");
    expect(&x, "//f:Fa/f:PrzyczynaKorekty", "zwrot towaru: reklamacja nr 7");
    expect(&x, "//f:Fa/f:TypKorekty", "2");
    expect(&x, "//f:DaneFaKorygowanej/f:DataWystFaKorygowanej", "2026-11-20");
    expect(&x, "//f:DaneFaKorygowanej/f:NrFaKorygowanej", "FV/2026/000042");
    expect(&x, "//f:DaneFaKorygowanej/f:NrKSeFN", "1");
    /* the sums are the differences */
    expect(&x, "//f:Fa/f:P_13_1", "-1250.00");
    expect(&x, "//f:Fa/f:P_14_1", "-287.50");
    expect(&x, "//f:Fa/f:P_14_1W", "-1239.93");
    expect(&x, "//f:Fa/f:P_13_2", "-79.80");
    expect(&x, "//f:Fa/f:P_15", "-1623.68");
    /* per corrected line: as it was (StanPrzed) and as it is, under the invoice's number */
    assert_int_equal(count(&x, "//f:FaWiersz"), 4);
    assert_int_equal(count(&x, "//f:FaWiersz[f:StanPrzed = '1']"), 2);
    expect(&x, "//f:FaWiersz[1]/f:NrWierszaFa", "1");
    expect(&x, "//f:FaWiersz[1]/f:StanPrzed", "1");
    expect(&x, "//f:FaWiersz[1]/f:P_8B", "2.5");
    expect(&x, "//f:FaWiersz[1]/f:P_11", "3125.00");
    expect(&x, "//f:FaWiersz[2]/f:NrWierszaFa", "1");
    expect(&x, "//f:FaWiersz[2]/f:P_8B", "1.5");
    expect(&x, "//f:FaWiersz[2]/f:P_11", "1875.00");
    assert_int_equal(count(&x, "//f:FaWiersz[2]/f:StanPrzed"), 0);
    expect(&x, "//f:FaWiersz[4]/f:NrWierszaFa", "2");
    expect(&x, "//f:FaWiersz[4]/f:P_8B", "0");
    expect(&x, "//f:FaWiersz[4]/f:P_11", "0.00");
    assert_int_equal(count(&x, "//f:Platnosc"), 0); /* nothing falls due */
    xml_free(&x);
    free(s);
}

/* d is refused with problem `want` and err naming `field`, the message containing `text`. */
static void refused(const fk_document *d, fk_einv_problem want, const char *field,
                    const char *text)
{
    fk_buf out = FK_BUF_INIT;
    fk_error err = FK_ERROR_INIT;
    fk_einv_problem why = FK_EINV_OK;

    assert_int_equal(fk_einv_write(d, ksef(), &out, &why, &err), FK_EINPUT);
    assert_int_equal(why, want);
    if (strcmp(err.field, field) != 0 || !strstr(err.message, text))
        fail_msg("refused with field \"%s\": %s (expected %s, \"%s\")", err.field, err.message,
                 field, text);
    assert_int_equal(out.len, 0);
    fk_buf_free(&out);
}

static void test_refused(void **state)
{
    fixture f;
    invoice(&f);
    f.d.seller.country = "DE";
    f.d.seller.vat_id = "DE123456788";
    refused(&f.d, FK_EINV_UNSUPPORTED, "einvoice", "sellers registered for VAT in Poland");
    invoice(&f);
    f.d.seller.vat_id = "PL52602502";
    refused(&f.d, FK_EINV_UNSUPPORTED, "einvoice", "not a Polish NIP");
    /* a foreign currency and no rate to PLN (the seller accounts in EUR) */
    invoice(&f);
    f.d.accounting_currency = "EUR";
    f.d.exchange_rate = f.d.exchange_rate_date = "";
    refused(&f.d, FK_EINV_MISSING, "exchange_rate", "P_14_xW");
    invoice(&f);
    f.lines[1].vat_centi = f.vat[1].vat_centi = 1900;
    refused(&f.d, FK_EINV_UNSUPPORTED, "vat_rate", "19.00 %");
    invoice(&f);
    f.vat[0].exemption_reason = f.vat[0].exemption_code = "";
    refused(&f.d, FK_EINV_MISSING, "vat_exemption_reason", "P_19");
    invoice(&f);
    f.d.issue_date = "2025-08-31";
    refused(&f.d, FK_EINV_UNSUPPORTED, "issue_date", "from 2025-09-01");
    credit_note(&f);
    f.d.preceding_number = "";
    refused(&f.d, FK_EINV_MISSING, "preceding_number", "DaneFaKorygowanej");
    /* a required text longer than FA(3) allows is refused, never cut */
    char longer[700];
    memset(longer, 'x', 600);
    longer[600] = '\0';
    invoice(&f);
    f.lines[1].description = longer;
    refused(&f.d, FK_EINV_UNSUPPORTED, "item_description", "at most 512 characters");
    invoice(&f);
    f.d.buyer.name = longer;
    refused(&f.d, FK_EINV_UNSUPPORTED, "company_name", "it has 600");
}

/* Optional texts that do not fit are left out; the reason of a correction is cut; the
 * whitespace of every text collapsed as xsd:token does. */
static void test_texts(void **state)
{
    fixture f;
    size_t len;
    char sku[80], reason[700];
    memset(sku, 'S', 60);
    sku[60] = '\0';
    for (size_t i = 0; i < 600; i++)
        reason[i] = i % 10 == 9 ? ' ' : 'r';
    reason[600] = '\0';
    credit_note(&f);
    f.lines[0].sku = sku;
    f.lines[1].description = "  Książka \n\t w twardej   oprawie ";
    f.d.credit_reason = reason;
    char *s = write_valid(&f.d, &len);
    xml x = parse(s, len);
    assert_int_equal(count(&x, "//f:FaWiersz[f:NrWierszaFa = '1']/f:Indeks"), 0);
    expect(&x, "//f:FaWiersz[3]/f:P_7", "Książka w twardej oprawie");
    expect(&x, "string-length(//f:Fa/f:PrzyczynaKorekty)", "256");
    xml_free(&x);
    free(s);
}

/* A foreign currency without VAT needs no rate: no P_14_xW, no KursWaluty. */
static void test_foreign_without_vat(void **state)
{
    fixture f;
    size_t len;
    char *s;
    invoice(&f);
    f.d.currency = "USD";
    f.d.accounting_currency = "PLN";
    f.d.exchange_rate = f.d.exchange_rate_date = "";
    f.lines[0] = f.lines[2];
    f.d.nlines = 1;
    f.vat[0].taxable = 50000;
    f.d.nvat = 1;
    f.d.net_total = f.d.gross_total = f.d.due = 50000;
    f.d.vat_total = f.d.vat_total_accounting = 0;
    s = write_valid(&f.d, &len);
    xml x = parse(s, len);
    expect(&x, "//f:Fa/f:KodWaluty", "USD");
    expect(&x, "//f:Fa/f:P_13_7", "500.00");
    assert_int_equal(count(&x, "//f:KursWaluty"), 0);
    xml_free(&x);
    free(s);
}

static int setup(void **state)
{
    fk_error err = FK_ERROR_INIT;
    schemas = fk_einv_schemas_new();
    if (fk_einv_schemas_need(schemas, 1u << FK_EINV_KSEF, &err) != FK_OK) {
        fprintf(stderr, "the KSeF schema does not load: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    fk_einv_schemas_free(schemas);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoice),
        cmocka_unit_test(test_categories_and_buyers),
        cmocka_unit_test(test_credit_note),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_foreign_without_vat),
        cmocka_unit_test(test_texts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
