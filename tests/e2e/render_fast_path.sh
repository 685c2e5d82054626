# render_fast_path: the PDFs of the bundled samples, as `faktura run` writes them with the
# build's default fonts (cmake/Fonts.cmake), checked for what issue 9 changed: every
# invoice is drawn with single-byte encodings (no CID font, so poppler has nothing to
# warn about), every font is an embedded subset, a one-page invoice stays small, dates
# follow the language, and a second run into another database and directory writes
# byte-identical files. And for issue 6: the printed figures of every invoice add up,
# read back from the PDF (line amounts = taxable amounts, VAT per rate = VAT total,
# net + VAT = gross), whatever the language's number format.
. "$FK_SRCDIR/tests/lib/e2e.sh"

run() { # run DB OUTDIR
    "$FAKTURA" run -q --config "$SAMPLES/faktura.ini" --db "$1" --out "$2" \
        --as-of 2026-11-20 "$SAMPLES/orders.csv"
}

expect_exit 1 run a.db a
expect_exit 1 run b.db b

# Each PDF: qpdf --check (its structure: xref, objects, streams). Then all 20 PDFs' pages
# in one file (qpdf --pages copies each page's content, resources, font dictionaries and
# embedded fonts as they are, one page per invoice) for one pdffonts (each PDF's fonts
# listed) and one pdftotext -bbox: its words of page N are byte for byte those of the Nth
# PDF alone (split below into INV-....html for the sums), and its warnings (the plain text
# mode prints alike) are the pages' content and fonts'. What they say is checked below,
# in one python.
for f in a/*.pdf; do
    qpdf --check "$f" >/dev/null 2>&1 || fail "qpdf --check ${f#a/}"
done
qpdf --empty --pages a/*.pdf -- all-pages.pdf 2>qpdf.err || fail "qpdf --pages: $(cat qpdf.err)"
pdffonts all-pages.pdf >fonts.txt 2>&1 || fail "pdffonts of all the PDFs' pages"
pdftotext -bbox all-pages.pdf all-pages.html 2>all-pages.warn

# Dates in the buyer's language: SO-1001 German, SO-1002 Polish, SO-1006 English.
pdftotext -layout a/INV-2026-000001.pdf de.txt 2>/dev/null
contains_all de.txt "Rechnungsdatum" "20.11.2026"
pdftotext -layout a/INV-2026-000002.pdf pl.txt 2>/dev/null
contains_all pl.txt "Łódź Żurawie Sp. z o.o." "20.11.2026"
not_contains pl.txt "2026-11-20"
en=$(sql a.db "SELECT number FROM invoices WHERE order_id = 'SO-1006'")

# The figures add up. Words come from pdftotext -bbox; words on one line closer than a
# wide space are one token, so "1 250,00" (Polish grouping) stays one amount.
cat >sums.py <<'PY'
import re, sys
from fractions import Fraction
from xml.sax.saxutils import unescape
def lines(path):
    rows = {}
    word = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>'
    for m in re.finditer(word, open(path, encoding="utf-8").read()):
        x0, y, x1, w = float(m.group(1)), round(float(m.group(2))), float(m.group(3)), m.group(4)
        rows.setdefault(y, []).append((x0, x1, unescape(w)))
    for y in sorted(rows):
        toks = []
        for x0, x1, w in sorted(rows[y]):
            if toks and x0 - toks[-1][1] < 3.6:
                toks[-1] = (toks[-1][0], x1, toks[-1][2] + " " + w)
            else:
                toks.append((x0, x1, w))
        yield toks
def amount(tok):
    tok = re.sub(r" [A-Z]{3}$", "", tok)
    if not re.fullmatch(r"-?\d{1,3}([ .,]\d{3})*([.,]\d{1,3})?", tok):
        raise ValueError("not an amount: " + tok)
    return int(re.sub(r"\D", "", tok)) * (-1 if tok.startswith("-") else 1)
bad = 0
for path in sys.argv[1:]:
    items, taxable, vat, totals, rate = [], [], [], [], None
    for toks in lines(path):
        words = [t[2] for t in toks]
        text = " ".join(words)
        m = re.search(r"1 [A-Z]{3} = (\d+)[.,](\d+) [A-Z]{3} \(", text)
        if m:
            rate = Fraction(int(m.group(1) + m.group(2)), 10 ** len(m.group(2)))
        elif len(toks) >= 5 and re.fullmatch(r"\d+", words[0]) and toks[0][0] < 90:
            items.append(amount(words[-1]))
        elif len(toks) == 3 and words[0].endswith("%"):
            taxable.append(amount(words[1]))
            vat.append(amount(words[2]))
        elif len(toks) >= 2 and re.search(r"\d [A-Z]{3}$", words[-1]):
            totals.append(amount(words[-1]))
    # An invoice in another currency than the seller's (EUR) adds its VAT in EUR: per
    # breakdown, VAT x rate rounded half away from zero, summed (issue 17).
    ok = (items and len(totals) == (4 if rate else 3) and sum(items) == sum(taxable) == totals[0]
          and sum(vat) == totals[1] and totals[0] + totals[1] == totals[2])
    if ok and rate:
        ok = totals[3] == sum(int(v * rate + Fraction(1, 2)) for v in vat)
    if not ok:
        bad += 1
        print("%s: items %s, taxable %s, vat %s, totals %s" % (path, items, taxable, vat, totals))
sys.exit(1 if bad else 0)
PY
# One python for what the tools said of every PDF, and sums.py on every invoice's words.
python3 - <<'PY' >pdfs.out 2>&1 || fail "$(cat pdfs.out)"
import glob, os, re, runpy, sys
pdfs = sorted(glob.glob("a/*.pdf"))
bad = []
if len(pdfs) != 20:
    bad.append("PDF files: got '%d', expected '20'" % len(pdfs))
html = open("all-pages.html", encoding="utf-8").read()
pages = re.findall(r"<page .*?</page>", html, re.S)
if len(pages) != len(pdfs):
    bad.append("%d pages in the %d PDFs: each invoice should be one page" % (len(pages), len(pdfs)))
for f, page in zip(pdfs, pages):
    name = os.path.basename(f)
    if not os.path.exists("b/" + name) or open(f, "rb").read() != open("b/" + name, "rb").read():
        bad.append("%s differs between two runs" % name)
    with open(name[:-len(".pdf")] + ".html", "w", encoding="utf-8") as out:
        out.write(page)  # the words sums.py reads, of this invoice's page
warn = open("all-pages.warn", "rb").read().decode("utf-8", "replace")
if warn:
    bad.append("pdftotext warns: %s" % "\n".join(warn.split("\n")[:3]))
fonts = open("fonts.txt", "rb").read().decode("utf-8", "replace")
if "CID" in fonts:
    bad.append("fonts.txt contains: CID")
# Every font embedded (emb = yes) and a subset (sub = yes).
if any("TrueType" in l and " yes yes " not in l for l in fonts.split("\n")):
    bad.append("a font is not an embedded subset: %s" % fonts)
# Size: the median one-page sample invoice is under 30 KB (issue 9); none over 60 KB.
sizes = sorted(os.path.getsize(f) for f in pdfs)
median, largest = sizes[(len(sizes) + 1) // 2 - 1], sizes[-1]
if not median < 30720:
    bad.append("median PDF %d bytes, expected < 30720" % median)
if not largest < 61440:
    bad.append("largest PDF %d bytes, expected < 61440" % largest)
sys.argv = ["sums.py"] + sorted(glob.glob("INV-*.html"))
try:
    runpy.run_path("sums.py", run_name="__main__")
except SystemExit as e:
    if e.code:
        bad.append("printed figures do not add up (above)")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
pdftotext -layout "a/$en.pdf" en.txt 2>/dev/null
contains en.txt "20 Nov 2026"
finish
