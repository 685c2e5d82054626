# einvoice_ledger: a generated ledger per seller (DE, NO, PL) covering every VAT category,
# several currencies, the four languages, business and consumer buyers and the three
# payment means, run with the e-invoice formats each order's data allows; every file must
# pass the offline kit's validators (XSD + the official schematrons: CEN EN 16931, Peppol
# BIS 3 with the NO rules, XRechnung 3.0, Factur-X) with no fatal assert. Warnings are
# listed. The Factur-X PDFs: pdfdetach gives the bytes `faktura show --format facturx`
# gives, and qpdf --check is clean. Without Java (or the kit) the schematron step is
# skipped, loudly; the in-process XSD check still ran on every file.
. "$FK_SRCDIR/tests/lib/e2e.sh"
. "$FK_SRCDIR/tests/lib/einvoice.sh"

for S in DE NO PL; do
    mkdir "$S"
    python3 "$FK_SRCDIR/tests/lib/gen-einvoice-ledger.py" "$S" "$S" >/dev/null || fail "generate $S"
    expect_exit 0 "$FAKTURA" run -q --config "$S/faktura.ini" --db "$S/db.sqlite" --out "$S/out" \
        --as-of 2026-11-20 --report "$S/r.json" "$S/orders.csv"
    # every order invoiced: the ledger asks only for formats its data allows
    python3 - "$S" <<'PY' || fail "$S: not every order was invoiced"
import json, sys
r = json.load(open(sys.argv[1] + "/r.json"))
bad = [(o["order_id"], o["findings"]) for o in r["orders"] if o["status"] != "invoiced"]
assert not bad, bad
PY
    # every XML recorded with its size and SHA-256
    sql "$S/db.sqlite" "SELECT file_name, size, sha256 FROM einvoices" | while IFS='|' read -r f size sha; do
        equal "$S/$f size" "$(wc -c <"$S/out/$f" | tr -d ' ')" "$size"
        equal "$S/$f sha" "$(sha256sum "$S/out/$f" | cut -d' ' -f1)" "$sha"
    done
    n=$(sql "$S/db.sqlite" "SELECT COUNT(*) FROM einvoices")
    equal "$S: XML files recorded = written" "$n" "$(ls "$S/out" | grep -c '\.xml$')"
    # Factur-X: the embedded CII is the one faktura shows, and the PDF is sound
    mkdir "$S/fx"
    # (the sanitizer build: three of them per seller; the normal build checks them all)
    limit=-1
    [ "${FK_SANITIZER_BUILD:-}" != 1 ] || limit=3
    for num in $(sql "$S/db.sqlite" "SELECT number FROM invoices i JOIN documents d USING (number) WHERE d.content LIKE '%\"einvoice\":\"%facturx%' LIMIT $limit"); do
        einv_facturx "$S/db.sqlite" "$S/out/$num.pdf" "$num" "$S/fx"
    done
    [ "$(ls "$S/fx" | wc -l)" -gt 0 ] || fail "$S: no Factur-X invoice"
done

# verify covers the XML files; validate (a dry run) builds and checks them, writing nothing
expect_exit 0 "$FAKTURA" verify --db DE/db.sqlite
f=$(ls DE/out/*.ubl.xml | head -1)
cp "$f" saved.xml && printf ' ' >>"$f"
expect_exit 1 "$FAKTURA" verify --db DE/db.sqlite
contains last.out "$(basename "$f") differs from what was recorded"
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

einv_done_unless_schematron
for m in ubl:ubl-cen peppol:ubl xrechnung-ubl:xr xrechnung-cii:xr-cii cii:cii; do
    f=${m%%:*} mode=${m#*:}
    dirs=""
    for S in DE NO PL; do
        ls "$S/out/"*".$f.xml" >/dev/null 2>&1 || continue
        mkdir -p "v/$S-$f" && cp "$S/out/"*".$f.xml" "v/$S-$f/"
        dirs="$dirs v/$S-$f"
    done
    [ -z "$dirs" ] || einv_check "$mode" $dirs
done
einv_check fx-en16931 DE/fx NO/fx PL/fx
finish
