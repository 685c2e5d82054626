# reconcile: every order is accounted for, in counts and in sums, to the cent: ingested =
# invoiced + failed + held + skipped per currency, and for a run the invoiced sum equals the
# invoices recorded in the database. Checked independently here from the input and the
# database, on a generated ledger with valid and invalid orders.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 10,000 orders through `validate` (every check, no rendering) and through `run` (rendering
# every invoice; FK_RECONCILE_RUN_ORDERS takes only the first ones, for slow builds). The
# sanitizer build validates 3,000 and runs the first 1,500, six chunks: the same code as
# ten thousand, every seventh and eleventh order invalid as there.
N=10000
R=${FK_RECONCILE_RUN_ORDERS:-10000}
[ "${FK_SANITIZER_BUILD:-}" != 1 ] || { N=3000; R=${FK_RECONCILE_RUN_ORDERS:-1500}; }
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" "$N" >good.csv
# Make every 7th order invalid (bad VAT number) and every 11th one unparseable (bad price).
awk -F, 'NR > 1 && NR % 7 == 0 { sub(/PL5260250274/, "PL5260250275") }
         NR > 1 && NR % 11 == 0 { $0 = $0; sub(/,[0-9]+\.[0-9][0-9],23,/, ",1.2.3,23,") } { print }' \
    good.csv >all.csv
head -n $((R + 1)) all.csv >run.csv
expect_exit 1 "$FAKTURA" validate -q --as-of 2026-11-20 --report validate.json all.csv
expect_exit 1 "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 run.csv
for check in "validate.json all.csv $N" "out/report-1.json run.csv $R"; do
set -- $check
python3 - "$@" <<'PY' || fail "reconciliation of $1"
import csv, json, os, sqlite3, sys
from decimal import Decimal, ROUND_HALF_UP
report, ledger, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = json.load(open(report))
s = r["summary"]
assert s["orders"] == n and s["reconciled"] is True, s
assert s["invoiced"] + s["failed"] + s["held"] + s["skipped"] == n
t = s["totals"]["PLN"]
parts = sum(Decimal(t[k]) for k in ("invoiced", "failed", "held", "skipped"))
assert parts == Decimal(t["ingested"]), t
# Recompute every order's gross total from the input, independently of faktura.
expected_ingested = Decimal(0)
for row in csv.DictReader(open(ledger, encoding="utf-8")):
    try:
        price = Decimal(row["unit_price"])
    except Exception:
        continue  # unparseable: counts as 0
    net = (Decimal(row["quantity"]) * price).quantize(Decimal("0.01"), ROUND_HALF_UP)
    vat = (net * Decimal(row["vat_rate"]) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    expected_ingested += net + vat
assert Decimal(t["ingested"]) == expected_ingested, (t["ingested"], expected_ingested)
if r["batch"]["kind"] != "run":
    sys.exit(0)
db = sqlite3.connect("db.sqlite")
recorded = db.execute("SELECT sum(gross) FROM invoices WHERE batch_id = 1").fetchone()[0]
assert Decimal(recorded) / 100 == Decimal(t["invoiced"]) == Decimal(t["recorded_invoices"])
count = db.execute("SELECT count(*) FROM invoices").fetchone()[0]
assert count == s["invoiced"], (count, s["invoiced"])
PY
done
finish
