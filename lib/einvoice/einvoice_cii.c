/* SPDX-License-Identifier: MIT */
/* einvoice_cii.c -- EN 16931 in UN/CEFACT Cross Industry Invoice D16B (CEN/TS 16931-3-3):
 * the formats cii, xrechnung-cii and facturx (profile EN 16931, the XML embedded in the
 * PDF). The element order is the XSD's sequence order (the Factur-X EN16931 XSD is a
 * subset of D16B with the same order). Dates are format 102 (YYYYMMDD). A credit note
 * is the same document with TypeCode 381, its amounts positive (fk_einv_write), its
 * reason as the first note (BT-22) and the corrected invoice in InvoiceReferencedDocument
 * (BT-25/26, after the monetary summation). */
#include <stdio.h>
#include <string.h>
#include "einvoice/einvoice_impl.h"

#define NS_RSM "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
#define NS_RAM "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
#define NS_QDT "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
#define NS_UDT "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"

typedef struct cii {
    fk_xw x;
    const fk_document *d;
    bool no_vat_ids; /* category O: BR-O-02 */
} cii;

static void amount_cur(cii *c, const char *el, int64_t v, const char *currency)
{
    char buf[48];
    fk_einv_amount(v, c->d->exponent, buf, sizeof(buf));
    if (currency)
        fk_xw_el_attr(&c->x, el, "currencyID", currency, buf);
    else
        fk_xw_el(&c->x, el, buf);
}

static void amount(cii *c, const char *el, int64_t v)
{
    amount_cur(c, el, v, NULL);
}

/* el/udt:DateTimeString format 102 of a YYYY-MM-DD date. */
static void date(cii *c, const char *el, const char *iso)
{
    char ymd[9] = "";
    if (iso && strlen(iso) >= 10)
        snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", iso, iso + 5, iso + 8);
    fk_xw_start(&c->x, el);
    fk_xw_el_attr(&c->x, "udt:DateTimeString", "format", "102", ymd);
    fk_xw_end(&c->x);
}

static void tax_registration(cii *c, const char *scheme, const char *id)
{
    fk_xw_start(&c->x, "ram:SpecifiedTaxRegistration");
    fk_xw_el_attr(&c->x, "ram:ID", "schemeID", scheme, id);
    fk_xw_end(&c->x);
}

/* BG-4 / BG-7. */
static void party(cii *c, const char *role, const fk_party *p, bool seller)
{
    char scheme[16], id[256];
    fk_xw_start(&c->x, role);
    fk_xw_el(&c->x, "ram:Name", p->name);
    if (p->legal_id && p->legal_id[0]) {
        fk_xw_start(&c->x, "ram:SpecifiedLegalOrganization");
        fk_xw_el(&c->x, "ram:ID", p->legal_id); /* BT-30 / BT-47 */
        fk_xw_end(&c->x);
    }
    if ((p->contact_name && p->contact_name[0]) || (p->phone && p->phone[0]) ||
        (seller && p->email && p->email[0])) {
        fk_xw_start(&c->x, "ram:DefinedTradeContact"); /* BG-6 */
        fk_xw_el_opt(&c->x, "ram:PersonName", p->contact_name);
        if (p->phone && p->phone[0]) {
            fk_xw_start(&c->x, "ram:TelephoneUniversalCommunication");
            fk_xw_el(&c->x, "ram:CompleteNumber", p->phone);
            fk_xw_end(&c->x);
        }
        if (seller && p->email && p->email[0]) {
            fk_xw_start(&c->x, "ram:EmailURIUniversalCommunication");
            fk_xw_el(&c->x, "ram:URIID", p->email);
            fk_xw_end(&c->x);
        }
        fk_xw_end(&c->x);
    }
    fk_xw_start(&c->x, "ram:PostalTradeAddress");
    fk_xw_el_opt(&c->x, "ram:PostcodeCode", p->postal_code);
    fk_xw_el_opt(&c->x, "ram:LineOne", p->street);
    fk_xw_el_opt(&c->x, "ram:CityName", p->city);
    fk_xw_el(&c->x, "ram:CountryID", p->country);
    fk_xw_end(&c->x);
    if (fk_einv_endpoint_split(p->endpoint, scheme, sizeof(scheme), id, sizeof(id))) {
        fk_xw_start(&c->x, "ram:URIUniversalCommunication"); /* BT-34 / BT-49 */
        fk_xw_el_attr(&c->x, "ram:URIID", "schemeID", scheme, id);
        fk_xw_end(&c->x);
    }
    if (!c->no_vat_ids && p->vat_id && p->vat_id[0])
        tax_registration(c, "VA", p->vat_id); /* BT-31 / BT-48 */
    if (seller && p->tax_registration && p->tax_registration[0])
        tax_registration(c, "FC", p->tax_registration); /* BT-32 */
    fk_xw_end(&c->x);
}

