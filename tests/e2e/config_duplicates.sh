# config_duplicates: a key given twice in the config file is an error (exit 2) naming the
# file, the line of the second one and the key, in every section alike. (It was silently
# the first value in [thresholds] and the last one elsewhere.) An indented line, which the
# INI parser reads as more of the key above, is refused the same way. Nothing is written.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
n=$(wc -l <"$cfg")

# twice NAME SECTION KEY FIRST_LINE LINES: the sample config plus [SECTION] and LINES (the
# second KEY is their last line); `faktura run` must refuse it.
twice() {
    { cat "$cfg"; printf '[%s]\n%s\n' "$2" "$5"; } >"$1.ini"
    last=$((n + 1 + $(printf '%s\n' "$5" | wc -l)))
    rm -rf out db.sqlite*
    expect_exit 2 "$FAKTURA" run --config "$1.ini" --db db.sqlite --out out --as-of 2026-11-20 \
        "$SAMPLES/orders.csv"
    first=$4
    [ "$first" = new ] && first=$((n + 2))
    contains last.err "faktura: error: $1.ini:$last: $3: [$2] $3 is given twice (lines $first and $last): keep one"
    [ ! -e db.sqlite ] && [ ! -e out ] || fail "$1: something was written"
}
line_of() {
    grep -n "^$1 = " "$cfg" | cut -d: -f1
}

twice seller seller name "$(line_of name)" 'name = Other GmbH'
twice seller_iban seller iban "$(line_of iban)" 'iban = DE89370400440532013000'
twice numbering numbering prefix "$(line_of prefix)" 'prefix = INV'
twice invoice invoice payment_terms_days "$(line_of payment_terms_days)" 'payment_terms_days = 30'
twice render_font render font new "$(printf 'font = %s\nfont = %s' /a.ttf /b.ttf)"
twice minimum thresholds minimum_amount.EUR new \
    "$(printf 'minimum_amount.EUR = 5.00\nmaximum_amount.EUR = 900.00\nminimum_amount.EUR = 6.00')"
twice holding thresholds holding_hours new "$(printf 'holding_hours = 2\nholding_hours = 3')"
twice response disputes response_days new "$(printf 'response_days = 21\nresponse_days = 7')"

# The same key in another section, or in a second [seller] section with other keys, is fine.
{ cat "$cfg"; printf '[seller]\nemail = other@faktura.example\n[thresholds]\nholding_hours = 2\n'; } >ok.ini
sed -i '/^email = /d' ok.ini
expect_exit 1 "$FAKTURA" validate --config ok.ini --as-of 2026-11-20 --report ok.json \
    "$SAMPLES/orders.csv"

# An indented line goes on with the value above it: refused, naming both lines.
sed 's/^name = .*/&\n  Zweigniederlassung Berlin/' "$cfg" >indent.ini
nl=$(line_of name)
expect_exit 2 "$FAKTURA" validate --config indent.ini --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "faktura: error: indent.ini:$((nl + 1)): name: [seller] name (line $nl) goes on in an indented line: write the value on one line"
finish
