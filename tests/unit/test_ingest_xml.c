/* test_ingest_xml.c -- XML ingestion: the model, line numbers, schema findings per order,
 * documents that stop (not well-formed, wrong root, DOCTYPE), hostile input, stdin, and
 * the built-in schema being samples/orders.xsd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "core/buf.h"
#include "ingest/ingest.h"
#include "ingest/ingest_impl.h"
#include "tmpdir.h"

#define SECRET "TOPSECRET-4711-do-not-leak"

/* One valid order's fields, and its one line. */
#define FIELDS(id) "<order_id>" id "</order_id>" FIELDS_REST
#define FIELDS_REST "<order_date>2026-11-18</order_date>" \
    "<company_name>ACME GmbH</company_name><tax_id>DE136695976</tax_id>" \
    "<country>DE</country><currency>EUR</currency>" \
    "<payment_method>bank_transfer</payment_method>"
#define LINE1 "<lines><line><item_description>Thing</item_description><quantity>1</quantity>" \
    "<unit_price>10.00</unit_price><vat_rate>19</vat_rate></line></lines>"

static char path[FK_TMP_PATH];
static char secret_path[FK_TMP_PATH];

static void write_file(const char *content, size_t n)
{
    fk_tmp_template(path, sizeof(path), "fk_test_XXXXXX.xml");
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    close(fd);
}

typedef struct got {
    fk_order *o;
    size_t n, cap;
    fk_status st;
    fk_error err;
} got;

/* Read every order of `content` (as an .xml file, or from stdin when `use_stdin`). */
static void read_all_ex(const char *content, size_t n, got *g, bool use_stdin)
{
    fk_ingest *in = NULL;
    fk_ingest_options opts = {FK_INPUT_XML, 0, 0, NULL};
    bool more = false;
    int saved = -1;

    write_file(content, n);
    memset(g, 0, sizeof(*g));
    g->err = (fk_error)FK_ERROR_INIT;
    if (use_stdin) {
        saved = dup(STDIN_FILENO);
        assert_non_null(freopen(path, "rb", stdin));
    }
    g->st = fk_ingest_open(&in, use_stdin ? "-" : path, &opts, &g->err);
    if (g->st == FK_OK) {
        for (;;) {
            if (g->n == g->cap) {
                g->cap = g->cap ? g->cap * 2 : 8;
                g->o = realloc(g->o, g->cap * sizeof(*g->o));
                assert_non_null(g->o);
            }
            fk_order_init(&g->o[g->n]);
            g->st = fk_ingest_next(in, &g->o[g->n], &more, &g->err);
            if (g->st != FK_OK || !more) {
                fk_order_clear(&g->o[g->n]);
                break;
            }
            g->n++;
        }
        fk_ingest_close(in);
    }
    if (use_stdin) {
        assert_true(dup2(saved, STDIN_FILENO) == STDIN_FILENO);
        close(saved);
        clearerr(stdin);
    }
    unlink(path);
}

static void read_all(const char *content, got *g)
{
    read_all_ex(content, strlen(content), g, false);
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++)
        fk_order_clear(&g->o[i]);
    free(g->o);
}

static const fk_finding *finding(const fk_order *o, fk_code c)
{
    for (size_t i = 0; i < o->nfindings; i++)
        if (o->findings[i].code == c)
            return &o->findings[i];
    return NULL;
}

/* No text of any order (fields, findings) and no error message contains `s`. */
static void assert_nowhere(const got *g, const char *s)
{
    assert_null(strstr(g->err.message, s));
    for (size_t i = 0; i < g->n; i++) {
        const fk_order *o = &g->o[i];
        for (int c = 0; c < FK_ORDER_FIELDS; c++)
            assert_null(strstr(o->f[c], s));
        for (size_t l = 0; l < o->nlines; l++)
            for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
                assert_null(strstr(FK_LINE_FIELD(&o->lines[l], c), s));
        for (size_t k = 0; k < o->nfindings; k++)
            assert_null(strstr(o->findings[k].message, s));
    }
}

