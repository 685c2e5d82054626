# ingest_xml: XML orders through the real binary. A CSV and an XML of the same orders give
# the same report; stdin works with --input-format xml; a schema violation fails only its
# order, with the line and the element; a broken document stops with exit code 3 naming
# the file and the line, and nothing of the batch is recorded.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"

# The report of a CSV and of an XML of the same orders, with what must differ (input
# names, line numbers) normalised, are equal.
same_report() { # CSV_REPORT XML_REPORT
    python3 - "$1" "$2" <<'PY' || fail "the CSV and XML reports differ"
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
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    for oa, ob in zip(a["orders"], b["orders"]):
        if oa != ob:
            print("CSV:", json.dumps(oa, ensure_ascii=False), file=sys.stderr)
            print("XML:", json.dumps(ob, ensure_ascii=False), file=sys.stderr)
    sys.exit(1)
assert len(a["orders"]) == 11 and a["summary"]["invoiced"] == 20, a["summary"]
PY
}

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
same_report csv.json xml.json
# the XML report's lines are the XML file's: SO-1020's <order> start tag
line=$(grep -n '<order_id>SO-1020</order_id>' "$SAMPLES/orders.xml" | cut -d: -f1)
order_at() { # REPORT ORDER_ID: "file:line" of the order in the report
    python3 -c 'import json, sys
o = [o for o in json.load(open(sys.argv[1]))["orders"] if o["order_id"] == sys.argv[2]][0]
print("%s:%d" % (o["file"], o["line"]))' "$1" "$2"
}
equal "SO-1020 in the XML report" "$(order_at xml.json SO-1020)" "$SAMPLES/orders.xml:$((line - 1))"

# The same from standard input, and through `run`: the same outcomes.
expect_exit 1 sh -c "\"$FAKTURA\" validate --as-of 2026-11-20 --input-format xml \
    --report stdin.json - <\"$SAMPLES/orders.xml\""
contains last.err "31 orders: 20 invoiced, 11 failed"
same_report csv.json stdin.json
equal "SO-1020 from stdin" "$(order_at stdin.json SO-1020)" "-:$((line - 1))"
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
contains schema.csv '"X2","schema.xml","4","failed","EUR","11.90","ROW_MALFORMED","",'
contains schema.csv '"line 4: element <discount>: This element is not expected.'
contains schema.csv 'samples/orders.xsd'

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

finish
