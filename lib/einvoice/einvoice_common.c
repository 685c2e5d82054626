/* SPDX-License-Identifier: MIT */
/* einvoice_common.c -- the formats as data, their names, and the helpers every writer
 * shares: decimals from integer minor units, electronic addresses, and the check of the
 * business terms a format needs (fk_einv__check), run before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/entities.h>
#include <libxml/xmlmemory.h>
#include "core/util.h"
#include "einvoice/einvoice_impl.h"

#define EN16931 "urn:cen.eu:en16931:2017"
#define PEPPOL_CUST EN16931 "#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
#define PEPPOL_PROC "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#define XRECHNUNG EN16931 "#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
#define XR_NEED                                                                             \
    (FK_NEED_ENDPOINTS | FK_NEED_BUYER_REFERENCE | FK_NEED_SELLER_CONTACT |                 \
     FK_NEED_ADDRESSES | FK_NEED_PAYMENT)

/* In fk_einv_format order. */
static const fk_einv_profile profiles[FK_EINV_COUNT] = {
    {FK_EINV_UBL, "ubl", FK_SYNTAX_UBL, EN16931, NULL, 0, FK_XSD_UBL, "EN 16931 UBL"},
    {FK_EINV_PEPPOL, "peppol", FK_SYNTAX_UBL, PEPPOL_CUST, PEPPOL_PROC,
     FK_NEED_ENDPOINTS | FK_NEED_BUYER_REF_OR_ORDER | FK_NEED_ONE_NOTE, FK_XSD_UBL,
     "Peppol BIS Billing 3.0"},
    {FK_EINV_XRECHNUNG_UBL, "xrechnung-ubl", FK_SYNTAX_UBL, XRECHNUNG, PEPPOL_PROC, XR_NEED,
     FK_XSD_UBL, "XRechnung 3.0 (UBL)"},
    {FK_EINV_XRECHNUNG_CII, "xrechnung-cii", FK_SYNTAX_CII, XRECHNUNG, PEPPOL_PROC, XR_NEED,
     FK_XSD_CII, "XRechnung 3.0 (CII)"},
    {FK_EINV_CII, "cii", FK_SYNTAX_CII, EN16931, NULL, 0, FK_XSD_CII, "EN 16931 CII"},
    {FK_EINV_FACTURX, "facturx", FK_SYNTAX_CII, EN16931, NULL, 0, FK_XSD_FACTURX,
     "Factur-X EN 16931"},
    {FK_EINV_KSEF, "ksef", FK_SYNTAX_KSEF, "FA (3)", NULL, 0, FK_XSD_KSEF, "KSeF FA(3)"},
};

const fk_einv_profile *fk_einv_profile_of(fk_einv_format f)
{
    return (unsigned)f < FK_EINV_COUNT ? &profiles[f] : NULL;
}

const fk_einv_profile *fk_einv_profile_named(const char *name, size_t len)
{
    for (size_t i = 0; i < FK_EINV_COUNT; i++)
        if (strlen(profiles[i].name) == len && strncasecmp(profiles[i].name, name, len) == 0)
            return &profiles[i];
    return NULL;
}

bool fk_einv_parse_list(const char *list, unsigned *mask, const char **bad, size_t *badlen)
{
    const char *p = list ? list : "";
    bool none = false;

    *mask = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *s = p;
        while (*p && *p != ',')
            p++;
        const char *e = p;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e == s)
            continue;
        const fk_einv_profile *pr = fk_einv_profile_named(s, (size_t)(e - s));
        if ((size_t)(e - s) == 4 && strncasecmp(s, "none", 4) == 0) {
            none = true;
        } else if (!pr) {
            *bad = s;
            *badlen = (size_t)(e - s);
            return false;
        } else {
            *mask |= 1u << pr->format;
        }
        if (none && *mask) {
            *bad = s;
            *badlen = (size_t)(e - s);
            return false;
        }
    }
    return true;
}

