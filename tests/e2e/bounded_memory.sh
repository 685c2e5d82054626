# bounded_memory: what a batch remembers about its orders (their ids, each customer's
# accepted total and invoices, the first order of each charge) moves to a temporary file
# when it outgrows its bound in memory, and the answers stay the same. The bound is lowered
# to 16 records (FAKTURA_TEST_KEYMAP_ENTRIES) so 3,000 orders move them hundreds of times;
# the reports and the recorded outcomes must equal those of a run that never moves them.
. "$FK_SRCDIR/tests/lib/e2e.sh"
python3 - <<'PY' >orders.csv
print("order_id,order_date,customer_id,customer_type,company_name,tax_id,country,street,"
      "postal_code,city,currency,payment_method,item_sku,item_description,quantity,"
      "unit_price,vat_rate,credit_limit,exchange_rate,exchange_rate_date")
for i in range(1, 3001):
    oid = i
    if i % 50 == 0:
        oid = i - 1234 if i > 1234 else 1    # a duplicate id from far back in the batch
    cust = i % 40                             # 40 customers, 75 orders each
    price = 10 + i                           # every charge different...
    if i % 30 == 0 and i > 1000:
        price = 10 + i - 1000                # ...but these: the same as order i-1000
    limit = "20000.00" if cust < 5 else ""   # five customers run into their credit limit
    print(f"SO-{oid:06d},2026-11-18,C-{cust:03d},business,Łódź Żurawie {cust} Sp. z o.o.,"
          f"PL5260250274,PL,ul. Piotrkowska 1,90-926,Łódź,PLN,bank_transfer,SKU-1,"
          f"Dźwig budowlany,1,{price}.00,23,{limit},0.2358,2026-11-17")
PY
common="--config $SAMPLES/faktura.ini --as-of 2026-11-20 --format csv"

expect_exit 1 "$FAKTURA" validate $common --report plain.csv orders.csv
cp last.err plain.err
FAKTURA_TEST_KEYMAP_ENTRIES=16 expect_exit 1 "$FAKTURA" validate $common --report small.csv orders.csv
cmp -s plain.csv small.csv || fail "validate: reports differ when the batch memory moves to disk"
sed 's/small.csv/plain.csv/' last.err | cmp -s plain.err - ||
    fail "validate: summaries differ when the batch memory moves to disk"
for code in DUPLICATE_ORDER_ID DUPLICATE_CHARGE_SUSPECTED CREDIT_LIMIT_EXCEEDED; do
    n=$(grep -c "$code" small.csv || true)
    [ "$n" -gt 10 ] || fail "validate found $n $code (the ledger has dozens)"
done

# A run: the id set moves to disk (the rules' memory covers two chunks of 256 and stays).
expect_exit 1 "$FAKTURA" run -q $common --db plain.sqlite --out out1 --report run1.csv orders.csv
FAKTURA_TEST_KEYMAP_ENTRIES=16 expect_exit 1 "$FAKTURA" run -q $common --db small.sqlite \
    --out out2 --report run2.csv orders.csv
cmp -s run1.csv run2.csv || fail "run: reports differ when the id set moves to disk"
q="SELECT o.order_id || ' ' || o.status || ' ' || coalesce(i.number, '') FROM orders o
   LEFT JOIN invoices i ON i.order_id = o.order_id ORDER BY o.id, i.number"
sql plain.sqlite "$q" >outcomes1.txt
sql small.sqlite "$q" >outcomes2.txt
cmp -s outcomes1.txt outcomes2.txt || fail "run: outcomes differ when the id set moves to disk"
[ "$(grep -c DUPLICATE_ORDER_ID run2.csv)" -gt 10 ] || fail "run found too few DUPLICATE_ORDER_ID"
finish
