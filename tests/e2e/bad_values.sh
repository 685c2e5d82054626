# bad_values: hostile and broken values through `faktura run` (the bad-input catalogue,
# SECURITY.md): amounts that are not plain decimals or do not fit, totals that would
# overflow (caught, never wrapped), impossible dates, order ids shaped like paths or with
# control characters, names that are markup or spreadsheet formulas. Every bad order fails
# with a finding naming its line and field, every good one beside it is invoiced, and the
# checks of bad_lib.sh hold after each run.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

# report_amounts CURRENCY KEY...: totals of the JSON report, one a line
report_amounts() {
    python3 -c 'import json, sys
t = json.load(open("w/out/report-1.json"))["summary"]["totals"][sys.argv[1]]
print("\n".join(str(t[k]) for k in sys.argv[2:]))' "$@"
}
# order_amounts ID...: the report's amount of each failed order ("None" when unknown), one a
# line (one python3 for all of them)
order_amounts() {
    python3 -c 'import json, sys
r = json.load(open("w/out/report-1.json"))
for oid in sys.argv[1:]:
    print(next((o["amount"] for o in r["orders"] if o["order_id"] == oid), "(not in the report)"))' \
        "$@"
}
# rep N C: N times the character C
rep() { printf "%${1}s" "" | tr " " "$2"; }

# --- amounts and dates that are not what they claim
{
    printf '%s\n' "$bad_hdr"
    with order_id A40 unit_price "<x 40 1>"
    with order_id NEGQ quantity -3
    with order_id NAN unit_price NaN
    with order_id E309 unit_price 1e309
    with order_id FEB30 order_date 2026-02-30
    with order_id INFQ quantity inf
    with order_id OK1
} >in/amounts.csv
frun amounts 1 in/amounts.csv
summary 7 1 6
forty=$(rep 40 1)
finding amounts A40 2 AMOUNT_OVERFLOW unit_price "line 2: unit_price \"$forty\""
finding amounts NEGQ 3 QUANTITY_INVALID quantity 'line 3: quantity "-3"'
finding amounts NAN 4 AMOUNT_INVALID unit_price 'line 4: unit_price "NaN"'
finding amounts E309 5 AMOUNT_INVALID unit_price 'line 5: unit_price "1e309"'
finding amounts FEB30 6 ORDER_DATE_INVALID order_date '"2026-02-30"'
finding amounts INFQ 7 QUANTITY_INVALID quantity 'line 7: quantity "inf"'
order_amounts A40 NEGQ NAN E309 INFQ >meta/amounts.txt || :
for id in A40 NEGQ NAN E309 INFQ; do
    IFS= read -r amount
    equal "amounts: $id amount" "$amount" None
done <meta/amounts.txt

# --- totals that do not fit: caught as AMOUNT_OVERFLOW, never wrapped. OVF-SUM: 5,000
# lines of 2e13 EUR, each fine, their sum beyond 64 bits; OVF-MUL: quantity x price beyond
# 64 bits; OVF-VAT: a net that fits, with VAT it does not; OVF-CAP: one cent above the
# largest invoice faktura issues (10^15 minor units, lib/validate/validate.c); BIG-OK: that
# largest invoice, issued with its exact total.
{
    printf '%s\n' "$bad_hdr"
    line=$(with order_id OVF-SUM quantity 1 unit_price 20000000000000.00)
    i=0
    while [ $i -lt 5000 ]; do
        i=$((i + 1))
        printf '%s\n' "$line"
    done
    with order_id OVF-MUL quantity 1000 unit_price 10000000000000000.00
    with order_id OVF-VAT quantity 1 unit_price 90000000000000000.00 vat_rate 19
    with order_id OVF-CAP quantity 1 unit_price 10000000000000.01 vat_rate 0 vat_category Z
    with order_id BIG-OK quantity 1 unit_price 10000000000000.00 vat_rate 0 vat_category Z
} >in/overflow.csv
frun overflow 1 in/overflow.csv
summary 5 1 4
finding overflow OVF-SUM 2 AMOUNT_OVERFLOW unit_price "overflow"
finding overflow OVF-MUL 5002 AMOUNT_OVERFLOW unit_price "overflow"
finding overflow OVF-VAT 5003 AMOUNT_OVERFLOW unit_price "overflow"
finding overflow OVF-CAP 5004 AMOUNT_OVERFLOW unit_price "overflow"
order_amounts OVF-SUM OVF-MUL OVF-VAT OVF-CAP >meta/amounts.txt || :
for id in OVF-SUM OVF-MUL OVF-VAT OVF-CAP; do
    IFS= read -r amount
    equal "overflow: $id amount" "$amount" None
