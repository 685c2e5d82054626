/* SPDX-License-Identifier: MIT */
/* test_render.c -- the PDF renderer (render/render.h), checked from the outside.
 *
 * A PDF is only right if a reader sees the right thing, so these tests render invoices and
 * read them back with poppler's pdftotext (text, and -bbox for word positions) and check
 * them with qpdf: names in Polish, Norwegian, Czech, Greek and Cyrillic extract intact;
 * labels and number formats follow the language; a 120-line order runs over several pages
 * with "Page n of m", a repeated table header and every item exactly once; no word lies
 * outside the page or on top of another; equal input gives equal bytes; failures come
 * back as statuses with a message.
 *
 * Most tests use the system's full DejaVu fonts (FK_FONT_DIR, no companion fonts); the
 * "fast path" tests use the build's default fonts (FK_DEFAULT_FONT: subsets with their
 * per-code-page companions, cmake/Fonts.cmake) and check that text of every script still
 * extracts exactly, that an ordinary invoice takes the single-byte path (no CID font) and
 * stays small, and that a seller logo is drawn.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/invoice_codes.h"
#include "render/render.h"
#include "tmpdir.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_LINES 200

/* cmocka's skip() alone shows as Passed in ctest: every skip here is counted, and main()
 * then exits with 77, which tests/CMakeLists.txt declares as SKIP_RETURN_CODE. */
static int skipped;
#define SKIP_BECAUSE(why)                                                                   \
    do {                                                                                    \
        print_message("skipped: %s\n", why);                                                \
        skipped++;                                                                          \
        skip();                                                                             \
        return; /* skip() longjmps, but cmocka does not declare it noreturn */              \
    } while (0)

/* ---- helpers ------------------------------------------------------------------------- */

static char font_reg[512], font_bold[512];

static int setup_fonts(void **state)
{
    const char *dir = getenv("FK_FONT_DIR");

    (void)state;
    if (!dir || !dir[0])
        dir = "/usr/share/fonts/truetype/dejavu";
    snprintf(font_reg, sizeof(font_reg), "%s/DejaVuSans.ttf", dir);
    snprintf(font_bold, sizeof(font_bold), "%s/DejaVuSans-Bold.ttf", dir);
    return 0;
}

/* Storage for one test invoice; strings are static or live in `desc`. */
typedef struct fixture {
    fk_invoice inv;
    fk_doc_line lines[MAX_LINES];
    char desc[MAX_LINES][2048];
    fk_doc_vat vat[4];
} fixture;

static void base_invoice(fixture *f, const char *lang)
{
    memset(f, 0, sizeof(*f));
    f->inv.number = "INV-2026-000042";
    f->inv.issue_date = "2026-03-02";
    f->inv.order_date = "2026-02-27";
    f->inv.delivery_date = "2026-02-27";
    f->inv.due_date = "2026-03-16";
    f->inv.order_id = "ORD-77001";
    f->inv.currency = "EUR";
    f->inv.exponent = 2;
    f->inv.language = lang;
    f->inv.seller = (fk_party){"Bjørnstad Ærø AS", "Storgata 1", "0155", "Oslo", "NO",
                               "NO923456783MVA", NULL, NULL, NULL, NULL, "", "", ""};
    f->inv.buyer = (fk_party){"Ελληνική ΑΕ", "Οδός Ερμού 10", "105 63", "Αθήνα", "GR",
                              "EL094014201", NULL, NULL, NULL, NULL, "", "", ""};
    f->inv.buyer_is_business = true;
    f->inv.lines = f->lines;
    f->inv.vat = f->vat;
    f->inv.payment = FK_DOC_PAY_TRANSFER;
    f->inv.seller_iban = "NO93 8601 1117 947";
    f->inv.seller_bic = "DNBANOKKXXX";
    f->inv.payment_reference = "INV-2026-000042";
}

static void add_line(fixture *f, const char *desc, const char *sku, int64_t qty_milli,
                     int64_t unit, int32_t vat_centi)
{
    size_t i = f->inv.nlines++;

    assert_true(i < MAX_LINES);
    snprintf(f->desc[i], sizeof(f->desc[i]), "%s", desc);
    f->lines[i].description = f->desc[i];
    f->lines[i].sku = sku;
    f->lines[i].qty_milli = qty_milli;
    f->lines[i].unit_price = unit;
    f->lines[i].vat_centi = vat_centi;
    f->lines[i].net = qty_milli * unit / 1000;
}

/* Fill the VAT rows and totals from the lines (the tests' inputs divide evenly). */
static void compute_totals(fixture *f)
{
    f->inv.nvat = 0;
    f->inv.net_total = f->inv.vat_total = 0;
    for (size_t i = 0; i < f->inv.nlines; i++) {
        size_t k;
        for (k = 0; k < f->inv.nvat && f->vat[k].vat_centi != f->lines[i].vat_centi; k++)
            ;
        if (k == f->inv.nvat) {
            assert_true(k < COUNT(f->vat));
            f->vat[k].vat_centi = f->lines[i].vat_centi;
            f->inv.nvat++;
        }
        f->vat[k].taxable += f->lines[i].net;
    }
    for (size_t k = 0; k < f->inv.nvat; k++) {
        f->vat[k].vat = f->vat[k].taxable * f->vat[k].vat_centi / 10000;
        f->inv.net_total += f->vat[k].taxable;
        f->inv.vat_total += f->vat[k].vat;
    }
    f->inv.gross_total = f->inv.net_total + f->inv.vat_total;
}

/* The first VAT breakdown reverse-charged, with its legal note in the invoice's
 * language, as the pipeline's document would have it. */
static void reverse_charge(fixture *f)
{
    memcpy(f->vat[0].category, "AE", 3);
    f->vat[0].note = fk_vat_category_note("AE", f->inv.language);
}

static fk_renderer *new_renderer(void)
{
    fk_renderer *r = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_status st = fk_renderer_new(&r, font_reg, font_bold, &err);

    if (st != FK_OK)
        fail_msg("fk_renderer_new: %s", err.message);
    assert_non_null(r);
    return r;
}

