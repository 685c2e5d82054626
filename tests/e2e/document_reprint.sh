# document_reprint: every issued invoice's document is stored with it (issue 17), and the
# PDF is a pure function of that document: `faktura reprint` of every sample invoice gives
# the bytes issued (their recorded SHA-256), `show` prints the document, `verify --repair`
# writes back a lost or changed PDF, and a rendering that differs (other fonts) is never
# written. The stored documents are immutable and carry their own SHA-256.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
expect_exit 1 "$FAKTURA" run -q --config "$cfg" --db db.sqlite --out out --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
equal "documents" "$(sql db.sqlite 'SELECT count(*) FROM documents')" 20
equal "invoices with documents" "$(sql db.sqlite 'SELECT count(*) FROM invoices WHERE has_document = 1')" 20

# reprint: byte-identical, for every sample invoice (the default file name: NUMBER.pdf).
# The sanitizer build reprints the first one so, and renders every stored document again
# in one process instead: `verify --repair` of all 20 PDFs (lib/pipeline/documents.c: the
# same render_stored as reprint, and it too writes only the bytes issued).
mkdir re
numbers=$(sql db.sqlite 'SELECT number FROM invoices ORDER BY seq')
if [ "${FK_SANITIZER_BUILD:-}" = 1 ]; then
    mkdir issued
    mv out/*.pdf issued/
    expect_exit 0 "$FAKTURA" verify --db db.sqlite --config "$cfg" --repair
    contains last.err "20 invoices checked, 20 repaired, 0 problems left"
    cp out/*.pdf re/
    numbers=INV-2026-000001
    for number in $(ls issued | sed 's/\.pdf$//'); do
        cmp -s "re/$number.pdf" "issued/$number.pdf" || fail "repair of $number differs from the PDF issued"
    done
    rm re/INV-2026-000001.pdf
fi
for number in $numbers; do
    (cd re && expect_exit 0 "$FAKTURA" reprint --db ../db.sqlite --config "$cfg" "$number")
    cmp -s "re/$number.pdf" "out/$number.pdf" || fail "reprint of $number differs from the PDF issued"
done
equal "reprinted" "$(ls re/*.pdf | wc -l)" 20
expect_exit 0 "$FAKTURA" reprint --db db.sqlite --config "$cfg" --out one.pdf INV-2026-000006
contains last.err "identical to the PDF issued"
cmp -s one.pdf out/INV-2026-000006.pdf || fail "reprint --out differs"
"$FAKTURA" reprint -q --db db.sqlite --config "$cfg" --out - INV-2026-000006 >stdout.pdf
cmp -s stdout.pdf out/INV-2026-000006.pdf || fail "reprint --out - differs"
expect_exit 1 "$FAKTURA" reprint --db db.sqlite --config "$cfg" INV-2026-999999
contains last.err "there is no invoice INV-2026-999999"
expect_exit 2 "$FAKTURA" reprint --db db.sqlite
expect_exit 2 "$FAKTURA" reprint --db db.sqlite INV-2026-000001 INV-2026-000002

# Other fonts render other bytes: refused, nothing written.
sed 's|^\[render\]|[render]\nfont = /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|' "$cfg" >other.ini
expect_exit 1 "$FAKTURA" reprint --db db.sqlite --config other.ini --out other.pdf INV-2026-000001
contains last.err "renders to other bytes than were issued"
[ ! -e other.pdf ] || fail "a differing reprint was written"

# show: the stored document, the JSON of docs/invoice.md
expect_exit 0 "$FAKTURA" show --db db.sqlite INV-2026-000002
python3 - <<'PY' || fail "show INV-2026-000002"
import json
d = json.load(open("last.out"))
assert d["version"] == 1 and d["kind"] == "invoice" and d["type_code"] == 380, d
assert d["number"] == "INV-2026-000002" and d["order_id"] == "SO-1002"
assert d["issue_date"] == "2026-11-20" and d["due_date"] == "2026-12-04"
assert d["language"] == "pl" and d["currency"] == "PLN" and d["accounting_currency"] == "EUR"
assert d["exchange_rate"] == "0.2358" and d["exchange_rate_date"] == "2026-11-19"
assert d["buyer"]["vat_id"] == "PL5260250274" and d["buyer"]["business"] is True
assert [(l["vat_category"], l["vat_rate_centi"], l["unit"]) for l in d["lines"]] == \
    [("S", 2300, "DAY"), ("S", 800, "C62")], d["lines"]
assert sum(l["net"] for l in d["lines"]) == d["totals"]["net"] == 423000
assert [(v["vat_rate_centi"], v["taxable"], v["vat"], v["vat_accounting"]) for v in d["vat_breakdown"]] \
    == [(800, 48000, 3840, 905), (2300, 375000, 86250, 20338)], d["vat_breakdown"]
assert d["totals"]["vat_accounting"] == 905 + 20338
assert d["payment"]["means_code"] == "30" and d["payment"]["reference_kind"] == "rf"
assert d["payment"]["reference"].startswith("RF") and d["payment"]["qr"] == ""
PY
# the document in the database is the one shown, with its SHA-256
sql db.sqlite "SELECT content FROM documents WHERE number = 'INV-2026-000002'" >stored.json
cmp -s stored.json last.out || fail "show prints other bytes than were stored"
python3 - <<'PY' || fail "document hashes"
import hashlib, sqlite3
db = sqlite3.connect("db.sqlite")
for number, content, sha in db.execute("SELECT number, content, sha256 FROM documents"):
    assert hashlib.sha256(content.encode()).hexdigest() == sha, number
PY
expect_exit 1 "$FAKTURA" show --db db.sqlite INV-2026-999999
contains last.err "there is no invoice INV-2026-999999"
expect_exit 2 "$FAKTURA" show --db db.sqlite --format csv INV-2026-000001
expect_exit 2 "$FAKTURA" show --db nothing.sqlite INV-2026-000001

# documents are as immutable as invoices
set +e
sqlite3 db.sqlite "UPDATE documents SET content = '{}' WHERE number = 'INV-2026-000001'" 2>upd.err
sqlite3 db.sqlite "DELETE FROM documents WHERE number = 'INV-2026-000001'" 2>del.err
set -e
contains upd.err "stored documents are immutable"
contains del.err "stored documents are never deleted"

# verify --repair: a lost PDF and a changed one are written back, byte for byte
cp out/INV-2026-000003.pdf keep3.pdf
cp out/INV-2026-000004.pdf keep4.pdf
rm out/INV-2026-000003.pdf
printf 'tampered' >>out/INV-2026-000004.pdf
expect_exit 1 "$FAKTURA" verify --db db.sqlite
contains last.out "invoice INV-2026-000003"
contains last.out "invoice INV-2026-000004"
expect_exit 0 "$FAKTURA" verify --db db.sqlite --config "$cfg" --repair
contains last.out "invoice INV-2026-000003: its PDF $PWD/out/INV-2026-000003.pdf cannot be read"
contains last.out "repaired: rendered again from its stored document"
contains last.err "20 invoices checked, 2 repaired, 0 problems left"
cmp -s out/INV-2026-000003.pdf keep3.pdf || fail "repaired INV-2026-000003 differs"
cmp -s out/INV-2026-000004.pdf keep4.pdf || fail "repaired INV-2026-000004 differs"
equal "temporary files" "$(find out -name '*.tmp' | wc -l)" 0
expect_exit 0 "$FAKTURA" verify --db db.sqlite
# with other fonts, nothing is repaired, and it says why
rm out/INV-2026-000005.pdf
expect_exit 1 "$FAKTURA" verify --db db.sqlite --config other.ini --repair
contains last.out "invoice INV-2026-000005"
contains last.out "not repaired: rendering its stored document gives other bytes"
contains last.err "0 repaired, 1 problem left"
[ ! -e out/INV-2026-000005.pdf ] || fail "a differing PDF was written by --repair"
expect_exit 0 "$FAKTURA" verify --db db.sqlite --config "$cfg" --repair
cmp -s re/INV-2026-000005.pdf out/INV-2026-000005.pdf || fail "INV-2026-000005 not restored"

# A changed stored document is never rendered (its SHA-256 no longer matches).
sqlite3 db.sqlite "DROP TRIGGER documents_no_update;
    UPDATE documents SET content = replace(content, 'Widget', 'Gadget')
    WHERE number = 'INV-2026-000001'"
expect_exit 5 "$FAKTURA" reprint --db db.sqlite --config "$cfg" --out x.pdf INV-2026-000001
contains last.err "its stored document does not match its recorded SHA-256"
[ ! -e x.pdf ] || fail "a changed document was rendered"
finish
