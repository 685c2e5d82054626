/* SPDX-License-Identifier: MIT */
/* einvoice_ubl.c -- EN 16931 in OASIS UBL 2.1 (CEN/TS 16931-3-2): the formats ubl, peppol
 * (EHF 3 for Norwegian sellers) and xrechnung-ubl. The element order is the XSD's
 * sequence order (UBL-Invoice-2.1.xsd and the common aggregate components); what the
 * profile changes is BT-23/BT-24 and which optional terms must be there (checked before,
 * einvoice_common.c). Credit notes (type 381) take the CreditNote root and element names
 * from ubl_names(), their amounts positive (fk_einv_write), the corrected invoice as
 * BillingReference (BT-25/26) and their reason as the first note (BT-22). */
#include <stdio.h>
#include <string.h>
#include "einvoice/einvoice_impl.h"

#define NS_INV "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
#define NS_CN "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
#define NS_CAC "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
#define NS_CBC "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

typedef struct ubl_names {
    const char *root, *ns, *type_code, *line, *quantity;
    bool due_date; /* BT-9 as cbc:DueDate (Invoice); a CreditNote has it in PaymentMeans */
} ubl_names;

static ubl_names names_of(const fk_document *d)
{
    if (d->type_code == 381)
        return (ubl_names){"CreditNote", NS_CN, "cbc:CreditNoteTypeCode", "cac:CreditNoteLine",
                           "cbc:CreditedQuantity", false};
    return (ubl_names){"Invoice", NS_INV, "cbc:InvoiceTypeCode", "cac:InvoiceLine",
                       "cbc:InvoicedQuantity", true};
}

typedef struct ubl {
    fk_xw x;
    const fk_document *d;
    const fk_einv_profile *p;
    bool no_vat_ids; /* category O: BR-O-02 */
} ubl;

static void amount(ubl *u, const char *el, int64_t v)
{
    char buf[48];
    fk_einv_amount(v, u->d->exponent, buf, sizeof(buf));
    fk_xw_el_attr(&u->x, el, "currencyID", u->d->currency, buf);
}

static void endpoint(ubl *u, const char *ep)
{
    char scheme[16], id[256];
    if (fk_einv_endpoint_split(ep, scheme, sizeof(scheme), id, sizeof(id)))
        fk_xw_el_attr(&u->x, "cbc:EndpointID", "schemeID", scheme, id);
}

static void address(ubl *u, const fk_party *p)
{
    fk_xw_start(&u->x, "cac:PostalAddress");
    fk_xw_el_opt(&u->x, "cbc:StreetName", p->street);
    fk_xw_el_opt(&u->x, "cbc:CityName", p->city);
    fk_xw_el_opt(&u->x, "cbc:PostalZone", p->postal_code);
    fk_xw_start(&u->x, "cac:Country");
    fk_xw_el(&u->x, "cbc:IdentificationCode", p->country);
    fk_xw_end(&u->x);
    fk_xw_end(&u->x);
}

static void tax_scheme(ubl *u, const char *company_id, const char *scheme)
{
    fk_xw_start(&u->x, "cac:PartyTaxScheme");
    fk_xw_el(&u->x, "cbc:CompanyID", company_id);
    fk_xw_start(&u->x, "cac:TaxScheme");
    fk_xw_el(&u->x, "cbc:ID", scheme);
    fk_xw_end(&u->x);
    fk_xw_end(&u->x);
}

/* BG-4 / BG-7. */
static void party(ubl *u, const char *role, const fk_party *p, bool seller)
{
    fk_xw_start(&u->x, role);
    fk_xw_start(&u->x, "cac:Party");
    endpoint(u, p->endpoint);
    if (seller && u->d->payment == FK_DOC_PAY_SEPA && u->d->creditor_id && u->d->creditor_id[0]) {
        fk_xw_start(&u->x, "cac:PartyIdentification");
        fk_xw_el_attr(&u->x, "cbc:ID", "schemeID", "SEPA", u->d->creditor_id); /* BT-90 */
        fk_xw_end(&u->x);
    }
    address(u, p);
    if (!u->no_vat_ids && p->vat_id && p->vat_id[0])
        tax_scheme(u, p->vat_id, "VAT"); /* BT-31 / BT-48 */
    if (seller && p->tax_registration && p->tax_registration[0])
        tax_scheme(u, p->tax_registration, "TAX"); /* BT-32 */
    fk_xw_start(&u->x, "cac:PartyLegalEntity");
    fk_xw_el(&u->x, "cbc:RegistrationName", p->name);
    fk_xw_el_opt(&u->x, "cbc:CompanyID", p->legal_id); /* BT-30 / BT-47 */
    fk_xw_end(&u->x);
    if ((p->contact_name && p->contact_name[0]) || (p->phone && p->phone[0]) ||
        (seller && p->email && p->email[0])) {
        fk_xw_start(&u->x, "cac:Contact"); /* BG-6 (the buyer's e-mail is BT-58 only) */
        fk_xw_el_opt(&u->x, "cbc:Name", p->contact_name);
        fk_xw_el_opt(&u->x, "cbc:Telephone", p->phone);
        if (seller)
            fk_xw_el_opt(&u->x, "cbc:ElectronicMail", p->email);
        fk_xw_end(&u->x);
    }
    fk_xw_end(&u->x);
    fk_xw_end(&u->x);
}