static void trade_tax(cii *c, const fk_doc_vat *v, const fk_doc_line *ln)
{
    const char *cat = v ? v->category : ln->category;
    int32_t rate = v ? v->vat_centi : ln->vat_centi;
    bool reason = v && strcmp(cat, "S") != 0 && strcmp(cat, "Z") != 0; /* BR-S-10, BR-Z-10 */
    char pct[24];

    fk_einv_percent(rate, pct, sizeof(pct));
    fk_xw_start(&c->x, "ram:ApplicableTradeTax");
    if (v)
        amount(c, "ram:CalculatedAmount", v->vat); /* BT-117 */
    fk_xw_el(&c->x, "ram:TypeCode", "VAT");
    if (reason)
        fk_xw_el_opt(&c->x, "ram:ExemptionReason", v->exemption_reason); /* BT-120 */
    if (v)
        amount(c, "ram:BasisAmount", v->taxable); /* BT-116 */
    fk_xw_el(&c->x, "ram:CategoryCode", cat);
    if (reason)
        fk_xw_el_opt(&c->x, "ram:ExemptionReasonCode", v->exemption_code); /* BT-121 */
    if (strcmp(cat, "O") != 0 || v) /* BT-119 always (BR-DE-14), BT-152 not for O */
        fk_xw_el(&c->x, "ram:RateApplicablePercent", pct);
    fk_xw_end(&c->x);
}

static void line(cii *c, size_t i)
{
    const fk_doc_line *ln = &c->d->lines[i];
    char id[24], qty[48];
    snprintf(id, sizeof(id), "%zu", i + 1);
    fk_einv_quantity(ln->qty_milli, qty, sizeof(qty));
    fk_xw_start(&c->x, "ram:IncludedSupplyChainTradeLineItem");
    fk_xw_start(&c->x, "ram:AssociatedDocumentLineDocument");
    fk_xw_el(&c->x, "ram:LineID", id); /* BT-126 */
    fk_xw_end(&c->x);
    fk_xw_start(&c->x, "ram:SpecifiedTradeProduct");
    fk_xw_el_opt(&c->x, "ram:SellerAssignedID", ln->sku); /* BT-155 */
    fk_xw_el(&c->x, "ram:Name", ln->description);         /* BT-153 */
    fk_xw_end(&c->x);
    fk_xw_start(&c->x, "ram:SpecifiedLineTradeAgreement");
    fk_xw_start(&c->x, "ram:NetPriceProductTradePrice");
    amount(c, "ram:ChargeAmount", ln->unit_price); /* BT-146 */
    fk_xw_end(&c->x);
    fk_xw_end(&c->x);
    fk_xw_start(&c->x, "ram:SpecifiedLineTradeDelivery");
    fk_xw_el_attr(&c->x, "ram:BilledQuantity", "unitCode",
                  ln->unit && ln->unit[0] ? ln->unit : "C62", qty); /* BT-129, BT-130 */
    fk_xw_end(&c->x);
    fk_xw_start(&c->x, "ram:SpecifiedLineTradeSettlement");
    trade_tax(c, NULL, ln);
    fk_xw_start(&c->x, "ram:SpecifiedTradeSettlementLineMonetarySummation");
    amount(c, "ram:LineTotalAmount", ln->net); /* BT-131 */
    fk_xw_end(&c->x);
    fk_xw_end(&c->x);
    fk_xw_end(&c->x);
}

static void payment_means(cii *c)
{
    const fk_document *d = c->d;
    fk_xw_start(&c->x, "ram:SpecifiedTradeSettlementPaymentMeans");
    fk_xw_el(&c->x, "ram:TypeCode", d->payment_means); /* BT-81 */
    if (d->payment == FK_DOC_PAY_CARD) {
        fk_xw_start(&c->x, "ram:ApplicableTradeSettlementFinancialCard");
        fk_xw_el(&c->x, "ram:ID", d->card_last4); /* BT-87 */
        fk_xw_end(&c->x);
    } else if (d->payment == FK_DOC_PAY_SEPA) {
        if (d->iban_masked && d->iban_masked[0]) {
            fk_xw_start(&c->x, "ram:PayerPartyDebtorFinancialAccount");
            fk_xw_el(&c->x, "ram:IBANID", d->iban_masked); /* BT-91 */
            fk_xw_end(&c->x);
        }
    } else {
        fk_xw_start(&c->x, "ram:PayeePartyCreditorFinancialAccount");
        fk_xw_el(&c->x, "ram:IBANID", d->seller_iban); /* BT-84 */
        fk_xw_el(&c->x, "ram:AccountName", d->seller.name);
        fk_xw_end(&c->x);
        if (d->seller_bic && d->seller_bic[0]) {
            fk_xw_start(&c->x, "ram:PayeeSpecifiedCreditorFinancialInstitution");
            fk_xw_el(&c->x, "ram:BICID", d->seller_bic); /* BT-86 */
            fk_xw_end(&c->x);
        }
    }
    fk_xw_end(&c->x);
}

