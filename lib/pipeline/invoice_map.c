/* SPDX-License-Identifier: MIT */
/* invoice_map.c -- a validated order as its invoice of record (core/document.h), and the
 * invoice's PDF rendered from that document.
 *
 * Copying and wording only: every decision the invoice shows was made before (validate:
 * amounts, categories, language, exchange rate, delivery date, split payment; the config:
 * the seller, the payment reference's kind, the footer; the chunk: the number and dates).
 * What is worded here is worded in the invoice's language (the legal notes) or fixed by a
 * standard (the payment reference, the EPC QR payload), so the document holds every
 * printed value and the renderer only draws it. The document is encoded (the JSON the
 * store records) and rendered from the same struct, on the render thread; test_document
 * checks that decoding the JSON gives a document that encodes and renders to the same
 * bytes, which is what `faktura reprint` relies on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/invoice_codes.h"
#include "core/payref.h"
#include "core/testhook.h"
#include "core/util.h"
#include "einvoice/einvoice.h"
#include "pipeline/pipeline.h"

/* The buyer's IBAN, masked: country and check digits, then only the last four characters. */
static void mask_iban(const char *src, char *out, size_t n)
{
    char norm[64] = "";
    size_t k = 0;
    for (const char *p = src; *p && k + 1 < sizeof(norm); p++)
        if (*p != ' ')
            norm[k++] = *p;
    norm[k] = '\0';
    fk_ascii_upper(norm);
    if (k > 8)
        snprintf(out, n, "%.4s **** %s", norm, norm + k - 4);
}

static fk_doc_payment payment_of(const fk_order *o)
{
    return o->payment == FK_PAY_CARD   ? FK_DOC_PAY_CARD
           : o->payment == FK_PAY_SEPA ? FK_DOC_PAY_SEPA
           : o->payment == FK_PAY_PAID ? FK_DOC_PAY_PAID
           : o->payment == FK_PAY_COD  ? FK_DOC_PAY_COD
                                       : FK_DOC_PAY_TRANSFER;
}

/* UNCL4461: 58 SEPA credit transfer (EUR), 30 other credit transfer, 59 SEPA direct
 * debit, 48 bank card, 68 online payment service (paid through a shop's provider), 10 in
 * cash (on delivery). */
static const char *means_code(const fk_order *o)
{
    switch (payment_of(o)) {
    case FK_DOC_PAY_SEPA: return "59";
    case FK_DOC_PAY_CARD: return "48";
    case FK_DOC_PAY_PAID: return o->card.last4[0] && !o->provider_name[0] ? "48" : "68";
    case FK_DOC_PAY_COD: return "10";
    default: return strcmp(o->currency, "EUR") == 0 ? "58" : "30";
    }
}

/* A Polish NIP on a domestic Polish invoice is printed without the "PL" prefix. */
static const char *vat_shown(const fk_config *cfg, const fk_order *o, const char *norm,
                             const char *as_written)
{
    if (cfg->seller_country && !strcmp(cfg->seller_country, "PL") &&
        !strcmp(o->f[FK_COL_COUNTRY], "PL") && !strncmp(norm, "PL", 2))
        return norm + 2;
    return as_written;
}

/* BT-30: [seller] legal_id; a Norwegian seller's is its organisation number, the digits
 * of its VAT number. */
static const char *seller_legal_id(fk_document *d, const fk_config *cfg)
{
    const char *vat = cfg->seller_vat_norm;
    if (cfg->seller_legal_id && cfg->seller_legal_id[0])
        return cfg->seller_legal_id;
    if (!strncmp(vat, "NO", 2) && strlen(vat) == 14)
        return fk_document_strndup(d, vat + 2, 9);
    return "";
}

/* BT-49: the column buyer_endpoint (checked in run.c), else the electronic address a
 * business buyer's VAT number gives, for the orders that ask for an e-invoice. */
static const char *buyer_endpoint(fk_document *d, const fk_order *o)
{
    char ep[160];
    if (o->f[FK_COL_BUYER_ENDPOINT][0])
        return o->f[FK_COL_BUYER_ENDPOINT];
    if (o->einvoice && o->customer_type == FK_BUSINESS &&
        fk_einv_endpoint_from_vat(o->tax_id_norm, ep, sizeof(ep)))
        return fk_document_strdup(d, ep);
    return "";
}

