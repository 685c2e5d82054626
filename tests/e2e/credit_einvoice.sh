# credit_einvoice: credit notes get the structured forms of their invoice (issue 19). The
# e-invoice ledgers of a German, Norwegian and Polish seller (every format: ubl,
# peppol/EHF, xrechnung-ubl, xrechnung-cii, cii, facturx; four languages, several
# currencies), as einvoice_ledger.sh invoiced them (this test starts from a copy of that
# test's directories: the ctest fixture einvoice_ledgers, tests/CMakeLists.txt), every
# invoice credited (in full, or in part: one line, or part of its quantity; one at a time
# (DE) and with `credit --from`). Each credit note's NUMBER.FORMAT.xml files are recorded with
# size and SHA-256 and are what `show --format` gives; a UBL one is a CreditNote 381 with
# BT-25/26 and positive amounts that are the credit note's; the Factur-X credit notes
# embed the CII 381 `show --format facturx` gives and pass qpdf --check; reprint is
# byte-identical; verify covers the XML files. A chargeback credit note of a run gets its
# XML too. A form that cannot be made (its XSD check fails) refuses the credit note with
# nothing issued. Killed between writing the files and COMMIT: no credit note, no number
# used, the files removed by the next start, which issues the same number.
# Then the kit's validators (XSD + official schematrons, no fatal assert; warnings listed)
# check the invoices' files (einvoice_ledger's) and the credit notes' together: one
# validate.sh run per mode, the schematrons' compilation once, every Saxon run in one JVM
# (tests/lib/einvoice.sh einv_saxon_server).
# The per-file checks run in one python3 (tests/lib/einvoice-files.py credits).
. "$FK_SRCDIR/tests/lib/e2e.sh"
. "$FK_SRCDIR/tests/lib/einvoice.sh"

# The sanitizer build runs faktura's side for the German seller only (every format; a
# faktura process there costs ten times as much, and the kit's validators do not run).
sellers="DE NO PL"
[ "${FK_SANITIZER_BUILD:-}" != 1 ] || sellers=DE
# einvoice_ledger's invoiced ledgers (G: the German one again, for the chargeback and the
# failures below)
L=$FK_TMP/../einvoice_ledger
if [ ! -f "$L/DE/db.sqlite" ]; then
    fail "no $L/DE/db.sqlite: run e2e/einvoice_ledger first (ctest does: fixture einvoice_ledgers)"
    finish
fi
python3 "$FK_SRCDIR/tests/lib/einvoice-files.py" copy "$L" $sellers DE:G || fail "copy $L"
for S in $sellers; do
    cr="--config $S/faktura.ini --db $S/db.sqlite --out $S/cn --as-of 2026-11-25"
    n=$(sql "$S/db.sqlite" "SELECT count(*) FROM invoices")
    [ "$n" -ge 6 ] || fail "$S: only $n invoices"
    # full, one line, part of a line's quantity: one at a time for DE; the same three
    # credit notes in the --from file for NO and PL (a `credit` costs 0.3 CPU s, whatever
    # the number of notes; its command line is the same for every seller)
    echo "credit_id,invoice_number,reason,line,quantity" >"$S/credits.csv"
    if [ "$S" = DE ]; then
        expect_exit 0 "$FAKTURA" credit -q $cr --invoice INV-2026-000001 --reason "Ware zurück"
        if [ "${FK_SANITIZER_BUILD:-}" != 1 ]; then
            expect_exit 0 "$FAKTURA" credit -q $cr --invoice INV-2026-000002 --reason "returned" --line 1
            expect_exit 0 "$FAKTURA" credit -q $cr --invoice INV-2026-000003 --reason "Zwrot" --line 1:0.5
        else # (--line N[:QTY] on the command line: credit_notes runs it in this build too)
            printf '%s\n' "c2,INV-2026-000002,returned,1," "c3,INV-2026-000003,Zwrot,1,0.5" >>"$S/credits.csv"
        fi
    else
        printf '%s\n' "c1,INV-2026-000001,Ware zurück,," "c2,INV-2026-000002,returned,1," \
            "c3,INV-2026-000003,Zwrot,1,0.5" >>"$S/credits.csv"
    fi
    # the rest with --from: full for odd, line 1 for even numbers
    i=4
    while [ "$i" -le "$n" ]; do
        if [ $((i % 2)) = 1 ]; then l=""; else l=1; fi
        printf 'c%d,INV-2026-%06d,"Korrektur %d, ""Teil""",%s,\n' "$i" "$i" "$i" "$l" >>"$S/credits.csv"
        i=$((i + 1))
    done
    expect_exit 0 "$FAKTURA" credit -q --config "$S/faktura.ini" --db "$S/db.sqlite" --out "$S/cn" \
        --as-of 2026-11-25 --from "$S/credits.csv"
    equal "$S: every invoice credited" "$(sql "$S/db.sqlite" "SELECT count(*) FROM credit_notes")" "$n"
