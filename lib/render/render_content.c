/* SPDX-License-Identifier: MIT */
/* render_content.c -- what goes on an invoice, top to bottom: the title and meta data
 * (dates, delivery date or period, references), the seller and buyer (with contacts), the
 * line table (with units; render_table.c), the VAT summary with the legal note of each
 * breakdown that needs one, the totals (and the VAT in the accounting currency), the
 * invoice's notes (split payment), the payment block (with the payment reference and the
 * EPC QR code), and the page furniture (footer lines, running header). Each block is one
 * function in SECTIONS that appends rows to the layout model; where the rows end up on
 * which page is pagination's business, not this file's.
 *
 * Every value comes from the document (core/document.h) as it is printed; what is worded
 * here are the labels (render_labels.c) and how a language writes numbers, dates and
 * units. A new printed field is a new member of the document, its labels in every
 * language, and a section function here or a row in an existing one. Keep every
 * measurement in points from the geometry of render_impl.h, and every printed string
 * through the layout calls, which clean and wrap it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/render_impl.h"

typedef fk_render__colspec colspec;
#define col fk_render__col
#define add_columns fk_render__add_columns
#define PLAIN (&fk_render__plain)

void fk_render__logo_box(float w, float h, float *box_w, float *box_h)
{
    float s = LOGO_MAX_W / w;

    if (LOGO_MAX_H / h < s)
        s = LOGO_MAX_H / h;
    *box_w = w * s;
    *box_h = h * s;
}

/* ---- Title and meta data ---------------------------------------------------------------- */

#define META_MAX 6

static fk_status build_header(fk_render__layout *c, fk_error *err)
{
    const fk_invoice *inv = c->inv;
    const fk_render__labels *L = c->L;
    const uint16_t *reg = c->width[FONT_REG];
    const float mid = M_LEFT + CONTENT_W / 2 + 10;
    const char *left_l[META_MAX], *left_v[META_MAX], *right_l[META_MAX], *right_v[META_MAX];
    int nl = 0, nr = 0, rows;
    float title_w = CONTENT_W + 2 * CELL_PAD;
    float lw = 0, rw = 0;
    colspec cs[4];
    fk_render__rowopt o = fk_render__plain;
    int i;

    bool credit = fk_document_is_credit(inv);

    (void)err;
    /* Meta data as two label/value columns: what the invoice has, in a fixed order. A
     * credit note names the invoice it corrects and that invoice's date (BT-25, BT-26). */
    left_l[nl] = credit ? L->credit_number : L->number, left_v[nl++] = inv->number;
    if (credit)
        left_l[nl] = L->corrects, left_v[nl++] = inv->preceding_number;
    left_l[nl] = L->order_id, left_v[nl++] = inv->order_id;
    if (inv->buyer_reference && inv->buyer_reference[0])
        left_l[nl] = L->buyer_reference, left_v[nl++] = inv->buyer_reference;
    if (inv->order_reference && inv->order_reference[0])
        left_l[nl] = L->order_reference, left_v[nl++] = inv->order_reference;
    left_l[nl] = L->currency, left_v[nl++] = inv->currency;
    right_l[nr] = L->issue_date, right_v[nr++] = fk_render__date(c, inv->issue_date);
    if (inv->delivery_date && inv->delivery_date[0])
        right_l[nr] = L->delivery_date, right_v[nr++] = fk_render__date(c, inv->delivery_date);
    if (inv->period_start && inv->period_start[0])
        right_l[nr] = L->period,
        right_v[nr++] = fk_render__join(c, fk_render__date(c, inv->period_start), " – ",
                                        fk_render__date(c, inv->period_end));
    /* paid before the invoice: nothing falls due */
    if (inv->payment != FK_DOC_PAY_PAID && inv->due_date && inv->due_date[0])
        right_l[nr] = L->due_date, right_v[nr++] = fk_render__date(c, inv->due_date);
    if (credit)
        right_l[nr] = L->corrects_date, right_v[nr++] = fk_render__date(c, inv->preceding_date);
    rows = nl > nr ? nl : nr;

    /* The logo, if any, sits at the right end of the title's row. */
    if (c->logo)
        title_w -= c->logo_w + 12.0f;
    cs[0] = col(credit ? L->credit_title : L->title, M_LEFT - CELL_PAD, title_w, SZ_TITLE,
                FONT_BOLD, COLOR_ACCENT, ALIGN_LEFT);
    add_columns(c, cs, 1, &o);
    fk_render__add_spacer(c, 6);

    /* Labels are measured so values line up. */
    for (i = 0; i < nl; i++) {
        float w = fk_render__text_width(reg, SZ_BODY, left_l[i]);
        lw = w > lw ? w : lw;
    }
    for (i = 0; i < nr; i++) {
        float w = fk_render__text_width(reg, SZ_BODY, right_l[i]);
        rw = w > rw ? w : rw;
    }
    lw += 2 * CELL_PAD + 6;
    rw += 2 * CELL_PAD + 6;
    for (i = 0; i < rows; i++) {
        float lx = M_LEFT - CELL_PAD, rx = mid - CELL_PAD;
        cs[0] = col(i < nl ? left_l[i] : "", lx, lw, SZ_BODY, FONT_REG, COLOR_MUTED,
                    ALIGN_LEFT);
        cs[1] = col(i < nl ? left_v[i] : "", lx + lw, mid - 12 - (lx + lw), SZ_BODY,
                    i == 0 ? FONT_BOLD : FONT_REG, COLOR_TEXT, ALIGN_LEFT);
        cs[2] = col(i < nr ? right_l[i] : "", rx, rw, SZ_BODY, FONT_REG, COLOR_MUTED,
                    ALIGN_LEFT);
        cs[3] = col(i < nr ? right_v[i] : "", rx + rw, M_RIGHT + CELL_PAD - (rx + rw), SZ_BODY,
                    FONT_REG, COLOR_TEXT, ALIGN_LEFT);
        o.last_flags = i == rows - 1 ? ROW_RULE_STRONG : 0;
        o.pad_bot = i == rows - 1 ? 6 : 0;
        add_columns(c, cs, 4, &o);
    }
    fk_render__add_spacer(c, 12);
    return FK_OK;
}

