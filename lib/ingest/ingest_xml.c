/* SPDX-License-Identifier: MIT */
/* ingest_xml.c -- orders from XML files (libxml2), streamed one <order> at a time and
 * validated against the orders schema (samples/orders.xsd) while they are read.
 *
 * The model is the CSV one (docs/input.md): <orders> holds <order> elements, an order's
 * fields are child elements named like the CSV columns, its lines are <line> elements
 * inside <lines>. Values go through the same helpers as CSV cells (ingest.c), so cleaning,
 * card masking and limits are identical, and the schema checks structure only.
 *
 * Why a push parser with SAX callbacks rather than xmlTextReader (both stream; neither
 * builds the document): the reader parses ahead of the node it returns, so the schema
 * validator's errors for later orders arrive before the earlier order is handed out, and
 * its nodes keep 16-bit line numbers (every element from line 65535 on says 65535). Here
 * the validator is plugged into the same event stream (xmlSchemaSAXPlug, which is what the
 * reader does internally): every event and every schema error arrives in document order,
 * at the parser's exact line, so each error lands on the order it belongs to and every
 * line number is right in a file of any size. Memory is one order, one read chunk and
 * libxml2's look-ahead, which it caps at 10 MB without XML_PARSE_HUGE.
 *
 * Hostile input (RELIABILITY.md section 3, libxml2 2.9.14): options are XML_PARSE_NONET
 * only (never NOENT, DTDLOAD, DTDVALID, HUGE; XInclude is never processed); any DOCTYPE
 * stops the file before its internal subset is read, so no entity is ever declared, let
 * alone expanded or fetched; the external entity loader refuses everything as a second
 * layer; and the bytes are read here with read(2), so a gzip file is not decompressed
 * behind our back (xmlReadFile would), it is simply not XML. Two limits libxml2 2.9's
 * push parser lacks are added: nesting deeper than 32 elements, and a tag with more than
 * 64 attributes (libxml2 compares them pair by pair), stop the file.
 *
 * What trouble does: a schema violation inside an order fails that order (ROW_MALFORMED,
 * naming the line and the element) and the file goes on. A document that is not
 * well-formed, has a DOCTYPE, breaks the schema outside any order (wrong root, a stray
 * element between orders) or one of the limits stops: the orders completed before it are
 * returned, then fk_xml_next fails with FK_EINPUT naming the file and line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include "core/buf.h"
#include "core/util.h"
#include "ingest/ingest_impl.h"

#define READ_CHUNK (64 * 1024)
#define PUSH_PIECE (16 * 1024)       /* bytes per xmlParseChunk: few orders queue up */
#define MAX_TEXT (64 * 1024)         /* bytes of a value kept; longer ones are reported */
/* Text between two tags: libxml2's own limit without XML_PARSE_HUGE (XML_MAX_TEXT_LENGTH).
 * Its push parser applies it only when it builds a tree; through SAX the schema validator
 * collects an element's text without limit (100 MB of text took 110 MB), so it is applied
 * here: more stops the file. */
#define MAX_TEXT_RUN 10000000
#define MAX_TRACKED_DEPTH 8          /* deeper elements are never part of the model */
#define MAX_DEPTH 32                 /* deeper nesting stops the file: orders need 5 levels */
#define MAX_ATTRIBUTES 64            /* per tag; more stops the file (orders have none) */
#define MAX_SCHEMA_FINDINGS 5        /* per order; the rest are counted in one more */
#define NO_LINE ((size_t)-1)

static const char SCHEMA_HINT[] =
    "Correct the order in the XML export: it does not match faktura's orders schema "
    "(samples/orders.xsd, described in docs/input.md).";

/* The orders schema, a copy of samples/orders.xsd (a unit test keeps them identical).
 * Regenerate after editing the .xsd:
 *   sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' samples/orders.xsd */
