# bad_approval_content: an approval covers the content that was reviewed, its content hash
# and amount (issue 15, item 4). An accountant approves a 60,000 EUR order held by the
# maximum amount; a retry with a "corrected" file at 9,000,000 EUR issued the 9M invoice.
# Changed content is checked afresh and held again, said so on stderr and in `status`;
# the reviewed content is still released by the approval.
. "$FK_SRCDIR/tests/lib/e2e.sh"
sed 's/^\[thresholds\]$/[thresholds]\nmaximum_amount.EUR = 50000.00/' "$SAMPLES/faktura.ini" >max.ini
common="--config max.ini --db db.sqlite --out out --as-of 2026-11-20"
# the columns row() writes (the sample ledger has more)
hdr=order_id,order_date,customer_id,customer_type,company_name,tax_id,country,street,postal_code,city,email,language,currency,payment_method,card_number,card_expiry,iban,bic,mandate_id,item_sku,item_description,quantity,unit_price,vat_rate
row() { # ID PRICE: one order of one line, 19 % VAT
    echo "$1,2026-11-18,C-BIG,business,Großkunde GmbH,DE136695976,DE,Hauptstraße 5,80331,München,,de,EUR,bank_transfer,,,,,,MACH-1,Maschine,1,$2,19"
}
{ echo "$hdr"; row BIG-1 50420.17; row SMALL-1 100.00; } >reviewed.csv
{ echo "$hdr"; row BIG-1 7563025.21; row SMALL-1 100.00; } >changed.csv

expect_exit 1 "$FAKTURA" run $common reviewed.csv
contains last.err "run batch 1: 2 orders: 1 invoiced, 0 failed, 1 held"
expect_exit 0 "$FAKTURA" approve --db db.sqlite --batch 1 BIG-1 --reason "60,000 EUR machine, checked" --by alice
equal "approval" "$(sql db.sqlite "SELECT codes || ' ' || amount FROM approvals")" "ABOVE_MAXIMUM_AMOUNT 6000000"

# The corrected file says 9,000,000 EUR: held again, not released by the approval.
expect_exit 1 "$FAKTURA" retry $common --batch 1 changed.csv
contains last.err "retry batch 1: 2 orders: 1 invoiced, 0 failed, 1 held"
contains last.err "faktura: warning: order BIG-1 of batch 1 changed since it was approved: it is held again"
equal "BIG-1" "$(sql db.sqlite "SELECT status || ' ' || amount FROM orders WHERE order_id = 'BIG-1'")" "held 900000000"
equal "invoices of BIG-1" "$(sql db.sqlite "SELECT count(*) FROM invoices WHERE order_id = 'BIG-1'")" 0
contains out/report-1.json "above the maximum invoice amount 50000.00 EUR"
expect_exit 0 "$FAKTURA" status --db db.sqlite --batch 1
contains last.out "[approved: ABOVE_MAXIMUM_AMOUNT by alice (for other content: no longer applies)]"
# From the stored data (the 9M content now): still held.
expect_exit 1 "$FAKTURA" retry $common --batch 1
equal "invoices of BIG-1" "$(sql db.sqlite "SELECT count(*) FROM invoices WHERE order_id = 'BIG-1'")" 0

# The content that was reviewed: the approval releases it.
expect_exit 0 "$FAKTURA" retry $common --batch 1 reviewed.csv
contains last.err "retry batch 1: 2 orders: 2 invoiced, 0 failed, 0 held"
equal "BIG-1 invoice" "$(sql db.sqlite "SELECT gross FROM invoices WHERE order_id = 'BIG-1'")" 6000000
expect_exit 0 "$FAKTURA" verify --db db.sqlite
finish
