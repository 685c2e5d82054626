/* SPDX-License-Identifier: MIT */
/* report_junit.c -- the report as JUnit XML, so CI systems show bad orders natively.
 *
 * One <testsuite name="faktura"> with a "reconciliation" test case (failing when the
 * counts or sums do not add up) and one test case per order that was not invoiced:
 * failed and held orders are <failure>s carrying their findings, skipped orders are
 * <skipped/>. Invoiced orders are counted in the summary case's name only, so a million
 * good orders do not make a million test cases. Written with libxml2's xmlTextWriter,
 * which escapes every text and attribute; what XML cannot carry at all is replaced before
 * (attr and text below).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libxml/xmlwriter.h>
#include "core/buf.h"
#include "report/report_impl.h"

typedef struct junit_ctx {
    fk_report_out *out;
    xmlTextWriterPtr w;
    fk_buf tmp;
    int rc; /* < 0 once a writer call failed */
} junit_ctx;

#define X(s) ((const xmlChar *)(s))

/* libxml2's output buffer writes through here, so a failed write is reported with its own
 * errno (and the target's path) before libxml2 does anything else. */
static int junit_write(void *context, const char *buf, int len)
{
    junit_ctx *c = context;
    return fk_report__write(c->out, buf, (size_t)len) == FK_OK ? len : -1;
}

static int junit_close(void *context)
{
    (void)context; /* the caller's stream: closed by the caller */
    return 0;
}

/* The only three ways text enters the document. Every value goes through fk_report__shown
 * first: XML 1.0 has no way to write most C0 controls, U+FFFE, U+FFFF or bytes that are not
 * UTF-8, even escaped, so the document stays well-formed whatever the input held. */
static void start(junit_ctx *c, const char *name)
{
    if (c->rc >= 0)
        c->rc = xmlTextWriterStartElement(c->w, X(name));
}

static void attr(junit_ctx *c, const char *name, const char *value)
{
    if (c->rc >= 0)
        c->rc = xmlTextWriterWriteAttribute(c->w, X(name), X(fk_report__shown(value, &c->tmp)));
}

static void text(junit_ctx *c, const char *value)
{
    if (c->rc >= 0)
        c->rc = xmlTextWriterWriteString(c->w, X(fk_report__shown(value, &c->tmp)));
}

static void end(junit_ctx *c)
{
    if (c->rc >= 0)
        c->rc = xmlTextWriterEndElement(c->w);
}

static const char *jtext(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* The error of a failed writer call: a failed write has set its own already. */
static fk_status junit_status(junit_ctx *c)
{
    return c->rc < 0 ? fk_report__fail(c->out, 0) : FK_OK;
}

static fk_status junit_order(json_t *o, void *payload)
{
    junit_ctx *c = payload;
    const char *status = jtext(o, "status");
    json_t *fs = json_object_get(o, "findings");
    fk_buf name = FK_BUF_INIT, body = FK_BUF_INIT, codes = FK_BUF_INIT;

    fk_buf_printf(&name, "order %s (%s:%lld)", jtext(o, "order_id"), jtext(o, "file"),
                  (long long)json_integer_value(json_object_get(o, "line")));
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        fk_buf_printf(&codes, "%s%s", i ? ", " : "", jtext(f, "code"));
        fk_buf_printf(&body, "%s [%s]: %s\nWhat to do: %s\n", jtext(f, "code"),
                      jtext(f, "field")[0] ? jtext(f, "field") : "order", jtext(f, "message"),
                      jtext(f, "hint"));
    }
    start(c, "testcase");
    attr(c, "classname", "faktura.orders");
    attr(c, "name", fk_buf_cstr(&name));
    if (strcmp(status, "skipped") == 0 || strcmp(status, "cancelled") == 0 ||
        strcmp(status, "credited") == 0) {
        /* Nothing left to do for these: cancelled by a person, or credited. */
        fk_buf msg = FK_BUF_INIT;
        fk_buf_printf(&msg, "%s%s%s", strcmp(status, "skipped") ? status : "",
                      strcmp(status, "skipped") ? ": " : "", fk_buf_cstr(&codes));
        start(c, "skipped");
        attr(c, "message", fk_buf_cstr(&msg));
        end(c);
        fk_buf_free(&msg);
    } else {
        fk_buf msg = FK_BUF_INIT;
        fk_buf_printf(&msg, "%s: %s", status, fk_buf_cstr(&codes));
        start(c, "failure");
        attr(c, "message", fk_buf_cstr(&msg));
        attr(c, "type", status);
        text(c, fk_buf_cstr(&body));
        end(c);
        fk_buf_free(&msg);
    }
    end(c);
    fk_buf_free(&name);
    fk_buf_free(&body);
    fk_buf_free(&codes);
    return junit_status(c);
}

