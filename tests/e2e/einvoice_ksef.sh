# einvoice_ksef: KSeF FA(3) files for a Polish seller (issue 18). The PL ledger of
# einvoice_ledger.sh (tests/lib/gen-einvoice-ledger.py: domestic businesses, consumers,
# an EU business under reverse charge, an intra-EU supply, export, exempt, zero-rated and
# out-of-scope lines, an EUR invoice with its rate to PLN) run with [einvoice] formats =
# ksef: every order is invoiced with its NUMBER.ksef.xml, which passes the kit's
# `validate.sh ksef` (the FA(3) XSD, offline), is recorded with its size and SHA-256, and
# is what `faktura show --format ksef` writes again, byte for byte; `reprint` still gives
# the identical PDF; the same batch and --as-of give the same bytes; a credit note of one
# (`faktura credit`) shows as a valid KOR. Refused, with a finding and no number used: a
# foreign-currency invoice with no rate to PLN, and a seller that is not Polish.
. "$FK_SRCDIR/tests/lib/e2e.sh"
KIT=${FK_EINVOICE_KIT:-$FK_SRCDIR/../shared/einvoice}
[ -d "$KIT" ] || KIT=/work/shared/einvoice

# ledger DIR SELLER: the generated ledger of SELLER with formats = ksef for every order
ledger() {
    mkdir "$1"
    python3 "$FK_SRCDIR/tests/lib/gen-einvoice-ledger.py" "$2" "$1" >/dev/null || fail "generate $2"
    sed -i 's/^formats = .*/formats = ksef/' "$1/faktura.ini"
    python3 - "$1/orders.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    r["einvoice"] = ""          # [einvoice] formats decides
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=rows[0].keys())
w.writeheader(); w.writerows(rows)
PY
}

# outcomes REPORT: "order_id status code field" per finding (the report lists the orders
# that have one)
outcomes() {
    python3 - "$1" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1]))["orders"]:
    fs = o["findings"] or [{"code": "-", "field": "-"}]
    for f in fs:
        print(o["order_id"], o["status"], f["code"], f.get("field") or "-")
PY
}

# ---- a Polish seller: every order invoiced with a valid FA(3) file
ledger PL PL
# and one order in EUR without a rate (refused by validation: the seller accounts in PLN)
python3 - PL/orders.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
r = dict(rows[-1]); r["order_id"] = "EPL-NORATE"; r["currency"] = "EUR"
r["exchange_rate"] = r["exchange_rate_date"] = ""
w = csv.DictWriter(open(sys.argv[1], "a", newline=""), fieldnames=rows[0].keys()); w.writerow(r)
PY
expect_exit 1 "$FAKTURA" run -q --config PL/faktura.ini --db PL/db.sqlite --out PL/out \
    --as-of 2026-11-20 --report PL/r.json PL/orders.csv
n=$(python3 -c "import json; print(json.load(open('PL/r.json'))['summary']['invoiced'])")
equal "PL: every other order invoiced" "$n" "$(($(cut -d, -f1 PL/orders.csv | grep '^EPL-' | sort -u | wc -l) - 1))"
equal "PL: the failed orders" "$(outcomes PL/r.json)" "EPL-NORATE failed EXCHANGE_RATE_MISSING exchange_rate"
equal "PL: one FA(3) file per invoice" "$(ls PL/out/*.ksef.xml | wc -l | tr -d ' ')" "$n"
equal "PL: the numbers are gapless" \
    "$(sql PL/db.sqlite "SELECT MAX(number) FROM invoices")" "$(printf 'INV-2026-%06d' "$n")"
# every file recorded with its size and SHA-256 (only FA(3) files: formats = ksef), and
# `faktura show --format ksef` writes the recorded bytes again (one python3 for all; the
# sanitizer build shows the first one)
python3 "$FK_SRCDIR/tests/lib/einvoice-files.py" files PL out einvoices || fail "PL: the FA(3) files (above)"
equal "PL: FA(3) files recorded" "$(sql PL/db.sqlite "SELECT count(*) FROM einvoices WHERE format = 'ksef'")" "$n"
expect_exit 0 "$FAKTURA" verify --db PL/db.sqlite

