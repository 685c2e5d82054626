/* SPDX-License-Identifier: MIT */
/* ingest_xml_sax.c -- the libxml2 side of the XML reader (ingest_xml.c has the design):
 * the push parser and the schema validator plugged into it, libxml2's global handlers for
 * the length of each call, and the SAX events that build the orders. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest_xml_impl.h"

static const char SCHEMA_HINT[] =
    "Correct the order in the XML export: it does not match faktura's orders schema "
    "(samples/orders.xsd, described in docs/input.md).";

/* The first line of a libxml2 message, without the trailing newline. Only the first: an
 * encoding error's second line quotes raw input bytes, which may be card digits. */
static void first_line(const char *msg, char *out, size_t outsz)
{
    size_t n = 0;
    if (msg)
        while (msg[n] && msg[n] != '\n' && msg[n] != '\r')
            n++;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, msg ? msg : "", n);
    out[n] = '\0';
    if (!fk_utf8_valid(out, n)) /* names from a broken document; never let them through */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)out[i] >= 0x80)
                out[i] = '?';
}

static unsigned long parser_line(const fk_xml_reader *in)
{
    int l = in->ctxt ? xmlSAX2GetLineNumber(in->ctxt) : 0;
    return l > 0 ? (unsigned long)l : 1;
}

/* Stop the document: nothing after this point is read. The first reason wins.
 *
 * fk_xml__fail() is called from inside libxml2 (SAX callbacks, error handlers), where xmlStopParser
 * is not safe in 2.9.14: it frees the parser's input, and libxml2 may still read it after
 * the callback returns. Two crashes showed it: an error handler called from inside the
 * input's decoding during an encoding switch (a declared "UTF7" and one bad byte: SIGSEGV),
 * and the schema validator, which the plug calls after our SAX handler with the same
 * event's text (a 10 MB value stopped in on_text: a use-after-free under ASan). So here the
 * parser is only halted, as xmlStopParser does but without freeing anything: no more SAX
 * events, and the state libxml2 checks after every callback set to the end of the
 * document, so it returns at once (a DOCTYPE's internal subset is never parsed). fk_xml__parse()
 * calls xmlStopParser when xmlParseChunk has returned. */
void fk_xml__fail(fk_xml_reader *in, fk_status st, unsigned long line, const char *fmt, ...)
{
    va_list ap;

    if (in->failed)
        return;
    in->failed = true;
    in->fail_status = st;
    in->fail_line = line;
    va_start(ap, fmt);
    vsnprintf(in->fail_msg, sizeof(in->fail_msg), fmt, ap);
    va_end(ap);
    if (in->ctxt && !in->stopped) {
        in->ctxt->disableSAX = 1;
        in->ctxt->instate = XML_PARSER_EOF;
    }
}

static void queue_push(fk_xml_reader *in, fk_order *o)
{
    *(fk_order *)fk_ingest__queue_push(&in->queue) = *o;
    fk_order_init(o);
}

/* The current order is complete (its end tag and everything the validator said about it
 * are in): queue it. */
static void finish_order(fk_xml_reader *in)
{
    fk_order *o = &in->cur;

    fk_ingest__finish_order(o);
    if (in->schema_more) {
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, NULL,
                             "line %lu: %u more schema error(s) in this order", o->line,
                             in->schema_more);
        o->findings[o->nfindings - 1].hint = fk_xstrdup(SCHEMA_HINT);
    }
    if (!*o->f[FK_COL_ORDER_ID] && !fk_order_has_finding(o, FK_CODE_ROW_MALFORMED))
        fk_order_add_finding(o, FK_CODE_ORDER_ID_MISSING, "order_id",
                             "line %lu: the order has no order_id", o->line);
    queue_push(in, o);
    in->in_order = in->closing = false;
}

/* Called first by every content event: the order whose end tag came before is done. */
static void settle(fk_xml_reader *in)
{
    in->missing_told = false;
    if (in->closing)
        finish_order(in);
}

