# bad_amount_signs: an invoice is never negative, in no total and at no VAT rate (issue 15,
# item 12). A discount line may lower the amounts at its rate, never below zero: lines of
# 100.00 at 0 % and -99.00 at 25 % are net +1.00 but gross -23.75 (issued before), and
# 100.00 at 0 % with -50.00 at 25 % has a positive gross but a negative VAT amount. Each
# fails with AMOUNT_NEGATIVE naming the total or the rate; a discount that keeps its rate
# positive is still invoiced.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

# line ID CUSTOMER DESCRIPTION PRICE RATE: one row of order ID
line() {
    with order_id "$1" customer_id "$2" item_description "$3" quantity 1 unit_price "$4" \
        vat_rate "$5"
}

{
    printf '%s\n' "$bad_hdr"
    line GROSSNEG C-1 Goods 100.00 0
    line GROSSNEG C-1 Refund -99.00 25
    line RATENEG C-2 Goods 100.00 0
    line RATENEG C-2 Refund -50.00 25
    line DISCOUNT C-3 Goods 100.00 25
    line DISCOUNT C-3 Discount -20.00 25
    line NETNEG C-4 Goods 10.00 19
    line NETNEG C-4 Refund -30.00 19
} >in/signs.csv
frun signs 1 in/signs.csv
summary 4 1 3
finding signs GROSSNEG 2 AMOUNT_NEGATIVE unit_price "the order's gross total is -23.75 EUR"
finding signs RATENEG 4 AMOUNT_NEGATIVE unit_price \
    "the order's lines at 25.00 % VAT add up to -50.00 EUR net, -12.50 EUR VAT"
finding signs NETNEG 8 AMOUNT_NEGATIVE unit_price "the order's net total is -20.00 EUR"
equal "invoices" "$(sql db.sqlite "SELECT group_concat(order_id || ' ' || net || ' ' || vat || ' ' || gross) FROM invoices")" \
    "DISCOUNT 8000 2000 10000"
equal "negative amounts recorded" "$(sql db.sqlite 'SELECT count(*) FROM invoices WHERE net < 0 OR vat < 0 OR gross < 0')" 0

# The dry run says the same.
expect_exit 1 "$FAKTURA" validate --config "$cfg" --as-of 2026-11-20 --format csv --report v.csv in/signs.csv
contains v.csv "the order's gross total is -23.75 EUR"
finish
