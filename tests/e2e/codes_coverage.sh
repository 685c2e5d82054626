# codes_coverage: every finding code in docs/findings.md is reached at least once through
# the real CLI: a ledger with one order per problem, a rerun with a changed order, and a
# run whose PDFs the disk refuses.
. "$FK_SRCDIR/tests/lib/e2e.sh"
python3 "$FK_SRCDIR/tests/lib/all-codes.py"
common="--config $FK_SRCDIR/tests/data/rules/rules.ini --db db.sqlite --out out"
expect_exit 0 "$FAKTURA" run -q $common --as-of 2026-08-31 old.csv       # C-OLD's unpaid invoice
FAKTURA_TEST_FAIL_RENDER=RENDERME FAKTURA_TEST_BREAK_EINVOICE=EINV-BROKEN expect_exit 1 "$FAKTURA" run -q $common \
    --as-of 2026-11-20T12:00:00 --report ledger.json ledger.csv
python3 -c "
import json; r = json.load(open('ledger.json'))
assert r['summary']['reconciled'] is True
o = {x['order_id']: x for x in r['orders']}
assert o['HUGE']['findings'][0]['code'] == 'AMOUNT_OVERFLOW', o['HUGE']
assert o['RENDERME']['findings'][0]['message'] == 'the PDF could not be made: injected render failure'
assert 'fails its schema' in o['EINV-BROKEN']['findings'][0]['message'], o['EINV-BROKEN']
assert o['EINV-MISSING']['findings'][0]['field'] == 'buyer_reference', o['EINV-MISSING']
" || fail "ledger.json"
expect_exit 1 "$FAKTURA" run -q $common --as-of 2026-11-20T13:00:00 changed.csv
python3 - <<'PY' >changed.csv.tmp && mv changed.csv.tmp extra.csv
print(open("changed.csv").read().splitlines()[0])
print(open("changed.csv").read().splitlines()[1].replace("OK-1", "WRITE"))
PY
FAKTURA_TEST_FAIL_WRITES_AFTER=0 expect_exit 4 "$FAKTURA" run -q $common \
    --as-of 2026-11-20T14:00:00 extra.csv

# Corrections (issue 19), in a database of their own (later runs release the holding
# period's holds above): a failed order cancelled; OK-1 invoiced, then again with its
# dispute lost (credited), and once more (already credited).
python3 - <<'PY'
import csv
rows = list(csv.DictReader(open("ledger.csv", encoding="utf-8", errors="surrogateescape")))
def write(name, pick, lost):
    w = csv.DictWriter(open(name, "w", newline="", encoding="utf-8", errors="surrogateescape"),
                       fieldnames=list(rows[0].keys()))
    w.writeheader()
    for r in rows:
        if r["order_id"] in pick:
            if lost:
                r = dict(r, dispute_status="lost", dispute_opened="2026-11-19")
            w.writerow(r)
write("plain.csv", ("OK-1", "TAX-CHECK"), False)
write("lost.csv", ("OK-1",), True)
PY
c2="--config $FK_SRCDIR/tests/data/rules/rules.ini --db db2.sqlite --out out2"
expect_exit 1 "$FAKTURA" run -q $c2 --as-of 2026-11-20 plain.csv
expect_exit 0 "$FAKTURA" cancel --db db2.sqlite --batch 1 TAX-CHECK --reason test --by ci
expect_exit 0 "$FAKTURA" run -q $c2 --as-of 2026-11-21 lost.csv
expect_exit 0 "$FAKTURA" run -q $c2 --as-of 2026-11-22 lost.csv
# The shop-export codes (issue 20): read through a mapping (tests/e2e/shop_*.sh test them).
printf '[input]\nskip_status = refunded\n[columns]\norder_id = order_id\n' >shop-profile.ini
cat >shop.csv <<'CSV'
order_id,order_date,customer_type,company_name,country,currency,payment_method,source_status,expected_total,expected_vat,item_description,quantity,unit_price,vat_rate
S-SKIP,2026-11-18,consumer,Anna,DE,EUR,paid,refunded,11.90,1.90,Thing,1,10.00,19
S-TOTAL,2026-11-18,consumer,Anna,DE,EUR,paid,paid,12.00,1.90,Thing,1,10.00,19
S-VAT,2026-11-18,consumer,Anna,DE,EUR,paid,paid,11.90,1.00,Thing,1,10.00,19
S-RATE,2026-11-18,consumer,Anna,DE,EUR,paid,paid,11.90,1.90,Thing,1,10.00,
CSV
expect_exit 1 "$FAKTURA" run -q $common --profile shop-profile.ini --as-of 2026-11-20T15:00:00 shop.csv

"$FAKTURA" codes | awk '{print $1}' | sort >all.txt
{ sql db.sqlite "SELECT DISTINCT code FROM findings"
  sql db2.sqlite "SELECT DISTINCT code FROM findings"; } | sort -u >reached.txt
comm -23 all.txt reached.txt >missing.txt
[ ! -s missing.txt ] || fail "codes never reached through the CLI: $(tr '\n' ' ' <missing.txt)"
equal "codes in the table" "$(wc -l <all.txt)" "$(grep -c '^| `' "$FK_SRCDIR/docs/findings.md")"
finish
