# shop_custom: a custom export with unusual headers read through a user-written [columns]
# section (issue 20): ';' and decimal commas, gross prices, a joined name, value maps; the
# shop's total compared (TOTAL_MISMATCH), a header typo with "did you mean", and a
# Windows-1252 file: one clear error without --input-encoding, invoiced with it.
. "$FK_SRCDIR/tests/lib/e2e.sh"

sed -n '/^\[seller\]/,/^\[render\]/p' "$SAMPLES/faktura.ini" | sed '$d' >shop.ini
cat >>shop.ini <<'INI'
[input]
order_rows = every
prices_include_vat = true
skip_status = Storniert
[columns]
order_id = Bestell-Nr.
order_date = Bestelldatum
company_name = Firma || {Vorname} {Nachname}
customer_type = Firma
tax_id = USt-IdNr.
country = Land
currency = Währung
payment_method = Zahlart
payment_provider = Zahlart
payment_reference = Transaktion
source_status = Status
item_description = Artikel
quantity = Menge
unit_price = Einzelpreis brutto
vat_rate = MwSt-Satz
shipping = Versand brutto
expected_total = Gesamtbetrag
[values.customer_type]
(empty) = consumer
(other) = business
[values.payment_method]
PayPal = paid
Vorkasse = bank_transfer
Nachnahme = cash_on_delivery
[values.payment_provider]
PayPal = paypal
INI
cat >orders.csv <<'CSV'
Bestell-Nr.;Bestelldatum;Firma;Vorname;Nachname;USt-IdNr.;Land;Währung;Zahlart;Transaktion;Status;Artikel;Menge;Einzelpreis brutto;MwSt-Satz;Versand brutto;Gesamtbetrag
A-1;2026-11-17T10:00:00+01:00;;Jürgen;Weiß;;DE;EUR;PayPal;PP-4711;Bezahlt;Kaffeebecher;2;14,90;19;4,90;74,60
A-1;2026-11-17T10:00:00+01:00;;Jürgen;Weiß;;DE;EUR;PayPal;PP-4711;Bezahlt;Fachbuch;1;39,90;7;4,90;74,60
A-2;2026-11-17 11:00:00 +0100;Müller & Söhne GmbH;;;DE136695976;DE;EUR;Vorkasse;;Offen;Widget;10;14,88;19;0,00;148,80
A-3;2026-11-17;;Eva;Öz;;DE;EUR;Nachnahme;;Offen;Lampe;1;59,00;19;4,90;63,90
A-4;2026-11-17;;Max;Groß;;DE;EUR;PayPal;PP-4712;Bezahlt;Lampe;1;59,00;19;0,00;60,00
A-5;2026-11-17;;Ida;Krüger;;DE;EUR;PayPal;PP-4713;Storniert;Lampe;1;59,00;19;0,00;59,00
CSV
expect_exit 1 "$FAKTURA" run --config shop.ini --db db --out out --as-of 2026-11-18 orders.csv
contains last.err "5 orders: 3 invoiced, 1 failed, 0 held, 1 skipped"
sql db "SELECT order_id || ',' || status || ',' || COALESCE((SELECT group_concat(code, ';')
        FROM findings f WHERE f.order_row = o.id), '') FROM orders o ORDER BY id" >got.csv
printf '%s\n' "A-1,invoiced," "A-2,invoiced," "A-3,invoiced," "A-4,failed,TOTAL_MISMATCH" \
    "A-5,skipped,ORDER_NOT_BILLABLE" >want.csv
diff -u want.csv got.csv >diff.txt || fail "outcomes: $(cat diff.txt)"
sql db "SELECT message FROM findings WHERE code = 'TOTAL_MISMATCH'" >m.txt
contains m.txt "the invoice's gross total 59.00 EUR differs from the shop's total (expected_total) 60.00 EUR"
# the gross is the shop's, shipping split over 19 % and 7 % (net 25.04 : 37.29)
sql_lines db "SELECT group_concat(gross, ' | ') FROM invoices WHERE order_id = 'A-1';
    SELECT group_concat(pdf_name, ' | ') FROM invoices WHERE order_id = 'A-1';
    SELECT group_concat(pdf_name, ' | ') FROM invoices WHERE order_id = 'A-2'" gross a1 a2
equal "A-1 gross" "$gross" 7460
pdftotext -layout "out/$a1" a1.txt
contains_all a1.txt "Jürgen Weiß" "Bezahlt am 17.11.2026 über PayPal (PP-4711)."
pdftotext -layout "out/$a2" a2.txt
contains a2.txt "Bitte überweisen"

# A header typo: the field, its column and the closest header
sed '1s/Gesamtbetrag/Gesamtbetrag/; 1s/Artikel/Artikle/' orders.csv >typo.csv
expect_exit 3 "$FAKTURA" validate --config shop.ini --as-of 2026-11-18 typo.csv
contains last.err "item_description (column 'Artikel'; did you mean 'Artikle'?)"

# Windows-1252: one clear error without --input-encoding, the same invoices with it
iconv -f UTF-8 -t WINDOWS-1252 orders.csv >cp1252.csv
expect_exit 3 "$FAKTURA" validate --config shop.ini --as-of 2026-11-18 cp1252.csv
contains_all last.err "not UTF-8: its letters are single bytes, as in Windows-1252" \
    "--input-encoding windows-1252"
equal "one error line" "$(wc -l <last.err)" 1
expect_exit 1 "$FAKTURA" run --config shop.ini --input-encoding windows-1252 --db db2 \
    --out out2 --as-of 2026-11-18 cp1252.csv
contains last.err "5 orders: 3 invoiced, 1 failed, 0 held, 1 skipped"
pdftotext -layout "out2/$(sql db2 "SELECT pdf_name FROM invoices WHERE order_id = 'A-1'")" b1.txt
contains b1.txt "Jürgen Weiß"
expect_exit 2 "$FAKTURA" validate --input-encoding ebcdic orders.csv
contains last.err "not an encoding faktura reads"
finish
