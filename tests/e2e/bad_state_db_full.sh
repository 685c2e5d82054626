# bad_state_db_full: the disk under the database fills up in the middle of a batch (issue
# 15, item 14; the test hook FAKTURA_TEST_DB_FULL_AFTER makes SQLite fail exactly as on a
# full disk, SQLITE_FULL, after the first chunks committed). Before: the batch stopped
# with exit 4, and the documented remedy `retry --batch N` exited 0 with "0 orders" while
# most orders were never read. Now the committed chunks stay (the first orders of the
# input, with their PDFs), the batch is incomplete and says how to finish it; `retry`
# without the input says plainly that it cannot (exit 6), `report` too; `retry` with the
# input finishes it to the result of a run on a healthy disk.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 1,000 orders: 4 chunks of 256, the disk full after the first ones committed
N=1000
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
opts="--config $SAMPLES/faktura.ini --as-of 2026-11-20"
mkdir ref
(cd ref && "$FAKTURA" run -q $opts --db ref.sqlite --out out ../orders.csv) || fail "the healthy run failed"
books() { sql "$1" 'SELECT order_id || " " || number || " " || pdf_sha256 FROM invoices ORDER BY seq'; }

FAKTURA_TEST_DB_FULL_AFTER=3 expect_exit 4 "$FAKTURA" run $opts --jobs 1 --db db.sqlite --out out orders.csv
contains last.err "database or disk is full; batch 1 is incomplete: when this is fixed, \`faktura retry --batch 1 orders.csv\` finishes it"
n=$(sql db.sqlite 'SELECT count(*) FROM invoices')
echo "the disk was full after $n invoices"
[ "$n" -gt 0 ] && [ "$n" -lt $N ] || fail "the disk was full before or after the batch ($n invoices)"
equal "gapless" "$(sql db.sqlite 'SELECT count(DISTINCT seq) || "/" || max(seq) FROM invoices')" "$n/$n"
equal "the first orders" "$(sql db.sqlite "SELECT count(*) FROM orders WHERE order_id <> printf('SO-%06d', id)")" 0
expect_exit 0 "$FAKTURA" verify --db db.sqlite

expect_exit 6 "$FAKTURA" retry $opts --db db.sqlite --batch 1
contains last.err "batch 1 is incomplete: it was stopped by an error after $n orders, before every order of its inputs was read; \`faktura retry --batch 1 orders.csv\` finishes it"
equal "after a retry without the input" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" "$n"
expect_exit 6 "$FAKTURA" report --db db.sqlite --batch 1 --report r.json
contains last.err "batch 1 is incomplete"
# Inputs that are not the batch's: refused, nothing recorded.
head -n 100 orders.csv >short.csv
expect_exit 2 "$FAKTURA" retry $opts --db db.sqlite --batch 1 short.csv
contains last.err "the inputs end before the orders batch 1 recorded ($n)"
sed 's/^SO-000002,/SO-999999,/' orders.csv >other.csv
expect_exit 2 "$FAKTURA" retry $opts --db db.sqlite --batch 1 other.csv
contains last.err "other.csv:3: order_id: order \"SO-999999\" is not the order batch 1 recorded here (\"SO-000002\" at orders.csv line 3)"
expect_exit 2 "$FAKTURA" retry $opts --db db.sqlite --batch 1 orders.csv orders.csv
contains last.err "batch 1 read 1 input: give the same ones again"
equal "after refused retries" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" "$n"

# Room again: finished from the input, as a healthy run would have done it.
expect_exit 0 "$FAKTURA" retry $opts --db db.sqlite --batch 1 orders.csv
contains last.err "retry batch 1: $N orders: $N invoiced, 0 failed, 0 held, 0 skipped; reconciled"
books ref/ref.sqlite >ref.books
books db.sqlite >db.books
cmp -s ref.books db.books || fail "the books differ from the healthy run's"
equal "PDFs" "$(find out -name '*.pdf' | wc -l)" $N
expect_exit 0 "$FAKTURA" verify --db db.sqlite
expect_exit 0 "$FAKTURA" report --db db.sqlite --batch 1 --report r.json
expect_exit 0 "$FAKTURA" retry $opts --db db.sqlite --batch 1
contains last.err "retry batch 1: $N orders: $N invoiced"
finish