static void render(const fk_invoice *inv, fk_buf *pdf)
{
    fk_renderer *r = new_renderer();
    fk_error err = FK_ERROR_INIT;
    fk_status st = fk_renderer_render(r, inv, pdf, &err);

    if (st != FK_OK)
        fail_msg("fk_renderer_render: %s", err.message);
    fk_renderer_free(r);
    assert_true(pdf->len > 1000);
    assert_memory_equal(pdf->ptr, "%PDF-1.", 7);
}

/* The PDF in a temporary file; the caller unlinks it and frees the name. */
static char *write_temp(const fk_buf *pdf)
{
    char *path = malloc(FK_TMP_PATH);
    FILE *fp;
    int fd;

    assert_non_null(path);
    fd = mkstemp(fk_tmp_template(path, FK_TMP_PATH, "fk_render_XXXXXX"));
    assert_true(fd >= 0);
    fp = fdopen(fd, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(pdf->ptr, 1, pdf->len, fp), pdf->len);
    assert_int_equal(fclose(fp), 0);
    return path;
}

/* Run a shell command; its stdout as a malloc'ed string, its exit status in *status. */
static char *run(const char *cmd, int *status)
{
    FILE *p = popen(cmd, "r");
    fk_buf out = FK_BUF_INIT;
    char chunk[8192];
    size_t n;
    int rc;

    assert_non_null(p);
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        fk_buf_append(&out, chunk, n);
    rc = pclose(p);
    if (status)
        *status = rc;
    return fk_buf_take(&out);
}

/* pdftotext -layout of the rendered invoice. libharu 2.3.0 writes a ToUnicode CMap that
 * poppler warns about ("Invalid 'begincidrange'") but reads correctly, hence 2>/dev/null. */
static char *pdf_text(const fk_buf *pdf)
{
    char *path = write_temp(pdf), cmd[1200], *text;
    int st;

    snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' - 2>/dev/null", path);
    text = run(cmd, &st);
    assert_int_equal(st, 0);
    unlink(path);
    free(path);
    return text;
}

static bool mem_find(const char *hay, size_t n, const char *needle)
{
    size_t len = strlen(needle);

    for (size_t i = 0; i + len <= n; i++)
        if (!memcmp(hay + i, needle, len))
            return true;
    return false;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);

    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in the PDF text:\n%s", needle, text);
}

static void assert_once(const char *text, const char *needle)
{
    size_t n = count(text, needle);
    if (n != 1)
        fail_msg("expected \"%s\" exactly once, found %zu times", needle, n);
}

/* Page `k` (1-based) of pdftotext output, which separates pages with form feeds; a
 * malloc'ed copy. */
static char *page_text(const char *text, int k)
{
    const char *p = text, *e;

    for (int i = 1; i < k; i++) {
        p = strchr(p, '\f');
        assert_non_null(p);
        p++;
    }
    e = strchr(p, '\f');
    if (!e)
        e = p + strlen(p);
    {
        char *s = malloc((size_t)(e - p) + 1);
        assert_non_null(s);
        memcpy(s, p, (size_t)(e - p));
        s[e - p] = '\0';
        return s;
    }
}

/* ---- tests ------------------------------------------------------------------------------ */

static void polish_fixture(fixture *f)
{
    base_invoice(f, "pl");
    f->inv.number = "FV/2026/03/0017";
    f->inv.currency = "PLN";
    f->inv.seller = (fk_party){"Sklep Čeština Řád s.r.o.", "Náměstí Míru 7", "120 00", "Praha",
                               "CZ", "CZ12345679", NULL, NULL, NULL, NULL, "", "", ""};
    f->inv.buyer = (fk_party){"Łódź Żurawie Sp. z o.o.", "ul. Piotrkowska 100", "90-001",
                              "Łódź", "PL", "PL7251234567", NULL, NULL, NULL, NULL, "", "", ""};
    add_line(f, "Żuraw wieżowy — serwis roczny", "ZW-01", 2000, 1234567, 2300);
    add_line(f, "Книга «Война и мир»", "", 1500, 4000, 800);
    add_line(f, "Śruby M8 ocynkowane, opakowanie 100 szt.", "SR-M8", 12000, 1999, 2300);
    compute_totals(f);
}

static void test_polish_invoice_text(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    char *text;

    (void)state;
    polish_fixture(f);
    /* 2*12345.67 + 12*19.99 = 24931.22 at 23% (5734.18); 1.5*40.00 = 60.00 at 8% (4.80) */
    assert_int_equal(f->inv.gross_total, 2493122 + 573418 + 6000 + 480);
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);

    assert_contains(text, "Faktura VAT");
    assert_contains(text, "FV/2026/03/0017");
    assert_contains(text, "Łódź Żurawie Sp. z o.o.");
    assert_contains(text, "90-001 Łódź");
    assert_contains(text, "NIP: PL7251234567");
    assert_contains(text, "Sklep Čeština Řád s.r.o.");
    assert_contains(text, "Книга «Война и мир»");
    assert_contains(text, "Żuraw wieżowy — serwis roczny");
    /* Polish number format: space grouping, comma decimals; totals carry the currency. */
    assert_contains(text, "12 345,67");
    assert_contains(text, "24 931,22");
    assert_contains(text, "5 734,18");
    assert_contains(text, "30 730,20 PLN");
    assert_contains(text, "Do zapłaty (brutto)");
    assert_contains(text, "23%");
    assert_contains(text, "8%");
    assert_contains(text, "1,5"); /* quantity 1500 milli */
    assert_contains(text, "Kod: ZW-01");
    assert_contains(text, "Data dostawy");
    assert_contains(text, "27.02.2026");
    assert_contains(text, "Termin płatności");
    assert_contains(text, "16.03.2026");
    assert_null(strstr(text, "2026-02-27"));
    assert_contains(text, "Tytuł przelewu");
    assert_contains(text, "NO93 8601 1117 947");
    assert_contains(text, "Strona 1 z 1");
    assert_null(strstr(text, "Odwrotne obciążenie"));
    assert_null(strstr(text, "Invoice"));
    free(text);
    fk_buf_free(&pdf);
    free(f);
}

