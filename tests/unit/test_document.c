/* test_document.c -- the invoice of record's canonical JSON (core/document.h): a document
 * with every field set encodes to one byte string, which decodes to a document that
 * encodes to the same bytes (what `faktura reprint` and `show` rely on); escapes; every key
 * is required and typed; other versions are refused. And the payment references and the
 * EPC QR payload (core/payref.h), checked against values computed by hand from the
 * standards (ISO 11649's own example, Luhn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/checksum.h"
#include "core/document.h"
#include "core/payref.h"

/* A document with every field set, strings with what JSON must escape. */
static void full(fk_document *d, fk_doc_line *lines, fk_doc_vat *vat)
{
    static const char *const notes[] = {"mechanizm podzielonej płatności"};
    static const char *const footer[] = {"Faktura Demo GmbH, Sitz Berlin",
                                         "Amtsgericht \"Charlottenburg\" \\ HRB 1\tx"};

    fk_document_init(d);
    d->number = "FV/2026/000001";
    d->issue_date = "2026-11-20";
    d->order_date = "2026-11-18";
    d->due_date = "2026-12-04";
    d->delivery_date = "2026-11-17";
    d->period_start = "2026-11-01";
    d->period_end = "2026-11-30";
    d->order_id = "SO-1\n2";
    d->buyer_reference = "04011000-1234512345-06";
    d->order_reference = "PO-9";
    d->language = "pl";
    d->currency = "EUR";
    d->exponent = 2;
    d->accounting_currency = "PLN";
    d->accounting_exponent = 2;
    d->exchange_rate = "4.3128";
    d->exchange_rate_date = "2026-11-19";
    d->seller = (fk_party){"Sprzedawca Sp. z o.o.", "ul. Długa 1", "00-238", "Warszawa", "PL",
                           "PL5260250274", "biuro@example.pl", "5260250274", "Anna Nowak",
                           "+48 22 123"};
    d->buyer = (fk_party){"Łódź Żurawie", "ul. Piotrkowska 104", "90-926", "Łódź", "PL",
                          "PL7251234567", "b@example.pl", "7251234567", "", ""};
    d->buyer_is_business = true;
    lines[0] = (fk_doc_line){"Dźwig «wynajem»", "CRN-1", 2500, 125000, 2300, 312500, "DAY",
                             "S", true, true};
    lines[1] = (fk_doc_line){"Książka", "", 1000, 5990, 0, 5990, "C62", "E", false, false};
    d->lines = lines;
    d->nlines = 2;
    vat[0] = (fk_doc_vat){0, 5990, 0, "E", 0, "art. 43 ust. 1 pkt 1", "VATEX-EU-132",
                          "Zwolnione z VAT: art. 43 ust. 1 pkt 1"};
    vat[1] = (fk_doc_vat){2300, 312500, 71875, "S", 309983, "", "", ""};
    d->vat = vat;
    d->nvat = 2;
    d->net_total = 318490;
    d->vat_total = 71875;
    d->gross_total = 390365;
    d->vat_total_accounting = 309983;
    d->prepaid = 0;
    d->due = 390365;
    d->payment = FK_DOC_PAY_TRANSFER;
    d->payment_means = "58";
    d->payment_terms_days = 14;
    d->seller_iban = "PL61109010140000071219812874";
    d->seller_bic = "WBKPPLPP";
    d->payment_reference = "RF47FV2026000001";
    d->payment_reference_kind = "rf";
    d->mandate_id = "";
    d->iban_masked = "";
    d->card_brand = "";
    d->card_last4 = "";
    d->qr = "BCD\n002\n1\nSCT\nWBKPPLPP\nSprzedawca\nPL61109010140000071219812874\nEUR3903.65"
            "\n\nRF47FV2026000001";
    d->notes = notes;
    d->nnotes = 1;
    d->footer = footer;
    d->nfooter = 2;
}

static char *encode(const fk_document *d)
{
    fk_buf b = FK_BUF_INIT;
    fk_document_encode(d, &b);
    assert_false(b.failed);
    return fk_buf_take(&b);
}

