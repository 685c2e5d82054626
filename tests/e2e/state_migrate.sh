# state_migrate: a database of schema version 1 (tests/data/schema-v1.sqlite, made by the
# first release with the sample ledger: 20 invoices, PDFs not included) is upgraded in
# place on open, never rebuilt: its invoices and numbers stay, the series continues, and
# a rerun still skips what was invoiced. A reader (verify) does not migrate.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# This faktura's version: a database it makes (an approval of nothing makes one).
expect_exit 2 "$FAKTURA" approve --db fresh.sqlite --batch 1 X --reason none
current=$(sql fresh.sqlite 'PRAGMA user_version')
cp "$FK_SRCDIR/tests/data/schema-v1.sqlite" db.sqlite
equal "version before" "$(sql db.sqlite 'PRAGMA user_version')" 1
expect_exit 4 "$FAKTURA" verify --db db.sqlite
contains last.err "schema version 1, this faktura reads $current; run \`faktura run\` once to upgrade it"

expect_exit 1 "$FAKTURA" run --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-21 "$SAMPLES/orders.csv"
equal "version after" "$(sql db.sqlite 'PRAGMA user_version')" "$current"
# The upgraded schema is the one a new database gets (tables, indexes, triggers).
equal "schema" "$(sql db.sqlite "SELECT type || ' ' || name FROM sqlite_schema ORDER BY 1")" \
    "$(sql fresh.sqlite "SELECT type || ' ' || name FROM sqlite_schema ORDER BY 1")"
equal "foreign keys" "$(sql db.sqlite 'PRAGMA foreign_key_check')" ""
contains last.err "batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped"
# The old batch's PDFs are not in this scratch directory: every run says so, loudly.
contains last.err "faktura: warning: the PDF of invoice INV-2026-000001 is missing"
equal "invoices" "$(sql db.sqlite 'SELECT count(*) || "/" || max(seq) FROM invoices')" "20/20"
sql db.sqlite "PRAGMA integrity_check" >ic.txt
contains ic.txt ok
# New orders continue the series: SO-1020 with a corrected VAT number is number 21.
sed 's/DE136695977/DE136695976/' "$SAMPLES/orders.csv" >fixed.csv
expect_exit 1 "$FAKTURA" retry --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-21 --batch 2 fixed.csv
equal "SO-1020" "$(sql db.sqlite "SELECT number FROM invoices WHERE order_id = 'SO-1020'")" INV-2026-000021
finish