# what the ledger covers, as FA(3) says it
f1=PL/out/INV-2026-000001.ksef.xml
contains "$f1" '<KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA</KodFormularza>'
contains "$f1" '<DataWytworzeniaFa>2026-11-20T00:00:00Z</DataWytworzeniaFa>'
contains "$f1" '<NIP>5260250274</NIP>'
contains "$f1" '<RodzajFaktury>VAT</RodzajFaktury>'
has() { # has TEXT: some FA(3) file of the ledger contains TEXT
    grep -lF -- "$1" PL/out/*.ksef.xml >/dev/null || fail "no FA(3) file contains $1"
}
has '<BrakID>1</BrakID>'                      # a consumer
has '<KodUE>FR</KodUE>'                       # an EU business under reverse charge ...
has '<P_12>np II</P_12>'                      # ... services: art. 100(1)(4)
has '<P_18>1</P_18>'
has '<P_12>0 WDT</P_12>'                      # intra-EU supply of goods
has '<P_12>0 EX</P_12>'                       # export
has '<P_12>zw</P_12>'                         # exempt, with its basis
has '<P_19B>Art. 132 (1)(i) VAT Directive</P_19B>'
has '<KodWaluty>EUR</KodWaluty>'              # another currency, VAT in PLN at the rate
has '<P_14_1W>247.25</P_14_1W>'
has '<KursWaluty>4.3</KursWaluty>'

# reprint still gives the identical PDF
expect_exit 0 "$FAKTURA" reprint --db PL/db.sqlite --config PL/faktura.ini \
    --out PL/reprint.pdf INV-2026-000001
cmp -s PL/reprint.pdf PL/out/INV-2026-000001.pdf || fail "reprint differs"

# the same batch and --as-of: the same bytes (the normal build: the same paths again)
if [ "${FK_SANITIZER_BUILD:-}" != 1 ]; then
    "$FAKTURA" run -q --config PL/faktura.ini --db PL/db2.sqlite --out PL/out2 \
        --as-of 2026-11-20 PL/orders.csv >/dev/null 2>&1 || true
    for f in PL/out/*.ksef.xml; do
        cmp -s "$f" "PL/out2/${f##*/}" || fail "a second run gave other bytes for $f"
    done
fi

# a credit note of a KSeF invoice: its FA(3) form is a KOR (show writes it from the stored
# credit note: the corrected invoice, the reason, the lines before and after)
expect_exit 0 "$FAKTURA" credit --invoice INV-2026-000001 --reason "zwrot: reklamacja 7" \
    --line 1:4 --line 3 --config PL/faktura.ini --db PL/db.sqlite --out PL/cn --as-of 2026-11-25
cn=$(cat last.out)
"$FAKTURA" show --db PL/db.sqlite --format ksef "$cn" >PL/kor.xml || fail "show --format ksef $cn"
"$FAKTURA" show --db PL/db.sqlite --format ksef "$cn" >PL/kor2.xml
cmp -s PL/kor.xml PL/kor2.xml || fail "show --format ksef $cn: other bytes the second time"
contains PL/kor.xml '<RodzajFaktury>KOR</RodzajFaktury>'
contains PL/kor.xml '<PrzyczynaKorekty>zwrot: reklamacja 7</PrzyczynaKorekty>'
contains PL/kor.xml '<NrFaKorygowanej>INV-2026-000001</NrFaKorygowanej>'
contains PL/kor.xml '<NrKSeFN>1</NrKSeFN>'
contains PL/kor.xml '<P_13_1>-50.00</P_13_1>'
equal "KOR: rows before the correction" "$(grep -c '<StanPrzed>1</StanPrzed>' PL/kor.xml)" 2
equal "KOR: rows" "$(grep -c '<FaWiersz>' PL/kor.xml)" 4
# ... and it was issued with the credit note: the file beside its PDF, recorded with its
# size and SHA-256, is those bytes
cmp -s PL/kor.xml "PL/cn/$cn.ksef.xml" || fail "$cn.ksef.xml is not the KOR show writes"
equal "KOR recorded" "$(sql PL/db.sqlite "SELECT size || ' ' || sha256 FROM credit_einvoices
    WHERE number = '$cn' AND format = 'ksef'")" \
    "$(wc -c <PL/kor.xml | tr -d ' ') $(sha256sum PL/kor.xml | cut -d' ' -f1)"