static void test_round_trip(void **state)
{
    fk_document d, back;
    fk_doc_line lines[2];
    fk_doc_vat vat[2];
    fk_error err = FK_ERROR_INIT;
    char *json, *again;

    (void)state;
    full(&d, lines, vat);
    json = encode(&d);
    /* fixed key order, no spaces, the escapes JSON requires and no others */
    assert_non_null(strstr(json, "{\"version\":1,\"kind\":\"invoice\",\"type_code\":380,"
                                 "\"number\":\"FV/2026/000001\",\"issue_date\":\"2026-11-20\""));
    assert_non_null(strstr(json, "\"order_id\":\"SO-1\\n2\""));
    assert_non_null(strstr(json, "\"Amtsgericht \\\"Charlottenburg\\\" \\\\ HRB 1\\tx\""));
    assert_non_null(strstr(json, "\"name\":\"Dźwig «wynajem»\""));
    assert_non_null(strstr(json, "\"quantity_milli\":2500,\"unit\":\"DAY\""));
    assert_non_null(strstr(json, "\"supply_type\":\"services\",\"split_payment\":true"));
    assert_non_null(strstr(json, "\"totals\":{\"net\":318490,\"vat\":71875,\"gross\":390365,"
                                 "\"vat_accounting\":309983,\"prepaid\":0,\"due\":390365}"));
    assert_non_null(strstr(json, "\"qr\":\"BCD\\n002\\n1\\nSCT\\n"));
    assert_null(strstr(json, "\": "));
    assert_null(strstr(json, "\\u"));

    assert_int_equal(fk_document_decode(json, strlen(json), &back, &err), FK_OK);
    again = encode(&back);
    assert_string_equal(again, json);
    assert_string_equal(back.number, "FV/2026/000001");
    assert_string_equal(back.lines[0].category, "S");
    assert_true(back.lines[0].services);
    assert_int_equal(back.lines[1].qty_milli, 1000);
    assert_string_equal(back.vat[0].exemption_code, "VATEX-EU-132");
    assert_int_equal(back.vat_total_accounting, 309983);
    assert_string_equal(back.footer[1], "Amtsgericht \"Charlottenburg\" \\ HRB 1\tx");
    assert_string_equal(back.buyer.vat_id_shown, "7251234567");
    assert_true(back.buyer_is_business);
    fk_document_free(&back);
    free(again);
    free(json);

    /* a control character other than the short forms */
    d.order_id = "A\001B";
    json = encode(&d);
    assert_non_null(strstr(json, "\"order_id\":\"A\\u0001B\""));
    assert_int_equal(fk_document_decode(json, strlen(json), &back, &err), FK_OK);
    assert_string_equal(back.order_id, "A\001B");
    fk_document_free(&back);
    free(json);

    /* an empty document (no lines, NULL strings as "") still round-trips */
    fk_document_init(&d);
    json = encode(&d);
    assert_int_equal(fk_document_decode(json, strlen(json), &back, &err), FK_OK);
    again = encode(&back);
    assert_string_equal(again, json);
    fk_document_free(&back);
    free(again);
    free(json);
}

/* Every key is required, typed and in range; other versions are refused by name. */
static void test_refused(void **state)
{
    fk_document d;
    fk_doc_line lines[2];
    fk_doc_vat vat[2];
    char *json;
    static const struct {
        const char *from, *to, *field, *message;
    } cases[] = {
        {"\"version\":1", "\"version\":2", "version", "version 2; this faktura reads version 1"},
        {"\"number\":\"FV/2026/000001\",", "", "number", "number is missing"},
        {"\"exponent\":2,", "\"exponent\":\"2\",", "exponent", "is not an integer"},
        {"\"exponent\":2,", "\"exponent\":12,", "exponent", "out of range"},
        {"\"vat_rate_centi\":2300", "\"vat_rate_centi\":2300.0", "vat_rate_centi",
         "lines[0].vat_rate_centi is not an integer"},
        {"\"id\":\"2\"", "\"id\":\"3\"", "id", "lines[1].id is not the line's position"},
        {"\"supply_type\":\"goods\"", "\"supply_type\":\"ware\"", "supply_type", "neither"},
        {"\"means\":\"transfer\"", "\"means\":\"cash\"", "means", "payment.means"},
        {"\"vat_category\":\"S\"", "\"vat_category\":\"SSS\"", "vat_category", "too long"},
        {"\"business\":true", "\"business\":1", "business", "buyer.business"},
        {"\"footer\":[", "\"footer\":[1,", "footer", "other than strings"},
        {"\"order_id\":\"SO-1\\n2\"", "\"order_id\":\"SO\\u0000\"", "", "not allowed"},
        {"\"kind\":\"invoice\"", "\"kind\":\"invoice\",\"kind\":\"x\"", "", "duplicate"},
    };

    (void)state;
    full(&d, lines, vat);
    json = encode(&d);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fk_buf b = FK_BUF_INIT;
        fk_document back;
        fk_error err = FK_ERROR_INIT;
        const char *at = strstr(json, cases[i].from);
        if (!at)
            fail_msg("case %zu: \"%s\" not in the JSON", i, cases[i].from);
        fk_buf_append(&b, json, (size_t)(at - json));
        fk_buf_puts(&b, cases[i].to);
        fk_buf_puts(&b, at + strlen(cases[i].from));
        fk_status st = fk_document_decode(b.ptr, b.len, &back, &err);
        if (st != FK_EINPUT || !strstr(err.message, cases[i].message) ||
            strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: status %d, field \"%s\", message \"%s\"", i, st, err.field,
                     err.message);
        fk_document_free(&back);
        fk_buf_free(&b);
    }
    free(json);
}

