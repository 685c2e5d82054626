/* SPDX-License-Identifier: MIT */
/* credit.c -- credit notes (issue 19): `faktura credit`, `faktura credit --from FILE.csv`
 * and the chargebacks of a run, all through fk_pipeline__credit.
 *
 * A credit note is written from its invoice's stored document (core/document.h), never
 * from an order: the same seller, buyer, language, currency and legal notes, the lines it
 * credits with negative amounts, its own VAT breakdown per category and rate. What remains
 * creditable on a line is the invoice's line less what earlier credit notes of the invoice
 * credited (read back from their documents), so credits add up across notes and a last
 * note that takes what remains gives back exactly the invoice's net, VAT and gross.
 *
 * One note is one transaction, in the order a batch chunk uses: the number is peeked,
 * the document built, its structured forms (the formats of its invoice) written and
 * checked, the document encoded and rendered, the files written to temporary files, made
 * durable and renamed into place, and only then the number consumed with the note's row,
 * document and files (COMMIT; credit_write.c). A crash before COMMIT leaves no number
 * used and at most files of a number not recorded, which the next start removes
 * (fk_pipeline__is_orphan).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/util.h"
#include "ingest/ingest.h"
#include "pipeline/pipeline.h"

/* ---- orphans ---- */

fk_status fk_pipeline__is_orphan(const fk_config *cfg, fk_store *s, const char *stem,
                                 bool *orphan, fk_error *err)
{
    char number[128];
    bool recorded = false;
    fk_status st;

    *orphan = false;
    /* The file of invoice FV/2026/000001 is FV_2026_000001.pdf; CN-2026-000001.pdf is a
     * credit note's. A name that is no number of today's formats (an older format's,
     * without '/') is looked up as it is, as an invoice and as a credit note. Only files
     * recorded as pending are asked about (store_pending.c). */
    if (fk_config_number_from_file(cfg, stem, number, sizeof(number))) {
        st = fk_store_has_number(s, number, &recorded, err);
    } else if (fk_config_credit_number_from_file(cfg, stem, number, sizeof(number))) {
        st = fk_store_has_credit_number(s, number, &recorded, err);
    } else {
        st = fk_store_has_number(s, stem, &recorded, err);
        if (st == FK_OK && !recorded)
            st = fk_store_has_credit_number(s, stem, &recorded, err);
    }
    *orphan = st == FK_OK && !recorded;
    return st;
}

/* ---- the writer ---- */

void fk_pipeline__credit_writer_init(credit_writer *w, fk_store *s, fk_outdir *od,
                                     const fk_config *cfg, int64_t as_of)
{
    int32_t offset = 0;
    memset(w, 0, sizeof(*w));
    w->store = s;
    w->outdir = od;
    w->cfg = cfg;
    fk_zone_offset(cfg->timezone, as_of, &offset);
    fk_format_date(as_of + offset, w->issue_date, sizeof(w->issue_date));
    w->year = atoi(w->issue_date);
}

void fk_pipeline__credit_writer_free(credit_writer *w)
{
    fk_renderer_free(w->renderer);
    w->renderer = NULL;
    fk_einv_schemas_free(w->schemas);
    w->schemas = NULL;
}

void fk_pipeline__credit_refuse(fk_credit_info *info, const char *fmt, ...)
{
    va_list ap;
    info->result = FK_CREDIT_REFUSED;
    va_start(ap, fmt);
    vsnprintf(info->why, sizeof(info->why), fmt, ap);
    va_end(ap);
}

/* ---- the request ---- */

/* A requested line, parsed: its index on the invoice and quantity (-1: what remains). */
typedef struct want {
    size_t index;
    int64_t qty;
} want;

static int cmp_want(const void *a, const void *b)
{
    const want *x = a, *y = b;
    return (x->index > y->index) - (x->index < y->index);
}

