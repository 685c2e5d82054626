/* SPDX-License-Identifier: MIT */
/* documents.c -- the invoices of record after their batch: `show` (the stored document),
 * `reprint` (the PDF rendered again from it, byte-identical to the one issued) and the
 * repair half of `verify --repair`, and `invoices` (the sales journal, one row per
 * invoice and VAT breakdown).
 *
 * Everything here is a pure function of the stored documents (core/document.h) and the
 * invoice rows (payments for the status): nothing is recomputed from orders. An invoice
 * issued before documents were stored (schema 2 and older) has its recorded totals only:
 * `show` and `reprint` say so, the journal lists it with one row of totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/money.h"
#include "core/util.h"
#include "pipeline/pipeline.h"

static void decimal(int64_t v, const char *currency, char *buf, size_t n)
{
    int exp = fk_currency_exponent(currency);
    fk_decimal_format(v, exp < 0 ? 2 : exp, buf, n);
}

/* ---- show ---- */

fk_status fk_show(const char *db_path, const char *number, fk_shown_invoice *out,
                  fk_error *err)
{
    fk_store *s = NULL;
    fk_stored_invoice si;
    fk_status st;

    memset(out, 0, sizeof(*out));
    if ((st = fk_pipeline__open_reader(&s, db_path, err)) != FK_OK)
        return st;
    st = fk_store_invoice_get(s, number, &si, err);
    if (st == FK_OK && si.found) {
        out->found = true;
        out->has_content = si.has_content;
        out->json = si.content ? fk_xstrdup(si.content) : NULL;
        snprintf(out->issue_date, sizeof(out->issue_date), "%s", si.issue_date);
        snprintf(out->currency, sizeof(out->currency), "%s", si.currency);
        decimal(si.net, si.currency, out->net, sizeof(out->net));
        decimal(si.vat, si.currency, out->vat, sizeof(out->vat));
        decimal(si.gross, si.currency, out->gross, sizeof(out->gross));
    }
    fk_stored_invoice_free(&si);
    fk_store_close(s);
    return st;
}

void fk_shown_invoice_free(fk_shown_invoice *s)
{
    if (!s)
        return;
    free(s->json);
    memset(s, 0, sizeof(*s));
}

/* ---- rendering a stored document ---- */

static fk_status open_renderer(const fk_config *cfg, fk_renderer **r, fk_error *err)
{
    fk_status st = fk_renderer_new(r, cfg->font, cfg->font_bold, err);
    if (st == FK_OK && cfg->logo && *cfg->logo)
        st = fk_renderer_set_logo(*r, cfg->logo, err);
    return st;
}

/* The PDF of a stored invoice, rendered from its document. The document's own SHA-256 is
 * checked first: a document changed in the database is not rendered. */
static fk_status render_stored(fk_renderer *r, const fk_stored_invoice *si, fk_buf *pdf,
                               fk_error *err)
{
    fk_document d;
    fk_error derr = FK_ERROR_INIT;
    char sha[65];
    fk_status st;

    fk_sha256_hex(si->content, strlen(si->content), sha);
    if (strcmp(sha, si->content_sha256) != 0)
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL,
                            "invoice %s: its stored document does not match its recorded "
                            "SHA-256 (changed in the database)",
                            si->number);
    if (fk_document_decode(si->content, strlen(si->content), &d, &derr) != FK_OK) {
        fk_document_free(&d);
        return fk_error_set(err, FK_EINTERNAL, NULL, 0, derr.field,
                            "invoice %s: its stored document cannot be read: %s", si->number,
                            derr.message);
    }
    fk_buf_reset(pdf);
    st = fk_renderer_render(r, &d, pdf, err);
    if (st == FK_OK && pdf->failed)
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
    fk_document_free(&d);
    return st;
}

/* ---- reprint ---- */

static fk_status emit_bytes(fk_report_out *o, void *payload)
{
    const fk_buf *b = payload;
    return fk_report_out_write(o, b->ptr, b->len);
}