done
# every XML recorded with its size and SHA-256, as many as written, and what `show
# --format` gives; every format its invoices had, for every credit note of such an
# invoice; Factur-X: the embedded CII (type 381) is the shown one (kept in S/cnfx), qpdf
# is clean; reprint byte-identical
python3 "$FK_SRCDIR/tests/lib/einvoice-files.py" credits $sellers || fail "the credit notes' files (above)"
for S in $sellers; do
    expect_exit 0 "$FAKTURA" verify --db "$S/db.sqlite"
done

# A UBL credit note: CreditNote 381, BT-25/26, the reason, positive amounts = the note's.
python3 - <<'PY' || fail "the UBL credit note's content"
import sqlite3, json, xml.etree.ElementTree as ET
ns = {"c": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
      "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
db = sqlite3.connect("DE/db.sqlite")
gross, net, inv = db.execute("SELECT gross, net, invoice_number FROM credit_notes WHERE number = 'CN-2026-000003'").fetchone()
idate = db.execute("SELECT issue_date FROM invoices WHERE number = ?", (inv,)).fetchone()[0]
r = ET.parse("DE/cn/CN-2026-000003.ubl.xml").getroot()
assert r.tag == "{%s}CreditNote" % ns["c"], r.tag
assert r.find("cbc:CreditNoteTypeCode", ns).text == "381"
ref = r.find("cac:BillingReference/cac:InvoiceDocumentReference", ns)
assert ref.find("cbc:ID", ns).text == inv and ref.find("cbc:IssueDate", ns).text == idate
assert r.find("cbc:Note", ns).text == "Zwrot", r.find("cbc:Note", ns).text
t = r.find("cac:LegalMonetaryTotal", ns)
assert round(float(t.find("cbc:TaxInclusiveAmount", ns).text) * 100) == -gross, (gross,)
assert round(float(t.find("cbc:LineExtensionAmount", ns).text) * 100) == -net
ln = r.find("cac:CreditNoteLine", ns)
assert ln.find("cbc:CreditedQuantity", ns).text == "0.5", ln.find("cbc:CreditedQuantity", ns).text
assert float(ln.find("cbc:LineExtensionAmount", ns).text) > 0
PY
contains DE/cn/CN-2026-000003.cii.xml "<ram:IssuerAssignedID>INV-2026-000003</ram:IssuerAssignedID>"

# verify covers a credit note's XML files
f=DE/cn/CN-2026-000002.peppol.xml
cp "$f" saved.xml && printf ' ' >>"$f"
expect_exit 1 "$FAKTURA" verify --db DE/db.sqlite
contains last.out "CN-2026-000002.peppol.xml differs from what was recorded"
cp saved.xml "$f"

# A chargeback credit note made inside a run gets its XML files too.
python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("DE/orders.csv")))
f = list(rows[0].keys()) + ["dispute_status", "dispute_opened"]
w = csv.DictWriter(open("cb.csv", "w", newline=""), fieldnames=f)
w.writeheader()
r = rows[1]
r["dispute_status"], r["dispute_opened"] = "lost", "2026-11-21"
w.writerow(r)
PY
# (G: einvoice_ledger's German ledger, copied above)
g="--config G/faktura.ini --db G/db.sqlite"
expect_exit 0 "$FAKTURA" run -q $g --out G/out2 --as-of 2026-12-20 cb.csv --report cb.json
cb=$(sql G/db.sqlite "SELECT number FROM credit_notes WHERE credit_key LIKE 'chargeback:%'")
[ -n "$cb" ] || fail "no chargeback credit note"
equal "chargeback XML files" "$(sql G/db.sqlite "SELECT group_concat(format) FROM (SELECT format FROM credit_einvoices WHERE number = '$cb' ORDER BY format)")" \
    "$(sql G/db.sqlite "SELECT group_concat(format) FROM (SELECT e.format FROM einvoices e JOIN credit_notes c ON c.invoice_number = e.number WHERE c.number = '$cb' AND e.format <> 'facturx' ORDER BY e.format)")"
