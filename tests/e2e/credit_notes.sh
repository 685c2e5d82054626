# credit_notes: `faktura credit` (issue 19): a partial credit, credits adding up to the
# invoice exactly and one past it refused (no number used), a full credit, key reuse with
# the same content (the existing number, exit 0) and with other content (refused), an
# unknown invoice, the CSV form with its refusals (file, line, why), the series gapless in
# verify, show and reprint (byte-identical), the journal's negative rows and credited
# marks, and payments that cannot pay what was credited.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="--config $SAMPLES/faktura.ini --db db.sqlite"
expect_exit 1 "$FAKTURA" run -q $cfg --out out --as-of 2026-11-20 "$SAMPLES/orders.csv"
credit() { "$FAKTURA" credit $cfg --out cn --as-of 2026-11-25 "$@"; }
nseq() { sql db.sqlite "SELECT COALESCE(max(next_seq), 1) FROM credit_series"; }

# INV-2026-000001: line 1 Widget 10 x 12.50 (19 %), line 2 book 2 x 39.90 (7 %).
expect_exit 0 credit --invoice INV-2026-000001 --reason "two damaged" --line 1:2 --id A
equal "first number" "$(cat last.out)" CN-2026-000001
contains last.err "credit note CN-2026-000001 issued for invoice INV-2026-000001: -29.75 EUR"
# Same key, same content: the existing number, nothing new.
expect_exit 0 credit --invoice INV-2026-000001 --reason "two damaged" --line 1:2 --id A
equal "existing number" "$(cat last.out)" CN-2026-000001
contains last.err "was issued before under this key"
# Same key, other content: refused, no number.
expect_exit 1 credit --invoice INV-2026-000001 --reason "two damaged" --line 1:3 --id A
contains last.err "key A was used for credit note CN-2026-000001 (invoice INV-2026-000001) with other content"
# More than remains on line 1 (8 left): refused.
expect_exit 1 credit --invoice INV-2026-000001 --reason x --line 1:9
contains last.err "line 1 of invoice INV-2026-000001: 9.000 is more than remains creditable (8.000)"
expect_exit 1 credit --invoice INV-2026-000001 --reason x --line 3
contains last.err "line 3: invoice INV-2026-000001 has 2 lines"
expect_exit 1 credit --invoice INV-2099-999999 --reason x
contains last.err "there is no invoice INV-2099-999999"
equal "no number used by refusals" "$(nseq)" 2
# The rest of line 1, then line 2: the invoice credited exactly.
expect_exit 0 credit --invoice INV-2026-000001 --reason rest --line 1:8
expect_exit 0 credit --invoice INV-2026-000001 --reason books --line 2
equal "numbers" "$(sql db.sqlite "SELECT group_concat(number, ' ') FROM (SELECT number FROM credit_notes ORDER BY seq)")" \
    "CN-2026-000001 CN-2026-000002 CN-2026-000003"
equal "credits add up to the invoice" \
    "$(sql db.sqlite "SELECT -sum(c.net) || ' ' || -sum(c.vat) || ' ' || -sum(c.gross) FROM credit_notes c WHERE invoice_number = 'INV-2026-000001'")" \
    "$(sql db.sqlite "SELECT net || ' ' || vat || ' ' || gross FROM invoices WHERE number = 'INV-2026-000001'")"
# One past it: refused, whole or a line.
expect_exit 1 credit --invoice INV-2026-000001 --reason more
contains last.err "invoice INV-2026-000001 is credited in full already"
expect_exit 1 credit --invoice INV-2026-000001 --reason more --line 2:0.001
contains last.err "line 2 of invoice INV-2026-000001 is credited in full already"
equal "still 3" "$(nseq)" 4

# A full credit of another invoice, in one note.
expect_exit 0 credit --invoice INV-2026-000004 --reason "order cancelled"
equal "full" "$(sql db.sqlite "SELECT c.gross = -i.gross FROM credit_notes c JOIN invoices i ON i.number = c.invoice_number WHERE c.number = 'CN-2026-000004'")" 1

