/* SPDX-License-Identifier: MIT */
/* document.c -- the invoice of record's storage, canonical JSON encoder and decoder (see
 * document.h; every key is described in docs/invoice.md, in the order written here).
 *
 * The encoder is written by hand rather than with jansson: the key order is part of the
 * format (it is what makes the bytes canonical and the stored SHA-256 meaningful), and
 * every invoice of a batch is encoded on a render thread, where jansson's object building
 * would cost more than the JSON is long. The decoder uses jansson (show, reprint, the
 * journal: not on the batch's path).
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/document.h"

/* ---- The arena ------------------------------------------------------------------------- */

typedef struct doc_block {
    struct doc_block *next;
    size_t used, cap;
    max_align_t align[]; /* the data */
} doc_block;

struct fk_doc_arena {
    doc_block *blocks;
};

#define BLOCK_SIZE 4096

void fk_document_init(fk_document *d)
{
    memset(d, 0, sizeof(*d));
    d->version = FK_DOCUMENT_VERSION;
    d->kind = "invoice";
    d->type_code = 380;
    d->exponent = 2;
    d->accounting_exponent = 2;
}

void fk_document_free(fk_document *d)
{
    if (d->arena) {
        doc_block *b = d->arena->blocks;
        while (b) {
            doc_block *next = b->next;
            free(b);
            b = next;
        }
        free(d->arena);
    }
    memset(d, 0, sizeof(*d));
}

void *fk_document_alloc(fk_document *d, size_t n)
{
    doc_block *b;
    size_t need = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);

    if (!d->arena)
        d->arena = fk_xcalloc(1, sizeof(*d->arena));
    b = d->arena->blocks;
    if (!b || b->cap - b->used < need) {
        size_t cap = need > BLOCK_SIZE ? need : BLOCK_SIZE;
        b = fk_xmalloc(sizeof(*b) + cap);
        b->next = d->arena->blocks;
        b->used = 0;
        b->cap = cap;
        d->arena->blocks = b;
    }
    void *p = (char *)b->align + b->used;
    b->used += need;
    memset(p, 0, n);
    return p;
}

const char *fk_document_strndup(fk_document *d, const char *s, size_t n)
{
    char *p = fk_document_alloc(d, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

const char *fk_document_strdup(fk_document *d, const char *s)
{
    return fk_document_strndup(d, s ? s : "", s ? strlen(s) : 0);
}

bool fk_document_is_credit(const fk_document *d)
{
    return d->kind && strcmp(d->kind, "credit_note") == 0;
}

const char *fk_party_vat_shown(const fk_party *p)
{
    if (p->vat_id_shown && p->vat_id_shown[0])
        return p->vat_id_shown;
    return p->vat_id ? p->vat_id : "";
}

/* ---- Encoding ---------------------------------------------------------------------------- */

/* A JSON string: only '"', '\\' and control characters are escaped (the short forms where
 * JSON has one); everything else, non-ASCII UTF-8 included, is copied. */
static void put_string(fk_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const char *run = s ? s : "";
    const char *p = run;

    fk_buf_putc(b, '"');
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *esc = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        fk_buf_append(b, run, (size_t)(p - run));
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = '\0';
            esc = u;
        }
        fk_buf_puts(b, esc);
        run = p + 1;
    }
    fk_buf_append(b, run, (size_t)(p - run));
    fk_buf_putc(b, '"');
}

/* "key": — first says whether a comma goes before it. */
static void put_key(fk_buf *b, const char *key, bool *first)
{
    if (!*first)
        fk_buf_putc(b, ',');
    *first = false;
    fk_buf_putc(b, '"');
    fk_buf_puts(b, key);
    fk_buf_puts(b, "\":");
}

static void kv_str(fk_buf *b, const char *key, const char *v, bool *first)
{
    put_key(b, key, first);
    put_string(b, v);
}

/* Keys added after version 1 was first written (issue 18): present only when not empty,
 * so every document without them keeps its bytes and its SHA-256. */
