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
# Each invoice's text, whitespace collapsed (a note may wrap: tr -s ' \n\f' ' '), in
# ORDER_ID.txt, written by the python below. One pdftotext -layout reads every invoice of a
# database: qpdf --pages puts their one page each, in order, in DIR.pdf, and the text of
# page N (up to its form feed) is the text pdftotext gives of the Nth PDF alone.
# text DB DIR: the invoices of DB; DIR.ids their orders, a line each, DIR.raw the text;
# n_ORDER (its number) is set for the orders named here
text() {
    db=$1 dir=$2
    sql "$db" "SELECT order_id || ' ' || number || ' ' || pdf_name FROM invoices ORDER BY seq" >"$db.names"
    set --
    : >"$dir.ids"
    while read -r id n f; do
        set -- "$@" "$dir/$f"
        echo "$id" >>"$dir.ids"
        case $id in D-1) n_d1=$n ;; N-nb-G) n_nbg=$n ;; PL-EUR) n_pleur=$n ;; PL-MPP) n_plmpp=$n ;; esac
    done <"$db.names"
    qpdf --empty --pages "$@" -- "$dir.pdf" 2>/dev/null || fail "qpdf --pages of $dir's invoices"
    pdftotext -layout "$dir.pdf" "$dir.raw" 2>/dev/null || : >"$dir.raw"
}
text de.sqlite de

# ---- the EPC QR code and the RF reference: decoded and checked in the python below ----
pdftoppm -r 150 -png -f 1 -l 1 "de/$n_d1.pdf" qr
zbarimg -q --raw qr-1.png 2>/dev/null >qr.txt || fail "no QR code found in $n_d1"
"$FAKTURA" show --db de.sqlite "$n_d1" >d1.json
# no QR code for a non-EUR transfer, nor with [render] qr = none
pdfimages -list "de/$n_nbg.pdf" >nok.images 2>/dev/null
sed 's|^\[render\]|[render]\nqr = none|' de.ini >noqr.ini
expect_exit 0 "$FAKTURA" run -q --config noqr.ini --db noqr.sqlite --out noqr --as-of 2026-11-20 de.csv
n=$(sql noqr.sqlite "SELECT number FROM invoices WHERE order_id = 'D-1'")
pdfimages -list "noqr/$n.pdf" >noqr.images 2>/dev/null
"$FAKTURA" show --db noqr.sqlite "$n" >noqr.json

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
text pl.sqlite pl
"$FAKTURA" show --db pl.sqlite "$n_pleur" >PL-EUR.json
"$FAKTURA" show --db pl.sqlite "$n_plmpp" >PL-MPP.json
# PLN transfer: no EPC QR code (it is for EUR)
pdfimages -list pl/FV_2026_000002.pdf >pln.images 2>/dev/null
expect_exit 0 "$FAKTURA" verify --db pl.sqlite

# One python: the texts collapsed, then every check that needs more than a fixed string.
# It writes the payment references the texts must show (refs.txt) for the checks after it.
: >refs.txt
python3 - "$n_d1" "$n_pleur" "$n_plmpp" <<'PY' >checks.out 2>&1 || fail "$(cat checks.out)"
import glob, json, re, sys
bad = []
def check(ok, what):
    if not ok:
        bad.append(what)
for d in ("de", "pl"):
    ids = open(d + ".ids").read().split()
    pages = open(d + ".raw", "rb").read().split(b"\f")[:-1]  # each page ends in a form feed
    check(len(pages) == len(ids), "%s: %d pages of text for %d invoices of one page each"
          % (d, len(pages), len(ids)))
    for order_id, t in zip(ids, pages):
        t = (t + b"\f").translate(bytes.maketrans(b"\n\f", b"  "))
        open(order_id + ".txt", "wb").write(re.sub(b" +", b" ", t))
def text(order_id):
    try:
        return open(order_id + ".txt", encoding="utf-8").read()
    except OSError as e:
        bad.append("no text of %s: %s" % (order_id, e))
        return ""

# legal notes
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
for lang, by_cat in notes.items():
    for cat, note in by_cat.items():
        t = text("N-%s-%s" % (lang, cat))
        check(note in t, "legal notes: %s %s: %r not in %r" % (lang, cat, note, t[:3000]))
        # exactly its own note: no other category's
        for other, n2 in by_cat.items():
            check(other == cat or n2 not in t, "legal notes: %s %s also prints the note of %s" % (lang, cat, other))
