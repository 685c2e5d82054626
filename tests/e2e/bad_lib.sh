# bad_lib: the checks every case of the bad-input catalogue shares (tests/e2e/bad_*.sh),
# and, run on its own (as the test e2e/bad_lib), a test of those checks: each must fail
# when its rule is broken, or the catalogue would pass whatever faktura does.
#
# A case script sets BAD_LIB=1 and sources this file after tests/lib/e2e.sh. Then:
#   run_case NAME WANT ARGS...   `faktura ARGS...` from the scratch dir with checks:
#       exit code WANT; at most 60 s (killed after: exit 124) and MEM_MB of memory; no
#       file created or changed outside w/out/, the database db.sqlite and meta/; in w/out/
#       only invoice PDFs (named as PDF_GLOB), reports and the directory's marker
#       (.faktura-db, naming its database); if db.sqlite exists:
#       integrity_check ok, gapless
#       numbers, one PDF per invoice, `faktura verify` passes.
#   frun NAME WANT INPUT [ARGS...]   run_case with `run` on INPUT, a fresh database and
#       --out w/out (the sample config, --as-of 2026-11-20).
#   input_refused NAME       nothing of the batch recorded, no PDF.
#   finding NAME ID LINE CODE FIELD TEXT   the JSON report lists order ID (at LINE) as
#       failed with a finding CODE on FIELD ("null": none) whose message contains TEXT.
#   summary N INVOICED FAILED   the run's summary line.
#   with COL VALUE...        the sample order SO-1001 as a CSV row with columns replaced
#       (and a customer_id of its own); in a VALUE "<NUL>" is a NUL byte and "<x N C>" N
#       times the character C.
bad_self_test=0
if [ "${BAD_LIB:-}" != 1 ]; then
    . "$FK_SRCDIR/tests/lib/e2e.sh"
    bad_self_test=1
fi
cfg="$SAMPLES/faktura.ini"
MEM_MB=${MEM_MB:-400}   # peak RSS for one command: the ASan build of the suite included
TIME_S=${TIME_S:-60}    # time for one command
BAD_PDF_GLOB='INV-[0-9][0-9][0-9][0-9]-[0-9]*.pdf'
PDF_GLOB=$BAD_PDF_GLOB  # what the invoice PDFs are named (the sample config's numbers)
bad_hdr=$(head -n 1 "$SAMPLES/orders.csv")
bad_row=$(sed -n 2p "$SAMPLES/orders.csv")
mkdir -p in meta

bounded() {
    want=$1
    shift
    set +e
    python3 - "$TIME_S" "$@" <<'PY'
import resource, subprocess, sys
try:
    with open("last.out", "wb") as o, open("last.err", "wb") as e:
        code = subprocess.run(sys.argv[2:], stdout=o, stderr=e,
                              timeout=int(sys.argv[1])).returncode
except subprocess.TimeoutExpired:
    code = 124
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
open("meta/rss", "w").write("%d\n" % rss)
sys.exit(code if code >= 0 else 128 - code)
PY
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' last.err | head -n 5 >&2
    fi
    rss=$(cat meta/rss)
    [ "$rss" -le "$MEM_MB" ] || fail "$* used $rss MB of memory (at most $MEM_MB)"
}

# Every file of the scratch dir a run may not touch, with its checksum.
others() {
    find . -type f ! -path './w/out/*' ! -path './meta/*' ! -name 'last.*' ! -name 'db.sqlite*' \
        -exec md5sum {} + | sort -k 2
}

db_consistent() {
    equal "$1: integrity" "$(sql db.sqlite 'PRAGMA integrity_check')" ok
    equal "$1: gapless numbers" "$(sql db.sqlite "SELECT count(*) FROM (SELECT series FROM
        invoices GROUP BY series HAVING count(*) <> max(seq) OR min(seq) <> 1
        OR count(DISTINCT seq) <> count(*))")" 0
    equal "$1: one PDF per invoice" "$(find w/out -name '*.pdf' 2>/dev/null | wc -l)" \
        "$(sql db.sqlite 'SELECT count(*) FROM invoices')"
    cp last.err meta/err
    cp last.out meta/out
    expect_exit 0 "$FAKTURA" verify --db db.sqlite
    cp meta/err last.err
    cp meta/out last.out
}

run_case() {
    name=$1 want=$2
    shift 2
    mkdir -p w
    others >meta/before
    bounded "$want" "$FAKTURA" "$@"
    others >meta/after
    diff meta/before meta/after >meta/diff ||
        fail "$name: files written outside --out: $(cat meta/diff)"
    if [ -d w/out ]; then
        stray=$(find w/out ! -type d ! -name '*.pdf' ! -name 'report*' ! -name .faktura-db)
        [ -z "$stray" ] || fail "$name: stray files in --out: $stray"
        stray=$(find w/out -name '*.pdf' ! -name "$PDF_GLOB")
        [ -z "$stray" ] || fail "$name: PDFs not named after an invoice number: $stray"
    fi
    if [ -e db.sqlite ]; then
        db_consistent "$name"
    fi
}