static void add_schema_finding(fk_xml_reader *in, unsigned long line, const char *msg)
{
    fk_order *o = &in->cur;
    char elem[64] = "";
    const char *rest = msg;
    const char *field = NULL;

    /* libxml2 says "Element 'NAME': what is wrong." or "Element 'NAME', attribute ..." */
    if (strncmp(msg, "Element '", 9) == 0) {
        const char *end = strchr(msg + 9, '\'');
        if (end && (size_t)(end - (msg + 9)) < sizeof(elem) &&
            (strncmp(end, "': ", 3) == 0 || strncmp(end, "', ", 3) == 0)) {
            memcpy(elem, msg + 9, (size_t)(end - (msg + 9)));
            elem[end - (msg + 9)] = '\0';
            rest = end + 3;
            int col = fk_column_lookup(elem);
            if (col >= 0)
                field = fk_column_name((fk_column)col);
        }
    }
    /* libxml2's list of what is expected after an <xs:all> is incomplete (it can leave out
     * the very element that is missing): check_required() has said it better. */
    if (in->missing_told && strstr(rest, "Missing child element(s)") &&
        (strcmp(elem, "order") == 0 || strcmp(elem, "line") == 0))
        return;
    if (in->nschema >= MAX_SCHEMA_FINDINGS) {
        in->schema_more++;
        return;
    }
    size_t before = o->nfindings;
    if (elem[0])
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, field, "line %lu: element <%s>: %s",
                             line, elem, rest);
    else
        fk_order_add_finding(o, FK_CODE_ROW_MALFORMED, field, "line %lu: %s", line, rest);
    if (o->nfindings > before) {
        o->findings[o->nfindings - 1].hint = fk_xstrdup(SCHEMA_HINT);
        in->nschema++;
    }
}

/* ---- libxml2 callbacks ---- */

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
    fk_xml_reader *in = ctx;
    char msg[300];

    if (in->failed || !e || e->level == XML_ERR_WARNING)
        return;
    first_line(e->message, msg, sizeof(msg));
    unsigned long line = parser_line(in);
    in->schema_errors++;
    if (in->in_order)
        add_schema_finding(in, line, msg);
    else
        fk_xml__fail(in, FK_EINPUT, line, "the document does not match the orders schema "
             "(samples/orders.xsd): %s", msg);
}

/* Everything else libxml2 reports while parsing (set for the duration of each call). */
static void on_parse_error(void *ctx, xmlErrorPtr e)
{
    fk_xml_reader *in = ctx;
    char msg[300];

    if (!e || e->level == XML_ERR_WARNING)
        return;
    if (e->domain == XML_FROM_SCHEMASV) {
        on_schema_error(ctx, e);
        return;
    }
    first_line(e->message, msg, sizeof(msg));
    fk_xml__fail(in, FK_EINPUT, e->line > 0 ? (unsigned long)e->line : parser_line(in),
         "the XML is not well-formed: %s", msg);
}

static void discard_generic(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
    fk_xml_reader *in = ctx;
    (void)name, (void)ext, (void)sys;
    fk_xml__fail(in, FK_EINPUT, parser_line(in),
         "DOCTYPE declarations are not accepted: an orders file needs no DTD, and its "
         "entities are refused for safety");
}

/* Never called (a DOCTYPE stops the file first); refuse if it ever were. */
static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *pub,
                           const xmlChar *sys, xmlChar *content)
{
    (void)name, (void)type, (void)pub, (void)sys, (void)content;
    on_doctype(ctx, NULL, NULL, NULL);
}

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url, (void)id, (void)ctxt;
    return NULL;
}

static void begin_text(fk_xml_reader *in, int col, unsigned long line)
{
    in->field = col;
    in->field_line = line;
    in->text_len = in->text_total = 0;
}