fk_status fk_reprint(const fk_config *cfg, const char *db_path, const char *number,
                     const char *out_path, fk_reprint_info *info, fk_error *err)
{
    fk_store *s = NULL;
    fk_stored_invoice si;
    fk_renderer *r = NULL;
    fk_buf pdf = FK_BUF_INIT;
    fk_status st;

    memset(info, 0, sizeof(*info));
    memset(&si, 0, sizeof(si));
    if ((st = fk_pipeline__open_reader(&s, db_path, err)) != FK_OK)
        return st;
    if ((st = fk_store_invoice_get(s, number, &si, err)) != FK_OK)
        goto done;
    if (!si.found) {
        info->result = FK_REPRINT_UNKNOWN;
        goto done;
    }
    snprintf(info->recorded_sha256, sizeof(info->recorded_sha256), "%s", si.pdf_sha256);
    info->recorded_size = (uint64_t)si.pdf_size;
    if (out_path) {
        snprintf(info->path, sizeof(info->path), "%s", out_path);
    } else {
        char stem[160];
        fk_config_number_file(si.number, stem, sizeof(stem));
        snprintf(info->path, sizeof(info->path), "%s.pdf", stem);
    }
    if (!si.has_content) {
        info->result = FK_REPRINT_NO_CONTENT;
        goto done;
    }
    if ((st = open_renderer(cfg, &r, err)) != FK_OK ||
        (st = render_stored(r, &si, &pdf, err)) != FK_OK)
        goto done;
    fk_sha256_hex(pdf.ptr, pdf.len, info->sha256);
    info->size = pdf.len;
    if (pdf.len != (size_t)si.pdf_size || strcmp(info->sha256, si.pdf_sha256) != 0) {
        info->result = FK_REPRINT_DIFFERENT;
        goto done;
    }
    info->result = FK_REPRINT_IDENTICAL;
    st = fk_report_write_path(info->path, "the PDF", emit_bytes, &pdf, err);
done:
    fk_buf_free(&pdf);
    fk_renderer_free(r);
    fk_stored_invoice_free(&si);
    fk_store_close(s);
    return st;
}

/* ---- repair (verify --repair) ---- */

fk_status fk_pipeline__repair(fk_store *s, const fk_config *cfg, fk_renderer **r,
                              const char *number, bool *repaired, char *why, size_t whysz,
                              fk_error *err)
{
    fk_stored_invoice si;
    fk_buf pdf = FK_BUF_INIT;
    fk_outdir *od = NULL;
    fk_error rerr = FK_ERROR_INIT;
    char sha[65];
    fk_status st;

    *repaired = false;
    snprintf(why, whysz, "%s", "");
    if ((st = fk_store_invoice_get(s, number, &si, err)) != FK_OK)
        return st;
    if (!si.found || !si.has_content) {
        snprintf(why, whysz, "%s",
                 "it was issued before faktura stored invoice content: there is no document "
                 "to render it from");
        goto done;
    }
    if (!*r && (st = open_renderer(cfg, r, err)) != FK_OK)
        goto done;
    if (render_stored(*r, &si, &pdf, &rerr) != FK_OK) {
        snprintf(why, whysz, "%s", rerr.message);
        goto done;
    }
    fk_sha256_hex(pdf.ptr, pdf.len, sha);
    if (pdf.len != (size_t)si.pdf_size || strcmp(sha, si.pdf_sha256) != 0) {
        snprintf(why, whysz, "%s",
                 "rendering its stored document gives other bytes than were issued (other "
                 "fonts or logo in [render]?): nothing written");
        goto done;
    }
    /* Written as a batch writes it (temporary file, flush, rename, directory sync), but
     * over the damaged copy of its own PDF, if one is there: the bytes are the ones
     * recorded for this name. */
    const char *name = si.pdf_name;
    if ((st = fk_outdir_open(&od, si.out_dir, err)) != FK_OK ||
        (st = fk_outdir_write(od, name, pdf.ptr, pdf.len, err)) != FK_OK ||
        (st = fk_outdir_restore(od, name, err)) != FK_OK)
        goto done;
    *repaired = true;
done:
    fk_outdir_close(od);
    fk_buf_free(&pdf);
    fk_stored_invoice_free(&si);
    return st;
}