/* Lines and quantities of the request, sorted, each line once; false with info refused. */
static bool parse_request(const fk_credit_request *rq, want *w, fk_credit_info *info)
{
    char shown[64];
    for (size_t i = 0; i < rq->nlines; i++) {
        const fk_credit_line *l = &rq->lines[i];
        if (l->line < 1 || l->line > 100000) {
            fk_pipeline__credit_refuse(info, "line %lu: not a line number (1, 2, ... as printed)",
                                       l->line);
            return false;
        }
        w[i].index = l->line - 1;
        w[i].qty = -1;
        if (l->quantity && *l->quantity &&
            (fk_decimal_parse(l->quantity, '.', 3, &w[i].qty) != FK_DEC_OK || w[i].qty <= 0)) {
            fk_pipeline__credit_refuse(
                info, "line %lu: quantity %s is not a positive number (at most 3 decimals)",
                l->line, fk_quote_value(l->quantity, shown, sizeof(shown)));
            return false;
        }
    }
    qsort(w, rq->nlines, sizeof(*w), cmp_want);
    for (size_t i = 1; i < rq->nlines; i++)
        if (w[i].index == w[i - 1].index) {
            fk_pipeline__credit_refuse(info, "line %zu is named twice", w[i].index + 1);
            return false;
        }
    return true;
}

/* What the request asks, as one string hashed: the same key must ask the same. */
static void request_hash(const fk_credit_request *rq, const want *w, char hash[65])
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_printf(&b, "%s\x1f%s\x1f", rq->invoice_number, rq->reason);
    if (!rq->nlines)
        fk_buf_puts(&b, "all");
    for (size_t i = 0; i < rq->nlines; i++)
        fk_buf_printf(&b, "%zu=%lld;", w[i].index + 1, (long long)w[i].qty);
    fk_sha256_hex(b.ptr, b.len, hash);
    fk_buf_free(&b);
}

/* ---- what earlier credit notes credited ---- */

typedef struct credited {
    const fk_document *inv;
    int64_t *qty, *net;                   /* per invoice line */
    int64_t vat[FK_DOCUMENT_MAX_VAT], acc[FK_DOCUMENT_MAX_VAT]; /* per invoice breakdown */
    fk_status st;
    fk_error *err;
} credited;

/* The invoice's breakdown a line or a breakdown of category and rate belongs to. */
static size_t group_of(const fk_document *inv, const char *category, int32_t rate)
{
    for (size_t g = 0; g < inv->nvat; g++)
        if (!strcmp(inv->vat[g].category, category) && inv->vat[g].vat_centi == rate)
            return g;
    return SIZE_MAX;
}

static void add_prior(const char *number, const char *json, void *payload)
{
    credited *c = payload;
    fk_document d;
    fk_error derr = FK_ERROR_INIT;

    if (c->st != FK_OK)
        return;
    if (fk_document_decode(json, strlen(json), &d, &derr) != FK_OK) {
        c->st = fk_error_set(c->err, FK_EINTERNAL, NULL, 0, derr.field,
                             "credit note %s: its stored document cannot be read: %s", number,
                             derr.message);
        fk_document_free(&d);
        return;
    }
    for (size_t i = 0; i < d.nlines; i++) {
        size_t k = d.corrections ? (size_t)d.corrections[i].invoice_line - 1 : SIZE_MAX;
        if (k < c->inv->nlines) {
            c->qty[k] -= d.lines[i].qty_milli;
            c->net[k] -= d.lines[i].net;
        }
    }
    for (size_t i = 0; i < d.nvat; i++) {
        size_t g = group_of(c->inv, d.vat[i].category, d.vat[i].vat_centi);
        if (g != SIZE_MAX) {
            c->vat[g] -= d.vat[i].vat;
            c->acc[g] -= d.vat[i].vat_accounting;
        }
    }
    fk_document_free(&d);
}

/* ---- the credit note's document ---- */

/* 1 unit of the currency = rate_micro / 10^6 accounting units ("4.3128"); 0: none. */
static int64_t rate_micro(const char *rate)
{
    int64_t v = 0;
    if (!rate || !*rate || fk_decimal_parse(rate, '.', 6, &v) != FK_DEC_OK)
        return 0;
    return v;
}

/* What a credit note is being built from: the invoice, what earlier notes credited, and
 * the lines so far (the document's arena holds them). */
typedef struct credit_build {
    fk_document *d;
    const fk_document *inv;
    const credited *cr;
    fk_doc_line *lines;
    fk_doc_correction *corr;
    fk_doc_vat *vat;
    size_t nl, nv;
    int64_t gtax[FK_DOCUMENT_MAX_VAT]; /* per invoice breakdown: the net credited now */
    bool touched[FK_DOCUMENT_MAX_VAT];
} credit_build;

