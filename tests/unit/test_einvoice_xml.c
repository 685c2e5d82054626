/* SPDX-License-Identifier: MIT */
/* test_einvoice_xml.c -- the e-invoice XML writer and the in-process XSD check.
 *
 * The writer (fk_xw_*, einvoice_common.c) makes the bytes libxml2's xmlTextWriter makes
 * (indent one space) without using it: the e-invoices issued before it and their
 * reprints stay byte-identical. Proven here against xmlTextWriter itself on thousands of
 * random documents: random element nesting, attributes and text with every byte that
 * needs escaping (<, >, &, ", CR, LF, TAB, non-ASCII), empty text, and the calls
 * xmlTextWriter refuses (an attribute after text, an end tag too many), which must fail
 * the same way.
 *
 * The XSD check (fk_einv_validate) validates the bytes as they are parsed: a valid
 * document passes; one the schema refuses fails with the schema's message and its line;
 * bytes that are not well-formed XML (cut short, content after the root, a control
 * character) fail as not well-formed, silently (nothing on stderr). The valid document is
 * the Factur-X kit's EN 16931 example (FK_SRCDIR/../shared/einvoice); without the kit
 * that test is skipped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/xmlwriter.h>
#include "einvoice/einvoice_impl.h"
#include "tmpdir.h"

/* ---- the writer against xmlTextWriter ----------------------------------------------- */

/* The reference: the same calls through xmlTextWriter, as the writer was before. */
typedef struct ref {
    xmlTextWriterPtr w;
    xmlBufferPtr buf;
    bool failed;
} ref;

static void ref_open(ref *r)
{
    r->buf = xmlBufferCreate();
    r->w = xmlNewTextWriterMemory(r->buf, 0);
    r->failed = false;
    xmlTextWriterSetIndent(r->w, 1);
    xmlTextWriterSetIndentString(r->w, BAD_CAST " ");
    if (xmlTextWriterStartDocument(r->w, "1.0", "UTF-8", NULL) < 0)
        r->failed = true;
}

static void ref_check(ref *r, int rc)
{
    if (rc < 0)
        r->failed = true;
}

