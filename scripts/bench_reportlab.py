#!/usr/bin/python3
# bench_reportlab.py -- the comparison for scripts/bench: the same invoices with ReportLab.
#
#   bench_reportlab.py ORDERS.csv OUTDIR N
#
# Renders the first N orders of a faktura CSV ledger (valid orders, as scripts/bench
# generates them) as one-page A4 invoices with ReportLab's canvas API (the fast way to use
# it): the same blocks as faktura's layout (title, invoice data, seller and buyer, line
# table, VAT summary, totals, payment), DejaVu Sans regular and bold embedded as subsets,
# page compression on, invariant mode (no date, fixed ID). Amounts are computed with
# Decimal, rounded half up per line and per VAT rate like faktura. Only the rendering loop
# is timed (writing the files included; reading the CSV not).
#
# Prints one line: "<invoices> <wall seconds> <CPU seconds> <median bytes> <mean bytes>".
# Debian 12: python3-reportlab, fonts-dejavu-core.
import csv
import os
import statistics
import sys
import time
from decimal import Decimal, ROUND_HALF_UP

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
SELLER = ["Faktura Demo GmbH", "Friedrichstraße 123", "10117 Berlin", "DE",
          "USt-IdNr.: DE123456788"]
LABELS = {
    "de": ("Rechnung", "Rechnungsnummer", "Rechnungsdatum", "Fällig am", "Verkäufer",
           "Rechnungsempfänger", "Beschreibung", "Menge", "Einzelpreis", "USt. %",
           "Nettobetrag", "Summe netto", "Umsatzsteuer", "Gesamtbetrag", "Zahlung"),
    "pl": ("Faktura VAT", "Numer faktury", "Data wystawienia", "Termin płatności",
           "Sprzedawca", "Nabywca", "Nazwa towaru lub usługi", "Ilość", "Cena jedn. netto",
           "VAT %", "Wartość netto", "Razem netto", "Razem VAT", "Do zapłaty", "Płatność"),
    "nb": ("Faktura", "Fakturanummer", "Fakturadato", "Forfallsdato", "Selger", "Kjøper",
           "Beskrivelse", "Antall", "Enhetspris", "MVA %", "Nettobeløp", "Sum eks. mva",
           "MVA", "Totalt inkl. mva", "Betaling"),
    "en": ("Invoice", "Invoice number", "Issue date", "Due date", "Seller", "Buyer",
           "Description", "Qty", "Unit price", "VAT %", "Net amount", "Total excl. VAT",
           "VAT", "Total incl. VAT", "Payment"),
}
CENT = Decimal("0.01")


def orders(path, limit):
    with open(path, newline="", encoding="utf-8-sig") as f:
        cur, rows = None, []
        for row in csv.DictReader(f):
            if cur is not None and row["order_id"] != cur:
                yield rows
                limit -= 1
                if limit == 0:
                    return
                rows = []
            cur = row["order_id"]
            rows.append(row)
        if rows and limit:
            yield rows


def money(v):
    return "{:,.2f}".format(v)