/* Labels, number conventions and payment texts per language and method. */
static void test_languages_and_payments(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    char *text;

    (void)state;
    /* German, SEPA, reverse charge */
    base_invoice(f, "de");
    add_line(f, "Beratung Müller", "", 1000, 123456, 0);
    add_line(f, "Kaffee", "", 2500, 400, 775);
    compute_totals(f);
    f->inv.payment = FK_DOC_PAY_SEPA;
    f->inv.mandate_id = "MNDT-2026-0815";
    f->inv.iban_masked = "DE** **** **** **** **30 00";
    reverse_charge(f);
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "Rechnung");
    assert_contains(text, "1.234,56");
    assert_contains(text, "2,5");
    assert_contains(text, "7,75");
    assert_contains(text, "Steuerschuldnerschaft des Leistungsempfängers");
    assert_contains(text, "SEPA-Lastschrift");
    assert_contains(text, "MNDT-2026-0815");
    assert_contains(text, "DE** **** **** **** **30 00");
    assert_contains(text, "USt-IdNr.: EL094014201");
    assert_contains(text, "Seite 1 von 1");
    assert_contains(text, "02.03.2026");
    free(text);
    fk_buf_free(&pdf);

    /* Norwegian, card, 25.5 % shows trimmed, reverse charge wording */
    base_invoice(f, "nb");
    f->inv.currency = "NOK";
    add_line(f, "Fiskekake", "", 3000, 123456, 2550);
    compute_totals(f);
    f->inv.payment = FK_DOC_PAY_CARD;
    f->inv.card_brand = "VISA";
    f->inv.card_last4 = "1234";
    reverse_charge(f);
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "Faktura");
    assert_contains(text, "Bjørnstad Ærø AS");
    assert_contains(text, "1 234,56");
    assert_contains(text, "25,5");
    assert_contains(text, "Omvendt avgiftsplikt");
    assert_contains(text, "Betalt med VISA ****1234");
    assert_contains(text, "Side 1 av 1");
    assert_contains(text, "16.03.2026");
    free(text);
    fk_buf_free(&pdf);

    /* Unknown language: English; JPY has no decimals */
    base_invoice(f, "fr");
    f->inv.currency = "JPY";
    f->inv.exponent = 0;
    add_line(f, "Tea set", "", 1000, 1234567, 1000);
    compute_totals(f);
    f->inv.payment = FK_DOC_PAY_CARD;
    f->inv.card_brand = "VISA";
    f->inv.card_last4 = "1234";
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "Invoice");
    assert_contains(text, "1,234,567");
    assert_contains(text, "1,358,023 JPY"); /* 1,234,567 + 10 % (123,456) */
    assert_contains(text, "Paid by VISA ****1234");
    assert_contains(text, "2 Mar 2026");
    assert_contains(text, "27 Feb 2026");
    assert_contains(text, "16 Mar 2026");
    assert_contains(text, "Ελληνική ΑΕ");
    assert_contains(text, "VAT ID: EL094014201");
    assert_null(strstr(text, "Reverse charge"));
    assert_null(strstr(text, "1,234,567.")); /* no decimals at exponent 0 */
    free(text);
    fk_buf_free(&pdf);

    /* The language is taken verbatim: "de-AT" is not "de" (the caller decides it). */
    base_invoice(f, "de-AT");
    add_line(f, "Kaffee", "", 1000, 400, 1000);
    compute_totals(f);
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "Invoice");
    assert_contains(text, "Page 1 of 1");
    assert_null(strstr(text, "Rechnung"));
    free(text);
    fk_buf_free(&pdf);

    /* NULL language: English; KWD has three decimals */
    base_invoice(f, NULL);
    f->inv.currency = "KWD";
    f->inv.exponent = 3;
    f->inv.buyer.vat_id = NULL;
    add_line(f, "Dates", "", 1000, 1234567, 0);
    compute_totals(f);
    reverse_charge(f);
    static const char *const foot1[] = {"Registered in Oslo, org. no. 923 456 783"};
    f->inv.footer = foot1;
    f->inv.nfooter = 1;
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "1,234.567 KWD");
    assert_contains(text, "Reverse charge");
    assert_contains(text, "Payment reference");
    assert_contains(text, "DNBANOKKXXX");
    assert_contains(text, "Registered in Oslo, org. no. 923 456 783");
    assert_once(text, "VAT ID:"); /* the seller's only: the buyer has none */
    free(text);
    fk_buf_free(&pdf);
    free(f);
}

