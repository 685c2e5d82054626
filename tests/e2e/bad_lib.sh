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
    # GNU time (scripts/install-deps installs it) writes the peak RSS of what it waited for
    # (timeout and the command under it) in KiB, as its last line; timeout exits 124 when
    # the time is up (TERM, and KILL 5 s later). Two small programs instead of a python3.
    set +e
    /usr/bin/time -f %M -o meta/rss timeout -k 5 "$TIME_S" "$@" >last.out 2>last.err
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' last.err | head -n 5 >&2
    fi
    rss=
    while IFS= read -r line; do rss=$line; done <meta/rss
    case $rss in '' | *[!0-9]*) fail "$*: no peak RSS from /usr/bin/time: '$rss'"; rss=0 ;; esac
    rss=$((rss / 1024))
    [ "$rss" -le "$MEM_MB" ] || fail "$* used $rss MB of memory (at most $MEM_MB)"
}

# Every file of the scratch dir a run may not touch, with its inode, size, and change time
# (ctime: any write, truncation, chmod or rename sets it, and no program can set it back).
# Not a checksum: the inputs of the cases are up to tens of MB, read twice per run.
others() {
    find . -type f ! -path './w/out/*' ! -path './meta/*' ! -name 'last.*' ! -name 'db.sqlite*' \
        -printf '%p %i %s %C@\n' | sort
}

db_consistent() {
    # one sqlite3 for the three answers; verify's output goes to meta/ (last.* stay the run's)
    sql db.sqlite "PRAGMA integrity_check; SELECT count(*) FROM (SELECT series FROM invoices
        GROUP BY series HAVING count(*) <> max(seq) OR min(seq) <> 1
        OR count(DISTINCT seq) <> count(*)); SELECT count(*) FROM invoices" >meta/db.txt
    { IFS= read -r ic; IFS= read -r gaps; IFS= read -r ninv; } <meta/db.txt || :
    equal "$1: integrity" "$ic" ok
    equal "$1: gapless numbers" "$gaps" 0
    equal "$1: one PDF per invoice" "$(find w/out -name '*.pdf' 2>/dev/null | wc -l)" "$ninv"
    set +e
    "$FAKTURA" verify --db db.sqlite >meta/verify.out 2>meta/verify.err
    got=$?
    set -e
    if [ "$got" -ne 0 ]; then
        fail "exit $got, expected 0: $FAKTURA verify --db db.sqlite"
        sed 's/^/    stderr: /' meta/verify.err >&2
    fi
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
        # one find: "S path" a file that is no PDF, report or marker; "P path" a PDF not
        # named as PDF_GLOB
        find w/out ! -type d \( ! -name '*.pdf' ! -name 'report*' ! -name .faktura-db \
            -printf 'S %p\n' -o -name '*.pdf' ! -name "$PDF_GLOB" -printf 'P %p\n' \) >meta/stray
        stray= badpdf=
        while IFS= read -r line; do
            case $line in
                "S "*) stray="$stray ${line#S }" ;;
                *) badpdf="$badpdf ${line#P }" ;;
            esac
        done <meta/stray
        [ -z "$stray" ] || fail "$name: stray files in --out:$stray"
        [ -z "$badpdf" ] || fail "$name: PDFs not named after an invoice number:$badpdf"
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

# finding queues its check (a copy of the report as it is now, and the arguments), and
# findings_check checks every queued one in one python3: at the end (finish) or earlier.
# Each finding still passes or fails on its own, with its own message.
bad_nfind=0
finding() {
    bad_nfind=$((bad_nfind + 1))
    cp w/out/report-1.json "meta/finding-$bad_nfind.json" 2>/dev/null ||
        rm -f "meta/finding-$bad_nfind.json"
    printf '%s\0' "meta/finding-$bad_nfind.json" "$@" >>meta/findings
}

findings_check() {
    [ -s meta/findings ] || return 0
    set +e
    python3 - meta/findings <<'PY'
import json, sys
args = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
args = [a.decode("utf-8", "surrogateescape") for a in args]
bad = 0
for k in range(0, len(args), 7):
    path, name, oid, line, code, field, text = args[k:k + 7]
    field = None if field == "null" else field
    why = None
    try:
        r = json.load(open(path))
    except (OSError, ValueError) as e:
        r, why = {"orders": []}, "%s: no report: %s" % (name, e)
    for o in r["orders"]:
        if o["order_id"] == oid and o["line"] == int(line) and o["status"] == "failed":
            if any(f["code"] == code and f["field"] == field and text in f["message"]
                   for f in o["findings"]):
                break
            why = "%s: findings %s" % (name, o["findings"])
            break
    else:
        why = why or "%s: order %r at line %s not in the report" % (name, oid, line)
    if why is not None:
        print(why, file=sys.stderr)
        print("FAIL: %s: no finding %s on %s for %s at line %s" % (name, code, field or "null",
              oid, line), file=sys.stderr)
        bad += 1
sys.exit(min(bad, 100))
PY
    got=$?
    set -e
    failures=$((failures + got))
    rm -f meta/findings meta/finding-*.json
}

