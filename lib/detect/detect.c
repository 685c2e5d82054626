/* SPDX-License-Identifier: MIT */
/* detect.c -- duplicate order ids within a batch and orders invoiced by an earlier batch.
 *
 * The id set keeps 128-bit hashes of the ids in a keymap (store/keymap.h): 40 bytes an id
 * in memory up to a million ids, then a temporary file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/util.h"
#include "detect/detect.h"
#include "store/keymap.h"

/* Ids kept in memory before moving to disk: 32 MiB of records and an 8 MiB index, enough
 * for a batch of a million orders. */
#define IDSET_ENTRIES ((size_t)1 << 20)

struct fk_idset {
    fk_keymap *map;
};

fk_idset *fk_idset_new(void)
{
    fk_idset *s = fk_xcalloc(1, sizeof(*s));
    s->map = fk_keymap_new(IDSET_ENTRIES);
    return s;
}

void fk_detect_key128(char tag, const char *a, const char *b, uint64_t *k1, uint64_t *k2)
{
    uint64_t h1 = 1469598103934665603ULL ^ (unsigned char)tag, h2 = 0x9E3779B97F4A7C15ULL;
    const char *parts[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h1 = (h1 ^ *p) * 1099511628211ULL;
            h2 = (h2 ^ *p) * 0x100000001B3ULL + 0x2545F4914F6CDD1DULL;
        }
        h1 = (h1 ^ 0x1f) * 1099511628211ULL;
        h2 = (h2 ^ 0x1f) * 0x100000001B3ULL;
    }
    *k1 = h1 | 1;
    *k2 = h2;
}

/* Two ids are the same when both 64-bit hashes match: for ids that differ that takes two
 * independent collisions, far less likely than a disk flipping a bit. */
bool fk_idset_add(fk_idset *s, const char *id)
{
    uint64_t k1, k2;
    fk_detect_key128('i', id, "", &k1, &k2);
    return fk_keymap_insert(s->map, k1, k2);
}

void fk_idset_free(fk_idset *s)
{
    if (!s)
        return;
    fk_keymap_free(s->map);
    free(s);
}

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

void fk_detect_batch_duplicate(fk_order *o, fk_idset *seen)
{
    const char *id = o->f[FK_COL_ORDER_ID];
    if (!*id)
        return;
    if (!fk_idset_add(seen, id))
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