/* Credit qty (-1: what remains) of invoice line i; false with info refused. */
static bool credit_line(credit_build *b, size_t i, int64_t want_qty, fk_credit_info *info)
{
    const fk_document *inv = b->inv;
    char a[48], c[48];

    if (i >= inv->nlines) {
        fk_pipeline__credit_refuse(info, "line %zu: invoice %s has %zu line%s", i + 1, inv->number,
                                   inv->nlines, inv->nlines == 1 ? "" : "s");
        return false;
    }
    const fk_doc_line *ol = &inv->lines[i];
    int64_t left_qty = ol->qty_milli - b->cr->qty[i], left_net = ol->net - b->cr->net[i];
    int64_t qty = want_qty < 0 ? left_qty : want_qty, net;
    if (left_qty <= 0 || left_net <= 0) {
        fk_pipeline__credit_refuse(info, "line %zu of invoice %s is credited in full already",
                                   i + 1, inv->number);
        return false;
    }
    if (qty > left_qty) {
        fk_decimal_format(qty, 3, a, sizeof(a));
        fk_decimal_format(left_qty, 3, c, sizeof(c));
        fk_pipeline__credit_refuse(
            info, "line %zu of invoice %s: %s is more than remains creditable (%s)", i + 1,
            inv->number, a, c);
        return false;
    }
    /* What remains, exactly: the last credit of a line gives back its net to the cent. */
    if (qty == left_qty)
        net = left_net;
    else if (!fk_mul_div_round(qty, ol->unit_price, 3, &net) || net > left_net)
        net = left_net;
    if (net <= 0) {
        fk_decimal_format(qty, 3, a, sizeof(a));
        fk_pipeline__credit_refuse(info, "line %zu of invoice %s: a quantity of %s credits nothing",
                                   i + 1, inv->number, a);
        return false;
    }
    b->corr[b->nl] = (fk_doc_correction){(int32_t)(i + 1), left_qty, left_net};
    fk_doc_line *l = &b->lines[b->nl++];
    *l = *ol;
    l->qty_milli = -qty;
    l->net = -net;
    size_t g = group_of(inv, ol->category, ol->vat_centi);
    if (g != SIZE_MAX) {
        b->gtax[g] += net;
        b->touched[g] = true;
    }
    return true;
}

/* Does this note leave nothing of breakdown g? */
static bool group_emptied(const credit_build *b, size_t g)
{
    const fk_document *inv = b->inv;
    for (size_t i = 0; i < inv->nlines; i++) {
        if (group_of(inv, inv->lines[i].category, inv->lines[i].vat_centi) != g)
            continue;
        int64_t left = inv->lines[i].net - b->cr->net[i];
        for (size_t k = 0; k < b->nl; k++)
            if ((size_t)b->corr[k].invoice_line == i + 1)
                left += b->lines[k].net;
        if (left > 0)
            return false;
    }
    return true;
}

/* The VAT per breakdown: computed once on what it credits; the note that leaves nothing of
 * a breakdown takes what remains of its VAT, so the credit notes of an invoice add up to
 * its VAT exactly. */
static void credit_vat(credit_build *b)
{
    const fk_document *inv = b->inv;
    int64_t micro = rate_micro(inv->exchange_rate);

    for (size_t g = 0; g < inv->nvat; g++) {
        if (!b->touched[g])
            continue;
        const fk_doc_vat *ov = &inv->vat[g];
        int64_t left_vat = ov->vat - b->cr->vat[g], left_acc = ov->vat_accounting - b->cr->acc[g];
        int64_t v = left_vat, acc = left_acc;
        if (!group_emptied(b, g)) {
            if (!fk_mul_div_round(b->gtax[g], ov->vat_centi, 4, &v) || v > left_vat)
                v = left_vat;
            if (!micro)
                acc = v;
            else if (!fk_mul_div_round(v, micro, 6, &acc))
                acc = left_acc;
        }
        fk_doc_vat *nvp = &b->vat[b->nv++];
        *nvp = *ov;
        nvp->taxable = -b->gtax[g];
        nvp->vat = -v;
        nvp->vat_accounting = -acc;
    }
}

