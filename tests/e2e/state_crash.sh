# state_crash: `faktura run` killed with SIGKILL at random moments, many times in a row,
# each time rerun; then the books must be exactly as if nothing had happened: every order
# invoiced once, numbers 1..N without gap or repeat, every PDF present, valid and matching
# its recorded hash, no temporary files.
. "$FK_SRCDIR/tests/lib/e2e.sh"
N=6000
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
run() {
    "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
        --as-of 2026-11-20 orders.csv
}

seed=${FK_CRASH_SEED:-$$}
echo "crash seed $seed"
count() { sql db.sqlite 'SELECT count(*) FROM invoices' 2>/dev/null || echo 0; }
kills=0
i=0
while [ $i -lt 12 ]; do
    i=$((i + 1))
    # Started directly (not through the function) so that $! is faktura itself.
    "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
        --as-of 2026-11-20 orders.csv >/dev/null 2>&1 &
    pid=$!
    # Kill when the run has committed past a rising target, plus a random 0-60 ms: so the
    # kill lands inside a chunk (rendering, writing, renaming or committing), never after
    # the run is done.
    target=$((i * N / 13))
    while kill -0 "$pid" 2>/dev/null && [ "$(count)" -lt "$target" ]; do
        sleep 0.02
    done
    delay=$(awk -v s="$seed" -v i="$i" 'BEGIN { srand(s + i); printf "%.3f", rand() * 0.06 }')
    sleep "$delay"
    if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
    wait "$pid" 2>/dev/null || true
done
echo "killed $kills of 12 runs"
[ "$kills" -ge 10 ] || fail "only $kills runs were killed mid-way: the test did not test crashes"

expect_exit 0 run
equal "invoices" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" $N
equal "distinct orders" "$(sql db.sqlite 'SELECT count(DISTINCT order_id) FROM invoices')" $N
equal "numbers 1..N" "$(sql db.sqlite 'SELECT min(seq) || "-" || max(seq) || "-" || count(DISTINCT seq) FROM invoices')" "1-$N-$N"
equal "PDF files" "$(find out -name '*.pdf' | wc -l)" $N
equal "temporary files" "$(find out -name '*.tmp' | wc -l)" 0
expect_exit 0 "$FAKTURA" verify --db db.sqlite
contains last.err "$N invoices checked, 0 problems"
# Every PDF is a valid PDF (qpdf), checked on every 10th file to keep the test short;
# verify above has already matched every file against its recorded SHA-256.
for f in $(ls out/*.pdf | awk 'NR % 10 == 1'); do
    qpdf --check "$f" >/dev/null 2>&1 || fail "qpdf --check $f"
done
sql db.sqlite "PRAGMA integrity_check" >ic.txt
contains ic.txt ok
finish