/* ---- the journal ---- */

typedef __int128 sum_t;

/* A 128-bit sum as a decimal string in minor units of exponent exp. */
static void sum_text(sum_t v, int exp, char *buf, size_t n)
{
    char digits[64];
    size_t k = 0;
    bool neg = v < 0;
    unsigned __int128 u = neg ? -(unsigned __int128)v : (unsigned __int128)v;

    do {
        digits[k++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u || k <= (size_t)exp);
    size_t o = 0;
    if (neg && o + 1 < n)
        buf[o++] = '-';
    while (k > 0 && o + 2 < n) {
        if (k == (size_t)exp && exp > 0)
            buf[o++] = '.';
        buf[o++] = digits[--k];
    }
    buf[o] = '\0';
}

typedef struct bsum {
    char category[3];
    int32_t rate;              /* -1: unknown (an invoice without a document) */
    sum_t net, vat, vat_acc;
    char acc_currency[8];
} bsum;

typedef struct csum {
    char currency[8];
    int exp;
    uint64_t invoices;
    sum_t gross, paid;
    bsum *b;
    size_t nb, capb;
} csum;

typedef struct journal {
    const fk_journal_options *o;
    fk_report_out *out;
    fk_status st;
    fk_error *err;
    char today[16];
    fk_journal_summary sum;
    csum *c;
    size_t nc, capc;
    fk_buf line, cell;
    bool first_row;
} journal;

static csum *currency_sums(journal *j, const char *cur)
{
    for (size_t i = 0; i < j->nc; i++)
        if (!strcmp(j->c[i].currency, cur))
            return &j->c[i];
    if (j->nc == j->capc) {
        j->capc = j->capc ? 2 * j->capc : 8;
        j->c = fk_xrealloc(j->c, j->capc * sizeof(*j->c));
    }
    csum *c = &j->c[j->nc++];
    memset(c, 0, sizeof(*c));
    snprintf(c->currency, sizeof(c->currency), "%s", cur);
    c->exp = fk_currency_exponent(cur);
    if (c->exp < 0)
        c->exp = 2;
    return c;
}

static bsum *breakdown_sums(csum *c, const char *cat, int32_t rate, const char *acc)
{
    for (size_t i = 0; i < c->nb; i++)
        if (!strcmp(c->b[i].category, cat) && c->b[i].rate == rate)
            return &c->b[i];
    if (c->nb == c->capb) {
        c->capb = c->capb ? 2 * c->capb : 8;
        c->b = fk_xrealloc(c->b, c->capb * sizeof(*c->b));
    }
    bsum *b = &c->b[c->nb++];
    memset(b, 0, sizeof(*b));
    snprintf(b->category, sizeof(b->category), "%s", cat);
    b->rate = rate;
    snprintf(b->acc_currency, sizeof(b->acc_currency), "%s", acc);
    return b;
}

/* "open", "paid" or "overdue" on the journal's date. */
static const char *status_of(const journal *j, const fk_stored_invoice *si)
{
    if (si->paid >= si->gross)
        return "paid";
    return strcmp(si->due_date, j->today) < 0 ? "overdue" : "open";
}

/* One journal row, whatever the format. */
typedef struct jrow {
    const char *number, *issue_date, *delivery_date, *period_start, *period_end;
    const char *buyer_name, *buyer_vat_id, *buyer_country, *currency;
    const char *category;
    int32_t rate;              /* -1: unknown */
    int64_t net, vat, gross;
    const char *exchange_rate, *accounting_currency;
    int64_t vat_acc;
    int acc_exp;
    const char *payment_reference, *status;
    int64_t paid;
    bool stored;
} jrow;

static const char *const COLUMNS[] = {
    "number", "issue_date", "delivery_date", "period_start", "period_end", "buyer_name",
    "buyer_vat_id", "buyer_country", "currency", "vat_category", "vat_rate", "net", "vat",
    "gross", "exchange_rate", "accounting_currency", "vat_accounting", "payment_reference",
    "status", "paid", "stored",
};
#define NCOLUMNS (sizeof(COLUMNS) / sizeof(COLUMNS[0]))

static void put(journal *j, const char *s, size_t n)
{
    if (j->st == FK_OK)
        j->st = fk_report_out_write(j->out, s, n);
}

static void rate_text(int32_t rate, char *buf, size_t n)
{
    if (rate < 0) {
        buf[0] = '\0';
        return;
    }
    fk_decimal_format(rate, 2, buf, n);
    size_t k = strlen(buf);
    while (k > 0 && buf[k - 1] == '0')
        buf[--k] = '\0';
    if (k > 0 && buf[k - 1] == '.')
        buf[--k] = '\0';
}

/* Every cell quoted; text that could start a formula is neutralised (as the CSV report). */
static void csv_cell(journal *j, const char *v, bool text, bool last)
{
    fk_buf_reset(&j->cell);
    if (text)
        fk_report_csv_safe(v ? v : "", &j->cell);
    else
        fk_buf_puts(&j->cell, v ? v : "");
    /* As the CSV report: what could forge a line or hide a character shows as '?'. */
    if (j->cell.len)
        fk_text_safe(j->cell.ptr, true);
    fk_buf_putc(&j->line, '"');
    for (const char *p = fk_buf_cstr(&j->cell); *p; p++) {
        if (*p == '"')
            fk_buf_putc(&j->line, '"');
        fk_buf_putc(&j->line, *p);
    }
    fk_buf_putc(&j->line, '"');
    fk_buf_putc(&j->line, last ? '\n' : ',');
}

static void write_row(journal *j, const jrow *r)
{
    int exp = fk_currency_exponent(r->currency);
    char rate[16], net[48], vat[48], gross[48], vacc[48], paid[48];

    exp = exp < 0 ? 2 : exp;
    rate_text(r->rate, rate, sizeof(rate));
    fk_decimal_format(r->net, exp, net, sizeof(net));
    fk_decimal_format(r->vat, exp, vat, sizeof(vat));
    fk_decimal_format(r->gross, exp, gross, sizeof(gross));
    fk_decimal_format(r->paid, exp, paid, sizeof(paid));
    if (r->stored)
        fk_decimal_format(r->vat_acc, r->acc_exp, vacc, sizeof(vacc));
    else
        vacc[0] = '\0';
    j->sum.rows++;
    if (j->o->format == FK_JOURNAL_CSV) {
        const char *v[NCOLUMNS] = {r->number, r->issue_date, r->delivery_date, r->period_start,
                                   r->period_end, r->buyer_name, r->buyer_vat_id,
                                   r->buyer_country, r->currency, r->category, rate, net, vat,
                                   gross, r->exchange_rate, r->accounting_currency, vacc,
                                   r->payment_reference, r->status, paid,
                                   r->stored ? "yes" : "no"};
        fk_buf_reset(&j->line);
        for (size_t k = 0; k < NCOLUMNS; k++)
            csv_cell(j, v[k], k == 5 || k == 6 || k == 17, k + 1 == NCOLUMNS);
        put(j, j->line.ptr, j->line.len);
        return;
    }
    json_t *o = json_object();
    const char *sv[] = {r->number, r->issue_date, r->delivery_date, r->period_start,
                        r->period_end, r->buyer_name, r->buyer_vat_id, r->buyer_country,
                        r->currency, r->category, rate, net, vat, gross, r->exchange_rate,
                        r->accounting_currency, vacc, r->payment_reference, r->status, paid};
    for (size_t k = 0; k + 1 < NCOLUMNS; k++)
        json_object_set_new(o, COLUMNS[k], json_string(sv[k] ? sv[k] : ""));
    json_object_set_new(o, "stored", json_boolean(r->stored));
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!j->first_row)
        put(j, ",\n", 2);
    j->first_row = false;
    if (text)
        put(j, text, strlen(text));
    free(text);
}