/* The document: the invoice's, with what the credit note says. */
static void credit_header(fk_document *d, const fk_document *inv, const char *number,
                          const char *issue_date, const char *reason)
{
    struct fk_doc_arena *arena = d->arena;
    *d = *inv;
    d->arena = arena;
    d->kind = "credit_note";
    d->type_code = 381;
    d->number = number;
    d->issue_date = issue_date;
    d->due_date = ""; /* nothing falls due: the credit is settled against the invoice */
    d->preceding_number = inv->number;
    d->preceding_date = inv->issue_date;
    d->credit_reason = reason;
    d->lines = NULL;
    d->nlines = 0;
    d->corrections = NULL;
    d->vat = NULL;
    d->nvat = 0;
    d->net_total = d->vat_total = d->gross_total = d->vat_total_accounting = 0;
    d->prepaid = d->due = 0;
    d->payment_terms_days = 0;
    d->payment_reference = d->payment_reference_kind = d->qr = "";
}

/* Build credit note `number` of invoice `inv` into d: the lines of w (all remaining when
 * n is 0) with negative amounts. false with info refused when it cannot be. */
static bool build_credit(fk_document *d, const fk_document *inv, const credited *cr,
                         const want *w, size_t n, const char *number, const char *issue_date,
                         const char *reason, fk_credit_info *info)
{
    size_t cap = inv->nlines ? inv->nlines : 1;
    credit_build b;
    bool ok = true;

    memset(&b, 0, sizeof(b));
    credit_header(d, inv, number, issue_date, reason);
    b = (credit_build){d, inv, cr, fk_document_alloc(d, cap * sizeof(*b.lines)),
                       fk_document_alloc(d, cap * sizeof(*b.corr)),
                       fk_document_alloc(d, (inv->nvat ? inv->nvat : 1) * sizeof(*b.vat)),
                       0, 0, {0}, {false}};
    if (n == 0) { /* the whole invoice: every line with something left */
        for (size_t i = 0; i < inv->nlines; i++)
            if (ok && inv->lines[i].qty_milli - cr->qty[i] > 0 &&
                inv->lines[i].net - cr->net[i] > 0)
                ok = credit_line(&b, i, -1, info);
        if (b.nl == 0) {
            fk_pipeline__credit_refuse(
                info, "invoice %s is credited in full already: nothing remains to credit",
                inv->number);
            return false;
        }
    }
    for (size_t k = 0; ok && k < n; k++)
        ok = credit_line(&b, w[k].index, w[k].qty, info);
    if (!ok)
        return false;
    credit_vat(&b);
    d->lines = b.lines;
    d->nlines = b.nl;
    d->corrections = b.corr;
    d->vat = b.vat;
    d->nvat = b.nv;
    for (size_t i = 0; i < b.nl; i++)
        d->net_total += b.lines[i].net;
    for (size_t g = 0; g < b.nv; g++) {
        d->vat_total += b.vat[g].vat;
        d->vat_total_accounting += b.vat[g].vat_accounting;
    }
    d->gross_total = d->net_total + d->vat_total;
    d->due = d->gross_total;
    return true;
}

/* ---- issuing one ---- */

typedef struct loaded {
    fk_stored_invoice si;
    fk_document inv;
    credited cr;
} loaded;

static void loaded_free(loaded *l)
{
    free(l->cr.qty);
    free(l->cr.net);
    fk_document_free(&l->inv);
    fk_stored_invoice_free(&l->si);
}

/* The invoice and what its credit notes credited; false with info refused. */
static fk_status load_invoice(credit_writer *w, const char *number, loaded *l, bool *ok,
                              fk_credit_info *info, fk_error *err)
{
    fk_error derr = FK_ERROR_INIT;
    char shown[160];
    fk_status st;

    *ok = false;
    if ((st = fk_store_invoice_get(w->store, number, &l->si, err)) != FK_OK)
        return st;
    if (!l->si.found || strcmp(l->si.kind, "credit_note") == 0) {
        fk_pipeline__credit_refuse(info, "there is no invoice %s",
                                   fk_quote_value(number, shown, sizeof(shown)));
        return FK_OK;
    }
    if (!l->si.has_content) {
        fk_pipeline__credit_refuse(
            info,
            "invoice %s was issued before faktura stored invoice content: there is no "
            "document to write a credit note from",
            l->si.number);
        return FK_OK;
    }
    if (fk_document_decode(l->si.content, strlen(l->si.content), &l->inv, &derr) != FK_OK)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, derr.field,
                            "invoice %s: its stored document cannot be read: %s", l->si.number,
                            derr.message);
    l->cr.inv = &l->inv;
    l->cr.qty = fk_xcalloc(l->inv.nlines ? l->inv.nlines : 1, sizeof(*l->cr.qty));
    l->cr.net = fk_xcalloc(l->inv.nlines ? l->inv.nlines : 1, sizeof(*l->cr.net));
    l->cr.err = err;
    if ((st = fk_store_credits_of(w->store, l->si.number, add_prior, &l->cr, err)) != FK_OK ||
        (st = l->cr.st) != FK_OK)
        return st;
    *ok = true;
    return FK_OK;
}

