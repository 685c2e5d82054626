# state_concurrent: a second run on the same database is refused at once (exit 4, naming
# the other process) while the first goes on; validate and report can read meanwhile
# (report says the batch is still running);
# nothing is doubled. The first run is stopped (SIGSTOP) once it has committed something, so
# the checks never race its end however fast it is, and continued (SIGCONT) after them.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 2,000 orders (8 chunks): stopped after its first chunk, the first run has 7 to go; all of
# them are rendered when it goes on, so N is most of the cost.
N=2000
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
common="--config $SAMPLES/faktura.ini --db db.sqlite --as-of 2026-11-20"

"$FAKTURA" run -q $common --out out orders.csv >a.out 2>a.err &
a=$!
# Wait until the first run holds the lock and has committed something.
tries=0
until [ "$(sql db.sqlite 'SELECT count(*) FROM invoices' 2>/dev/null || echo 0)" -gt 0 ]; do
    tries=$((tries + 1))
    [ $tries -lt 600 ] || { fail "the first run never started"; break; }
    sleep 0.05
done
kill -STOP $a 2>/dev/null || fail "the first run ended before the checks: make N larger"
expect_exit 4 "$FAKTURA" run -q $common --out out2 orders.csv
contains last.err "another faktura process (pid $a) is running on this database"
# Readers are not blocked by the writer. The report of the batch being written covers
# what it has recorded so far and says that the batch is not done (exit 6).
expect_exit 6 "$FAKTURA" report --db db.sqlite --batch 1 --report during.json
contains last.err "batch 1 is incomplete: it is still running (another process is recording it)"
expect_exit 0 "$FAKTURA" validate -q $common orders.csv
kill -CONT $a
wait $a || fail "the first run failed: $(cat a.err)"
equal "invoices" "$(sql db.sqlite 'SELECT count(*) || "/" || count(DISTINCT order_id) || "/" || max(seq) FROM invoices')" "$N/$N/$N"
[ ! -e out2 ] || [ -z "$(ls out2)" ] || fail "the refused run wrote PDFs"
finish
