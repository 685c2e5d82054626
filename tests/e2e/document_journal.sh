# document_journal: `faktura invoices`, the sales journal (VAT register), read from the
# stored documents: one row per invoice and VAT breakdown; the JSON's sums per currency
# equal the invoiced totals of the runs' reports, and its sums per category and rate the
# rows'; payment status open, paid, overdue; --from/--to; CSV cells safe for spreadsheets.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
expect_exit 1 "$FAKTURA" run -q --config "$cfg" --db db.sqlite --out out1 --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
cp out1/report-1.json report1.json
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" 40 5000 >second.csv
printf '%s\n' 'SO-009999,2026-11-21,business,=1+1 Handel GmbH,PL5260250274,PL,ul. Długa 1,90-926,Łódź,PLN,bank_transfer,X,Rura,2,10.00,8,0.2358,2026-11-17' >>second.csv
expect_exit 0 "$FAKTURA" run -q --config "$cfg" --db db.sqlite --out out2 --as-of 2026-11-25 second.csv
cp out2/report-2.json report2.json
printf 'invoice_number,amount,paid_on\nINV-2026-000001,234.14,2026-11-28\nINV-2026-000002,100.00,2026-11-28\n' >pay.csv
expect_exit 0 "$FAKTURA" payments --db db.sqlite pay.csv

expect_exit 0 "$FAKTURA" invoices --db db.sqlite --as-of 2026-12-10 --format json --report j.json
contains last.err "61 invoices"
expect_exit 0 "$FAKTURA" invoices --db db.sqlite --as-of 2026-12-10 --report j.csv
expect_exit 0 "$FAKTURA" invoices --db db.sqlite --as-of 2026-11-30
cp last.out j-nov.csv
expect_exit 0 "$FAKTURA" invoices --db db.sqlite --from 2026-11-21 --to 2026-11-30 --format json
cp last.out j-batch2.json
python3 - <<'PY' || fail "journal"
import csv, json, sqlite3
from decimal import Decimal as D
j = json.load(open("j.json"))
rows = j["rows"]
db = sqlite3.connect("db.sqlite")
# one row per invoice and VAT breakdown
nb = 0
for (content,) in db.execute("SELECT content FROM documents"):
    nb += len(json.loads(content)["vat_breakdown"])
assert len(rows) == nb and j["invoices"] == 61 and j["without_content"] == 0, (len(rows), nb)
assert [r["number"] for r in rows] == sorted(r["number"] for r in rows)
# the sums per currency equal the runs' reports (invoiced) and the database
invoiced = {}
for rep in ("report1.json", "report2.json"):
    for cur, t in json.load(open(rep))["summary"]["totals"].items():
        invoiced[cur] = invoiced.get(cur, D(0)) + D(t["invoiced"])
sums = {s["currency"]: s for s in j["sums"]}
assert {c for c, v in invoiced.items() if v} == set(sums), (invoiced, sums.keys())
for cur, s in sums.items():
    assert D(s["gross"]) == invoiced[cur], (cur, s["gross"], invoiced[cur])
    # each invoice's gross once, not once per row
    gross = {}
    for r in rows:
        if r["currency"] == cur:
            gross[r["number"]] = D(r["gross"])
    assert sum(gross.values()) == D(s["gross"]) and len(gross) == s["invoices"], cur
    # per category and rate: the rows' sums
    for b in s["breakdowns"]:
        mine = [r for r in rows if r["currency"] == cur and r["vat_category"] == b["vat_category"]
                and r["vat_rate"] == b["vat_rate"]]
        assert mine, b
        assert sum(D(r["net"]) for r in mine) == D(b["net"]), b
        assert sum(D(r["vat"]) for r in mine) == D(b["vat"]), b
        assert sum(D(r["vat_accounting"]) for r in mine) == D(b["vat_accounting"]), b
    # net + VAT of its rows = the invoice's gross, for every invoice
    for number in gross:
        mine = [r for r in rows if r["number"] == number]
        assert sum(D(r["net"]) + D(r["vat"]) for r in mine) == gross[number], number
# an invoice in PLN of a seller accounting in EUR: its VAT in EUR per breakdown
pln = [r for r in rows if r["number"] == "INV-2026-000002"]
assert [(r["vat_category"], r["vat_rate"], r["net"], r["vat"], r["exchange_rate"], r["vat_accounting"])
        for r in pln] == [("S", "8", "480.00", "38.40", "0.2358", "9.05"),
                          ("S", "23", "3750.00", "862.50", "0.2358", "203.38")], pln
k = [r for r in rows if r["number"] == "INV-2026-000006"][0]   # SO-1006, cheese knives to FR
assert (k["buyer_country"], k["buyer_vat_id"], k["vat_category"], k["vat_rate"]) == \
    ("FR", "FR40303265045", "K", "0"), k
ae = [r for r in rows if r["number"] == "INV-2026-000004"][0]  # SO-1004, consulting to AT
assert ae["vat_category"] == "AE" and ae["buyer_name"] == "Wiener Werkstätten GmbH", ae
# status on 10 December: paid in full, partly paid and past due, due on 4 December
by = {r["number"]: r for r in rows}
assert (by["INV-2026-000001"]["status"], by["INV-2026-000001"]["paid"]) == ("paid", "234.14")
assert (by["INV-2026-000002"]["status"], by["INV-2026-000002"]["paid"]) == ("overdue", "100.00")
assert by["INV-2026-000003"]["status"] == "overdue"
assert all(r["stored"] is True for r in rows)
assert by["INV-2026-000001"]["payment_reference"].startswith("RF")
assert by["INV-2026-000001"]["delivery_date"] == "2026-11-18"
assert by["INV-2026-000011"]["period_start"] == "2026-11-01"   # SO-1011, a service period
# the CSV has the same rows
with open("j.csv", newline="", encoding="utf-8") as f:
    c = list(csv.DictReader(f))
assert len(c) == len(rows)
for a, b in zip(c, rows):
    for key in ("number", "vat_category", "vat_rate", "net", "vat", "gross", "vat_accounting",
                "status", "paid"):
        assert a[key] == str(b[key]), (key, a, b)
    assert a["stored"] == "yes"
odd = [r for r in c if r["buyer_name"].endswith("Handel GmbH")][0]
assert odd["buyer_name"] == "'=1+1 Handel GmbH", odd      # never a formula
# on 30 November nothing is overdue yet (due 4 December and later)
with open("j-nov.csv", newline="", encoding="utf-8") as f:
    nov = list(csv.DictReader(f))
assert {r["status"] for r in nov} == {"open", "paid"}, {r["status"] for r in nov}
# --from/--to: the second run only
b2 = json.load(open("j-batch2.json"))
assert b2["from"] == "2026-11-21" and b2["to"] == "2026-11-30"
assert b2["invoices"] == 41 and {r["issue_date"] for r in b2["rows"]} == {"2026-11-25"}
assert [s["currency"] for s in b2["sums"]] == ["PLN"]
assert D(b2["sums"][0]["gross"]) == D(json.load(open("report2.json"))["summary"]["totals"]["PLN"]["invoiced"])
PY
expect_exit 2 "$FAKTURA" invoices --db db.sqlite --format html
expect_exit 2 "$FAKTURA" invoices --db db.sqlite --from 20261101
expect_exit 2 "$FAKTURA" invoices --db nothing.sqlite
finish
