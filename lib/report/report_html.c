/* SPDX-License-Identifier: MIT */
/* report_html.c -- the report as one self-contained HTML page for the accountant.
 *
 * No network: the style, the chart (inline SVG drawn here) and the small script for
 * sorting and filtering are all inside the file. Every text that comes from the input is
 * HTML-escaped, so an order id like "<script>" is shown, never run. The script only reads
 * the table; the page is complete without it.
 *
 * Layout: the reconciliation per currency (ingested = invoiced + failed + held + skipped
 * + cancelled + credited,
 * with OK or MISMATCH), a bar chart of findings by code, then every order without an
 * invoice, grouped by what the accountant must do: fix the data (failed), decide (held),
 * nothing (skipped).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "report/report_impl.h"

/* Every text from the input enters the page here: first fk_report__shown (no control,
 * separator or bidi character, valid UTF-8), then the markup characters escaped. */
static void esc(fk_buf *b, const char *s)
{
    fk_buf tmp = FK_BUF_INIT;
    for (s = fk_report__shown(s, &tmp); *s; s++) {
        switch (*s) {
        case '<': fk_buf_puts(b, "&lt;"); break;
        case '>': fk_buf_puts(b, "&gt;"); break;
        case '&': fk_buf_puts(b, "&amp;"); break;
        case '"': fk_buf_puts(b, "&quot;"); break;
        case '\'': fk_buf_puts(b, "&#39;"); break;
        default: fk_buf_putc(b, *s);
        }
    }
    fk_buf_free(&tmp);
}

static const char *jtext(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static fk_status flush(fk_buf *b, fk_report_out *out)
{
    fk_status st = b->failed ? fk_report__fail(out, ENOMEM) : fk_report__write(out, b->ptr, b->len);
    fk_buf_reset(b);
    return st;
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;color:#222;max-width:75em}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em}"
    ".meta{color:#666;font-size:.9em}"
    "table{border-collapse:collapse;margin:.5em 0;width:100%}"
    "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top;"
    "font-size:.9em}th{background:#f2f2f2}th.sort{cursor:pointer}td.num{text-align:right;"
    "white-space:nowrap}.ok{color:#0a0;font-weight:bold}.bad{color:#c00;font-weight:bold}"
    ".failed{background:#fdecea}.held{background:#fff6e0}.skipped{background:#eef3fb}"
    ".cancelled{background:#f0f0f0}.credited{background:#eef8ee}"
    "code{font-size:.95em}.hint{color:#555}input{padding:.3em;width:25em}"
    ".banner{padding:.6em 1em;border-radius:4px;margin:1em 0}"
    ".banner.ok{background:#e7f6e7}.banner.bad{background:#fdecea}";

/* Sort by the clicked column (numbers numerically), filter rows on any text. */
static const char script[] =
    "(function(){"
    "var f=document.getElementById('filter');"
    "function rows(t){return Array.prototype.slice.call(t.tBodies[0].rows);}"
    "function apply(){var q=f.value.toLowerCase();"
    "document.querySelectorAll('table.orders').forEach(function(t){rows(t).forEach(function(r){"
    "r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});}"
    "if(f){f.addEventListener('input',apply);"
    /* A link like report.html#q=TAX_ID opens the page filtered. */
    "var m=/^#q=(.*)$/.exec(location.hash);if(m){f.value=decodeURIComponent(m[1]);apply();}}"
    "document.querySelectorAll('table.orders th.sort').forEach(function(th){"
    "th.addEventListener('click',function(){var t=th.closest('table'),i=th.cellIndex,"
    "asc=th.getAttribute('data-asc')!=='1';th.setAttribute('data-asc',asc?'1':'0');"
    "var rs=rows(t);rs.sort(function(a,b){var x=a.cells[i].getAttribute('data-v')||"
    "a.cells[i].textContent,y=b.cells[i].getAttribute('data-v')||b.cells[i].textContent;"
    "var nx=parseFloat(x),ny=parseFloat(y);var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:"
    "x.localeCompare(y);return asc?c:-c;});rs.forEach(function(r){t.tBodies[0].appendChild(r);"
    "});});});"
    "document.body.setAttribute('data-ready','1');"
    "})();";

typedef struct html_ctx {
    fk_report_out *out;
    fk_buf b;
    const char *status; /* the group being written */
    uint64_t n;
} html_ctx;

static fk_status html_order(json_t *o, void *payload)
{
    html_ctx *c = payload;
    json_t *fs = json_object_get(o, "findings");
    fk_buf *b = &c->b;
    char line[24];

    if (strcmp(jtext(o, "status"), c->status) != 0)
        return FK_OK;
    c->n++;
    snprintf(line, sizeof(line), "%lld", (long long)json_integer_value(json_object_get(o, "line")));
    fk_buf_printf(b, "<tr class=\"%s\"><td>", c->status);
    esc(b, jtext(o, "order_id"));
    fk_buf_puts(b, "</td><td>");
    esc(b, jtext(o, "file"));
    fk_buf_printf(b, ":%s</td><td class=\"num\" data-v=\"", line);
    esc(b, jtext(o, "amount"));
    fk_buf_puts(b, "\">");
    esc(b, json_is_null(json_object_get(o, "amount")) ? "?" : jtext(o, "amount"));
    fk_buf_puts(b, " ");
    esc(b, jtext(o, "currency"));
    fk_buf_puts(b, "</td><td>");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        fk_buf_puts(b, i ? "<br><code>" : "<code>");
        esc(b, jtext(f, "code"));
        fk_buf_puts(b, "</code>");
    }
    fk_buf_puts(b, "</td><td>");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        if (i)
            fk_buf_puts(b, "<br>");
        if (jtext(f, "field")[0]) {
            fk_buf_puts(b, "<b>");
            esc(b, jtext(f, "field"));
            fk_buf_puts(b, "</b>: ");
        }
        esc(b, jtext(f, "message"));
        fk_buf_puts(b, " <span class=\"hint\">— ");
        esc(b, jtext(f, "hint"));
        fk_buf_puts(b, "</span>");
    }
    fk_buf_puts(b, "</td></tr>\n");
    return flush(b, c->out);
}

