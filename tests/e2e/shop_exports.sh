# shop_exports: the shipped Shopify and WooCommerce sample exports (samples/*-orders.csv)
# invoiced through the built-in profiles (issue 20): every order's outcome as expected,
# every invoice's gross total equal to the shop's Total, the PDFs read back for the paid,
# cash-on-delivery and bank-transfer wording, paid invoices recorded as paid, and
# --show-mapping naming the source columns.
. "$FK_SRCDIR/tests/lib/e2e.sh"

for shop in shopify woocommerce; do
    expect_exit 1 "$FAKTURA" run --config "$SAMPLES/shop.ini" --profile $shop \
        --db $shop.db --out $shop --as-of 2026-11-18 "$SAMPLES/$shop-orders.csv"
    # outcomes and codes, in input order
    sql $shop.db "SELECT o.order_id || ',' || o.status || ',' || COALESCE((SELECT group_concat(code, ';')
                  FROM findings f WHERE f.order_row = o.id), '') FROM orders o ORDER BY o.id" >got.csv
    grep "^$shop," "$FK_SRCDIR/tests/data/shop-expected.csv" | cut -d, -f2-4 >want.csv
    diff -u want.csv got.csv >diff.txt || fail "$shop outcomes: $(cat diff.txt)"
    # every invoice's gross total is the shop's Total, to the cent
    sql $shop.db "SELECT order_id || ',' || printf('%d.%02d', gross / 100, gross % 100)
                  FROM invoices ORDER BY seq" >gross.csv
    grep "^$shop,[^,]*,invoiced," "$FK_SRCDIR/tests/data/shop-expected.csv" | cut -d, -f2,5 >want.csv
    diff -u want.csv gross.csv >diff.txt || fail "$shop gross totals: $(cat diff.txt)"
    equal "$shop invoices" "$(wc -l <gross.csv)" "$(wc -l <want.csv)"
done

pdf() { # pdf DB ORDER_ID: the order's invoice as text
    case $1 in */*) dir=${1%/*} ;; *) dir=. ;; esac # dirname
    pdftotext -layout "$dir/${1%.db}/$(sql "$1" "SELECT pdf_name FROM invoices WHERE order_id = '$2'")" -
}

# Shopify #1001: Shopify Payments, paid; two rates, shipping and discount split per rate
pdf shopify.db '#1001' >t.txt
contains_all t.txt "Bezahlt am 16.11.2026 über Shopify Payments (rT4kQ8vLm2XbN7cWp1Zs9DfGh)." \
    "Offener Betrag: 0,00 EUR" "Gesamtbetrag (brutto)                 64,60 EUR" "Discount WILLKOMMEN10"
not_contains_any t.txt "Bitte überweisen" "Fällig am"
# #1004: Przelewy24, Polish invoice
pdf shopify.db '#1004' >t.txt
contains_all t.txt "Zapłacono" "przez Przelewy24"
# #1007: cash on delivery (pending in the shop): invoiced, says so, no transfer
pdf shopify.db '#1007' >t.txt
contains t.txt "Nachnahme"
not_contains t.txt "Bitte überweisen"
# #1005: a bank deposit the shop marked paid (Polish buyer): paid on the day it arrived
pdf shopify.db '#1005' >t.txt
contains t.txt "Zapłacono 17.11.2026."
not_contains t.txt "IBAN"
# WooCommerce 4713: bacs, on-hold: a transfer is asked for
pdf woocommerce.db 4713 >t.txt
contains t.txt "IBAN"
not_contains t.txt "Offener Betrag: 0,00"
# WooCommerce 4717: the COD fee is a line of its own
pdf woocommerce.db 4717 >t.txt
contains_all t.txt "Nachnahmegebühr" "Nachnahme)."

# Paid invoices are recorded as paid (never open or overdue); COD and transfers are not.
equal "shopify paid" "$(sql shopify.db "SELECT group_concat(i.order_id, ' ') FROM invoices i JOIN payments p
       ON p.invoice_number = i.number AND p.amount = i.gross ORDER BY i.seq")" \
      "#1001 #1002 #1003 #1004 #1005 #1008 #1009"
equal "woocommerce open" "$(sql woocommerce.db "SELECT group_concat(order_id, ' ') FROM invoices
       WHERE number NOT IN (SELECT invoice_number FROM payments) ORDER BY seq")" "4713 4717"

# --show-mapping: each field with its source column and value, then the amounts
expect_exit 0 "$FAKTURA" validate --config "$SAMPLES/shop.ini" --profile shopify --show-mapping \
    --as-of 2026-11-18 "$SAMPLES/shopify-orders.csv"
contains_all last.out 'tax_id                 = "DE136695976"  <- Note Attributes[vat_number]' \
    'company_name           = "Anna Schröder"  <- Billing Company || Billing Name' \
    "totals: net 57.76, VAT 6.84, gross 64.60 EUR (the shop's total 64.60)"

# An unknown profile is a usage error naming the built-in ones
expect_exit 2 "$FAKTURA" validate --profile shopfiy "$SAMPLES/shopify-orders.csv"
contains last.err 'did you mean shopify?'
# The Shopify export without its profile: every missing column named, uncut, with a hint
expect_exit 3 "$FAKTURA" validate "$SAMPLES/shopify-orders.csv"
contains_all last.err "payment_method (did you mean 'Payment Method'?)" "vat_rate"
finish
