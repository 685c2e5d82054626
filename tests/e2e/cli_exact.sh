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

# exact NAME WANT ARGS...: `faktura ARGS...` exits WANT and prints NAME.out and NAME.err
exact() {
    name=$1 want=$2
    shift 2
    expect_exit "$want" "$FAKTURA" "$@"
    if [ "${FK_CLI_EXACT_UPDATE:-}" = 1 ]; then
        cp last.out "$want_dir/$name.out"
        cp last.err "$want_dir/$name.err"
    fi
    for s in out err; do
        if ! diff -u "$want_dir/$name.$s" "last.$s" >"diff.$name.$s"; then
            fail "$name: std$s differs from tests/data/cli/$name.$s:"
            sed 's/^/    /' "diff.$name.$s" | head -n 40 >&2
        fi
    done
}

exact validate 1 validate $common orders.csv
exact run 1 run $common --out out orders.csv
exact rerun 1 run $common --out out orders.csv
exact status 0 status --db db.sqlite
exact report 1 report --db db.sqlite --batch 1 --report again.csv
if ! diff -u "$want_dir/report.csv" again.csv >diff.report.csv; then
    [ "${FK_CLI_EXACT_UPDATE:-}" = 1 ] && cp again.csv "$want_dir/report.csv"
    fail "report --batch 1: again.csv differs from tests/data/cli/report.csv"
    sed 's/^/    /' diff.report.csv | head -n 40 >&2
fi
exact verify 0 verify --db db.sqlite
finish