/* 120 lines: some wrap, one has a word wider than the column. */
static void long_fixture(fixture *f)
{
    char d[2048];

    base_invoice(f, "en");
    for (int i = 1; i <= 120; i++) {
        if (i % 10 == 0)
            snprintf(d, sizeof(d), "Item %03d heavy-duty replacement bearing assembly with "
                     "seals, grease and mounting hardware for the north conveyor line, "
                     "delivered pre-assembled", i);
        else if (i == 55)
            snprintf(d, sizeof(d), "Item %03d %s", i,
                     "PARTNUMBER0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJK"
                     "LMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        else
            snprintf(d, sizeof(d), "Item %03d widget", i);
        add_line(f, d, i % 3 ? "" : "SKU-9", 1000 + 500 * (i % 4), 1999 + i,
                 i % 2 ? 2500 : 1200);
    }
    static const char *const foot[] = {
        "Bjørnstad Ærø AS, Storgata 1, 0155 Oslo. Foretaksregisteret NO 923 456 783 MVA. "
        "Questions about this invoice: faktura@example.no"};
    f->inv.footer = foot;
    f->inv.nfooter = 1;
    compute_totals(f);
}

static void test_long_invoice_pages(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    char *text, needle[64];
    const char *prev = NULL, *p;
    int npages = 0;

    (void)state;
    long_fixture(f);
    render(&f->inv, &pdf);
    text = pdf_text(&pdf);

    /* Every item exactly once and in order. */
    for (int i = 1; i <= 120; i++) {
        snprintf(needle, sizeof(needle), "Item %03d ", i);
        assert_once(text, needle);
        p = strstr(text, needle);
        assert_true(prev == NULL || p > prev);
        prev = p;
    }

    /* "Page n of m" on each page, m > 1, and m pages in the file. */
    p = strstr(text, "Page 1 of ");
    assert_non_null(p);
    npages = atoi(p + strlen("Page 1 of "));
    assert_true(npages >= 3);
    assert_int_equal(count(text, "\f"), (size_t)npages); /* pdftotext ends each page */
    for (int k = 1; k <= npages; k++) {
        char *pg = page_text(text, k);
        snprintf(needle, sizeof(needle), "Page %d of %d", k, npages);
        assert_once(pg, needle);
        /* Every page with items repeats the table header, once. */
        if (strstr(pg, "Item "))
            assert_once(pg, "Description");
        /* The footer is on every page too. */
        assert_contains(pg, "Foretaksregisteret");
        if (k > 1)
            assert_contains(pg, "Invoice INV-2026-000042");
        free(pg);
    }
    snprintf(needle, sizeof(needle), "Page %d of %d", npages + 1, npages);
    assert_null(strstr(text, needle));

    /* Totals and payment come once, after the last item, on the last page. */
    assert_once(text, "Total incl. VAT");
    assert_once(text, "Payment reference");
    assert_true(strstr(text, "Total incl. VAT") > strstr(text, "Item 120 "));
    {
        char *last = page_text(text, npages);
        assert_contains(last, "Payment reference");
        free(last);
    }
    /* The over-long word is broken, not lost: its start and end both print. */
    assert_contains(text, "PARTNUMBER0123");
    assert_contains(text, "WXYZ0123456789");
    free(text);
    fk_buf_free(&pdf);
    free(f);
}

/* Word boxes from pdftotext -bbox: nothing off the page, under the page margins, or on top
 * of another word. */
typedef struct box {
    double x0, y0, x1, y1;
} box;

static void check_layout(const fk_buf *pdf, int *pages_out, size_t *words_out)
{
    char *path = write_temp(pdf), cmd[1200], *html, *p;
    box *b = NULL;
    size_t nb = 0, cap = 0, words = 0;
    double pw = 0, ph = 0;
    int st, pages = 0;

    snprintf(cmd, sizeof(cmd), "pdftotext -bbox '%s' - 2>/dev/null", path);
    html = run(cmd, &st);
    assert_int_equal(st, 0);
    unlink(path);
    free(path);

    /* A sentinel "<page" at the end flushes the last page. */
    for (p = html;; ) {
        char *pg = strstr(p, "<page "), *w = strstr(p, "<word ");
        if (!pg && !w)
            pg = html + strlen(html);
        if (pg && (!w || pg < w)) {
            /* check the page just finished */
            for (size_t i = 0; i < nb; i++) {
                /* (y grows downwards here; the page number sits ~28 pt above the edge) */
                if (b[i].x0 < 40 || b[i].x1 > pw - 40 || b[i].y0 < 25 || b[i].y1 > ph - 20)
                    fail_msg("page %d: word outside the margins at (%.1f,%.1f)-(%.1f,%.1f)",
                             pages, b[i].x0, b[i].y0, b[i].x1, b[i].y1);
                for (size_t j = i + 1; j < nb; j++) {
                    const double t = 0.3;
                    if (b[i].x0 < b[j].x1 - t && b[j].x0 < b[i].x1 - t &&
                        b[i].y0 < b[j].y1 - t && b[j].y0 < b[i].y1 - t)
                        fail_msg("page %d: words overlap at (%.1f,%.1f) and (%.1f,%.1f)",
                                 pages, b[i].x0, b[i].y0, b[j].x0, b[j].y0);
                }
            }
            nb = 0;
            if (!*pg)
                break;
            assert_int_equal(sscanf(pg, "<page width=\"%lf\" height=\"%lf\"", &pw, &ph), 2);
            pages++;
            p = pg + 1;
        } else {
            box x;
            assert_int_equal(sscanf(w, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" "
                                       "yMax=\"%lf\"", &x.x0, &x.y0, &x.x1, &x.y1), 4);
            if (nb == cap) {
                cap = cap ? 2 * cap : 256;
                b = realloc(b, cap * sizeof(*b));
                assert_non_null(b);
            }
            b[nb++] = x;
            words++;
            p = w + 1;
        }
    }
    free(b);
    free(html);
    *pages_out = pages;
    *words_out = words;
}

static void test_nothing_cut_or_overprinted(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT, big = FK_BUF_INIT;
    size_t words;
    int pages;
    char *text;

    (void)state;
    long_fixture(f);
    render(&f->inv, &pdf);
    check_layout(&pdf, &pages, &words);
    assert_true(pages >= 3);
    assert_true(words > 120 * 4);
    fk_buf_free(&pdf);

    /* One item taller than a whole page: it has to be split, line by line. */
    base_invoice(f, "en");
    for (int i = 0; i < 1200; i++)
        fk_buf_printf(&big, "w%04d ", i);
    add_line(f, "Item 001 small", "", 1000, 100, 2500);
    add_line(f, "", "", 1000, 100, 2500);
    f->lines[1].description = fk_buf_cstr(&big);
    add_line(f, "Item 003 small", "", 1000, 100, 2500);
    compute_totals(f);
    render(&f->inv, &pdf);
    check_layout(&pdf, &pages, &words);
    assert_true(pages >= 2);
    text = pdf_text(&pdf);
    for (int i = 0; i < 1200; i += 37) {
        char w[16];
        snprintf(w, sizeof(w), "w%04d", i);
        assert_once(text, w);
    }
    assert_once(text, "w1199");
    assert_once(text, "Item 003 small");
    free(text);
    fk_buf_free(&pdf);
    fk_buf_free(&big);
    free(f);
}

static void test_reproducible_bytes(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf a = FK_BUF_INIT, b = FK_BUF_INIT, c = FK_BUF_INIT;
    fk_renderer *r = new_renderer();
    fk_error err = FK_ERROR_INIT;

    (void)state;
    long_fixture(f);
    /* Same renderer twice (its reused arena must not leak into the output) ... */
    assert_int_equal(fk_renderer_render(r, &f->inv, &a, &err), FK_OK);
    assert_int_equal(fk_renderer_render(r, &f->inv, &b, &err), FK_OK);
    /* ... and a fresh one. */
    render(&f->inv, &c);
    assert_true(a.len > 1000);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.ptr, b.ptr, a.len);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.ptr, c.ptr, a.len);
    /* No clock and no file ID (the trailer is plain text at the end). */
    assert_false(mem_find(a.ptr, a.len, "CreationDate"));
    assert_true(mem_find(a.ptr + a.len - 300, 300, "trailer"));
    assert_false(mem_find(a.ptr + a.len - 300, 300, "/ID"));

    /* Rendering appends: a second invoice goes after the first. */
    {
        size_t len1 = a.len;
        assert_int_equal(fk_renderer_render(r, &f->inv, &a, &err), FK_OK);
        assert_int_equal(a.len, 2 * len1);
        assert_memory_equal(a.ptr + len1, b.ptr, len1);
    }
    fk_renderer_free(r);
    fk_buf_free(&a);
    fk_buf_free(&b);
    fk_buf_free(&c);
    free(f);
}

