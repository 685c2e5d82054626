# cli: help, version, and the exit-code classes of the command-line contract.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"

expect_exit 0 "$FAKTURA" --help
contains last.out "Exit codes:"
contains last.out "validate INPUT..."
expect_exit 0 "$FAKTURA" run --help
contains last.out "--as-of DATE"
expect_exit 0 "$FAKTURA" --version
contains last.out "faktura 0.1.0"

# 2: usage errors
expect_exit 2 "$FAKTURA"
expect_exit 2 "$FAKTURA" frobnicate
contains last.err 'unknown command "frobnicate"'
expect_exit 2 "$FAKTURA" run --bogus x.csv
contains last.err "unknown option --bogus"
expect_exit 2 "$FAKTURA" run --config "$cfg" --format pdf x.csv
expect_exit 2 "$FAKTURA" run --config "$cfg" --as-of 2026-02-30 x.csv
contains last.err '--as-of "2026-02-30" is not a date'
expect_exit 2 "$FAKTURA" run --config "$cfg"
contains last.err "run needs at least one INPUT"
expect_exit 2 "$FAKTURA" run "$SAMPLES/orders.csv"
contains last.err "faktura.ini"
grep -v '^name' "$cfg" >noname.ini
expect_exit 2 "$FAKTURA" run --config noname.ini "$SAMPLES/orders.csv"
contains last.err "[seller] name is missing"
sed 's/^format = .*/format = {prefix}-{year}/' "$cfg" >badfmt.ini
expect_exit 2 "$FAKTURA" run --config badfmt.ini "$SAMPLES/orders.csv"
contains last.err "no {seq} placeholder"
printf '[seller]\nnmae = typo\n' | cat "$cfg" - >typo.ini
expect_exit 1 "$FAKTURA" validate --config typo.ini --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "typo.ini:"
contains last.err "unknown setting [seller] nmae"

# 3: input errors, naming file, line and field
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 missing.csv
contains last.err "faktura: error: missing.csv: cannot open the input file"
: >empty.csv
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 empty.csv
contains last.err "empty.csv:1: the file is empty"
head -n 1 "$SAMPLES/orders.csv" | sed 's/,vat_rate,/,/' >nocol.csv
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 nocol.csv
contains last.err "nocol.csv:1: vat_rate: the header lacks the required column(s) vat_rate"
expect_exit 3 "$FAKTURA" run --config "$cfg" --db db.sqlite --out out --as-of 2026-11-20 \
    "$SAMPLES/orders.csv" nocol.csv
[ ! -e out ] || [ -z "$(ls out)" ] || fail "a batch with a bad input wrote PDFs"

# Input from stdin
expect_exit 1 sh -c "\"$FAKTURA\" validate --as-of 2026-11-20 - <\"$SAMPLES/orders.csv\""
contains last.err "31 orders: 20 invoiced, 11 failed"

# 4: environment errors
printf 'x' >afile
expect_exit 4 "$FAKTURA" run --config "$cfg" --db db.sqlite --out afile/sub --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
contains last.err "cannot create the output directory"
( flock 9; touch locked; sleep 5 ) 9>>db2.sqlite & # the run lock is the database file's
holder=$!
while [ ! -e locked ]; do sleep 0.05; done
expect_exit 4 "$FAKTURA" run --config "$cfg" --db db2.sqlite --out out2 --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
contains last.err "another faktura process"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
[ ! -e out2 ] || [ -z "$(ls out2)" ] || fail "a refused run wrote PDFs"

# The documented table of finding codes is the one the program knows.
"$FAKTURA" codes --markdown >codes.md
sed -n '/^| code |/,/^$/p' "$FK_SRCDIR/docs/findings.md" | sed '/^$/d' >doc-table.md
diff -u codes.md doc-table.md >codes.diff || fail "docs/findings.md is out of date (regenerate with: faktura codes --markdown): $(cat codes.diff)"

finish