void fk_einv_list_text(unsigned mask, char *buf, size_t n)
{
    size_t k = 0;
    if (n)
        buf[0] = '\0';
    for (int f = 0; f < FK_EINV_COUNT; f++)
        if (mask & (1u << f)) {
            int w = snprintf(buf + k, n > k ? n - k : 0, "%s%s", k ? "," : "", profiles[f].name);
            if (w > 0)
                k += (size_t)w;
        }
}

void fk_einv_amount(int64_t minor, int exp, char *buf, size_t n)
{
    /* Digits from the right, no printf: this runs for every amount of every invoice. */
    char tmp[48];
    size_t k = sizeof(tmp);
    uint64_t u = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    int digits = 0;

    if (exp < 0 || exp > 9)
        exp = 0;
    tmp[--k] = '\0';
    do {
        if (exp && digits == exp)
            tmp[--k] = '.';
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
        digits++;
    } while (u || digits <= exp);
    if (minor < 0)
        tmp[--k] = '-';
    snprintf(buf, n, "%s", tmp + k);
}

void fk_einv_quantity(int64_t milli, char *buf, size_t n)
{
    fk_einv_amount(milli, 3, buf, n);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0')
        *--end = '\0';
    if (end == dot + 1)
        *dot = '\0';
}

void fk_einv_percent(int32_t centi, char *buf, size_t n)
{
    fk_einv_amount(centi, 2, buf, n);
}

