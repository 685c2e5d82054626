# cli_exact: what the main commands print, compared byte for byte with the expected files
# in tests/data/cli/ (NAME.out: standard output, NAME.err: standard error), and their exit
# codes: validate (the JSON report on stdout), run, a second run of the same orders, status,
# report --batch, verify. The samples with a fixed --as-of, relative paths, so the
# output is the same on every machine. A change to any of them is a change of the
# command-line contract: update the expected file in the same commit, on purpose.
# Regenerate: FK_CLI_EXACT_UPDATE=1 ctest -R cli_exact, then review the diff of tests/data/cli.
. "$FK_SRCDIR/tests/lib/e2e.sh"
want_dir="$FK_SRCDIR/tests/data/cli"
cp "$SAMPLES/orders.csv" orders.csv
common="--config $SAMPLES/faktura.ini --db db.sqlite --as-of 2026-11-20"

# exact NAME WANT ARGS...: `faktura ARGS...` exits WANT; its standard output and error go
# to got/NAME.out and got/NAME.err, compared below with all the expected files at once.
mkdir got
exact() {
    name=$1 want=$2
    shift 2
    set +e
    "$FAKTURA" "$@" >"got/$name.out" 2>"got/$name.err"
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, expected $want: $FAKTURA $*"
        sed 's/^/    stderr: /' "got/$name.err" >&2
    fi
}

exact validate 1 validate $common orders.csv
exact run 1 run $common --out out orders.csv
exact rerun 1 run $common --out out orders.csv
exact status 0 status --db db.sqlite
exact report 1 report --db db.sqlite --batch 1 --report again.csv
exact verify 0 verify --db db.sqlite
if [ "${FK_CLI_EXACT_UPDATE:-}" = 1 ]; then
    cp got/* "$want_dir/"
    cp again.csv "$want_dir/report.csv"
fi
# Every NAME.out and NAME.err (one diff for all), and report --batch 1's file.
if ! diff -ru --exclude=report.csv "$want_dir" got >diff.txt; then
    fail "standard output or error differs from tests/data/cli/ (diff -u EXPECTED GOT):"
    sed 's/^/    /' diff.txt | head -n 80 >&2
fi
if ! diff -u "$want_dir/report.csv" again.csv >diff.report.csv; then
    fail "report --batch 1: again.csv differs from tests/data/cli/report.csv"
    sed 's/^/    /' diff.report.csv | head -n 40 >&2
fi
finish