static void summary_table(fk_report *r, fk_buf *b)
{
    fk_buf_puts(b, "<h2>Reconciliation</h2>\n<table class=\"summary\"><thead><tr><th>Currency"
                   "</th><th>Ingested</th><th>Invoiced</th><th>Failed</th><th>Held</th>"
                   "<th>Skipped</th><th>Cancelled</th><th>Credited</th>");
    if (r->check_recorded)
        fk_buf_puts(b, "<th>Recorded invoices</th>");
    fk_buf_puts(b, "<th>Check</th></tr></thead><tbody>\n");
    fk_buf_printf(b, "<tr><td>orders</td><td class=\"num\">%llu</td>",
                  (unsigned long long)r->orders);
    for (int k = 0; k < FK_OUTCOME_COUNT; k++)
        fk_buf_printf(b, "<td class=\"num\">%llu</td>", (unsigned long long)r->count[k]);
    if (r->check_recorded)
        fk_buf_printf(b, "<td class=\"num\">%llu</td>", (unsigned long long)r->count[FK_INVOICED]);
    uint64_t n = 0;
    for (int k = 0; k < FK_OUTCOME_COUNT; k++)
        n += r->count[k];
    fk_buf_printf(b, "<td class=\"%s\">%s</td></tr>\n", n == r->orders ? "ok" : "bad",
                  n == r->orders ? "OK" : "MISMATCH");
    for (size_t i = 0; i < r->ncur; i++) {
        const fk_report_currency *c = &r->cur[i];
        char amt[48];
        bool ok = fk_report__currency_ok(r, c);
        if (c->exponent < 0)
            continue;
        fk_buf_puts(b, "<tr><td>");
        esc(b, c->code);
        fk_report__amount(c->ingested, c->exponent, '.', amt, sizeof(amt));
        fk_buf_printf(b, "</td><td class=\"num\">%s</td>", amt);
        for (int k = 0; k < FK_OUTCOME_COUNT; k++) {
            fk_report__amount(c->by_outcome[k], c->exponent, '.', amt, sizeof(amt));
            fk_buf_printf(b, "<td class=\"num\">%s</td>", amt);
        }
        if (r->check_recorded) {
            fk_report__amount(c->recorded, c->exponent, '.', amt, sizeof(amt));
            fk_buf_printf(b, "<td class=\"num\">%s</td>", amt);
        }
        fk_buf_printf(b, "<td class=\"%s\">%s</td></tr>\n", ok ? "ok" : "bad",
                      ok ? "OK" : "MISMATCH");
    }
    fk_buf_puts(b, "</tbody></table>\n");
}

static void chart(fk_report *r, fk_buf *b)
{
    uint64_t max = 0;
    int rows = 0;
    for (int k = 1; k < FK_REPORT_MAX_CODE; k++)
        if (r->code_count[k]) {
            rows++;
            if (r->code_count[k] > max)
                max = r->code_count[k];
        }
    fk_buf_puts(b, "<h2>Findings by code</h2>\n");
    if (!rows) {
        fk_buf_puts(b, "<p>No findings.</p>\n");
        return;
    }
    fk_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
                     "aria-label=\"findings by code\" width=\"720\" height=\"%d\">\n",
                  rows * 24 + 8);
    int y = 4;
    for (int k = 1; k < FK_REPORT_MAX_CODE; k++) {
        if (!r->code_count[k])
            continue;
        const char *name = fk_code_name((fk_code)k);
        fk_outcome oc = fk_code_outcome((fk_code)k);
        const char *color = oc == FK_HELD        ? "#e0a020"
                            : oc == FK_SKIPPED   ? "#6a8fd0"
                            : oc == FK_CANCELLED ? "#909090"
                            : oc == FK_CREDITED  ? "#4a9a4a"
                                                 : "#d04a3a";
        int w = (int)(r->code_count[k] * 400 / max);
        fk_buf_printf(b, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>"
                         "<rect x=\"250\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/>"
                         "<text x=\"%d\" y=\"%d\" font-size=\"12\">%llu</text>\n",
                      y + 13, name ? name : "?", y, w < 1 ? 1 : w, color, 256 + w, y + 13,
                      (unsigned long long)r->code_count[k]);
        y += 24;
    }
    fk_buf_puts(b, "</svg>\n");
}