static void journal_invoice(const fk_stored_invoice *si, void *payload)
{
    journal *j = payload;
    csum *c;
    jrow r;

    if (j->st != FK_OK)
        return;
    memset(&r, 0, sizeof(r));
    r.number = si->number;
    r.issue_date = si->issue_date;
    r.currency = si->currency;
    r.gross = si->gross;
    r.paid = si->paid;
    r.status = status_of(j, si);
    r.delivery_date = r.period_start = r.period_end = r.buyer_name = r.buyer_vat_id =
        r.buyer_country = r.exchange_rate = r.accounting_currency = r.payment_reference = "";
    j->sum.invoices++;
    c = currency_sums(j, si->currency);
    c->invoices++;
    c->gross += si->gross;
    c->paid += si->paid;
    if (!si->has_content) {
        /* Issued before documents were stored: its totals, no breakdown. */
        j->sum.without_content++;
        r.category = "";
        r.rate = -1;
        r.net = si->net;
        r.vat = si->vat;
        bsum *b = breakdown_sums(c, "", -1, "");
        b->net += si->net;
        b->vat += si->vat;
        write_row(j, &r);
        return;
    }
    fk_document d;
    fk_error derr = FK_ERROR_INIT;
    if (fk_document_decode(si->content, strlen(si->content), &d, &derr) != FK_OK) {
        j->st = fk_error_set(j->err, FK_EINTERNAL, NULL, 0, derr.field,
                             "invoice %s: its stored document cannot be read: %s", si->number,
                             derr.message);
        fk_document_free(&d);
        return;
    }
    r.delivery_date = d.delivery_date;
    r.period_start = d.period_start;
    r.period_end = d.period_end;
    r.buyer_name = d.buyer.name;
    r.buyer_vat_id = d.buyer.vat_id;
    r.buyer_country = d.buyer.country;
    r.exchange_rate = d.exchange_rate;
    r.accounting_currency = d.accounting_currency;
    r.acc_exp = d.accounting_exponent;
    r.payment_reference = d.payment_reference;
    r.stored = true;
    for (size_t k = 0; k < d.nvat; k++) {
        const fk_doc_vat *v = &d.vat[k];
        r.category = v->category;
        r.rate = v->vat_centi;
        r.net = v->taxable;
        r.vat = v->vat;
        r.vat_acc = v->vat_accounting;
        write_row(j, &r);
        bsum *b = breakdown_sums(c, v->category, v->vat_centi, d.accounting_currency);
        b->net += v->taxable;
        b->vat += v->vat;
        b->vat_acc += v->vat_accounting;
    }
    fk_document_free(&d);
}

