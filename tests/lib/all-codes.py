#!/usr/bin/env python3
"""all-codes.py -- a ledger in which every finding code of faktura occurs at least once
(tests/e2e/codes_coverage.sh). Writes ledger.csv, changed.csv (for the second batch) and
prints nothing."""
H = ["order_id", "order_date", "customer_id", "customer_type", "company_name", "tax_id",
     "country", "currency", "payment_method", "card_number", "card_expiry", "iban", "bic",
     "mandate_id", "item_sku", "item_description", "quantity", "unit_price", "vat_rate",
     "credit_limit", "dispute_status", "dispute_opened", "vat_category",
     "vat_exemption_reason", "vat_exemption_code", "supply_type", "unit", "split_payment",
     "delivery_date", "period_start", "period_end", "exchange_rate", "exchange_rate_date"]

def row(oid, **kw):
    r = {"order_id": oid, "order_date": "2026-11-18", "customer_id": "C-" + oid,
         "customer_type": "business", "company_name": "Muster GmbH", "tax_id": "DE136695976",
         "country": "DE", "currency": "EUR", "payment_method": "bank_transfer",
         "item_sku": "S", "item_description": "Ware", "quantity": "1", "unit_price": "100.00",
         "vat_rate": "19"}
    r.update(kw)
    return r

rows = [
    row("OK-1"),                                            # invoiced, re-run later
    row("OK-2"),                                            # changed in the second batch
    row("ROW-SHORT"),                                       # made short below
    row("ENC", company_name="Bad \udcff GmbH"),
    row("LONG", item_description="x" * 1100),
    row(""),
    row("I" * 250),
    row("OK-1-DUP"), row("INCONS"), row("INCONS", currency="PLN"),
    row("NAME-MISSING", company_name=""),
    row("NAME-INVALID", company_name="12345"),
    row("TYPE", customer_type="government"),
    row("COUNTRY-MISSING", country=""),
    row("COUNTRY-UNKNOWN", country="QQ"),
    row("TAX-MISSING", tax_id=""),
    row("TAX-FORMAT", tax_id="DE12345"),
    row("TAX-CHECK", tax_id="DE136695977"),
    row("TAX-MISMATCH", tax_id="FR40303265045"),
    row("TAX-UNSUPPORTED", country="US", tax_id="US123456789"),
    row("PAY-MISSING", payment_method=""),
    row("PAY-UNKNOWN", payment_method="cash"),
    row("CARD-INVALID", payment_method="card", card_number="4111111111111112", card_expiry="12/30"),
    row("CARD-EXPIRED", payment_method="card", card_number="4111111111111111", card_expiry="01/20"),
    row("CARD-BRAND", payment_method="card", card_number="9000000000000001", card_expiry="12/30"),
    row("IBAN", payment_method="sepa_debit", iban="DE89370400440532013001", mandate_id="M1"),
    row("BIC", payment_method="sepa_debit", iban="DE89370400440532013000", bic="BNPAFRPP", mandate_id="M1"),
    row("MANDATE", payment_method="sepa_debit", iban="DE89370400440532013000"),
    row("CARD-IN-FIELD", company_name="Muster 4111 1111 1111 1111 GmbH"),
    row("CUR-MISSING", currency=""),
    row("CUR-UNKNOWN", currency="EUX"),
    row("AMT-INVALID", unit_price="1e5"),
    row("AMT-PRECISION", unit_price="1.234"),
    row("AMT-OVERFLOW", quantity="999999999", unit_price="99999999999.99"),
    row("QTY", quantity="-1"),
    row("VAT", vat_rate="101"),
    row("DATE-INVALID", order_date="2026-02-30"),
    row("DATE-FUTURE", order_date="2027-01-01"),
    row("DESC", item_description=""),
    row("NEG", unit_price="10.00"), row("NEG", unit_price="-20.00"),
    row("DUP-A", customer_id="C-DUP", order_date="2026-11-18T08:00:00"),
    row("DUP-B", customer_id="C-DUP", order_date="2026-11-18T09:00:00"),
    row("MIN", unit_price="1.00"),
    row("MAX", unit_price="6000.00", credit_limit="100000.00"),
    row("CREDIT", unit_price="2000.00", credit_limit="1000.00"),
    row("RATE-1", customer_id="C-RATE", item_sku="1"),
    row("RATE-2", customer_id="C-RATE", item_sku="2"),
    row("RATE-3", customer_id="C-RATE", item_sku="3"),
    row("RATE-4", customer_id="C-RATE", item_sku="4"),
    row("HOLD", order_date="2026-11-20T10:00:00"),
    row("OVERDUE", customer_id="C-OLD"),
    row("DISPUTE-OPEN", dispute_status="open", dispute_opened="2026-11-10"),
    row("DISPUTE-LOST", dispute_status="lost"),
    row("DISPUTE-BAD", dispute_status="maybe"),
    row("HUGE", unit_price="92233720368547758.07", vat_rate="0",   # > the largest invoice
        vat_category="Z"),
    row("VATCAT-INVALID", vat_category="X"),
    row("VATCAT-MISMATCH", vat_category="S", vat_rate="0"),
    row("VATCAT-MISSING", vat_rate="0"),                    # 0 %, domestic: which one?
    row("EXEMPT", vat_category="E", vat_rate="0"),          # without a reason
    row("FX-MISSING", currency="PLN"),                      # the seller accounts in EUR
    row("FX-INVALID", currency="PLN", exchange_rate="4.3.1", exchange_rate_date="2026-11-17"),
    row("UNIT", unit="PCS"),
    row("DELIVERY", delivery_date="2026-13-01"),
    row("SUPPLY", supply_type="both"),
    row("SPLIT", split_payment="maybe"),
    row("RENDERME"),                                              # fails by injection
]
rows.insert(8, row("OK-1"))  # not adjacent to the first OK-1: a duplicate id in the batch

def write(path, rs, short=None):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(",".join(H) + "\n")
        for r in rs:
            vals = [str(r.get(h, "")) for h in H]
            line = ",".join(vals)
            if r["order_id"] == short:
                line = ",".join(vals[:5])
            f.write(line + "\n")

write("ledger.csv", rows, short="ROW-SHORT")
write("changed.csv", [row("OK-1"), row("OK-2", unit_price="101.00")])
write("old.csv", [row("OLD", customer_id="C-OLD", order_date="2026-08-01")])
