# credit_pdf: the credit note on paper in all four languages (pdftotext): its title, the
# corrected invoice's number and date, the reason, the credited lines and VAT with
# negative amounts, the refund text instead of payment instructions; the Polish one with
# the before/after/difference table of art. 106j; and a lost dispute credited once over
# two runs (outcome credited with DISPUTE_LOST_CREDITED, then skipped with
# ALREADY_CREDITED), in every report format.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="--config $SAMPLES/faktura.ini --db db.sqlite"
expect_exit 1 "$FAKTURA" run -q $cfg --out out --as-of 2026-11-20 "$SAMPLES/orders.csv"
credit() { "$FAKTURA" credit -q $cfg --out cn --as-of 2026-11-25 "$@"; }
# text N: the credit note's text to N.raw; the python below writes N.txt with runs of
# spaces squeezed (tr -s ' '), and the fixed strings are checked after it
text() { pdftotext -layout "cn/$1.pdf" "$1.raw"; }

expect_exit 0 credit --invoice INV-2026-000001 --reason "Ware beschädigt" --line 1:2
text CN-2026-000001

expect_exit 0 credit --invoice INV-2026-000002 --reason "Zwrot towaru" --line 1:1
text CN-2026-000002

expect_exit 0 credit --invoice INV-2026-000003 --reason "Feil levering"
text CN-2026-000003

expect_exit 0 credit --invoice INV-2026-000006 --reason "Returned"
text CN-2026-000004
# The legal notes stay: the reverse-charge note of an intra-EU invoice is on its credit note.
rc=$(sql db.sqlite "SELECT i.number FROM invoices i JOIN documents d ON d.number = i.number WHERE d.content LIKE '%\"category\":\"AE\"%' ORDER BY i.seq LIMIT 1")
if [ -n "$rc" ]; then
    expect_exit 0 credit --invoice "$rc" --reason "returned"
    n=$(cat last.out)
    note=$(sql db.sqlite "SELECT json_extract(content, '$.vat_breakdown[0].note') FROM documents WHERE number = '$rc'")
    [ -n "$note" ] || fail "no reverse-charge note on $rc"
    equal "legal note kept" "$(sql db.sqlite "SELECT json_extract(content, '$.vat_breakdown[0].note') FROM credit_notes WHERE number = '$n'")" "$note"
fi

# A lost dispute, credited once over two runs.
python3 "$FK_SRCDIR/tests/lib/lost-dispute.py" "$SAMPLES/orders.csv" SO-1007 cb.csv
inv=$(sql db.sqlite "SELECT number FROM invoices WHERE order_id = 'SO-1007'")
expect_exit 0 "$FAKTURA" run $cfg --out out2 --as-of 2026-12-20 cb.csv --report r1.json \
    --report r1.csv --report r1.html --report r1.xml
contains last.err "1 orders: 0 invoiced, 0 failed, 0 held, 0 skipped, 1 credited; reconciled"
cb=$(sql db.sqlite "SELECT number FROM credit_notes WHERE credit_key = 'chargeback:$inv'")
[ -n "$cb" ] || fail "no chargeback credit note"
equal "reason" "$(sql db.sqlite "SELECT reason FROM credit_notes WHERE number = '$cb'")" "chargeback: dispute lost"
equal "full" "$(sql db.sqlite "SELECT c.gross = -i.gross FROM credit_notes c JOIN invoices i ON i.number = c.invoice_number WHERE c.number = '$cb'")" 1
expect_exit 0 "$FAKTURA" run $cfg --out out2 --as-of 2026-12-21 cb.csv --report r2.json
equal "once" "$(sql db.sqlite "SELECT count(*) FROM credit_notes WHERE invoice_number = '$inv'")" 1

# One python: the texts' spaces squeezed, and the reports of the two runs.
python3 - "$cb" "$inv" <<'PY' >checks.out 2>&1 || fail "$(cat checks.out)"
import glob, json, re, sys
for raw in glob.glob("CN-*.raw"):
    open(raw[:-4] + ".txt", "wb").write(re.sub(b" +", b" ", open(raw, "rb").read()))
bad = 0
try:
    r = json.load(open("r1.json"))
    assert r["summary"]["credited"] == 1 and r["summary"]["reconciled"], r["summary"]
    o = r["orders"][0]
    assert o["status"] == "credited", o
    f = o["findings"]
    assert [x["code"] for x in f] == ["DISPUTE_LOST_CREDITED"], f
    assert sys.argv[1] in f[0]["message"] and sys.argv[2] in f[0]["message"], f
except Exception as e:
    print("r1.json: %r" % e)
    bad = 1
try:
    r = json.load(open("r2.json"))
    o = r["orders"][0]
    assert o["status"] == "skipped", o
    assert o["findings"][0]["code"] == "ALREADY_CREDITED" and sys.argv[1] in o["findings"][0]["message"], o
except Exception as e:
    print("r2.json: %r" % e)
    bad = 1
sys.exit(bad)
PY
contains_all r1.csv "\"credited\"" "DISPUTE_LOST_CREDITED"
contains r1.html 'id="credited"'
contains r1.xml 'message="credited: DISPUTE_LOST_CREDITED"'

# The credit notes on paper.
contains_all CN-2026-000001.txt "Rechnungskorrektur" "Korrekturnummer CN-2026-000001" "Korrigierte Rechnung INV-2026-000001" \
    "Rechnungsdatum 20.11.2026" "Grund Ware beschädigt" "Widget Größe L -2 Stk. 12,50 19 -25,00" \
    "Summe netto -25,00 EUR" "Gesamtbetrag (brutto) -29,75 EUR" \
    "Der gutgeschriebene Betrag wird Ihnen erstattet"
not_contains CN-2026-000001.txt "Bitte überweisen"
contains_all CN-2026-000002.txt "Faktura korygująca" "Numer faktury korygującej CN-2026-000002" \
    "Faktura korygowana INV-2026-000002" "Data wystawienia faktury korygowanej 20.11.2026" \
    "Przyczyna korekty Zwrot towaru" "Pozycje korygowane" \
    "Przed korektą 3 3 750,00 23" "Po korekcie 2 2 500,00 23" "Różnica -1 -1 250,00 23" \
    "Razem netto -1 250,00 PLN" "Kwota korekty zostanie zwrócona"
contains_all CN-2026-000003.txt "Kreditnota" "Kreditnotanummer CN-2026-000003" "Korrigert faktura INV-2026-000003" \
    "Årsak Feil levering" "Det krediterte beløpet"
not_contains CN-2026-000003.txt "Før"
contains_all CN-2026-000004.txt "Credit note" "Credit note number CN-2026-000004" "Corrected invoice INV-2026-000006" \
    "Invoice date 20 Nov 2026" "Reason Returned" "The credited amount is refunded" \
    "Cheese knives (set of 6) -4 pc 45.00 0 -180.00" "Exempt intra-Community supply of goods"
finish
