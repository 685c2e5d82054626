/* SPDX-License-Identifier: MIT */
/* detect.c -- duplicate order ids within a batch and orders invoiced by an earlier batch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/util.h"
#include "detect/detect.h"

/* Fields separated by a byte that cannot occur in them (values are NUL-free UTF-8). */
static void put(fk_buf *b, const char *s)
{
    fk_buf_puts(b, s);
    fk_buf_putc(b, '\x1f');
}

void fk_detect_content_hash(fk_order *o)
{
    static const fk_column order_cols[] = {
        FK_COL_CUSTOMER_ID, FK_COL_CUSTOMER_TYPE, FK_COL_COMPANY_NAME, FK_COL_TAX_ID,
        FK_COL_COUNTRY, FK_COL_STREET, FK_COL_POSTAL_CODE, FK_COL_CITY, FK_COL_CURRENCY,
        FK_COL_PAYMENT_METHOD, FK_COL_CARD_NUMBER, FK_COL_IBAN, FK_COL_MANDATE_ID};
    fk_buf b = FK_BUF_INIT;

    fk_buf_puts(&b, "faktura-order-v1\x1f");
    for (size_t i = 0; i < sizeof(order_cols) / sizeof(order_cols[0]); i++)
        put(&b, o->f[order_cols[i]]);
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        put(&b, FK_LINE_FIELD(ln, FK_COL_ITEM_SKU));
        put(&b, FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION));
        if (o->amounts_ok) {
            /* "%lld\x1f%lld\x1f%d\x1f", without printf's cost: the hashes of earlier runs
             * are in the database and must not change. */
            fk_buf_put_int(&b, ln->qty_milli);
            fk_buf_putc(&b, '\x1f');
            fk_buf_put_int(&b, ln->unit_price);
            fk_buf_putc(&b, '\x1f');
            fk_buf_put_int(&b, ln->vat_centi);
            fk_buf_putc(&b, '\x1f');
        } else {
            put(&b, FK_LINE_FIELD(ln, FK_COL_QUANTITY));
            put(&b, FK_LINE_FIELD(ln, FK_COL_UNIT_PRICE));
            put(&b, FK_LINE_FIELD(ln, FK_COL_VAT_RATE));
        }
        fk_buf_putc(&b, '\x1e');
    }
    fk_sha256_hex(b.ptr, b.len, o->content_hash);
    fk_buf_free(&b);
}

void fk_detect_batch_duplicate(fk_order *o, bool seen_before)
{
    const char *id = o->f[FK_COL_ORDER_ID];
    if (!*id)
        return;
    if (seen_before)
        fk_order_add_finding(o, FK_CODE_DUPLICATE_ORDER_ID, "order_id",
                             "order_id \"%s\" already appeared earlier in this batch (first "
                             "occurrence kept; this one starts at %s line %lu)",
                             id, o->file, o->line);
}

void fk_detect_prior(fk_order *o, const fk_prior_invoice *prior)
{
    if (!prior || !prior->found)
        return;
    if (strcmp(prior->content_hash, o->content_hash) == 0)
        fk_order_add_finding(o, FK_CODE_ALREADY_INVOICED, "order_id",
                             "order %s was already invoiced as %s", o->f[FK_COL_ORDER_ID],
                             prior->number);
    else
        fk_order_add_finding(o, FK_CODE_ORDER_CHANGED_AFTER_INVOICE, "order_id",
                             "order %s was invoiced as %s with different content (amounts, "
                             "lines or customer changed since)",
                             o->f[FK_COL_ORDER_ID], prior->number);
}