static void kv_str_opt(fk_buf *b, const char *key, const char *v, bool *first)
{
    if (v && *v)
        kv_str(b, key, v, first);
}

static void kv_int(fk_buf *b, const char *key, long long v, bool *first)
{
    put_key(b, key, first);
    fk_buf_put_int(b, v);
}

static void kv_bool(fk_buf *b, const char *key, bool v, bool *first)
{
    put_key(b, key, first);
    fk_buf_puts(b, v ? "true" : "false");
}

static void put_party(fk_buf *b, const char *key, const fk_party *p, bool *outer,
                      const bool *business)
{
    bool first = true;

    put_key(b, key, outer);
    fk_buf_putc(b, '{');
    kv_str(b, "name", p->name, &first);
    kv_str(b, "street", p->street, &first);
    kv_str(b, "postal_code", p->postal_code, &first);
    kv_str(b, "city", p->city, &first);
    kv_str(b, "country", p->country, &first);
    kv_str(b, "vat_id", p->vat_id, &first);
    kv_str(b, "vat_id_shown", fk_party_vat_shown(p), &first);
    kv_str(b, "email", p->email, &first);
    kv_str(b, "contact_name", p->contact_name, &first);
    kv_str(b, "phone", p->phone, &first);
    kv_str_opt(b, "endpoint", p->endpoint, &first);
    kv_str_opt(b, "legal_id", p->legal_id, &first);
    kv_str_opt(b, "tax_registration", p->tax_registration, &first);
    if (business)
        kv_bool(b, "business", *business, &first);
    fk_buf_putc(b, '}');
}

static void put_strings(fk_buf *b, const char *key, const char *const *v, size_t n,
                        bool *outer)
{
    put_key(b, key, outer);
    fk_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            fk_buf_putc(b, ',');
        put_string(b, v[i]);
    }
    fk_buf_putc(b, ']');
}

static const char *payment_name(fk_doc_payment p)
{
    return p == FK_DOC_PAY_SEPA   ? "sepa_debit"
           : p == FK_DOC_PAY_CARD ? "card"
           : p == FK_DOC_PAY_PAID ? "paid"
           : p == FK_DOC_PAY_COD  ? "cash_on_delivery"
                                  : "transfer";
}

static void put_lines(fk_buf *b, const fk_document *d, bool *outer)
{
    put_key(b, "lines", outer);
    fk_buf_putc(b, '[');
    for (size_t i = 0; i < d->nlines; i++) {
        const fk_doc_line *ln = &d->lines[i];
        bool first = true;
        char id[24];
        if (i)
            fk_buf_putc(b, ',');
        fk_buf_putc(b, '{');
        snprintf(id, sizeof(id), "%zu", i + 1);
        kv_str(b, "id", id, &first);
        kv_str(b, "name", ln->description, &first);
        kv_str(b, "seller_item_id", ln->sku, &first);
        kv_int(b, "quantity_milli", ln->qty_milli, &first);
        kv_str(b, "unit", ln->unit && ln->unit[0] ? ln->unit : "C62", &first);
        kv_int(b, "price", ln->unit_price, &first);
        kv_int(b, "net", ln->net, &first);
        kv_str(b, "vat_category", ln->category, &first);
        kv_int(b, "vat_rate_centi", ln->vat_centi, &first);
        kv_str(b, "supply_type", ln->services ? "services" : "goods", &first);
        kv_bool(b, "split_payment", ln->split_payment, &first);
        if (fk_document_is_credit(d)) {
            static const fk_doc_correction none = {0, 0, 0};
            const fk_doc_correction *k = d->corrections ? &d->corrections[i] : &none;
            kv_int(b, "invoice_line", k->invoice_line, &first);
            kv_int(b, "quantity_before_milli", k->qty_before_milli, &first);
            kv_int(b, "net_before", k->net_before, &first);
        }
        fk_buf_putc(b, '}');
    }
    fk_buf_putc(b, ']');
}