static json_t *sum_json(sum_t v, int exp)
{
    char buf[64];
    sum_text(v, exp, buf, sizeof(buf));
    return json_string(buf);
}

/* The sums per currency, and per category and rate within it. */
static json_t *sums_json(const journal *j)
{
    json_t *a = json_array();
    for (size_t i = 0; i < j->nc; i++) {
        const csum *c = &j->c[i];
        json_t *o = json_object(), *bs = json_array();
        json_object_set_new(o, "currency", json_string(c->currency));
        json_object_set_new(o, "invoices", json_integer((json_int_t)c->invoices));
        json_object_set_new(o, "gross", sum_json(c->gross, c->exp));
        json_object_set_new(o, "paid", sum_json(c->paid, c->exp));
        for (size_t k = 0; k < c->nb; k++) {
            const bsum *b = &c->b[k];
            json_t *bo = json_object();
            char rate[16];
            int acc_exp = fk_currency_exponent(b->acc_currency);
            rate_text(b->rate, rate, sizeof(rate));
            json_object_set_new(bo, "vat_category", json_string(b->category));
            json_object_set_new(bo, "vat_rate", json_string(rate));
            json_object_set_new(bo, "net", sum_json(b->net, c->exp));
            json_object_set_new(bo, "vat", sum_json(b->vat, c->exp));
            json_object_set_new(bo, "accounting_currency", json_string(b->acc_currency));
            json_object_set_new(bo, "vat_accounting",
                                b->acc_currency[0] ? sum_json(b->vat_acc, acc_exp < 0 ? 2 : acc_exp)
                                                   : json_string(""));
            json_array_append_new(bs, bo);
        }
        json_object_set_new(o, "breakdowns", bs);
        json_array_append_new(a, o);
    }
    return a;
}

