# correct_cancel: `faktura cancel` (issue 19): a failed and a held order cancelled with who,
# why and when; retry no longer takes them; status and every report format show them; the
# reconciliation counts them in counts and sums; invoiced and unknown orders are refused
# (exit 1) and left alone; a second cancel of the same order changes nothing.
. "$FK_SRCDIR/tests/lib/e2e.sh"
sed 's/^\[thresholds\]$/[thresholds]\nminimum_amount.EUR = 100.00/' "$SAMPLES/faktura.ini" >f.ini
grep -q '^minimum_amount.EUR = 100.00' f.ini || fail "config not changed"
"$FAKTURA" run --config f.ini --db db.sqlite --out out --as-of 2026-11-20 --report r0.json \
    "$SAMPLES/orders.csv" >/dev/null 2>&1 || true
# (several values from one sqlite3: a line each, as $(sql ...) would give each)
sql_lines db.sqlite "SELECT (SELECT status FROM orders WHERE order_id='SO-1005');
    SELECT (SELECT status FROM orders WHERE order_id='SO-1027');
    SELECT count(*) FROM orders WHERE status='invoiced'" s1005 s1027 invoiced_before
equal "SO-1005 before" "$s1005" held
equal "SO-1027 before" "$s1027" failed

# A held and a failed order: cancelled, with who, why and the status they had.
expect_exit 0 "$FAKTURA" cancel --db db.sqlite --batch 1 SO-1005 SO-1027 \
    --reason "customer withdrew" --by anna
contains last.err "2 of 2 orders cancelled in batch 1"
sql_lines db.sqlite "SELECT group_concat(status) FROM (SELECT status FROM orders
    WHERE order_id IN ('SO-1005','SO-1027') ORDER BY order_id);
    SELECT group_concat(order_id||':'||previous_status||':'||
    cancelled_by||':'||reason, ';') FROM (SELECT * FROM cancellations ORDER BY id)" statuses recorded
equal "statuses" "$statuses" "cancelled,cancelled"
equal "recorded" "$recorded" \
    "SO-1005:held:anna:customer withdrew;SO-1027:failed:anna:customer withdrew"

# The same cancel again changes nothing (exit 0, no second record).
expect_exit 0 "$FAKTURA" cancel --db db.sqlite --batch 1 SO-1005 SO-1027 \
    --reason "customer withdrew" --by anna
equal "records after a second cancel" "$(sql db.sqlite "SELECT count(*) FROM cancellations")" 2

# Refused and left alone: an invoiced order, an order not in the batch; no reason: usage.
expect_exit 1 "$FAKTURA" cancel --db db.sqlite --batch 1 SO-1002 --reason x
contains_all last.err "order SO-1002 of batch 1 is invoiced" "faktura credit"
equal "SO-1002 after" "$(sql db.sqlite "SELECT status FROM orders WHERE order_id='SO-1002'")" invoiced
expect_exit 1 "$FAKTURA" cancel --db db.sqlite --batch 1 NOPE --reason x
contains last.err "order NOPE is not in batch 1"
expect_exit 2 "$FAKTURA" cancel --db db.sqlite --batch 1 SO-1020
contains last.err "--reason"
sql_lines db.sqlite "SELECT (SELECT status FROM orders WHERE order_id='SO-1020');
    SELECT count(*) FROM cancellations" s1020 records
equal "SO-1020 untouched" "$s1020" failed
equal "records after refusals" "$records" 2

# status counts them.
expect_exit 0 "$FAKTURA" status --db db.sqlite
contains last.out "cancelled"
{ read -r _; read -r _ _ _ _ f5 f6 f7 f8 f9 f10 _; } <last.out || : # its second line
equal "status row" "$f5 $f6 $f7 $f8 $f9 $f10" "31 19 10 0 0 2"

# Every report format shows them; the reconciliation adds up in counts and sums.
# (exit 1: the batch still has failed orders.) JUnit names the codes only.
# One report run writes the four (--format and --report repeated, as `report --help` says).
expect_exit 1 "$FAKTURA" report --db db.sqlite --batch 1 --format json --report r.json \
    --format csv --report r.csv --format html --report r.html --format junit --report r.junit
for fmt in json csv html; do
    contains_all "r.$fmt" "ORDER_CANCELLED" "cancelled by anna" "customer withdrew"
done
contains_all r.junit "ORDER_CANCELLED" 'skipped="2"' "2 cancelled"
contains last.err "2 cancelled; reconciled"
python3 - r.json <<'PY' || fail "report.json does not reconcile"
import json, sys
from decimal import Decimal
r = json.load(open(sys.argv[1]))
s = r["summary"]
kinds = ["invoiced", "failed", "held", "skipped", "cancelled", "credited"]
assert s["cancelled"] == 2, s
assert sum(s[k] for k in kinds) == s["orders"], s
assert s["reconciled"] is True
eur = s["totals"]["EUR"]
assert eur["cancelled"] == "311.36", eur          # 71.36 held + 240.00 failed
assert sum(Decimal(eur[k]) for k in kinds) == Decimal(eur["ingested"]), eur
st = {o["order_id"]: o["status"] for o in r["orders"]}
assert st["SO-1005"] == "cancelled" and st["SO-1027"] == "cancelled", st
PY

# retry no longer takes them; nothing new is invoiced for them.
expect_exit 1 "$FAKTURA" retry --db db.sqlite --batch 1 --config f.ini --out out \
    --as-of 2026-11-20 --report r2.json
sql_lines db.sqlite "SELECT group_concat(status) FROM (SELECT status FROM orders
    WHERE order_id IN ('SO-1005','SO-1027') ORDER BY order_id);
    SELECT count(*) FROM orders WHERE status='invoiced'" statuses invoiced
equal "after retry" "$statuses" "cancelled,cancelled"
equal "invoiced after retry" "$invoiced" "$invoiced_before"
contains last.err "2 cancelled"
finish
