/* SPDX-License-Identifier: MIT */
/* credit_write.c -- writing one credit note (issue 19): its structured forms, its PDF, the
 * files durably in place, and its record (moved out of credit.c, which it made too long).
 *
 * A credit note gets the structured forms its invoice was issued with (the document's
 * einvoice list, copied from the invoice): UBL CreditNote for ubl, peppol and
 * xrechnung-ubl, CII with TypeCode 381 for cii and xrechnung-cii, a Factur-X PDF/A-3 with
 * the CII 381 embedded for facturx, KSeF's KOR for ksef, each through the writer and XSD
 * check the invoices use (fk_pipeline__write_einvoices). They are made and checked before
 * anything is written: a form that cannot be made refuses the credit note with nothing
 * issued and no number used. Then, as a batch chunk does: every file name is recorded as
 * pending (in its own transaction), the files are written to temporary files, made durable
 * and renamed into place, and the credit note is recorded with every file's size and
 * SHA-256 in the transaction that consumes its number. A crash before COMMIT leaves files
 * of a number not recorded, which the next start removes (fk_pipeline__is_orphan).
 */
#include <stdio.h>
#include <string.h>
#include "core/testhook.h"
#include "core/util.h"
#include "pipeline/pipeline.h"

/* The renderer (made on first use, ready for Factur-X when mask asks) and the XSDs of
 * mask's formats (compiled on first use, with the credit note ones). */
static fk_status prepare(credit_writer *w, unsigned mask, fk_error *err)
{
    fk_status st = FK_OK;
    if (!w->renderer) {
        st = fk_renderer_new(&w->renderer, w->cfg->font, w->cfg->font_bold, err);
        if (st == FK_OK && w->cfg->logo && *w->cfg->logo)
            st = fk_renderer_set_logo(w->renderer, w->cfg->logo, err);
    }
    if (st == FK_OK && (mask & (1u << FK_EINV_FACTURX)))
        st = fk_renderer_prepare_facturx(w->renderer, err);
    if (st == FK_OK && mask) {
        if (!w->schemas)
            w->schemas = fk_einv_schemas_new();
        st = fk_einv_schemas_need(w->schemas, mask | FK_EINV_CREDIT_NOTES, err);
    }
    return st;
}

/* The structured forms of d into xml[]; a form that cannot be made refuses the note. */
static fk_status structured(credit_writer *w, const fk_document *d, unsigned mask, fk_buf *xml,
                            fk_credit_info *info, fk_error *err)
{
    fk_error e = FK_ERROR_INIT;
    fk_code code = FK_CODE_RENDER_FAILED;
    fk_status st = fk_pipeline__write_einvoices(w->schemas, d, mask, xml, &code, &e);

    if (st == FK_EINPUT) {
        fk_pipeline__credit_refuse(info,
                                   "invoice %s was issued with e-invoices (%s) and its credit "
                                   "note must have them too, but one cannot be made: %.300s",
                                   d->preceding_number, d->einvoice, e.message);
        return FK_OK;
    }
    if (st != FK_OK)
        *err = e;
    return st;
}

typedef struct cfiles {
    char pdf[FK_OUTDIR_NAME_MAX + 8];
    char xml[FK_EINV_COUNT][FK_OUTDIR_NAME_MAX + 32];
    char xml_sha[FK_EINV_COUNT][65];
    const char *names[1 + FK_EINV_COUNT]; /* the XMLs, then the PDF */
    size_t n;
} cfiles;

/* Every file recorded as pending (a transaction of its own: nothing else writes in between,
 * the run lock is held), then written to its temporary file. */
static fk_status write_files(credit_writer *w, cfiles *f, const fk_buf *xml, const fk_buf *pdf,
                             fk_error *err)
{
    fk_status st = FK_OK;
    for (size_t i = 0; st == FK_OK && i < f->n; i++)
        st = fk_store_pending_add(w->store, fk_outdir_real(w->outdir), f->names[i], err);
    if (st != FK_OK || (st = fk_store_commit(w->store, err)) != FK_OK ||
        (st = fk_store_begin(w->store, err)) != FK_OK)
        return st;
    for (int k = 0; st == FK_OK && k < FK_EINV_COUNT; k++)
        if (f->xml[k][0])
            st = fk_outdir_write(w->outdir, f->xml[k], xml[k].ptr, xml[k].len, err);
    if (st == FK_OK)
        st = fk_outdir_write(w->outdir, f->pdf, pdf->ptr, pdf->len, err);
    return st;
}