static void put_vat(fk_buf *b, const fk_document *d, bool *outer)
{
    put_key(b, "vat_breakdown", outer);
    fk_buf_putc(b, '[');
    for (size_t i = 0; i < d->nvat; i++) {
        const fk_doc_vat *v = &d->vat[i];
        bool first = true;
        if (i)
            fk_buf_putc(b, ',');
        fk_buf_putc(b, '{');
        kv_str(b, "category", v->category, &first);
        kv_int(b, "vat_rate_centi", v->vat_centi, &first);
        kv_int(b, "taxable", v->taxable, &first);
        kv_int(b, "vat", v->vat, &first);
        kv_int(b, "vat_accounting", v->vat_accounting, &first);
        kv_str(b, "exemption_reason", v->exemption_reason, &first);
        kv_str(b, "exemption_code", v->exemption_code, &first);
        kv_str(b, "note", v->note, &first);
        fk_buf_putc(b, '}');
    }
    fk_buf_putc(b, ']');
}

void fk_document_encode(const fk_document *d, fk_buf *out)
{
    bool first = true, inner = true;
    bool business = d->buyer_is_business;

    fk_buf_putc(out, '{');
    kv_int(out, "version", d->version, &first);
    kv_str(out, "kind", d->kind, &first);
    kv_int(out, "type_code", d->type_code, &first);
    kv_str(out, "number", d->number, &first);
    kv_str(out, "issue_date", d->issue_date, &first);
    kv_str(out, "due_date", d->due_date, &first);
    kv_str(out, "delivery_date", d->delivery_date, &first);
    kv_str(out, "period_start", d->period_start, &first);
    kv_str(out, "period_end", d->period_end, &first);
    kv_str(out, "order_id", d->order_id, &first);
    kv_str(out, "order_date", d->order_date, &first);
    kv_str(out, "buyer_reference", d->buyer_reference, &first);
    kv_str(out, "order_reference", d->order_reference, &first);
    kv_str(out, "language", d->language, &first);
    kv_str(out, "currency", d->currency, &first);
    kv_int(out, "exponent", d->exponent, &first);
    kv_str(out, "accounting_currency", d->accounting_currency, &first);
    kv_int(out, "accounting_exponent", d->accounting_exponent, &first);
    kv_str(out, "exchange_rate", d->exchange_rate, &first);
    kv_str(out, "exchange_rate_date", d->exchange_rate_date, &first);
    if (fk_document_is_credit(d)) {
        bool cf = true;
        put_key(out, "corrects", &first);
        fk_buf_putc(out, '{');
        kv_str(out, "invoice_number", d->preceding_number, &cf);
        kv_str(out, "invoice_date", d->preceding_date, &cf);
        kv_str(out, "reason", d->credit_reason, &cf);
        fk_buf_putc(out, '}');
    }
    put_party(out, "seller", &d->seller, &first, NULL);
    put_party(out, "buyer", &d->buyer, &first, &business);
    put_lines(out, d, &first);
    put_vat(out, d, &first);

    put_key(out, "totals", &first);
    fk_buf_putc(out, '{');
    kv_int(out, "net", d->net_total, &inner);
    kv_int(out, "vat", d->vat_total, &inner);
    kv_int(out, "gross", d->gross_total, &inner);
    kv_int(out, "vat_accounting", d->vat_total_accounting, &inner);
    kv_int(out, "prepaid", d->prepaid, &inner);
    kv_int(out, "due", d->due, &inner);
    fk_buf_putc(out, '}');

    inner = true;
    put_key(out, "payment", &first);
    fk_buf_putc(out, '{');
    kv_str(out, "means", payment_name(d->payment), &inner);
    kv_str(out, "means_code", d->payment_means, &inner);
    kv_int(out, "terms_days", d->payment_terms_days, &inner);
    kv_str(out, "iban", d->seller_iban, &inner);
    kv_str(out, "bic", d->seller_bic, &inner);
    kv_str(out, "reference", d->payment_reference, &inner);
    kv_str(out, "reference_kind", d->payment_reference_kind, &inner);
    kv_str(out, "mandate_id", d->mandate_id, &inner);
    kv_str(out, "debited_account", d->iban_masked, &inner);
    kv_str(out, "card_brand", d->card_brand, &inner);
    kv_str(out, "card_last4", d->card_last4, &inner);
    if (d->payment == FK_DOC_PAY_PAID) {
        kv_str(out, "paid_date", d->paid_date, &inner);
        kv_str(out, "paid_provider", d->paid_provider, &inner);
        kv_str(out, "paid_reference", d->paid_reference, &inner);
    }
    kv_str(out, "qr", d->qr, &inner);
    kv_str_opt(out, "creditor_id", d->creditor_id, &inner);
    fk_buf_putc(out, '}');

    put_strings(out, "notes", d->notes, d->nnotes, &first);
    put_strings(out, "footer", d->footer, d->nfooter, &first);
    kv_str_opt(out, "einvoice", d->einvoice, &first);
    fk_buf_putc(out, '}');
}

