/* SPDX-License-Identifier: MIT */
/* pipeline.c -- the only file that knows every stage: runs a batch end to end.
 *
 * For each order, in input order:
 *   ingest -> validate -> detect (duplicate id, earlier invoice) -> outcome
 *   invoiced: number (peeked) -> render into memory -> stage the PDF -> record + consume
 *   otherwise: record the order and its findings
 * and every outcome goes to the report. Work is committed in chunks: the chunk's PDFs are
 * made durable and renamed into place first, then one transaction commits the chunk's
 * numbers, invoices and outcomes (see store/store_files.c for why this order).
 *
 * A dry run (`validate`) does the same checks, reads the database (if any) to know which
 * orders were invoiced before, and writes nothing but the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/buf.h"
#include "core/config.h"
#include "core/money.h"
#include "core/util.h"
#include "detect/detect.h"
#include "ingest/ingest.h"
#include "render/render.h"
#include "report/report.h"
#include "store/store.h"
#include "store/store_files.h"
#include "validate/validate.h"

#define CHUNK_ORDERS 256 /* orders per transaction (and per flush of their PDFs) */

typedef struct run_ctx {
    const fk_batch_options *opts;
    const fk_config *cfg;
    fk_store *store;       /* NULL in a dry run without a database */
    fk_outdir *outdir;     /* NULL in a dry run */
    fk_renderer *renderer; /* NULL in a dry run */
    fk_report *report;
    fk_idset *seen;
    int64_t batch_id;
    bool in_txn;
    size_t in_chunk;
    uint64_t done;
    char issue_date[16], due_date[16];
    int year;
    fk_buf pdf;
} run_ctx;

static const char eu_members[] =
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK ";

static bool in_eu(const char *cc)
{
    if (!cc || strlen(cc) != 2)
        return false;
    for (const char *p = eu_members; *p; p += 3)
        if (p[0] == cc[0] && p[1] == cc[1])
            return true;
    return false;
}

/* The invoice language: the order's `language` if supported, else from the buyer's country,
 * else English. */
static const char *invoice_language(const fk_order *o)
{
    static const char *const supported[] = {"en", "de", "nb", "pl"};
    char lang[8];
    snprintf(lang, sizeof(lang), "%s", o->f[FK_COL_LANGUAGE]);
    fk_ascii_lower(lang);
    for (size_t i = 0; i < 4; i++)
        if (strcmp(lang, supported[i]) == 0)
            return supported[i];
    if (lang[0])
        return "en";
    const char *cc = o->f[FK_COL_COUNTRY];
    if (!strcmp(cc, "DE") || !strcmp(cc, "AT") || !strcmp(cc, "LI"))
        return "de";
    if (!strcmp(cc, "NO"))
        return "nb";
    if (!strcmp(cc, "PL"))
        return "pl";
    return "en";
}

/* Reverse charge (VAT Directive art. 196): a business buyer with a valid VAT number in
 * another member state than the seller's, and no VAT charged on any line. */
static bool reverse_charge(const fk_order *o, const fk_config *cfg)
{
    if (o->customer_type != FK_BUSINESS || !o->tax_id_norm[0] || o->vat_total != 0)
        return false;
    for (size_t i = 0; i < o->nlines; i++)
        if (o->lines[i].vat_centi != 0)
            return false;
    return in_eu(cfg->seller_country) && in_eu(o->f[FK_COL_COUNTRY]) &&
           strcmp(cfg->seller_country, o->f[FK_COL_COUNTRY]) != 0;
}

