# state_interrupt: SIGTERM, SIGINT and SIGKILL at random points in the middle of a batch,
# several times in a row (issue 15, item 13). Before: a signal left the batch 'running'
# forever, `report --batch` then said "reconciled" with exit 0 and `retry` exited 0 while
# most orders were never read. Now SIGTERM and SIGINT finish the chunks in hand, mark the
# batch interrupted and exit 143 or 130; a batch a killed process left running is seen as
# interrupted (the run lock says its process is gone). After every stop: no gap, no
# duplicate, the orders recorded are the first ones of the input, every recorded invoice's
# PDF is there, `report` and `retry` without the input say the batch is incomplete (exit
# 6); `retry --batch 1 INPUT` goes on, and finally finishes the batch to the very result
# of an uninterrupted run (numbers and PDF bytes).
. "$FK_SRCDIR/tests/lib/e2e.sh"
N=5000
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
opts="--config $SAMPLES/faktura.ini --as-of 2026-11-20"

# The uninterrupted run, for the comparison.
mkdir ref
(cd ref && "$FAKTURA" run -q $opts --db ref.sqlite --out out ../orders.csv) ||
    fail "the uninterrupted run failed"
books() { sql "$1" 'SELECT order_id || " " || number || " " || pdf_sha256 FROM invoices ORDER BY seq'; }
books ref/ref.sqlite >ref.books

seed=${FK_CRASH_SEED:-$$}
echo "seed $seed"
i=0
n=0 # the invoices after the last attempt (nothing else adds any)
for sig in TERM INT KILL TERM KILL INT; do
    i=$((i + 1))
    before=$n
    if [ $i -eq 1 ]; then cmd=run; else cmd="retry --batch 1"; fi
    # env resets SIGINT, which a shell without job control ignores in background jobs (and
    # faktura leaves ignored). Signalled once this attempt has committed something and past
    # a rising target, plus a random 0-60 ms: inside a chunk (checking, rendering, writing,
    # committing); tests/lib/kill-at.py prints whether the signal was sent.
    target=$((i * N / 8))
    set +e
    python3 "$FK_SRCDIR/tests/lib/kill-at.py" db.sqlite "$before" "$target" "$sig" "$seed" "$i" \
        -- env --default-signal=INT "$FAKTURA" $cmd -q $opts --db db.sqlite --out out \
        orders.csv >kill.out 2>run.err
    code=$?
    set -e
    sent=$(tail -n 1 kill.out | cut -d" " -f1) at=$(tail -n 1 kill.out | cut -d" " -f2)
    [ "$sent" = 1 ] || fail "attempt $i ($sig): the batch ended before the signal"
    case $sig in TERM) want=143 ;; INT) want=130 ;; KILL) want=137 ;; esac
    equal "attempt $i ($sig): exit code" "$code" "$want"
    # one sqlite3 for the books after the attempt: the invoices, the batch's state, the
    # invoices' seq and order count, the orders out of input order, the orders without an
    # invoice
    sql db.sqlite "SELECT count(*) FROM invoices;
        SELECT coalesce((SELECT state FROM batches WHERE id = 1), '-');
        SELECT count(*) || '/' || count(DISTINCT seq) || '/' || COALESCE(max(seq), 0) || '/' ||
            count(DISTINCT order_id) FROM invoices;
        SELECT count(*) FROM orders WHERE order_id <> printf('SO-%06d', id);
        SELECT count(*) FROM orders WHERE status <> 'invoiced'" >books.txt
    { read -r n; read -r state; read -r gapless; read -r unordered; read -r open; } <books.txt
    echo "attempt $i: $cmd, SIG$sig after $n invoices"
    [ "$n" -lt $N ] || fail "attempt $i ($sig): nothing was left to interrupt"
    if [ "$sig" != KILL ]; then
        contains run.err "interrupted: batch 1 has its first"
        equal "attempt $i: state" "$state" interrupted
    fi
    equal "attempt $i: gapless" "$gapless" "$n/$n/$n/$n"
    equal "attempt $i: the first orders of the input" "$unordered" 0
    equal "attempt $i: every order recorded has its invoice" "$open" 0
    expect_exit 0 "$FAKTURA" verify --db db.sqlite
    expect_exit 0 "$FAKTURA" status --db db.sqlite --batch 1
    contains last.out " interrupted "
    expect_exit 6 "$FAKTURA" report --db db.sqlite --batch 1 --report r.json
    contains last.err "batch 1 is incomplete: it was interrupted"
    contains last.err "\`faktura retry --batch 1 orders.csv\` finishes it"
done
expect_exit 6 "$FAKTURA" retry $opts --db db.sqlite --batch 1
contains last.err "batch 1 is incomplete: it was interrupted"

# Finished: the same books as the uninterrupted run.
expect_exit 0 "$FAKTURA" retry $opts --db db.sqlite --out out --batch 1 orders.csv
contains last.err "retry batch 1: $N orders: $N invoiced, 0 failed, 0 held, 0 skipped; reconciled"
books db.sqlite >db.books
cmp -s ref.books db.books || fail "the books differ from the uninterrupted run's: $(diff ref.books db.books | head -n 4)"
equal "state" "$(sql db.sqlite 'SELECT state FROM batches')" done
expect_exit 0 "$FAKTURA" report --db db.sqlite --batch 1 --report r.json
contains last.err "report batch 1: $N orders: $N invoiced"
equal "PDFs" "$(find out -name '*.pdf' | wc -l)" $N
equal "temporary files" "$(find out -name '*.tmp' | wc -l)" 0
expect_exit 0 "$FAKTURA" verify --db db.sqlite
finish