/* ---- Decoding ---------------------------------------------------------------------------- */

typedef struct decoder {
    fk_document *d;
    fk_error *err;
    bool failed;
    const char *where; /* "", "seller.", "lines[3]." ... for messages */
    char where_buf[48];
} decoder;

static void fail(decoder *c, const char *key, const char *what)
{
    if (!c->failed)
        fk_error_set(c->err, FK_EINPUT, NULL, 0, key,
                     "not an invoice document faktura reads: %s%s %s", c->where, key, what);
    c->failed = true;
}

static json_t *member(decoder *c, json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        fail(c, key, "is missing");
    return v;
}

static const char *get_str(decoder *c, json_t *obj, const char *key)
{
    json_t *v = member(c, obj, key);
    if (!v)
        return "";
    if (!json_is_string(v) || memchr(json_string_value(v), '\0', json_string_length(v))) {
        fail(c, key, "is not a string (or holds a NUL character)");
        return "";
    }
    return fk_document_strndup(c->d, json_string_value(v), json_string_length(v));
}

/* A key written only when not empty (kv_str_opt): absent reads as "". */
static const char *get_str_opt(decoder *c, json_t *obj, const char *key)
{
    return json_object_get(obj, key) ? get_str(c, obj, key) : "";
}

static long long get_int(decoder *c, json_t *obj, const char *key, long long lo, long long hi)
{
    json_t *v = member(c, obj, key);
    if (!v)
        return 0;
    if (!json_is_integer(v)) {
        fail(c, key, "is not an integer");
        return 0;
    }
    long long x = json_integer_value(v);
    if (x < lo || x > hi) {
        fail(c, key, "is out of range");
        return 0;
    }
    return x;
}

static bool get_bool(decoder *c, json_t *obj, const char *key)
{
    json_t *v = member(c, obj, key);
    if (v && !json_is_boolean(v))
        fail(c, key, "is not true or false");
    return v && json_is_true(v);
}

static json_t *get_kind(decoder *c, json_t *obj, const char *key, json_type t,
                        const char *what)
{
    json_t *v = member(c, obj, key);
    if (v && json_typeof(v) != t) {
        fail(c, key, what);
        return NULL;
    }
    return v;
}

static void get_code(decoder *c, json_t *obj, const char *key, char *dst, size_t n)
{
    const char *s = get_str(c, obj, key);
    if (strlen(s) >= n)
        fail(c, key, "is too long");
    else
        memcpy(dst, s, strlen(s) + 1);
}

#define MONEY_MAX 1000000000000000000LL /* |minor units| below 10^18 */

