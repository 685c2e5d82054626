# expect: `faktura validate LEDGER --expect EXPECTED.csv` keeps billing rules under test:
# exit 0 when every order's status and codes match, 1 with a readable diff when not. The
# repository's own samples are checked this way.
. "$FK_SRCDIR/tests/lib/e2e.sh"
v() { "$FAKTURA" validate --as-of 2026-11-20 --report expect-report.json "$@"; }

expect_exit 0 v --expect "$SAMPLES/orders.expected.csv" "$SAMPLES/orders.csv"
contains last.err "every order matches"

sed -e 's/SO-1020,failed,TAX_ID_CHECKSUM/SO-1020,failed,TAX_ID_FORMAT/' \
    -e 's/SO-1005,invoiced,/SO-1005,held,BELOW_MINIMUM_AMOUNT/' \
    -e '/^SO-1030,/d' "$SAMPLES/orders.expected.csv" >wrong.csv
echo "SO-9999,invoiced," >>wrong.csv
expect_exit 1 v --expect wrong.csv "$SAMPLES/orders.csv"
contains last.err "faktura: expect: SO-1020 ("
contains last.err "expected failed TAX_ID_FORMAT, got failed TAX_ID_CHECKSUM"
contains last.err "SO-1005 ("
contains last.err "expected held BELOW_MINIMUM_AMOUNT, got invoiced"
contains last.err "SO-1030 ("
contains last.err "not in the expectations; got invoiced"
contains last.err "SO-9999: expected invoiced, but no such order was ingested"
contains last.err "faktura: 4 orders differ from wrong.csv"

# Codes are a set: order and separators do not matter.
printf 'order_id,status,codes\nA,failed,"QUANTITY_INVALID; TAX_ID_MISSING"\n' >set.csv
printf 'order_id,order_date,company_name,country,currency,payment_method,item_description,quantity,unit_price,vat_rate\nA,2026-11-01,X GmbH,DE,EUR,bank_transfer,thing,-1,1.00,19\n' >a.csv
expect_exit 0 v --expect set.csv a.csv
expect_exit 3 v --expect missing.csv a.csv
contains last.err "cannot open the expectations file"
finish
