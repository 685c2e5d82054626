# ingest_generated: scripts/gen-ledger's synthetic ledgers. The same seed gives the same
# bytes; its valid orders (VAT numbers, cards, IBANs computed by the generator) pass every
# check and each invalid one gets exactly the finding it was made for, in CSV and in XML;
# and the CSV and XML of the same orders give the same outcomes.
. "$FK_SRCDIR/tests/lib/e2e.sh"
gen="$FK_SRCDIR/scripts/gen-ledger"

python3 "$gen" --orders 1500 --seed 11 --invalid-percent 25 --out a.csv --expected a.codes
python3 "$gen" --orders 1500 --seed 11 --invalid-percent 25 --out b.csv
cmp -s a.csv b.csv || fail "gen-ledger is not deterministic"
python3 "$gen" --orders 1500 --seed 12 --invalid-percent 25 --out c.csv
cmp -s a.csv c.csv && fail "another seed gave the same ledger"
python3 "$gen" --orders 1500 --seed 11 --invalid-percent 25 --format xml --out a.xml
xmllint --noout --schema "$SAMPLES/orders.xsd" a.xml 2>xmllint.err ||
    fail "the generated XML does not match the schema: $(head -c 300 xmllint.err)"

for f in a.csv a.xml; do
    expect_exit 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report "$f.report" "$f"
done
# Both reports against the generator's codes, in one python.
python3 - a.codes a.csv.report a.xml.report <<'PY' >codes.out 2>&1 || fail "$(cat codes.out)"
import collections, csv, sys
want = dict(line.rstrip("\n").split(",") for line in open(sys.argv[1]))
failed = []
for report in sys.argv[2:]:
    got = collections.defaultdict(list)
    for r in csv.DictReader(open(report, encoding="utf-8-sig")):
        got[r["order_id"]].append(r["code"])
    bad = [(oid, code, got.get(oid, [])) for oid, code in want.items()
           if got.get(oid, []) != ([code] if code else [])]
    for b in bad[:10]:
        print("order %s: expected %r, got %r" % b)
    codes = collections.Counter(want.values())
    # every kind of defect is there, and most orders are valid
    if bad or not (len(codes) == 11 and codes[""] > 1000):  # 10 finding codes, and none
        failed.append(report[:-len(".report")])
for f in failed:
    print("%s: outcomes differ from the generator's" % f)
sys.exit(1 if failed else 0)
PY
# every payment method and several countries
contains_all a.csv ,card, ,sepa_debit, ,bank_transfer, ,DE, ,AT, ,FR, ,NL, ,PL, ,NO,

finish
