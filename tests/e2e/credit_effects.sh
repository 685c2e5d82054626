# credit_effects: a credit note lowers its invoice's open amount for the rules (issue 19):
# the customer whose only overdue invoice is credited in full is no longer held for an
# overdue balance; a partial credit leaves it overdue; the running totals (open balances,
# open invoices) agree with the invoices, credit notes and payments.
. "$FK_SRCDIR/tests/lib/e2e.sh"
D="$FK_SRCDIR/tests/data/rules"
common="--config $D/rules.ini --db db.sqlite"
# An invoice for C-O, due 2026-09-14, never paid.
expect_exit 0 "$FAKTURA" run -q $common --out out --as-of 2026-08-31T12:00:00 "$D/before.csv"
head -1 "$D/rules.csv" >over.csv
grep '^R-OVER,' "$D/rules.csv" >>over.csv
# Overdue on 2026-11-20: held.
expect_exit 1 "$FAKTURA" validate -q $common --as-of 2026-11-20T12:00:00 --format csv over.csv
contains last.out "OVERDUE_BALANCE"
# A partial credit leaves a balance: still held.
expect_exit 0 "$FAKTURA" credit -q $common --out cn --as-of 2026-11-20 --invoice INV-2026-000001 \
    --reason "goodwill" --line 1:0.5
expect_exit 1 "$FAKTURA" validate -q $common --as-of 2026-11-20T12:00:00 --format csv over.csv
contains last.out "OVERDUE_BALANCE"
# The rest: nothing is owed, the order is invoiced.
expect_exit 0 "$FAKTURA" credit -q $common --out cn --as-of 2026-11-20 --invoice INV-2026-000001 \
    --reason "goodwill"
expect_exit 0 "$FAKTURA" validate -q $common --as-of 2026-11-20T12:00:00 --format csv over.csv
not_contains last.out "OVERDUE_BALANCE"
# (the values in one sqlite3, a line each; several rows of one are joined by ' | ')
sql_lines db.sqlite "SELECT count(*) FROM open_invoices WHERE number = 'INV-2026-000001';
    SELECT group_concat(open_amount, ' | ') FROM customer_balances WHERE currency = 'EUR' AND customer_key = (SELECT customer_key FROM invoices WHERE number = 'INV-2026-000001');
    SELECT sum(owed - paid) FROM invoice_due WHERE currency = 'EUR' AND customer_key = (SELECT customer_key FROM invoices WHERE number = 'INV-2026-000001');
    SELECT group_concat(open_amount, ' | ') FROM customer_balances WHERE customer_key = (SELECT customer_key FROM invoices WHERE number = 'INV-2026-000001')" \
    open balance owed zero
equal "open invoices" "$open" 0
equal "balances" "$balance" "$owed"
equal "balance zero" "$zero" 0
finish