/* ---- Seller and buyer ------------------------------------------------------------------- */

/* One line of the seller/buyer block; skipped when both sides are empty. */
static void party_line(fk_render__layout *c, const char *a, const char *b, int font, float size,
                       int color)
{
    const float mid = M_LEFT + CONTENT_W / 2 + 10;
    colspec cs[2];

    if ((!a || !a[0]) && (!b || !b[0]))
        return;
    cs[0] = col(a, M_LEFT - CELL_PAD, mid - 12 - (M_LEFT - CELL_PAD), size, font, color,
                ALIGN_LEFT);
    cs[1] = col(b, mid - CELL_PAD, M_RIGHT + CELL_PAD - (mid - CELL_PAD), size, font, color,
                ALIGN_LEFT);
    add_columns(c, cs, 2, PLAIN);
}

/* "Label: value", or "" when there is no value. */
static const char *labelled(fk_render__layout *c, const char *label, const char *value)
{
    return value && value[0] ? fk_render__join(c, label, ": ", value) : "";
}

static fk_status build_parties(fk_render__layout *c, fk_error *err)
{
    const fk_party *s = &c->inv->seller, *b = &c->inv->buyer;
    const fk_render__labels *L = c->L;
    const char *svat = labelled(c, L->vat_id, fk_party_vat_shown(s));
    const char *bvat = labelled(c, L->vat_id, fk_party_vat_shown(b));

    (void)err;
    party_line(c, L->seller, L->buyer, FONT_BOLD, SZ_SMALL, COLOR_MUTED);
    party_line(c, s->name, b->name, FONT_BOLD, 10.0f, COLOR_TEXT);
    party_line(c, s->street, b->street, FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, fk_render__join(c, s->postal_code, " ", s->city),
               fk_render__join(c, b->postal_code, " ", b->city), FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, s->country, b->country, FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, svat, bvat, FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, labelled(c, L->contact, s->contact_name),
               labelled(c, L->contact, b->contact_name), FONT_REG, SZ_BODY, COLOR_TEXT);
    party_line(c, labelled(c, L->phone, s->phone), labelled(c, L->phone, b->phone), FONT_REG,
               SZ_BODY, COLOR_TEXT);
    party_line(c, labelled(c, L->email, s->email), labelled(c, L->email, b->email), FONT_REG,
               SZ_BODY, COLOR_TEXT);
    fk_render__add_spacer(c, 16);
    return FK_OK;
}

