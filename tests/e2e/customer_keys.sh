# customer_keys: who the customer is (customer_id, else VAT number, else the normalised
# name) is compared in full. The key was cut at 159 bytes (the name at 126): two customers
# whose ids share their first 156 bytes, or whose Greek names share 63 letters, were one
# customer to the rules (false duplicate-charge holds, pooled credit and rate limits).
. "$FK_SRCDIR/tests/lib/e2e.sh"
{ cat "$SAMPLES/faktura.ini"; printf '[thresholds]\ninvoices_per_customer_per_day = 1\n'; } >rate.ini
python3 - <<'PY' >orders.csv
head = ("order_id,order_date,customer_id,customer_type,company_name,tax_id,country,street,"
        "postal_code,city,currency,payment_method,item_sku,item_description,quantity,"
        "unit_price,vat_rate")
print(head)
long_id = "C" * 156
greek = "Α" * 63                      # 126 bytes of UTF-8
rows = [
    # two customers by id, sharing 156 bytes
    ("ID-1", long_id + "A", "business", "Alpha GmbH", "DE136695976"),
    ("ID-2", long_id + "B", "business", "Alpha GmbH", "DE136695976"),
    # the same long id twice: one customer, the rate limit holds the second order
    ("ID-3", long_id + "Z", "business", "Alpha GmbH", "DE136695976"),
    ("ID-4", long_id + "Z", "business", "Alpha GmbH", "DE136695976"),
    # two consumers by name, sharing 63 Greek letters
    ("NM-1", "", "consumer", greek + "Β", ""),
    ("NM-2", "", "consumer", greek + "Γ", ""),
    # the same long name twice (spaces and punctuation aside): one customer
    ("NM-3", "", "consumer", greek + "Δ ΕΕ", ""),
    ("NM-4", "", "consumer", greek + "Δ  ΕΕ.", ""),
]
for oid, cid, typ, name, tax in rows:
    print(f"{oid},2026-11-18,{cid},{typ},{name},{tax},DE,Hauptstr. 1,10115,Berlin,EUR,"
          f"bank_transfer,SKU-1,Beratung {oid},1,100.00,19")
PY
expect_exit 1 "$FAKTURA" validate --config rate.ini --as-of 2026-11-20 --format csv \
    --report out.csv orders.csv
not_contains_any out.csv '"ID-1"' '"ID-2"' '"ID-3"' '"NM-1"' '"NM-2"' '"NM-3"'
contains_all out.csv '"ID-4","orders.csv","5","held"' '"NM-4","orders.csv","9","held"'
equal "held" "$(grep -c RATE_LIMIT_EXCEEDED out.csv)" 2
finish
