/* SPDX-License-Identifier: MIT */
/* run_einvoice.c -- a batch's e-invoices: the formats an order asks for, the schemas and
 * the Factur-X renderers compiled once per run when first needed, and the dry run's
 * check of the e-invoices it would write (moved out of run.c, which it made too long). */
#include <stdbool.h>
#include <string.h>
#include "core/util.h"
#include "pipeline/pipeline.h"

fk_status fk_pipeline__need_formats(run_ctx *c, unsigned mask, fk_error *err)
{
    fk_status st;
    unsigned add = mask & ~c->schemas_mask;
    bool fx = (mask & (1u << FK_EINV_FACTURX)) && !c->facturx_ready && c->renderers[0];

    if (!add && !fx)
        return FK_OK;
    fk_pipeline__pool_wait(c); /* nothing is validated while a schema is compiled */
    if (add) {
        if (!c->schemas)
            c->schemas = fk_einv_schemas_new();
        if ((st = fk_einv_schemas_need(c->schemas, add, err)) != FK_OK)
            return st;
        c->schemas_mask |= add;
    }
    for (int i = 0; fx && i < c->jobs && c->renderers[i]; i++)
        if ((st = fk_renderer_prepare_facturx(c->renderers[i], err)) != FK_OK)
            return st;
    c->facturx_ready |= fx;
    return FK_OK;
}

/* The e-invoice formats of an order that would be invoiced: the column einvoice, else
 * [einvoice] formats; and its buyer_endpoint, when given, as SCHEME:ID. */
void fk_pipeline__choose_einvoice(run_ctx *c, fk_order *o)
{
    const char *col = o->f[FK_COL_EINVOICE], *bad = NULL;
    const char *ep = o->f[FK_COL_BUYER_ENDPOINT];
    char scheme[16], id[160];
    size_t badlen = 0;
    unsigned mask = c->cfg->einvoice_mask;

    if (col[0] && !fk_einv_parse_list(col, &mask, &bad, &badlen)) {
        fk_order_add_finding(o, FK_CODE_EINVOICE_FORMAT_INVALID, "einvoice",
                             "einvoice \"%.*s\" is not an e-invoice format",
                             (int)(badlen > 40 ? 40 : badlen), bad);
        return;
    }
    if (ep[0] && !fk_einv_endpoint_split(ep, scheme, sizeof(scheme), id, sizeof(id))) {
        fk_order_add_finding(o, FK_CODE_ENDPOINT_INVALID, "buyer_endpoint",
                             "buyer_endpoint \"%.60s\" is not SCHEME:ID", ep);
        return;
    }
    o->einvoice = mask;
}

/* A dry run writes no file but builds and checks the e-invoices all the same (with the
 * number the order would get if every order before it is invoiced). */
fk_status fk_pipeline__dry_einvoice(run_ctx *c, fk_order *o, fk_error *err)
{
    fk_buf pdf = FK_BUF_INIT, json = FK_BUF_INIT, xml[FK_EINV_COUNT];
    fk_error e = FK_ERROR_INIT;
    fk_code code = FK_CODE_RENDER_FAILED;
    char number[128], series[128];
    fk_status st;

    if ((st = fk_pipeline__need_formats(c, o->einvoice, err)) != FK_OK)
        return st;
    for (int f = 0; f < FK_EINV_COUNT; f++)
        xml[f] = (fk_buf)FK_BUF_INIT;
    fk_config_number(c->cfg, c->year, (int64_t)c->dry_invoiced + 1, number, sizeof(number),
                     series, sizeof(series));
    if (fk_pipeline__render(c, NULL, o, number, &pdf, &json, xml, &code, &e) != FK_OK &&
        code != FK_CODE_RENDER_FAILED)
        fk_order_add_finding(o, code, e.field[0] ? e.field : NULL, "%s", e.message);
    fk_buf_free(&pdf);
    fk_buf_free(&json);
    for (int f = 0; f < FK_EINV_COUNT; f++)
        fk_buf_free(&xml[f]);
    return FK_OK;
}
