# validate_dry: `faktura validate` runs every check but changes nothing: no database
# created or modified, no PDF, no number consumed; the report goes to stdout.
. "$FK_SRCDIR/tests/lib/e2e.sh"

# Without a database: same outcomes as a run, nothing written.
expect_exit 1 "$FAKTURA" validate --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 "$SAMPLES/orders.csv"
[ ! -e db.sqlite ] || fail "validate created the database"
[ ! -e out ] || fail "validate created the output directory"
contains last.err "faktura: validate: 31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report on stdout"
python3 -c "
import json; r = json.load(open('last.out'))
assert r['batch']['id'] is None and r['batch']['kind'] == 'validate'
assert r['summary']['invoiced'] == 20 and len(r['orders']) == 11
" || fail "validate's report on stdout"

# Without a config file, validate still runs (built-in defaults).
expect_exit 1 "$FAKTURA" validate -q --as-of 2026-11-20 "$SAMPLES/orders.csv"
[ ! -s last.err ] || fail "-q printed something: $(cat last.err)"

# After a run, validate sees the invoices but changes nothing in the database.
expect_exit 1 "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 "$SAMPLES/orders.csv"
sqlite3 db.sqlite .dump >before.sql
ls -l out >before.ls
expect_exit 1 "$FAKTURA" validate --config "$SAMPLES/faktura.ini" --db db.sqlite \
    --as-of 2026-11-21 --format csv --report check.csv "$SAMPLES/orders.csv"
contains last.err "31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped"
sqlite3 db.sqlite .dump >after.sql
cmp -s before.sql after.sql || fail "validate changed the database"
ls -l out >after.ls
cmp -s before.ls after.ls || fail "validate changed the output directory"

# The CSV report: a header and one row per finding (11 failed orders, one finding each,
# plus 20 skipped orders with ALREADY_INVOICED).
equal "csv rows" "$(wc -l <check.csv)" 32
head -n 1 check.csv | tr -d '\r' >hdr.txt
contains hdr.txt '"order_id","file","line","status","currency","amount","code","field","message","hint"'
contains check.csv '"ALREADY_INVOICED"'

finish
