# report_formats: one run writes the report in every format at once; each is read back by
# a real parser (JSON by python's json, JUnit by libxml2's xmllint against the JUnit
# schema, CSV by python's csv module; libcsv reads it in tests/unit/test_report.c), and the
# HTML page is loaded in a real headless browser (Debian's chromium): no console errors,
# the script runs, the filter works, input text is escaped, and a screenshot is taken.
. "$FK_SRCDIR/tests/lib/e2e.sh"

# A ledger with hostile text: an order id that is markup, one that is a formula.
sed -e 's/^SO-1026,/<script>alert(1)<\/script>,/' -e 's/^SO-1027,/"=HYPERLINK(""http:\/\/x"")",/' \
    "$SAMPLES/orders.csv" >orders.csv
expect_exit 1 "$FAKTURA" run --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 --format json --report r.json --format csv --report r.csv \
    --format html --report r.html --format junit --report r.xml orders.csv
contains last.err "31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report r.json"

python3 - <<'PY' || fail "JSON/CSV reports"
import csv, json
r = json.load(open("r.json"))
assert r["summary"]["failed"] == 11 and len(r["orders"]) == 11
ids = [o["order_id"] for o in r["orders"]]
assert "<script>alert(1)</script>" in ids and '=HYPERLINK("http://x")' in ids, ids
rows = list(csv.reader(open("r.csv", newline="", encoding="utf-8")))
assert rows[0] == ["order_id", "file", "line", "status", "currency", "amount", "code", "field",
                   "message", "hint"], rows[0]
assert len(rows) == 12, len(rows)
cells = [c for row in rows[1:] for c in row]
assert "'=HYPERLINK(\"http://x\")" in cells, "formula not neutralised"
assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), "a live formula"
PY

xmllint --noout --schema "$FK_SRCDIR/tests/data/junit.xsd" r.xml 2>xmllint.err ||
    fail "r.xml is not valid JUnit XML: $(cat xmllint.err)"
contains r.xml 'tests="12" failures="11"'
contains r.xml 'name="order SO-1020 ('
contains r.xml 'TAX_ID_CHECKSUM [tax_id]'

# The HTML page in a real browser. Not in the sanitizer build (FK_SANITIZER_BUILD), as the
# kit's Java validators are not (tests/lib/einvoice.sh): the browser reads the bytes
# faktura wrote, the same in both builds, and takes 4 of this test's 5 CPU seconds there.
not_contains r.html "<script>alert"
contains r.html "&lt;script&gt;alert(1)&lt;/script&gt;"
if [ "${FK_SANITIZER_BUILD:-}" != 1 ]; then
# Besides its --user-data-dir, chromium writes its crash reports' settings under
# $XDG_CONFIG_HOME (else $HOME/.config) and dconf its database under $XDG_RUNTIME_DIR (else
# $XDG_CACHE_HOME, else $HOME/.cache): all of them in this test's scratch dir (e2e.sh).
mkdir -p chrome-home/.config chrome-home/.cache
mkdir -m 700 chrome-home/run
chrome() {
    profile=$1
    shift
    HOME=$FK_TMP/chrome-home XDG_CONFIG_HOME=$FK_TMP/chrome-home/.config \
    XDG_CACHE_HOME=$FK_TMP/chrome-home/.cache XDG_RUNTIME_DIR=$FK_TMP/chrome-home/run \
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$FK_TMP/chrome-$profile" --enable-logging=stderr --v=0 "$@"
}
chrome a --window-size=1200,1800 --screenshot="$FK_TMP/report.png" "file://$FK_TMP/r.html" \
    >/dev/null 2>chrome1.err || fail "chromium failed: $(tail -3 chrome1.err)"
[ "$(wc -c <report.png)" -gt 20000 ] || fail "the screenshot is missing or empty"
chrome b --dump-dom "file://$FK_TMP/r.html#q=TAX_ID" >dom.html 2>chrome2.err ||
    fail "chromium --dump-dom failed"
for e in chrome1.err chrome2.err; do
    if grep -q ':CONSOLE' "$e"; then fail "console messages: $(grep ':CONSOLE' "$e")"; fi
done
contains dom.html 'data-ready="1"'
# Filtered on TAX_ID: the two tax-ID orders stay visible, the other nine are hidden.
equal "rows hidden by the filter" "$(grep -o 'style="display: none;"' dom.html | wc -l)" 9
contains dom.html "&lt;script&gt;alert(1)&lt;/script&gt;"
echo "screenshot: $FK_TMP/report.png"
fi

# report --batch writes any format again from the database.
expect_exit 1 "$FAKTURA" report --db db.sqlite --batch 1 --report again.html
cmp -s r.html again.html || fail "report --batch 1 --report again.html differs from r.html"
expect_exit 2 "$FAKTURA" report --db db.sqlite --batch 1 --format csv --format json --report x.csv
contains last.err "give one --report for each --format"
finish