static void fill_parties(fk_document *d, const fk_config *cfg, const fk_order *o)
{
    const char *seller_norm = cfg->seller_vat_norm[0] ? cfg->seller_vat_norm : cfg->seller_vat_id;

    d->seller = (fk_party){cfg->seller_name,
                           cfg->seller_street,
                           cfg->seller_postal_code,
                           cfg->seller_city,
                           cfg->seller_country,
                           seller_norm,
                           cfg->seller_email,
                           vat_shown(cfg, o, seller_norm, cfg->seller_vat_id),
                           cfg->seller_contact_name,
                           cfg->seller_phone,
                           cfg->seller_endpoint_norm,
                           seller_legal_id(d, cfg),
                           cfg->seller_tax_registration ? cfg->seller_tax_registration : ""};
    d->buyer = (fk_party){o->f[FK_COL_COMPANY_NAME],
                          o->f[FK_COL_STREET],
                          o->f[FK_COL_POSTAL_CODE],
                          o->f[FK_COL_CITY],
                          o->f[FK_COL_COUNTRY],
                          o->tax_id_norm,
                          o->f[FK_COL_EMAIL],
                          vat_shown(cfg, o, o->tax_id_norm, o->tax_id_norm),
                          "",
                          "",
                          buyer_endpoint(d, o),
                          "",
                          ""};
    d->buyer_is_business = o->customer_type == FK_BUSINESS;
}

/* The note printed under a breakdown: the category's legal note in the invoice's language
 * (K, AE, G, O), an exempt line's reason (E), the reason a zero-rated line gives (Z);
 * a reason given for K, AE, G or O follows the legal note. */
static const char *breakdown_note(fk_document *d, const fk_vat_group *g, const char *lang)
{
    const char *legal = fk_vat_category_note(g->category, lang);
    fk_buf b = FK_BUF_INIT;
    const char *out;

    if (!strcmp(g->category, "E"))
        fk_buf_printf(&b, "%s%s", fk_vat_exempt_prefix(lang), g->reason);
    else if (legal[0] && g->reason[0])
        fk_buf_printf(&b, "%s %s", legal, g->reason);
    else if (legal[0])
        return legal;
    else
        return g->reason;
    out = fk_document_strndup(d, fk_buf_cstr(&b), b.len);
    fk_buf_free(&b);
    return out;
}

static void fill_lines(fk_document *d, const fk_order *o)
{
    fk_doc_line *lines = o->nlines ? fk_document_alloc(d, o->nlines * sizeof(*lines)) : NULL;
    fk_doc_vat *vat = o->ngroups ? fk_document_alloc(d, o->ngroups * sizeof(*vat)) : NULL;

    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        lines[i] = (fk_doc_line){FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION),
                                 FK_LINE_FIELD(ln, FK_COL_ITEM_SKU),
                                 ln->qty_milli,
                                 ln->unit_price,
                                 ln->vat_centi,
                                 ln->net,
                                 ln->unit,
                                 "",
                                 ln->services,
                                 ln->split_payment};
        memcpy(lines[i].category, ln->category, sizeof(lines[i].category));
    }
    for (size_t g = 0; g < o->ngroups; g++) {
        const fk_vat_group *gr = &o->groups[g];
        const char *vatex = gr->code[0] ? gr->code : fk_vat_category_vatex(gr->category);
        const char *note = breakdown_note(d, gr, o->language);
        /* BT-120: the reason given, else the legal note where the category needs one. */
        const char *reason = gr->reason[0] ? gr->reason
                             : fk_vat_category_note(gr->category, o->language);
        vat[g] = (fk_doc_vat){gr->vat_centi, gr->taxable, gr->vat, "", gr->vat_accounting,
                              reason, vatex, note};
        memcpy(vat[g].category, gr->category, sizeof(vat[g].category));
    }
    d->lines = lines;
    d->nlines = o->nlines;
    d->vat = vat;
    d->nvat = o->ngroups;
}