[ -f "G/out2/$cb.xrechnung-cii.xml" ] || fail "no $cb.xrechnung-cii.xml beside the chargeback's PDF"
expect_exit 0 "$FAKTURA" verify --db G/db.sqlite

# A structured form that fails its XSD refuses the credit note: nothing issued.
o=$(sql G/db.sqlite "SELECT order_id FROM invoices WHERE number = 'INV-2026-000003'")
FAKTURA_TEST_BREAK_EINVOICE=$o expect_exit 1 "$FAKTURA" credit -q $g --out G/cn --as-of 2026-11-25 \
    --invoice INV-2026-000003 --reason x
contains last.err "INV-2026-000003"
contains last.err "fails its schema"
equal "refused: no credit note" "$(sql G/db.sqlite "SELECT count(*) FROM credit_notes WHERE invoice_number = 'INV-2026-000003'")" 0
equal "refused: no file" "$(ls G/cn 2>/dev/null | grep -c 'CN-2026-000002' || true)" 0

# Killed after the files are written (temporary, then in place), before COMMIT: each
# leaves files for the next start to remove (the temporary ones, the published ones).
for point in credit-written credit-published; do
    FAKTURA_TEST_KILL_AT=$point expect_exit 137 "$FAKTURA" credit -q $g --out G/cn --as-of 2026-11-25 \
        --invoice INV-2026-000004 --reason x --line 1:1
    equal "$point: no credit note" "$(sql G/db.sqlite "SELECT count(*) FROM credit_notes")" 1
    equal "$point: no XML recorded" "$(sql G/db.sqlite "SELECT count(*) FROM credit_einvoices WHERE number = 'CN-2026-000002'")" 0
done
[ -f G/cn/CN-2026-000002.ubl.xml ] || fail "the kill after publishing left no XML (the test did not test it)"
expect_exit 0 "$FAKTURA" credit -v $g --out G/cn --as-of 2026-11-25 --invoice INV-2026-000004 --reason x --line 1:1
equal "same number" "$(cat last.out)" CN-2026-000002
contains last.err "CN-2026-000002.ubl.xml"
equal "temporary files" "$(find G/cn -name '*.tmp' | wc -l)" 0
expect_exit 0 "$FAKTURA" verify --db G/db.sqlite

einv_done_unless_schematron
# one validator run per mode, for the invoices' and the credit notes' files of all three
# sellers (and the chargeback's); the CEN rules, which three modes each share, once for
# all UBL and once for all CII files (einv_svrl_once)
files() { # files FORMAT: every NUMBER.FORMAT.xml of the invoices and credit notes
    for S in DE NO PL; do
        for x in "$S/out/"*".$1.xml" "$S/cn/"*".$1.xml"; do
            if [ -f "$x" ]; then echo "$x"; fi
        done
    done
}
ubl=$(files ubl) peppol=$(files peppol) xrubl=$(files xrechnung-ubl) cii=$(files cii)
xrcii="$(files xrechnung-cii) G/out2/$cb.xrechnung-cii.xml"
fx="DE/fx NO/fx PL/fx DE/cnfx NO/cnfx PL/cnfx"
einv_svrl_once "$KIT/en16931/ubl/xslt/EN16931-UBL-validation.xslt" $ubl $peppol $xrubl \
    --and "$KIT/en16931/cii/xslt/EN16931-CII-validation.xslt" $cii $xrcii $fx
einv_check ubl-cen $ubl
einv_check ubl $peppol
einv_check xr $xrubl
einv_check xr-cii $xrcii
einv_check cii $cii
einv_check fx-en16931 $fx
# The server's verdicts can fail a file: an invoice with an unknown type code (BR-CL-01),
# not in the cache, through the server (its log: a line for each of the call's two runs,
# the CEN rules and the summary).
sed 's|<cbc:InvoiceTypeCode>380<|<cbc:InvoiceTypeCode>999<|' DE/out/INV-2026-000001.ubl.xml >br-cl-01.xml
runs=$(grep -c '^run ' saxon-server.log 2>/dev/null || true)
expect_exit 1 "$KIT/validate.sh" ubl-cen br-cl-01.xml
contains last.out "br-cl-01.xml: FAIL CEN-EN16931-UBL: BR-CL-01"
if [ -n "${EINV_SAXON_SERVER:-}" ]; then
    equal "the server's runs for br-cl-01.xml" "$(($(grep -c '^run ' saxon-server.log) - runs))" 2
else # (einv_saxon_server said why: the socket's path too long, or the server did not start)
    echo "##### no Saxon server: every run above was a JVM of its own #####"
fi
einv_saxon_server_stop
finish
