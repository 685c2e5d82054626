# state_diskfull: the disk refuses a PDF mid-batch (fault injection through the library's
# write hook, failing exactly like ENOSPC). The batch stops cleanly with exit code 4, the
# orders of committed chunks stay invoiced, the rest are recorded as WRITE_FAILED, and
# `faktura retry` finishes the job once space is back; `verify` is happy afterwards.
. "$FK_SRCDIR/tests/lib/e2e.sh"
N=400
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
common="--config $SAMPLES/faktura.ini --db db.sqlite --as-of 2026-11-20"

# One render thread: files are written (and counted by the hook) in input order.
FAKTURA_TEST_FAIL_WRITES_AFTER=300 expect_exit 4 "$FAKTURA" run $common --jobs 1 --out out orders.csv
contains last.err "faktura: error: out: cannot write out/.INV-2026-000301.pdf.tmp: No space left on device"
contains last.err "retry --batch 1"
# The first chunk (256 orders) was committed before the failure; everything after it is
# failed with WRITE_FAILED, no number consumed for it.
equal "invoiced" "$(sql db.sqlite "SELECT count(*) FROM orders WHERE status = 'invoiced'")" 256
equal "write failed" "$(sql db.sqlite "SELECT count(*) FROM findings WHERE code = 'WRITE_FAILED'")" 144
equal "invoices" "$(sql db.sqlite 'SELECT count(*) || "/" || max(seq) FROM invoices')" "256/256"
equal "PDFs" "$(find out -name '*.pdf' | wc -l)" 256
equal "temporary files" "$(find out -name '*.tmp' | wc -l)" 0
contains out/report-1.json '"code":"WRITE_FAILED"'
expect_exit 0 "$FAKTURA" verify --db db.sqlite

# Space is back: retry finishes the batch; nothing is invoiced twice.
expect_exit 0 "$FAKTURA" retry $common --batch 1
# The batch's output directory is recorded absolute: retry finds it from any directory.
out=$(cd out && pwd -P)
contains last.err "faktura: retry batch 1: 400 orders: 400 invoiced, 0 failed, 0 held, 0 skipped; reconciled; report $out/report-1.json"
equal "invoices after retry" "$(sql db.sqlite 'SELECT count(*) || "/" || max(seq) || "/" || count(DISTINCT order_id) FROM invoices')" "400/400/400"
equal "PDFs after retry" "$(find out -name '*.pdf' | wc -l)" 400
expect_exit 0 "$FAKTURA" verify --db db.sqlite
contains last.err "400 invoices checked, 0 problems"
# A second retry has nothing to do.
expect_exit 0 "$FAKTURA" retry $common --batch 1
equal "invoices after 2nd retry" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 400

# verify notices a tampered and a missing PDF.
printf 'x' >>out/INV-2026-000007.pdf
rm out/INV-2026-000009.pdf
expect_exit 1 "$FAKTURA" verify --db db.sqlite
contains last.out "invoice INV-2026-000007: its PDF $out/INV-2026-000007.pdf differs from what was recorded"
contains last.out "invoice INV-2026-000009: its PDF $out/INV-2026-000009.pdf cannot be read"
contains last.err "2 problems"
finish
