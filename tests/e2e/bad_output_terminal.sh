# bad_output_terminal: values that try to drive the terminal or forge log lines (issue 15,
# "terminal/log injection"; SECURITY.md: messages quote values with control characters
# replaced). Every value below carries ESC sequences (clear screen, set the window title),
# BEL, CR, an embedded newline followed by a forged "faktura: error: ..." line, the C1
# control CSI (U+009B), U+2028 and a right-to-left override (U+202E). It reaches stderr or
# stdout through every kind of message: a rejected payment, an expectation diff, a status
# line, a rejected approval, a usage error, an error naming a path, a config warning, a
# verify problem and the warning about missing PDFs. Each output must hold none of those
# characters, and no line may begin with the forged text.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

P=$(printf 'A\033[2J\033]0;pwned\007\r\nfaktura: error: forged\302\233m\342\200\250\342\200\256Z')

# terminal_clean WHAT FILE: FILE is UTF-8 without any control character but the newline,
# without C1 controls, U+2028/U+2029 or bidi embeddings/overrides/isolates, and no line
# starts with the forged text.
terminal_clean() {
    python3 - "$@" <<'PY' || fail "$1: unsafe output: $(od -c "$2" | head -n 8)"
import re, sys
what, path = sys.argv[1:]
data = open(path, "rb").read()
text = data.decode("utf-8")  # raises on bytes that are not UTF-8
bad = sorted({c for c in text
              if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F
              or c in "\u2028\u2029\ufffe\uffff"
              or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069})
assert not bad, "%s: %r" % (what, bad)
assert not re.search(r"^(faktura: error: )?forged", text, re.M), what
PY
}

# says WHAT FILE TEXT: FILE contains TEXT (the value, made safe, is still shown)
says() {
    grep -qF -- "$3" "$2" || fail "$1: $2 does not contain: $3 ($(cat "$2"))"
}
shown='A?[2J?]0;pwned???faktura: error: forged?m??Z'

# --- a held order (suspected duplicate charge) whose id has a line separator and a bidi
# override (validate accepts them: they are not control characters), and a failed order
# whose id has every hostile character
{
    printf '%s\n' "$bad_hdr"
    with order_id D1 customer_id C-DUP
    with order_id "$(printf 'D2\342\200\250\342\200\256X')" customer_id C-DUP
    with order_id "\"E$P\""
} >in/ledger.csv
cfg="$SAMPLES/faktura.ini"
common="--config $cfg --db db.sqlite --as-of 2026-11-20"
expect_exit 1 "$FAKTURA" run $common --out w/out in/ledger.csv
terminal_clean run last.err

expect_exit 0 "$FAKTURA" status --db db.sqlite --batch 1
terminal_clean status last.out
says status last.out "D2??X  DUPLICATE_CHARGE_SUSPECTED"

# --- approvals: an id that is not held is rejected and quoted; who approved is shown by
# status
expect_exit 1 "$FAKTURA" approve --db db.sqlite --batch 1 "$P" --reason r --by alice
terminal_clean approve last.err
says approve last.err "faktura: rejected: order $shown of batch 1 is not held"
expect_exit 0 "$FAKTURA" approve --db db.sqlite --batch 1 "$(printf 'D2\342\200\250\342\200\256X')" \
    --reason checked --by "eve$P"
terminal_clean approve-by last.err
expect_exit 0 "$FAKTURA" status --db db.sqlite --batch 1
terminal_clean status-approved last.out
says status-approved last.out "by eve$shown]"

# --- payments: a rejected invoice_number
printf 'invoice_number,amount,paid_on\n"%s",10.00,2026-11-20\n' "$P" >in/pay.csv
expect_exit 1 "$FAKTURA" payments --db db.sqlite in/pay.csv
terminal_clean payments last.err
says payments last.err "unknown invoice number \"$shown\""

# --- --expect: an ingested order the file does not expect, an expected order never ingested
printf 'order_id,status,codes\nD1,invoiced,\n"X%s",failed,TAX_ID_CHECKSUM\n"Y","%s","%s"\n' \
    "$P" "$P" "$P" >in/expected.csv
expect_exit 1 "$FAKTURA" validate $common --report meta/v.json --expect in/expected.csv \
    in/ledger.csv
terminal_clean expect last.err
says expect last.err "faktura: expect: E$shown (in/ledger.csv:4): not in the expectations"
says expect last.err "faktura: expect: X$shown: expected failed TAX_ID_CHECKSUM, but no such"

# --- usage errors and an error naming a path
expect_exit 2 "$FAKTURA" "$P"
terminal_clean usage-command last.err
says usage-command last.err "faktura: unknown command \"$shown\""
expect_exit 2 "$FAKTURA" validate "--x$P" in/ledger.csv
terminal_clean usage-option last.err
expect_exit 2 "$FAKTURA" validate --format "$P" in/ledger.csv
terminal_clean usage-format last.err
expect_exit 3 "$FAKTURA" validate --as-of 2026-11-20 "in/$P.csv"
terminal_clean error-path last.err
says error-path last.err "faktura: error: in/$shown.csv"

# --- a config warning naming an unknown key
{
    cat "$cfg"
    printf '[render]\n\033]0;pwn\007key\342\200\256 = 1\n'
} >in/warn.ini
expect_exit 1 "$FAKTURA" validate --config in/warn.ini --as-of 2026-11-20 --report meta/w.json \
    in/ledger.csv
terminal_clean config-warning last.err
says config-warning last.err "unknown setting [render] ?]0;pwn?key?"

# --- verify on stdout and the next run's warning: a PDF is missing from an output
# directory whose name holds the hostile characters (the summary line, which names the
# report, gets a plain --report)
rm -rf db.sqlite* w
expect_exit 1 "$FAKTURA" run $common --out "w/o$P" --report meta/r.json in/ledger.csv
rm -f "w/o$P/INV-2026-000001.pdf"
expect_exit 1 "$FAKTURA" verify --db db.sqlite
terminal_clean verify-out last.out
terminal_clean verify-err last.err
says verify last.out "INV-2026-000001"
expect_exit 1 "$FAKTURA" run $common --out "w/o$P" --report meta/r.json in/ledger.csv
terminal_clean missing-pdf last.err
says missing-pdf last.err "w/o$shown/INV-2026-000001.pdf"
finish