static void test_qpdf_check(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    char *path, cmd[1200], *out;
    int st;

    (void)state;
    out = run("command -v qpdf", &st);
    free(out);
    if (st != 0) {
        free(f);
        SKIP_BECAUSE("no qpdf");
    }
    long_fixture(f);
    render(&f->inv, &pdf);
    path = write_temp(&pdf);
    snprintf(cmd, sizeof(cmd), "qpdf --check '%s' 2>&1", path);
    out = run(cmd, &st);
    /* qpdf exits 0 only without errors and warnings (2: errors, 3: warnings). */
    if (st != 0)
        fail_msg("qpdf --check failed (%d):\n%s", st, out);
    assert_contains(out, "No syntax or stream encoding errors");
    free(out);
    unlink(path);
    free(path);
    fk_buf_free(&pdf);
    free(f);
}

/* Bad input is tolerated where it can be printed, refused where it cannot. */
static void test_errors_and_odd_text(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_renderer *r = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_buf pdf = FK_BUF_INIT;
    char *text;

    (void)state;
    /* A missing font is an environment problem, reported at start-up with the path. */
    assert_int_equal(fk_renderer_new(&r, "/nonexistent/NoSuchFont.ttf", NULL, &err), FK_EENV);
    assert_null(r);
    assert_string_equal(err.file, "/nonexistent/NoSuchFont.ttf");
    assert_non_null(strstr(err.message, "NoSuchFont.ttf"));
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_new(&r, NULL, NULL, &err), FK_EUSAGE);

    /* Bold missing: regular is used for headings. */
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_new(&r, font_reg, NULL, &err), FK_OK);

    /* An impossible exponent is a bug upstream: FK_EINTERNAL, output untouched. */
    base_invoice(f, "en");
    add_line(f, "x", "", 1000, 100, 0);
    compute_totals(f);
    f->inv.exponent = 42;
    fk_buf_puts(&pdf, "keep");
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_render(r, &f->inv, &pdf, &err), FK_EINTERNAL);
    assert_int_equal(err.status, FK_EINTERNAL);
    assert_string_equal(fk_buf_cstr(&pdf), "keep");

    /* Invalid UTF-8, control characters, an astral character and NULL strings still
     * render; the readable parts survive. Zero lines is a valid (empty) invoice. */
    base_invoice(f, "en");
    add_line(f, "Bad \xC3\x28 byte\tand\nnewline \xF0\x9F\x98\x80 emoji", NULL, 1000, 100,
             0);
    f->inv.seller.street = NULL;
    f->inv.buyer.email = NULL;
    f->inv.order_id = NULL;
    compute_totals(f);
    fk_buf_reset(&pdf);
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_render(r, &f->inv, &pdf, &err), FK_OK);
    text = pdf_text(&pdf);
    assert_contains(text, "Bad ?( byte and newline ? emoji");
    free(text);

    base_invoice(f, "en");
    compute_totals(f);
    fk_buf_reset(&pdf);
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_render(r, &f->inv, &pdf, &err), FK_OK);
    text = pdf_text(&pdf);
    assert_contains(text, "Total incl. VAT");
    assert_contains(text, "0.00 EUR");
    free(text);

    fk_renderer_free(r);

    /* The fonts are read into memory at start-up: a font file deleted afterwards does
     * not matter, and the bytes are the same. A file that is not a font is refused at
     * start-up as an environment problem naming the file. */
    {
        fk_buf copy = FK_BUF_INIT, again = FK_BUF_INIT, ref = FK_BUF_INIT;
        char *tmp, cmd[1200], *o;
        int rc;
        fk_buf_puts(&copy, "%PDF-1.3 placeholder so write_temp() has bytes");
        tmp = write_temp(&copy);
        err = (fk_error)FK_ERROR_INIT;
        assert_int_equal(fk_renderer_new(&r, tmp, NULL, &err), FK_EENV);
        assert_null(r);
        assert_string_equal(err.file, tmp);
        assert_non_null(strstr(err.message, "libharu"));
        snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", font_reg, tmp);
        o = run(cmd, &rc);
        free(o);
        assert_int_equal(rc, 0);
        err = (fk_error)FK_ERROR_INIT;
        assert_int_equal(fk_renderer_new(&r, tmp, NULL, &err), FK_OK);
        assert_int_equal(fk_renderer_render(r, &f->inv, &ref, &err), FK_OK);
        assert_int_equal(unlink(tmp), 0);
        fk_buf_puts(&again, "keep");
        assert_int_equal(fk_renderer_render(r, &f->inv, &again, &err), FK_OK);
        assert_int_equal(again.len, ref.len + 4);
        assert_memory_equal(again.ptr + 4, ref.ptr, ref.len);
        fk_renderer_free(r);
        fk_buf_free(&copy);
        fk_buf_free(&again);
        fk_buf_free(&ref);
        free(tmp);
    }
    fk_buf_free(&pdf);
    free(f);
}