static const char orders_xsd[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!--\n"
    "  orders.xsd - the XML input format of faktura (docs/input.md), version 1.\n"
    "\n"
    "  The same order model as the CSV input: the element names are the CSV column names.\n"
    "  <orders> holds <order> elements; an order's fields are child elements in any order, and\n"
    "  its invoice lines are <line> elements inside <lines>. No namespace, no attributes.\n"
    "\n"
    "  This schema checks the structure only. Every value is text, checked afterwards by the\n"
    "  same rules as a CSV value (dates, amounts, VAT numbers, IBANs...), so a CSV and an XML\n"
    "  of the same orders give the same findings. A required element may be empty: its check\n"
    "  then says what is missing, as for an empty CSV cell.\n"
    "\n"
    "  faktura carries a copy of this file (lib/ingest/ingest_xml.c); a unit test keeps the\n"
    "  two identical.\n"
    "-->\n"
    "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" elementFormDefault=\"unqualified\">\n"
    "\n"
    "  <xs:element name=\"orders\">\n"
    "    <xs:complexType>\n"
    "      <xs:sequence>\n"
    "        <xs:element name=\"order\" type=\"order\" minOccurs=\"0\" maxOccurs=\"unbounded\"/>\n"
    "      </xs:sequence>\n"
    "    </xs:complexType>\n"
    "  </xs:element>\n"
    "\n"
    "  <xs:complexType name=\"order\">\n"
    "    <xs:all>\n"
    "      <xs:element name=\"order_id\" type=\"text\"/>\n"
    "      <xs:element name=\"order_date\" type=\"text\"/>\n"
    "      <xs:element name=\"customer_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"customer_type\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"company_name\" type=\"text\"/>\n"
    "      <xs:element name=\"tax_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"country\" type=\"text\"/>\n"
    "      <xs:element name=\"street\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"postal_code\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"city\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"email\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"language\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"currency\" type=\"text\"/>\n"
    "      <xs:element name=\"payment_method\" type=\"text\"/>\n"
    "      <xs:element name=\"card_number\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"card_expiry\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"iban\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"bic\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"mandate_id\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"delivery_date\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"period_start\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"period_end\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"buyer_reference\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"order_reference\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"exchange_rate\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"exchange_rate_date\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"lines\" type=\"lines\"/>\n"
    "    </xs:all>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <xs:complexType name=\"lines\">\n"
    "    <xs:sequence>\n"
    "      <xs:element name=\"line\" type=\"line\" maxOccurs=\"unbounded\"/>\n"
    "    </xs:sequence>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <xs:complexType name=\"line\">\n"
    "    <xs:all>\n"
    "      <xs:element name=\"item_sku\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"item_description\" type=\"text\"/>\n"
    "      <xs:element name=\"quantity\" type=\"text\"/>\n"
    "      <xs:element name=\"unit_price\" type=\"text\"/>\n"
    "      <xs:element name=\"vat_rate\" type=\"text\"/>\n"
    "      <xs:element name=\"vat_category\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"vat_exemption_reason\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"vat_exemption_code\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"supply_type\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"unit\" type=\"text\" minOccurs=\"0\"/>\n"
    "      <xs:element name=\"split_payment\" type=\"text\" minOccurs=\"0\"/>\n"
    "    </xs:all>\n"
    "  </xs:complexType>\n"
    "\n"
    "  <!-- Any text, without child elements or attributes. -->\n"
    "  <xs:simpleType name=\"text\">\n"
    "    <xs:restriction base=\"xs:string\"/>\n"
    "  </xs:simpleType>\n"
    "\n"
    "</xs:schema>\n";

const char *fk_xml__schema_text(size_t *len)
{
    *len = sizeof(orders_xsd) - 1;
    return orders_xsd;
}

/* Where the raw-byte scan (scan_ahead) is: text, or inside which kind of markup. */
enum lex { L_TEXT, L_LT, L_TAG, L_DQ, L_SQ, L_BANG, L_COMMENT, L_CDATA, L_DECL, L_PI };

/* What an open element is, from its name and its parent's kind. */
enum kind { K_OTHER, K_ROOT, K_ORDER, K_OFIELD, K_LINES, K_LINE, K_LFIELD };

struct fk_xml_reader {
    char *path;
    int fd;
    bool own_fd;
    uint64_t bytes, total;
    char *buf;                 /* bytes read but not yet pushed */
    size_t buf_len, buf_pos;
    bool eof, finished;
    char decsep;
    unsigned char lex;         /* scan_ahead's state, its tag's '=' count, last two bytes */
    unsigned lex_attrs;
    char lex_p1, lex_p2;
    unsigned long lex_line, lex_tag_line; /* the scan's line, and where its tag began */

    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vctxt;
    xmlParserCtxtPtr ctxt;
    xmlSchemaSAXPlugPtr plug;

    int depth;                 /* open elements; the root is 1 */
    unsigned char kind[MAX_TRACKED_DEPTH + 1];
    bool in_order;             /* `cur` is an order being read */
    bool closing;              /* its end tag was seen; the validator may still object */
    fk_order cur;
    size_t cur_line;           /* index of the <line> being read, or NO_LINE */
    uint64_t order_seen, line_seen; /* bit per fk_column already set */
    _Static_assert(FK_COL_COUNT <= 64, "order_seen and line_seen have a bit per column");
    bool order_has_lines;
    bool lines_told;           /* the order reached FK_MAX_LINES_PER_ORDER (one finding) */
    bool missing_told;         /* we named the missing children: drop libxml2's version */
    unsigned nschema, schema_more; /* schema findings of `cur`, and those dropped */
    uint64_t schema_errors;        /* in the whole document */
    int field;                 /* column whose text is collected, or -1 */
    uint64_t text_run;         /* bytes of text since the last tag */
    unsigned long field_line;
    char *text;
    size_t text_len, text_total;

    fk_ingest__queue queue;    /* completed orders */

    bool sniffed;              /* the first bytes were checked (prolog_check) */
    bool stopped;              /* xmlStopParser was called (after a failure) */
    bool failed;               /* the document stopped: fail_* say where and why */
    fk_status fail_status;
    unsigned long fail_line;
    char fail_msg[400];
};

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
 * fail() is called from inside libxml2 (SAX callbacks, error handlers), where xmlStopParser
 * is not safe in 2.9.14: it frees the parser's input, and libxml2 may still read it after
 * the callback returns. Two crashes showed it: an error handler called from inside the
 * input's decoding during an encoding switch (a declared "UTF7" and one bad byte: SIGSEGV),
 * and the schema validator, which the plug calls after our SAX handler with the same
 * event's text (a 10 MB value stopped in on_text: a use-after-free under ASan). So here the
 * parser is only halted, as xmlStopParser does but without freeing anything: no more SAX
 * events, and the state libxml2 checks after every callback set to the end of the
 * document, so it returns at once (a DOCTYPE's internal subset is never parsed). parse()
 * calls xmlStopParser when xmlParseChunk has returned. */
static void fail(fk_xml_reader *in, fk_status st, unsigned long line, const char *fmt, ...)
    FK_PRINTF(4, 5);
static void fail(fk_xml_reader *in, fk_status st, unsigned long line, const char *fmt, ...)
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
        fail(in, FK_EINPUT, line, "the document does not match the orders schema "
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
    fail(in, FK_EINPUT, e->line > 0 ? (unsigned long)e->line : parser_line(in),
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
    fail(in, FK_EINPUT, parser_line(in),
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
        fail(in, FK_EINPUT, line, "elements are nested more than %d deep; an orders file "
             "has 5 levels (docs/input.md)", MAX_DEPTH);
        return;
    }
    if (in->depth == 1) {
        if (uri || prefix) {
            char shown_uri[64];
            fail(in, FK_EINPUT, line, "the root element <%s> has a namespace (\"%s\"); "
                 "faktura's <orders> has none", fk_quote_value(name, shown, sizeof(shown)),
                 fk_quote_value(uri ? (const char *)uri : "", shown_uri, sizeof(shown_uri)));
            return;
        }
        if (strcmp(name, "orders") != 0) {
            fail(in, FK_EINPUT, line, "the root element is <%s>; an orders file has <orders> "
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
        fail(in, FK_EINPUT, parser_line(in), "a text of more than %d bytes between two tags "
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

/* ---- reading ---- */

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

static unsigned long count_lines(const char *p, const char *end)
{
    unsigned long n = 0;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* libxml2 2.9 checks a tag's attributes for duplicates pair by pair: a 10 MB start tag of
 * a million attributes takes minutes. Orders have no attributes, so a scan of the raw bytes
 * a step ahead of the parser stops a tag with too many before libxml2 sees it. It knows
 * just enough XML to skip quoted values, comments, CDATA sections, PIs and declarations,
 * and counts lines to name the tag's. Returns false when a tag has more than
 * MAX_ATTRIBUTES; *safe is then how many of the n bytes come before that tag (they are
 * still parsed: the orders before it count). */
static bool scan_ahead(fk_xml_reader *in, const char *p, size_t n, size_t *safe)
{
    const char *start = p, *end = p + n;

    *safe = 0; /* a tag open at the start of the piece began in an earlier one */
    while (p < end) {
        if (in->lex == L_TEXT || in->lex == L_DQ || in->lex == L_SQ) {
            char want = in->lex == L_TEXT ? '<' : in->lex == L_DQ ? '"' : '\'';
            const char *hit = memchr(p, want, (size_t)(end - p));
            in->lex_line += count_lines(p, hit ? hit : end);
            if (!hit)
                return true;
            if (in->lex == L_TEXT) {
                *safe = (size_t)(hit - start);
                in->lex_tag_line = in->lex_line;
            }
            p = hit + 1;
            in->lex = in->lex == L_TEXT ? L_LT : L_TAG;
            continue;
        }
        if (in->lex == L_TAG) { /* the common case after text: a tight loop */
            while (p < end) {
                char c = *p++;
                if (c == '>') {
                    in->lex = L_TEXT;
                    break;
                } else if (c == '=') {
                    if (++in->lex_attrs > MAX_ATTRIBUTES)
                        return false;
                } else if (c == '"' || c == '\'') {
                    in->lex = c == '"' ? L_DQ : L_SQ;
                    break;
                } else if (c == '\n') {
                    in->lex_line++;
                }
            }
            continue;
        }
        char c = *p++;
        if (c == '\n')
            in->lex_line++;
        switch ((enum lex)in->lex) {
        case L_LT:
            in->lex = c == '!' ? L_BANG : c == '?' ? L_PI : c == '>' ? L_TEXT : L_TAG;
            in->lex_attrs = 0;
            break;
        case L_BANG:
            in->lex = c == '-' ? L_COMMENT : c == '[' ? L_CDATA : c == '>' ? L_TEXT : L_DECL;
            in->lex_p1 = in->lex_p2 = 0;
            break;
        case L_COMMENT:
        case L_CDATA:
        case L_PI:
        case L_DECL: {
            char close = in->lex == L_COMMENT ? '-' : in->lex == L_CDATA ? ']' : '?';
            if (c == '>' && (in->lex == L_DECL ||
                             (in->lex_p1 == close && (in->lex == L_PI || in->lex_p2 == close))))
                in->lex = L_TEXT;
            in->lex_p2 = in->lex_p1;
            in->lex_p1 = c;
            break;
        }
        default:
            break;
        }
    }
    return true;
}

static void parse(fk_xml_reader *in, const char *data, size_t n, bool terminate)
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
        fail(in, FK_EINPUT, parser_line(in), "the XML is not well-formed (libxml2 error %d)",
             rc);
    if (!in->failed && terminate && in->schema_errors == 0 &&
        xmlSchemaIsValid(in->vctxt) != 1)
        fail(in, FK_EINPUT, parser_line(in),
             "the document does not match the orders schema (samples/orders.xsd)");
}

/* Parse the next bytes of the document (and, with `terminate`, its end). */
static void push(fk_xml_reader *in, const char *data, size_t n, bool terminate)
{
    size_t safe;

    if (n > 0 && !scan_ahead(in, data, n, &safe)) {
        if (safe > 0)
            parse(in, data, safe, false); /* the orders before the tag still count */
        fail(in, FK_EINPUT, in->lex_tag_line, "a tag has more than %d attributes; the "
             "elements of an orders file have none (docs/input.md)", MAX_ATTRIBUTES);
        return;
    }
    parse(in, data, n, terminate);
}

static fk_status read_more(fk_xml_reader *in, fk_error *err)
{
    ssize_t got;

    in->buf_pos = in->buf_len = 0;
    do
        got = read(in->fd, in->buf, READ_CHUNK);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return fk_error_set(err, FK_EINPUT, in->path, 0, NULL, "cannot read the file: %s",
                            strerror(errno));
    if (got == 0)
        in->eof = true;
    in->buf_len = (size_t)got;
    in->bytes += (uint64_t)got;
    return FK_OK;
}

/* ---- the encoding, decided before libxml2 sees a byte ---- */

typedef enum prolog { PROLOG_OK, PROLOG_BAD, PROLOG_MORE } prolog;

static bool xml_blank(unsigned char c)
{
    return c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D;
}

/* The encoding names libxml2 2.9.14 decodes itself: UTF-8 natively, the others with its
 * built-in handlers (xmlFindCharEncodingHandler matches them upper-cased). Any other name
 * goes to a converter library (ICU in Debian's build, iconv in others): "latin1" and
 * "ISO_8859-1" as well, so they are refused too. */
static bool encoding_accepted(const char *name)
{
    static const char *const accepted[] = {"UTF-8", "UTF8", "ISO-8859-1", "US-ASCII", "ASCII"};
    for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
        if (strcasecmp(name, accepted[i]) == 0)
            return true;
    return false;
}

/* Decide from the first n bytes of the file (`eof`: there are no more) whether libxml2 may
 * read it: PROLOG_MORE until that is known. Only encodings libxml2 decodes itself are
 * accepted (UTF-8, ASCII, ISO-8859-1): fuzzing libxml2 2.9.14 crashed in its UCS-4
 * detection (a file starting "<\0\0\0") and in a conversion through a converter library (a
 * declared "UTF7"). What libxml2 switches encodings on is decided here the way it decides:
 *  - the first four bytes (xmlDetectCharEncoding): a UTF-16 or UTF-32 byte order mark, NUL
 *    bytes (UTF-16 or UCS-4 without one), "<?xm" in EBCDIC;
 *  - the XML declaration, which libxml2 reads only at the very start (after a UTF-8 byte
 *    order mark) as "<?xml" and a blank, and only once its "?>" has arrived, and then
 *    never past that "?>" (its names and numbers cannot contain it). So every "encoding"
 *    between "<?xml" and the first "?>" (or the end of the file) must name an accepted
 *    encoding, however much white space pads it. libxml2 would honour it only at one place
 *    in the grammar; refusing it anywhere refuses nothing well-formed. A declaration that
 *    does not end within the buffer (64 KiB) is refused as well. */
static prolog prolog_check(const unsigned char *b, size_t n, bool eof, char *why, size_t whysz)
{
    if (n < 4 && !eof)
        return PROLOG_MORE;
    /* xmlReadFile would inflate it (a zip bomb's way in); say what it is instead */
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        snprintf(why, whysz, "the file is gzip-compressed, not XML: decompress it first");
        return PROLOG_BAD;
    }
    if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE))) {
        snprintf(why, whysz, "the file is UTF-16 or UTF-32 (it starts with a byte order "
                 "mark), not UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    if (memchr(b, '\0', n < 4 ? n : 4)) {
        snprintf(why, whysz, "the file is UTF-16 or UCS-4 (NUL bytes in its first four), not "
                 "UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    if (n >= 4 && memcmp(b, "\x4C\x6F\xA7\x94", 4) == 0) {
        snprintf(why, whysz, "the file is EBCDIC (it starts with \"<?xm\" in EBCDIC), not "
                 "UTF-8: save it as UTF-8");
        return PROLOG_BAD;
    }
    size_t p = n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (n - p < 6)
        return eof || (n - p >= 1 && b[p] != '<') ? PROLOG_OK : PROLOG_MORE;
    if (memcmp(b + p, "<?xml", 5) != 0 || !xml_blank(b[p + 5]))
        return PROLOG_OK; /* no declaration: UTF-8 */
    size_t end = p + 5;
    while (end + 1 < n && !(b[end] == '?' && b[end + 1] == '>'))
        end++;
    if (end + 1 >= n) {
        if (!eof)
            return PROLOG_MORE;
        end = n;
    }
    for (size_t i = p + 5; i + 8 <= end; i++) {
        if (memcmp(b + i, "encoding", 8) != 0)
            continue;
        char name[48];
        size_t j = i + 8, k = 0;
        bool shown = true;
        while (j < end && xml_blank(b[j]))
            j++;
        if (j < end && b[j] == '=')
            for (j++; j < end && xml_blank(b[j]); j++)
                ;
        unsigned char q = j < end ? b[j] : 0;
        if (q == '"' || q == '\'') {
            for (j++; j < end && b[j] != q; j++) {
                unsigned char c = b[j];
                if (k + 1 < sizeof(name))
                    name[k++] = (char)c;
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
                    shown = false;
            }
        }
        name[k] = '\0';
        if ((q == '"' || q == '\'') && j < end && k + 1 < sizeof(name) && shown && k > 0) {
            if (encoding_accepted(name)) {
                i = j;
                continue;
            }
            snprintf(why, whysz, "the XML declaration names the encoding \"%s\"; only "
                     "UTF-8, US-ASCII and ISO-8859-1 are accepted: save the file as UTF-8",
                     name);
        } else {
            snprintf(why, whysz, "the XML declaration's encoding cannot be read; only UTF-8, "
                     "US-ASCII and ISO-8859-1 are accepted: save the file as UTF-8");
        }
        return PROLOG_BAD;
    }
    return PROLOG_OK;
}

/* Read the file's first bytes until prolog_check decides; a refusal stops the document
 * before a byte is pushed to libxml2. The bytes stay in the buffer for the parser. */
static fk_status sniff(fk_xml_reader *in, fk_error *err)
{
    char why[200];

    for (;;) {
        prolog got = prolog_check((const unsigned char *)in->buf, in->buf_len, in->eof, why,
                                  sizeof(why));
        if (got == PROLOG_MORE && in->buf_len == READ_CHUNK) {
            snprintf(why, sizeof(why), "the XML declaration does not end (\"?>\") within the "
                     "first %d bytes", READ_CHUNK);
            got = PROLOG_BAD;
        }
        if (got != PROLOG_MORE) {
            in->sniffed = true;
            if (got == PROLOG_BAD)
                fail(in, FK_EINPUT, 1, "%s", why);
            return FK_OK;
        }
        ssize_t n;
        do
            n = read(in->fd, in->buf + in->buf_len, READ_CHUNK - in->buf_len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            return fk_error_set(err, FK_EINPUT, in->path, 0, NULL, "cannot read the file: %s",
                                strerror(errno));
        if (n == 0)
            in->eof = true;
        in->buf_len += (size_t)n;
        in->bytes += (uint64_t)n;
    }
}

/* Push input until an order is queued, the document stops, or the input ends. */
static fk_status parse_some(fk_xml_reader *in, fk_error *err)
{
    while (in->queue.len == 0 && !in->failed && !in->finished) {
        if (!in->sniffed) {
            fk_status st = sniff(in, err);
            if (st != FK_OK)
                return st;
            continue;
        }
        if (in->buf_pos == in->buf_len) {
            if (in->eof && in->bytes == 0) {
                fail(in, FK_EINPUT, 1, "the file is empty: an orders file has an <orders> "
                     "element (docs/input.md)");
                break;
            }
            if (in->eof) {
                push(in, NULL, 0, true);
                in->finished = true;
                break;
            }
            fk_status st = read_more(in, err);
            if (st != FK_OK)
                return st;
            continue;
        }
        size_t n = in->buf_len - in->buf_pos;
        if (n > PUSH_PIECE)
            n = PUSH_PIECE;
        push(in, in->buf + in->buf_pos, n, false);
        in->buf_pos += n;
    }
    return FK_OK;
}

static fk_status open_input(fk_xml_reader *in, const char *path, fk_error *err)
{
    struct stat sb;

    if (strcmp(path, "-") == 0) {
        in->fd = STDIN_FILENO;
        return FK_OK;
    }
    do
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
    while (in->fd < 0 && errno == EINTR);
    if (in->fd < 0)
        return fk_error_set(err, FK_EINPUT, path, 0, NULL, "cannot open the input file: %s",
                            strerror(errno));
    in->own_fd = true;
    if (fstat(in->fd, &sb) == 0 && S_ISDIR(sb.st_mode))
        return fk_error_set(err, FK_EINPUT, path, 0, NULL, "is a directory, not an input file");
    if (fstat(in->fd, &sb) == 0 && S_ISREG(sb.st_mode))
        in->total = (uint64_t)sb.st_size;
    return FK_OK;
}

static void on_schema_parse_error(void *ctx, xmlErrorPtr e)
{
    char *msg = ctx;
    if (e && e->level != XML_ERR_WARNING && !msg[0])
        first_line(e->message, msg, 200);
}

/* Compile the built-in schema and plug its validator into a new push parser. */
static fk_status setup_parser(fk_xml_reader *in, fk_error *err)
{
    char msg[200] = "";
    saved_handlers s;
    xmlSAXHandler sax;
    xmlSchemaParserCtxtPtr pctxt;

    handlers_enter(in, &s);
    pctxt = xmlSchemaNewMemParserCtxt(orders_xsd, (int)sizeof(orders_xsd) - 1);
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

fk_status fk_xml_open(fk_xml_reader **out, const char *path, const fk_ingest_options *opts,
                      fk_error *err)
{
    fk_xml_reader *in;
    fk_status st;

    (void)opts; /* XML amounts always use '.'; the delimiter is a CSV matter */
    *out = NULL;
    xmlInitParser();
    in = fk_xcalloc(1, sizeof(*in));
    in->queue.size = sizeof(fk_order);
    in->path = fk_xstrdup(path);
    in->fd = -1;
    in->field = -1;
    in->cur_line = NO_LINE;
    in->decsep = '.';
    in->lex_line = 1;
    fk_order_init(&in->cur);
    if ((st = open_input(in, path, err)) != FK_OK || (st = setup_parser(in, err)) != FK_OK) {
        fk_xml_close(in);
        return st;
    }
    in->buf = fk_xmalloc(READ_CHUNK);
    *out = in;
    return FK_OK;
}

fk_status fk_xml_next(fk_xml_reader *in, fk_order *o, bool *got, fk_error *err)
{
    fk_order_clear(o);
    *got = false;
    fk_status st = parse_some(in, err);
    if (st != FK_OK)
        return st;
    if (in->queue.len > 0) {
        *o = *(fk_order *)fk_ingest__queue_pop(&in->queue);
        *got = true;
        return FK_OK;
    }
    if (in->failed)
        return fk_error_set(err, in->fail_status, in->path, in->fail_line, NULL, "%s",
                            in->fail_msg);
    return FK_OK;
}

void fk_xml_progress(const fk_xml_reader *in, uint64_t *bytes, uint64_t *total)
{
    *bytes = in->bytes;
    *total = in->total;
}

void fk_xml_close(fk_xml_reader *in)
{
    if (!in)
        return;
    if (in->plug)
        xmlSchemaSAXUnplug(in->plug);
    if (in->ctxt)
        xmlFreeParserCtxt(in->ctxt);
    if (in->vctxt)
        xmlSchemaFreeValidCtxt(in->vctxt);
    if (in->schema)
        xmlSchemaFree(in->schema);
    if (in->own_fd)
        close(in->fd);
    for (size_t i = 0; i < in->queue.len; i++)
        fk_order_clear(fk_ingest__queue_at(&in->queue, i));
    free(in->queue.items);
    fk_order_clear(&in->cur);
    if (in->text) {
        memset(in->text, 0, MAX_TEXT + 1);
        free(in->text);
    }
    if (in->buf) {
        memset(in->buf, 0, READ_CHUNK); /* may hold card numbers */
        free(in->buf);
    }
    free(in->path);
    free(in);
}
