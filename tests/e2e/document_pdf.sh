# document_pdf: what the invoice of record prints (issue 17), read back from the PDFs with
# pdftotext and a QR decoder: the legal note of each VAT category in each of the four
# languages (K art. 138, AE art. 196, G art. 146, O, E with its reason), the delivery date
# and period, the buyer and order references, units in the invoice's language, seller
# contact and emails, every footer line, the VAT in the seller's accounting currency (a
# Polish seller's EUR invoice in PLN), the split-payment note and the domestic NIP without
# "PL"; the EPC QR code decoded with zbarimg; the RF and KID check digits verified here,
# independently of faktura's code.
. "$FK_SRCDIR/tests/lib/e2e.sh"
command -v zbarimg >/dev/null || fail "zbarimg is missing (zbar-tools: scripts/install-deps)"

# ---- a German seller: the notes in every language ----
sed -e 's|^email = billing@faktura.example|email = billing@faktura.example\ncontact_name = Erika Muster\nphone = +49 30 1234567|' \
    -e 's|^; footer = .*|footer = Faktura Demo GmbH, Sitz Berlin\n  Amtsgericht Charlottenburg, HRB 000000\n  Geschäftsführer: Erika Muster, Max Muster|' \
    "$SAMPLES/faktura.ini" >de.ini
python3 - <<'PY'
import csv
cols = ["order_id", "order_date", "customer_id", "customer_type", "company_name", "tax_id", "country",
        "email", "language", "currency", "payment_method", "item_description", "quantity",
        "unit_price", "vat_rate", "vat_category", "vat_exemption_reason", "supply_type",
        "unit", "delivery_date", "period_start", "period_end", "buyer_reference",
        "order_reference", "exchange_rate", "exchange_rate_date"]
buyers = {  # category: (type, name, tax id, country, supply, extra)
    "K": ("business", "Wiener Werkstätten GmbH", "ATU13585627", "AT", "goods", {}),
    "AE": ("business", "Wiener Werkstätten GmbH", "ATU13585627", "AT", "services", {}),
    "G": ("consumer", "Ola Nordmann", "", "NO", "goods",
          {"currency": "NOK", "exchange_rate": "0.0849", "exchange_rate_date": "2026-11-19"}),
    "O": ("consumer", "Heidi Muster", "", "CH", "services",
          {"currency": "CHF", "exchange_rate": "1.0712", "exchange_rate_date": "2026-11-19"}),
    "E": ("consumer", "Jürgen Groß", "", "DE", "services",
          {"vat_category": "E", "vat_exemption_reason": "§ 4 Nr. 14 UStG"}),
}
rows = []
for lang in ["en", "de", "nb", "pl"]:
    for cat, (typ, name, tax, cc, supply, extra) in buyers.items():
        r = dict.fromkeys(cols, "")
        r.update(order_id="N-%s-%s" % (lang, cat), order_date="2026-11-18",
                 customer_id="C-%s-%s" % (lang, cat), customer_type=typ,
                 company_name=name, tax_id=tax, country=cc, language=lang, currency="EUR",
                 payment_method="bank_transfer",
                 item_description="Item %s" % cat, quantity="2", unit_price="100.00",
                 vat_rate="0", supply_type=supply)
        r.update(extra)
        rows.append(r)
# delivery, references, units, emails
r = dict.fromkeys(cols, "")
r.update(order_id="D-1", order_date="2026-11-18", customer_type="business",
         company_name="Müller & Söhne GmbH", tax_id="DE136695976", country="DE",
         email="einkauf@mueller.example", language="de", currency="EUR",
         payment_method="bank_transfer", item_description="Beratung", quantity="7.5",
         unit_price="120.00", vat_rate="19", unit="HUR", delivery_date="2026-11-15",
         buyer_reference="04011000-1234512345-06", order_reference="PO-4711")
rows.append(r)
r2 = dict(r, item_description="Sand", quantity="250", unit_price="0.12", unit="KGM",
          delivery_date="", buyer_reference="", order_reference="")
