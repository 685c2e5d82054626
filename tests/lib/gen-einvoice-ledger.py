#!/usr/bin/env python3
"""gen-einvoice-ledger.py SELLER OUTDIR [SELLER OUTDIR]... -- a ledger and config for
tests/e2e/einvoice_ledger.sh (several in one process: a python3 start is what it costs).

One seller (DE, NO or PL) and orders that cover every VAT category faktura writes (S, Z,
E, AE, K, G, O), several currencies, the four languages, business and consumer buyers,
the three payment means, delivery dates and periods; each order asks (column einvoice)
for the formats its data allows. Writes OUTDIR/faktura.ini and OUTDIR/orders.csv; prints the
number of orders."""
import csv, sys

SELLERS = {
    "DE": dict(name="Faktura Demo GmbH", street="Friedrichstraße 123", postal_code="10117",
               city="Berlin", country="DE", vat_id="DE123456788",
               iban="DE89370400440532013000", bic="COBADEFFXXX", legal_id="HRB 12345 B",
               extra="creditor_id = DE98ZZZ09999999999\n",
               b2b="xrechnung-ubl,xrechnung-cii,facturx,ubl,cii,peppol", b2c="facturx,ubl,cii",
               cur="EUR"),
    "NO": dict(name="Nordlys Faktura AS", street="Storgata 1", postal_code="0155", city="Oslo",
               country="NO", vat_id="NO974760673MVA", iban="NO9386011117947", bic="DNBANOKK",
               legal_id="", extra="tax_registration = Foretaksregisteret\n",
               b2b="peppol,ubl,cii,facturx", b2c="ubl,cii,facturx", cur="NOK"),
    "PL": dict(name="Sprzedawca Sp. z o.o.", street="ul. Długa 1", postal_code="00-238",
               city="Warszawa", country="PL", vat_id="PL5260250274",
               iban="PL61109010140000071219812874", bic="BPKOPLPW", legal_id="KRS 0000123456",
               extra="", b2b="peppol,ubl,cii,facturx", b2c="ubl,cii,facturx", cur="PLN"),
}
cols = ["order_id", "order_date", "customer_type", "company_name", "tax_id", "country",
        "street", "postal_code", "city", "email", "language", "currency", "payment_method",
        "card_number", "card_expiry", "iban", "mandate_id", "item_sku", "item_description",
        "quantity", "unit_price", "vat_rate", "vat_category", "vat_exemption_reason",
        "vat_exemption_code", "unit", "supply_type", "delivery_date", "period_start",
        "period_end", "buyer_reference", "order_reference", "exchange_rate",
        "exchange_rate_date", "buyer_endpoint", "einvoice"]
BUYERS = {
    "DE": ("Müller & Söhne GmbH", "DE136695976", "DE", "Hauptstraße 5", "80331", "München", "de"),
    "NO": ("Bjørnstad Ærø AS", "NO974760673MVA", "NO", "Storgata 9", "0155", "Oslo", "nb"),
    "PL": ("Łódź Żurawie Sp. z o.o.", "PL5260250274", "PL", "ul. Piotrkowska 104", "90-926",
           "Łódź", "pl"),
    "AT": ("Wiener Werkstätten GmbH", "ATU13585627", "AT", "Mariahilfer Straße 10", "1060",
           "Wien", "de"),
    "US": ("Acme Corp.", "", "US", "1 Main St", "10001", "New York", "en"),
    "FR": ("Société Générale des Fromages SA", "FR40303265045", "FR", "12 rue de Rivoli",
           "75004", "Paris", "en"),
}


def config(seller, s):
    """faktura.ini of SELLER"""
    return f"""[seller]
name = {s['name']}
street = {s['street']}
postal_code = {s['postal_code']}
city = {s['city']}
country = {s['country']}
vat_id = {s['vat_id']}
iban = {s['iban']}
bic = {s['bic']}
email = billing@faktura.example
contact_name = Erika Muster
phone = +47 22 12 34 56
{('legal_id = ' + s['legal_id']) if s['legal_id'] else ''}
{s['extra']}
[invoice]
payment_reference = {'kid' if seller == 'NO' else 'rf'}

[einvoice]
formats = ubl
"""