# ---- a Polish seller accounting in EUR: an EUR invoice has no rate to PLN for P_14_xW
ledger EUR PL
sed -i 's/^\[seller\]$/[seller]\ncurrency = EUR/' EUR/faktura.ini
python3 - EUR/orders.csv <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["currency"] == "EUR" and r["vat_rate"] == "23"]
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=rows[0].keys()); w.writeheader()
for r in rows:
    r["exchange_rate"] = r["exchange_rate_date"] = ""; w.writerow(r)
PY
expect_exit 1 "$FAKTURA" run -q --config EUR/faktura.ini --db EUR/db.sqlite --out EUR/out \
    --as-of 2026-11-20 --report EUR/r.json EUR/orders.csv
equal "EUR: refused for the missing rate" "$(outcomes EUR/r.json)" \
    "EPL-010 failed EINVOICE_FIELD_MISSING exchange_rate"
contains EUR/r.json 'P_14_xW'
equal "EUR: no number used" "$(sql EUR/db.sqlite "SELECT COUNT(*) FROM invoices")" "0"

# ---- a seller that is not Polish asks for ksef: refused, naming why
ledger DE DE
python3 - DE/orders.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))[:1]
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=rows[0].keys()); w.writeheader(); w.writerows(rows)
PY
expect_exit 1 "$FAKTURA" run -q --config DE/faktura.ini --db DE/db.sqlite --out DE/out \
    --as-of 2026-11-20 --report DE/r.json DE/orders.csv
equal "DE: refused" "$(outcomes DE/r.json)" "EDE-001 failed EINVOICE_FORMAT_INVALID einvoice"
contains DE/r.json "KSeF FA(3) is for sellers registered for VAT in Poland"
equal "DE: no number used" "$(sql DE/db.sqlite "SELECT COUNT(*) FROM invoices")" "0"

# ---- the shipped schema resolves offline: FA(3) and its Ministry base types (bazowe/)
# from the data directory alone (a copy of the build's share/faktura with only the KSeF
# XSDs), never from crd.gov.pl; without bazowe/ the schema cannot compile (exit 4)
data="$(dirname "$FAKTURA")/../share/faktura"
mkdir -p share/einvoice/xsd
cp -R "$data/fonts" "$data/profiles" share/
cp -R "$data/einvoice/xsd/ksef" share/einvoice/xsd/
head -2 PL/orders.csv >one.csv
FAKTURA_DATADIR=$PWD/share expect_exit 0 "$FAKTURA" validate -q --config PL/faktura.ini \
    --as-of 2026-11-20 one.csv
rm -r share/einvoice/xsd/ksef/bazowe
FAKTURA_DATADIR=$PWD/share expect_exit 4 "$FAKTURA" validate -q --config PL/faktura.ini \
    --as-of 2026-11-20 one.csv
contains last.err "schemat_FA(3)_v1-0E.xsd"

# ---- the kit's validator (xmllint + the FA(3) XSD with its catalog: no Java needed)
if ! command -v xmllint >/dev/null 2>&1 || [ ! -x "$KIT/validate.sh" ]; then
    echo "##### SKIPPING validate.sh ksef: xmllint or the kit $KIT is missing (the in-process XSD check ran) #####"
    finish
    exit 0 # (finish returns when nothing failed)
fi
cp PL/kor.xml PL/out/kor.xml
out=$("$KIT/validate.sh" ksef PL/out 2>&1) || fail "validate.sh ksef: $(echo "$out" | grep -v ': OK$')"
equal "validate.sh ksef: files OK" "$(echo "$out" | grep -c ': OK$')" "$((n + 1))"
finish