bool fk_einv_endpoint_split(const char *s, char *scheme, size_t ns, char *id, size_t ni)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || colon == s || !colon[1] || (size_t)(colon - s) >= ns || strlen(colon + 1) >= ni)
        return false;
    for (const char *p = s; p < colon; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')))
            return false;
    for (const char *p = colon + 1; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    memcpy(scheme, s, (size_t)(colon - s));
    scheme[colon - s] = '\0';
    snprintf(id, ni, "%s", colon + 1);
    return true;
}

bool fk_einv_endpoint_from_vat(const char *vat, char *buf, size_t n)
{
    if (!vat || strlen(vat) < 4)
        return false;
    /* Norway: the organisation number (EAS 0192) of "NO#########MVA". */
    if (!strncmp(vat, "NO", 2) && strlen(vat) == 14 && !strcmp(vat + 11, "MVA")) {
        snprintf(buf, n, "0192:%.9s", vat + 2);
        return true;
    }
    /* EAS codes for the VAT numbers of Germany and Poland (CEF EAS code list). */
    if (!strncmp(vat, "DE", 2)) {
        snprintf(buf, n, "9930:%s", vat);
        return true;
    }
    if (!strncmp(vat, "PL", 2)) {
        snprintf(buf, n, "9945:%s", vat);
        return true;
    }
    return false;
}

bool fk_einv_outside_scope(const fk_document *d)
{
    for (size_t i = 0; i < d->nvat; i++)
        if (!strcmp(d->vat[i].category, "O"))
            return true;
    return false;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

static fk_status missing(fk_einv_problem *why, fk_error *err, const char *field,
                         const fk_einv_profile *p, const char *what)
{
    *why = FK_EINV_MISSING;
    return fk_error_set(err, FK_EINPUT, NULL, 0, field, "%s needs %s", p->title, what);
}

/* The business terms p needs, checked on d before anything is written. */
fk_status fk_einv__check(const fk_document *d, const fk_einv_profile *p, fk_einv_problem *why,
                         fk_error *err)
{
    *why = FK_EINV_OK;
    if (d->exponent > 2 || d->accounting_exponent > 2) {
        *why = FK_EINV_UNSUPPORTED;
        return fk_error_set(err, FK_EINPUT, NULL, 0, "currency",
                            "%s allows at most 2 decimals in amounts (BR-DEC): %s amounts "
                            "cannot be written",
                            p->title, d->exponent > 2 ? d->currency : d->accounting_currency);
    }
    if (p->syntax == FK_SYNTAX_KSEF) {
        if (empty(d->seller.country) || strcmp(d->seller.country, "PL") != 0) {
            *why = FK_EINV_UNSUPPORTED;
            return fk_error_set(err, FK_EINPUT, NULL, 0, "einvoice",
                                "KSeF FA(3) is for sellers registered for VAT in Poland; the "
                                "seller's country is %s",
                                d->seller.country ? d->seller.country : "");
        }
        return FK_OK;
    }
    /* BR-CO-26 when BR-O-02 forbids the VAT ids: the seller's legal registration. */
    if (fk_einv_outside_scope(d) && empty(d->seller.legal_id))
        return missing(why, err, "seller legal_id", p,
                       "the seller's legal registration identifier (BT-30, [seller] legal_id) "
                       "on an invoice outside the scope of VAT (category O), which may show "
                       "no VAT number");
    if ((p->need & FK_NEED_ENDPOINTS) && empty(d->seller.endpoint))
        return missing(why, err, "seller endpoint", p,
                       "the seller's electronic address (BT-34, [seller] endpoint = SCHEME:ID)");
    if ((p->need & FK_NEED_ENDPOINTS) && empty(d->buyer.endpoint))
        return missing(why, err, "buyer_endpoint", p,
                       "the buyer's electronic address (BT-49, column buyer_endpoint = "
                       "SCHEME:ID, derived from a DE, NO or PL VAT number when not given)");
    if ((p->need & FK_NEED_BUYER_REFERENCE) && empty(d->buyer_reference))
        return missing(why, err, "buyer_reference", p,
                       "the buyer reference (BT-10: the Leitweg-ID of a public buyer, else "
                       "the reference the buyer gave)");
    if ((p->need & FK_NEED_BUYER_REF_OR_ORDER) && empty(d->buyer_reference) &&
        empty(d->order_reference))
        return missing(why, err, "buyer_reference", p,
                       "a buyer reference (BT-10) or the buyer's purchase order (BT-13, column "
                       "order_reference)");
    if (p->need & FK_NEED_SELLER_CONTACT) {
        if (empty(d->seller.contact_name))
            return missing(why, err, "seller contact_name", p,
                           "the seller's contact point (BT-41, [seller] contact_name)");
        if (empty(d->seller.phone))
            return missing(why, err, "seller phone", p,
                           "the seller's contact telephone (BT-42, [seller] phone)");
        if (empty(d->seller.email))
            return missing(why, err, "seller email", p,
                           "the seller's contact e-mail (BT-43, [seller] email)");
    }
    if (p->need & FK_NEED_ADDRESSES) {
        if (empty(d->seller.city) || empty(d->seller.postal_code))
            return missing(why, err, "seller postal_code", p,
                           "the seller's city and post code (BT-37, BT-38)");
        if (empty(d->buyer.city))
            return missing(why, err, "city", p, "the buyer's city (BT-52)");
        if (empty(d->buyer.postal_code))
            return missing(why, err, "postal_code", p, "the buyer's post code (BT-53)");
    }
    /* BR-DE-30 (XRechnung; in Peppol DE-R-030 for German sellers). */
    if (((p->need & FK_NEED_PAYMENT) ||
         ((p->need & FK_NEED_ENDPOINTS) && d->seller.country && !strcmp(d->seller.country, "DE"))) &&
        d->payment == FK_DOC_PAY_SEPA && empty(d->creditor_id))
        return missing(why, err, "seller creditor_id", p,
                       "the seller's SEPA creditor identifier for a direct debit (BT-90, "
                       "[seller] creditor_id)");
    if ((p->need & FK_NEED_PAYMENT) && d->payment == FK_DOC_PAY_CARD && empty(d->card_last4))
        return missing(why, err, "card_number", p,
                       "the last digits of the payment card (BT-87)");
    if ((p->need & FK_NEED_PAYMENT) && d->payment == FK_DOC_PAY_SEPA && empty(d->mandate_id))
        return missing(why, err, "mandate_id", p, "the direct debit's mandate reference (BT-89)");
    return FK_OK;
}

/* A credit note as UBL and CII carry it: a shallow copy of d with every amount of its
 * lines, breakdowns and totals negated (the document holds what is credited as negative
 * amounts; under type 381 EN 16931 states them positive, so BR-CO-10..16 hold as on an
 * invoice). Quantities are positive too (CreditedQuantity, BilledQuantity), unit prices
 * stay as they are. The arrays are malloc'd into *lines and *vat (freed by the caller). */
static void positive_copy(const fk_document *d, fk_document *c, fk_doc_line **lines,
                          fk_doc_vat **vat)
{
    *c = *d;
    *lines = fk_xcalloc(d->nlines ? d->nlines : 1, sizeof(**lines));
    *vat = fk_xcalloc(d->nvat ? d->nvat : 1, sizeof(**vat));
    for (size_t i = 0; i < d->nlines; i++) {
        (*lines)[i] = d->lines[i];
        (*lines)[i].qty_milli = -d->lines[i].qty_milli;
        (*lines)[i].net = -d->lines[i].net;
    }
    for (size_t i = 0; i < d->nvat; i++) {
        (*vat)[i] = d->vat[i];
        (*vat)[i].taxable = -d->vat[i].taxable;
        (*vat)[i].vat = -d->vat[i].vat;
        (*vat)[i].vat_accounting = -d->vat[i].vat_accounting;
    }
    c->lines = *lines;
    c->vat = *vat;
    c->net_total = -d->net_total;
    c->vat_total = -d->vat_total;
    c->gross_total = -d->gross_total;
    c->vat_total_accounting = -d->vat_total_accounting;
    c->prepaid = -d->prepaid;
    c->due = -d->due;
}

fk_status fk_einv_write(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                        fk_einv_problem *why, fk_error *err)
{
    fk_status st = fk_einv__check(d, p, why, err);
    fk_document pos;
    fk_doc_line *lines = NULL;
    fk_doc_vat *vat = NULL;

    if (st != FK_OK)
        return st;
    /* KSeF's KOR states the differences with their sign: its writer gets d as it is. */
    if (d->type_code == 381 && p->syntax != FK_SYNTAX_KSEF) {
        positive_copy(d, &pos, &lines, &vat);
        d = &pos;
    }
    switch (p->syntax) {
    case FK_SYNTAX_UBL: st = fk_einv__write_ubl(d, p, out, err); break;
    case FK_SYNTAX_CII: st = fk_einv__write_cii(d, p, out, err); break;
    case FK_SYNTAX_KSEF: st = fk_einv__write_ksef(d, p, out, why, err); break;
    default: st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "unknown e-invoice syntax");
    }
    free(lines);
    free(vat);
    return st;
}

const char *fk_einv__reason(const fk_document *d)
{
    return d->type_code == 381 && d->credit_reason && d->credit_reason[0] ? d->credit_reason
                                                                          : NULL;
}

const char *fk_einv__due_date(const fk_document *d)
{
    if (d->due_date && d->due_date[0])
        return d->due_date;
    return d->type_code == 381 ? d->issue_date : "";
}

/* ---- The XML writer (einvoice_impl.h) ---------------------------------------------------- */

/* Indentation: one space per open element around the innermost (xmlTextWriter's
 * xmlTextWriterWriteIndent, with the element being written counted as open). */
static void xw_indent(fk_xw *w, size_t n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        fk_buf_append(&w->out, spaces, k);
        n -= k;
    }
}

