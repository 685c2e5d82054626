# bad_card_numbers: card numbers where they do not belong (issue 15, SECURITY.md "Card
# numbers"). A card_number with a bad byte is reported with its masked form only; a card
# number typed into any other column (company name, street, e-mail, description, order id,
# customer id, IBAN; card_number and card_expiry swapped) fails its order with
# CARD_NUMBER_IN_FIELD, naming the field and never the number, and is stored masked, so
# that a retry from the stored data fails the order again. Whatever the input, the full
# number lands nowhere: not in the database, a report (JSON, CSV, HTML, JUnit), a PDF, or
# the program's output. Also: identifiers as people print them (IBANs with dashes or dots,
# each country's VAT separators, the UnionPay and Maestro ranges).
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

PANS="4111111111111111 5555555555554444 378282246310005 6011111111111117 8111700872004845"

# no_pan WHAT: none of $PANS, with or without separators between its digits, in the
# database, the reports in w/out (and meta/r.*), the PDFs' text or the last output. The
# files are copied into meta/np-N/ here and all searched by one python3 in no_pan_check, at
# the end: each WHAT still passes or fails on its own.
np=0
no_pan() {
    np=$((np + 1))
    d=meta/np-$np
    mkdir -p "$d"
    printf '%s\n' "$1" >"$d/.what"
    sqlite3 db.sqlite .dump >"$d/dump.sql"
    for f in w/out/*.pdf; do
        [ -e "$f" ] && pdftotext "$f" - 2>/dev/null
    done >"$d/pdf.txt"
    # one cp for the outputs and reports (their names do not collide: last.*, report.*, r.*)
    set --
    for f in last.err last.out w/out/report.* meta/r.*; do
        [ ! -e "$f" ] || set -- "$@" "$f"
    done
    cp "$@" "$d"
}
no_pan_check() {
    set +e
    python3 - "$PANS" meta/np-* <<'PY'
import os, re, sys
pans, dirs = sys.argv[1].split(), sys.argv[2:]
rxs = [re.compile(rb"(?<![0-9])" + rb"[^0-9]{0,3}".join(d.encode() for d in pan) + rb"(?![0-9])")
       for pan in pans]
failed = 0
for d in sorted(dirs, key=lambda d: int(d.rsplit("-", 1)[1])):
    what = open(os.path.join(d, ".what")).read().strip()
    bad = 0
    for name in sorted(os.listdir(d)):
        if name.startswith("."):
            continue
        data = open(os.path.join(d, name), "rb").read()
        for rx in rxs:
            for m in rx.finditer(data):
                print("%s: %s: %r" % (what, name, m.group()), file=sys.stderr)
                bad = 1
    if bad:
        print("FAIL: %s: a card number landed somewhere" % what, file=sys.stderr)
    failed += bad
sys.exit(min(failed, 100))
PY
    got=$?
    set -e
    failures=$((failures + got))
}

# all_formats NAME: the batch's report in every format, into meta/r.* (exit 1: some
# orders failed)
all_formats() {
    rm -f meta/r.*
    bounded 1 "$FAKTURA" report --db db.sqlite --batch 1 --format json --report meta/r.json \
        --format csv --report meta/r.csv --format html --report meta/r.html \
        --format junit --report meta/r.xml
}

# --- a card_number that is not UTF-8, or holds a NUL byte: the finding quotes the masked
# form only (it quoted the whole value, card number included)
ff=$(printf '\377')
{
    printf '%s\n' "$bad_hdr"
    with order_id ENC payment_method card card_number "4111111111111111$ff" card_expiry 12/28
    with order_id NUL payment_method card card_number "5555555555554444<NUL>" card_expiry 12/28
    with order_id OK1
} >in/encoding.csv
frun encoding 1 in/encoding.csv
summary 3 1 2
finding encoding ENC 2 ENCODING_INVALID card_number \
    'line 2: card_number is not valid UTF-8: ****1111'
finding encoding NUL 3 ENCODING_INVALID card_number \
    'line 3: card_number contains a NUL byte: ****4444'
all_formats encoding
no_pan encoding

# --- a card number in another column: the order fails, the field is named, the number
# is masked in what is stored and shown
{
    printf '%s\n' "$bad_hdr"
    with order_id NAME company_name "ACME 4111 1111 1111 1111 GmbH"
    with order_id STREET street "4111-1111-1111-1111"
    with order_id EMAIL email "4111111111111111@example.com"
    with order_id DESC item_description "Paid with 5555 5555 5555 4444 12/27"
    with order_id 378282246310005
    with order_id CUST customer_id 6011111111111117
    with order_id IBAN payment_method sepa_debit iban "4111 1111 1111 1111" mandate_id M-1
    with order_id SWAP payment_method card card_number 12/28 card_expiry 4111111111111111
    with order_id SKU item_sku 8111700872004845
    with order_id OK2 payment_method sepa_debit iban "DK50 0040 0440 1162 43" mandate_id M-2
} >in/fields.csv
frun fields 1 in/fields.csv
summary 10 1 9
finding fields NAME 2 CARD_NUMBER_IN_FIELD company_name \
    'line 2: company_name holds a card number'
finding fields STREET 3 CARD_NUMBER_IN_FIELD street 'line 3: street holds a card number'
finding fields EMAIL 4 CARD_NUMBER_IN_FIELD email 'line 4: email holds a card number'
finding fields DESC 5 CARD_NUMBER_IN_FIELD item_description \
    'line 5: item_description holds a card number'
finding fields '***********0005' 6 CARD_NUMBER_IN_FIELD order_id \
    'line 6: order_id holds a card number'
finding fields CUST 7 CARD_NUMBER_IN_FIELD customer_id 'line 7: customer_id holds'
finding fields IBAN 8 CARD_NUMBER_IN_FIELD iban 'line 8: iban holds a card number'
finding fields SWAP 9 CARD_NUMBER_IN_FIELD card_expiry 'line 9: card_expiry holds'
finding fields SKU 10 CARD_NUMBER_IN_FIELD item_sku 'line 10: item_sku holds'
equal "fields: invoiced" "$(sql db.sqlite 'SELECT order_id FROM invoices')" OK2
equal "fields: stored name" "$(sql db.sqlite "SELECT json_extract(data, '\$.fields.company_name')
    FROM orders WHERE order_id = 'NAME'")" "ACME **** **** **** 1111 GmbH"
equal "fields: stored description" "$(sql db.sqlite "SELECT json_extract(data,
    '\$.lines[0].item_description') FROM orders WHERE order_id = 'DESC'")" \
    "Paid with **** **** **** 4444 12/27"
all_formats fields
no_pan fields

# a retry from the stored data fails them again: the masked value is not invoiced
run_case fields-retry 1 retry --config "$cfg" --db db.sqlite --out w/out --as-of 2026-11-20 \
    --batch 1
contains last.err "retry batch 1: 10 orders: 1 invoiced, 9 failed"
equal "fields: invoiced after retry" "$(sql db.sqlite 'SELECT order_id FROM invoices')" OK2
equal "fields: CARD_NUMBER_IN_FIELD after retry" "$(sql db.sqlite "SELECT count(DISTINCT
    order_row) FROM findings WHERE code = 'CARD_NUMBER_IN_FIELD'")" 9
all_formats fields-retry
no_pan fields-retry

# the same through XML
python3 - "$SAMPLES/orders.xml" in/fields.xml <<'PY'
import re, sys
x = open(sys.argv[1], encoding="utf-8").read()
orders = re.findall(r"  <order>.*?</order>\n", x, re.S)
head, tail = x[:x.index("  <order>")], x[x.rindex("</order>") + len("</order>\n"):]
a = orders[0].replace("Müller &amp; Söhne GmbH", "Müller 4111 1111 1111 1111 GmbH")
b = orders[1].replace("ul. Piotrkowska 104", "5555-5555-5555-4444")
open(sys.argv[2], "w", encoding="utf-8").write(head + a + b + orders[2] + tail)
PY
frun xml 1 in/fields.xml
summary 3 1 2
finding xml SO-1001 3 CARD_NUMBER_IN_FIELD company_name 'line 8: company_name holds'
finding xml SO-1002 25 CARD_NUMBER_IN_FIELD street 'line 33: street holds'
all_formats xml
no_pan xml

# --- an order stored by an older version with a card number in a field (the data that
# `retry` reads): the retry fails it and stores it masked, and a second retry still fails it
{
    printf '%s\n' "$bad_hdr"
    with order_id OLD tax_id DE136695977
} >in/old.csv
frun old 1 in/old.csv
sql db.sqlite "UPDATE orders SET data = json_set(data, '\$.fields.tax_id', 'DE136695976',
    '\$.fields.company_name', 'Old 4111 1111 1111 1111') WHERE order_id = 'OLD'"
for n in 1 2; do
    run_case old-retry-$n 1 retry --config "$cfg" --db db.sqlite --out w/out \
        --as-of 2026-11-20 --batch 1
    finding old-retry-$n OLD 2 CARD_NUMBER_IN_FIELD company_name 'company_name holds'
    equal "old: invoices after retry $n" "$(sql db.sqlite 'SELECT count(*) FROM invoices')" 0
    no_pan old-retry-$n
done
equal "old: stored name" "$(sql db.sqlite "SELECT json_extract(data, '\$.fields.company_name')
    FROM orders WHERE order_id = 'OLD'")" "Old **** **** **** 1111"

# --- identifiers as people print them: IBANs in groups with dashes or dots, UnionPay's
# 14-digit and 81x numbers, Maestro's 63; and VAT numbers with only their own country's
# separators (a dotted Slovak number is no Slovak number)
{
    printf '%s\n' "$bad_hdr"
    with order_id ES payment_method sepa_debit iban ES15-0049-1806-9121-1186-9374 mandate_id M
    with order_id NO payment_method sepa_debit iban "NO. 8815944736139" mandate_id M
    with order_id BE payment_method sepa_debit iban "BE 43.4679.1170.4101" mandate_id M
    with order_id UP14 payment_method card card_number 62123456789002 card_expiry 12/28
    with order_id UP81 payment_method card card_number "8111 7008 7200 4845" card_expiry 12/28
    with order_id SKDOT country SK tax_id "SK 2022.749.619" currency EUR
    with order_id SKDASH country SK tax_id "SK 2022-749-619" currency EUR
    with order_id IBANSLASH payment_method sepa_debit iban DE89/3704/0044/0532/0130/00 \
        mandate_id M
} >in/ids.csv
frun ids 1 in/ids.csv
summary 8 6 2
finding ids SKDOT 7 TAX_ID_FORMAT tax_id '"SK 2022.749.619"'
finding ids IBANSLASH 9 IBAN_INVALID iban '"DE89/3704/0044/0532/0130/00"'
equal "ids: invoiced" "$(sql db.sqlite 'SELECT group_concat(order_id, " ") FROM
    (SELECT order_id FROM invoices ORDER BY seq)')" "ES NO BE UP14 UP81 SKDASH"
pdftotext w/out/INV-2026-000005.pdf meta/up81.txt 2>/dev/null
contains meta/up81.txt "UNIONPAY ****4845"
no_pan ids
no_pan_check
finish
