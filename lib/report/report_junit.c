/* SPDX-License-Identifier: MIT */
/* report_junit.c -- the report as JUnit XML, so CI systems show bad orders natively.
 *
 * One <testsuite name="faktura"> with a "reconciliation" test case (failing when the
 * counts or sums do not add up) and one test case per order that was not invoiced:
 * failed and held orders are <failure>s carrying their findings, skipped orders are
 * <skipped/>. Invoiced orders are counted in the summary case's name only, so a million
 * good orders do not make a million test cases. Written with libxml2's xmlTextWriter,
 * which escapes every text and attribute.
 */
#include <stdio.h>
#include <string.h>
#include <libxml/xmlwriter.h>
#include "core/buf.h"
#include "report/report_impl.h"

typedef struct junit_ctx {
    xmlTextWriterPtr w;
    int rc;
} junit_ctx;

#define X(s) ((const xmlChar *)(s))

static const char *jtext(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int junit_order(json_t *o, void *payload)
{
    junit_ctx *c = payload;
    xmlTextWriterPtr w = c->w;
    const char *status = jtext(o, "status");
    json_t *fs = json_object_get(o, "findings");
    fk_buf name = FK_BUF_INIT, body = FK_BUF_INIT, codes = FK_BUF_INIT;
    int rc = 0;

    fk_buf_printf(&name, "order %s (%s:%lld)", jtext(o, "order_id"), jtext(o, "file"),
                  (long long)json_integer_value(json_object_get(o, "line")));
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        fk_buf_printf(&codes, "%s%s", i ? ", " : "", jtext(f, "code"));
        fk_buf_printf(&body, "%s [%s]: %s\nWhat to do: %s\n", jtext(f, "code"),
                      jtext(f, "field")[0] ? jtext(f, "field") : "order", jtext(f, "message"),
                      jtext(f, "hint"));
    }
    rc |= xmlTextWriterStartElement(w, X("testcase")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("classname"), X("faktura.orders")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("name"), X(fk_buf_cstr(&name))) < 0;
    if (strcmp(status, "skipped") == 0) {
        rc |= xmlTextWriterStartElement(w, X("skipped")) < 0;
        rc |= xmlTextWriterWriteAttribute(w, X("message"), X(fk_buf_cstr(&codes))) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
    } else {
        fk_buf msg = FK_BUF_INIT;
        fk_buf_printf(&msg, "%s: %s", status, fk_buf_cstr(&codes));
        rc |= xmlTextWriterStartElement(w, X("failure")) < 0;
        rc |= xmlTextWriterWriteAttribute(w, X("message"), X(fk_buf_cstr(&msg))) < 0;
        rc |= xmlTextWriterWriteAttribute(w, X("type"), X(status)) < 0;
        rc |= xmlTextWriterWriteString(w, X(fk_buf_cstr(&body))) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
        fk_buf_free(&msg);
    }
    rc |= xmlTextWriterEndElement(w) < 0;
    fk_buf_free(&name);
    fk_buf_free(&body);
    fk_buf_free(&codes);
    return rc ? -1 : 0;
}

int fk_report__write_junit(fk_report *r, FILE *out)
{
    xmlBufferPtr buf = NULL;
    xmlTextWriterPtr w;
    char num[32];
    fk_buf summary = FK_BUF_INIT, detail = FK_BUF_INIT;
    int rc = 0;
    bool ok = fk_report__reconciled(r);
    uint64_t failures = r->count[FK_FAILED] + r->count[FK_HELD] + (ok ? 0 : 1);

    /* Written to a temporary file through the writer's output buffer, flushed per order so
     * memory stays flat. */
    xmlOutputBufferPtr ob = xmlOutputBufferCreateFile(out, NULL);
    if (!ob)
        return -1;
    w = xmlNewTextWriter(ob);
    if (!w) {
        xmlOutputBufferClose(ob);
        return -1;
    }
    (void)buf;
    xmlTextWriterSetIndent(w, 1);
    rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
    rc |= xmlTextWriterStartElement(w, X("testsuites")) < 0;
    rc |= xmlTextWriterStartElement(w, X("testsuite")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("name"), X("faktura")) < 0;
    snprintf(num, sizeof(num), "%llu", (unsigned long long)(r->spooled + 1));
    rc |= xmlTextWriterWriteAttribute(w, X("tests"), X(num)) < 0;
    snprintf(num, sizeof(num), "%llu", (unsigned long long)failures);
    rc |= xmlTextWriterWriteAttribute(w, X("failures"), X(num)) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("errors"), X("0")) < 0;
    snprintf(num, sizeof(num), "%llu", (unsigned long long)r->count[FK_SKIPPED]);
    rc |= xmlTextWriterWriteAttribute(w, X("skipped"), X(num)) < 0;

    fk_buf_printf(&summary, "reconciliation: %llu orders, %llu invoiced, %llu failed, %llu held, "
                            "%llu skipped",
                  (unsigned long long)r->orders, (unsigned long long)r->count[FK_INVOICED],
                  (unsigned long long)r->count[FK_FAILED], (unsigned long long)r->count[FK_HELD],
                  (unsigned long long)r->count[FK_SKIPPED]);
    rc |= xmlTextWriterStartElement(w, X("testcase")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("classname"), X("faktura.batch")) < 0;
    rc |= xmlTextWriterWriteAttribute(w, X("name"), X(fk_buf_cstr(&summary))) < 0;
    if (!ok) {
        for (size_t i = 0; i < r->ncur; i++)
            if (!fk_report__currency_ok(r, &r->cur[i]))
                fk_buf_printf(&detail, "%s: the sums of the outcomes do not add up to the "
                                       "ingested sum (or to the recorded invoices)\n",
                              r->cur[i].code);
        rc |= xmlTextWriterStartElement(w, X("failure")) < 0;
        rc |= xmlTextWriterWriteAttribute(w, X("message"), X("the books do not reconcile")) < 0;
        rc |= xmlTextWriterWriteString(w, X(fk_buf_cstr(&detail))) < 0;
        rc |= xmlTextWriterEndElement(w) < 0;
    }
    rc |= xmlTextWriterEndElement(w) < 0;

    junit_ctx c = {w, 0};
    if (rc == 0)
        rc = fk_report__each(r, junit_order, &c);
    rc |= xmlTextWriterEndElement(w) < 0; /* testsuite */
    rc |= xmlTextWriterEndElement(w) < 0; /* testsuites */
    rc |= xmlTextWriterEndDocument(w) < 0;
    xmlFreeTextWriter(w); /* closes ob, not `out` */
    fk_buf_free(&summary);
    fk_buf_free(&detail);
    return rc ? -1 : 0;
}
