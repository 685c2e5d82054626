# document_timezone: the issue date, the series' year and the "future" check are computed
# in [invoice] timezone (issue 17). A run at 00:30 on 1 January in Warsaw (23:30 UTC on 31
# December) issues 2027 invoices in the 2027 series; the same run in UTC issues 2026 ones.
# Numbers with '/' (FV/{year}/{seq:06}) name files with '_', and recovery after a crash
# maps those names back to numbers.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cat >pl.ini <<'INI'
[seller]
name = Sprzedawca Sp. z o.o.
street = ul. Długa 1
postal_code = 00-238
city = Warszawa
country = PL
vat_id = PL7251234561
iban = PL61109010140000071219812874
[numbering]
format = FV/{year}/{seq:06}
prefix = FV
[invoice]
timezone = Europe/Warsaw
INI
sed '/^timezone/d' pl.ini >utc.ini
cat >orders.csv <<'CSV'
order_id,order_date,company_name,tax_id,country,currency,payment_method,item_description,quantity,unit_price,vat_rate
NY-1,2026-12-30,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,PLN,bank_transfer,Dźwig,1,100.00,23
NY-2,2027-01-01T00:10:00+01:00,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,PLN,bank_transfer,Żuraw,1,200.00,23
CSV
asof=2026-12-31T23:30:00Z

# Warsaw: it is 1 January 2027, 00:30
expect_exit 0 "$FAKTURA" run -q --config pl.ini --db waw.sqlite --out waw --as-of $asof orders.csv
sql_lines waw.sqlite "SELECT group_concat(order_id || ' ' || number || ' ' || issue_date || ' ' || due_date || ' ' || pdf_name, '; ') FROM invoices;
    SELECT group_concat(key, ' | ') FROM series" invoices series
equal "Warsaw invoices" "$invoices" \
    "NY-1 FV/2027/000001 2027-01-01 2027-01-15 FV_2027_000001.pdf; NY-2 FV/2027/000002 2027-01-01 2027-01-15 FV_2027_000002.pdf"
equal "Warsaw series" "$series" "FV/2027/{seq}"
[ -f waw/FV_2027_000001.pdf ] && [ -f waw/FV_2027_000002.pdf ] || fail "PDFs not named FV_2027_00000N.pdf"
expect_exit 0 "$FAKTURA" show --db waw.sqlite FV/2027/000002
contains last.out '"number":"FV/2027/000002","issue_date":"2027-01-01","due_date":"2027-01-15"'
contains last.out '"order_date":"2027-01-01"'
pdftotext -layout waw/FV_2027_000002.pdf w2.txt 2>/dev/null
contains w2.txt "FV/2027/000002"
contains w2.txt "01.01.2027"
expect_exit 0 "$FAKTURA" verify --db waw.sqlite

# UTC (the default): still 31 December 2026; the order written on 1 January is in the future
expect_exit 1 "$FAKTURA" run -q --config utc.ini --db utc.sqlite --out utc --as-of $asof orders.csv
sql_lines utc.sqlite "SELECT group_concat(order_id || ' ' || number || ' ' || issue_date, '; ') FROM invoices;
    SELECT group_concat(f.code, ' | ') FROM findings f JOIN orders o ON o.id = f.order_row WHERE o.order_id = 'NY-2'" \
    invoices finding
equal "UTC invoices" "$invoices" "NY-1 FV/2026/000001 2026-12-31"
equal "UTC finding" "$finding" ORDER_DATE_IN_FUTURE

# Recovery with '/' numbers: of the files a crashed run recorded as pending, an orphan (a
# number never committed) is removed, and a PDF whose file name is a committed number's
# (FV_2027_000001.pdf is FV/2027/000001) is kept; files not pending are never touched.
: >waw/FV_2027_000099.pdf
: >waw/FV_2027_99.pdf
: >waw/FV-2027-000099.pdf
: >waw/.FV_2027_000003.pdf.tmp
cp waw/FV_2027_000001.pdf keep1.pdf
wawdir=$(cd waw && pwd -P)
pending=
for f in FV_2027_000099.pdf FV_2027_000003.pdf FV_2027_000001.pdf; do
    pending="$pending INSERT INTO pending_files(out_dir, name) VALUES ('$wawdir', '$f');"
done
sql waw.sqlite "$pending"
printf '%s\n' "$(head -n 1 orders.csv)" \
    'NY-3,2027-01-01,Łódź Żurawie Sp. z o.o.,PL5260250274,PL,PLN,bank_transfer,Hak,1,50.00,23' >more.csv
expect_exit 0 "$FAKTURA" run -v --config pl.ini --db waw.sqlite --out waw --as-of $asof more.csv
[ ! -e waw/FV_2027_000099.pdf ] || fail "the orphan FV_2027_000099.pdf was not removed"
cmp -s waw/FV_2027_000001.pdf keep1.pdf || fail "FV_2027_000001.pdf (FV/2027/000001) was touched"
sql_lines waw.sqlite "SELECT count(*) FROM pending_files;
    SELECT group_concat(number, ' | ') FROM invoices WHERE order_id = 'NY-3'" pending ny3
equal "pending after recovery" "$pending" 0
[ ! -e waw/.FV_2027_000003.pdf.tmp ] || fail "the temporary file was not removed"
[ -e waw/FV_2027_99.pdf ] || fail "FV_2027_99.pdf (not pending) was removed"
[ -e waw/FV-2027-000099.pdf ] || fail "FV-2027-000099.pdf (not pending) was removed"
[ -s waw/FV_2027_000003.pdf ] || fail "NY-3 has no PDF"
equal "NY-3" "$ny3" FV/2027/000003
expect_exit 0 "$FAKTURA" verify --db waw.sqlite

# A zone the system does not know is refused at load, naming the line.
sed 's|^timezone = .*|timezone = Europe/Atlantis|' pl.ini >bad.ini
expect_exit 2 "$FAKTURA" run --config bad.ini --db bad.sqlite --out bad --as-of $asof orders.csv
contains last.err "bad.ini:13: timezone: [invoice] timezone \"Europe/Atlantis\" is not in the system's time zone database"
[ ! -e bad.sqlite ] || fail "a database was created for a refused config"
finish
