# jobs: rendering in threads changes nothing but the speed. `--jobs 1` and `--jobs 3` give
# the same numbers for the same orders and byte-identical PDFs; a render failure in the
# middle of a chunk takes no number, and the invoices after it are renumbered (and
# rendered again) so the series stays gapless. 600 orders are three chunks of 256 or
# fewer, so chunks are rendered while the one before them is committed.
. "$FK_SRCDIR/tests/lib/e2e.sh"
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" 600 >orders.csv
# The sanitizer build runs --jobs 3 only: --jobs 1 is the same pool code (render_pool.c)
# with one thread, and the normal build compares the two byte for byte.
jobs="1 3"
[ "${FK_SANITIZER_BUILD:-}" != 1 ] || jobs=3
for j in $jobs; do
    FAKTURA_TEST_FAIL_RENDER=SO-000005 expect_exit 1 "$FAKTURA" run -q --jobs $j \
        --config "$SAMPLES/faktura.ini" --db db$j.sqlite --out out$j --as-of 2026-11-20 orders.csv
    sql db$j.sqlite "SELECT order_id || ' ' || number FROM invoices ORDER BY seq" >numbers$j.txt
    equal "invoices with --jobs $j" "$(wc -l <numbers$j.txt)" 599
    equal "gapless with --jobs $j" "$(sql db$j.sqlite 'SELECT max(seq) || "/" || count(DISTINCT seq) FROM invoices')" "599/599"
    equal "PDFs with --jobs $j" "$(find out$j -name '*.pdf' | wc -l)" 599
    equal "temporary files with --jobs $j" "$(find out$j -name '*.tmp' | wc -l)" 0
    expect_exit 0 "$FAKTURA" verify --db db$j.sqlite
done
equal "SO-000006" "$(grep '^SO-000006 ' numbers3.txt)" "SO-000006 INV-2026-000005"
equal "SO-000600" "$(grep '^SO-000600 ' numbers3.txt)" "SO-000600 INV-2026-000599"
if [ "$jobs" = "1 3" ]; then
    cmp -s numbers1.txt numbers3.txt || fail "--jobs 1 and --jobs 3 numbered differently"
    (cd out1 && sha256sum *.pdf) >sums1.txt
    (cd out3 && sha256sum *.pdf) >sums3.txt
    cmp -s sums1.txt sums3.txt || fail "--jobs 1 and --jobs 3 rendered different bytes"
fi
pdftotext out3/INV-2026-000005.pdf p5.txt 2>/dev/null
contains p5.txt "INV-2026-000005"
contains p5.txt "Dźwig budowlany 6"
expect_exit 2 "$FAKTURA" run --jobs 0 --config "$SAMPLES/faktura.ini" orders.csv
finish
