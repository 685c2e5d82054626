# retry_corrected: the accountant's loop. Fix a bad tax ID in the export, `retry` with the
# corrected file: exactly that order is invoiced, with the next number; a second retry
# does nothing. A retry from stored data alone changes nothing for orders still wrong.
. "$FK_SRCDIR/tests/lib/e2e.sh"
common="--config $SAMPLES/faktura.ini --db db.sqlite --out out --as-of 2026-11-20"
expect_exit 1 "$FAKTURA" run $common "$SAMPLES/orders.csv"

# Retry from stored data: nothing was fixed, so the same 11 fail again.
expect_exit 1 "$FAKTURA" retry $common --batch 1
contains last.err "retry batch 1: 31 orders: 20 invoiced, 11 failed"
equal "attempts" "$(sql db.sqlite "SELECT attempts FROM orders WHERE order_id = 'SO-1020'")" 2

sed 's/DE136695977/DE136695976/' "$SAMPLES/orders.csv" >fixed.csv
expect_exit 1 "$FAKTURA" retry $common --batch 1 fixed.csv
contains last.err "retry batch 1: 31 orders: 21 invoiced, 10 failed, 0 held, 0 skipped; reconciled"
equal "SO-1020" "$(sql db.sqlite "SELECT number FROM invoices WHERE order_id = 'SO-1020'")" INV-2026-000021
equal "invoices" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 21
pdftotext out/INV-2026-000021.pdf so1020.txt 2>/dev/null
contains so1020.txt "Becker Bau GmbH"
python3 -c "
import json; r = json.load(open('out/report-1.json'))
ids = [o['order_id'] for o in r['orders']]
assert 'SO-1020' not in ids and len(ids) == 10, ids
" || fail "the report after retry still lists SO-1020"

expect_exit 1 "$FAKTURA" retry $common --batch 1 fixed.csv
equal "invoices after 2nd retry" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 21
expect_exit 0 "$FAKTURA" verify --db db.sqlite
expect_exit 2 "$FAKTURA" retry $common
contains last.err "retry needs --batch ID"
finish