# finish: e2e.sh's, after the queued findings are checked
finish() {
    findings_check
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "ok"
}

summary() {
    contains last.err \
        "faktura: run batch 1: $1 orders: $2 invoiced, $3 failed, 0 held, 0 skipped; reconciled"
}

# with, in the shell (it runs for every row of every case): the sample row's columns, each
# replaced by its argument if given; <NUL> and <x N C> expanded as the value is printed.
bad_ncols=0
bad_rest=$bad_row,
for bad_col in $(printf '%s\n' "$bad_hdr" | tr ',' ' '); do
    bad_ncols=$((bad_ncols + 1))
    eval "bad_k_$bad_ncols=\$bad_col"
    eval "bad_d_$bad_ncols=\${bad_rest%%,*}"
    bad_rest=${bad_rest#*,}
done

# bad_put VALUE: VALUE with each "<x N C>" as N times the character C
bad_put() {
    bp_v=$1
    while :; do
        case $bp_v in
            *'<x '[0-9]*' '?'>'*) ;;
            *) printf '%s' "$bp_v"; return 0 ;;
        esac
        printf '%s' "${bp_v%%'<x '*}"
        bp_v=${bp_v#*'<x '}
        bp_n=${bp_v%% *}
        bp_v=${bp_v#* }
        bp_c=${bp_v%"${bp_v#?}"}
        bp_v=${bp_v#?}
        bp_v=${bp_v#'>'}
        head -c "$bp_n" /dev/zero | tr '\0' "$bp_c"
    done
}

# bad_value VALUE: VALUE with "<NUL>" as a NUL byte and each "<x N C>" expanded
bad_value() {
    bv_v=$1
    while :; do
        case $bv_v in
            *'<NUL>'*) ;;
            *) bad_put "$bv_v"; return 0 ;;
        esac
        bad_put "${bv_v%%'<NUL>'*}"
        printf '\0'
        bv_v=${bv_v#*'<NUL>'}
    done
}

with() {
    # a customer of its own for each distinct row: identical orders of one customer would be
    # held as suspected duplicate charges, which is not what these rows are about
    w_id=$(printf '%s\n' "$@" | cksum)
    w_i=0
    while [ $w_i -lt $bad_ncols ]; do
        w_i=$((w_i + 1))
        unset "bad_o_$w_i"
    done
    while [ $# -ge 2 ]; do
        w_i=0 w_found=
        while [ $w_i -lt $bad_ncols ]; do
            w_i=$((w_i + 1))
            eval "w_k=\$bad_k_$w_i"
            if [ "$w_k" = "$1" ]; then
                eval "bad_o_$w_i=\$2"
                w_found=1
            fi
        done
        [ -n "$w_found" ] || fail "with: no column $1"
        shift 2
    done
    w_i=0
    while [ $w_i -lt $bad_ncols ]; do
        w_i=$((w_i + 1))
        [ $w_i -eq 1 ] || printf ,
        eval "w_set=\${bad_o_$w_i+1}"
        eval "w_k=\$bad_k_$w_i"
        if [ -n "$w_set" ]; then
            eval "bad_value \"\$bad_o_$w_i\""
        elif [ "$w_k" = customer_id ]; then
            printf 'C-%08x' "${w_id%% *}"
        else
            eval "printf '%s' \"\$bad_d_$w_i\""
        fi
    done
    printf '\n'
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
    hog) python3 -c 'x = bytearray(120 * 1024 * 1024); print(len(x))' ;;
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
# (the bounds lowered for the stand-in: a second, not a minute; 100 MB, not 400, against a
# hog of 120 MB: the same check at a fifth of the memory)
bad_t=$TIME_S bad_m=$MEM_MB
TIME_S=1
expect_failures 1 run_case slow 0 slow
MEM_MB=100
expect_failures 1 run_case hog 0 hog
TIME_S=$bad_t MEM_MB=$bad_m
expect_failures 0 run_case hog 0 hog
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
# finding only queues; findings_check (and finish) checks what was queued, each on its own
finding_now() { finding "$@"; findings_check; }
expect_failures 0 finding_now sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE136695977"
expect_failures 1 finding_now sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE999"
expect_failures 1 finding_now sample SO-1001 2 TAX_ID_CHECKSUM tax_id "DE136695977"
expect_failures 1 finding_now sample SO-1020 26 TAX_ID_CHECKSUM iban "DE136695977"
expect_failures 1 finding_now sample SO-1020 27 TAX_ID_CHECKSUM tax_id "DE136695977"
expect_failures 2 eval 'finding sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE999";
    finding sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE136695977";
    finding sample SO-1001 2 TAX_ID_CHECKSUM tax_id "DE136695977"; findings_check'
# finish checks what is still queued
finding sample SO-1020 26 TAX_ID_CHECKSUM tax_id "DE999"
(finish) >meta/self.out 2>&1 && fail "finish passed with a finding that is not in the report"
before=$failures
findings_check 2>/dev/null
failures=$before
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