/* ---- VAT summary and totals ------------------------------------------------------------- */

/* The VAT breakdown per rate and category, right-aligned, each breakdown's legal note in
 * small print under it (the summary is widened when there are notes). Returns its left
 * edge. */
static float build_vat_summary(fk_render__layout *c)
{
    const fk_invoice *inv = c->inv;
    const fk_render__labels *L = c->L;
    const char *hdr[3] = {L->vat_rate, L->vat_base, L->vat_amount};
    float w[3] = {0, 0, 0}, x0;
    fk_render__rowopt o = fk_render__plain;
    colspec cs[3];
    bool notes = false;
    size_t i;
    int k;

    const char **v = fk_xcalloc(inv->nvat ? inv->nvat * 3 : 1, sizeof(*v));
    for (i = 0; i < inv->nvat; i++) {
        v[i * 3 + 0] = fk_render__trimmed(c, inv->vat[i].vat_centi, 2, L->pct);
        v[i * 3 + 1] = fk_render__amount(c, inv->vat[i].taxable, NULL);
        v[i * 3 + 2] = fk_render__amount(c, inv->vat[i].vat, NULL);
        notes |= inv->vat[i].note && inv->vat[i].note[0];
    }
    for (k = 0; k < 3; k++) {
        float hw = fk_render__text_width(c->width[FONT_BOLD], SZ_SMALL, hdr[k]);
        w[k] = hw > 70.0f ? 70.0f : hw;
        for (i = 0; i < inv->nvat; i++) {
            float vw = fk_render__text_width(c->width[FONT_REG], SZ_BODY, v[i * 3 + k]);
            w[k] = vw > w[k] ? vw : w[k];
        }
        w[k] += 2 * CELL_PAD + 12;
    }
    x0 = M_RIGHT + CELL_PAD - (w[0] + w[1] + w[2]);
    if (notes && x0 > M_LEFT + CONTENT_W * 0.4f) {
        /* Room for the notes: the rate column takes the extra width. */
        w[0] += x0 - (M_LEFT + CONTENT_W * 0.4f);
        x0 = M_LEFT + CONTENT_W * 0.4f;
    }
    if (x0 < M_LEFT - CELL_PAD)
        x0 = M_LEFT - CELL_PAD;

    o.x0 = x0;
    o.x1 = M_RIGHT + CELL_PAD;
    cs[0] = col(L->vat_summary, x0, M_RIGHT + CELL_PAD - x0, SZ_HEAD, FONT_BOLD, COLOR_TEXT,
                ALIGN_LEFT);
    o.pad_bot = 2;
    add_columns(c, cs, 1, &o);

    o.flags = ROW_FILL;
    o.pad_top = o.pad_bot = 3;
    for (k = 0; k < 3; k++)
        cs[k] = col(hdr[k], k ? cs[k - 1].x + w[k - 1] : x0, w[k], SZ_SMALL, FONT_BOLD,
                    COLOR_TEXT, ALIGN_RIGHT);
    add_columns(c, cs, 3, &o);
    o.flags = 0;
    for (i = 0; i < inv->nvat; i++) {
        const char *note = inv->vat[i].note;
        bool has_note = note && note[0];
        o.pad_top = 2;
        o.pad_bot = has_note ? 0 : 2;
        o.last_flags = has_note ? ROW_KEEP_NEXT : ROW_RULE;
        for (k = 0; k < 3; k++)
            cs[k] = col(v[i * 3 + k], k ? cs[k - 1].x + w[k - 1] : x0, w[k], SZ_BODY, FONT_REG,
                        COLOR_TEXT, ALIGN_RIGHT);
        add_columns(c, cs, 3, &o);
        if (has_note) {
            o.pad_top = 0;
            o.pad_bot = 2;
            o.last_flags = ROW_RULE;
            cs[0] = col(note, x0, M_RIGHT + CELL_PAD - x0, SZ_SMALL, FONT_REG, COLOR_TEXT,
                        ALIGN_LEFT);
            add_columns(c, cs, 1, &o);
        }
    }
    free(v);
    return x0;
}