/* The PDF name and the names of the XML files of d beside it (facturx has none: it is the
 * PDF). */
static void name_files(const fk_document *d, const fk_buf *xml, cfiles *f)
{
    char stem[160];
    memset(f, 0, sizeof(*f));
    fk_config_number_file(d->number, stem, sizeof(stem));
    snprintf(f->pdf, sizeof(f->pdf), "%s.pdf", stem);
    for (int k = 0; k < FK_EINV_COUNT; k++)
        if (xml[k].len && fk_pipeline__xml_name(f->pdf, (fk_einv_format)k, f->xml[k],
                                                sizeof(f->xml[k]))) {
            fk_sha256_hex(xml[k].ptr, xml[k].len, f->xml_sha[k]);
            f->names[f->n++] = f->xml[k];
        }
    f->names[f->n++] = f->pdf;
}

static fk_status record(credit_writer *w, const fk_credit_rec *rec, const cfiles *f,
                        const fk_buf *xml, fk_error *err)
{
    fk_status st = fk_store_credit_record(w->store, rec, err);
    for (int k = 0; st == FK_OK && k < FK_EINV_COUNT; k++)
        if (f->xml[k][0])
            st = fk_store_credit_einvoice_record(w->store, rec->number,
                                                 fk_einv_profile_of((fk_einv_format)k)->name,
                                                 f->xml[k], xml[k].len, f->xml_sha[k], err);
    return st == FK_OK ? fk_store_commit(w->store, err) : st;
}

fk_status fk_pipeline__credit_publish(credit_writer *w, const fk_document *d,
                                      const credit_ids *ids, fk_credit_info *info,
                                      fk_error *err)
{
    fk_buf json = FK_BUF_INIT, pdf = FK_BUF_INIT, xml[FK_EINV_COUNT];
    char doc_sha[65], pdf_sha[65];
    unsigned mask = 0;
    const char *bad;
    size_t badlen;
    cfiles f;
    fk_status st;

    for (int k = 0; k < FK_EINV_COUNT; k++)
        xml[k] = (fk_buf)FK_BUF_INIT;
    if (!fk_einv_parse_list(d->einvoice, &mask, &bad, &badlen))
        mask = 0; /* written by faktura: canonical; never a name it does not know */
    if ((st = prepare(w, mask, err)) != FK_OK ||
        (st = structured(w, d, mask, xml, info, err)) != FK_OK ||
        info->result == FK_CREDIT_REFUSED)
        goto done;
    fk_document_encode(d, &json);
    if ((st = fk_pipeline__render_document(w->renderer, d, xml, mask, &pdf, err)) != FK_OK)
        goto done;
    if (json.failed || pdf.failed) {
        st = fk_error_set(err, FK_EINTERNAL, NULL, 0, NULL, "out of memory");
        goto done;
    }
    fk_sha256_hex(json.ptr, json.len, doc_sha);
    fk_sha256_hex(pdf.ptr, pdf.len, pdf_sha);
    name_files(d, xml, &f);
    if ((st = write_files(w, &f, xml, &pdf, err)) != FK_OK)
        goto done;
    fk_testhook_kill_at("credit-written");
    /* The disk has them before the database says so. */
    if ((st = fk_outdir_publish(w->outdir, f.names, f.n, err)) != FK_OK)
        goto done;
    fk_testhook_kill_at("credit-published");
    fk_credit_rec rec = {d->number, ids->series, ids->seq, ids->key, ids->hash,
                         d->preceding_number, ids->order_row, d->issue_date, d->currency,
                         d->net_total, d->vat_total, d->gross_total, d->credit_reason,
                         fk_outdir_real(w->outdir), f.pdf, pdf.len, pdf_sha,
                         fk_buf_cstr(&json), doc_sha};
    st = record(w, &rec, &f, xml, err);
    /* Not committed: the files in place name no recorded note, and the next start removes
     * them (fk_pipeline__is_orphan). */
done:
    fk_buf_free(&json);
    fk_buf_free(&pdf);
    for (int k = 0; k < FK_EINV_COUNT; k++)
        fk_buf_free(&xml[k]);
    return st;
}