/* The innermost element's name (names holds "a\0b\0c\0"). */
static const char *xw_name(const fk_xw *w)
{
    const char *end = w->names.ptr + w->names.len - 1, *p = end;
    while (p > w->names.ptr && p[-1] != '\0')
        p--;
    return p;
}

void fk_xw_open(fk_xw *w)
{
    memset(w, 0, sizeof(*w));
    fk_buf_puts(&w->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

void fk_xw_start(fk_xw *w, const char *name)
{
    if (w->failed)
        return;
    if (w->depth && w->open_tag)
        fk_buf_append(&w->out, ">\n", 2);
    fk_buf_append(&w->names, name, strlen(name) + 1);
    w->depth++;
    w->open_tag = true;
    xw_indent(w, w->depth - 1);
    fk_buf_putc(&w->out, '<');
    fk_buf_puts(&w->out, name);
}

void fk_xw_end(fk_xw *w)
{
    const char *name;
    if (w->failed)
        return;
    if (!w->depth) {
        w->failed = true;
        return;
    }
    name = xw_name(w);
    if (w->open_tag) {
        fk_buf_append(&w->out, "/>\n", 3);
    } else {
        if (w->doindent)
            xw_indent(w, w->depth - 1);
        fk_buf_append(&w->out, "</", 2);
        fk_buf_puts(&w->out, name);
        fk_buf_append(&w->out, ">\n", 2);
    }
    w->doindent = true;
    w->names.len = (size_t)(name - w->names.ptr);
    w->depth--;
    w->open_tag = false; /* the parent's start tag was closed when this element began */
}

/* An attribute value as xmlTextWriter escapes it (xmlBufAttrSerializeTxtContent for a
 * document with an encoding, which a memory writer has): ", <, >, & and
 * TAB, LF and CR as references, every other byte as it is. */
static void attr_value(fk_buf *b, const char *s)
{
    const char *run = s;
    for (;; s++) {
        const char *ref;
        switch (*s) {
        case '\0': fk_buf_append(b, run, (size_t)(s - run)); return;
        case '\n': ref = "&#10;"; break;
        case '\r': ref = "&#13;"; break;
        case '\t': ref = "&#9;"; break;
        case '"': ref = "&quot;"; break;
        case '<': ref = "&lt;"; break;
        case '>': ref = "&gt;"; break;
        case '&': ref = "&amp;"; break;
        default: continue;
        }
        fk_buf_append(b, run, (size_t)(s - run));
        fk_buf_puts(b, ref);
        run = s + 1;
    }
}

void fk_xw_attr(fk_xw *w, const char *name, const char *value)
{
    if (w->failed)
        return;
    if (!w->depth || !w->open_tag || !value) { /* xmlTextWriter refuses these too */
        w->failed = true;
        return;
    }
    fk_buf_putc(&w->out, ' ');
    fk_buf_puts(&w->out, name);
    fk_buf_append(&w->out, "=\"", 2);
    attr_value(&w->out, value);
    fk_buf_putc(&w->out, '"');
}

void fk_xw_text(fk_xw *w, const char *text)
{
    if (w->failed)
        return;
    if (!text) {
        w->failed = true;
        return;
    }
    if (w->depth && w->open_tag)
        fk_buf_putc(&w->out, '>');
    w->open_tag = false;
    w->doindent = false;
    /* outside any element xmlTextWriter writes the text as it is */
    if (!w->depth || !text[strcspn(text, "<>&\"\r")]) {
        fk_buf_puts(&w->out, text);
    } else {
        xmlChar *esc = xmlEncodeSpecialChars(NULL, BAD_CAST text);
        if (!esc) {
            w->failed = true;
            return;
        }
        fk_buf_puts(&w->out, (const char *)esc);
        xmlFree(esc);
    }
}

void fk_xw_el(fk_xw *w, const char *name, const char *text)
{
    fk_xw_start(w, name);
    fk_xw_text(w, text ? text : "");
    fk_xw_end(w);
}

void fk_xw_el_opt(fk_xw *w, const char *name, const char *text)
{
    if (text && *text)
        fk_xw_el(w, name, text);
}

void fk_xw_el_attr(fk_xw *w, const char *name, const char *attr, const char *value,
                   const char *text)
{
    fk_xw_start(w, name);
    fk_xw_attr(w, attr, value);
    fk_xw_text(w, text);
    fk_xw_end(w);
}

fk_status fk_xw_close(fk_xw *w, fk_buf *out, fk_error *err)
{
    while (!w->failed && w->depth) /* xmlTextWriterEndDocument ends what is open */
        fk_xw_end(w);
    w->failed |= w->out.failed || w->names.failed;
    if (!w->failed)
        fk_buf_append(out, w->out.ptr, w->out.len);
    fk_buf_free(&w->out);
    fk_buf_free(&w->names);
    if (w->failed || out->failed)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "the e-invoice could not be written (out of memory)");
    return FK_OK;
}
