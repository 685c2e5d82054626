# rules_totals: the running totals the generation rules read (issue 15, item 23: one
# indexed lookup an order instead of a sum over the customer's invoices) always equal the
# sums they replace: after runs, partial and full payments, an overpayment refused, and
# payments removed or changed by hand in the database. The speed is shown by
# `scripts/bench --one-customer` (docs/performance.md), not timed here.
. "$FK_SRCDIR/tests/lib/e2e.sh"
D="$FK_SRCDIR/tests/data/rules"
common="--config $D/rules.ini --db db.sqlite --out out"

# consistent WHEN: each table equals what it sums (the six sums in one sqlite3, a line each)
consistent() {
    sql_lines db.sqlite "SELECT group_concat(k, ';') FROM (SELECT customer_key || '/' || currency || '=' || open_amount AS k FROM customer_balances WHERE open_amount <> 0 ORDER BY 1);
        SELECT group_concat(k, ';') FROM (SELECT customer_key || '/' || currency || '=' || SUM(gross - COALESCE((SELECT SUM(amount) FROM payments p WHERE p.invoice_number = i.number), 0)) AS k FROM invoices i WHERE customer_key IS NOT NULL GROUP BY customer_key, currency HAVING SUM(gross - COALESCE((SELECT SUM(amount) FROM payments p WHERE p.invoice_number = i.number), 0)) <> 0 ORDER BY 1);
        SELECT group_concat(customer_key || '/' || issue_date || '=' || invoices, ';') FROM (SELECT * FROM customer_days ORDER BY 1, 2);
        SELECT group_concat(k, ';') FROM (SELECT customer_key || '/' || issue_date || '=' || count(*) AS k FROM invoices WHERE customer_key IS NOT NULL GROUP BY customer_key, issue_date ORDER BY customer_key, issue_date);
        SELECT group_concat(number, ';') FROM (SELECT number FROM open_invoices ORDER BY 1);
        SELECT group_concat(number, ';') FROM (SELECT number FROM invoices i WHERE customer_key IS NOT NULL AND gross > COALESCE((SELECT SUM(amount) FROM payments p WHERE p.invoice_number = i.number), 0) ORDER BY 1)" b1 b2 d1 d2 o1 o2
    equal "$1: balances" "$b1" "$b2"
    equal "$1: per day" "$d1" "$d2"
    equal "$1: open invoices" "$o1" "$o2"
}

expect_exit 0 "$FAKTURA" run -q $common --as-of 2026-08-31T12:00:00 "$D/before.csv"
expect_exit 1 "$FAKTURA" run -q $common --as-of 2026-11-20T12:00:00 "$D/rules.csv"
consistent "after the runs"
[ "$(sql db.sqlite 'SELECT count(*) FROM open_invoices')" -gt 3 ] || fail "too few invoices to test"

# Payments: one partial, one in full, one refused as an overpayment.
sql_lines db.sqlite "SELECT number FROM invoices ORDER BY seq LIMIT 1;
    SELECT number FROM invoices ORDER BY seq LIMIT 1 OFFSET 1;
    SELECT printf('%d.%02d', gross / 100, gross % 100) FROM invoices ORDER BY seq LIMIT 1 OFFSET 1" n1 n2 g2
printf 'invoice_number,amount,paid_on,payment_id\n%s,10.00,2026-11-18,P-1\n%s,%s,2026-11-18,P-2\n%s,99999.00,2026-11-18,P-3\n' \
    "$n1" "$n2" "$g2" "$n1" >pay.csv
expect_exit 1 "$FAKTURA" payments --db db.sqlite pay.csv
contains last.err "3 rows: 2 recorded, 0 recorded before, 1 rejected"
consistent "after payments"
sql db.sqlite "SELECT number FROM open_invoices" >open.txt
not_contains open.txt "$n2"
contains open.txt "$n1"

# By hand: a payment removed, another changed; the totals follow.
sql db.sqlite "DELETE FROM payments WHERE invoice_number = '$n2'"
equal "payments left" "$(sql db.sqlite 'SELECT count(*) FROM payments')" 1
consistent "after a payment was removed"
sql db.sqlite "SELECT number FROM open_invoices" >open.txt
contains open.txt "$n2"
sql db.sqlite "UPDATE payments SET amount = 1 WHERE invoice_number = '$n1'"
consistent "after a payment was changed"

# The rules see the totals: the next run of the same customers holds as before.
expect_exit 1 "$FAKTURA" retry -q $common --batch 2 --as-of 2026-11-20T13:00:00
consistent "after a retry"
finish