/* ---- the fast path: the build's default fonts ---------------------------------------- */

/* One name per script the renderer has to get right, each in a single-byte encoding but
 * the last, which none has (Azerbaijani schwa, Pinyin, Vietnamese, Kazakh): that one
 * goes through libharu's UTF-8 fallback. */
static const char *const SCRIPTS[][2] = {
    {"pl", "Zażółć gęślą jaźń, Łódź"},
    {"de", "Größe Müßiggang Äpfel"},
    {"nb", "Blåbærsyltetøy Ærlig Østfold"},
    {"cs", "Příliš žluťoučký kůň úpěl"},
    {"el", "Δημήτρης Παπαδόπουλος, μήλο Ωμέγα"},
    {"ru", "Съешь ещё мягких булок"},
    {"uk", "Ґанок їжак Євген Іван"},
    {"sr", "Ђорђе Љубић Њива Џеп"},
    {"ro", "Știință și țară Țepeș Șoim"},
    {"tr", "Işık ğüşiöç İstanbul"},
    {"lt", "Ąžuolas ėjo Rīga ķēķis"},
    {"is", "Þórður Sigurðsson"},
    {"mt", "Ħaġar Qim żebbuġ"},
    {"se", "Ŋuvttat Đávgi Ŧeahkká"},
    {"xx", "Azərbaycan ǎ Nguyễn Қазақ"},
};

/* The build's default font with its companions. A build that made them (FK_FONTS_SUBSET:
 * cmake/Fonts.cmake found fontTools) must have them: missing is a failure. Without
 * fontTools the build uses the full system fonts, tested above, and the fast-path tests
 * count as skipped. */
static bool have_default_fonts(void)
{
#if defined(FK_FONTS_SUBSET) && defined(FK_DEFAULT_FONT)
    char comp[1024];
    size_t n = strlen(FK_DEFAULT_FONT);

    snprintf(comp, sizeof(comp), "%.*s.winansi.ttf", (int)(n > 4 ? n - 4 : 0),
             FK_DEFAULT_FONT);
    if (access(comp, R_OK) != 0)
        fail_msg("the build made no companion font %s (cmake/Fonts.cmake)", comp);
    return true;
#else
    return false;
#endif
}

#define NO_DEFAULT_FONTS "this build has no subset fonts (no fontTools at configure time)"

static fk_renderer *default_renderer(void)
{
    fk_renderer *r = NULL;
    fk_error err = FK_ERROR_INIT;

#ifdef FK_DEFAULT_FONT
    if (fk_renderer_new(&r, FK_DEFAULT_FONT, FK_DEFAULT_FONT_BOLD, &err) != FK_OK)
        fail_msg("fk_renderer_new(%s): %s", FK_DEFAULT_FONT, err.message);
#endif
    assert_non_null(r);
    return r;
}

static void render_with(fk_renderer *r, const fk_invoice *inv, fk_buf *pdf)
{
    fk_error err = FK_ERROR_INIT;

    fk_buf_reset(pdf);
    if (fk_renderer_render(r, inv, pdf, &err) != FK_OK)
        fail_msg("fk_renderer_render: %s", err.message);
    assert_memory_equal(pdf->ptr, "%PDF-1.", 7);
}

/* Output of `tool [args] FILE` for the PDF (stderr too when `both`). */
static char *pdf_tool(const fk_buf *pdf, const char *tool, bool both)
{
    char *path = write_temp(pdf), cmd[1200], *out;
    int st;

    snprintf(cmd, sizeof(cmd), "%s '%s' %s", tool, path, both ? "- 2>&1" : "- 2>/dev/null");
    if (!strncmp(tool, "pdffonts", 8) || !strncmp(tool, "pdfimages", 9) ||
        !strncmp(tool, "qpdf", 4))
        snprintf(cmd, sizeof(cmd), "%s '%s' 2>&1", tool, path);
    out = run(cmd, &st);
    unlink(path);
    free(path);
    if (st != 0)
        fail_msg("%s failed (%d):\n%s", tool, st, out);
    return out;
}

static void script_invoice(fixture *f, const char *lang, const char *name)
{
    base_invoice(f, lang);
    f->inv.buyer.name = name;
    f->inv.buyer.city = name;
    add_line(f, name, "", 1000, 1999, 2300);
    compute_totals(f);
}

/* Every script extracts exactly, with the build's fonts and with the system's full fonts,
 * from its own invoice (one encoding) and from one invoice holding them all (several
 * encodings and the UTF-8 fallback side by side). Only the fallback needs a CID font, and
 * then pdftotext has nothing to warn about otherwise. */