/* BG-13: the delivery date (BT-72) and, for intra-Community supplies, the address it was
 * delivered to (BG-15, BR-IC-12: the buyer's; with city and post code, BR-DE-10/11). */
static void delivery(ubl *u)
{
    const fk_document *d = u->d;
    bool k = false;
    for (size_t i = 0; i < d->nvat; i++)
        k |= !strcmp(d->vat[i].category, "K");
    if (!(d->delivery_date && d->delivery_date[0]) && !k)
        return;
    fk_xw_start(&u->x, "cac:Delivery");
    fk_xw_el_opt(&u->x, "cbc:ActualDeliveryDate", d->delivery_date);
    if (k) {
        fk_xw_start(&u->x, "cac:DeliveryLocation");
        fk_xw_start(&u->x, "cac:Address");
        fk_xw_el_opt(&u->x, "cbc:StreetName", d->buyer.street);
        fk_xw_el_opt(&u->x, "cbc:CityName", d->buyer.city);
        fk_xw_el_opt(&u->x, "cbc:PostalZone", d->buyer.postal_code);
        fk_xw_start(&u->x, "cac:Country");
        fk_xw_el(&u->x, "cbc:IdentificationCode", d->buyer.country);
        fk_xw_end(&u->x);
        fk_xw_end(&u->x);
        fk_xw_end(&u->x);
    }
    fk_xw_end(&u->x);
}

/* BG-16 with BG-17 (transfer), BG-18 (card) or BG-19 (direct debit). */
static void payment_means(ubl *u, const ubl_names *n)
{
    const fk_document *d = u->d;
    fk_xw_start(&u->x, "cac:PaymentMeans");
    fk_xw_el(&u->x, "cbc:PaymentMeansCode", d->payment_means);
    if (!n->due_date)
        fk_xw_el_opt(&u->x, "cbc:PaymentDueDate", fk_einv__due_date(d));
    fk_xw_el_opt(&u->x, "cbc:PaymentID", d->payment_reference); /* BT-83 (the KID in NO) */
    if (d->payment == FK_DOC_PAY_CARD) {
        fk_xw_start(&u->x, "cac:CardAccount");
        fk_xw_el(&u->x, "cbc:PrimaryAccountNumberID", d->card_last4); /* BT-87 */
        fk_xw_el(&u->x, "cbc:NetworkID", d->card_brand && d->card_brand[0] ? d->card_brand
                                                                           : "card");
        fk_xw_end(&u->x);
    } else if (d->payment == FK_DOC_PAY_TRANSFER) {
        fk_xw_start(&u->x, "cac:PayeeFinancialAccount");
        fk_xw_el(&u->x, "cbc:ID", d->seller_iban); /* BT-84 */
        fk_xw_el(&u->x, "cbc:Name", d->seller.name);
        if (d->seller_bic && d->seller_bic[0]) {
            fk_xw_start(&u->x, "cac:FinancialInstitutionBranch");
            fk_xw_el(&u->x, "cbc:ID", d->seller_bic); /* BT-86 */
            fk_xw_end(&u->x);
        }
        fk_xw_end(&u->x);
    } else {
        fk_xw_start(&u->x, "cac:PaymentMandate");
        fk_xw_el(&u->x, "cbc:ID", d->mandate_id); /* BT-89 */
        if (d->iban_masked && d->iban_masked[0]) {
            fk_xw_start(&u->x, "cac:PayerFinancialAccount");
            fk_xw_el(&u->x, "cbc:ID", d->iban_masked); /* BT-91 */
            fk_xw_end(&u->x);
        }
        fk_xw_end(&u->x);
    }
    fk_xw_end(&u->x);
}