def render(c, rows, number):
    o = rows[0]
    lang = o.get("language") or "en"
    L = LABELS.get(lang, LABELS["en"])
    w, h = A4
    left, right = 50, w - 50
    y = h - 64
    c.setFillColorRGB(0.11, 0.25, 0.45)
    c.setFont("DejaVuSans-Bold", 20)
    c.drawString(left, y, L[0])
    c.setFillColorRGB(0.08, 0.08, 0.10)
    c.setFont("DejaVuSans", 8.5)
    y -= 26
    for label, value in ((L[1], number), (L[2], "20.11.2026"), (L[3], "04.12.2026")):
        c.drawString(left, y, label)
        c.drawString(left + 110, y, value)
        y -= 11
    y -= 14
    c.setFont("DejaVuSans-Bold", 7.5)
    c.drawString(left, y, L[4])
    c.drawString(w / 2, y, L[5])
    buyer = [o["company_name"], o["street"], o["postal_code"] + " " + o["city"],
             o["country"], o["tax_id"]]
    c.setFont("DejaVuSans", 8.5)
    for a, b in zip(SELLER, buyer):
        y -= 11
        c.drawString(left, y, a)
        c.drawString(w / 2, y, b)
    y -= 28
    c.setFillColorRGB(0.92, 0.93, 0.95)
    c.rect(left - 4, y - 4, right - left + 8, 14, stroke=0, fill=1)
    c.setFillColorRGB(0.08, 0.08, 0.10)
    c.setFont("DejaVuSans-Bold", 7.5)
    c.drawString(left, y, "#")
    c.drawString(left + 20, y, L[6])
    for x, label in ((350, L[7]), (420, L[8]), (470, L[9]), (right, L[10])):
        c.drawRightString(x, y, label)
    c.setFont("DejaVuSans", 8.5)
    vat = {}
    net_total = Decimal(0)
    for i, r in enumerate(rows, 1):
        qty, price = Decimal(r["quantity"]), Decimal(r["unit_price"])
        net = (qty * price).quantize(CENT, ROUND_HALF_UP)
        rate = Decimal(r["vat_rate"])
        vat[rate] = vat.get(rate, Decimal(0)) + net
        net_total += net
        y -= 18
        c.drawRightString(left + 10, y, str(i))
        c.drawString(left + 20, y, r["item_description"])
        c.drawRightString(350, y, str(qty))
        c.drawRightString(420, y, money(price))
        c.drawRightString(470, y, str(rate))
        c.drawRightString(right, y, money(net))
        c.setFont("DejaVuSans", 7)
        c.drawString(left + 20, y - 9, "SKU: " + r["item_sku"])
        c.setFont("DejaVuSans", 8.5)
        c.setStrokeColorRGB(0.78, 0.80, 0.83)
        c.line(left - 4, y - 13, right + 4, y - 13)
    y -= 36
    vat_total = Decimal(0)
    for rate in sorted(vat):
        v = (vat[rate] * rate / 100).quantize(CENT, ROUND_HALF_UP)
        vat_total += v
        c.drawRightString(400, y, "%s %%" % rate)
        c.drawRightString(470, y, money(vat[rate]))
        c.drawRightString(right, y, money(v))
        y -= 12
    y -= 8
    cur = o["currency"]
    for k, (label, v) in enumerate(((L[11], net_total), (L[12], vat_total),
                                    (L[13], net_total + vat_total))):
        c.setFont("DejaVuSans-Bold" if k == 2 else "DejaVuSans", 10 if k == 2 else 8.5)
        c.drawRightString(430, y, label)
        c.drawRightString(right, y, "%s %s" % (money(v), cur))
        y -= 13
    y -= 16
    c.setFont("DejaVuSans-Bold", 9.5)
    c.drawString(left, y, L[14])
    c.setFont("DejaVuSans", 8.5)
    y -= 12
    c.drawString(left, y, "IBAN DE89370400440532013000   BIC COBADEFFXXX   " + number)
    c.setFont("DejaVuSans", 7.5)
    c.drawRightString(right, 28, "1 / 1")


def main():
    path, outdir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pdfmetrics.registerFont(TTFont("DejaVuSans", os.path.join(FONT_DIR, "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVuSans-Bold",
                                   os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf")))
    os.makedirs(outdir, exist_ok=True)
    todo = list(orders(path, n))
    sizes = []
    t0, c0 = time.perf_counter(), time.process_time()
    for i, rows in enumerate(todo, 1):
        number = "INV-2026-%06d" % i
        out = os.path.join(outdir, number + ".pdf")
        c = canvas.Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
        render(c, rows, number)
        c.showPage()
        c.save()
        sizes.append(os.path.getsize(out))
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(len(todo), "%.3f" % secs, "%.3f" % cpu, int(statistics.median(sizes)),
          "%.0f" % statistics.mean(sizes))


if __name__ == "__main__":
    main()
