/* SPDX-License-Identifier: MIT */
/* invoice_map.c -- a validated order as the renderer's invoice.
 *
 * Plain copying: every decision the invoice shows was made before (validate: amounts,
 * language, reverse charge; the config: the seller; the chunk: the number and dates). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
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

static fk_invoice_payment payment_of(const fk_order *o)
{
    return o->payment == FK_PAY_CARD   ? FK_INV_PAY_CARD
           : o->payment == FK_PAY_SEPA ? FK_INV_PAY_SEPA
           : o->payment == FK_PAY_PAID ? FK_INV_PAY_PAID
           : o->payment == FK_PAY_COD  ? FK_INV_PAY_COD
                                       : FK_INV_PAY_TRANSFER;
}

static void fill_parties(fk_invoice *inv, const fk_config *cfg, const fk_order *o)
{
    inv->seller = (fk_party){cfg->seller_name,  cfg->seller_street,  cfg->seller_postal_code,
                             cfg->seller_city,  cfg->seller_country, cfg->seller_vat_id,
                             cfg->seller_email};
    inv->buyer = (fk_party){o->f[FK_COL_COMPANY_NAME], o->f[FK_COL_STREET],
                            o->f[FK_COL_POSTAL_CODE],  o->f[FK_COL_CITY],
                            o->f[FK_COL_COUNTRY],      o->tax_id_norm,
                            o->f[FK_COL_EMAIL]};
    inv->buyer_is_business = o->customer_type == FK_BUSINESS;
}

fk_status fk_pipeline__render(const run_ctx *c, fk_renderer *r, const fk_order *o,
                              const char *number, fk_buf *out, fk_error *err)
{
    const fk_config *cfg = c->cfg;
    fk_invoice inv;
    fk_invoice_line *lines = fk_xcalloc(o->nlines, sizeof(*lines));
    fk_invoice_vat vat[16];
    char order_date[16], iban_masked[48] = "";
    fk_status st;

    memset(&inv, 0, sizeof(inv));
    fk_format_date(o->order_time + o->order_offset, order_date, sizeof(order_date));
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        lines[i] = (fk_invoice_line){FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION),
                                     FK_LINE_FIELD(ln, FK_COL_ITEM_SKU),
                                     ln->qty_milli,
                                     ln->unit_price,
                                     ln->vat_centi,
                                     ln->net};
    }
    for (size_t g = 0; g < o->ngroups; g++)
        vat[g] = (fk_invoice_vat){o->groups[g].vat_centi, o->groups[g].taxable, o->groups[g].vat};
    if (o->payment == FK_PAY_SEPA)
        mask_iban(o->f[FK_COL_IBAN], iban_masked, sizeof(iban_masked));
    inv.number = number;
    inv.issue_date = c->issue_date;
    inv.order_date = order_date;
    inv.due_date = c->due_date;
    inv.order_id = o->f[FK_COL_ORDER_ID];
    inv.currency = o->currency;
    inv.exponent = o->exponent;
    inv.language = o->language;
    fill_parties(&inv, cfg, o);
    inv.lines = lines;
    inv.nlines = o->nlines;
    inv.vat = vat;
    inv.nvat = o->ngroups;
    inv.net_total = o->net_total;
    inv.vat_total = o->vat_total;
    inv.gross_total = o->gross_total;
    inv.payment = payment_of(o);
    inv.seller_iban = cfg->seller_iban;
    inv.seller_bic = cfg->seller_bic ? cfg->seller_bic : "";
    inv.payment_reference = number;
    inv.card_brand = o->card.brand;
    inv.card_last4 = o->card.last4;
    inv.mandate_id = o->f[FK_COL_MANDATE_ID];
    inv.iban_masked = iban_masked;
    inv.paid_date = o->paid_date[0] ? o->paid_date : order_date;
    inv.paid_provider = o->provider_name;
    inv.paid_reference = o->f[FK_COL_PAYMENT_REFERENCE];
    inv.reverse_charge = o->reverse_charge;
    inv.footer = cfg->footer;

    fk_buf_reset(out);
    if (c->fail_render && strcmp(c->fail_render, o->f[FK_COL_ORDER_ID]) == 0)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "injected render failure");
    else
        st = fk_renderer_render(r, &inv, out, err);
    if (st == FK_OK && out->failed)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
    free(lines);
    return st;
}