/* xmlTextWriter's document, or NULL when a call failed (freed by the caller). */
static char *ref_close(ref *r, size_t *len)
{
    char *out = NULL;
    if (!r->failed && xmlTextWriterEndDocument(r->w) < 0)
        r->failed = true;
    xmlFreeTextWriter(r->w);
    if (!r->failed) {
        *len = (size_t)xmlBufferLength(r->buf);
        out = malloc(*len + 1);
        memcpy(out, xmlBufferContent(r->buf), *len);
    }
    xmlBufferFree(r->buf);
    return out;
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const names[] = {"rsm:Root", "ram:ID", "ram:Name", "cbc:Note", "a", "b:c"};

/* Pieces of text and attribute values: every byte class the escaping treats apart. */
static const char *const pieces[] = {
    "", "plain", "12.30", "a & b", "<tag>", "x > y", "\"quoted\"", "it's", "\r\n", "\r",
    "\n", "\t", "tab\there", "Grüße", "Łódź", "€ 5", "\xF0\x9D\x84\x9E", "]]>", "&amp;",
    "&#13;", " lead and trail ", "NO 123 456 789 MVA", "\x7F", "a\"b<c>d&e\rf\ng\th",
};

/* Text only (xmlTextWriter copies text bytes as they are): bytes that are not UTF-8 and
 * control characters (in attributes libxml2 would complain about them on stderr). */
static const char *const text_only[] = {"\x01", "\xC3", "\xFF\xFE", "bad\x80utf8", "\x1B[0m"};

static void random_value(char *buf, size_t n, bool text)
{
    size_t k = 0;
    unsigned parts = rnd(4);
    buf[0] = '\0';
    for (unsigned i = 0; i < parts; i++) {
        const char *p = text && rnd(6) == 0 ? text_only[rnd(sizeof(text_only) / sizeof(*text_only))]
                                            : pieces[rnd(sizeof(pieces) / sizeof(*pieces))];
        size_t l = strlen(p);
        if (k + l + 1 > n)
            break;
        memcpy(buf + k, p, l + 1);
        k += l;
    }
}

/* One random document written both ways; true when both failed or wrote the same bytes. */
static void one_document(int round)
{
    fk_xw w;
    ref r;
    fk_buf out = FK_BUF_INIT;
    fk_error err = FK_ERROR_INIT;
    size_t ref_len = 0;
    int ops = 1 + (int)rnd(40), depth = 0;
    bool misuse = rnd(8) == 0; /* calls xmlTextWriter refuses, now and then */

    fk_xw_open(&w);
    ref_open(&r);
    for (int i = 0; i < ops; i++) {
        char v[128];
        unsigned op = rnd(10);
        const char *name = names[rnd(sizeof(names) / sizeof(*names))];
        if (op < 3 || depth == 0) {
            if (depth == 0 && i > 0 && !misuse)
                break; /* one root */
            fk_xw_start(&w, name);
            ref_check(&r, xmlTextWriterStartElement(r.w, BAD_CAST name));
            depth++;
        } else if (op < 5) {
            if (depth == 0 && !misuse)
                continue;
            fk_xw_end(&w);
            ref_check(&r, xmlTextWriterEndElement(r.w));
            depth -= depth > 0;
        } else if (op < 7) {
            random_value(v, sizeof(v), false);
            fk_xw_attr(&w, "attr", v);
            ref_check(&r, xmlTextWriterWriteAttribute(r.w, BAD_CAST "attr", BAD_CAST v));
        } else if (op < 9) {
            random_value(v, sizeof(v), true);
            fk_xw_text(&w, v);
            ref_check(&r, xmlTextWriterWriteString(r.w, BAD_CAST v));
        } else {
            random_value(v, sizeof(v), true);
            fk_xw_el(&w, name, v); /* start, text, end */
            ref_check(&r, xmlTextWriterStartElement(r.w, BAD_CAST name));
            ref_check(&r, xmlTextWriterWriteString(r.w, BAD_CAST v));
            ref_check(&r, xmlTextWriterEndElement(r.w));
        }
    }
    fk_status st = fk_xw_close(&w, &out, &err);
    char *want = ref_close(&r, &ref_len);
    if (!want) {
        if (st == FK_OK)
            fail_msg("round %d: xmlTextWriter refused the calls, fk_xw wrote:\n%s", round,
                     out.ptr);
    } else {
        if (st != FK_OK)
            fail_msg("round %d: fk_xw failed (%s), xmlTextWriter wrote:\n%.*s", round,
                     err.message, (int)ref_len, want);
        if (out.len != ref_len || memcmp(out.ptr, want, ref_len) != 0)
            fail_msg("round %d: different bytes\nfk_xw:\n%s\nxmlTextWriter:\n%.*s", round,
                     out.ptr, (int)ref_len, want);
    }
    free(want);
    fk_buf_free(&out);
}

/* The sanitizer build writes the first 500 of the 5000 (each call and each kind of
 * misuse a few dozen times): under ASan the reference, whose buffers libxml2 allocates
 * afresh for every document, takes two seconds for 5000. */
#ifdef FK_SANITIZER_BUILD
#define WRITER_ROUNDS 500
#else
#define WRITER_ROUNDS 5000
#endif

static void writer_matches_xmltextwriter(void **state)
{
    (void)state;
    for (int i = 0; i < WRITER_ROUNDS; i++)
        one_document(i);
}

/* The shape of a CII: nesting, attributes, empty and escaped text, by hand. */
static void writer_known_bytes(void **state)
{
    fk_xw w;
    fk_buf out = FK_BUF_INIT;
    fk_error err = FK_ERROR_INIT;
    (void)state;

    fk_xw_open(&w);
    fk_xw_start(&w, "rsm:Doc");
    fk_xw_attr(&w, "xmlns:rsm", "urn:x");
    fk_xw_start(&w, "ram:Party");
    fk_xw_el(&w, "ram:Name", "Müller & Söhne <GmbH>");
    fk_xw_el_attr(&w, "ram:Amount", "currencyID", "EUR", "12.30");
    fk_xw_el(&w, "ram:Empty", "");
    fk_xw_start(&w, "ram:Nothing");
    fk_xw_end(&w);
    fk_xw_el_attr(&w, "ram:ID", "schemeID", "a\"b\tÄ", "x");
    fk_xw_end(&w);
    fk_xw_end(&w);
    assert_int_equal(fk_xw_close(&w, &out, &err), FK_OK);
    assert_string_equal(out.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<rsm:Doc xmlns:rsm=\"urn:x\">\n"
                                 " <ram:Party>\n"
                                 "  <ram:Name>Müller &amp; Söhne &lt;GmbH&gt;</ram:Name>\n"
                                 "  <ram:Amount currencyID=\"EUR\">12.30</ram:Amount>\n"
                                 "  <ram:Empty></ram:Empty>\n"
                                 "  <ram:Nothing/>\n"
                                 "  <ram:ID schemeID=\"a&quot;b&#9;Ä\">x</ram:ID>\n"
                                 " </ram:Party>\n"
                                 "</rsm:Doc>\n");
    fk_buf_free(&out);
}

/* Calls that make no document fail it: nothing is appended. */
static void writer_misuse_fails(void **state)
{
    fk_xw w;
    fk_buf out = FK_BUF_INIT;
    fk_error err = FK_ERROR_INIT;
    (void)state;

    fk_xw_open(&w);
    fk_xw_start(&w, "a");
    fk_xw_text(&w, "t");
    fk_xw_attr(&w, "late", "v"); /* after text */
    fk_xw_end(&w);
    assert_int_equal(fk_xw_close(&w, &out, &err), FK_EINTERNAL);
    assert_int_equal(out.len, 0);

    fk_xw_open(&w);
    fk_xw_start(&w, "a");
    fk_xw_end(&w);
    fk_xw_end(&w); /* one too many */
    assert_int_equal(fk_xw_close(&w, &out, &err), FK_EINTERNAL);
    assert_int_equal(out.len, 0);

    fk_xw_open(&w); /* left open: closed as xmlTextWriterEndDocument does */
    fk_xw_start(&w, "a");
    fk_xw_start(&w, "b");
    assert_int_equal(fk_xw_close(&w, &out, &err), FK_OK);
    assert_string_equal(out.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n <b/>\n</a>\n");
    fk_buf_free(&out);
}

/* ---- the XSD check ---------------------------------------------------------------------- */

static fk_einv_schemas *schemas;
static fk_buf kit;
static int skipped;

#define NEED_KIT()                                                                           \
    do {                                                                                    \
        if (kit.len == 0) {                                                                 \
            print_message("skipped: no ../shared/einvoice next to the checkout\n");         \
            skipped++;                                                                      \
            skip();                                                                         \
            return; /* skip() longjmps, but cmocka does not declare it noreturn */          \
        }                                                                                   \
    } while (0)

static int setup(void **state)
{
    const char *src = getenv("FK_SRCDIR");
    char path[4096];
    fk_error err = FK_ERROR_INIT;
    FILE *fp;
    char chunk[8192];
    size_t n;

    (void)state;
    schemas = fk_einv_schemas_new();
    if (fk_einv_schemas_need(schemas, 1u << FK_EINV_FACTURX, &err) != FK_OK) {
        print_error("%s\n", err.message);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/../shared/einvoice/facturx/examples/factur-x-en16931.xml",
             src && src[0] ? src : ".");
    if ((fp = fopen(path, "rb"))) {
        while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
            fk_buf_append(&kit, chunk, n);
        fclose(fp);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fk_einv_schemas_free(schemas);
    fk_buf_free(&kit);
    return 0;
}

static const fk_einv_profile *facturx(void)
{
    return fk_einv_profile_of(FK_EINV_FACTURX);
}

/* fk_einv_validate with stderr caught: the check must print nothing. */
static fk_status validate(const char *xml, size_t len, fk_einv_problem *why, fk_error *err)
{
    char path[FK_TMP_PATH];
    int fd = mkstemp(fk_tmp_template(path, sizeof(path), "fk_einv_stderr_XXXXXX"));
    int saved = dup(2);
    fk_status st;
    off_t size;

    assert_true(fd >= 0 && saved >= 0);
    unlink(path);
    *err = (fk_error)FK_ERROR_INIT; /* the first error sticks */
    fflush(stderr);
    dup2(fd, 2);
    st = fk_einv_validate(schemas, facturx(), xml, len, why, err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size = lseek(fd, 0, SEEK_END);
    close(fd);
    assert_int_equal(size, 0);
    return st;
}

static void valid_document_passes(void **state)
{
    fk_einv_problem why;
    fk_error err = FK_ERROR_INIT;
    (void)state;

    NEED_KIT();
    assert_int_equal(validate(kit.ptr, kit.len, &why, &err), FK_OK);
    assert_int_equal(why, FK_EINV_OK);
}

/* The kit's document with `insert` put before the byte at `at` (a string to find). */
static void edited(fk_buf *b, const char *at, const char *insert, bool cut)
{
    const char *p = strstr(kit.ptr, at);
    assert_non_null(p);
    fk_buf_reset(b);
    fk_buf_append(b, kit.ptr, (size_t)(p - kit.ptr));
    fk_buf_puts(b, insert);
    if (!cut)
        fk_buf_puts(b, p);
}

static void invalid_documents_fail(void **state)
{
    fk_buf b = FK_BUF_INIT;
    fk_einv_problem why;
    fk_error err = FK_ERROR_INIT;
    (void)state;

    NEED_KIT();
    /* schema-invalid: an element the schema does not allow, on a known line */
    edited(&b, "</rsm:CrossIndustryInvoice>", "<Broken/>", false);
    assert_int_equal(validate(b.ptr, b.len, &why, &err), FK_EINPUT);
    assert_int_equal(why, FK_EINV_INVALID);
    assert_non_null(strstr(err.message, "fails its schema (line "));
    assert_non_null(strstr(err.message, "Element 'Broken': This element is not expected"));
    {
        int line = 1;
        for (const char *p = b.ptr; p < strstr(b.ptr, "<Broken/>"); p++)
            line += *p == '\n';
        char want[64];
        snprintf(want, sizeof(want), "(line %d)", line);
        assert_non_null(strstr(err.message, want));
    }

    /* not well-formed: cut short, content after the root, a control character */
    edited(&b, "</rsm:CrossIndustryInvoice>", "", true);
    assert_int_equal(validate(b.ptr, b.len, &why, &err), FK_EINPUT);
    assert_int_equal(why, FK_EINV_INVALID);
    assert_non_null(strstr(err.message, "not well-formed"));

    fk_buf_reset(&b);
    fk_buf_append(&b, kit.ptr, kit.len);
    fk_buf_puts(&b, "<rsm:CrossIndustryInvoice/>");
    assert_int_equal(validate(b.ptr, b.len, &why, &err), FK_EINPUT);
    assert_int_equal(why, FK_EINV_INVALID);
    assert_non_null(strstr(err.message, "not well-formed"));

    const char *id = strstr(kit.ptr, "<ram:ID>");
    assert_non_null(id);
    fk_buf_reset(&b);
    fk_buf_append(&b, kit.ptr, (size_t)(id - kit.ptr) + 8);
    fk_buf_putc(&b, '\x01');
    fk_buf_puts(&b, id + 8);
    assert_int_equal(validate(b.ptr, b.len, &why, &err), FK_EINPUT);
    assert_int_equal(why, FK_EINV_INVALID);
    assert_non_null(strstr(err.message, "not well-formed"));
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer_matches_xmltextwriter),
        cmocka_unit_test(writer_known_bytes),
        cmocka_unit_test(writer_misuse_fails),
        cmocka_unit_test(valid_document_passes),
        cmocka_unit_test(invalid_documents_fail),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed ? failed : skipped ? 77 : 0;
}
