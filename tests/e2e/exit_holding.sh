# exit_holding: the cron-friendly exit rule. An order held only for the holding period
# needs no one (the next run invoices it by itself), so it alone does not make a run exit
# 1; a hold a person must decide, or a failed order, still does. run, validate, retry and
# report follow the same rule; the summary says how many holds wait.
. "$FK_SRCDIR/tests/lib/e2e.sh"
D="$FK_SRCDIR/tests/data/rules"
common="--config $D/rules.ini --db db.sqlite --out out" # holding_hours = 6, minimum 5.00 EUR
header=$(head -n 1 "$D/rules.csv")
young='H-1,2026-11-20T10:00:00,C-H,Neu GmbH,DE136695976,DE,EUR,bank_transfer,S7,Frisch,1,50.00,19,,,,'
older='H-2,2026-11-19,C-O,Alt GmbH,DE136695976,DE,EUR,bank_transfer,S1,Beratung,1,40.00,19,,,,'
small='H-3,2026-11-19,C-S,Klein GmbH,DE136695976,DE,EUR,bank_transfer,S1,Sticker,1,2.00,19,,,,'
printf '%s\n' "$header" "$young" "$older" >young.csv
printf '%s\n' "$header" "$young" "$small" >mixed.csv
printf '%s\n' "$header" 'H-9,2026-11-21,C-N,Next GmbH,DE136695976,DE,EUR,bank_transfer,S1,Beratung,1,30.00,19,,,,' >next.csv

# Only a holding-period hold: exit 0 (it was 1 before), and the summary says it waits.
expect_exit 0 "$FAKTURA" validate $common --as-of 2026-11-20T12:00:00 --report dry.json young.csv
contains_all last.err "2 orders: 1 invoiced, 0 failed, 1 held, 0 skipped" \
    "1 of the held orders waits only for the holding period"
expect_exit 0 "$FAKTURA" run $common --as-of 2026-11-20T12:00:00 young.csv
contains_all last.err "run batch 1: 2 orders: 1 invoiced, 0 failed, 1 held, 0 skipped; reconciled" \
    "the next run invoices it by itself"
python3 - out/report-1.json <<'PY' || fail "batch 1's report: H-1 held for HOLDING_PERIOD only"
import json, sys
r = json.load(open(sys.argv[1]))
assert [(o["order_id"], o["status"], [f["code"] for f in o["findings"]]) for o in r["orders"]] == \
    [("H-1", "held", ["HOLDING_PERIOD"])], r["orders"]
PY
expect_exit 0 "$FAKTURA" report --db db.sqlite --batch 1 --report again.json
expect_exit 0 "$FAKTURA" retry $common --batch 1 --as-of 2026-11-20T12:30:00
contains last.err "retry batch 1: 2 orders: 1 invoiced, 0 failed, 1 held, 0 skipped"
# -q: nothing at all on a good night.
expect_exit 0 "$FAKTURA" report -q --db db.sqlite --batch 1 --report again.json
read_file err last.err
equal "report -q stderr" "$err" ""

# A hold a person decides (below the minimum amount) beside it: exit 1, as before.
expect_exit 1 "$FAKTURA" validate $common --as-of 2026-11-20T12:00:00 --report dry2.json mixed.csv
contains_all last.err "2 orders: 0 invoiced, 0 failed, 2 held, 0 skipped" \
    "1 of the held orders waits only for the holding period"
# Failed orders still make it 1 (the sample ledger has 11).
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --report samples.json "$SAMPLES/orders.csv"

# The holding period has passed: the next run invoices H-1 by itself (in its own batch 1),
# and nothing waits any more.
expect_exit 0 "$FAKTURA" run $common --as-of 2026-11-21T08:00:00 next.csv
not_contains last.err "waits only for the holding period"
equal "H-1" "$(sql db.sqlite "SELECT status || ' ' || batch_id FROM orders WHERE order_id = 'H-1'")" "invoiced 1"
expect_exit 0 "$FAKTURA" report --db db.sqlite --batch 1 --report after.json
contains last.err "report batch 1: 2 orders: 2 invoiced, 0 failed, 0 held, 0 skipped"
finish
