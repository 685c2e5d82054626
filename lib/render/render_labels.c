/* SPDX-License-Identifier: MIT */
/* render_labels.c -- the per-language parts of an invoice: every printed label in English,
 * German, Norwegian (Bokmål) and Polish, and how each language writes amounts, rates and
 * dates. A new language is one more LABELS entry (and, if its dates differ, a case in
 * fk_render__date()); a new printed field is one more labels member, in every entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/render_impl.h"
#include "core/money.h"

static const fk_render__labels LABELS[] = {
    {
        "en",
        "Invoice", "Invoice number", "Issue date", "Delivery date", "Due date",
        "Order number", "Currency",
        "Seller", "Buyer", "VAT ID",
        "No.", "Description", "Qty", "Unit price (excl. VAT)", "VAT %", "Net amount", "SKU",
        "VAT summary", "VAT rate", "Taxable amount", "VAT amount",
        "Total excl. VAT", "VAT", "Total incl. VAT",
        "Payment",
        "Please transfer the total amount by the due date to the account below, quoting the "
        "payment reference.",
        "IBAN", "BIC", "Payment reference",
        "The total amount will be debited from your account by SEPA direct debit on the due "
        "date.",
        "Mandate reference", "Account",
        "Paid by", "card",
        "Paid on", "via", "Amount due", "To be paid in cash on delivery.",
        "Page", "of",
        "Buyer reference", "Purchase order", "Delivery period",
        "Contact", "Phone", "Email",
        "Unit",
        "VAT in", "Exchange rate",
        "Credit note", "Credit note number", "Corrected invoice", "Invoice date", "Reason",
        "The credited amount is refunded to you or set off against your open invoices.",
        "Corrected lines", "Before", "After", "Difference",
        ",", ".", "%",
    },
    {
        "de",
        "Rechnung", "Rechnungsnummer", "Rechnungsdatum", "Liefer-/Leistungsdatum", "Fällig am",
        "Bestellnummer", "Währung",
        "Verkäufer", "Rechnungsempfänger", "USt-IdNr.",
        "Pos.", "Beschreibung", "Menge", "Einzelpreis (netto)", "USt. %", "Nettobetrag",
        "Art.-Nr.",
        "Umsatzsteuer", "Steuersatz", "Nettobetrag", "Steuerbetrag",
        "Summe netto", "Umsatzsteuer", "Gesamtbetrag (brutto)",
        "Zahlung",
        "Bitte überweisen Sie den Gesamtbetrag bis zum Fälligkeitsdatum unter Angabe des "
        "Verwendungszwecks auf das folgende Konto.",
        "IBAN", "BIC", "Verwendungszweck",
        "Der Gesamtbetrag wird zum Fälligkeitsdatum per SEPA-Lastschrift von Ihrem Konto "
        "eingezogen.",
        "Mandatsreferenz", "Konto",
        "Bezahlt mit", "Karte",
        "Bezahlt am", "über", "Offener Betrag", "Zahlung in bar bei Lieferung (Nachnahme).",
        "Seite", "von",
        "Käuferreferenz", "Ihre Bestellung", "Leistungszeitraum",
        "Ansprechpartner", "Telefon", "E-Mail",
        "Einheit",
        "Umsatzsteuer in", "Umrechnungskurs",
        "Rechnungskorrektur", "Korrekturnummer", "Korrigierte Rechnung", "Rechnungsdatum",
        "Grund",
        "Der gutgeschriebene Betrag wird Ihnen erstattet oder mit offenen Rechnungen "
        "verrechnet.",
        "Korrigierte Positionen", "Vorher", "Nachher", "Differenz",
        ".", ",", " %",
    },
    {
        "nb",
        "Faktura", "Fakturanummer", "Fakturadato", "Leveringsdato", "Forfallsdato",
        "Ordrenummer", "Valuta",
        "Selger", "Kjøper", "MVA-nr.",
        "Nr.", "Beskrivelse", "Antall", "Enhetspris (eks. mva)", "MVA %", "Nettobeløp",
        "Varenr.",
        "Merverdiavgift", "Sats", "Grunnlag", "MVA",
        "Sum eks. mva", "MVA", "Totalt inkl. mva",
        "Betaling",
        "Vennligst betal totalbeløpet innen forfallsdato til kontoen nedenfor, og oppgi "
        "betalingsreferansen.",
        "IBAN", "BIC", "Betalingsreferanse",
        "Totalbeløpet blir trukket fra kontoen din med SEPA-direktedebitering på "
        "forfallsdatoen.",
        "Mandatreferanse", "Konto",
        "Betalt med", "kort",
        "Betalt", "via", "Utestående beløp", "Betales kontant ved levering (oppkrav).",
        "Side", "av",
        "Kjøpers referanse", "Innkjøpsordre", "Leveringsperiode",
        "Kontaktperson", "Telefon", "E-post",
        "Enhet",
        "MVA i", "Valutakurs",
        "Kreditnota", "Kreditnotanummer", "Korrigert faktura", "Fakturadato", "Årsak",
        "Det krediterte beløpet blir tilbakebetalt eller motregnet mot åpne fakturaer.",
        "Korrigerte linjer", "Før", "Etter", "Differanse",
        " ", ",", " %",
    },
    {
        "pl",
        "Faktura VAT", "Numer faktury", "Data wystawienia", "Data dostawy", "Termin płatności",
        "Numer zamówienia", "Waluta",
        "Sprzedawca", "Nabywca", "NIP",
        "Lp.", "Nazwa towaru lub usługi", "Ilość", "Cena jedn. netto", "VAT %",
        "Wartość netto", "Kod",
        "Zestawienie VAT", "Stawka", "Wartość netto", "Kwota VAT",
        "Razem netto", "Razem VAT", "Do zapłaty (brutto)",
        "Płatność",
        "Prosimy o przelew kwoty do zapłaty w terminie płatności na poniższy rachunek, z "
        "podaniem tytułu przelewu.",
        "IBAN", "BIC", "Tytuł przelewu",
        "Kwota do zapłaty zostanie pobrana z Państwa rachunku w ramach polecenia zapłaty SEPA "
        "w terminie płatności.",
        "Numer mandatu", "Rachunek",
        "Zapłacono kartą", "",
        "Zapłacono", "przez", "Do zapłaty", "Płatne gotówką przy odbiorze (za pobraniem).",
        "Strona", "z",
        "Referencja nabywcy", "Zamówienie nabywcy", "Okres dostawy",
        "Osoba kontaktowa", "Telefon", "E-mail",
        "J.m.",
        "Kwota VAT w", "Kurs waluty",
        "Faktura korygująca", "Numer faktury korygującej", "Faktura korygowana",
        "Data wystawienia faktury korygowanej", "Przyczyna korekty",
        "Kwota korekty zostanie zwrócona lub rozliczona z Państwa otwartymi fakturami.",
        "Pozycje korygowane", "Przed korektą", "Po korekcie", "Różnica",
        " ", ",", "%",
    },
};

/* Verbatim: no guessing from case, a region suffix or the buyer's country. Which
 * language an order gets is decided before the renderer, which prints what it is given
 * (issue 16: "de-AT" was German here and English in the pipeline). */
