# ingest_xml: XML orders through the real binary. A CSV and an XML of the same orders give
# the same report; stdin works with --input-format xml; a schema violation fails only its
# order, with the line and the element; a broken document stops with exit code 3 naming
# the file and the line, and nothing of the batch is recorded.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"

# samples/orders.xml is samples/orders.csv as XML (made by scripts/gen-ledger --from-csv).
python3 "$FK_SRCDIR/scripts/gen-ledger" --from-csv "$SAMPLES/orders.csv" --format xml \
    --out regenerated.xml
cmp -s regenerated.xml "$SAMPLES/orders.xml" ||
    fail "samples/orders.xml is not samples/orders.csv as XML"
xmllint --noout --schema "$SAMPLES/orders.xsd" "$SAMPLES/orders.xml" 2>xmllint.err ||
    fail "samples/orders.xml does not match samples/orders.xsd: $(cat xmllint.err)"

expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --report csv.json "$SAMPLES/orders.csv"
contains last.err "31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled"
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --report xml.json "$SAMPLES/orders.xml"
contains last.err "31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled"

# The same from standard input, and through `run`: the same outcomes.
expect_exit 1 sh -c "\"$FAKTURA\" validate --as-of 2026-11-20 --input-format xml \
    --report stdin.json - <\"$SAMPLES/orders.xml\""
contains last.err "31 orders: 20 invoiced, 11 failed"
expect_exit 1 "$FAKTURA" run -q --config "$cfg" --db db.sqlite --out out --as-of 2026-11-20 \
    "$SAMPLES/orders.xml"
equal "invoices from XML" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 20
# and a rerun of the same orders as CSV invoices nothing twice
expect_exit 1 "$FAKTURA" run -q --config "$cfg" --db db.sqlite --out out --as-of 2026-11-20 \
    "$SAMPLES/orders.csv"
equal "invoices after the CSV rerun" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 20

# A schema violation fails its own order with a finding naming the line and the element;
# the orders around it are invoiced.
order() { # ID [EXTRA]
    printf '<order><order_id>%s</order_id><order_date>2026-11-18</order_date>' "$1"
    printf '<company_name>ACME GmbH</company_name><tax_id>DE136695976</tax_id>'
    printf '<country>DE</country><currency>EUR</currency>%s' "${2:-}"
    printf '<payment_method>bank_transfer</payment_method><lines><line>'
    printf '<item_description>Thing</item_description><quantity>1</quantity>'
    printf '<unit_price>%s</unit_price><vat_rate>19</vat_rate></line></lines></order>\n' \
        "${3:-10.00}"
}
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<orders>'
    order X1
    order X2 '<discount>5</discount>'
    order X3 '' 20.00
    echo '</orders>'
} >schema.xml
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report schema.csv schema.xml
contains last.err "3 orders: 2 invoiced, 1 failed"
contains_all schema.csv '"X2","schema.xml","4","failed","EUR","11.90","ROW_MALFORMED","",' \
    '"line 4: element <discount>: This element is not expected.' 'samples/orders.xsd'

# Not well-formed (a truncated export): exit 3, file and line named, nothing recorded.
head -c 900 "$SAMPLES/orders.xml" >truncated.xml
expect_exit 3 "$FAKTURA" run --config "$cfg" --db db2.sqlite --out out2 --as-of 2026-11-20 \
    truncated.xml
contains last.err "faktura: error: truncated.xml:"
contains last.err ": the XML is not well-formed:"
[ ! -e out2 ] || [ -z "$(ls out2)" ] || fail "a batch with a broken XML input wrote PDFs"
[ ! -e db2.sqlite ] || equal "orders recorded" "$(sql db2.sqlite 'SELECT count(*) FROM orders')" 0

# Not XML at all: a gzip file, the wrong root element, an empty file.
gzip -c "$SAMPLES/orders.xml" >packed.xml
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 packed.xml
contains last.err "packed.xml:1: the file is gzip-compressed, not XML"
printf '<?xml version="1.0"?>\n<invoices/>\n' >root.xml
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 root.xml
contains last.err "root.xml:2: the root element is <invoices>; an orders file has <orders>"
: >empty.xml
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 empty.xml
contains last.err "empty.xml:1: the file is empty"

# The reports of the CSV, the XML and the XML from stdin, with what must differ (input
# names, line numbers) normalised, are equal; and the XML reports' lines are the XML
# file's: SO-1020's <order> start tag, the line before its <order_id>.
python3 - "$SAMPLES/orders.xml" <<'PY' >reports.out 2>&1 || fail "$(cat reports.out)"
import json, re, sys
def norm(path):
    r = json.load(open(path, encoding="utf-8"))
    inputs = r["batch"].pop("inputs")
    for o in r["orders"]:
        o["file"], o["line"] = "FILE", 0
        for f in o["findings"]:
            m = f["message"]
            for name in inputs:  # stdin is "-" in the text ("... at - line 517")
                m = m.replace(name + " line", "FILE line")
            f["message"] = re.sub(r"line \d+", "line N", m)
    return r
def order_at(path, order_id):  # "file:line" of the order in the report
    o = [o for o in json.load(open(path))["orders"] if o["order_id"] == order_id][0]
    return "%s:%d" % (o["file"], o["line"])
bad = []
a = norm("csv.json")
for other in ("xml.json", "stdin.json"):
    b = norm(other)
    if a != b:
        bad.append("the CSV and XML reports differ (csv.json, %s)" % other)
        for oa, ob in zip(a["orders"], b["orders"]):
            if oa != ob:
                bad.append("CSV: " + json.dumps(oa, ensure_ascii=False))
                bad.append("XML: " + json.dumps(ob, ensure_ascii=False))
    elif not (len(a["orders"]) == 11 and a["summary"]["invoiced"] == 20):
        bad.append("the CSV and XML reports differ: %s" % a["summary"])
line = [n for n, l in enumerate(open(sys.argv[1], encoding="utf-8"), 1)
        if "<order_id>SO-1020</order_id>" in l][0]
for what, path, want in [("SO-1020 in the XML report", "xml.json", "%s:%d" % (sys.argv[1], line - 1)),
                         ("SO-1020 from stdin", "stdin.json", "-:%d" % (line - 1))]:
    got = order_at(path, "SO-1020")
    if got != want:
        bad.append("%s: got '%s', expected '%s'" % (what, got, want))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

finish
