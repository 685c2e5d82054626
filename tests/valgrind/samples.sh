# valgrind/samples: the end-to-end sample batch under valgrind memcheck: validate with
# --expect, run (every report format), rerun, retry, report --batch, verify, and a
# validate whose batch memory moves to disk. Zero errors and zero
# definitely-lost bytes, or the exit code is 99. (Registered only in the build without
# sanitizers: valgrind cannot run ASan binaries.)
. "$FK_SRCDIR/tests/lib/e2e.sh"
vg() {
    valgrind -q --read-inline-info=no --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite \
        --log-file=vg.%p.log "$FAKTURA" "$@"
}
common="--config $SAMPLES/faktura.ini --db db.sqlite --out out --as-of 2026-11-20"
expect_exit 0 vg validate -q $common --report vg-report.json --expect "$SAMPLES/orders.expected.csv" \
    "$SAMPLES/orders.csv"
expect_exit 1 vg run -q $common --format json --report r.json --format csv --report r.csv \
    --format html --report r.html --format junit --report r.xml "$SAMPLES/orders.csv"
expect_exit 1 vg run -q $common "$SAMPLES/orders.csv"
sed 's/DE136695977/DE136695976/' "$SAMPLES/orders.csv" >fixed.csv
expect_exit 1 vg retry -q $common --batch 1 fixed.csv
expect_exit 1 vg report --db db.sqlite --batch 1 --report again.json
expect_exit 0 vg verify -q --db db.sqlite
# The batch memory moving to its temporary file (a bound of 16 records: dozens of moves).
FAKTURA_TEST_KEYMAP_ENTRIES=16 expect_exit 1 vg validate -q $common --report vg-report.json \
    "$SAMPLES/orders.csv" "$SAMPLES/orders.xml"
for f in vg.*.log; do
    [ ! -s "$f" ] || fail "valgrind reported: $(head -20 "$f")"
done
finish