static fk_status render_invoice(run_ctx *c, const fk_order *o, const char *number,
                                fk_error *err)
{
    const fk_config *cfg = c->cfg;
    fk_invoice inv;
    fk_invoice_line *lines = fk_xcalloc(o->nlines, sizeof(*lines));
    fk_invoice_vat vat[16];
    char order_date[16], iban_masked[48] = "";
    fk_status st;

    memset(&inv, 0, sizeof(inv));
    fk_format_date(o->order_time, order_date, sizeof(order_date));
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
    if (o->payment == FK_PAY_SEPA) {
        /* Masked: country and check digits, then only the last four characters. */
        char norm[64] = "";
        const char *src = o->f[FK_COL_IBAN];
        size_t k = 0;
        for (const char *p = src; *p && k + 1 < sizeof(norm); p++)
            if (*p != ' ')
                norm[k++] = *p;
        norm[k] = '\0';
        fk_ascii_upper(norm);
        if (k > 8)
            snprintf(iban_masked, sizeof(iban_masked), "%.4s **** %s", norm, norm + k - 4);
    }
    inv.number = number;
    inv.issue_date = c->issue_date;
    inv.order_date = order_date;
    inv.due_date = c->due_date;
    inv.order_id = o->f[FK_COL_ORDER_ID];
    inv.currency = o->currency;
    inv.exponent = o->exponent;
    inv.language = invoice_language(o);
    inv.seller = (fk_party){cfg->seller_name,  cfg->seller_street,  cfg->seller_postal_code,
                            cfg->seller_city,  cfg->seller_country, cfg->seller_vat_id,
                            cfg->seller_email};
    inv.buyer = (fk_party){o->f[FK_COL_COMPANY_NAME], o->f[FK_COL_STREET],
                           o->f[FK_COL_POSTAL_CODE],  o->f[FK_COL_CITY],
                           o->f[FK_COL_COUNTRY],      o->tax_id_norm,
                           o->f[FK_COL_EMAIL]};
    inv.buyer_is_business = o->customer_type == FK_BUSINESS;
    inv.lines = lines;
    inv.nlines = o->nlines;
    inv.vat = vat;
    inv.nvat = o->ngroups;
    inv.net_total = o->net_total;
    inv.vat_total = o->vat_total;
    inv.gross_total = o->gross_total;
    inv.payment = o->payment == FK_PAY_CARD   ? FK_INV_PAY_CARD
                  : o->payment == FK_PAY_SEPA ? FK_INV_PAY_SEPA
                                              : FK_INV_PAY_TRANSFER;
    inv.seller_iban = cfg->seller_iban;
    inv.seller_bic = cfg->seller_bic ? cfg->seller_bic : "";
    inv.payment_reference = number;
    inv.card_brand = o->card.brand;
    inv.card_last4 = o->card.last4;
    inv.mandate_id = o->f[FK_COL_MANDATE_ID];
    inv.iban_masked = iban_masked;
    inv.reverse_charge = reverse_charge(o, cfg);
    inv.footer = cfg->footer;

    fk_buf_reset(&c->pdf);
    st = fk_renderer_render(c->renderer, &inv, &c->pdf, err);
    free(lines);
    return st;
}

static fk_status flush_chunk(run_ctx *c, fk_error *err)
{
    fk_status st;
    if (!c->in_txn)
        return FK_OK;
    /* PDFs durable and in place first; only then may the database say they exist. */
    if ((st = fk_outdir_flush(c->outdir, err)) != FK_OK)
        return st;
    if ((st = fk_store_commit(c->store, err)) != FK_OK)
        return st;
    c->in_txn = false;
    c->in_chunk = 0;
    return FK_OK;
}

/* Number, render and stage one invoice; record it. A render failure fails the order
 * (RENDER_FAILED) without consuming a number; a write failure stops the batch (FK_EENV). */
static fk_status invoice_order(run_ctx *c, fk_order *o, fk_error *err)
{
    char number[128], key[128], pdf_name[160], sha[65];
    int64_t seq;
    fk_status st;
    fk_error rerr = FK_ERROR_INIT;

    fk_config_number(c->cfg, c->year, 1, number, sizeof(number), key, sizeof(key));
    if ((st = fk_store_peek_seq(c->store, key, &seq, err)) != FK_OK)
        return st;
    fk_config_number(c->cfg, c->year, seq, number, sizeof(number), key, sizeof(key));

    if (render_invoice(c, o, number, &rerr) != FK_OK || c->pdf.failed) {
        fk_order_add_finding(o, FK_CODE_RENDER_FAILED, NULL, "the PDF could not be made: %s",
                             rerr.message[0] ? rerr.message : "out of memory");
        o->outcome = FK_FAILED;
        return fk_store_order_add(c->store, c->batch_id, o, NULL, err);
    }
    snprintf(pdf_name, sizeof(pdf_name), "%s.pdf", number);
    if ((st = fk_outdir_stage(c->outdir, pdf_name, c->pdf.ptr, c->pdf.len, err)) != FK_OK)
        return st;
    fk_sha256_hex(c->pdf.ptr, c->pdf.len, sha);
    fk_invoice_rec rec = {number, key, seq, c->issue_date, c->due_date, pdf_name, c->pdf.len, sha};
    return fk_store_order_add(c->store, c->batch_id, o, &rec, err);
}