static void get_party(decoder *c, json_t *root, const char *key, fk_party *p, bool *business)
{
    json_t *o = get_kind(c, root, key, JSON_OBJECT, "is not an object");
    if (!o)
        return;
    snprintf(c->where_buf, sizeof(c->where_buf), "%s.", key);
    c->where = c->where_buf;
    p->name = get_str(c, o, "name");
    p->street = get_str(c, o, "street");
    p->postal_code = get_str(c, o, "postal_code");
    p->city = get_str(c, o, "city");
    p->country = get_str(c, o, "country");
    p->vat_id = get_str(c, o, "vat_id");
    p->vat_id_shown = get_str(c, o, "vat_id_shown");
    p->email = get_str(c, o, "email");
    p->contact_name = get_str(c, o, "contact_name");
    p->phone = get_str(c, o, "phone");
    p->endpoint = get_str_opt(c, o, "endpoint");
    p->legal_id = get_str_opt(c, o, "legal_id");
    p->tax_registration = get_str_opt(c, o, "tax_registration");
    if (business)
        *business = get_bool(c, o, "business");
    c->where = "";
}

static void get_lines(decoder *c, json_t *root)
{
    json_t *a = get_kind(c, root, "lines", JSON_ARRAY, "is not an array");
    size_t n = a ? json_array_size(a) : 0;
    fk_doc_line *lines = n ? fk_document_alloc(c->d, n * sizeof(*lines)) : NULL;
    fk_doc_correction *corr = n && fk_document_is_credit(c->d)
                                  ? fk_document_alloc(c->d, n * sizeof(*corr))
                                  : NULL;

    for (size_t i = 0; i < n && !c->failed; i++) {
        json_t *o = json_array_get(a, i);
        fk_doc_line *ln = &lines[i];
        char id[24];
        snprintf(c->where_buf, sizeof(c->where_buf), "lines[%zu].", i);
        c->where = c->where_buf;
        if (!json_is_object(o)) {
            fail(c, "", "is not an object");
            break;
        }
        snprintf(id, sizeof(id), "%zu", i + 1);
        if (strcmp(get_str(c, o, "id"), id) != 0)
            fail(c, "id", "is not the line's position");
        ln->description = get_str(c, o, "name");
        ln->sku = get_str(c, o, "seller_item_id");
        ln->qty_milli = get_int(c, o, "quantity_milli", -MONEY_MAX, MONEY_MAX);
        ln->unit = get_str(c, o, "unit");
        ln->unit_price = get_int(c, o, "price", -MONEY_MAX, MONEY_MAX);
        ln->net = get_int(c, o, "net", -MONEY_MAX, MONEY_MAX);
        get_code(c, o, "vat_category", ln->category, sizeof(ln->category));
        ln->vat_centi = (int32_t)get_int(c, o, "vat_rate_centi", 0, 10000);
        const char *st = get_str(c, o, "supply_type");
        if (strcmp(st, "goods") != 0 && strcmp(st, "services") != 0)
            fail(c, "supply_type", "is neither goods nor services");
        ln->services = strcmp(st, "services") == 0;
        ln->split_payment = get_bool(c, o, "split_payment");
        if (corr) {
            corr[i].invoice_line = (int32_t)get_int(c, o, "invoice_line", 1, 1000000000);
            corr[i].qty_before_milli =
                get_int(c, o, "quantity_before_milli", -MONEY_MAX, MONEY_MAX);
            corr[i].net_before = get_int(c, o, "net_before", -MONEY_MAX, MONEY_MAX);
        }
    }
    c->where = "";
    c->d->lines = lines;
    c->d->nlines = n;
    c->d->corrections = corr;
}