done <meta/amounts.txt
report_amounts EUR invoiced recorded_invoices failed >meta/totals.txt || :
{ IFS= read -r invoiced; IFS= read -r recorded; IFS= read -r failed_total; } <meta/totals.txt
equal "overflow: invoiced total" "$invoiced" 10000000000000.00
equal "overflow: recorded total" "$recorded" 10000000000000.00
equal "overflow: failed total" "$failed_total" 0.00
equal "overflow: invoice" "$(sql db.sqlite 'SELECT order_id FROM invoices')" BIG-OK

# --- order ids: paths are just text (a PDF is named after its number only); control
# characters, NUL bytes and over-long ids fail the order
long_id=$(rep 2000 I)
cut_id=$(rep 1024 I)
{
    printf '%s\n' "$bad_hdr"
    with order_id ../../etc/passwd
    with order_id a/b/c
    with order_id /tmp/abs
    with order_id '"NL
ID"'
    with order_id "N<NUL>UL"
    with order_id "$long_id"
    with order_id "<x 201 J>"
    with order_id "TAB	ID"
} >in/ids.csv
frun ids 1 in/ids.csv
summary 8 3 5
finding ids "NL
ID" 5 ORDER_ID_INVALID order_id "control characters"
finding ids "N?UL" 7 ENCODING_INVALID order_id "line 7: order_id contains a NUL byte"
finding ids "$cut_id" 8 FIELD_TOO_LONG order_id "line 8: order_id has 2000 bytes; at most 1024"
finding ids "$(rep 201 J)" 9 ORDER_ID_INVALID order_id "longer than 200 bytes"
finding ids "TAB	ID" 10 ORDER_ID_INVALID order_id "control characters"
equal "ids: invoiced" "$(sql db.sqlite 'SELECT group_concat(order_id, " ") FROM
    (SELECT order_id FROM invoices ORDER BY seq)')" "../../etc/passwd a/b/c /tmp/abs"
[ ! -e /tmp/abs.pdf ] && [ ! -e etc ] && [ ! -e w/etc ] || fail "ids: a file named after an id"

# --- names that are markup or formulas: printed as text on the invoice; in the CSV report
# every cell that a spreadsheet would run gets a leading '
{
    printf '%s\n' "$bad_hdr"
    with order_id XSS company_name "<script>alert(1)</script> GmbH"
    with order_id CMD company_name "=cmd|' /C calc'!A0"
    with order_id "=cmd|' /C calc'!A0" tax_id DE136695977
    with order_id "+SUM(A1)" tax_id DE136695977
    with order_id "-2+3" tax_id DE136695977
    with order_id "@SUM(1)" tax_id DE136695977
} >in/names.csv
frun names 1 in/names.csv
summary 6 2 4
for n in 1 2; do
    pdftotext -layout "w/out/INV-2026-00000$n.pdf" "meta/names$n.txt" 2>/dev/null
done
contains meta/names1.txt "<script>alert(1)</script> GmbH"
contains meta/names2.txt "=cmd|' /C calc'!A0"
bounded 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report meta/names.csv in/names.csv
python3 - meta/names.csv <<'PY' || fail "names: formulas in the CSV report"
import csv, sys
raw = open(sys.argv[1], encoding="utf-8-sig", newline="").read()
rows = list(csv.reader(raw.splitlines()))
ids = [r[0] for r in rows[1:]]
want = ["'=cmd|' /C calc'!A0", "'+SUM(A1)", "'-2+3", "'@SUM(1)"]
assert ids == want, ids
for r in rows:
    for cell in r:
        assert not cell or cell[0] not in "=+-@\t\r", r
PY
finish
