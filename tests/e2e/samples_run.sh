# samples_run: `faktura run` on the bundled samples, checked end to end: every order's
# outcome against samples/orders.expected.csv, the PDFs read back with pdftotext, the
# report parsed as JSON, a rerun that invoices nothing twice, and `report --batch`.
. "$FK_SRCDIR/tests/lib/e2e.sh"

run() {
    "$FAKTURA" run --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
        --as-of 2026-11-20 "$SAMPLES/orders.csv"
}

expect_exit 1 run
contains last.err "faktura: run batch 1: 31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report out/report-1.json"

# Every order's outcome and codes, in input order, exactly as expected.
sql db.sqlite "SELECT o.order_id || ',' || o.status || ',' || COALESCE((SELECT group_concat(code, ';')
               FROM (SELECT code FROM findings f WHERE f.order_row = o.id ORDER BY seq)), '')
               FROM orders o WHERE batch_id = 1 ORDER BY o.id" >outcomes.csv
tail -n +2 "$SAMPLES/orders.expected.csv" >expected.csv
diff -u expected.csv outcomes.csv >outcomes.diff || fail "outcomes differ from orders.expected.csv: $(cat outcomes.diff)"

# Gapless numbers 1..20, one PDF each, named after the number only.
equal "invoice count" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 20
equal "numbers" "$(sql db.sqlite 'SELECT min(seq) || "-" || max(seq) || "-" || count(DISTINCT seq) FROM invoices')" "1-20-20"
equal "PDF files" "$(ls out/*.pdf | wc -l)" 20
equal "SO-1002 number" "$(sql db.sqlite "SELECT number FROM invoices WHERE order_id = 'SO-1002'")" INV-2026-000002
# qpdf and pdftotext read every PDF; in the sanitizer build the five read below (they read
# the bytes the normal build reads, 40 processes of a test that has 4 faktura runs).
pdfs=$(ls out/*.pdf)
[ "${FK_SANITIZER_BUILD:-}" != 1 ] ||
    pdfs=$(printf 'out/INV-2026-00000%s.pdf\n' 1 2 3 4 8)
for f in $pdfs; do
    qpdf --check "$f" >/dev/null 2>&1 || fail "qpdf --check $f"
done

# The PDFs say the right things, non-ASCII names included.
pdftotext -layout out/INV-2026-000002.pdf pl.txt 2>/dev/null
contains pl.txt "Faktura VAT"
contains pl.txt "Łódź Żurawie Sp. z o.o."
contains pl.txt "INV-2026-000002"
contains pl.txt "5 130,90 PLN"
pdftotext -layout out/INV-2026-000003.pdf no.txt 2>/dev/null
contains no.txt "Bjørnstad Ærø AS"
contains no.txt "NO974760673MVA"
contains no.txt "VISA ****1111"
pdftotext -layout out/INV-2026-000001.pdf de.txt 2>/dev/null
contains de.txt "Rechnung"
contains de.txt "Müller & Söhne GmbH"
contains de.txt "INV-2026-000001"
contains de.txt "234,14 EUR"
pdftotext -layout out/INV-2026-000008.pdf el.txt 2>/dev/null
contains el.txt "Ελληνικά Τρόφιμα Α.Ε."
# Olive oil to a Greek business: an exempt intra-Community supply of goods (art. 138), not
# reverse charge (art. 196, for services: the Austrian consultancy, SO-1004).
contains el.txt "Exempt intra-Community supply of goods (Article 138"
not_contains el.txt "Article 196"
pdftotext -layout out/INV-2026-000004.pdf at.txt 2>/dev/null
contains at.txt "Wiener Werkstätten GmbH"
contains at.txt "Steuerschuldnerschaft des Leistungsempfängers (Art. 196"

# The full card numbers of the ledger never land anywhere.
sqlite3 db.sqlite .dump >dump.sql
for t in $pdfs; do pdftotext "$t" - 2>/dev/null; done >all-pdf.txt
for card in 4111111111111111 "4111 1111 1111 1111" 5555555555554444 378282246310005 \
            6011111111111117 3530111333300000 4111111111111112; do
    for f in dump.sql all-pdf.txt out/report-1.json last.err last.out; do
        not_contains "$f" "$card"
    done
done

# The report: valid JSON, the v1 fields, 11 orders not invoiced, sums that add up.
python3 - out/report-1.json <<'PY' || fail "report.json checks"
import json, sys
from decimal import Decimal
r = json.load(open(sys.argv[1]))
assert r["version"] == 1 and r["batch"]["id"] == 1 and r["batch"]["as_of"] == "2026-11-20T00:00:00Z"
s = r["summary"]
assert (s["orders"], s["invoiced"], s["failed"], s["held"], s["skipped"]) == (31, 20, 11, 0, 0), s
assert s["reconciled"] is True
assert len(r["orders"]) == 11 and all(o["status"] == "failed" for o in r["orders"])
for cur, t in s["totals"].items():
    parts = sum(Decimal(t[k]) for k in ("invoiced", "failed", "held", "skipped"))
    assert parts == Decimal(t["ingested"]), (cur, t)
    assert t["recorded_invoices"] == t["invoiced"], (cur, t)
assert s["totals"]["PLN"]["invoiced"] == "6354.75", s["totals"]["PLN"]
o = {x["order_id"] + str(x["line"]): x for x in r["orders"]}["SO-102026"]
assert o["findings"][0] == {"code": "TAX_ID_CHECKSUM", "field": "tax_id",
    "message": 'tax_id "DE136695977": the check digit is wrong (country DE)',
    "hint": o["findings"][0]["hint"]} and o["amount"] == "160.65" and o["file"].endswith("orders.csv")
PY

# A rerun invoices nothing twice: the 20 are skipped, the PDFs are untouched.
sha256sum out/*.pdf >before.sha
expect_exit 1 run
contains last.err "batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped; reconciled"
equal "invoices after rerun" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 20
sha256sum -c --quiet before.sha || fail "PDFs changed on rerun"
equal "PDF files after rerun" "$(ls out/*.pdf | wc -l)" 20
contains out/report-2.json "was already invoiced as INV-2026-000002"

# `report --batch` writes the same report again from the database.
cp out/report-2.json run2.json
expect_exit 1 "$FAKTURA" report --db db.sqlite --batch 2 --report again.json
python3 -c "
import json,sys
a=json.load(open('run2.json')); b=json.load(open('again.json'))
assert a == b, 'report --batch differs from the run report'
" || fail "report --batch 2 differs from the run's report"
expect_exit 2 "$FAKTURA" report --db db.sqlite --batch 99
contains last.err "there is no batch 99"

finish