# The CSV form: rows sharing a credit_id are one note; refusals name file and line.
cat >credits.csv <<'CSV'
credit_id,invoice_number,reason,line,quantity
B-1,INV-2026-000002,Zwrot,1,1
B-1,INV-2026-000002,Zwrot,2,
B-2,INV-2026-000099,unknown,,
B-3,INV-2026-000005,too much,1,1000
B-4,INV-2026-000005,whole,,
CSV
expect_exit 1 "$FAKTURA" credit $cfg --out cn --as-of 2026-11-25 --from credits.csv
contains last.out "CN-2026-000005"
contains last.out "CN-2026-000006"
contains last.err "refused: credits.csv:4: there is no invoice INV-2026-000099"
contains last.err "refused: credits.csv:5: line 1 of invoice INV-2026-000005: 1000.000 is more than remains creditable"
contains last.err "credit: 4 credit notes: 2 issued, 0 issued before, 2 refused"
equal "B-1 lines" "$(sql db.sqlite "SELECT json_array_length(content, '$.lines') FROM credit_notes WHERE credit_key = 'B-1'")" 2
# Rerun of the file: nothing new.
expect_exit 1 "$FAKTURA" credit $cfg --out cn --as-of 2026-11-25 --from credits.csv
contains last.err "credit: 4 credit notes: 0 issued, 2 issued before, 2 refused"
equal "six notes" "$(sql db.sqlite "SELECT count(*) FROM credit_notes")" 6

# verify checks the credit notes' PDFs and series; show and reprint.
expect_exit 0 "$FAKTURA" verify --db db.sqlite
contains last.err "26 invoices checked, 0 problems"
expect_exit 0 "$FAKTURA" show --db db.sqlite CN-2026-000001
python3 - <<'PY' || fail "show CN-2026-000001"
import json
d = json.load(open("last.out"))
assert d["kind"] == "credit_note" and d["type_code"] == 381, d["kind"]
assert d["corrects"] == {"invoice_number": "INV-2026-000001", "invoice_date": "2026-11-20", "reason": "two damaged"}, d["corrects"]
assert d["totals"]["gross"] == -2975, d["totals"]
l = d["lines"][0]
assert (l["invoice_line"], l["quantity_milli"], l["net"], l["quantity_before_milli"], l["net_before"]) == (1, -2000, -2500, 10000, 12500), l
PY
expect_exit 0 "$FAKTURA" reprint $cfg CN-2026-000005 --out again.pdf
cmp -s again.pdf cn/CN-2026-000005.pdf || fail "reprint of CN-2026-000005 differs"
echo tampered >>cn/CN-2026-000002.pdf
expect_exit 1 "$FAKTURA" verify --db db.sqlite
contains last.out "invoice CN-2026-000002: its PDF"
expect_exit 0 "$FAKTURA" verify --db db.sqlite --repair $cfg
expect_exit 0 "$FAKTURA" verify --db db.sqlite

# The journal: credit notes are negative rows; invoices credited or partially credited.
expect_exit 0 "$FAKTURA" invoices --db db.sqlite --as-of 2026-11-26 --format json --report j.json
python3 - <<'PY' || fail "journal"
import json
j = json.load(open("j.json"))
rows = j["rows"]
inv1 = [r for r in rows if r["number"] == "INV-2026-000001"]
assert all(r["credit_status"] == "credited" and r["status"] == "credited" for r in inv1), inv1
inv2 = [r for r in rows if r["number"] == "INV-2026-000002"]
assert all(r["credit_status"] == "partially credited" for r in inv2), inv2
cn = [r for r in rows if r["kind"] == "credit_note"]
assert len({r["number"] for r in cn}) == 6, cn
assert all(r["gross"].startswith("-") and r["net"].startswith("-") for r in cn), cn
assert all(r["corrects"].startswith("INV-") for r in cn), cn
assert j["credit_notes"] == 6 and j["invoices"] == 20, (j["invoices"], j["credit_notes"])
cents = lambda v: int(v.replace(".", ""))
eur = [s for s in j["sums"] if s["currency"] == "EUR"][0]
# per currency: the gross sums of the rows (each document once) equal the sums
seen, total = set(), 0
for r in rows:
    if r["currency"] == "EUR" and r["number"] not in seen:
        seen.add(r["number"]); total += cents(r["gross"])
assert total == cents(eur["gross"]), (total, eur["gross"])
PY

# Payments: a credited invoice cannot be paid for what was credited.
printf 'invoice_number,amount,paid_on\nINV-2026-000001,0.01,2026-11-26\nINV-2026-000002,5000.00,2026-11-26\n' >pay.csv
expect_exit 1 "$FAKTURA" payments --db db.sqlite pay.csv
contains last.err "overpayment: 0.01 EUR on invoice INV-2026-000001 of 234.14 EUR, of which 0.00 is paid and 234.14 credited"
contains last.err "overpayment: 5000.00 PLN on invoice INV-2026-000002"
finish
