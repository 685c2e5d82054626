# ingest_csv: the CSV dialects and malformed rows through the real binary. --delimiter and
# --decimal-comma; amounts like 12.3.4 and 1e5, a short row, a stray quote, bytes that are
# not UTF-8: each fails its own order with a finding naming the file, the line and the
# field, and the rest of the file is processed. A header without a required column stops.
. "$FK_SRCDIR/tests/lib/e2e.sh"

hdr='order_id,order_date,company_name,tax_id,country,currency,payment_method'
hdr="$hdr,item_description,quantity,unit_price,vat_rate"
row() { # ID PRICE [QUANTITY]
    printf '%s,2026-11-18,ACME GmbH,DE136695976,DE,EUR,bank_transfer,Thing,%s,%s,19\n' \
        "$1" "${3:-1}" "$2"
}

# Malformed amounts and rows: one finding each, with file, line and field; the good orders
# around them are invoiced.
{
    echo "$hdr"
    row A1 10.00
    row A2 12.3.4
    row A3 1e5
    row A4 NaN
    row A5 10.00 '"1,5"'
    echo 'A6,2026-11-18,ACME GmbH,DE136695976,DE,EUR,bank_transfer,Thing,1,10.00'
    echo 'A7,2026-11-18,ACME "GmbH",DE136695976,DE,EUR,bank_transfer,Thing,1,10.00,19'
    printf 'A8,2026-11-18,ACME \377 GmbH,DE136695976,DE,EUR,bank_transfer,Thing,1,10.00,19\n'
    row A9 20.00
} >bad.csv
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report bad.report.csv bad.csv
contains last.err "9 orders: 2 invoiced, 7 failed"

# Semicolons with decimal commas, detected from the header: the same result as commas.
{ echo "$hdr"; row B1 10.00; row B2 2.50 3; } >comma.csv
{
    echo "$hdr" | tr , ';'
    echo 'B1;2026-11-18;ACME GmbH;DE136695976;DE;EUR;bank_transfer;Thing;1;10,00;19'
    echo 'B2;2026-11-18;ACME GmbH;DE136695976;DE;EUR;bank_transfer;Thing;3;2,50;19'
} >semi.csv
expect_exit 0 "$FAKTURA" validate --as-of 2026-11-20 --report comma.json comma.csv
expect_exit 0 "$FAKTURA" validate --as-of 2026-11-20 --report semi.json semi.csv
contains last.err "2 orders: 2 invoiced"

# --delimiter: a header that looks like ';' (a free-text column named with semicolons) is
# read with ',' when told so; without it the detected ';' misses every column (exit 3).
{ echo "$hdr,note;a;b;c;d;e;f;g;h;i;j;k;l"; row C1 10.00 | sed 's/$/,x/'; } >told.csv
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 told.csv
contains_all last.err "told.csv:1: " "(the delimiter is ';', detected from the header)"
expect_exit 0 "$FAKTURA" validate --as-of 2026-11-20 --delimiter , told.csv
contains last.err "1 orders: 1 invoiced"
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 --delimiter ';' comma.csv
contains last.err "(the delimiter is ';')"

# --decimal-comma with ',' delimiters: amounts quoted as "10,00".
{
    echo "$hdr"
    echo 'D1,2026-11-18,ACME GmbH,DE136695976,DE,EUR,bank_transfer,Thing,"1,5","10,00",19'
} >dc.csv
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report dc.plain.csv dc.csv
contains dc.plain.csv \
    '"D1","dc.csv","2","failed","EUR","","QUANTITY_INVALID","quantity","line 2: quantity ""1,5""'
expect_exit 0 "$FAKTURA" validate --as-of 2026-11-20 --decimal-comma --report dc.json dc.csv

# An order id that comes back later (not adjacent) is a duplicate, never merged.
{ echo "$hdr"; row E1 10.00; row E2 20.00; row E1 5.00; } >dup.csv
expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report dup.report.csv dup.csv
contains last.err "3 orders: 2 invoiced, 1 failed"
contains dup.report.csv '"E1","dup.csv","4","failed","EUR","5.95","DUPLICATE_ORDER_ID","order_id"'

# The reports, in one python: bad.csv's findings; the ';' file gives the ',' file's
# totals; --decimal-comma's amounts.
python3 - <<'PY' >reports.out 2>&1 || fail "$(cat reports.out)"
import csv, sys
rows = list(csv.DictReader(open("bad.report.csv", encoding="utf-8-sig")))
got = {(r["order_id"], r["file"], r["line"], r["code"], r["field"]): r["message"] for r in rows}
want = {
    ("A2", "bad.csv", "3", "AMOUNT_INVALID", "unit_price"): 'line 3: unit_price "12.3.4"',
    ("A3", "bad.csv", "4", "AMOUNT_INVALID", "unit_price"): 'line 4: unit_price "1e5"',
    ("A4", "bad.csv", "5", "AMOUNT_INVALID", "unit_price"): 'line 5: unit_price "NaN"',
    ("A5", "bad.csv", "6", "QUANTITY_INVALID", "quantity"): 'line 6: quantity "1,5"',
    ("A6", "bad.csv", "7", "ROW_MALFORMED", ""): "line 7: the row has 10 fields, the header has 11",
    ("A7", "bad.csv", "8", "ROW_MALFORMED", ""): "line 8: malformed row",
    ("A8", "bad.csv", "9", "ENCODING_INVALID", "company_name"):
        "line 9: company_name is not valid UTF-8",
}
ok = True
for k, text in want.items():
    if k not in got or text not in got[k]:
        print("missing:", k, text, file=sys.stderr)
        ok = False
ids = {r["order_id"] for r in rows}
if ids != {"A2", "A3", "A4", "A5", "A6", "A7", "A8"}:
    print("failed orders:", sorted(ids), file=sys.stderr)
    ok = False
if not ok:
    print("bad.csv's findings")
import json
a, b = (json.load(open(f))["summary"] for f in ("comma.json", "semi.json"))
if not (a == b and a["totals"]["EUR"]["invoiced"] == "20.83"):
    print("the ';' file does not give the ',' file's totals", (a, b))
    ok = False
s = json.load(open("dc.json"))["summary"]
if s["totals"]["EUR"]["invoiced"] != "17.85":
    print("--decimal-comma amounts", s)
    ok = False
sys.exit(0 if ok else 1)
PY

finish