# the issue's words, as it writes them (grep -i)
for order_id, words, what in [("N-de-AE", "steuerschuldnerschaft des leistungsempfängers", "de AE wording"),
                              ("N-pl-AE", "odwrotne obciążenie", "pl AE wording"),
                              ("N-nb-AE", "omvendt avgiftsplikt", "nb AE wording")]:
    check(words in text(order_id).lower(), what)

# the EPC QR payload of D-1 as zbarimg decoded it; the RF reference checked here
number = sys.argv[1]
try:
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
    assert ref.startswith("RF") and ref[4:] == "".join(c for c in number if c.isalnum())
    assert int("".join(str(int(c, 36)) for c in ref[4:] + ref[:4])) % 97 == 1, ref
    assert 2 <= int(ref[2:4]) <= 98
except Exception as e:
    bad.append("EPC QR payload of %s: %r" % (number, e))
    ref = json.load(open("d1.json"))["payment"]["reference"]
grouped = " ".join(ref[i:i + 4] for i in range(0, len(ref), 4))  # sed 's/\(....\)/\1 /g; s/ $//'

# images: pdfimages -list prints two header lines, then one line per image
for path, what in [("nok.images", "images on a NOK invoice"), ("noqr.images", "images with qr = none"),
                   ("pln.images", "images on a PLN invoice")]:
    n = max(len(open(path).read().splitlines()) - 2, 0)
    check(n == 0, "%s: got '%d', expected '0'" % (what, n))
qr = json.load(open("noqr.json"))["payment"]["qr"]
check(qr == "", "QR payload with qr = none: got %r, expected ''" % qr)

# KID MOD10: the number's digits and a Luhn digit, checked here
kids = []
for order_id, number in [("PL-EUR", sys.argv[2]), ("PL-MPP", sys.argv[3])]:
    p = json.load(open(order_id + ".json"))["payment"]
    kind, kid = p["reference_kind"], p["reference"]
    total = 0
    for i, c in enumerate(reversed(kid)):   # Luhn: every second digit from the right doubled
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    check(kind == "kid" and kid[:-1] == "".join(c for c in number if c.isdigit())
          and total % 10 == 0, "KID of %s: %s %s" % (number, kind, kid))
    kids.append(kid)
with open("refs.txt", "w", encoding="utf-8") as f:
    print(grouped, *kids, sep="\n", file=f)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
{ read -r grouped; read -r kid_eur; read -r kid_mpp; } <refs.txt || : # (empty when it failed)

contains_all D-1.txt "Liefer-/Leistungsdatum 15.11.2026" "Käuferreferenz 04011000-1234512345-06" \
    "Ihre Bestellung PO-4711" "7,5 Std." "250 kg" "Ansprechpartner: Erika Muster" \
    "Telefon: +49 30 1234567" "E-Mail: billing@faktura.example" \
    "E-Mail: einkauf@mueller.example" "Faktura Demo GmbH, Sitz Berlin" \
    "Amtsgericht Charlottenburg, HRB 000000" "Geschäftsführer: Erika Muster, Max Muster" \
    "Verwendungszweck $grouped"
contains_all P-1.txt "Delivery period 1 Oct 2026 – 31 Oct 2026" "1 month"
not_contains P-1.txt "Delivery date"
# the default delivery date is the order date
contains N-en-K.txt "Delivery date 18 Nov 2026"
not_contains N-en-K.txt "Article 196"
# a NOK invoice of a seller accounting in EUR shows its VAT in EUR with the rate (0 here)
contains_all N-nb-G.txt "MVA i EUR 0,00 EUR" "Valutakurs: 1 NOK = 0,0849 EUR (19.11.2026)"

# Polish: 3 x 1,250.00 EUR, 23 % = 862.50 EUR VAT x 4.3128 = 3,719.79 PLN
contains_all PL-EUR.txt "Kwota VAT w PLN 3 719,79 PLN" "Kurs waluty: 1 EUR = 4,3128 PLN (19.11.2026)" \
    "3 dzień" "NIP: 5260250274" "NIP: 7251234561" "Numer faktury FV/2026/000001" \
    "Tytuł przelewu $kid_eur"
not_contains PL-EUR.txt "NIP: PL"
# 15,000.00 PLN gross with an Annex 15 line: the note; 14,999.99: none
contains_all PL-MPP.txt "mechanizm podzielonej płatności" "15 000,00 PLN" "Tytuł przelewu $kid_mpp"
not_contains PL-MPP.txt "Kwota VAT w"
not_contains PL-SMALL.txt "mechanizm podzielonej płatności"
contains PL-SMALL.txt "14 999,99 PLN"
finish