/* An exchange rate ("4.3128") with the language's decimal separator. */
static const char *rate_text(fk_render__layout *c, const char *rate)
{
    const char *dot = strchr(rate, '.');
    if (!dot)
        return rate;
    const char *a = fk_render__dup(c->m, rate, (size_t)(dot - rate));
    return fk_render__join(c, fk_render__join(c, a, "", c->L->decimal), "", dot + 1);
}

/* The totals: amounts with currency in one right-aligned column, labels before it. Their
 * rules start no further left than x0 (the VAT summary's edge) or the labels. An invoice
 * in another currency than the seller's accounting currency adds its VAT in that currency
 * and the exchange rate with its date. */
static void build_total_lines(fk_render__layout *c, float x0)
{
    const fk_invoice *inv = c->inv;
    const fk_render__labels *L = c->L;
    const uint16_t *reg = c->width[FONT_REG], *bold = c->width[FONT_BOLD];
    bool acc = inv->exchange_rate && inv->exchange_rate[0];
    const char *tl[4] = {L->net_total, L->vat_total, L->gross_total, ""};
    const char *tv[4];
    int n = acc ? 4 : 3;
    float amw = 0, lx;
    fk_render__rowopt o = fk_render__plain;
    colspec cs[2];
    int k;

    tv[0] = fk_render__amount(c, inv->net_total, inv->currency);
    tv[1] = fk_render__amount(c, inv->vat_total, inv->currency);
    tv[2] = fk_render__amount(c, inv->gross_total, inv->currency);
    if (acc) {
        tl[3] = fk_render__join(c, L->vat_accounting, " ", inv->accounting_currency);
        tv[3] = fk_render__amount_in(c, inv->vat_total_accounting, inv->accounting_exponent,
                                     inv->accounting_currency);
    }
    for (k = 0; k < n; k++) {
        float aw = fk_render__text_width(k == 2 ? bold : reg, k == 2 ? 10.0f : SZ_BODY, tv[k]);
        amw = aw > amw ? aw : amw;
    }
    amw += 2 * CELL_PAD + 4;
    lx = M_LEFT + CONTENT_W * 0.3f;
    if (lx > M_RIGHT + CELL_PAD - amw - 60)
        lx = M_LEFT - CELL_PAD;
    /* Rules span the totals as printed, not the whole label column. */
    for (k = 0; k < n; k++) {
        float lw = fk_render__text_width(k == 2 ? bold : reg, k == 2 ? 10.0f : SZ_BODY, tl[k]);
        float start = M_RIGHT + CELL_PAD - amw - lw - 2 * CELL_PAD;
        x0 = start < x0 ? start : x0;
    }
    o.x0 = x0 < lx ? lx : x0;
    o.x1 = M_RIGHT + CELL_PAD;
    for (k = 0; k < n; k++) {
        bool gross = k == 2;
        float sz = gross ? 10.0f : SZ_BODY;
        cs[0] = col(tl[k], lx, M_RIGHT + CELL_PAD - amw - lx, sz, gross ? FONT_BOLD : FONT_REG,
                    COLOR_TEXT, ALIGN_RIGHT);
        cs[1] = col(tv[k], M_RIGHT + CELL_PAD - amw, amw, sz, gross ? FONT_BOLD : FONT_REG,
                    COLOR_TEXT, ALIGN_RIGHT);
        o.pad_top = gross ? 4 : k == 3 ? 6 : 1;
        o.pad_bot = 1;
        o.last_flags = k == 1 ? ROW_RULE_STRONG : 0;
        add_columns(c, cs, 2, &o);
    }
    if (acc) {
        /* "Exchange rate: 1 EUR = 4.3128 PLN (17 Nov 2026)" */
        fk_buf b = FK_BUF_INIT;
        fk_buf_printf(&b, "%s: 1 %s = %s %s (%s)", L->exchange_rate, inv->currency,
                      rate_text(c, inv->exchange_rate), inv->accounting_currency,
                      fk_render__date(c, inv->exchange_rate_date));
        cs[0] = col(fk_render__dup(c->m, fk_buf_cstr(&b), b.len), lx,
                    M_RIGHT + CELL_PAD - lx, SZ_SMALL, FONT_REG, COLOR_MUTED, ALIGN_RIGHT);
        fk_buf_free(&b);
        o.pad_top = 1;
        add_columns(c, cs, 1, &o);
    }
}

