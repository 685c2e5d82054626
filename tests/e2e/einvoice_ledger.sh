# einvoice_ledger: a generated ledger per seller (DE, NO, PL) covering every VAT category,
# several currencies, the four languages, business and consumer buyers and the three
# payment means, run with the e-invoice formats each order's data allows: every order is
# invoiced, every XML file is recorded with its size and SHA-256, the Factur-X PDFs embed
# the bytes `faktura show --format facturx` gives (pdfdetach) and qpdf --check is clean;
# verify covers the XML files, validate (a dry run) builds and checks them.
# The kit's validators (XSD + the official schematrons: CEN EN 16931, Peppol BIS 3 with the
# NO rules, XRechnung 3.0, Factur-X; no fatal assert) check these invoices' files in
# credit_einvoice.sh, in the same validator run per mode as the credit notes' files: that
# test starts from a copy of the ledgers this one leaves (the ctest fixture
# einvoice_ledgers, tests/CMakeLists.txt), so the JVMs start once per mode, not twice.
# The per-file checks run in one python3 (tests/lib/einvoice-files.py invoices); the
# sanitizer build checks one Factur-X PDF per seller (the normal build all of them).
. "$FK_SRCDIR/tests/lib/e2e.sh"

mkdir DE NO PL
python3 "$FK_SRCDIR/tests/lib/gen-einvoice-ledger.py" DE DE NO NO PL PL >/dev/null || fail "generate"
for S in DE NO PL; do
    expect_exit 0 "$FAKTURA" run -q --config "$S/faktura.ini" --db "$S/db.sqlite" --out "$S/out" \
        --as-of 2026-11-20 --report "$S/r.json" "$S/orders.csv"
done
# every order invoiced; every XML recorded with its size and SHA-256, as many as written;
# Factur-X: the embedded CII is the one faktura shows (kept in S/fx), and the PDF is sound
python3 "$FK_SRCDIR/tests/lib/einvoice-files.py" invoices DE NO PL || fail "the invoices' files (above)"

# verify covers the XML files; validate (a dry run) builds and checks them, writing nothing
expect_exit 0 "$FAKTURA" verify --db DE/db.sqlite
f=DE/out/INV-2026-000001.ubl.xml
cp "$f" saved.xml && printf ' ' >>"$f"
expect_exit 1 "$FAKTURA" verify --db DE/db.sqlite
contains last.out "${f##*/} differs from what was recorded"
cp saved.xml "$f"
expect_exit 0 "$FAKTURA" validate -q --config DE/faktura.ini --as-of 2026-11-20 --report dry.json DE/orders.csv
python3 - <<'PY' >noref.csv
import csv, sys
rows = list(csv.DictReader(open("DE/orders.csv")))
w = csv.DictWriter(sys.stdout, fieldnames=rows[0].keys()); w.writeheader()
for r in rows[:3]:
    r["buyer_reference"] = ""; r["einvoice"] = "xrechnung-cii"; w.writerow(r)
PY
expect_exit 1 "$FAKTURA" validate -q --config DE/faktura.ini --as-of 2026-11-20 --report dry2.json noref.csv
python3 -c "
import json; r = json.load(open('dry2.json'))
f = r['orders'][0]['findings'][0]
assert f['code'] == 'EINVOICE_FIELD_MISSING' and f['field'] == 'buyer_reference', f
" || fail "validate: EINVOICE_FIELD_MISSING buyer_reference"
[ ! -e out ] || fail "validate wrote an output directory"

finish