fk_status fk_report__write_junit(fk_report *r, fk_report_out *out)
{
    char num[32];
    fk_buf summary = FK_BUF_INIT, detail = FK_BUF_INIT;
    bool ok = fk_report__reconciled(r);
    uint64_t failures = r->count[FK_FAILED] + r->count[FK_HELD] + (ok ? 0 : 1);
    junit_ctx c = {out, NULL, FK_BUF_INIT, 0};
    fk_status st;

    /* Written through the writer's output buffer, which hands each full chunk to
     * junit_write: memory stays flat. */
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(junit_write, junit_close, &c, NULL);
    if (!ob)
        return fk_report__fail(out, ENOMEM);
    c.w = xmlNewTextWriter(ob);
    if (!c.w) {
        xmlOutputBufferClose(ob);
        return fk_report__fail(out, ENOMEM);
    }
    xmlTextWriterSetIndent(c.w, 1);
    if (xmlTextWriterStartDocument(c.w, NULL, "UTF-8", NULL) < 0)
        c.rc = -1;
    start(&c, "testsuites");
    start(&c, "testsuite");
    attr(&c, "name", "faktura");
    snprintf(num, sizeof(num), "%llu", (unsigned long long)(r->spooled + 1));
    attr(&c, "tests", num);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)failures);
    attr(&c, "failures", num);
    attr(&c, "errors", "0");
    snprintf(num, sizeof(num), "%llu",
             (unsigned long long)(r->count[FK_SKIPPED] + r->count[FK_CANCELLED] +
                                  r->count[FK_CREDITED]));
    attr(&c, "skipped", num);

    fk_buf_printf(&summary, "reconciliation: %llu orders, %llu invoiced, %llu failed, %llu held, "
                            "%llu skipped",
                  (unsigned long long)r->orders, (unsigned long long)r->count[FK_INVOICED],
                  (unsigned long long)r->count[FK_FAILED], (unsigned long long)r->count[FK_HELD],
                  (unsigned long long)r->count[FK_SKIPPED]);
    if (r->count[FK_CANCELLED] || r->count[FK_CREDITED])
        fk_buf_printf(&summary, ", %llu cancelled, %llu credited",
                      (unsigned long long)r->count[FK_CANCELLED],
                      (unsigned long long)r->count[FK_CREDITED]);
    start(&c, "testcase");
    attr(&c, "classname", "faktura.batch");
    attr(&c, "name", fk_buf_cstr(&summary));
    if (!ok) {
        for (size_t i = 0; i < r->ncur; i++)
            if (!fk_report__currency_ok(r, &r->cur[i]))
                fk_buf_printf(&detail, "%s: the sums of the outcomes do not add up to the "
                                       "ingested sum (or to the recorded invoices)\n",
                              r->cur[i].code);
        start(&c, "failure");
        attr(&c, "message", "the books do not reconcile");
        text(&c, fk_buf_cstr(&detail));
        end(&c);
    }
    end(&c);

    st = junit_status(&c);
    if (st == FK_OK)
        st = fk_report__each(r, out, junit_order, &c);
    end(&c); /* testsuite */
    end(&c); /* testsuites */
    if (c.rc >= 0 && xmlTextWriterEndDocument(c.w) < 0) /* flushes the output buffer */
        c.rc = -1;
    xmlFreeTextWriter(c.w); /* closes ob (junit_close), not the caller's stream */
    if (st == FK_OK)
        st = junit_status(&c);
    fk_buf_free(&summary);
    fk_buf_free(&detail);
    fk_buf_free(&c.tmp);
    return st;
}