/* VAT breakdown per rate and the totals, right-aligned, kept on one page. */
static fk_status build_totals(fk_render__layout *c, fk_error *err)
{
    size_t first = c->m->nrows;
    float x0;

    (void)err;
    x0 = build_vat_summary(c);
    fk_render__add_spacer(c, 8);
    build_total_lines(c, x0);
    fk_render__keep_together(c, first);
    fk_render__add_spacer(c, 14);
    return FK_OK;
}

/* The invoice's notes (BT-22): the split payment mechanism, in bold. */
static fk_status build_notes(fk_render__layout *c, fk_error *err)
{
    size_t first = c->m->nrows;
    colspec cs[1];

    (void)err;
    if (!c->inv->nnotes)
        return FK_OK;
    for (size_t i = 0; i < c->inv->nnotes; i++) {
        cs[0] = col(c->inv->notes[i], M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_HEAD,
                    FONT_BOLD, COLOR_TEXT, ALIGN_LEFT);
        add_columns(c, cs, 1, PLAIN);
    }
    fk_render__keep_together(c, first);
    fk_render__add_spacer(c, 14);
    return FK_OK;
}

/* ---- Payment ---------------------------------------------------------------------------- */

/* A paragraph of body text, `width` points wide from the left margin. */
static void paragraph(fk_render__layout *c, const char *text, float width)
{
    colspec cs[1];

    cs[0] = col(text, M_LEFT - CELL_PAD, width, SZ_BODY, FONT_REG, COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 1, PLAIN);
}

/* Width of the label column for these labels (one per value row). */
static float label_column(const fk_render__layout *c, const char *const lab[3])
{
    float lw = 0;

    for (int k = 0; k < 3; k++) {
        float w = fk_render__text_width(c->width[FONT_REG], SZ_BODY, lab[k]);
        lw = w > lw ? w : lw;
    }
    return lw + 2 * CELL_PAD + 8;
}

static void label_value(fk_render__layout *c, const char *label, const char *value, float lw,
                        float width)
{
    colspec cs[2];

    if (!value || !value[0])
        return;
    cs[0] = col(label, M_LEFT - CELL_PAD, lw, SZ_BODY, FONT_REG, COLOR_MUTED, ALIGN_LEFT);
    cs[1] = col(value, M_LEFT - CELL_PAD + lw, width - lw, SZ_BODY, FONT_REG, COLOR_TEXT,
                ALIGN_LEFT);
    add_columns(c, cs, 2, PLAIN);
}

#define FULL_W (CONTENT_W + 2 * CELL_PAD)

static void payment_sepa(fk_render__layout *c)
{
    const fk_render__labels *L = c->L;
    const char *const lab[3] = {L->mandate, L->account, ""};
    float lw = label_column(c, lab);

    paragraph(c, L->sepa_text, FULL_W);
    label_value(c, L->mandate, c->inv->mandate_id, lw, FULL_W);
    label_value(c, L->account, c->inv->iban_masked, lw, FULL_W);
}

