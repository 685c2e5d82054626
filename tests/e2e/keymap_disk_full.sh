# keymap_disk_full: what a batch remembers about its orders moves to a temporary file in
# $SQLITE_TMPDIR (README, "Memory is bounded"); when that file can no longer grow in the
# middle of the batch (a full disk, here a file size limit), the records stay in memory
# and the results stay right. Never an abort (it was exit 134, "database disk image is
# malformed": a move to disk that failed half-way left the file half-written).
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 120,000 orders of 40 customers with credit limits (the rules read the customers' sums
# back from the file), then ten orders whose ids came 120,000 orders earlier (found only
# in the file): enough for the file to outgrow SQLite's page cache and be written. The
# sanitizer build takes 30,000: both of the batch's files meet the limit before order
# 20,000 (strace shows the EFBIG), and the 10,000 after it run the same code in memory as
# the normal build's 110,000.
N=120000
[ "${FK_SANITIZER_BUILD:-}" != 1 ] || N=30000
python3 - "$N" <<'PY' >orders.csv
import sys
n = int(sys.argv[1])
print("order_id,order_date,customer_id,customer_type,company_name,tax_id,country,street,"
      "postal_code,city,currency,payment_method,item_sku,item_description,quantity,"
      "unit_price,vat_rate,credit_limit,exchange_rate,exchange_rate_date")
for i in list(range(1, n + 1)) + list(range(1, 11)):
    cust = i % 40
    print(f"SO-{i:06d},2026-11-18,C-{cust:03d},business,Łódź Żurawie {cust} Sp. z o.o.,"
          f"PL5260250274,PL,ul. Piotrkowska 1,90-926,Łódź,PLN,bank_transfer,SKU-1,"
          f"Dźwig budowlany,1,{10 + i}.00,23,999999999.00,0.2358,2026-11-17")
PY
common="--config $SAMPLES/faktura.ini --as-of 2026-11-20"

# 16 records in memory and no file larger than 500 KiB (ulimit -f counts 512-byte blocks
# in sh; SIGXFSZ ignored, so a write past it fails with EFBIG as a full disk fails with
# ENOSPC). The report goes to a pipe, which the limit does not touch.
mkdir tmp
(
    ulimit -f 1000
    trap '' XFSZ
    set +e
    SQLITE_TMPDIR=$PWD/tmp TMPDIR=$PWD/tmp FAKTURA_TEST_KEYMAP_ENTRIES=16 \
        "$FAKTURA" validate $common orders.csv 2>limited.err
    echo $? >limited.rc
) | cat >limited.json
equal "exit code with a full temporary directory" "$(cat limited.rc)" 1
not_contains limited.err "malformed"
not_contains limited.err "error"
contains limited.err "$((N + 10)) orders: $N invoiced, 10 failed, 0 held, 0 skipped; reconciled"
equal "duplicate ids found" "$(grep -o '"code":"DUPLICATE_ORDER_ID"' limited.json | wc -l)" 10
for i in 1 2 3 4 5 6 7 8 9 10; do
    contains limited.json "order_id \\\"$(printf 'SO-%06d' $i)\\\" already appeared earlier"
done
[ -z "$(ls tmp)" ] || fail "temporary files were left behind: $(ls tmp)"
finish
