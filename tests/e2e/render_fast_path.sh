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
equal "PDF files" "$(ls a/*.pdf | wc -l)" 20

for f in a/*.pdf; do
    name=$(basename "$f")
    cmp -s "$f" "b/$name" || fail "$name differs between two runs"
    qpdf --check "$f" >/dev/null 2>&1 || fail "qpdf --check $name"
    pdffonts "$f" >fonts.txt 2>&1 || fail "pdffonts $name"
    not_contains fonts.txt "CID"
    # Every font embedded (emb = yes) and a subset (sub = yes).
    if grep -E 'TrueType' fonts.txt | grep -vqE ' yes yes '; then
        fail "$name: a font is not an embedded subset: $(cat fonts.txt)"
    fi
    pdftotext "$f" - >/dev/null 2>warn.txt
    [ -s warn.txt ] && fail "$name: pdftotext warns: $(head -3 warn.txt)"
done

# Size: the median one-page sample invoice is under 30 KB (issue 9); none over 60 KB.
ls -l a/*.pdf | awk '{print $5}' | sort -n >sizes.txt
median=$(awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}' sizes.txt)
largest=$(tail -n 1 sizes.txt)
[ "$median" -lt 30720 ] || fail "median PDF $median bytes, expected < 30720"
[ "$largest" -lt 61440 ] || fail "largest PDF $largest bytes, expected < 61440"

# Dates in the buyer's language: SO-1001 German, SO-1002 Polish, SO-1006 English.
pdftotext -layout a/INV-2026-000001.pdf de.txt 2>/dev/null
contains de.txt "Rechnungsdatum"
contains de.txt "20.11.2026"
pdftotext -layout a/INV-2026-000002.pdf pl.txt 2>/dev/null
contains pl.txt "Łódź Żurawie Sp. z o.o."
contains pl.txt "20.11.2026"
not_contains pl.txt "2026-11-20"
en=$(sqlite3 -batch -noheader a.db "SELECT number FROM invoices WHERE order_id = 'SO-1006'")

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
for f in a/*.pdf; do pdftotext -bbox "$f" "$(basename "$f" .pdf).html" 2>/dev/null; done
python3 sums.py INV-*.html >sums.out 2>&1 || fail "printed figures do not add up: $(cat sums.out)"
pdftotext -layout "a/$en.pdf" en.txt 2>/dev/null
contains en.txt "20 Nov 2026"
finish
