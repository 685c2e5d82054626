# bad_stream: input that broke the streaming promises (issue 15, the bad-input catalogue).
# CSV: one stray quote swallowed every later row ("1 orders"); /dev/zero and input without
# a line end grew memory without end (in the orders and in `faktura payments`); one 300 MB
# cell took 580 MB; a 200,000-row order added a finding per row past the 10,000-line
# limit; CR-only line ends made every finding say line 1; a UTF-16 file got a cut "header
# lacks..." message. XML: a 300 MB value grew
# memory with it (libxml2's schema validator keeps the text), and a 200,000-line order
# added a finding per line. Memory is checked as faktura's own peak RSS (the generator of a
# piped input is not counted; faktura is stopped the moment it passes the bound), never as
# time.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"
hdr=$bad_hdr
STREAM_MB=${STREAM_MB:-120} # faktura's peak RSS reading any of these (the ASan build included)

# piped NAME WANT GENERATOR... -- ARGS...: `GENERATOR | faktura ARGS` (GENERATOR "none":
# no stdin); exit code WANT, faktura's peak RSS at most STREAM_MB (polled, and faktura is
# killed once past it: a regression must not take the machine's memory), killed after 600 s
# (a hang guard only, generous so that a loaded machine never trips it: no timing here).
piped() {
    name=$1 want=$2
    shift 2
    python3 - "$want" "$STREAM_MB" "$FAKTURA" "$@" <<'PY' || fail "$name"
import os, signal, subprocess, sys, threading, time
want, mb, faktura = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
args = sys.argv[4:]
k = args.index("--")
gen, fargs = args[:k], args[k + 1:]
g = None if gen == ["none"] else subprocess.Popen(gen, stdout=subprocess.PIPE)
over = []
# Under AddressSanitizer freed memory waits in a quarantine of 256 MB before it is reused:
# the allocator's, not faktura's. A small one keeps the bound about faktura.
env = dict(os.environ)
env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"
with open("last.out", "wb") as o, open("last.err", "wb") as e:
    f = subprocess.Popen([faktura] + fargs, stdin=g.stdout if g else subprocess.DEVNULL,
                         stdout=o, stderr=e, env=env)
    if g:
        g.stdout.close()
    # Only os.wait4 below reaps faktura (its rusage is the peak RSS): the watcher must not
    # (f.poll() would, and wait4 then fails with ECHILD), so it stops on `done`.
    done = threading.Event()
    def watch():
        while not done.is_set():
            try:
                with open("/proc/%d/status" % f.pid) as st:
                    for line in st:
                        if line.startswith("VmRSS:") and int(line.split()[1]) > mb * 1024:
                            over.append(int(line.split()[1]) // 1024)
                            if not done.is_set():
                                f.kill()
            except OSError:
                pass
            time.sleep(0.05)
    threading.Thread(target=watch, daemon=True).start()
    killer = threading.Timer(600, f.kill)
    killer.daemon = True   # never keeps python3 alive past faktura
    killer.start()
    try:
        _, status, ru = os.wait4(f.pid, 0)
    finally:
        done.set()
        killer.cancel()
    f.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not signal it
if g:
    g.kill()
    g.wait()
code = os.waitstatus_to_exitcode(status)
rss = ru.ru_maxrss // 1024
if over or rss > mb or code != want:
    print("exit %d (expected %d), peak RSS %d MB (at most %d)%s" %
          (code, want, max([rss] + over), mb, ", killed past the bound" if over else ""),
          file=sys.stderr)
    sys.stderr.write(open("last.err").read()[:500])
    sys.exit(1)
PY
}

vargs="validate --config $cfg --as-of 2026-11-20"

# report_findings REPORT ID: the findings of order ID in a JSON report, one per line:
# CODE|FIELD|MESSAGE
report_findings() {
    python3 - "$1" "$2" <<'PY'
import json, sys
for o in json.load(open(sys.argv[1]))["orders"]:
    if o["order_id"] == sys.argv[2]:
        for f in o["findings"]:
            print("%s|%s|%s" % (f["code"], f["field"], f["message"]))
PY
}

# --- a stray quote: it costs its own order, every later order is read, the finding names
# the line and the column where the quote opened; a value with real line breaks is fine
python3 - "$SAMPLES/orders.csv" >in/stray.csv <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
out = [lines[0]]
for n, l in enumerate(lines[1:], start=2):
    if n == 4:                                     # SO-1002: "Łódź Żurawie... never closed
        l = l.replace(",Łódź Żurawie", ',"Łódź Żurawie', 1)
    if n == 6:                                     # SO-1003: a description on two lines
        l = l.replace(",Ski «Fjellrev» 180 cm,", ',"Ski «Fjellrev»\n180 cm, blue",', 1)
    out.append(l)
sys.stdout.write("\n".join(out) + "\n")
PY
frun stray 1 in/stray.csv
summary 31 19 12
finding stray SO-1002 4 ROW_MALFORMED company_name \
    "line 4: malformed row: the quote that opens company_name on line 4 is not closed"
# the orders after it keep their own lines (the description's line break adds one)
finding stray SO-1020 27 TAX_ID_CHECKSUM tax_id "DE136695977"
equal "stray: two-line description" "$(sql db.sqlite "SELECT count(*) FROM invoices i
    JOIN orders o ON o.order_id = i.order_id WHERE o.order_id = 'SO-1003'")" 1

# --- CR-only line ends: each finding names its own line (as with LF)
tr '\n' '\r' <"$SAMPLES/orders.csv" >in/cr.csv
frun cr 1 in/cr.csv
summary 31 20 11
finding cr SO-1020 26 TAX_ID_CHECKSUM tax_id "DE136695977"

# --- UTF-16 and UTF-32 files: one clear error saying what the file is
iconv -f UTF-8 -t UTF-16 "$SAMPLES/orders.csv" >in/utf16.csv
frun utf16 3 in/utf16.csv
contains last.err "faktura: error: in/utf16.csv:1: the file is UTF-16LE (it starts with a byte order mark), not UTF-8"
not_contains last.err "header"
input_refused utf16
iconv -f UTF-8 -t UTF-16BE "$SAMPLES/orders.csv" >in/utf16be.csv
frun utf16be 3 in/utf16be.csv
contains last.err "faktura: error: in/utf16be.csv:1: the file is UTF-16BE (every other byte is NUL)"
input_refused utf16be
iconv -f UTF-8 -t UTF-32LE "$SAMPLES/orders.csv" >in/utf32.csv
frun utf32 3 in/utf32.csv
contains last.err "faktura: error: in/utf32.csv:1: the file is UTF-32LE"
input_refused utf32

# --- /dev/zero (reading a device, never writing it) and input without a line end: the
# limits apply while reading
piped devzero 3 none -- $vargs /dev/zero
contains last.err "faktura: error: /dev/zero:1: the file starts with NUL bytes"
piped noline 3 sh -c "head -c 100000000 /dev/zero | tr '\\0' x" -- $vargs -
contains last.err "faktura: error: -:1: the header row is malformed (it does not end within"
# the payments file too (`faktura payments`)
piped payments 3 none -- payments --db pay.sqlite /dev/zero
contains last.err "faktura: error: /dev/zero:1: the header row is longer than 65536 bytes"
piped zeros 1 sh -c "printf '%s\\n' '$hdr'; head -c 200000000 /dev/zero" -- \
    $vargs --report zeros.json -
contains last.err "1 orders: 0 invoiced, 1 failed"
ncols=$(printf '%s\n' "$hdr" | tr ',' '\n' | wc -l)
contains zeros.json "line 2: the row has 1 fields, the header has $ncols"

# --- one 300 MB cell: one finding with its real length, in bounded memory; the next order
# is read
cat >gen_cell.py <<'PY'
import sys
hdr, row = sys.argv[1], sys.argv[2]
cols, vals = hdr.split(","), row.split(",")
i = cols.index("company_name")
out = sys.stdout.buffer
out.write((hdr + "\n" + ",".join(vals[:i]) + ",").encode())
block = b"A" * (1 << 20)
for _ in range(300):
    out.write(block)
out.write(("," + ",".join(vals[i + 1:]) + "\n").encode())
out.write((row.replace("SO-1001", "SO-9001") + "\n").encode())
PY
piped cell 1 python3 gen_cell.py "$hdr" "$bad_row" -- $vargs --report cell.json -
contains last.err "2 orders: 1 invoiced, 1 failed"
equal "cell: findings" "$(report_findings cell.json SO-1001)" \
    "FIELD_TOO_LONG|company_name|line 2: company_name has 314572800 bytes; at most 1024 are accepted"

# --- one order of 200,000 rows: past 10,000 one finding, the rest skipped; the next order
# is read
cat >gen_rows.py <<'PY'
import sys
hdr, row, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = sys.stdout
out.write(hdr + "\n")
line = row + "\n"
for _ in range(n // 1000):
    out.write(line * 1000)
out.write(row.replace("SO-1001", "SO-9002") + "\n")
PY
piped rows 1 python3 gen_rows.py "$hdr" "$bad_row" 200000 -- $vargs --report rows.json -
contains last.err "2 orders: 1 invoiced, 1 failed"
equal "rows: findings" "$(report_findings rows.json SO-1001)" \
    "ROW_MALFORMED|None|line 10002: the order has more than 10000 lines; this line and the rest of the order are not read"
size=$(wc -c <rows.json)
[ "$size" -lt 4096 ] || fail "rows: a report of $size bytes for one failed order"

# --- XML: a 300 MB value stops the file at libxml2's 10 MB text limit, in bounded memory
cat >gen_xml.py <<'PY'
import sys
out, what = sys.stdout.buffer, sys.argv[1]
order = (b"<order><order_id>%s</order_id><order_date>2026-11-18</order_date>"
         b"<company_name>ACME GmbH</company_name><tax_id>DE136695976</tax_id>"
         b"<country>DE</country><currency>EUR</currency>"
         b"<payment_method>bank_transfer</payment_method><lines>%s</lines></order>\n")
line = (b"<line><item_description>Widget</item_description><quantity>1</quantity>"
        b"<unit_price>1.00</unit_price><vat_rate>19</vat_rate></line>\n")
out.write(b"<?xml version=\"1.0\"?>\n<orders>\n")
if what == "value":
    out.write((order % (b"X0", b"")).split(b"ACME")[0])
    block = b"A" * (1 << 20)
    for _ in range(300):
        out.write(block)
    out.write(b"</company_name></order>\n")
else:
    out.write(order % (b"X1", line * 200000))
    out.write(order % (b"X2", line))
out.write(b"</orders>\n")
PY
piped xml_value 3 python3 gen_xml.py value -- $vargs --input-format xml -
contains last.err "faktura: error: -:3: a text of more than 10000000 bytes between two tags"

# --- XML: an order of 200,000 lines is one finding; the next order is read
piped xml_lines 1 python3 gen_xml.py lines -- $vargs --input-format xml --report xml.json -
contains last.err "2 orders: 1 invoiced, 1 failed"
equal "xml_lines: findings" "$(report_findings xml.json X1)" \
    "ROW_MALFORMED|None|line 10003: the order has more than 10000 lines; this line and the rest of the order are not read"

finish