def ledger(seller, out):
    """OUT/faktura.ini and OUT/orders.csv of SELLER"""
    s = SELLERS[seller]
    with open(f"{out}/faktura.ini", "w") as f:
        f.write(config(seller, s))
    rows = []
    n = 0

    def order(buyer, lines, consumer=False, cur=None, pay="bank_transfer", lang=None, fmt=None,
              period=False, rate=None, endpoint=""):
        nonlocal n
        n += 1
        name, vat, cc, street, pc, city, blang = BUYERS[buyer]
        if consumer:
            name = {"DE": "Jürgen Groß", "NO": "Ola Nordmann", "PL": "Maria Nowak"}.get(cc, name)
            vat = ""
        cur = cur or s["cur"]
        fmt = fmt if fmt is not None else (s["b2c"] if consumer else s["b2b"])
        for (desc, qty, price, vat_rate, cat, reason, code, unit) in lines:
            rows.append({
                "order_id": f"E{seller}-{n:03d}", "order_date": "2026-11-18",
                "customer_type": "consumer" if consumer else "business", "company_name": name,
                "tax_id": vat, "country": cc, "street": street, "postal_code": pc, "city": city,
                "email": "buyer@example.com", "language": lang or blang, "currency": cur,
                "payment_method": pay,
                "card_number": "4111 1111 1111 1111" if pay == "card" else "",
                "card_expiry": "12/29" if pay == "card" else "",
                "iban": "DE89370400440532013000" if pay == "sepa_debit" else "",
                "mandate_id": "MNDT-77" if pay == "sepa_debit" else "",
                "item_sku": f"SKU-{n}", "item_description": desc, "quantity": qty,
                "unit_price": price, "vat_rate": vat_rate, "vat_category": cat,
                "vat_exemption_reason": reason, "vat_exemption_code": code, "unit": unit,
                "supply_type": "services" if unit == "HUR" else "",
                "delivery_date": "" if period else "2026-11-17",
                "period_start": "2026-10-01" if period else "",
                "period_end": "2026-10-31" if period else "",
                "buyer_reference": "04011000-1234512345-06", "order_reference": f"PO-{n}",
                "exchange_rate": rate or "", "exchange_rate_date": "2026-11-17" if rate else "",
                "buyer_endpoint": endpoint, "einvoice": fmt})

    std = {"DE": "19", "NO": "25", "PL": "23"}[seller]
    red = {"DE": "7", "NO": "15", "PL": "8"}[seller]
    dom = seller
    # S at two rates, with a fractional quantity and hours
    order(dom, [("Widget Größe L", "10", "12.50", std, "", "", "", "C62"),
                ("Beratung", "2.5", "120.00", std, "", "", "", "HUR"),
                ("Fachbuch", "2", "39.90", red, "", "", "", "C62")])
    # Z, E next to S
    order(dom, [("Zero-rated export goods", "1", "100.00", "0", "Z", "", "", "C62"),
                ("Service", "1", "50.00", std, "", "", "", "C62")], pay="card")
    order(dom, [("Kurs (steuerfrei)", "1", "300.00", "0", "E", "Art. 132 (1)(i) VAT Directive",
                 "VATEX-EU-132-1I", "C62")], period=True)
    # intra-Community supply (K) and reverse charge (AE) to an EU business
    if seller != "NO":
        order("AT", [("Maschine", "1", "1000.00", "0", "", "", "", "C62")],
              endpoint="9914:ATU13585627")
        order("FR", [("Montage", "8", "95.00", "0", "AE", "", "", "HUR")], lang="en",
              endpoint="9957:FR40303265045")
    # export (G)
    order("US", [("Export widget", "3", "20.00", "0", "G", "", "", "C62")], lang="en", consumer=True,
          cur="EUR" if seller != "DE" else "USD", rate={"DE": "0.92", "NO": "11.50", "PL": "4.30"}[seller])
    # outside the scope (O): alone on its invoice (BR-O-11)
    order(dom, [("Spende", "1", "25.00", "0", "O", "Not subject to VAT", "", "C62")])
    # consumers, every payment means, the four languages
    order(dom, [("Geschenk", "1", "49.99", std, "", "", "", "C62")], consumer=True, pay="card")
    order(dom, [("Abo", "1", "9.99", std, "", "", "", "MON")], consumer=True, lang="en")
    if seller == "DE":
        order(dom, [("Lastschrift", "1", "59.00", std, "", "", "", "C62")], pay="sepa_debit")
    # another currency than the seller's
    order(dom, [("Lizenz", "1", "250.00", std, "", "", "", "C62")],
          cur={"DE": "PLN", "NO": "EUR", "PL": "EUR"}[seller],
          rate={"DE": "0.23", "NO": "11.50", "PL": "4.30"}[seller], lang="en")
    # a buyer endpoint given as a GLN
    order(dom, [("Kabel", "100", "0.35", std, "", "", "", "MTR")], endpoint="0088:4035811991021")

    with open(f"{out}/orders.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    print(n)


for i in range(1, len(sys.argv), 2):
    ledger(sys.argv[i], sys.argv[i + 1])