/* `tmpl` with every "{}" replaced by `v`. */
static char *subst(const char *tmpl, const char *v)
{
    fk_buf b = FK_BUF_INIT;
    const char *p;
    while ((p = strstr(tmpl, "{}")) != NULL) {
        fk_buf_append(&b, tmpl, (size_t)(p - tmpl));
        fk_buf_puts(&b, v);
        tmpl = p + 2;
    }
    fk_buf_puts(&b, tmpl);
    return fk_buf_take(&b);
}

static int setup_secret(void **state)
{
    fk_tmp_template(secret_path, sizeof(secret_path), "fk_secret_XXXXXX");
    int fd = mkstemp(secret_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, SECRET "\n", sizeof(SECRET)), (ssize_t)sizeof(SECRET));
    close(fd);
    return 0;
}

static int teardown_secret(void **state)
{
    unlink(secret_path);
    return 0;
}

/* ---- tests ---- */

/* The model: fields in any order, lines, line numbers of <order> and <line>, values
 * trimmed of layout white space, entities and CDATA decoded, the card masked. */
static void test_model(void **state)
{
    static const char in[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<orders>\n"
        "  <order>\n"                                               /* line 3 */
        "    <company_name>\n      Smith &amp; Jones &lt;UK&gt;\n    </company_name>\n"
        "    <order_id>X1</order_id><order_date>2026-11-18</order_date>\n"
        "    <country>GB</country><currency>GBP</currency>\n"
        "    <payment_method>card</payment_method>\n"
        "    <card_number>4111 1111 1111 1111</card_number><card_expiry>12/28</card_expiry>\n"
        "    <lines>\n"
        "      <line><item_sku>A</item_sku><item_description><![CDATA[a <b> & c]]>"
        "</item_description>\n"                                     /* line 12 */
        "        <quantity>2.5</quantity><unit_price>10.00</unit_price>"
        "<vat_rate>20</vat_rate></line>\n"
        "      <line><vat_rate>0</vat_rate><unit_price>1</unit_price><quantity>1</quantity>"
        "<item_description>two\nlines</item_description></line>\n" /* line 14 */
        "    </lines>\n"
        "  </order>\n"
        "  <!-- a comment --><?pi ignored?>\n"
        "  <order>" FIELDS("X2") LINE1 "</order>\n"                 /* line 19 */
        "</orders>\n";
    got g;

    read_all(in, &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    fk_order *o = &g.o[0];
    assert_int_equal(o->nfindings, 0);
    assert_string_equal(o->file, path);
    assert_int_equal(o->line, 3);
    assert_int_equal(o->decimal_sep, '.');
    assert_string_equal(o->f[FK_COL_ORDER_ID], "X1");
    assert_string_equal(o->f[FK_COL_COMPANY_NAME], "Smith & Jones <UK>");
    assert_string_equal(o->f[FK_COL_TAX_ID], ""); /* absent optional element */
    assert_string_equal(o->f[FK_COL_CARD_NUMBER], "VISA ****1111");
    assert_true(o->card.luhn_ok);
    assert_int_equal(o->nlines, 2);
    assert_int_equal(o->lines[0].line, 12);
    assert_int_equal(o->lines[1].line, 14);
    assert_string_equal(FK_LINE_FIELD(&o->lines[0], FK_COL_ITEM_DESCRIPTION), "a <b> & c");
    assert_string_equal(FK_LINE_FIELD(&o->lines[0], FK_COL_QUANTITY), "2.5");
    assert_string_equal(FK_LINE_FIELD(&o->lines[1], FK_COL_ITEM_DESCRIPTION), "two\nlines");
    assert_string_equal(FK_LINE_FIELD(&o->lines[1], FK_COL_ITEM_SKU), "");
    assert_int_equal(g.o[1].line, 19);
    assert_string_equal(g.o[1].f[FK_COL_ORDER_ID], "X2");
    assert_int_equal(g.o[1].nfindings, 0);
    got_free(&g);
}

/* The schema compiled into the library is samples/orders.xsd, byte for byte. */
static void test_embedded_schema(void **state)
{
    const char *src = getenv("FK_SRCDIR");
    assert_non_null(src);
    char *file = subst("{}/samples/orders.xsd", src);
    FILE *fp = fopen(file, "rb");
    assert_non_null(fp);
    fk_buf b = FK_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        fk_buf_append(&b, chunk, n);
    fclose(fp);
    size_t len;
    const char *xsd = fk_xml__schema_text(&len);
    assert_true(len > 1000);
    assert_int_equal(len, b.len);
    assert_memory_equal(xsd, b.ptr, len);
    fk_buf_free(&b);
    free(file);
}

/* Schema violations inside an order fail that order, naming the line and the element;
 * the orders around it are untouched. Errors the validator raises at an end tag (missing
 * children) belong to the order that tag closes, not to the next one. */
static void test_schema_per_order(void **state)
{
    static const char doc[] =
        "<orders>\n"
        "<order>" FIELDS("S1") LINE1 "</order>\n"
        "<order>" FIELDS("S2") "\n<bogus>1</bogus>\n" LINE1 "</order>\n"
        "<order>" FIELDS("S3") "</order>\n"                         /* no <lines>: line 6 */
        "<order>" FIELDS("S4") "<lines><line><quantity>1</quantity></line></lines></order>\n"
        "<order attr=\"x\">" FIELDS("S5") LINE1 "</order>\n"        /* line 8 */
        "<order>" FIELDS("S6") "\n<currency>USD</currency>" LINE1 "</order>\n"
        "<order>" FIELDS("S7") LINE1 "</order>\n"
        "</orders>\n";
    got g;

    read_all(doc, &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 7);
    assert_int_equal(g.o[0].nfindings, 0);

    const fk_finding *f = finding(&g.o[1], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_null(f->field);
    assert_non_null(strstr(f->message, "line 4: element <bogus>: This element is not expected"));
    assert_non_null(f->hint);
    assert_non_null(strstr(f->hint, "orders.xsd"));
    assert_int_equal(g.o[1].nfindings, 1);
    assert_string_equal(g.o[1].f[FK_COL_ORDER_ID], "S2");

    f = finding(&g.o[2], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_string_equal(f->message, "line 6: element <order>: lacks the required element(s) "
                                    "<lines>");
    assert_int_equal(g.o[2].nfindings, 1); /* not libxml2's own, incomplete, version */
    assert_int_equal(g.o[2].nlines, 0);

    f = finding(&g.o[3], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_string_equal(f->message, "line 7: element <line>: lacks the required element(s) "
                                    "<item_description>, <unit_price>, <vat_rate>");
    assert_int_equal(g.o[3].nfindings, 1);
    assert_int_equal(g.o[3].nlines, 1);

    f = finding(&g.o[4], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "line 8: element <order>: attribute 'attr': The "));
    assert_int_equal(g.o[4].line, 8);

    /* a repeated field is reported on that field; the first value stays */
    f = finding(&g.o[5], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_string_equal(f->field, "currency");
    assert_non_null(strstr(f->message, "line 10: element <currency>: This element is not"));
    assert_string_equal(g.o[5].f[FK_COL_CURRENCY], "EUR");

    assert_int_equal(g.o[6].nfindings, 0);
    assert_string_equal(g.o[6].f[FK_COL_ORDER_ID], "S7");
    got_free(&g);
}

/* Many errors in one order: a few are listed, the rest counted. An empty order_id. */
static void test_many_errors_and_missing_id(void **state)
{
    got g;
    read_all("<orders><order>" FIELDS("E1") "<lines><line/><line/><line/><line/><line/>"
             "<line/><line/></lines></order>"
             "<order><order_id> </order_id><order_date/><company_name>X</company_name>"
             "<country/><currency/><payment_method/>" LINE1 "</order></orders>", &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    /* seven empty lines: five findings and a count */
    assert_int_equal(g.o[0].nfindings, 6);
    assert_non_null(strstr(g.o[0].findings[0].message, "element <line>: lacks the required"));
    assert_non_null(strstr(g.o[0].findings[5].message, "2 more schema error(s)"));
    assert_int_equal(g.o[0].findings[5].code, FK_CODE_ROW_MALFORMED);
    assert_int_equal(g.o[1].nfindings, 1);
    assert_int_equal(g.o[1].findings[0].code, FK_CODE_ORDER_ID_MISSING);
    got_free(&g);
}

/* Not well-formed (a truncated file): the orders before the error come out, then the
 * error names the file and the line. */
static void test_truncated(void **state)
{
    got g;
    read_all("<orders>\n<order>" FIELDS("T1") LINE1 "</order>\n<order>" FIELDS("T2")
             "\n<lin", &g);
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.o[0].f[FK_COL_ORDER_ID], "T1");
    assert_string_equal(g.err.file, path);
    assert_int_equal(g.err.line, 4);
    assert_non_null(strstr(g.err.message, "not well-formed"));
    got_free(&g);

    /* a mismatched tag in the middle stops there too */
    read_all("<orders>\n<order>" FIELDS("M1") LINE1 "</order>\n<order>" FIELDS("M2")
             "</lines></order>\n<order>" FIELDS("M3") LINE1 "</order></orders>", &g);
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.err.line, 3);
    assert_non_null(strstr(g.err.message, "mismatch"));
    got_free(&g);

    /* bytes that are not UTF-8 make the document not well-formed; the bytes are not
     * quoted in the message (they could be card digits) */
    read_all("<orders>\n<order>" FIELDS("U1") LINE1 "</order>\n<order>" FIELDS("U2\xff" "4111")
             LINE1 "</order>\n</orders>", &g);
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.err.line, 3);
    assert_null(strstr(g.err.message, "0x34"));
    assert_null(strstr(g.err.message, "4111"));
    got_free(&g);
}

#define DEEP "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>"

/* What stops a document before or between orders. */
static void test_document_errors(void **state)
{
    static const struct {
        const char *doc;
        size_t len; /* 0: strlen */
        unsigned long line;
        const char *msg;
        size_t orders;
    } cases[] = {
        {"", 0, 1, "the file is empty", 0},
        {"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10, 1, "gzip-compressed", 0},
        {"<?xml version=\"1.0\"?>\n<invoices/>", 0, 2, "the root element is <invoices>", 0},
        {"<orders xmlns=\"urn:x\"/>", 0, 1, "has a namespace (\"urn:x\")", 0},
        {"<orders>\n<order>" FIELDS("D1") LINE1 "</order>\n<note>hi</note>\n</orders>", 0, 3,
         "Element 'note': This element is not expected", 1},
        {"<orders>\ntext\n</orders>", 0, 3, "Character content", 0},
        {"<orders></orders><orders/>", 0, 1, "not well-formed", 0},
        {"<orders>\n<order>\n" DEEP DEEP "</order></orders>", 0, 3, "nested more than 32", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *doc = cases[i].doc;
        got g;
        read_all_ex(doc, cases[i].len ? cases[i].len : strlen(doc), &g, false);
        print_message("case %zu: %s\n", i, g.err.message);
        assert_int_equal(g.st, FK_EINPUT);
        assert_int_equal(g.n, cases[i].orders);
        assert_int_equal(g.err.line, cases[i].line);
        assert_non_null(strstr(g.err.message, cases[i].msg));
        got_free(&g);
    }

    /* An empty <orders/> is a valid file without orders. */
    got g;
    read_all("<?xml version=\"1.0\"?>\n<orders/>\n", &g);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 0);
    got_free(&g);
}

/* Hostile documents: every DTD is refused before its entities are read, so nothing is
 * expanded or fetched, and the secret file's content appears nowhere. */
static void test_hostile(void **state)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE orders [\n"
        " <!ENTITY a \"lollollollollollollollollollol\">\n"
        " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
        " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
        " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        " <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
        " <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        " <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
        " <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n"
        "]>\n"
        "<orders><order><order_id>&i;</order_id></order></orders>\n";
    const char *docs[] = {
        laughs,
        /* XXE: an external general entity naming a local file */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE orders [<!ENTITY x SYSTEM \"file://{}\">]>\n"
        "<orders><order><order_id>&x;</order_id></order></orders>\n",
        /* the same through a parameter entity */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE orders [<!ENTITY % p SYSTEM \"file://{}\"> %p;]>"
        "\n<orders/>\n",
        /* an external DTD */
        "<?xml version=\"1.0\"?>\n<!DOCTYPE orders SYSTEM \"file://{}\">\n<orders/>\n",
    };
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        char *doc = subst(docs[i], secret_path);
        got g;
        read_all(doc, &g);
        assert_int_equal(g.st, FK_EINPUT);
        assert_int_equal(g.n, 0);
        assert_int_equal(g.err.line, 2);
        assert_non_null(strstr(g.err.message, "DOCTYPE declarations are not accepted"));
        assert_nowhere(&g, SECRET);
        assert_nowhere(&g, "lollol");
        got_free(&g);
        free(doc);
    }

    /* XInclude is never processed: inside an order it is an unknown element that fails
     * the order; between orders it stops the document. */
    char *doc = subst("<orders xmlns:xi=\"http://www.w3.org/2001/XInclude\">\n"
                      "<order>" FIELDS("X1") "<street><xi:include href=\"file://{}\" "
                      "parse=\"text\"/></street>" LINE1 "</order>\n"
                      "<xi:include href=\"file://{}\" parse=\"text\"/>\n</orders>\n",
                      secret_path);
    got g;
    read_all(doc, &g);
    assert_int_equal(g.n, 1);
    const fk_finding *f = finding(&g.o[0], FK_CODE_ROW_MALFORMED);
    assert_non_null(f);
    assert_string_equal(f->field, "street");
    assert_non_null(strstr(f->message, "element <street>: Element content is not allowed"));
    assert_string_equal(g.o[0].f[FK_COL_STREET], "");
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.err.line, 3);
    assert_nowhere(&g, SECRET);
    got_free(&g);
    free(doc);
}

/* Many attributes on one tag are refused before libxml2 checks them pair by pair (minutes
 * for a million); '=' and '<' in comments, CDATA, PIs and quoted values do not count, and
 * the scan holds across the pieces the file is pushed in. */
static void test_attribute_flood(void **state)
{
    fk_buf many = FK_BUF_INIT, doc = FK_BUF_INIT;
    for (int i = 0; i < 100; i++)
        fk_buf_printf(&many, " a%d=\"=\"", i);

    /* markup that looks like a flood, but is not a tag; padding crosses a 16 KiB piece */
    fk_buf_puts(&doc, "<?xml version=\"1.0\"?>\n<orders>\n<!-- ");
    for (int i = 0; i < 2000; i++)
        fk_buf_puts(&doc, "<x a=1 b=2> ");
    fk_buf_printf(&doc, "-->\n<?pi <x %s> ?>\n<order>" FIELDS("F1") "<street><![CDATA[<x %s>]]>"
                  "</street>" LINE1 "</order>\n", many.ptr, many.ptr);
    fk_buf_puts(&doc, "<order>" FIELDS("F2") "<city a='>' b=\"'\"/>" LINE1 "</order>\n");
    size_t ok_len = doc.len;
    fk_buf_puts(&doc, "</orders>\n");
    got g;
    read_all_ex(doc.ptr, doc.len, &g, false);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.o[0].nfindings, 0);
    assert_non_null(strstr(g.o[0].f[FK_COL_STREET], "a99=\"=\""));
    assert_non_null(finding(&g.o[1], FK_CODE_ROW_MALFORMED)); /* attributes: schema error */
    got_free(&g);

    /* the same, then a real flood: the orders before it come out, then the error */
    doc.len = ok_len;
    fk_buf_printf(&doc, "<order%s>\n", many.ptr);
    read_all_ex(doc.ptr, doc.len, &g, false);
    assert_int_equal(g.st, FK_EINPUT);
    assert_int_equal(g.n, 2);
    assert_non_null(strstr(g.err.message, "a tag has more than 64 attributes"));
    assert_int_equal(g.err.line, 7);
    got_free(&g);
    fk_buf_free(&many);
    fk_buf_free(&doc);
}

/* Line numbers stay exact past 65535 (libxml2 nodes keep 16 bits), for orders, lines
 * and schema errors; and thousands of orders come out one by one, in order. */
static void test_big_line_numbers(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_puts(&b, "<orders>\n");
    for (int i = 0; i < 70000; i++)
        fk_buf_puts(&b, "<!-- padding -->\n");
    for (int i = 0; i < 2000; i++) {
        char id[16];
        snprintf(id, sizeof(id), "B%d", i);
        fk_buf_printf(&b, "<order>\n<order_id>%s</order_id>" FIELDS_REST "\n%s" LINE1
                      "\n</order>\n", id, i == 1500 ? "<oops/>" : "");
    }
    fk_buf_puts(&b, "</orders>\n");
    got g;
    read_all_ex(b.ptr, b.len, &g, false);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 2000);
    for (int i = 0; i < 2000; i++) {
        unsigned long want = 70002 + 4 * (unsigned long)i;
        char id[16];
        snprintf(id, sizeof(id), "B%d", i);
        assert_string_equal(g.o[i].f[FK_COL_ORDER_ID], id);
        assert_int_equal(g.o[i].line, want);
        assert_int_equal(g.o[i].lines[0].line, want + 2);
        assert_int_equal(g.o[i].nfindings, i == 1500 ? 1 : 0);
    }
    char want[64];
    snprintf(want, sizeof(want), "line %lu: element <oops>", 70002 + 4 * 1500UL + 2);
    assert_non_null(strstr(g.o[1500].findings[0].message, want));
    got_free(&g);
    fk_buf_free(&b);
}

/* A value longer than the limit is cut and reported with its real length. */
static void test_long_value(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_buf_puts(&b, "<orders><order><order_id>L1</order_id><company_name>");
    for (int i = 0; i < 100000; i++)
        fk_buf_putc(&b, 'x');
    fk_buf_puts(&b, "</company_name></order></orders>");
    got g;
    read_all_ex(b.ptr, b.len, &g, false);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 1);
    const fk_finding *f = finding(&g.o[0], FK_CODE_FIELD_TOO_LONG);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "company_name has 100000 bytes"));
    assert_int_equal(strlen(g.o[0].f[FK_COL_COMPANY_NAME]), FK_MAX_FIELD_BYTES);
    got_free(&g);
    fk_buf_free(&b);
}

/* Other encodings are declared and converted; stdin ("-") works with --input-format xml. */
static void test_encoding_and_stdin(void **state)
{
    got g;
    static const char doc[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<orders>"
        "<order>" FIELDS("E1") "<city>M\xfcnchen</city>" LINE1 "</order></orders>";
    read_all_ex(doc, strlen(doc), &g, true);
    assert_int_equal(g.st, FK_OK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.o[0].file, "-");
    assert_string_equal(g.o[0].f[FK_COL_CITY], "M\xc3\xbcnchen");
    assert_int_equal(g.o[0].nfindings, 0);
    got_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_embedded_schema),
        cmocka_unit_test(test_schema_per_order),
        cmocka_unit_test(test_many_errors_and_missing_id),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_document_errors),
        cmocka_unit_test_setup_teardown(test_hostile, setup_secret, teardown_secret),
        cmocka_unit_test(test_attribute_flood),
        cmocka_unit_test(test_big_line_numbers),
        cmocka_unit_test(test_long_value),
        cmocka_unit_test(test_encoding_and_stdin),
    };
    return cmocka_run_group_tests_name("ingest_xml", tests, NULL, NULL);
}
