#!/usr/bin/env python3
"""gen-orders.py N [first] -- N simple valid one-line orders (CSV on stdout) for the state
tests: every one is invoiced, ids SO-<first>.., deterministic."""
import sys
n = int(sys.argv[1])
first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
# PLN invoices of a seller accounting in EUR (samples/faktura.ini) show their VAT in EUR
# too: the exchange rate and its date are part of a valid order.
print("order_id,order_date,customer_type,company_name,tax_id,country,street,postal_code,city,"
      "currency,payment_method,item_sku,item_description,quantity,unit_price,vat_rate,"
      "exchange_rate,exchange_rate_date")
for i in range(first, first + n):
    print(f"SO-{i:06d},2026-11-18,business,Łódź Żurawie {i} Sp. z o.o.,PL5260250274,PL,"
          f"ul. Piotrkowska {i % 200},90-926,Łódź,PLN,bank_transfer,SKU-{i % 97},"
          f"Dźwig budowlany {i},{1 + i % 5},{10 + i % 1000}.{i % 100:02d},23,0.2358,2026-11-17")
