# bad_output_reports: characters a report cannot show as they are (issue 15, "a control
# character in an order id makes the JUnit XML ill-formed"). Order ids, a company name and
# the input file's name carry ESC, every other C0 control but NUL, DEL, C1 controls (NEL,
# CSI), U+2028, U+2029, bidi overrides and isolates, U+FFFE, U+FFFF and a byte that is not
# UTF-8. The run writes all four formats. Then:
#   - the JUnit XML is well-formed (a strict XML 1.0 parser reads it) and shows '?' for
#     each such character; the CSV and HTML reports hold none of them either (TAB, LF and
#     CR stay: the formats quote or escape them);
#   - the JSON report keeps each order id exactly (jansson escapes it), and no message
#     quotes a value raw: ORDER_INCONSISTENT quotes the first row's value through the
#     quoting helper like the row's own.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

input=$(printf 'in/l\033[31m\342\200\256.csv')
python3 - "$bad_hdr" "$bad_row" "$input" <<'PY'
import hashlib, sys
hdr, row, path = sys.argv[1], sys.argv[2], sys.argv[3]
cols = hdr.split(",")
def line(order_id, **kw):
    v = row.split(",")
    v[cols.index("order_id")] = order_id
    key = order_id.encode("utf-8", "surrogateescape")
    v[cols.index("customer_id")] = "C-" + hashlib.sha256(key).hexdigest()[:12]
    for k, x in kw.items():
        v[cols.index(k)] = x
    return ",".join(v)
c0 = "".join(chr(c) for c in range(1, 32) if c not in (9, 10, 13))
ids = {
    "esc": "R1\x1b[31mred\x1b[0m",
    "c0": "R2" + c0,
    "del": "R3\x7f",
    "c1": "R4\u0085\u009b6n",
    "seps": "R5\u2028\u2029",
    "bidi": "R6\u202e\u2066\u2069",
    "nonchar": "R7\ufffe\uffff",
}
out = [hdr]
for k, oid in ids.items():
    out.append(line('"%s"' % oid, unit_price="bad"))
out.append(line("R8\udcff", unit_price="bad"))  # a byte that is not UTF-8
out.append(line("INC", company_name='"ACME\x1b[2J\u202e\r\n GmbH"'))
out.append(line("INC", company_name="Other GmbH"))
data = "\n".join(out).encode("utf-8", "surrogateescape") + b"\n"
open(path, "wb").write(data)
PY

frun reports 1 "$input" --format json --report w/out/report.json --format csv \
    --report w/out/report.csv --format html --report w/out/report.html --format junit \
    --report w/out/report.xml
summary 9 0 9

# check WHAT: the Python check on stdin, with unsafe() and the report directory d
check() {
    { printf '%s\n' 'import csv, io, json, sys' 'import xml.etree.ElementTree as ET' \
          'd = sys.argv[1]' 'def unsafe(c):' '    o = ord(c)' \
          '    return ((o < 0x20 and c not in "\t\n\r") or 0x7F <= o <= 0x9F or' \
          '            c in "\u2028\u2029\ufffe\uffff" or 0x202A <= o <= 0x202E or' \
          '            0x2066 <= o <= 0x2069)'
      cat; } >meta/check.py
    python3 meta/check.py w/out || fail "reports: $1"
}

check "a character the text formats cannot show as it is" <<'PY'
for f in ("report.csv", "report.html", "report.xml"):
    text = open("%s/%s" % (d, f), "rb").read().decode("utf-8")  # raises on non-UTF-8
    bad = sorted({c for c in text if unsafe(c)})
    assert not bad, (f, bad)
rows = list(csv.reader(io.StringIO(open(d + "/report.csv", encoding="utf-8", newline="").read())))
assert rows[1][0] == "R1?[31mred?[0m", rows[1]
PY

check "the JUnit XML is not well-formed or does not show '?'" <<'PY'
root = ET.parse(d + "/report.xml").getroot()  # expat refuses what XML 1.0 forbids
names = [t.get("name") for t in root.iter("testcase")]
want = ["order R1?[31mred?[0m (", "order R2" + "?" * 28 + " (", "order R3? (", "order R4??6n (",
        "order R5?? (", "order R6??? (", "order R7?? (", "order R8? ("]
for w in want:
    assert any(n.startswith(w) for n in names), (w, names)
assert all("?[31m?.csv:" in n for n in names[1:]), names  # the input's name, made safe
body = "".join(t.text or "" for t in root.iter("failure"))
assert 'first row "ACME?[2J??? GmbH"' in body, body
PY

check "JSON order ids changed, or a message quotes a value raw" <<'PY'
r = json.load(open(d + "/report.json", encoding="utf-8"))
got = [o["order_id"] for o in r["orders"]]
assert got[0] == "R1\x1b[31mred\x1b[0m" and got[3] == "R4\u0085\u009b6n", got
for o in r["orders"]:
    for f in o["findings"]:
        bad = [c for c in f["message"] if unsafe(c) or c in "\t\n\r"]
        assert not bad, (f["code"], f["message"])
inc = [f["message"] for o in r["orders"] if o["order_id"] == "INC" for f in o["findings"]
       if f["code"] == "ORDER_INCONSISTENT"]
assert inc == ['line 12: company_name "Other GmbH" differs from the order\'s first row '
               '"ACME?[2J??? GmbH"'], inc
PY
finish