static void get_vat(decoder *c, json_t *root)
{
    json_t *a = get_kind(c, root, "vat_breakdown", JSON_ARRAY, "is not an array");
    size_t n = a ? json_array_size(a) : 0;
    fk_doc_vat *vat;

    if (n > FK_DOCUMENT_MAX_VAT) {
        fail(c, "vat_breakdown", "has more than 16 entries");
        return;
    }
    vat = n ? fk_document_alloc(c->d, n * sizeof(*vat)) : NULL;
    for (size_t i = 0; i < n && !c->failed; i++) {
        json_t *o = json_array_get(a, i);
        fk_doc_vat *v = &vat[i];
        snprintf(c->where_buf, sizeof(c->where_buf), "vat_breakdown[%zu].", i);
        c->where = c->where_buf;
        if (!json_is_object(o)) {
            fail(c, "", "is not an object");
            break;
        }
        get_code(c, o, "category", v->category, sizeof(v->category));
        v->vat_centi = (int32_t)get_int(c, o, "vat_rate_centi", 0, 10000);
        v->taxable = get_int(c, o, "taxable", -MONEY_MAX, MONEY_MAX);
        v->vat = get_int(c, o, "vat", -MONEY_MAX, MONEY_MAX);
        v->vat_accounting = get_int(c, o, "vat_accounting", -MONEY_MAX, MONEY_MAX);
        v->exemption_reason = get_str(c, o, "exemption_reason");
        v->exemption_code = get_str(c, o, "exemption_code");
        v->note = get_str(c, o, "note");
    }
    c->where = "";
    c->d->vat = vat;
    c->d->nvat = n;
}

static const char *const *get_string_list(decoder *c, json_t *root, const char *key, size_t *n)
{
    json_t *a = get_kind(c, root, key, JSON_ARRAY, "is not an array");
    size_t k = a ? json_array_size(a) : 0;
    const char **v = k ? fk_document_alloc(c->d, k * sizeof(*v)) : NULL;

    for (size_t i = 0; i < k; i++) {
        json_t *s = json_array_get(a, i);
        if (!json_is_string(s)) {
            fail(c, key, "holds something other than strings");
            k = i;
            break;
        }
        v[i] = fk_document_strndup(c->d, json_string_value(s), json_string_length(s));
    }
    *n = k;
    return v;
}

static void get_totals(decoder *c, json_t *root)
{
    fk_document *d = c->d;
    json_t *o = get_kind(c, root, "totals", JSON_OBJECT, "is not an object");
    if (!o)
        return;
    c->where = "totals.";
    d->net_total = get_int(c, o, "net", -MONEY_MAX, MONEY_MAX);
    d->vat_total = get_int(c, o, "vat", -MONEY_MAX, MONEY_MAX);
    d->gross_total = get_int(c, o, "gross", -MONEY_MAX, MONEY_MAX);
    d->vat_total_accounting = get_int(c, o, "vat_accounting", -MONEY_MAX, MONEY_MAX);
    d->prepaid = get_int(c, o, "prepaid", -MONEY_MAX, MONEY_MAX);
    d->due = get_int(c, o, "due", -MONEY_MAX, MONEY_MAX);
    c->where = "";
}

static void get_payment(decoder *c, json_t *root)
{
    fk_document *d = c->d;
    json_t *o = get_kind(c, root, "payment", JSON_OBJECT, "is not an object");
    if (!o)
        return;
    c->where = "payment.";
    const char *means = get_str(c, o, "means");
    if (!strcmp(means, "transfer"))
        d->payment = FK_DOC_PAY_TRANSFER;
    else if (!strcmp(means, "sepa_debit"))
        d->payment = FK_DOC_PAY_SEPA;
    else if (!strcmp(means, "card"))
        d->payment = FK_DOC_PAY_CARD;
    else if (!strcmp(means, "paid"))
        d->payment = FK_DOC_PAY_PAID;
    else if (!strcmp(means, "cash_on_delivery"))
        d->payment = FK_DOC_PAY_COD;
    else
        fail(c, "means", "is not transfer, sepa_debit, card, paid or cash_on_delivery");
    d->payment_means = get_str(c, o, "means_code");
    d->payment_terms_days = (int)get_int(c, o, "terms_days", 0, 3650);
    d->seller_iban = get_str(c, o, "iban");
    d->seller_bic = get_str(c, o, "bic");
    d->payment_reference = get_str(c, o, "reference");
    d->payment_reference_kind = get_str(c, o, "reference_kind");
    d->mandate_id = get_str(c, o, "mandate_id");
    d->iban_masked = get_str(c, o, "debited_account");
    d->card_brand = get_str(c, o, "card_brand");
    d->card_last4 = get_str(c, o, "card_last4");
    d->paid_date = d->paid_provider = d->paid_reference = "";
    if (d->payment == FK_DOC_PAY_PAID) { /* written for paid documents only */
        d->paid_date = get_str(c, o, "paid_date");
        d->paid_provider = get_str(c, o, "paid_provider");
        d->paid_reference = get_str(c, o, "paid_reference");
    }
    d->qr = get_str(c, o, "qr");
    d->creditor_id = get_str_opt(c, o, "creditor_id");
    c->where = "";
}