/* ISO 11649 (its own example: RF18 5390 0754 7034), Luhn/MOD10 KIDs, the number. */
static void test_payment_references(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(fk_mod97(0, "539007547034RF18", 16), 1);
    assert_true(fk_payref_make(FK_PAYREF_RF, "539007547034", out, sizeof(out)));
    assert_string_equal(out, "RF18539007547034");
    assert_true(fk_payref_make(FK_PAYREF_RF, "INV-2026-000001", out, sizeof(out)));
    assert_string_equal(out, "RF94INV2026000001");
    assert_int_equal(fk_mod97(0, "INV2026000001RF94", 17), 1);
    assert_true(fk_payref_make(FK_PAYREF_RF, "fv/2026/7", out, sizeof(out)));
    assert_string_equal(out, "RF77FV20267");
    /* at most 21 characters after RFnn */
    assert_true(fk_payref_make(FK_PAYREF_RF, "ABCDEFGHIJ-0123456789-X", out, sizeof(out)));
    assert_false(fk_payref_make(FK_PAYREF_RF, "ABCDEFGHIJ-0123456789-XY", out, sizeof(out)));
    assert_false(fk_payref_make(FK_PAYREF_RF, "---", out, sizeof(out)));

    /* KID MOD10: 7992739871 -> 3 (the Luhn example); the number's digits only */
    assert_int_equal(fk_luhn_check_digit("7992739871", 10), 3);
    assert_true(fk_payref_make(FK_PAYREF_KID, "INV-2026-000001", out, sizeof(out)));
    assert_string_equal(out, "20260000011");
    assert_int_equal(fk_luhn_check_digit("0", 1), 0);
    assert_false(fk_payref_make(FK_PAYREF_KID, "INV-A", out, sizeof(out)));
    assert_false(fk_payref_make(FK_PAYREF_KID, "1234567890123456789012345", out, sizeof(out)));

    assert_true(fk_payref_make(FK_PAYREF_NUMBER, "FV/2026/000001", out, sizeof(out)));
    assert_string_equal(out, "FV/2026/000001");
    fk_payref_kind k;
    assert_true(fk_payref_parse("kid", &k));
    assert_int_equal(k, FK_PAYREF_KID);
    assert_false(fk_payref_parse("KID", &k));
}

/* EPC069-12 version 002: the lines in their order; the name cut to 70 characters. */
static void test_epc_payload(void **state)
{
    fk_buf b = FK_BUF_INIT;
    char name[200];

    (void)state;
    assert_true(fk_epc_payload(&b, "COBADEFFXXX", "Faktura Demo GmbH", "DE89 3704 0044 0532 0130 00",
                               123456, "RF94INV2026000001", true));
    assert_string_equal(b.ptr, "BCD\n002\n1\nSCT\nCOBADEFFXXX\nFaktura Demo GmbH\n"
                               "DE89370400440532013000\nEUR1234.56\n\nRF94INV2026000001");
    assert_true(fk_epc_payload(&b, "", "A", "de89370400440532013000", 5, "INV-2026-000001",
                               false));
    assert_string_equal(b.ptr, "BCD\n002\n1\nSCT\n\nA\nDE89370400440532013000\nEUR0.05\n\n\n"
                               "INV-2026-000001");
    /* 71 x "Ł" is cut to 70 characters, not bytes */
    name[0] = '\0';
    for (int i = 0; i < 71; i++)
        strcat(name, "Ł");
    assert_true(fk_epc_payload(&b, "", name, "DE89370400440532013000", 100, "R", false));
    assert_non_null(strstr(b.ptr, "\nŁŁ"));
    assert_int_equal(strstr(b.ptr, "\nDE89") - strstr(b.ptr, "\nŁ") - 1, 140);
    /* no payload for amounts the standard cannot carry */
    assert_false(fk_epc_payload(&b, "", "A", "DE89370400440532013000", 0, "R", false));
    assert_false(fk_epc_payload(&b, "", "A", "DE89370400440532013000", 100000000000LL, "R",
                                false));
    assert_true(fk_epc_payload(&b, "", "A", "DE89370400440532013000", 99999999999LL, "R",
                               false));
    assert_non_null(strstr(b.ptr, "EUR999999999.99"));
    assert_false(fk_epc_payload(&b, "", "", "DE89370400440532013000", 1, "R", false));
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_payment_references),
        cmocka_unit_test(test_epc_payload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
