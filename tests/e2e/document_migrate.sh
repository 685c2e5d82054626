# document_migrate: a database of schema version 2 (tests/data/schema-v2.sqlite: the
# sample ledger as the release before issue 17 invoiced it, 20 invoices and one payment,
# PDFs not included) upgrades to the current schema in place: its invoices keep their numbers and
# totals and are marked as having no stored content; `show`, `reprint` and `verify
# --repair` say so plainly, the journal lists them with one row of totals; new invoices
# get their documents.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
# This faktura's version: a database it makes (an approval of nothing makes one).
expect_exit 2 "$FAKTURA" approve --db fresh.sqlite --batch 1 X --reason none
# this faktura's schema version, and its schema: tables, indexes, triggers (a line each
# for sql_lines: the names joined with ';')
schema="SELECT group_concat(x, ';') FROM (SELECT type || ' ' || name AS x FROM sqlite_schema ORDER BY 1)"
sql_lines fresh.sqlite "PRAGMA user_version; $schema" current fresh_schema
cp "$FK_SRCDIR/tests/data/schema-v2.sqlite" db.sqlite
equal "version before" "$(sql db.sqlite 'PRAGMA user_version')" 2
expect_exit 4 "$FAKTURA" show --db db.sqlite INV-2026-000001
contains last.err "schema version 2, this faktura reads $current; run \`faktura run\` once to upgrade it"

# The sample ledger again: the 20 invoices are recognised (skipped), nothing issued twice.
expect_exit 1 "$FAKTURA" run --config "$cfg" --db db.sqlite --out out --as-of 2026-11-21 \
    "$SAMPLES/orders.csv"
sql_lines db.sqlite "PRAGMA user_version; $schema;
    SELECT group_concat(quote(\"table\") || '|' || quote(rowid) || '|' || quote(parent) || '|' || fkid, ';')
        FROM pragma_foreign_key_check;
    SELECT count(*) || '/' || sum(has_document) FROM invoices; SELECT count(*) FROM documents" \
    version db_schema fk_problems old documents
equal "version after" "$version" "$current"
# The upgraded schema is the one a new database gets (tables, indexes, triggers).
equal "schema" "$db_schema" "$fresh_schema"
equal "foreign keys" "$fk_problems" "" # PRAGMA foreign_key_check lists none
contains last.err "batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped"
equal "old invoices" "$old" "20/0"
equal "documents" "$documents" 0
# a new invoice continues the series, with its document
sed 's/DE136695977/DE136695976/' "$SAMPLES/orders.csv" >fixed.csv
expect_exit 1 "$FAKTURA" retry --config "$cfg" --db db.sqlite --out out --as-of 2026-11-21 \
    --batch 2 fixed.csv
sql_lines db.sqlite "SELECT (SELECT number || ' ' || has_document FROM invoices WHERE order_id = 'SO-1020');
    SELECT count(*) FROM documents" so1020 documents
equal "SO-1020" "$so1020" "INV-2026-000021 1"
equal "documents" "$documents" 1

expect_exit 1 "$FAKTURA" show --db db.sqlite INV-2026-000001
contains last.err "invoice INV-2026-000001 was issued on 2026-11-20, before faktura stored invoice content: only its totals are known: net 204.80, VAT 29.34, gross 234.14 EUR"
[ -f last.out ] && [ ! -s last.out ] || fail "show prints no document: last.out is not empty"
expect_exit 0 "$FAKTURA" show --db db.sqlite INV-2026-000021
contains last.out '"number":"INV-2026-000021"'
expect_exit 1 "$FAKTURA" reprint --db db.sqlite --config "$cfg" INV-2026-000001
contains last.err "issued before faktura stored invoice content: it cannot be rendered again"
[ ! -e INV-2026-000001.pdf ] || fail "reprint wrote a PDF without a document"
expect_exit 0 "$FAKTURA" reprint --db db.sqlite --config "$cfg" --out 21.pdf INV-2026-000021
cmp -s 21.pdf out/INV-2026-000021.pdf || fail "reprint of INV-2026-000021 differs"

# The journal: the old invoices with their totals, the new one per VAT breakdown.
expect_exit 0 "$FAKTURA" invoices --db db.sqlite --as-of 2026-11-30 --format json --report j.json
contains last.err "21 invoices, 21 rows (20 issued before invoice content was stored)"
python3 - <<'PY' || fail "journal of a migrated database"
import json, sqlite3
from decimal import Decimal as D
j = json.load(open("j.json"))
assert j["invoices"] == 21 and j["without_content"] == 20, j
old = [r for r in j["rows"] if not r["stored"]]
assert len(old) == 20 and all(r["vat_category"] == "" and r["vat_rate"] == "" for r in old)
r1 = [r for r in old if r["number"] == "INV-2026-000001"][0]
assert (r1["net"], r1["vat"], r1["gross"], r1["status"], r1["paid"]) == \
    ("204.80", "29.34", "234.14", "paid", "234.14"), r1
db = sqlite3.connect("db.sqlite")
for s in j["sums"]:
    want = db.execute("SELECT sum(gross) FROM invoices WHERE currency = ?", (s["currency"],)).fetchone()[0]
    assert D(s["gross"]) * 100 == want, (s, want)
eur = [s for s in j["sums"] if s["currency"] == "EUR"][0]
unknown = [b for b in eur["breakdowns"] if b["vat_category"] == ""]
assert len(unknown) == 1 and unknown[0]["vat_rate"] == "", eur
PY

# verify --repair: the old PDFs (not in this directory) cannot be rendered again
expect_exit 1 "$FAKTURA" verify --db db.sqlite --config "$cfg" --repair
contains last.out "invoice INV-2026-000001: its PDF"
contains last.out "not repaired: it was issued before faktura stored invoice content"
contains last.err "21 invoices checked, 0 repaired, 20 problems left"
finish