static fk_status process_order(run_ctx *c, fk_order *o, fk_error *err)
{
    fk_status st;
    fk_prior_invoice prior;

    fk_validate_order(o, c->cfg, c->opts->as_of);
    fk_detect_content_hash(o);
    fk_detect_batch_duplicate(o, c->seen);
    if (c->store && *o->f[FK_COL_ORDER_ID] &&
        !fk_order_has_finding(o, FK_CODE_DUPLICATE_ORDER_ID)) {
        if ((st = fk_store_prior(c->store, o->f[FK_COL_ORDER_ID], &prior, err)) != FK_OK)
            return st;
        fk_detect_prior(o, &prior);
    }
    o->outcome = fk_order_outcome(o);

    if (!c->opts->dry_run) {
        if (!c->in_txn) {
            if ((st = fk_store_begin(c->store, err)) != FK_OK)
                return st;
            c->in_txn = true;
        }
        st = o->outcome == FK_INVOICED ? invoice_order(c, o, err)
                                       : fk_store_order_add(c->store, c->batch_id, o, NULL, err);
        if (st != FK_OK)
            return st;
        if (++c->in_chunk >= CHUNK_ORDERS && (st = flush_chunk(c, err)) != FK_OK)
            return st;
    }
    fk_outcome_rec rec;
    fk_order_outcome_rec(o, &rec);
    return fk_report_add(c->report, &rec, err);
}

static fk_status is_orphan(const char *stem, bool *orphan, void *payload, fk_error *err)
{
    run_ctx *c = payload;
    bool recorded = false;
    fk_status st;

    *orphan = false;
    if (!fk_config_number_matches(c->cfg, stem))
        return FK_OK; /* not ours: never touch a file faktura did not name */
    if ((st = fk_store_has_number(c->store, stem, &recorded, err)) != FK_OK)
        return st;
    *orphan = !recorded;
    return FK_OK;
}

static void add_recorded(const char *currency, int64_t sum, void *payload)
{
    fk_report_add_recorded(payload, currency, sum);
}

static char *inputs_json(const char *const *inputs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_string(inputs[i]);
        json_array_append_new(a, s ? s : json_string("(not UTF-8)"));
    }
    char *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return out;
}

fk_status fk_batch_run(const fk_batch_options *opts, const char *const *inputs, size_t ninputs,
                       fk_summary *out, fk_error *err)
{
    run_ctx c;
    fk_ingest **ins = NULL;
    fk_order order;
    fk_status st = FK_OK;
    char as_of[32];
    char *inputs_js = NULL;
    uint64_t bytes_before = 0, total_bytes = 0;

    memset(&c, 0, sizeof(c));
    memset(out, 0, sizeof(*out));
    fk_order_init(&order);
    if (!opts || opts->version != FK_BATCH_OPTIONS_VERSION || !opts->config || ninputs == 0 ||
        !opts->db_path || (!opts->dry_run && !opts->out_dir))
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_batch_run: bad options");
    if (!opts->dry_run && !opts->config->seller_name)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, "config",
                            "`run` needs a config file with the seller's details (--config)");
    c.opts = opts;
    c.cfg = opts->config;
    fk_format_datetime(opts->as_of, as_of, sizeof(as_of));
    fk_format_date(opts->as_of, c.issue_date, sizeof(c.issue_date));
    fk_format_date(opts->as_of + (int64_t)c.cfg->payment_terms_days * 86400, c.due_date,
                   sizeof(c.due_date));
    c.year = atoi(c.issue_date);
    inputs_js = inputs_json(inputs, ninputs);

    /* Every input is opened and its header checked before anything is recorded: a missing
     * file or column stops the batch with nothing half-done. */
    ins = fk_xcalloc(ninputs, sizeof(*ins));
    for (size_t i = 0; i < ninputs; i++) {
        fk_ingest_options io = {opts->input_format, opts->csv_delimiter,
                                opts->decimal_comma ? ',' : 0};
        if ((st = fk_ingest_open(&ins[i], inputs[i], &io, err)) != FK_OK)
            goto done;
        uint64_t b, t;
        fk_ingest_progress(ins[i], &b, &t);
        total_bytes += t;
    }

    if (opts->dry_run) {
        if ((st = fk_store_open_readonly(&c.store, opts->db_path, err)) != FK_OK)
            goto done;
    } else {
        if ((st = fk_store_open(&c.store, opts->db_path, err)) != FK_OK ||
            (st = fk_outdir_open(&c.outdir, opts->out_dir, err)) != FK_OK ||
            (st = fk_outdir_recover(c.outdir, is_orphan, &c, opts->log, opts->log_payload,
                                    err)) != FK_OK ||
            (st = fk_renderer_new(&c.renderer, c.cfg->font, c.cfg->font_bold, err)) != FK_OK ||
            (st = fk_store_batch_create(c.store, "run", as_of, inputs_js, opts->out_dir,
                                        &c.batch_id, err)) != FK_OK)
            goto done;
    }
    if ((st = fk_report_new(&c.report, opts->report_format, err)) != FK_OK)
        goto done;
    fk_report_set_batch(c.report, c.batch_id, opts->dry_run ? "validate" : "run", as_of,
                        inputs_js);
    c.seen = fk_idset_new();

    for (size_t i = 0; i < ninputs; i++) {
        bool got;
        for (;;) {
            if ((st = fk_ingest_next(ins[i], &order, &got, err)) != FK_OK)
                goto done;
            if (!got)
                break;
            if ((st = process_order(&c, &order, err)) != FK_OK)
                goto done;
            c.done++;
            if (opts->progress && c.done % 1000 == 0) {
                uint64_t b, t;
                fk_ingest_progress(ins[i], &b, &t);
                opts->progress(c.done, bytes_before + b, total_bytes, opts->progress_payload);
            }
        }
        uint64_t b, t;
        fk_ingest_progress(ins[i], &b, &t);
        bytes_before += b;
    }
    if (opts->progress)
        opts->progress(c.done, bytes_before, total_bytes, opts->progress_payload);

    if (!opts->dry_run) {
        if ((st = flush_chunk(&c, err)) != FK_OK ||
            (st = fk_store_batch_finish(c.store, c.batch_id, "done", err)) != FK_OK ||
            (st = fk_store_batch_invoice_sums(c.store, c.batch_id,
                                              add_recorded,
                                              c.report, err)) != FK_OK)
            goto done;
    }
    if (opts->report_path && (st = fk_report_write(c.report, opts->report_path, err)) != FK_OK)
        goto done;
    fk_report_summary(c.report, out);