/* "Paid by VISA ****1234"; a brand-less card reads "Paid by card ****1234". */
static void payment_card(fk_render__layout *c)
{
    const fk_invoice *inv = c->inv;
    const char *brand = inv->card_brand && inv->card_brand[0] ? inv->card_brand
                                                               : c->L->card_word;
    const char *s = fk_render__join(c, c->L->paid_by, " ", brand);

    if (inv->card_last4 && inv->card_last4[0]) {
        const char *mask = fk_render__join(c, "****", "", inv->card_last4);
        s = fk_render__join(c, s, " ", mask);
    }
    paragraph(c, s, FULL_W);
}

#define QR_MODULE 2.0f    /* points per module: a version 6 code is 82 pt (29 mm) */
#define QR_MAX 110.0f
#define QR_GAP 16.0f      /* between the text and the code (its quiet zone and more) */

/* Transfer details at the left; the EPC QR code, when the document has one, at the
 * right, its top level with the first line of text, the block at least as tall as it. */
static void payment_transfer(fk_render__layout *c)
{
    const fk_render__labels *L = c->L;
    const char *const lab[3] = {L->iban, L->bic, L->reference};
    float lw = label_column(c, lab), width = FULL_W, h = 0;
    size_t first = c->m->nrows;

    if (c->qr_n) {
        c->qr_size = (float)c->qr_n * QR_MODULE;
        if (c->qr_size > QR_MAX)
            c->qr_size = QR_MAX;
        /* The image is drawn in whole bytes of modules (render_draw.c): up to 7 more. */
        width -= (float)((c->qr_n + 7) / 8 * 8) * (c->qr_size / (float)c->qr_n) + QR_GAP;
        c->qr_row = first;
    }
    paragraph(c, L->transfer_text, width);
    label_value(c, L->iban, c->inv->seller_iban, lw, width);
    label_value(c, L->bic, c->inv->seller_bic, lw, width);
    label_value(c, L->reference,
                fk_render__reference(c, c->inv->payment_reference,
                                     c->inv->payment_reference_kind),
                lw, width);
    for (size_t i = first; i < c->m->nrows; i++)
        h += c->m->rows[i].h;
    if (c->qr_n && h < c->qr_size + 4)
        fk_render__add_spacer(c, c->qr_size + 4 - h);
}

/* Paid before the invoice (a shop's payment provider, issue 20): "Paid on DATE via
 * PROVIDER (REFERENCE)." and the amount due, 0; or that cash on delivery is due. */
static void payment_paid(fk_render__layout *c)
{
    const fk_invoice *inv = c->inv;
    const fk_render__labels *L = c->L;

    if (inv->payment == FK_DOC_PAY_COD) {
        paragraph(c, L->cod_text, FULL_W);
        return;
    }
    const char *s = fk_render__join(c, L->paid_on, " ", fk_render__date(c, inv->paid_date));
    if (inv->paid_provider && inv->paid_provider[0])
        s = fk_render__join(c, fk_render__join(c, s, " ", L->paid_via), " ", inv->paid_provider);
    if (inv->paid_reference && inv->paid_reference[0])
        s = fk_render__join(c, s, " (", fk_render__join(c, inv->paid_reference, "", ")"));
    paragraph(c, fk_render__join(c, s, "", "."), FULL_W);
    paragraph(c, fk_render__join(c, L->amount_due, ": ",
                                 fk_render__amount(c, inv->due, inv->currency)),
              FULL_W);
}

static fk_status build_payment(fk_render__layout *c, fk_error *err)
{
    size_t first = c->m->nrows;
    colspec cs[1];

    cs[0] = col(c->L->payment, M_LEFT - CELL_PAD, CONTENT_W + 2 * CELL_PAD, SZ_HEAD, FONT_BOLD,
                COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 1, PLAIN);
    if (fk_document_is_credit(c->inv)) {
        /* Nothing to pay: the credit is refunded or set off. */
        paragraph(c, c->L->credit_text, FULL_W);
        fk_render__keep_together(c, first);
        return FK_OK;
    }
    switch (c->inv->payment) {
    case FK_DOC_PAY_SEPA:
        payment_sepa(c);
        break;
    case FK_DOC_PAY_CARD:
        payment_card(c);
        break;
    case FK_DOC_PAY_PAID:
    case FK_DOC_PAY_COD:
        payment_paid(c);
        break;
    case FK_DOC_PAY_TRANSFER:
    default:
        if (!fk_render__qr_encode(c, c->inv->qr))
            return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                                "invoice %s: its EPC QR code could not be encoded",
                                fk_render__str(c->inv->number));
        payment_transfer(c);
        break;
    }
    fk_render__keep_together(c, first);
    return FK_OK;
}

