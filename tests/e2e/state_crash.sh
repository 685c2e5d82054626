# state_crash: `faktura run` killed with SIGKILL at random moments, many times in a row,
# each time rerun; then the books must be exactly as if nothing had happened: every order
# invoiced once, numbers 1..N without gap or repeat, every PDF present, valid and matching
# its recorded hash, no temporary files.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 3,328 orders: 13 chunks of 256 (CHUNK_ORDERS, lib/pipeline/pipeline.h) for the 12 kills:
# run i is killed once chunk i is committed (target i * 256 - 26), so inside chunk i + 1,
# each kill in a chunk of its own, the last in the batch's last chunk; every restart reads
# the whole input again, so N is most of the test's cost.
N=3328
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
run() {
    "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
        --as-of 2026-11-20 orders.csv
}

seed=${FK_CRASH_SEED:-$$}
echo "crash seed $seed"
kills=0
i=0
: >killed.at
while [ $i -lt 12 ]; do
    i=$((i + 1))
    # Killed when the run has committed past a rising target, plus a random 0-60 ms: so the
    # kill lands inside a chunk (rendering, writing, renaming or committing), never after
    # the run is done (tests/lib/kill-at.py; it prints whether the signal was sent and the
    # invoices committed when the run died).
    target=$((i * 256 - 26))
    python3 "$FK_SRCDIR/tests/lib/kill-at.py" db.sqlite -1 "$target" KILL "$seed" "$i" -- \
        "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
        --as-of 2026-11-20 orders.csv >kill.out 2>/dev/null || true
    sent=$(tail -n 1 kill.out | cut -d" " -f1) at=$(tail -n 1 kill.out | cut -d" " -f2)
    if [ "$sent" = 1 ]; then
        kills=$((kills + 1))
        echo "$at" >>killed.at
    fi
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
# Every PDF is a valid PDF: `verify` above has matched every file against its recorded
# SHA-256 (a torn or half-written file fails it); qpdf --check reads the files the crashes
# were nearest to: for each kill, the last invoice it had committed and the first one the
# next run wrote after the recovery (and the first and last of all).
seqs=""
for seq in 1 $N $(awk '{ print $1, $1 + 1 }' killed.at); do
    [ "$seq" -ge 1 ] && [ "$seq" -le $N ] || continue
    seqs="$seqs${seqs:+,}($seq)"
done
# one sqlite3 for the numbers of all of them (a seq without an invoice: "", which fails)
sql db.sqlite "WITH s(seq) AS (VALUES $seqs)
    SELECT coalesce(i.number, '') FROM (SELECT DISTINCT seq FROM s) s
    LEFT JOIN invoices i ON i.seq = s.seq" >check.txt
while IFS= read -r number; do
    f=out/$number.pdf
    qpdf --check "$f" >/dev/null 2>&1 || fail "qpdf --check $f"
done <check.txt
sql db.sqlite "PRAGMA integrity_check" >ic.txt
contains ic.txt ok
finish