done:
    if (st != FK_OK && c.store && !opts->dry_run) {
        /* Abandon the open chunk: its PDFs were never renamed into place, its numbers never
         * consumed. What earlier chunks committed stays. */
        if (c.outdir)
            fk_outdir_discard(c.outdir);
        fk_store_rollback(c.store);
        if (c.batch_id)
            fk_store_batch_finish(c.store, c.batch_id, "aborted", NULL);
    }
    for (size_t i = 0; ins && i < ninputs; i++)
        fk_ingest_close(ins[i]);
    free(ins);
    fk_order_clear(&order);
    fk_idset_free(c.seen);
    fk_report_free(c.report);
    fk_renderer_free(c.renderer);
    fk_outdir_close(c.outdir);
    fk_store_close(c.store);
    fk_buf_free(&c.pdf);
    free(inputs_js);
    return st;
}

static void add_stored(const fk_outcome_rec *o, void *payload)
{
    fk_report_add(payload, o, NULL);
}

fk_status fk_batch_report(const char *db_path, int64_t batch_id, const char *report_path,
                          fk_report_format format, fk_summary *out, fk_error *err)
{
    fk_store *s = NULL;
    fk_report *r = NULL;
    fk_batch_info bi;
    bool found = false;
    fk_status st;

    memset(out, 0, sizeof(*out));
    memset(&bi, 0, sizeof(bi));
    if ((st = fk_store_open_readonly(&s, db_path, err)) != FK_OK)
        return st;
    if (!s)
        return fk_error_set(err, FK_EUSAGE, db_path, 0, NULL, "no database at %s", db_path);
    if ((st = fk_store_batch_get(s, batch_id, &bi, &found, err)) != FK_OK)
        goto done;
    if (!found) {
        st = fk_error_set(err, FK_EUSAGE, db_path, 0, "batch", "there is no batch %lld",
                          (long long)batch_id);
        goto done;
    }
    if ((st = fk_report_new(&r, format, err)) != FK_OK)
        goto done;
    fk_report_set_batch(r, batch_id, bi.kind, bi.as_of, bi.inputs_json);
    if ((st = fk_store_batch_orders(s, batch_id, add_stored, r, err)) != FK_OK ||
        (st = fk_store_batch_invoice_sums(s, batch_id,
                                          add_recorded, r,
                                          err)) != FK_OK ||
        (st = fk_report_write(r, report_path, err)) != FK_OK)
        goto done;
    fk_report_summary(r, out);
done:
    free(bi.inputs_json);
    fk_report_free(r);
    fk_store_close(s);
    return st;
}