static void info_amount(fk_credit_info *info, int64_t gross, const char *currency)
{
    int exp = fk_currency_exponent(currency);
    fk_decimal_format(gross, exp < 0 ? 2 : exp, info->gross, sizeof(info->gross));
    snprintf(info->currency, sizeof(info->currency), "%s", currency);
}

/* A key names one credit note: asked again the same, it is that note (info EXISTING);
 * asked otherwise, it is refused. *done: the key decided it. */
static fk_status check_key(credit_writer *w, const fk_credit_request *rq, const char *hash,
                           bool *done, fk_credit_info *info, fk_error *err)
{
    fk_credit_key prior;
    char shown[160];
    fk_status st = fk_store_credit_by_key(w->store, rq->key, &prior, err);

    *done = st == FK_OK && prior.found;
    if (!*done)
        return st;
    snprintf(info->number, sizeof(info->number), "%s", prior.number);
    if (strcmp(prior.request_hash, hash) == 0)
        info->result = FK_CREDIT_EXISTING;
    else
        fk_pipeline__credit_refuse(
            info,
            "key %s was used for credit note %s (invoice %s) with other content: "
            "give this credit note another key",
            fk_quote_value(rq->key, shown, sizeof(shown)), prior.number, prior.invoice_number);
    return FK_OK;
}

/* The invoice is loaded: number, build, write and record the note (the transaction is
 * open; publish commits it). */
static fk_status issue(credit_writer *w, const fk_credit_request *rq, const want *wl,
                       const char *hash, const loaded *l, int64_t order_row,
                       fk_credit_info *info, fk_error *err)
{
    char key[300], number[128], series[128];
    int64_t seq = 0;
    fk_document d;
    fk_status st;

    fk_config_credit_number(w->cfg, w->year, 1, number, sizeof(number), series, sizeof(series));
    if ((st = fk_store_credit_peek(w->store, series, &seq, err)) != FK_OK)
        return st;
    fk_config_credit_number(w->cfg, w->year, seq, number, sizeof(number), series,
                            sizeof(series));
    /* No key: a new note every time. */
    snprintf(key, sizeof(key), "%s%s", rq->key && *rq->key ? "" : "note:",
             rq->key && *rq->key ? rq->key : number);
    fk_document_init(&d);
    credit_ids ids = {series, seq, key, hash, order_row};
    if (build_credit(&d, &l->inv, &l->cr, wl, rq->nlines, number, w->issue_date, rq->reason,
                     info) &&
        (st = fk_pipeline__credit_publish(w, &d, &ids, info, err)) == FK_OK &&
        info->result != FK_CREDIT_REFUSED) {
        info->result = FK_CREDIT_ISSUED;
        snprintf(info->number, sizeof(info->number), "%s", number);
        info_amount(info, d.gross_total, d.currency);
    }
    fk_document_free(&d);
    return st;
}

fk_status fk_pipeline__credit(credit_writer *w, const fk_credit_request *rq, int64_t order_row,
                              fk_credit_info *info, fk_error *err)
{
    want *wl = fk_xcalloc(rq->nlines ? rq->nlines : 1, sizeof(*wl));
    char hash[65];
    loaded l;
    bool ok = false, done = false;
    fk_status st;

    memset(info, 0, sizeof(*info));
    memset(&l, 0, sizeof(l));
    snprintf(info->invoice_number, sizeof(info->invoice_number), "%s", rq->invoice_number);
    if (!rq->reason || !*rq->reason) {
        fk_pipeline__credit_refuse(info, "a credit note needs a reason");
        free(wl);
        return FK_OK;
    }
    if (!parse_request(rq, wl, info)) {
        free(wl);
        return FK_OK;
    }
    request_hash(rq, wl, hash);
    if ((st = fk_store_begin(w->store, err)) == FK_OK &&
        (!rq->key || !*rq->key || (st = check_key(w, rq, hash, &done, info, err)) == FK_OK) &&
        !done && (st = load_invoice(w, rq->invoice_number, &l, &ok, info, err)) == FK_OK && ok)
        st = issue(w, rq, wl, hash, &l, order_row, info, err);
    /* Issued: committed. Otherwise nothing was written: the transaction goes. */
    if (info->result != FK_CREDIT_ISSUED)
        fk_store_rollback(w->store);
    loaded_free(&l);
    free(wl);
    return st;
}