const fk_render__labels *fk_render__labels_for(const char *lang)
{
    if (lang)
        for (size_t i = 1; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
            if (!strcmp(lang, LABELS[i].lang))
                return &LABELS[i];
    return &LABELS[0];
}

/* ---- Numbers and dates ----------------------------------------------------------------- */

const char *fk_render__amount(fk_render__layout *c, int64_t v, const char *currency)
{
    return fk_render__amount_in(c, v, c->inv->exponent, currency);
}

const char *fk_render__amount_in(fk_render__layout *c, int64_t v, int exponent,
                                 const char *currency)
{
    char num[96], out[128];

    fk_decimal_format_grouped(v, exponent, c->L->group, c->L->decimal, num, sizeof(num));
    if (currency && currency[0])
        snprintf(out, sizeof(out), "%s %s", num, currency);
    else
        snprintf(out, sizeof(out), "%s", num);
    return fk_render__dup(c->m, out, strlen(out));
}

const char *fk_render__trimmed(fk_render__layout *c, int64_t v, int scale, const char *suffix)
{
    char num[96], out[128];
    const char *sep = c->L->decimal, *p, *last = NULL;
    size_t seplen = strlen(sep), len;

    fk_decimal_format_grouped(v, scale, c->L->group, sep, num, sizeof(num));
    /* The decimal separator is the last occurrence: grouping may use the same character
     * in another locale, never after the decimals. */
    for (p = strstr(num, sep); p; p = strstr(p + seplen, sep))
        last = p;
    if (last && seplen) {
        len = strlen(num);
        while (len > (size_t)(last - num) + seplen && num[len - 1] == '0')
            num[--len] = '\0';
        if (len == (size_t)(last - num) + seplen)
            num[last - num] = '\0';
    }
    snprintf(out, sizeof(out), "%s%s", num, suffix ? suffix : "");
    return fk_render__dup(c->m, out, strlen(out));
}

/* English writes the month's name: no day/month order to misread. */
const char *fk_render__date(fk_render__layout *c, const char *iso)
{
    static const char *const MONTHS[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char out[32];
    int y, m, d;

    if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
        return fk_render__str(iso);
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return iso;
    y = atoi(iso);
    m = atoi(iso + 5);
    d = atoi(iso + 8);
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return iso;
    if (!strcmp(c->L->lang, "en"))
        snprintf(out, sizeof(out), "%d %s %04d", d, MONTHS[m - 1], y);
    else
        snprintf(out, sizeof(out), "%02d.%02d.%04d", d, m, y);
    return fk_render__dup(c->m, out, strlen(out));
}

const char *fk_render__reference(fk_render__layout *c, const char *ref, const char *kind)
{
    fk_buf b = FK_BUF_INIT;
    const char *out;

    if (!ref || !kind || strcmp(kind, "rf") != 0)
        return fk_render__str(ref);
    /* ISO 11649's paper form: groups of four. */
    for (size_t i = 0; ref[i]; i++) {
        if (i && i % 4 == 0)
            fk_buf_putc(&b, ' ');
        fk_buf_putc(&b, ref[i]);
    }
    out = fk_render__dup(c->m, fk_buf_cstr(&b), b.len);
    fk_buf_free(&b);
    return out;
}
