# state_newer_schema: a database made by a newer faktura (a schema version above this one's)
# is refused by every command alike, with the one true remedy: use a newer faktura. The
# readers (`validate`, `report`, `verify`, `status`) advised `faktura run`, which then
# refused it as well. Nothing is changed in the database.
. "$FK_SRCDIR/tests/lib/e2e.sh"
expect_exit 1 "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 "$SAMPLES/orders.csv"
current=$(sql db.sqlite 'PRAGMA user_version') # this faktura's version
sql db.sqlite 'PRAGMA user_version = 99'
newer_msg="the database has schema version 99, newer than this faktura ($current): use a newer faktura"

# newer WHAT ARGS...: refused with exit 4 and the same message
newer() {
    what=$1
    shift
    expect_exit 4 "$FAKTURA" "$@"
    contains last.err "faktura: error: db.sqlite: $newer_msg"
    not_contains last.err "faktura run"
}
newer validate validate --config "$SAMPLES/faktura.ini" --db db.sqlite --as-of 2026-11-20 \
    --report v.json "$SAMPLES/orders.csv"
newer run run --config "$SAMPLES/faktura.ini" --db db.sqlite --out out --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
newer report report --db db.sqlite --batch 1 --report r.json
newer verify verify --db db.sqlite
newer status status --db db.sqlite
equal "version" "$(sql db.sqlite 'PRAGMA user_version')" 99
equal "batches" "$(sql db.sqlite 'SELECT count(*) FROM batches')" 1
finish