static void tax_category(ubl *u, const char *el, const char *cat, int32_t rate,
                         const char *reason, const char *code)
{
    char pct[24];
    fk_einv_percent(rate, pct, sizeof(pct));
    fk_xw_start(&u->x, el);
    fk_xw_el(&u->x, "cbc:ID", cat);
    /* BT-119 always (BR-DE-14: 0 for O too); BT-152 not for O (BR-O-05). */
    if (strcmp(cat, "O") != 0 || reason)
        fk_xw_el(&u->x, "cbc:Percent", pct);
    /* BR-S-10, BR-Z-10: standard and zero-rated breakdowns carry no exemption reason. */
    if (reason && strcmp(cat, "S") != 0 && strcmp(cat, "Z") != 0) {
        fk_xw_el_opt(&u->x, "cbc:TaxExemptionReasonCode", code);
        fk_xw_el_opt(&u->x, "cbc:TaxExemptionReason", reason);
    }
    fk_xw_start(&u->x, "cac:TaxScheme");
    fk_xw_el(&u->x, "cbc:ID", "VAT");
    fk_xw_end(&u->x);
    fk_xw_end(&u->x);
}

static void tax_totals(ubl *u)
{
    const fk_document *d = u->d;
    fk_xw_start(&u->x, "cac:TaxTotal");
    amount(u, "cbc:TaxAmount", d->vat_total); /* BT-110 */
    for (size_t i = 0; i < d->nvat; i++) {
        const fk_doc_vat *v = &d->vat[i];
        fk_xw_start(&u->x, "cac:TaxSubtotal");
        amount(u, "cbc:TaxableAmount", v->taxable); /* BT-116 */
        amount(u, "cbc:TaxAmount", v->vat);         /* BT-117 */
        tax_category(u, "cac:TaxCategory", v->category, v->vat_centi, v->exemption_reason,
                     v->exemption_code);
        fk_xw_end(&u->x);
    }
    fk_xw_end(&u->x);
    /* BT-111: the VAT in the accounting currency (BT-6), a TaxTotal of its own. */
    if (d->accounting_currency && d->accounting_currency[0] &&
        strcmp(d->accounting_currency, d->currency) != 0) {
        char buf[48];
        fk_einv_amount(d->vat_total_accounting, d->accounting_exponent, buf, sizeof(buf));
        fk_xw_start(&u->x, "cac:TaxTotal");
        fk_xw_el_attr(&u->x, "cbc:TaxAmount", "currencyID", d->accounting_currency, buf);
        fk_xw_end(&u->x);
    }
}

/* BT-22: a credit note's reason first, then the notes; Peppol allows one note
 * (PEPPOL-EN16931-R002): they are joined then. */
static void notes(ubl *u)
{
    const fk_document *d = u->d;
    const char *reason = fk_einv__reason(d);

    if (u->p->need & FK_NEED_ONE_NOTE) {
        fk_buf all = FK_BUF_INIT;
        if (reason)
            fk_buf_puts(&all, reason);
        for (size_t i = 0; i < d->nnotes; i++)
            fk_buf_printf(&all, "%s%s", all.len ? "\n" : "", d->notes[i]);
        if (reason || d->nnotes)
            fk_xw_el(&u->x, "cbc:Note", fk_buf_cstr(&all));
        fk_buf_free(&all);
        return;
    }
    if (reason)
        fk_xw_el(&u->x, "cbc:Note", reason);
    for (size_t i = 0; i < d->nnotes; i++)
        fk_xw_el(&u->x, "cbc:Note", d->notes[i]);
}

static void line(ubl *u, const ubl_names *n, size_t i)
{
    const fk_doc_line *ln = &u->d->lines[i];
    char id[24], qty[48];
    snprintf(id, sizeof(id), "%zu", i + 1);
    fk_einv_quantity(ln->qty_milli, qty, sizeof(qty));
    fk_xw_start(&u->x, n->line);
    fk_xw_el(&u->x, "cbc:ID", id); /* BT-126 */
    fk_xw_el_attr(&u->x, n->quantity, "unitCode", ln->unit && ln->unit[0] ? ln->unit : "C62",
                  qty);                          /* BT-129, BT-130 */
    amount(u, "cbc:LineExtensionAmount", ln->net); /* BT-131 */
    fk_xw_start(&u->x, "cac:Item");
    fk_xw_el(&u->x, "cbc:Name", ln->description); /* BT-153 */
    if (ln->sku && ln->sku[0]) {
        fk_xw_start(&u->x, "cac:SellersItemIdentification");
        fk_xw_el(&u->x, "cbc:ID", ln->sku); /* BT-155 */
        fk_xw_end(&u->x);
    }
    tax_category(u, "cac:ClassifiedTaxCategory", ln->category, ln->vat_centi, NULL, NULL);
    fk_xw_end(&u->x);
    fk_xw_start(&u->x, "cac:Price");
    amount(u, "cbc:PriceAmount", ln->unit_price); /* BT-146 */
    fk_xw_end(&u->x);
    fk_xw_end(&u->x);
}