/* ---- Credit notes ----------------------------------------------------------------------- */

/* Why the credit note was issued, under the parties. */
static fk_status build_credit_reason(fk_render__layout *c, fk_error *err)
{
    colspec cs[2];
    float lw;

    (void)err;
    if (!fk_document_is_credit(c->inv))
        return FK_OK;
    lw = fk_render__text_width(c->width[FONT_BOLD], SZ_BODY, c->L->credit_reason) + 2 * CELL_PAD
         + 8;
    cs[0] = col(c->L->credit_reason, M_LEFT - CELL_PAD, lw, SZ_BODY, FONT_BOLD, COLOR_TEXT,
                ALIGN_LEFT);
    cs[1] = col(c->inv->credit_reason, M_LEFT - CELL_PAD + lw, FULL_W - lw, SZ_BODY, FONT_REG,
                COLOR_TEXT, ALIGN_LEFT);
    add_columns(c, cs, 2, PLAIN);
    fk_render__add_spacer(c, 12);
    return FK_OK;
}

/* A Polish correction (art. 106j of the VAT act) shows each corrected line before the
 * correction, after it, and the difference: quantity, net amount and VAT rate. */
static fk_status build_correction(fk_render__layout *c, fk_error *err)
{
    const fk_invoice *inv = c->inv;
    const fk_render__labels *L = c->L;
    const char *hdr[6] = {L->col_no, L->col_desc, "", L->col_qty, L->col_net, L->col_vat};
    float w[6] = {28, 0, 90, 60, 80, 44}, x[6];
    fk_render__rowopt o = fk_render__plain;
    colspec cs[6];
    size_t first = c->m->nrows;

    (void)err;
    if (!fk_document_is_credit(inv) || strcmp(L->lang, "pl") != 0 || !inv->nlines ||
        !inv->corrections)
        return FK_OK;
    w[1] = FULL_W - (w[0] + w[2] + w[3] + w[4] + w[5]);
    x[0] = M_LEFT - CELL_PAD;
    for (int k = 1; k < 6; k++)
        x[k] = x[k - 1] + w[k - 1];
    cs[0] = col(L->correction, M_LEFT - CELL_PAD, FULL_W, SZ_HEAD, FONT_BOLD, COLOR_TEXT,
                ALIGN_LEFT);
    add_columns(c, cs, 1, PLAIN);
    o.flags = ROW_FILL;
    o.pad_top = o.pad_bot = 3;
    o.x0 = M_LEFT - CELL_PAD;
    o.x1 = M_RIGHT + CELL_PAD;
    for (int k = 0; k < 6; k++)
        cs[k] = col(hdr[k], x[k], w[k], SZ_SMALL, FONT_BOLD, COLOR_TEXT,
                    k == 1 || k == 2 ? ALIGN_LEFT : ALIGN_RIGHT);
    add_columns(c, cs, 6, &o);
    o.flags = 0;
    for (size_t i = 0; i < inv->nlines; i++) {
        const fk_doc_line *ln = &inv->lines[i];
        const fk_doc_correction *k = &inv->corrections[i];
        const char *state[3] = {L->before, L->after, L->difference};
        int64_t qty[3] = {k->qty_before_milli, k->qty_before_milli + ln->qty_milli,
                          ln->qty_milli};
        int64_t net[3] = {k->net_before, k->net_before + ln->net, ln->net};
        char no[24];
        snprintf(no, sizeof(no), "%d", (int)k->invoice_line);
        for (int r = 0; r < 3; r++) {
            o.pad_top = r == 0 ? 3 : 1;
            o.pad_bot = r == 2 ? 3 : 1;
            o.last_flags = r == 2 ? ROW_RULE : ROW_KEEP_NEXT;
            cs[0] = col(r == 0 ? fk_render__dup(c->m, no, strlen(no)) : "", x[0], w[0],
                        SZ_BODY, FONT_REG, COLOR_TEXT, ALIGN_RIGHT);
            cs[1] = col(r == 0 ? ln->description : "", x[1], w[1], SZ_BODY, FONT_REG,
                        COLOR_TEXT, ALIGN_LEFT);
            cs[2] = col(state[r], x[2], w[2], SZ_BODY, r == 2 ? FONT_BOLD : FONT_REG,
                        COLOR_TEXT, ALIGN_LEFT);
            cs[3] = col(fk_render__trimmed(c, qty[r], 3, NULL), x[3], w[3], SZ_BODY,
                        r == 2 ? FONT_BOLD : FONT_REG, COLOR_TEXT, ALIGN_RIGHT);
            cs[4] = col(fk_render__amount(c, net[r], NULL), x[4], w[4], SZ_BODY,
                        r == 2 ? FONT_BOLD : FONT_REG, COLOR_TEXT, ALIGN_RIGHT);
            cs[5] = col(fk_render__trimmed(c, ln->vat_centi, 2, NULL), x[5], w[5], SZ_BODY,
                        FONT_REG, COLOR_TEXT, ALIGN_RIGHT);
            add_columns(c, cs, 6, &o);
        }
    }
    (void)first;
    fk_render__add_spacer(c, 14);
    return FK_OK;
}

