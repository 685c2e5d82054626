# rules: every generation rule through the real CLI, each order's status and codes checked
# with --expect in a dry run and in a real run; then the accountant's loop: status,
# approve, payments (partial, duplicate, unknown, overpaid), retry, a second retry that
# does nothing, and the holding period released by the next run by itself.
. "$FK_SRCDIR/tests/lib/e2e.sh"
D="$FK_SRCDIR/tests/data/rules"
common="--config $D/rules.ini --db db.sqlite --out out"

# An earlier batch: an invoice for C-O, due 2026-09-14, never paid.
expect_exit 0 "$FAKTURA" run -q $common --as-of 2026-08-31T12:00:00 "$D/before.csv"
equal "P-1" "$(sql db.sqlite "SELECT number || ' ' || due_date FROM invoices WHERE order_id = 'P-1'")" "INV-2026-000001 2026-09-14"

asof=2026-11-20T12:00:00
expect_exit 0 "$FAKTURA" validate $common --as-of $asof --report dry.json \
    --expect "$D/rules.expected.csv" "$D/rules.csv"
contains last.err "every order matches"
expect_exit 0 "$FAKTURA" run $common --as-of $asof --expect "$D/rules.expected.csv" "$D/rules.csv"
contains last.err "run batch 2: 18 orders: 7 invoiced, 2 failed, 9 held, 0 skipped; reconciled"
contains last.err "every order matches"

# The messages say what and why, with the values an accountant needs.
python3 - out/report-2.json <<'PY' || fail "rule messages"
import json, sys
r = {o["order_id"]: o for o in json.load(open(sys.argv[1]))["orders"]}
m = lambda oid: r[oid]["findings"][0]["message"]
assert "order R-DUP1" in m("R-DUP2"), m("R-DUP2")
assert "2.38 EUR is below the minimum invoice amount 5.00 EUR" in m("R-MIN"), m("R-MIN")
assert "5950.00 EUR is above the maximum invoice amount 5000.00 EUR" in m("R-MAX")
assert "open balance 2000.00 EUR plus this order exceeds the credit limit 3000.00" in m("R-CRED2")
assert "credit limit 100.00 EUR" in m("R-CRED3"), m("R-CRED3")
assert "already has 3 invoices today" in m("R-RATE4"), m("R-RATE4")
assert "respond by 2026-12-01 (11 days left)" in m("R-DOPEN"), m("R-DOPEN")
assert "INV-2026-000001" in m("R-OVER"), m("R-OVER")
PY

expect_exit 0 "$FAKTURA" status --db db.sqlite --batch 2
contains last.out "open holds:"
contains last.out "R-DUP2  DUPLICATE_CHARGE_SUSPECTED"
contains last.out "R-HOLD  HOLDING_PERIOD"

# Approvals: recorded with who and why; a hold that cannot be approved is refused.
expect_exit 0 "$FAKTURA" approve --db db.sqlite --batch 2 R-DUP2 R-MAX --reason "checked with payments" --by alice
expect_exit 1 "$FAKTURA" approve --db db.sqlite --batch 2 R-HOLD --reason "impatient" --by bob
contains last.err "order R-HOLD of batch 2 is not held for a reason that can be approved"
expect_exit 2 "$FAKTURA" approve --db db.sqlite --batch 2 R-MAX
contains last.err "approve needs --reason TEXT"
equal "approval" "$(sql db.sqlite "SELECT codes || '|' || reason || '|' || approved_by FROM approvals WHERE order_id = 'R-MAX'")" "ABOVE_MAXIMUM_AMOUNT|checked with payments|alice"

# Payments: two partial payments pay INV-2026-000001 in full; the file's other rows are
# reported and not applied; rerunning the file records nothing twice.
cat >pay.csv <<'CSV'
invoice_number,amount,paid_on,payment_id
INV-2026-000001,100.00,2026-11-18,P-A
INV-2026-000001,19.00,2026-11-19,
INV-2099-999999,10.00,2026-11-19,
INV-2026-000002,99999.00,2026-11-19,
INV-2026-000001,19.00,2026-11-19,
CSV
expect_exit 1 "$FAKTURA" payments --db db.sqlite pay.csv
contains last.err "pay.csv:4: unknown invoice number \"INV-2099-999999\""
contains last.err "pay.csv:5: overpayment"
contains last.err "5 rows: 2 recorded, 1 recorded before, 2 rejected"
expect_exit 1 "$FAKTURA" payments --db db.sqlite pay.csv
contains last.err "5 rows: 0 recorded, 3 recorded before, 2 rejected"
equal "paid" "$(sql db.sqlite "SELECT sum(amount) FROM payments WHERE invoice_number = 'INV-2026-000001'")" 11900

# Retry: the approved orders and the no-longer-overdue customer are invoiced; nothing else.
expect_exit 1 "$FAKTURA" retry $common --batch 2 --as-of 2026-11-20T13:00:00
contains last.err "retry batch 2: 18 orders: 10 invoiced, 2 failed, 6 held, 0 skipped; reconciled"
for o in R-DUP2 R-MAX R-OVER; do
    equal "$o" "$(sql db.sqlite "SELECT status FROM orders WHERE order_id = '$o'")" invoiced
done
n=$(sql db.sqlite 'SELECT count(*) FROM invoices')
expect_exit 1 "$FAKTURA" retry $common --batch 2 --as-of 2026-11-20T13:00:00
equal "invoices after a second retry" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" "$n"

# The holding period passes: the next run invoices R-HOLD by itself, in its own batch.
printf '%s\n' "$(head -n 1 "$D/before.csv")" \
    'N-1,2026-11-20,C-N,Nächste GmbH,DE136695976,DE,EUR,bank_transfer,S1,Service,1,30.00,19,,,' >next.csv
expect_exit 0 "$FAKTURA" run -v $common --as-of 2026-11-21T08:00:00 next.csv
contains last.err "checked 1 order held for their holding period again"
equal "R-HOLD" "$(sql db.sqlite "SELECT o.status || ' ' || o.batch_id || ' ' || i.issue_date FROM orders o JOIN invoices i ON i.order_row = o.id WHERE o.order_id = 'R-HOLD'")" "invoiced 2 2026-11-21"
expect_exit 0 "$FAKTURA" verify --db db.sqlite

# A duplicate charge of orders invoiced by earlier batches (found in the database, not in
# the batch): the message names the earliest one in the window, R-DUP1 (R-DUP2 came later,
# R-DUP3 is outside the 24 hours).
printf '%s\n' "$(head -n 1 "$D/before.csv")" \
    'R-DUP9,2026-11-19T20:00:00,C-D,Doppel GmbH,DE136695976,DE,EUR,bank_transfer,S3,Beratung,1,100.00,19,,,' >dup9.csv
expect_exit 1 "$FAKTURA" validate $common --as-of 2026-11-21T08:00:00 --format csv --report dup9.report.csv dup9.csv
contains dup9.report.csv "DUPLICATE_CHARGE_SUSPECTED"
contains dup9.report.csv "as order R-DUP1 of 2026-11-19T10:00:00Z"
finish