static void settlement(cii *c)
{
    const fk_document *d = c->d;
    bool tax_cur = d->accounting_currency && d->accounting_currency[0] &&
                   strcmp(d->accounting_currency, d->currency) != 0;

    fk_xw_start(&c->x, "ram:ApplicableHeaderTradeSettlement");
    if (d->payment == FK_DOC_PAY_SEPA)
        fk_xw_el_opt(&c->x, "ram:CreditorReferenceID", d->creditor_id); /* BT-90 */
    fk_xw_el_opt(&c->x, "ram:PaymentReference", d->payment_reference); /* BT-83 */
    if (tax_cur)
        fk_xw_el(&c->x, "ram:TaxCurrencyCode", d->accounting_currency); /* BT-6 */
    fk_xw_el(&c->x, "ram:InvoiceCurrencyCode", d->currency); /* BT-5 */
    payment_means(c);
    for (size_t i = 0; i < d->nvat; i++)
        trade_tax(c, &d->vat[i], NULL);
    if (d->period_start && d->period_start[0]) {
        fk_xw_start(&c->x, "ram:BillingSpecifiedPeriod"); /* BG-14 */
        date(c, "ram:StartDateTime", d->period_start);
        date(c, "ram:EndDateTime", d->period_end);
        fk_xw_end(&c->x);
    }
    if (fk_einv__due_date(d)[0] || d->payment == FK_DOC_PAY_SEPA) {
        fk_xw_start(&c->x, "ram:SpecifiedTradePaymentTerms");
        if (fk_einv__due_date(d)[0])
            date(c, "ram:DueDateDateTime", fk_einv__due_date(d)); /* BT-9 */
        if (d->payment == FK_DOC_PAY_SEPA)
            fk_xw_el_opt(&c->x, "ram:DirectDebitMandateID", d->mandate_id); /* BT-89 */
        fk_xw_end(&c->x);
    }
    fk_xw_start(&c->x, "ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    amount(c, "ram:LineTotalAmount", d->net_total);    /* BT-106 */
    amount(c, "ram:TaxBasisTotalAmount", d->net_total); /* BT-109 */
    amount_cur(c, "ram:TaxTotalAmount", d->vat_total, d->currency); /* BT-110 */
    if (tax_cur) {
        char buf[48];
        fk_einv_amount(d->vat_total_accounting, d->accounting_exponent, buf, sizeof(buf));
        fk_xw_el_attr(&c->x, "ram:TaxTotalAmount", "currencyID", d->accounting_currency,
                      buf); /* BT-111 */
    }
    amount(c, "ram:GrandTotalAmount", d->gross_total); /* BT-112 */
    if (d->prepaid)
        amount(c, "ram:TotalPrepaidAmount", d->prepaid); /* BT-113 */
    amount(c, "ram:DuePayableAmount", d->due);           /* BT-115 */
    fk_xw_end(&c->x);
    if (d->type_code == 381 && d->preceding_number && d->preceding_number[0]) {
        fk_xw_start(&c->x, "ram:InvoiceReferencedDocument"); /* BG-3 */
        fk_xw_el(&c->x, "ram:IssuerAssignedID", d->preceding_number); /* BT-25 */
        if (d->preceding_date && strlen(d->preceding_date) >= 10) {
            char ymd[9];
            snprintf(ymd, sizeof(ymd), "%.4s%.2s%.2s", d->preceding_date,
                     d->preceding_date + 5, d->preceding_date + 8);
            fk_xw_start(&c->x, "ram:FormattedIssueDateTime"); /* BT-26 */
            fk_xw_el_attr(&c->x, "qdt:DateTimeString", "format", "102", ymd);
            fk_xw_end(&c->x);
        }
        fk_xw_end(&c->x);
    }
    fk_xw_end(&c->x);
}

static void note(cii *c, const char *text)
{
    fk_xw_start(&c->x, "ram:IncludedNote");
    fk_xw_el(&c->x, "ram:Content", text); /* BT-22 */
    fk_xw_end(&c->x);
}

static void exchanged_document(cii *c)
{
    const fk_document *d = c->d;
    char code[8];
    fk_xw_start(&c->x, "rsm:ExchangedDocument");
    fk_xw_el(&c->x, "ram:ID", d->number); /* BT-1 */
    snprintf(code, sizeof(code), "%d", d->type_code);
    fk_xw_el(&c->x, "ram:TypeCode", code); /* BT-3 */
    date(c, "ram:IssueDateTime", d->issue_date); /* BT-2 */
    if (fk_einv__reason(d)) /* a credit note's reason first */
        note(c, fk_einv__reason(d));
    for (size_t i = 0; i < d->nnotes; i++)
        note(c, d->notes[i]);
    fk_xw_end(&c->x);
}

fk_status fk_einv__write_cii(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                             fk_error *err)
{
    cii c = {.d = d, .no_vat_ids = fk_einv_outside_scope(d)};
    bool k = false;

    for (size_t i = 0; i < d->nvat; i++)
        k |= !strcmp(d->vat[i].category, "K");
    fk_xw_open(&c.x);
    fk_xw_start(&c.x, "rsm:CrossIndustryInvoice");
    fk_xw_attr(&c.x, "xmlns:rsm", NS_RSM);
    fk_xw_attr(&c.x, "xmlns:qdt", NS_QDT);
    fk_xw_attr(&c.x, "xmlns:ram", NS_RAM);
    fk_xw_attr(&c.x, "xmlns:udt", NS_UDT);

    fk_xw_start(&c.x, "rsm:ExchangedDocumentContext");
    if (p->process) {
        fk_xw_start(&c.x, "ram:BusinessProcessSpecifiedDocumentContextParameter");
        fk_xw_el(&c.x, "ram:ID", p->process); /* BT-23 */
        fk_xw_end(&c.x);
    }
    fk_xw_start(&c.x, "ram:GuidelineSpecifiedDocumentContextParameter");
    fk_xw_el(&c.x, "ram:ID", p->customization); /* BT-24 */
    fk_xw_end(&c.x);
    fk_xw_end(&c.x);

    exchanged_document(&c);

    fk_xw_start(&c.x, "rsm:SupplyChainTradeTransaction");
    for (size_t i = 0; i < d->nlines; i++)
        line(&c, i);
    fk_xw_start(&c.x, "ram:ApplicableHeaderTradeAgreement");
    fk_xw_el_opt(&c.x, "ram:BuyerReference", d->buyer_reference); /* BT-10 */
    party(&c, "ram:SellerTradeParty", &d->seller, true);
    party(&c, "ram:BuyerTradeParty", &d->buyer, false);
    if (d->order_id && d->order_id[0]) {
        fk_xw_start(&c.x, "ram:SellerOrderReferencedDocument");
        fk_xw_el(&c.x, "ram:IssuerAssignedID", d->order_id); /* BT-14 */
        fk_xw_end(&c.x);
    }
    if (d->order_reference && d->order_reference[0]) {
        fk_xw_start(&c.x, "ram:BuyerOrderReferencedDocument");
        fk_xw_el(&c.x, "ram:IssuerAssignedID", d->order_reference); /* BT-13 */
        fk_xw_end(&c.x);
    }
    fk_xw_end(&c.x);
    fk_xw_start(&c.x, "ram:ApplicableHeaderTradeDelivery");
    if (k) {
        /* BG-15, BR-IC-12: the buyer's address (city and post code: BR-DE-10/11) */
        fk_xw_start(&c.x, "ram:ShipToTradeParty");
        fk_xw_start(&c.x, "ram:PostalTradeAddress");
        fk_xw_el_opt(&c.x, "ram:PostcodeCode", d->buyer.postal_code);
        fk_xw_el_opt(&c.x, "ram:LineOne", d->buyer.street);
        fk_xw_el_opt(&c.x, "ram:CityName", d->buyer.city);
        fk_xw_el(&c.x, "ram:CountryID", d->buyer.country);
        fk_xw_end(&c.x);
        fk_xw_end(&c.x);
    }
    if (d->delivery_date && d->delivery_date[0]) {
        fk_xw_start(&c.x, "ram:ActualDeliverySupplyChainEvent");
        date(&c, "ram:OccurrenceDateTime", d->delivery_date); /* BT-72 */
        fk_xw_end(&c.x);
    }
    fk_xw_end(&c.x);
    settlement(&c);
    fk_xw_end(&c.x);
    fk_xw_end(&c.x);
    return fk_xw_close(&c.x, out, err);
}