/* ---- the public calls ---- */


static fk_status orphan_cb(const char *stem, bool *orphan, void *payload, fk_error *err)
{
    credit_session *cs = payload;
    return fk_pipeline__is_orphan(cs->w.cfg, cs->store, stem, orphan, err);
}

/* Claiming a directory without a marker: a PDF named like one of ours that the database
 * does not record may be another database's. */
static fk_status foreign_cb(const char *stem, bool *foreign, void *payload, fk_error *err)
{
    credit_session *cs = payload;
    char number[128];
    *foreign = false;
    if (!fk_config_number_from_file(cs->w.cfg, stem, number, sizeof(number)) &&
        !fk_config_credit_number_from_file(cs->w.cfg, stem, number, sizeof(number)))
        return FK_OK;
    return fk_pipeline__is_orphan(cs->w.cfg, cs->store, stem, foreign, err);
}

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void names_add(const char *name, void *payload)
{
    names *l = payload;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = fk_xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = fk_xstrdup(name);
}

/* What a killed run or credit recorded as pending in the directory: removed unless
 * recorded, then forgotten. */
static fk_status recover(credit_session *cs, const fk_credit_options *o, fk_error *err)
{
    names p = {NULL, 0, 0};
    const char *dir = fk_outdir_real(cs->outdir);
    fk_status st = fk_store_pending_list(cs->store, dir, names_add, &p, err);

    if (st == FK_OK && p.n)
        st = fk_outdir_recover(cs->outdir, (const char *const *)p.v, p.n, orphan_cb, cs, o->log,
                               o->log_payload, err);
    if (st == FK_OK && p.n && (st = fk_store_begin(cs->store, err)) == FK_OK) {
        if ((st = fk_store_pending_clear(cs->store, dir, err)) == FK_OK)
            st = fk_store_commit(cs->store, err);
        else
            fk_store_rollback(cs->store);
    }
    for (size_t i = 0; i < p.n; i++)
        free(p.v[i]);
    free(p.v);
    return st;
}

fk_status fk_pipeline__credit_open(credit_session *cs, const fk_credit_options *o, fk_error *err)
{
    fk_status st;
    const char *id;

    memset(cs, 0, sizeof(*cs));
    if (!o || !o->config || !o->db_path || !o->out_dir)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_credit: bad options");
    if (!o->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`credit` needs a config file with the seller's details (--config)");
    if ((st = fk_store_open(&cs->store, o->db_path, err)) != FK_OK ||
        (st = fk_outdir_open(&cs->outdir, o->out_dir, err)) != FK_OK)
        return st;
    fk_pipeline__credit_writer_init(&cs->w, cs->store, cs->outdir, o->config, o->as_of);
    if (!(id = fk_store_id(cs->store)))
        return fk_error_set(err, FK_EINTERNAL, o->db_path, 0, NULL,
                            "the database has no identity (meta.database_id)");
    /* The directory is this database's; what a killed run or credit left behind goes,
     * before any number is peeked. */
    if ((st = fk_outdir_claim(cs->outdir, id, fk_store_real_path(cs->store), foreign_cb, cs,
                              err)) != FK_OK)
        return st;
    return recover(cs, o, err);
}

void fk_pipeline__credit_close(credit_session *cs)
{
    fk_pipeline__credit_writer_free(&cs->w);
    fk_outdir_close(cs->outdir);
    fk_store_close(cs->store);
}

fk_status fk_credit(const fk_credit_options *o, const fk_credit_request *rq,
                    fk_credit_info *info, fk_error *err)
{
    credit_session cs;
    fk_status st;

    memset(info, 0, sizeof(*info));
    if (!rq || !rq->invoice_number)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_credit: no invoice");
    st = fk_pipeline__credit_open(&cs, o, err);
    if (st == FK_OK)
        st = fk_pipeline__credit(&cs.w, rq, 0, info, err);
    fk_pipeline__credit_close(&cs);
    return st;
}