/* The payment reference and, for a EUR transfer, the EPC QR payload. */
static fk_status fill_payment(fk_document *d, const fk_config *cfg, const fk_order *o,
                              const char *number, fk_error *err)
{
    char ref[96], iban_masked[48] = "";

    d->payment = payment_of(o);
    d->payment_means = means_code(o);
    d->payment_terms_days = cfg->payment_terms_days;
    d->seller_iban = cfg->seller_iban;
    d->seller_bic = cfg->seller_bic ? cfg->seller_bic : "";
    d->creditor_id = d->payment == FK_DOC_PAY_SEPA && cfg->seller_creditor_id
                         ? cfg->seller_creditor_id
                         : "";
    d->card_brand = o->card.brand;
    d->card_last4 = o->card.last4;
    d->mandate_id = o->f[FK_COL_MANDATE_ID];
    if (o->payment == FK_PAY_SEPA)
        mask_iban(o->f[FK_COL_IBAN], iban_masked, sizeof(iban_masked));
    d->iban_masked = fk_document_strdup(d, iban_masked);
    d->prepaid = d->payment == FK_DOC_PAY_CARD || d->payment == FK_DOC_PAY_PAID ? o->gross_total
                                                                                : 0;
    d->paid_date = d->paid_provider = d->paid_reference = "";
    if (d->payment == FK_DOC_PAY_PAID) {
        char day[16];
        fk_format_date(o->order_time + o->order_offset, day, sizeof(day));
        d->paid_date = fk_document_strdup(d, o->paid_date[0] ? o->paid_date : day);
        d->paid_provider = fk_document_strdup(d, o->provider_name);
        d->paid_reference = o->f[FK_COL_PAYMENT_REFERENCE];
    }
    d->due = o->gross_total - d->prepaid;
    d->payment_reference = d->payment_reference_kind = d->qr = "";
    if (d->payment != FK_DOC_PAY_TRANSFER)
        return FK_OK;
    if (!fk_payref_make((fk_payref_kind)cfg->payref, number, ref, sizeof(ref)))
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "invoice %s makes no %s payment reference (too many letters and "
                            "digits)",
                            number, fk_payref_name((fk_payref_kind)cfg->payref));
    d->payment_reference = fk_document_strdup(d, ref);
    d->payment_reference_kind = fk_payref_name((fk_payref_kind)cfg->payref);
    if (cfg->qr_epc && !strcmp(o->currency, "EUR")) {
        fk_buf qr = FK_BUF_INIT;
        if (fk_epc_payload(&qr, d->seller_bic, cfg->seller_name, cfg->seller_iban,
                           o->gross_total, ref, cfg->payref == FK_PAYREF_RF))
            d->qr = fk_document_strndup(d, qr.ptr, qr.len);
        fk_buf_free(&qr);
    }
    return FK_OK;
}

fk_status fk_pipeline__build_document(const run_ctx *c, const fk_order *o, const char *number,
                                      fk_document *d, fk_error *err)
{
    const fk_config *cfg = c->cfg;
    char order_date[16];

    fk_document_init(d);
    fk_format_date(o->order_time + o->order_offset, order_date, sizeof(order_date));
    d->number = number;
    d->issue_date = c->issue_date;
    d->due_date = c->due_date;
    d->order_date = fk_document_strdup(d, order_date);
    d->delivery_date = o->delivery_date;
    d->period_start = o->period_start;
    d->period_end = o->period_end;
    d->order_id = o->f[FK_COL_ORDER_ID];
    d->buyer_reference = o->f[FK_COL_BUYER_REFERENCE];
    d->order_reference = o->f[FK_COL_ORDER_REFERENCE];
    d->language = o->language;
    d->currency = o->currency;
    d->exponent = o->exponent;
    d->accounting_currency = o->accounting_currency;
    d->accounting_exponent = o->accounting_exponent;
    d->exchange_rate = o->exchange_rate;
    d->exchange_rate_date = o->exchange_rate_date;
    fill_parties(d, cfg, o);
    fill_lines(d, o);
    d->net_total = o->net_total;
    d->vat_total = o->vat_total;
    d->gross_total = o->gross_total;
    d->vat_total_accounting = o->vat_total_accounting;
    if (o->split_payment_note) {
        const char **notes = fk_document_alloc(d, sizeof(*notes));
        notes[0] = FK_SPLIT_PAYMENT_NOTE;
        d->notes = notes;
        d->nnotes = 1;
    }
    d->footer = (const char *const *)cfg->footer_lines;
    d->nfooter = cfg->nfooter;
    if (o->einvoice) {
        char list[160];
        fk_einv_list_text(o->einvoice, list, sizeof(list));
        d->einvoice = fk_document_strdup(d, list);
    }
    return fill_payment(d, cfg, o, number, err);
}