static enum kind child_kind(fk_xml_reader *in, enum kind parent, const char *name,
                            unsigned long line)
{
    int col = fk_column_lookup(name);
    uint64_t bit = col >= 0 ? (uint64_t)1 << col : 0;

    switch (parent) {
    case K_ROOT:
        if (strcmp(name, "order") != 0)
            return K_OTHER;
        fk_ingest__start_order(&in->cur, in->path, line, in->decsep);
        in->in_order = true;
        in->cur_line = NO_LINE;
        in->order_seen = 0;
        in->order_has_lines = false;
        in->lines_told = false;
        in->nschema = in->schema_more = 0;
        return K_ORDER;
    case K_ORDER:
        if (strcmp(name, "lines") == 0 && !in->order_has_lines) {
            in->order_has_lines = true;
            return K_LINES;
        }
        /* A repeated field keeps its first value; the validator reports the repeat. */
        if (col < 0 || col >= FK_ORDER_FIELDS || (in->order_seen & bit))
            return K_OTHER;
        in->order_seen |= bit;
        begin_text(in, col, line);
        return K_OFIELD;
    case K_LINES:
        if (strcmp(name, "line") != 0)
            return K_OTHER;
        in->cur_line = fk_ingest__add_line(&in->cur, line, &in->lines_told)
                           ? in->cur.nlines - 1 : NO_LINE;
        in->line_seen = 0;
        return K_LINE;
    case K_LINE:
        if (col < FK_ORDER_FIELDS || in->cur_line == NO_LINE || (in->line_seen & bit))
            return K_OTHER;
        in->line_seen |= bit;
        begin_text(in, col, line);
        return K_LFIELD;
    default:
        return K_OTHER;
    }
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **ns, int nattrs, int ndefaulted,
                     const xmlChar **attrs)
{
    fk_xml_reader *in = ctx;
    const char *name = (const char *)localname;
    unsigned long line = parser_line(in);
    enum kind parent, k = K_OTHER;
    char shown[64];

    (void)nns, (void)ns, (void)nattrs, (void)ndefaulted, (void)attrs;
    if (in->failed)
        return;
    settle(in);
    in->text_run = 0;
    parent = in->depth <= MAX_TRACKED_DEPTH ? (enum kind)in->kind[in->depth] : K_OTHER;
    in->depth++;
    /* libxml2 2.9's push parser has no depth limit of its own: 100,000 nested elements
     * would be parsed (and validated) in full. Orders need 5 levels. */
    if (in->depth > MAX_DEPTH) {
        fk_xml__fail(in, FK_EINPUT, line, "elements are nested more than %d deep; an orders file "
             "has 5 levels (docs/input.md)", MAX_DEPTH);
        return;
    }
    if (in->depth == 1) {
        if (uri || prefix) {
            char shown_uri[64];
            fk_xml__fail(in, FK_EINPUT, line, "the root element <%s> has a namespace (\"%s\"); "
                 "faktura's <orders> has none", fk_quote_value(name, shown, sizeof(shown)),
                 fk_quote_value(uri ? (const char *)uri : "", shown_uri, sizeof(shown_uri)));
            return;
        }
        if (strcmp(name, "orders") != 0) {
            fk_xml__fail(in, FK_EINPUT, line, "the root element is <%s>; an orders file has <orders> "
                 "(docs/input.md)", fk_quote_value(name, shown, sizeof(shown)));
            return;
        }
        k = K_ROOT;
    } else if (!uri && !prefix) {
        k = child_kind(in, parent, name, line);
    }
    if (in->depth <= MAX_TRACKED_DEPTH)
        in->kind[in->depth] = (unsigned char)k;
}

static bool is_xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* XML white space around a value is layout, not data. */
static char *trim_xml_space(char *s, size_t *len)
{
    size_t a = 0, n = *len;
    while (n > 0 && is_xml_space(s[n - 1]))
        n--;
    while (a < n && is_xml_space(s[a]))
        a++;
    s[n] = '\0';
    *len = n - a;
    return s + a;
}

static void end_field(fk_xml_reader *in, enum kind k)
{
    fk_order *o = &in->cur;
    fk_column col = (fk_column)in->field;
    const char *name = fk_column_name(col);
    fk_line *ln = k == K_LFIELD ? &o->lines[in->cur_line] : NULL;

    if (in->field < 0)
        return;
    if (!in->text)
        in->text = fk_xmalloc(MAX_TEXT + 1);
    in->text[in->text_len] = '\0';
    size_t len = in->text_len;
    char *v = trim_xml_space(in->text, &len);
    /* The kept part is cut: report the real length first (one finding per field). */
    if (in->text_total > MAX_TEXT)
        fk_order_add_finding(o, FK_CODE_FIELD_TOO_LONG, name,
                             "line %lu: %s has %zu bytes; at most %d are accepted",
                             in->field_line, name, in->text_total, FK_MAX_FIELD_BYTES);
    fk_ingest__set_field(o, ln, col, v, len, in->field_line, true);
    if (col == FK_COL_CARD_NUMBER) /* the full number goes no further than this buffer */
        memset(in->text, 0, in->text_len + 1);
    in->field = -1;
}

