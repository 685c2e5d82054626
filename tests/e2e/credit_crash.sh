# credit_crash: a credit note killed mid-way (SIGKILL, through the test hook
# FAKTURA_TEST_KILL_AT, core/testhook.h) with its PDF in its temporary file, and again with
# the PDF renamed into place and synced but the transaction not committed: no credit note,
# no number used, no half credit note; the next `faktura credit` removes what was left and
# issues the same number; verify finds the series gapless and every PDF as recorded. A
# chargeback in a run killed the same way leaves the same nothing, and the rerun credits
# it once.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="--config $SAMPLES/faktura.ini --db db.sqlite"
expect_exit 1 "$FAKTURA" run -q $cfg --out out --as-of 2026-11-20 "$SAMPLES/orders.csv"
credit() { "$FAKTURA" credit $cfg --out cn --as-of 2026-11-25 "$@"; }

for point in credit-written credit-published; do
    FAKTURA_TEST_KILL_AT=$point expect_exit 137 credit --invoice INV-2026-000001 --reason x --line 1:1
    sql_lines db.sqlite 'SELECT count(*) FROM credit_notes; SELECT count(*) FROM credit_series' notes series
    equal "$point: no credit note" "$notes" 0
    equal "$point: no number used" "$series" 0
done
# What the killed process left: the published PDF of a number never recorded.
[ -f cn/CN-2026-000001.pdf ] || fail "the kill after publishing left no PDF (the test did not test it)"
expect_exit 0 credit -v --invoice INV-2026-000001 --reason x --line 1:1
read_file out last.out
equal "same number" "$out" CN-2026-000001
equal "temporary files" "$(find cn -name '*.tmp' | wc -l)" 0
equal "one credit note" "$(sql db.sqlite 'SELECT count(*) || seq FROM credit_notes')" 11
expect_exit 0 credit --invoice INV-2026-000001 --reason y --line 1:1
read_file out last.out
equal "next" "$out" CN-2026-000002
expect_exit 0 "$FAKTURA" verify --db db.sqlite
contains last.err "22 invoices checked, 0 problems"

# A chargeback in a run, killed before its credit note commits.
python3 "$FK_SRCDIR/tests/lib/lost-dispute.py" "$SAMPLES/orders.csv" SO-1003 cb.csv
FAKTURA_TEST_KILL_AT=credit-published expect_exit 137 "$FAKTURA" run -q $cfg --out out2 --as-of 2026-12-20 cb.csv
equal "no chargeback note" "$(sql db.sqlite "SELECT count(*) FROM credit_notes WHERE credit_key LIKE 'chargeback:%'")" 0
expect_exit 0 "$FAKTURA" run -q $cfg --out out2 --as-of 2026-12-20 cb.csv --report r.json
equal "credited once" "$(sql db.sqlite "SELECT number FROM credit_notes WHERE credit_key = 'chargeback:INV-2026-000003'")" CN-2026-000003
contains r.json '"credited": 1'
expect_exit 0 "$FAKTURA" verify --db db.sqlite
contains last.err "23 invoices checked, 0 problems"
finish