fk_code fk_pipeline__einvoice_code(fk_einv_problem why)
{
    switch (why) {
    case FK_EINV_MISSING: return FK_CODE_EINVOICE_FIELD_MISSING;
    case FK_EINV_UNSUPPORTED: return FK_CODE_EINVOICE_FORMAT_INVALID;
    case FK_EINV_INVALID: return FK_CODE_EINVOICE_INVALID;
    default: return FK_CODE_RENDER_FAILED;
    }
}

/* The test hook FAKTURA_TEST_BREAK_EINVOICE: an element no schema allows, before the
 * root's end tag. */
static void break_xml(fk_buf *x)
{
    const char *end = x->len ? memrchr(x->ptr, '<', x->len) : NULL;
    if (!end)
        return;
    size_t at = (size_t)(end - x->ptr);
    fk_buf tail = FK_BUF_INIT;
    fk_buf_append(&tail, x->ptr + at, x->len - at);
    x->len = at;
    fk_buf_puts(x, "<Broken/>");
    fk_buf_append(x, tail.ptr, tail.len);
    fk_buf_free(&tail);
}

fk_status fk_pipeline__write_einvoices(const fk_einv_schemas *s, const fk_document *d,
                                       unsigned mask, fk_buf *xml, fk_code *code,
                                       fk_error *err)
{
    const char *brk = fk_testhooks_get()->break_einvoice;
    for (int f = 0; f < FK_EINV_COUNT; f++) {
        const fk_einv_profile *p = fk_einv_profile_of((fk_einv_format)f);
        fk_einv_problem why = FK_EINV_OK;
        fk_status st;
        fk_buf_reset(&xml[f]);
        if (!(mask & (1u << f)))
            continue;
        st = fk_einv_write(d, p, &xml[f], &why, err);
        if (st == FK_OK && brk && d->order_id && !strcmp(brk, d->order_id))
            break_xml(&xml[f]);
        if (st == FK_OK && s)
            st = fk_einv_validate(s, p, xml[f].ptr, xml[f].len, &why, err);
        if (st != FK_OK) {
            *code = fk_pipeline__einvoice_code(why);
            return st;
        }
    }
    return FK_OK;
}

fk_status fk_pipeline__render_document(fk_renderer *r, const fk_document *d, const fk_buf *xml,
                                       unsigned mask, fk_buf *out, fk_error *err)
{
    if (mask & (1u << FK_EINV_FACTURX)) {
        fk_facturx fx = {.xml = xml[FK_EINV_FACTURX].ptr, .xml_len = xml[FK_EINV_FACTURX].len};
        return fk_renderer_render_facturx(r, d, &fx, out, err);
    }
    return fk_renderer_render(r, d, out, err);
}

fk_status fk_pipeline__render(const run_ctx *c, fk_renderer *r, const fk_order *o,
                              const char *number, fk_buf *out, fk_buf *json, fk_buf *xml,
                              fk_code *code, fk_error *err)
{
    fk_document d;
    fk_status st;

    *code = FK_CODE_RENDER_FAILED;
    fk_buf_reset(out);
    fk_buf_reset(json);
    st = fk_pipeline__build_document(c, o, number, &d, err);
    if (st == FK_OK)
        fk_document_encode(&d, json);
    if (st == FK_OK)
        st = fk_pipeline__write_einvoices(c->schemas, &d, o->einvoice, xml, code, err);
    if (st != FK_OK)
        ;
    else if (c->fail_render && strcmp(c->fail_render, o->f[FK_COL_ORDER_ID]) == 0)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "injected render failure");
    else if (r)
        st = fk_pipeline__render_document(r, &d, xml, o->einvoice, out, err);
    if (st == FK_OK && (out->failed || json->failed))
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
    fk_document_free(&d);
    return st;
}