static void test_every_script_extracts(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    fk_renderer *rs[2];
    size_t nr = 0;

    (void)state;
    rs[nr++] = new_renderer();
    if (have_default_fonts()) {
        rs[nr++] = default_renderer();
    } else {
        print_message("skipped: the build's fonts: %s\n", NO_DEFAULT_FONTS);
        skipped++;
    }
    for (size_t k = 0; k < nr; k++) {
        for (size_t i = 0; i < COUNT(SCRIPTS); i++) {
            bool fallback = i + 1 == COUNT(SCRIPTS);
            char *text, *fonts;
            script_invoice(f, SCRIPTS[i][0], SCRIPTS[i][1]);
            render_with(rs[k], &f->inv, &pdf);
#ifdef FK_SANITIZER_BUILD
            /* The sanitizer build renders every script's invoice (the code under test) and
             * reads back the one of all scripts below: these 60 pdftotext and pdffonts runs
             * read the bytes the normal build reads, and took half of this test there. */
            continue;
#endif
            text = pdf_tool(&pdf, "pdftotext -layout", true);
            if (count(text, SCRIPTS[i][1]) != 3)
                fail_msg("%s: expected \"%s\" 3 times:\n%s", SCRIPTS[i][0], SCRIPTS[i][1],
                         text);
            /* poppler's "Invalid 'begincidrange'" came from libharu's UTF-8 path. */
            if (!fallback)
                assert_null(strstr(text, "Syntax"));
            fonts = pdf_tool(&pdf, "pdffonts", false);
            if (fallback != (strstr(fonts, "CID TrueType") != NULL))
                fail_msg("%s: fallback %d, but pdffonts says:\n%s", SCRIPTS[i][0],
                         fallback, fonts);
            free(text);
            free(fonts);
        }

        /* All of them in one invoice. */
        base_invoice(f, "pl");
        for (size_t i = 0; i < COUNT(SCRIPTS); i++)
            add_line(f, SCRIPTS[i][1], SCRIPTS[i][0], 1000, 100 + (int64_t)i, 800);
        compute_totals(f);
        render_with(rs[k], &f->inv, &pdf);
        {
            char *text = pdf_text(&pdf), *check = pdf_tool(&pdf, "qpdf --check", false);
            for (size_t i = 0; i < COUNT(SCRIPTS); i++)
                assert_once(text, SCRIPTS[i][1]);
            assert_contains(text, "Ελληνική ΑΕ");
            assert_contains(check, "No syntax or stream encoding errors");
            free(text);
            free(check);
        }
        fk_renderer_free(rs[k]);
    }
    fk_buf_free(&pdf);
    free(f);
}

/* An ordinary one-page invoice takes the single-byte path: one font per face, no CID
 * font, and with the build's fonts well under the 30 KB the performance issue asks for. */
static void test_fast_path_is_small(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    fk_renderer *r;
    const char *langs[] = {"de", "pl", "nb", "en"};

    (void)state;
    if (!have_default_fonts()) {
        free(f);
        SKIP_BECAUSE(NO_DEFAULT_FONTS);
    }
    r = default_renderer();
    for (size_t i = 0; i < COUNT(langs); i++) {
        char *fonts, *text;
        base_invoice(f, langs[i]);
        f->inv.buyer = (fk_party){"Müller & Søn Łańcut GmbH", "Hauptstraße 5", "10115",
                                  "Berlin", "DE", "DE136695976", NULL, NULL, NULL, NULL, "", "", ""};
        add_line(f, "Beratung, Stunde", "SRV-01", 3000, 12000, 1900);
        add_line(f, "Fachbuch Band 3", "BK-03", 1000, 4990, 700);
        add_line(f, "Kabel «10 m»", "", 2000, 1250, 1900);
        compute_totals(f);
        render_with(r, &f->inv, &pdf);
        if (pdf.len >= 30 * 1024)
            fail_msg("%s: one-page invoice of %zu bytes", langs[i], pdf.len);
        fonts = pdf_tool(&pdf, "pdffonts", false);
        assert_null(strstr(fonts, "CID"));
        /* Every font embedded and a subset: columns "emb sub" read "yes yes". */
        for (const char *ln = fonts; (ln = strstr(ln, "TrueType")) != NULL; ln++) {
            const char *eol = strchr(ln, '\n'), *yy = strstr(ln, " yes yes ");
            if (!yy || (eol && yy > eol))
                fail_msg("%s: a font is not an embedded subset:\n%s", langs[i], fonts);
        }
        /* Bjørnstad (seller) + Łańcut need two code pages; nothing more. */
        assert_true(count(fonts, "TrueType") <= 4);
        /* Every stream is deflated by the renderer (libdeflate), none by libharu, whose
         * streams say "/Filter [ /FlateDecode ]"; and no page content is left plain. */
        assert_null(memmem(pdf.ptr, pdf.len, "[ /FlateDecode ]", 16));
        assert_null(memmem(pdf.ptr, pdf.len, "\nBT\n", 4));
        assert_non_null(memmem(pdf.ptr, pdf.len, "/Filter /FlateDecode", 20));
        text = pdf_text(&pdf);
        assert_contains(text, "Müller & Søn Łańcut GmbH");
        assert_contains(text, "Bjørnstad Ærø AS");
        free(fonts);
        free(text);
    }
    fk_renderer_free(r);
    fk_buf_free(&pdf);
    free(f);
}

/* The renderer's HPDF_MemSet/HPDF_MemCpy (render_libharu.c) are the ones libharu calls: the
 * process resolves the names to them, not to libharu's byte loops. */
static void test_libharu_uses_fast_memory_routines(void **state)
{
    void *lib = dlopen("libhpdf-2.3.0.so", RTLD_NOW | RTLD_NOLOAD);
    (void)state;
#ifdef FK_NO_HPDF_MEM_HOOKS
    SKIP_BECAUSE("built with FK_NO_HPDF_MEM_HOOKS");
#endif
    assert_non_null(lib);
    for (int i = 0; i < 2; i++) {
        const char *name = i ? "HPDF_MemCpy" : "HPDF_MemSet";
        void *global = dlsym(RTLD_DEFAULT, name), *own = dlsym(lib, name);
        Dl_info info;
        assert_non_null(global);
        assert_true(dladdr(global, &info) != 0);
        if (global == own || strstr(info.dli_fname, "libhpdf"))
            fail_msg("%s resolves to libharu's own (%s)", name, info.dli_fname);
    }
    dlclose(lib);
}

/* Same bytes whatever the renderer drew before, with the companions, the fallback and a
 * ToUnicode CMap in play. */