frun() {
    name=$1 want=$2 input=$3
    shift 3
    rm -rf w db.sqlite db.sqlite-wal db.sqlite-shm db.sqlite.lock
    run_case "$name" "$want" run --config "$cfg" --db db.sqlite --out w/out --as-of 2026-11-20 \
        "$@" "$input"
}

input_refused() {
    if [ -e db.sqlite ]; then
        equal "$1: orders recorded" "$(sql db.sqlite 'SELECT count(*) FROM orders')" 0
    fi
    equal "$1: PDFs" "$(find w/out -name '*.pdf' 2>/dev/null | wc -l)" 0
}

finding() {
    python3 - w/out/report-1.json "$@" <<'PY' || fail "$1: no finding $4 on $5 for $2 at line $3"
import json, sys
path, name, oid, line, code, field, text = sys.argv[1:]
field = None if field == "null" else field
r = json.load(open(path))
for o in r["orders"]:
    if o["order_id"] == oid and o["line"] == int(line) and o["status"] == "failed":
        for f in o["findings"]:
            if f["code"] == code and f["field"] == field and text in f["message"]:
                sys.exit(0)
        sys.exit("%s: findings %s" % (name, o["findings"]))
sys.exit("%s: order %r at line %s not in the report" % (name, oid, line))
PY
}

summary() {
    contains last.err \
        "faktura: run batch 1: $1 orders: $2 invoiced, $3 failed, 0 held, 0 skipped; reconciled"
}

with() {
    python3 - "$bad_hdr" "$bad_row" "$@" <<'PY'
import hashlib, re, sys
cols, vals = sys.argv[1].split(","), [v.encode() for v in sys.argv[2].split(",")]
args = [a.encode("utf-8", "surrogateescape") for a in sys.argv[3:]]
# a customer of its own for each distinct row: identical orders of one customer would be
# held as suspected duplicate charges, which is not what these rows are about
vals[cols.index("customer_id")] = b"C-" + hashlib.sha256(b"\0".join(args)).hexdigest()[:12].encode()
for k, v in zip(args[::2], args[1::2]):
    v = v.replace(b"<NUL>", b"\0")
    v = re.sub(rb"<x (\d+) (.)>", lambda m: m.group(2) * int(m.group(1)), v)
    vals[cols.index(k.decode())] = v
sys.stdout.buffer.write(b",".join(vals) + b"\n")
PY
}

[ "$bad_self_test" = 1 ] || return 0

# ---- run on its own: the checks above catch what they are for ----

# expect_failures N CMD...: CMD must record exactly N failures (which are then forgiven).
expect_failures() {
    n=$1
    shift
    before=$failures
    "$@" 2>meta/self.err
    got=$((failures - before))
    failures=$before
    [ "$got" -eq "$n" ] || fail "self-test: $* recorded $got failures, expected $n"
}

# a stand-in for faktura: a shell script behaving badly on request
fake=$FK_TMP/fake.sh
cat >"$fake" <<'SH'
#!/bin/sh
case $1 in
    ok) exit 0 ;;
    slow) sleep 90 ;;
    hog) python3 -c 'x = bytearray(600 * 1024 * 1024); print(len(x))' ;;
    stray) echo x >stray.txt ;;
    touch) echo x >>in/input.csv ;;
    junk) mkdir -p w/out && echo x >w/out/notes.txt ;;
    badpdf) mkdir -p w/out && echo x >w/out/evil.pdf ;;
esac
SH
chmod +x "$fake"
echo "order" >in/input.csv
real_faktura=$FAKTURA
FAKTURA=$fake
expect_failures 0 run_case ok 0 ok
expect_failures 1 run_case code 3 ok
TIME_S=2
expect_failures 1 run_case slow 0 slow
TIME_S=60
expect_failures 1 run_case hog 0 hog
expect_failures 1 run_case stray 0 stray
rm -f stray.txt
expect_failures 1 run_case touch 0 touch
expect_failures 1 run_case junk 0 junk
rm -rf w
expect_failures 1 run_case badpdf 0 badpdf
rm -rf w
FAKTURA=$real_faktura

# the database checks: a gap in the numbers, a PDF too many
frun sample 1 "$SAMPLES/orders.csv"
summary 31 20 11
finding sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE136695977"
expect_failures 1 finding sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE999"
expect_failures 1 finding sample SO-1001 2 TAX_ID_CHECKSUM tax_id "DE136695977"
expect_failures 1 summary 31 21 10
expect_failures 2 input_refused sample
expect_failures 0 db_consistent sample
sql db.sqlite "DROP TRIGGER invoices_no_delete; DELETE FROM invoices WHERE seq = 5;"
rm -f w/out/INV-2026-000005.pdf
expect_failures 2 db_consistent gap
cp w/out/INV-2026-000001.pdf w/out/INV-2026-000099.pdf
expect_failures 3 db_consistent extra
[ "$(with order_id X1 quantity "<x 3 7>" company_name "A<NUL>B" | cut -d, -f1)" = X1 ] ||
    fail "with: order_id"
with order_id X1 quantity "<x 3 7>" company_name "A<NUL>B" | grep -q ',777,' || fail "with: <x>"
[ "$(with company_name "A<NUL>B" | tr -d '\000' | cut -d, -f5)" = AB ] || fail "with: <NUL>"
finish