static int cmp_csum(const void *a, const void *b)
{
    return strcmp(((const csum *)a)->currency, ((const csum *)b)->currency);
}

static int cmp_bsum(const void *a, const void *b)
{
    const bsum *x = a, *y = b;
    int c = strcmp(x->category, y->category);
    return c ? c : (x->rate > y->rate) - (x->rate < y->rate);
}

typedef struct journal_job {
    journal *j;
    fk_store *s;
} journal_job;

static fk_status emit_journal(fk_report_out *out, void *payload)
{
    journal_job *job = payload;
    journal *j = job->j;
    fk_status st;

    j->out = out;
    j->st = FK_OK;
    j->first_row = true;
    if (j->o->format == FK_JOURNAL_CSV) {
        fk_buf_reset(&j->line);
        for (size_t k = 0; k < NCOLUMNS; k++)
            csv_cell(j, COLUMNS[k], false, k + 1 == NCOLUMNS);
        put(j, j->line.ptr, j->line.len);
    } else {
        json_t *h = json_object();
        json_object_set_new(h, "from", json_string(j->o->from ? j->o->from : ""));
        json_object_set_new(h, "to", json_string(j->o->to ? j->o->to : ""));
        json_object_set_new(h, "as_of", json_string(j->today));
        char *text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(h);
        /* {"version":1,"from":..,"to":..,"as_of":..,"rows":[ ... ],"sums":[..],...} */
        put(j, "{\"version\":1,", 13);
        if (text)
            put(j, text + 1, strlen(text) - 2);
        free(text);
        put(j, ",\"rows\":[\n", 10);
    }
    st = fk_store_invoice_list(job->s, j->o->from, j->o->to, journal_invoice, j, j->err);
    if (st == FK_OK)
        st = j->st;
    if (st != FK_OK || j->o->format == FK_JOURNAL_CSV)
        return st;
    qsort(j->c, j->nc, sizeof(*j->c), cmp_csum);
    for (size_t i = 0; i < j->nc; i++)
        qsort(j->c[i].b, j->c[i].nb, sizeof(*j->c[i].b), cmp_bsum);
    json_t *tail = json_object();
    json_object_set_new(tail, "sums", sums_json(j));
    json_object_set_new(tail, "invoices", json_integer((json_int_t)j->sum.invoices));
    json_object_set_new(tail, "without_content",
                        json_integer((json_int_t)j->sum.without_content));
    char *text = json_dumps(tail, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(tail);
    put(j, "\n],", 3);
    if (text)
        put(j, text + 1, strlen(text) - 1);
    put(j, "\n", 1);
    free(text);
    return j->st;
}

fk_status fk_journal(const char *db_path, const fk_journal_options *opts,
                     fk_journal_summary *out, fk_error *err)
{
    fk_store *s = NULL;
    journal j;
    journal_job job;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&j, 0, sizeof(j));
    j.o = opts;
    j.err = err;
    fk_format_date(opts->as_of, j.today, sizeof(j.today));
    if ((st = fk_pipeline__open_reader(&s, db_path, err)) != FK_OK)
        return st;
    job = (journal_job){&j, s};
    st = fk_report_write_path(opts->path ? opts->path : "-", "the journal", emit_journal, &job,
                              err);
    *out = j.sum;
    for (size_t i = 0; i < j.nc; i++)
        free(j.c[i].b);
    free(j.c);
    fk_buf_free(&j.line);
    fk_buf_free(&j.cell);
    fk_store_close(s);
    return st;
}