fk_status fk_einv__write_ubl(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                             fk_error *err)
{
    ubl u = {.d = d, .p = p, .no_vat_ids = fk_einv_outside_scope(d)};
    ubl_names n = names_of(d);
    char code[8];

    fk_xw_open(&u.x);
    fk_xw_start(&u.x, n.root);
    fk_xw_attr(&u.x, "xmlns", n.ns);
    fk_xw_attr(&u.x, "xmlns:cac", NS_CAC);
    fk_xw_attr(&u.x, "xmlns:cbc", NS_CBC);
    fk_xw_el(&u.x, "cbc:CustomizationID", p->customization); /* BT-24 */
    fk_xw_el_opt(&u.x, "cbc:ProfileID", p->process);         /* BT-23 */
    fk_xw_el(&u.x, "cbc:ID", d->number);                     /* BT-1 */
    fk_xw_el(&u.x, "cbc:IssueDate", d->issue_date);          /* BT-2 */
    if (n.due_date)
        fk_xw_el_opt(&u.x, "cbc:DueDate", fk_einv__due_date(d)); /* BT-9 */
    snprintf(code, sizeof(code), "%d", d->type_code);
    fk_xw_el(&u.x, n.type_code, code); /* BT-3 */
    notes(&u);
    fk_xw_el(&u.x, "cbc:DocumentCurrencyCode", d->currency); /* BT-5 */
    if (d->accounting_currency && d->accounting_currency[0] &&
        strcmp(d->accounting_currency, d->currency) != 0)
        fk_xw_el(&u.x, "cbc:TaxCurrencyCode", d->accounting_currency); /* BT-6 */
    fk_xw_el_opt(&u.x, "cbc:BuyerReference", d->buyer_reference); /* BT-10 */
    if (d->period_start && d->period_start[0]) {
        fk_xw_start(&u.x, "cac:InvoicePeriod"); /* BG-14 */
        fk_xw_el(&u.x, "cbc:StartDate", d->period_start);
        fk_xw_el(&u.x, "cbc:EndDate", d->period_end);
        fk_xw_end(&u.x);
    }
    if ((d->order_reference && d->order_reference[0]) || (d->order_id && d->order_id[0])) {
        fk_xw_start(&u.x, "cac:OrderReference");
        /* BT-13 is mandatory in the group; NA when only the seller's order id (BT-14) is known */
        fk_xw_el(&u.x, "cbc:ID",
                 d->order_reference && d->order_reference[0] ? d->order_reference : "NA");
        fk_xw_el_opt(&u.x, "cbc:SalesOrderID", d->order_id);
        fk_xw_end(&u.x);
    }
    if (d->type_code == 381 && d->preceding_number && d->preceding_number[0]) {
        fk_xw_start(&u.x, "cac:BillingReference"); /* BG-3 */
        fk_xw_start(&u.x, "cac:InvoiceDocumentReference");
        fk_xw_el(&u.x, "cbc:ID", d->preceding_number);          /* BT-25 */
        fk_xw_el_opt(&u.x, "cbc:IssueDate", d->preceding_date); /* BT-26 */
        fk_xw_end(&u.x);
        fk_xw_end(&u.x);
    }
    party(&u, "cac:AccountingSupplierParty", &d->seller, true);
    party(&u, "cac:AccountingCustomerParty", &d->buyer, false);
    delivery(&u);
    payment_means(&u, &n);
    /* BT-20 is not written: the due date (BT-9) is always there (BR-CO-25). */
    tax_totals(&u);
    fk_xw_start(&u.x, "cac:LegalMonetaryTotal");
    amount(&u, "cbc:LineExtensionAmount", d->net_total); /* BT-106 */
    amount(&u, "cbc:TaxExclusiveAmount", d->net_total);  /* BT-109 */
    amount(&u, "cbc:TaxInclusiveAmount", d->gross_total); /* BT-112 */
    if (d->prepaid)
        amount(&u, "cbc:PrepaidAmount", d->prepaid); /* BT-113 */
    amount(&u, "cbc:PayableAmount", d->due);         /* BT-115 */
    fk_xw_end(&u.x);
    for (size_t i = 0; i < d->nlines; i++)
        line(&u, &n, i);
    fk_xw_end(&u.x);
    return fk_xw_close(&u.x, out, err);
}