/* ---- The whole invoice ------------------------------------------------------------------ */

/* Page furniture first: the footer's height decides where content must stop. Every
 * footer line of the document is printed, each wrapped to the page width. */
static fk_status build_furniture(fk_render__layout *c, fk_error *err)
{
    const fk_invoice *inv = c->inv;
    fk_buf all = FK_BUF_INIT;
    float foot_top;

    c->footer = NULL;
    c->nfooter = 0;
    c->qr_n = 0;
    for (size_t i = 0; i < inv->nfooter; i++) {
        int n = 0;
        const char *w;
        if (!inv->footer[i] || !inv->footer[i][0])
            continue;
        w = fk_render__wrap_text(c, inv->footer[i], FONT_REG, FOOT_SIZE, CONTENT_W, &n);
        for (int k = 0; k < n; k++, w = fk_render__next_line(w))
            fk_buf_append(&all, w, strlen(w) + 1);
        c->nfooter += n;
    }
    if (c->nfooter > 0)
        c->footer = fk_render__dup(c->m, all.ptr, all.len);
    fk_buf_free(&all);
    if (c->nfooter > 0)
        foot_top = FOOT_BASE + 12.0f + (float)(c->nfooter - 1) * FOOT_SIZE * LEAD + FOOT_SIZE;
    else
        foot_top = FOOT_BASE + SZ_SMALL;
    c->bottom = foot_top + 12.0f;
    if (TOP_CONT - c->bottom < 250.0f)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, "footer",
                            "invoice %s: footer text too long (%d lines)",
                            fk_render__str(c->inv->number), c->nfooter);
    c->running = fk_render__join(c, fk_document_is_credit(inv) ? c->L->credit_title
                                                                : c->L->title,
                                 " ", c->inv->number);
    return FK_OK;
}

typedef fk_status (*section_fn)(fk_render__layout *c, fk_error *err);

/* The invoice from top to bottom. */
static const section_fn SECTIONS[] = {
    build_furniture, build_header, build_parties, build_credit_reason, fk_render__build_table,
    build_correction, build_totals, build_notes, build_payment,
};

fk_status fk_render__build(fk_render__layout *c, fk_error *err)
{
    for (size_t i = 0; i < sizeof(SECTIONS) / sizeof(SECTIONS[0]); i++) {
        fk_status st = SECTIONS[i](c, err);
        if (st != FK_OK)
            return st;
    }
    return FK_OK;
}