/* At the end of an <order> or <line>: name the required children it lacks. */
static void check_required(fk_xml_reader *in, const char *elem, unsigned long line,
                           int from, int to, uint64_t seen, bool lines_missing)
{
    fk_buf names = FK_BUF_INIT;

    for (int c = from; c < to; c++)
        if (fk_column_required((fk_column)c) && !(seen & ((uint64_t)1 << c)))
            fk_buf_printf(&names, "%s<%s>", names.len ? ", " : "", fk_column_name((fk_column)c));
    if (lines_missing)
        fk_buf_printf(&names, "%s<lines>", names.len ? ", " : "");
    /* The finding has no field: the check of the empty value (CURRENCY_MISSING, ...) keeps
     * its own, one finding per field being the rule. */
    if (names.len) {
        char msg[400];
        snprintf(msg, sizeof(msg), "Element '%s': lacks the required element(s) %s", elem,
                 fk_buf_cstr(&names));
        add_schema_finding(in, line, msg);
        in->missing_told = true;
    }
    fk_buf_free(&names);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    fk_xml_reader *in = ctx;
    (void)localname, (void)prefix, (void)uri;

    if (in->failed)
        return;
    settle(in);
    in->text_run = 0;
    enum kind k = in->depth <= MAX_TRACKED_DEPTH ? (enum kind)in->kind[in->depth] : K_OTHER;
    switch (k) {
    case K_OFIELD:
    case K_LFIELD:
        end_field(in, k);
        break;
    case K_LINE:
        if (in->cur_line != NO_LINE)
            check_required(in, "line", in->cur.lines[in->cur_line].line, FK_ORDER_FIELDS,
                           FK_COL_COUNT, in->line_seen, false);
        in->cur_line = NO_LINE;
        break;
    case K_ORDER:
        check_required(in, "order", in->cur.line, 0, FK_ORDER_FIELDS, in->order_seen,
                       !in->order_has_lines);
        in->closing = true; /* finished at the next event, after the validator's say */
        break;
    default:
        break;
    }
    in->depth--;
}

static void on_text(void *ctx, const xmlChar *s, int len)
{
    fk_xml_reader *in = ctx;

    if (in->failed)
        return;
    settle(in);
    in->text_run += len > 0 ? (uint64_t)len : 0;
    if (in->text_run > MAX_TEXT_RUN) {
        fk_xml__fail(in, FK_EINPUT, parser_line(in), "a text of more than %d bytes between two tags "
             "(libxml2's limit for a text node)", MAX_TEXT_RUN);
        return;
    }
    if (in->field < 0 || in->depth > MAX_TRACKED_DEPTH || len <= 0)
        return;
    enum kind k = (enum kind)in->kind[in->depth];
    if (k != K_OFIELD && k != K_LFIELD)
        return; /* text inside a child of a field: the validator reports it */
    if (!in->text)
        in->text = fk_xmalloc(MAX_TEXT + 1);
    size_t n = (size_t)len;
    size_t room = MAX_TEXT - in->text_len;
    memcpy(in->text + in->text_len, s, n < room ? n : room);
    in->text_len += n < room ? n : room;
    in->text_total += n;
}

/* ---- libxml2's global handlers ---- */

/* libxml2 keeps some settings in globals: its error handlers and the external entity
 * loader. Ours are in place for the duration of one call into libxml2, then whatever was
 * there before is put back (the rest of the program may read XML files of its own). */
typedef struct saved_handlers {
    xmlStructuredErrorFunc serror;
    void *sctx;
    xmlGenericErrorFunc gerror;
    void *gctx;
    xmlExternalEntityLoader loader;
} saved_handlers;