rows.append(r2)
r = dict.fromkeys(cols, "")
r.update(order_id="P-1", order_date="2026-11-18", customer_type="consumer",
         company_name="Anna Schäfer", country="AT", language="en", currency="EUR",
         payment_method="bank_transfer", item_description="Maintenance, October",
         quantity="1", unit_price="80.00", vat_rate="20", unit="MON",
         period_start="2026-10-01", period_end="2026-10-31")
rows.append(r)
with open("de.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
PY
expect_exit 0 "$FAKTURA" run -q --config de.ini --db de.sqlite --out de --as-of 2026-11-20 de.csv
# each invoice's text, whitespace collapsed (a note may wrap)
text() { # ORDER_ID DB DIR -> ORDER_ID.txt
    f=$(sql "$2" "SELECT pdf_name FROM invoices WHERE order_id = '$1'")
    pdftotext -layout "$3/$f" - 2>/dev/null | tr -s ' \n\f' ' ' >"$1.txt"
}
for lang in en de nb pl; do
    for cat in K AE G O E; do text "N-$lang-$cat" de.sqlite de; done
done
python3 - <<'PY' || fail "legal notes"
notes = {
 "en": {"K": "Exempt intra-Community supply of goods (Article 138 of Council Directive 2006/112/EC).",
        "AE": "Reverse charge: VAT is to be accounted for by the recipient (Article 196 of Council Directive 2006/112/EC).",
        "G": "Export of goods outside the EU, exempt from VAT (Article 146 of Council Directive 2006/112/EC).",
        "O": "Not subject to VAT.",
        "E": "VAT exempt: § 4 Nr. 14 UStG"},
 "de": {"K": "Steuerfreie innergemeinschaftliche Lieferung (Art. 138 der Richtlinie 2006/112/EG).",
        "AE": "Steuerschuldnerschaft des Leistungsempfängers (Art. 196 der Richtlinie 2006/112/EG).",
        "G": "Steuerfreie Ausfuhrlieferung (Art. 146 der Richtlinie 2006/112/EG).",
        "O": "Nicht der Umsatzsteuer unterliegend.",
        "E": "Steuerbefreit: § 4 Nr. 14 UStG"},
 "nb": {"K": "Avgiftsfri leveranse av varer innenfor EU (artikkel 138 i direktiv 2006/112/EF).",
        "AE": "Omvendt avgiftsplikt: kjøperen skal beregne og betale merverdiavgiften (artikkel 196 i direktiv 2006/112/EF).",
        "G": "Utførsel av varer, fritatt for merverdiavgift (artikkel 146 i direktiv 2006/112/EF).",
        "O": "Ikke omfattet av merverdiavgiftsloven.",
        "E": "Fritatt for merverdiavgift: § 4 Nr. 14 UStG"},
 "pl": {"K": "Wewnątrzwspólnotowa dostawa towarów, zwolniona z podatku (art. 138 dyrektywy 2006/112/WE).",
        "AE": "Odwrotne obciążenie: podatek rozlicza nabywca (art. 196 dyrektywy 2006/112/WE).",
        "G": "Eksport towarów, zwolniony z podatku (art. 146 dyrektywy 2006/112/WE).",
        "O": "Niepodlegające opodatkowaniu VAT.",
        "E": "Zwolnione z VAT: § 4 Nr. 14 UStG"},
}
bad = []
for lang, by_cat in notes.items():
    for cat, note in by_cat.items():
        t = open("N-%s-%s.txt" % (lang, cat), encoding="utf-8").read()
        if note not in t:
            bad.append("%s %s: %r not in %r" % (lang, cat, note, t[:3000]))
        # exactly its own note: no other category's
        for other, n2 in by_cat.items():
            if other != cat and n2 in t:
                bad.append("%s %s also prints the note of %s" % (lang, cat, other))
if bad:
    raise SystemExit("\n".join(bad))
PY
# the issue's words, as it writes them
grep -qi "steuerschuldnerschaft des leistungsempfängers" N-de-AE.txt || fail "de AE wording"
grep -qi "odwrotne obciążenie" N-pl-AE.txt || fail "pl AE wording"
grep -qi "omvendt avgiftsplikt" N-nb-AE.txt || fail "nb AE wording"
not_contains N-en-K.txt "Article 196"

text D-1 de.sqlite de
contains D-1.txt "Liefer-/Leistungsdatum 15.11.2026"
contains D-1.txt "Käuferreferenz 04011000-1234512345-06"
contains D-1.txt "Ihre Bestellung PO-4711"
contains D-1.txt "7,5 Std."
contains D-1.txt "250 kg"
contains D-1.txt "Ansprechpartner: Erika Muster"
contains D-1.txt "Telefon: +49 30 1234567"
contains D-1.txt "E-Mail: billing@faktura.example"
contains D-1.txt "E-Mail: einkauf@mueller.example"
contains D-1.txt "Faktura Demo GmbH, Sitz Berlin"
contains D-1.txt "Amtsgericht Charlottenburg, HRB 000000"
contains D-1.txt "Geschäftsführer: Erika Muster, Max Muster"
text P-1 de.sqlite de
contains P-1.txt "Delivery period 1 Oct 2026 – 31 Oct 2026"
contains P-1.txt "1 month"
not_contains P-1.txt "Delivery date"
# the default delivery date is the order date
contains N-en-K.txt "Delivery date 18 Nov 2026"
# a NOK invoice of a seller accounting in EUR shows its VAT in EUR with the rate (0 here)
contains N-nb-G.txt "MVA i EUR 0,00 EUR"
contains N-nb-G.txt "Valutakurs: 1 NOK = 0,0849 EUR (19.11.2026)"

# ---- the EPC QR code and the RF reference: decoded and checked here ----
n=$(sql de.sqlite "SELECT number FROM invoices WHERE order_id = 'D-1'")
pdftoppm -r 150 -png -f 1 -l 1 "de/$n.pdf" qr
zbarimg -q --raw qr-1.png 2>/dev/null >qr.txt || fail "no QR code found in $n"
"$FAKTURA" show --db de.sqlite "$n" >d1.json
python3 - "$n" <<'PY' || fail "EPC QR payload of $n"
import json, sys
d = json.load(open("d1.json"))
got = open("qr.txt", encoding="utf-8").read().rstrip("\n")
assert got == d["payment"]["qr"], (got, d["payment"]["qr"])
lines = got.split("\n")
assert lines[:4] == ["BCD", "002", "1", "SCT"], lines
assert lines[4] == "COBADEFFXXX" and lines[5] == "Faktura Demo GmbH", lines
assert lines[6] == "DE89370400440532013000", lines
gross = d["totals"]["gross"]
assert lines[7] == "EUR%d.%02d" % (gross // 100, gross % 100), (lines[7], gross)
ref = d["payment"]["reference"]
assert lines[8] == "" and lines[9] == ref and len(lines) == 10, lines
# ISO 11649: RF, two check digits, the invoice number's letters and digits; moved to the
# end and read in base 36, it is 1 mod 97
assert ref.startswith("RF") and ref[4:] == "".join(c for c in sys.argv[1] if c.isalnum())
assert int("".join(str(int(c, 36)) for c in ref[4:] + ref[:4])) % 97 == 1, ref
assert 2 <= int(ref[2:4]) <= 98
PY
ref=$(python3 -c 'import json; print(json.load(open("d1.json"))["payment"]["reference"])')
grouped=$(echo "$ref" | sed 's/\(....\)/\1 /g; s/ $//')
contains D-1.txt "Verwendungszweck $grouped"
# no QR code for a non-EUR transfer, nor with [render] qr = none
n=$(sql de.sqlite "SELECT number FROM invoices WHERE order_id = 'N-nb-G'")
equal "images on a NOK invoice" "$(pdfimages -list "de/$n.pdf" 2>/dev/null | tail -n +3 | wc -l)" 0
sed 's|^\[render\]|[render]\nqr = none|' de.ini >noqr.ini
expect_exit 0 "$FAKTURA" run -q --config noqr.ini --db noqr.sqlite --out noqr --as-of 2026-11-20 de.csv
n=$(sql noqr.sqlite "SELECT number FROM invoices WHERE order_id = 'D-1'")
equal "images with qr = none" "$(pdfimages -list "noqr/$n.pdf" 2>/dev/null | tail -n +3 | wc -l)" 0
equal "QR payload with qr = none" "$("$FAKTURA" show --db noqr.sqlite "$n" | python3 -c 'import json,sys; print(repr(json.load(sys.stdin)["payment"]["qr"]))')" "''"

# ---- a Polish seller: VAT in PLN, split payment, NIP without PL, KID ----
cat >pl.ini <<'INI'
[seller]
name = Sprzedawca Sp. z o.o.
street = ul. Długa 1
postal_code = 00-238
city = Warszawa
country = PL
vat_id = PL7251234561
iban = PL61109010140000071219812874
bic = WBKPPLPP
[numbering]
format = FV/{year}/{seq:06}
prefix = FV
[invoice]
payment_reference = kid
INI
cat >pl.csv <<'CSV'
order_id,order_date,customer_type,company_name,tax_id,country,language,currency,payment_method,item_description,quantity,unit_price,vat_rate,split_payment,exchange_rate,exchange_rate_date,unit
PL-EUR,2026-11-18,business,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,pl,EUR,bank_transfer,Dźwig – wynajem,3,1250.00,23,,4.3128,2026-11-19,DAY
PL-MPP,2026-11-18,business,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,pl,PLN,bank_transfer,Stal zbrojeniowa,1,12195.12,23,true,,,TNE
PL-SMALL,2026-11-18,business,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,pl,PLN,bank_transfer,Stal zbrojeniowa,1,12195.11,23,true,,,TNE
CSV
expect_exit 0 "$FAKTURA" run -q --config pl.ini --db pl.sqlite --out pl --as-of 2026-11-20 pl.csv
equal "Polish numbers" "$(sql pl.sqlite 'SELECT group_concat(number || "=" || pdf_name, " ") FROM invoices')" \
    "FV/2026/000001=FV_2026_000001.pdf FV/2026/000002=FV_2026_000002.pdf FV/2026/000003=FV_2026_000003.pdf"
text PL-EUR pl.sqlite pl
text PL-MPP pl.sqlite pl
text PL-SMALL pl.sqlite pl
# 3 x 1,250.00 EUR, 23 % = 862.50 EUR VAT x 4.3128 = 3,719.79 PLN
contains PL-EUR.txt "Kwota VAT w PLN 3 719,79 PLN"
contains PL-EUR.txt "Kurs waluty: 1 EUR = 4,3128 PLN (19.11.2026)"
contains PL-EUR.txt "3 dzień"
contains PL-EUR.txt "NIP: 5260250274"
contains PL-EUR.txt "NIP: 7251234561"
not_contains PL-EUR.txt "NIP: PL"
contains PL-EUR.txt "Numer faktury FV/2026/000001"
# 15,000.00 PLN gross with an Annex 15 line: the note; 14,999.99: none
contains PL-MPP.txt "mechanizm podzielonej płatności"
contains PL-MPP.txt "15 000,00 PLN"
not_contains PL-SMALL.txt "mechanizm podzielonej płatności"
contains PL-SMALL.txt "14 999,99 PLN"
not_contains PL-MPP.txt "Kwota VAT w"
# KID MOD10: the number's digits and a Luhn digit, checked here
for id in PL-EUR PL-MPP; do
    n=$(sql pl.sqlite "SELECT number FROM invoices WHERE order_id = '$id'")
    kid=$("$FAKTURA" show --db pl.sqlite "$n" | python3 -c 'import json,sys; p = json.load(sys.stdin)["payment"]; print(p["reference_kind"], p["reference"])')
    python3 - "$n" "$kid" <<'PY' || fail "KID of $n: $kid"
import sys
number, kind, kid = sys.argv[1], *sys.argv[2].split()
assert kind == "kid" and kid[:-1] == "".join(c for c in number if c.isdigit()), (number, kid)
total = 0
for i, c in enumerate(reversed(kid)):   # Luhn: every second digit from the right doubled
    d = int(c) * (2 if i % 2 else 1)
    total += d - 9 if d > 9 else d
assert total % 10 == 0, kid
PY
    contains "$id.txt" "Tytuł przelewu $(echo "$kid" | cut -d' ' -f2)"
done
# PLN transfer: no EPC QR code (it is for EUR)
equal "images on a PLN invoice" "$(pdfimages -list pl/FV_2026_000002.pdf 2>/dev/null | tail -n +3 | wc -l)" 0
expect_exit 0 "$FAKTURA" verify --db pl.sqlite
finish