static void test_reproducible_across_invoices(void **state)
{
    fixture *f = calloc(1, sizeof(*f)), *g = calloc(1, sizeof(*g));
    fk_buf a = FK_BUF_INIT, b = FK_BUF_INIT, c = FK_BUF_INIT, x = FK_BUF_INIT;
    fk_renderer *r1, *r2;

    (void)state;
    if (!have_default_fonts()) {
        free(f);
        free(g);
        SKIP_BECAUSE(NO_DEFAULT_FONTS);
    }
    r1 = default_renderer();
    base_invoice(f, "pl");
    for (size_t i = 0; i < COUNT(SCRIPTS); i++)
        add_line(f, SCRIPTS[i][1], "", 1000, 100, 800);
    compute_totals(f);
    script_invoice(g, "el", "Δημήτρης Παπαδόπουλος");
    render_with(r1, &f->inv, &a);
    render_with(r1, &g->inv, &x);
    render_with(r1, &f->inv, &b);
    r2 = default_renderer();
    render_with(r2, &f->inv, &c);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.ptr, b.ptr, a.len);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.ptr, c.ptr, a.len);
    assert_true(mem_find(x.ptr, x.len, "ToUnicode"));
    fk_renderer_free(r1);
    fk_renderer_free(r2);
    fk_buf_free(&a);
    fk_buf_free(&b);
    fk_buf_free(&c);
    fk_buf_free(&x);
    free(f);
    free(g);
}

/* A 6 x 2 px RGB PNG. */
static const unsigned char LOGO_PNG[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x06\x00"
    "\x00\x00\x02\x08\x02\x00\x00\x00\xf4\x3f\x3a\x09\x00\x00\x00\x10\x49\x44\x41\x54\x78"
    "\xda\x63\x90\xb3\xc9\x43\x43\x0c\x98\x42\x00\xae\x86\x09\x61\xc4\xe1\x39\xe4\x00\x00"
    "\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

static void test_logo(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT, png = FK_BUF_INIT, bad = FK_BUF_INIT, plain = FK_BUF_INIT;
    fk_buf again = FK_BUF_INIT;
    fk_renderer *r = new_renderer();
    fk_error err = FK_ERROR_INIT;
    char *png_path, *bad_path, *list, *text;
    size_t words;
    int pages;

    (void)state;
    fk_buf_append(&png, LOGO_PNG, sizeof(LOGO_PNG) - 1);
    png_path = write_temp(&png);
    fk_buf_puts(&bad, "this is not a PNG");
    bad_path = write_temp(&bad);
    long_fixture(f);
    render_with(r, &f->inv, &plain);

    /* Refused at set-up, leaving the renderer as it was. */
    assert_int_equal(fk_renderer_set_logo(r, "/nonexistent/logo.png", &err), FK_EENV);
    assert_string_equal(err.file, "/nonexistent/logo.png");
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_set_logo(r, bad_path, &err), FK_EUSAGE);
    assert_non_null(strstr(err.message, "PNG"));
    render_with(r, &f->inv, &pdf);
    assert_int_equal(pdf.len, plain.len);
    assert_memory_equal(pdf.ptr, plain.ptr, pdf.len);

    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_set_logo(r, png_path, &err), FK_OK);
    render_with(r, &f->inv, &pdf);
    list = pdf_tool(&pdf, "pdfimages -list", false);
    /* header, rule, one image on page 1, 6 x 2 pixels */
    assert_int_equal(count(list, "\n"), 3);
    assert_non_null(strstr(list, "   1     0 image       6     2  rgb"));
    free(list);
    check_layout(&pdf, &pages, &words);
    assert_true(pages >= 3);
    text = pdf_text(&pdf);
    assert_contains(text, "Invoice");
    free(text);
    free(pdf_tool(&pdf, "qpdf --check", false));

    /* A refused logo leaves the one set before (render.h: the renderer is unchanged). */
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_set_logo(r, bad_path, &err), FK_EUSAGE);
    err = (fk_error)FK_ERROR_INIT;
    assert_int_equal(fk_renderer_set_logo(r, "/nonexistent/logo.png", &err), FK_EENV);
    assert_non_null(strstr(err.message, "cannot open the logo"));
    render_with(r, &f->inv, &again);
    assert_int_equal(again.len, pdf.len);
    assert_memory_equal(again.ptr, pdf.ptr, pdf.len);

    /* And removed again. */
    assert_int_equal(fk_renderer_set_logo(r, NULL, &err), FK_OK);
    render_with(r, &f->inv, &pdf);
    assert_int_equal(pdf.len, plain.len);

    unlink(png_path);
    unlink(bad_path);
    free(png_path);
    free(bad_path);
    fk_renderer_free(r);
    fk_buf_free(&pdf);
    fk_buf_free(&png);
    fk_buf_free(&bad);
    fk_buf_free(&plain);
    fk_buf_free(&again);
    free(f);
}

/* Dates follow the language; what is not a date prints as given. */
static void test_dates(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    fk_buf pdf = FK_BUF_INIT;
    fk_renderer *r = new_renderer();
    char *text;

    (void)state;
    base_invoice(f, "en-GB");
    f->inv.issue_date = "2026-11-20";
    f->inv.delivery_date = "2026-13-01";  /* not a date */
    f->inv.due_date = "20.12.2026";
    compute_totals(f);
    render_with(r, &f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "20 Nov 2026");
    assert_contains(text, "2026-13-01");
    assert_contains(text, "20.12.2026");
    free(text);

    base_invoice(f, "nb");
    f->inv.issue_date = "2026-01-05";
    compute_totals(f);
    render_with(r, &f->inv, &pdf);
    text = pdf_text(&pdf);
    assert_contains(text, "05.01.2026");
    assert_null(strstr(text, "2026-01-05"));
    free(text);
    fk_renderer_free(r);
    fk_buf_free(&pdf);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_polish_invoice_text),
        cmocka_unit_test(test_languages_and_payments),
        cmocka_unit_test(test_long_invoice_pages),
        cmocka_unit_test(test_nothing_cut_or_overprinted),
        cmocka_unit_test(test_reproducible_bytes),
        cmocka_unit_test(test_qpdf_check),
        cmocka_unit_test(test_errors_and_odd_text),
        cmocka_unit_test(test_every_script_extracts),
        cmocka_unit_test(test_fast_path_is_small),
        cmocka_unit_test(test_libharu_uses_fast_memory_routines),
        cmocka_unit_test(test_reproducible_across_invoices),
        cmocka_unit_test(test_logo),
        cmocka_unit_test(test_dates),
    };
    int failed = cmocka_run_group_tests(tests, setup_fonts, NULL);

    return failed ? failed : skipped ? 77 : 0;
}