static void handlers_enter(fk_xml_reader *in, saved_handlers *s)
{
    s->serror = xmlStructuredError;
    s->sctx = xmlStructuredErrorContext;
    s->gerror = xmlGenericError;
    s->gctx = xmlGenericErrorContext;
    s->loader = xmlGetExternalEntityLoader();
    xmlSetStructuredErrorFunc(in, on_parse_error);
    xmlSetGenericErrorFunc(in, discard_generic);
    xmlSetExternalEntityLoader(refuse_entity);
}

static void handlers_leave(const saved_handlers *s)
{
    xmlSetStructuredErrorFunc(s->sctx, s->serror);
    xmlSetGenericErrorFunc(s->gctx, s->gerror);
    xmlSetExternalEntityLoader(s->loader);
}

void fk_xml__parse(fk_xml_reader *in, const char *data, size_t n, bool terminate)
{
    saved_handlers s;

    handlers_enter(in, &s);
    int rc = xmlParseChunk(in->ctxt, data, (int)n, terminate);
    handlers_leave(&s);
    if (in->failed && !in->stopped) {
        xmlStopParser(in->ctxt); /* here, not inside libxml2 (see fail) */
        in->stopped = true;
    }
    if (!in->failed)
        settle(in);
    /* Belt and braces: libxml2's own verdicts, in case an error bypassed the handlers
     * (an invalid document still parses "successfully"). */
    if (!in->failed && !in->ctxt->wellFormed)
        fk_xml__fail(in, FK_EINPUT, parser_line(in), "the XML is not well-formed (libxml2 error %d)",
             rc);
    if (!in->failed && terminate && in->schema_errors == 0 &&
        xmlSchemaIsValid(in->vctxt) != 1)
        fk_xml__fail(in, FK_EINPUT, parser_line(in),
             "the document does not match the orders schema (samples/orders.xsd)");
}

static void on_schema_parse_error(void *ctx, xmlErrorPtr e)
{
    char *msg = ctx;
    if (e && e->level != XML_ERR_WARNING && !msg[0])
        first_line(e->message, msg, 200);
}

/* Compile the built-in schema and plug its validator into a new push parser. */
fk_status fk_xml__setup_parser(fk_xml_reader *in, fk_error *err)
{
    char msg[200] = "";
    saved_handlers s;
    xmlSAXHandler sax;
    xmlSchemaParserCtxtPtr pctxt;

    handlers_enter(in, &s);
    size_t xsd_len;
    const char *xsd = fk_xml__schema_text(&xsd_len);
    pctxt = xmlSchemaNewMemParserCtxt(xsd, (int)xsd_len);
    if (pctxt) {
        xmlSchemaSetParserStructuredErrors(pctxt, on_schema_parse_error, msg);
        in->schema = xmlSchemaParse(pctxt);
        xmlSchemaFreeParserCtxt(pctxt);
    }
    handlers_leave(&s);
    if (!in->schema)
        return fk_error_set(err, FK_EINTERNAL, in->path, 0, NULL,
                            "the built-in orders schema does not compile: %s", msg);
    in->vctxt = xmlSchemaNewValidCtxt(in->schema);
    if (!in->vctxt)
        return fk_error_set(err, FK_EINTERNAL, in->path, 0, NULL, "out of memory (libxml2)");
    xmlSchemaSetValidStructuredErrors(in->vctxt, on_schema_error, in);

    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    sax.internalSubset = on_doctype;
    sax.externalSubset = on_doctype;
    sax.entityDecl = on_entity_decl;
    in->ctxt = xmlCreatePushParserCtxt(&sax, in, NULL, 0, in->path);
    if (!in->ctxt)
        return fk_error_set(err, FK_EINTERNAL, in->path, 0, NULL, "out of memory (libxml2)");
    /* NONET only: never NOENT, DTDLOAD, DTDATTR, DTDVALID, HUGE or XINCLUDE. */
    xmlCtxtUseOptions(in->ctxt, XML_PARSE_NONET);
    in->plug = xmlSchemaSAXPlug(in->vctxt, &in->ctxt->sax, &in->ctxt->userData);
    if (!in->plug)
        return fk_error_set(err, FK_EINTERNAL, in->path, 0, NULL,
                            "cannot start the schema validator (libxml2)");
    return FK_OK;
}