fk_status fk_document_decode(const char *json, size_t len, fk_document *d, fk_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    decoder c = {d, err, false, "", ""};

    fk_document_init(d);
    if (!root || !json_is_object(root)) {
        json_decref(root);
        return fk_error_set(err, FK_EINPUT, NULL, 0, NULL,
                            "not an invoice document faktura reads: %s",
                            root ? "not a JSON object" : jerr.text);
    }
    d->version = (int)get_int(&c, root, "version", 0, 1000);
    if (!c.failed && d->version != FK_DOCUMENT_VERSION) {
        json_decref(root);
        return fk_error_set(err, FK_EINPUT, NULL, 0, "version",
                            "the document has version %d; this faktura reads version %d: use "
                            "a newer faktura",
                            d->version, FK_DOCUMENT_VERSION);
    }
    d->kind = get_str(&c, root, "kind");
    d->type_code = (int)get_int(&c, root, "type_code", 0, 999);
    d->number = get_str(&c, root, "number");
    d->issue_date = get_str(&c, root, "issue_date");
    d->due_date = get_str(&c, root, "due_date");
    d->delivery_date = get_str(&c, root, "delivery_date");
    d->period_start = get_str(&c, root, "period_start");
    d->period_end = get_str(&c, root, "period_end");
    d->order_id = get_str(&c, root, "order_id");
    d->order_date = get_str(&c, root, "order_date");
    d->buyer_reference = get_str(&c, root, "buyer_reference");
    d->order_reference = get_str(&c, root, "order_reference");
    d->language = get_str(&c, root, "language");
    d->currency = get_str(&c, root, "currency");
    d->exponent = (int)get_int(&c, root, "exponent", 0, 9);
    d->accounting_currency = get_str(&c, root, "accounting_currency");
    d->accounting_exponent = (int)get_int(&c, root, "accounting_exponent", 0, 9);
    d->exchange_rate = get_str(&c, root, "exchange_rate");
    d->exchange_rate_date = get_str(&c, root, "exchange_rate_date");
    if (strcmp(d->kind, "invoice") != 0 && strcmp(d->kind, "credit_note") != 0)
        fail(&c, "kind", "is neither invoice nor credit_note");
    if (fk_document_is_credit(d)) {
        json_t *o = get_kind(&c, root, "corrects", JSON_OBJECT, "is not an object");
        if (o) {
            c.where = "corrects.";
            d->preceding_number = get_str(&c, o, "invoice_number");
            d->preceding_date = get_str(&c, o, "invoice_date");
            d->credit_reason = get_str(&c, o, "reason");
            c.where = "";
        }
    }
    get_party(&c, root, "seller", &d->seller, NULL);
    get_party(&c, root, "buyer", &d->buyer, &d->buyer_is_business);
    get_lines(&c, root);
    get_vat(&c, root);
    get_totals(&c, root);
    get_payment(&c, root);
    d->notes = get_string_list(&c, root, "notes", &d->nnotes);
    d->footer = get_string_list(&c, root, "footer", &d->nfooter);
    d->einvoice = get_str_opt(&c, root, "einvoice");
    json_decref(root);
    return c.failed ? (err && err->status ? err->status : FK_EINPUT) : FK_OK;
}
