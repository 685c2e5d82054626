# report_names: each batch's report has its own default file, DIR/report-BATCH.EXT, so a
# nightly run never overwrites an earlier night's report; a retry rewrites its own batch's
# report only; validate and `report` default to stdout; an explicit --report is kept as it
# is.
. "$FK_SRCDIR/tests/lib/e2e.sh"
common="--config $SAMPLES/faktura.ini --db db.sqlite --out out"
run() { "$FAKTURA" run $common "$@"; }

expect_exit 1 run --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "run batch 1: 31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report out/report-1.json"
[ ! -e out/report.json ] || fail "the old shared default out/report.json was written"
sha256sum out/report-1.json >one.sha

# The second night: its own file; the first night's report is untouched.
expect_exit 1 run --as-of 2026-11-21 "$SAMPLES/orders.csv"
contains last.err "run batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped; reconciled; report out/report-2.json"
sha256sum -c --quiet one.sha || fail "batch 2 changed batch 1's report"
python3 - out/report-1.json out/report-2.json <<'PY' || fail "each report is its batch's"
import json, sys
for i, path in enumerate(sys.argv[1:], 1):
    r = json.load(open(path))
    assert r["batch"]["id"] == i and r["summary"]["orders"] == 31, (path, r["batch"])
PY

# --format without --report: the batch's file in that format (junit: .xml); several at once.
expect_exit 1 run --as-of 2026-11-22 --format csv --format junit "$SAMPLES/orders.csv"
contains_all last.err "run batch 3:" "report out/report-3.csv"
[ -s out/report-3.csv ] && [ -s out/report-3.xml ] || fail "report-3.csv and report-3.xml"
[ ! -e out/report-3.json ] || fail "a JSON report nobody asked for"

# A retry rewrites its own batch's report (the whole batch afterwards), no other.
sha256sum out/report-2.json >two.sha
expect_exit 1 "$FAKTURA" retry $common --batch 1
contains last.err "retry batch 1: 31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report out/report-1.json"
sha256sum -c --quiet two.sha || fail "a retry of batch 1 changed batch 2's report"
# ... in the batch's own directory when --out is not given.
mkdir other
expect_exit 1 "$FAKTURA" run --config "$SAMPLES/faktura.ini" --db db.sqlite --out other \
    --as-of 2026-11-23 "$SAMPLES/orders.csv"
contains last.err "report other/report-4.json"
expect_exit 1 "$FAKTURA" retry --config "$SAMPLES/faktura.ini" --db db.sqlite --batch 4 --format html
contains last.err "report $(cd other && pwd -P)/report-4.html" # the batch's directory, recorded absolute

# An explicit --report is used as given; validate and report default to stdout.
expect_exit 1 run --as-of 2026-11-24 --report mine.json "$SAMPLES/orders.csv"
contains last.err "report mine.json"
[ ! -e out/report-5.json ] || fail "--report given, yet out/report-5.json was written"
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "report on stdout"
contains last.out '"version": 1'
expect_exit 1 "$FAKTURA" report --db db.sqlite --batch 2
contains last.out '"id": 2'
finish