fk_status fk_report__write_html(fk_report *r, fk_report_out *out)
{
    static const struct {
        fk_outcome outcome;
        const char *status, *title, *what;
    } groups[] = {
        {FK_FAILED, "failed", "Fix the data", "These orders have wrong or missing data: correct them "
                                   "in the order system and run <code>faktura retry</code>."},
        {FK_HELD, "held", "Decide", "A rule stopped these orders: review them and approve or "
                                    "cancel (<code>faktura cancel</code>)."},
        {FK_SKIPPED, "skipped", "Nothing to do", "These orders were invoiced by an earlier "
                                                 "batch."},
        {FK_CANCELLED, "cancelled", "Cancelled", "These orders were cancelled by a person "
                                                 "(who, when and why are in the findings) "
                                                 "and are never invoiced."},
        {FK_CREDITED, "credited", "Credited", "These orders were invoiced before and their "
                                              "dispute is lost: their invoice was credited by "
                                              "the credit note named in the findings."},
    };
    html_ctx c = {out, FK_BUF_INIT, NULL, 0};
    fk_buf *b = &c.b;
    bool ok = fk_report__reconciled(r);
    fk_status st;

    fk_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                     " style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
                     "<title>faktura report</title><style>%s</style></head><body>\n",
                  style);
    fk_buf_puts(b, "<h1>faktura reconciliation report</h1>\n<p class=\"meta\">");
    if (r->batch_id)
        fk_buf_printf(b, "Batch %lld · ", (long long)r->batch_id);
    esc(b, r->kind);
    fk_buf_puts(b, " · as of ");
    esc(b, r->as_of);
    fk_buf_puts(b, " · inputs ");
    esc(b, r->inputs_json);
    fk_buf_printf(b, "</p>\n<div class=\"banner %s\">%s: %llu orders, %llu invoiced, %llu failed,"
                     " %llu held, %llu skipped, %llu cancelled, %llu credited.</div>\n",
                  ok ? "ok" : "bad", ok ? "The books reconcile" : "MISMATCH: the books do not "
                                                                  "reconcile",
                  (unsigned long long)r->orders, (unsigned long long)r->count[FK_INVOICED],
                  (unsigned long long)r->count[FK_FAILED], (unsigned long long)r->count[FK_HELD],
                  (unsigned long long)r->count[FK_SKIPPED],
                  (unsigned long long)r->count[FK_CANCELLED],
                  (unsigned long long)r->count[FK_CREDITED]);
    summary_table(r, b);
    chart(r, b);
    fk_buf_printf(b, "<h2>Orders without an invoice (%llu)</h2>\n",
                  (unsigned long long)r->spooled);
    if (r->spooled)
        fk_buf_puts(b, "<p><input id=\"filter\" type=\"search\" placeholder=\"Filter: order id, "
                       "code, text...\" aria-label=\"filter\"></p>\n");
    st = flush(b, out);
    for (size_t g = 0; st == FK_OK && g < sizeof(groups) / sizeof(groups[0]); g++) {
        uint64_t n = r->count[groups[g].outcome];
        if (!n)
            continue;
        fk_buf_printf(b, "<h2 id=\"%s\">%s (%llu %s)</h2><p>%s</p>\n", groups[g].status,
                      groups[g].title, (unsigned long long)n, groups[g].status, groups[g].what);
        fk_buf_puts(b, "<table class=\"orders\"><thead><tr><th class=\"sort\">Order</th>"
                       "<th class=\"sort\">Source</th><th class=\"sort\">Amount</th>"
                       "<th class=\"sort\">Codes</th><th>Findings and what to do</th></tr>"
                       "</thead><tbody>\n");
        st = flush(b, out);
        c.status = groups[g].status;
        if (st == FK_OK)
            st = fk_report__each(r, out, html_order, &c);
        fk_buf_puts(b, "</tbody></table>\n");
    }
    fk_buf_printf(b, "<script>%s</script>\n</body></html>\n", script);
    if (st == FK_OK)
        st = flush(b, out);
    fk_buf_free(b);
    return st;
}
