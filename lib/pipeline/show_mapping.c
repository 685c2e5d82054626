/* SPDX-License-Identifier: MIT */
/* show_mapping.c -- `faktura validate --show-mapping`: for the first orders of each input,
 * every faktura field with the source column (or expression) it came from and its value,
 * then the amounts validate computes from them and the findings.
 *
 * Why a separate walk and not the batch: a new mapping is set up by looking at a few
 * orders side by side with the export, without a database and without a report; the
 * values shown are the ones the batch would use (the same ingest, the same validation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/money.h"
#include "core/util.h"
#include "ingest/ingest.h"
#include "pipeline/pipeline.h"
#include "validate/validate.h"

static void say(fk_log_fn out, void *payload, fk_buf *b)
{
    out(fk_buf_cstr(b), payload);
    fk_buf_reset(b);
}

/* "  field            = "value"   <- Source Header" */
static void field_line(fk_buf *b, const fk_input_cfg *in, int c, const char *v)
{
    char q[80];
    const char *from = in && in->expr[c] ? in->expr[c]->text
                       : in && !in->by_name ? NULL
                                            : fk_column_name((fk_column)c);
    fk_buf_printf(b, "    %-22s = \"%s\"", fk_column_name((fk_column)c),
                  fk_quote_value(v, q, sizeof(q)));
    if (from)
        fk_buf_printf(b, "  <- %s", from);
}

/* The order's fields as read, each with where it came from; its lines' fields under it. */
static void show_fields(fk_buf *b, const fk_input_cfg *in, const fk_order *o, fk_log_fn out,
                        void *payload)
{
    fk_buf_printf(b, "order \"%s\" (line %lu)", o->f[FK_COL_ORDER_ID], o->line);
    say(out, payload, b);
    for (int c = 0; c < FK_ORDER_FIELDS; c++) {
        if (!*o->f[c] && !(in && in->expr[c]))
            continue;
        field_line(b, in, c, o->f[c]);
        say(out, payload, b);
    }
    size_t items = o->nlines;
    for (size_t i = 0; i < items; i++) {
        fk_buf_printf(b, "  line %lu:", o->lines[i].line);
        say(out, payload, b);
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++) {
            const char *v = FK_LINE_FIELD(&o->lines[i], c);
            if (!*v && !(in && in->expr[c]))
                continue;
            field_line(b, in, c, v);
            say(out, payload, b);
        }
    }
}

/* What validate made of the order: its invoice lines and totals, then its findings. */
static void show_result(fk_buf *b, const fk_order *o, fk_log_fn out, void *payload)
{
    if (o->amounts_ok) {
        char a[40];
        fk_buf_puts(b, "  invoice lines:");
        say(out, payload, b);
        for (size_t i = 0; i < o->nlines; i++) {
            const fk_line *ln = &o->lines[i];
            fk_decimal_format(ln->net, o->exponent, a, sizeof(a));
            fk_buf_printf(b, "    %s: net %s, VAT ",
                          FK_LINE_FIELD(ln, FK_COL_ITEM_DESCRIPTION), a);
            fk_decimal_format(ln->vat_centi, 2, a, sizeof(a));
            fk_buf_printf(b, "%s %%", a);
            say(out, payload, b);
        }
        fk_decimal_format(o->net_total, o->exponent, a, sizeof(a));
        fk_buf_printf(b, "  totals: net %s", a);
        fk_decimal_format(o->vat_total, o->exponent, a, sizeof(a));
        fk_buf_printf(b, ", VAT %s", a);
        fk_decimal_format(o->gross_total, o->exponent, a, sizeof(a));
        fk_buf_printf(b, ", gross %s %s", a, o->currency);
        if (*o->f[FK_COL_EXPECTED_TOTAL])
            fk_buf_printf(b, " (the shop's total %s)", o->f[FK_COL_EXPECTED_TOTAL]);
        say(out, payload, b);
    }
    for (size_t i = 0; i < o->nfindings; i++) {
        fk_buf_printf(b, "  %s %s%s%s", fk_code_name(o->findings[i].code),
                      o->findings[i].field ? o->findings[i].field : "",
                      o->findings[i].field ? ": " : "", o->findings[i].message);
        say(out, payload, b);
    }
    if (!o->nfindings) {
        fk_buf_puts(b, "  no findings");
        say(out, payload, b);
    }
}

fk_status fk_show_mapping(const fk_batch_options *opts, const char *const *inputs,
                          size_t ninputs, size_t orders, fk_log_fn out, void *payload,
                          fk_error *err)
{
    const fk_config *cfg = opts ? opts->config : NULL;
    const fk_input_cfg *in = cfg && cfg->input && cfg->input->mapped ? cfg->input : NULL;
    fk_buf b = FK_BUF_INIT;
    fk_status st = FK_OK;

    if (!opts || !cfg || !out)
        return fk_error_set(err, FK_EUSAGE, NULL, 0, NULL, "fk_show_mapping: bad call");
    for (size_t f = 0; f < ninputs && st == FK_OK; f++) {
        fk_ingest_options io = {opts->input_format, opts->csv_delimiter,
                                opts->decimal_comma ? ',' : 0, cfg->input};
        fk_ingest *ing;
        if ((st = fk_ingest_open(&ing, inputs[f], &io, err)) != FK_OK)
            break;
        fk_buf_printf(&b, "%s: profile %s", inputs[f], cfg->input->profile);
        if (cfg->input->encoding)
            fk_buf_printf(&b, ", encoding %s", cfg->input->encoding);
        say(out, payload, &b);
        for (size_t n = 0; n < orders && st == FK_OK; n++) {
            fk_order o;
            bool got;
            fk_order_init(&o);
            if ((st = fk_ingest_next(ing, &o, &got, err)) != FK_OK || !got) {
                fk_order_clear(&o);
                break;
            }
            o.ningest_findings = o.nfindings;
            show_fields(&b, in, &o, out, payload);
            fk_validate_order(&o, cfg, opts->as_of, NULL);
            show_result(&b, &o, out, payload);
            fk_order_clear(&o);
        }
        fk_ingest_close(ing);
    }
    fk_buf_free(&b);
    return st;
}
