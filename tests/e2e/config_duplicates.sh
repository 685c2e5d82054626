# config_duplicates: a key given twice in the config file is an error (exit 2) naming the
# file, the line of the second one and the key, in every section alike. (It was silently
# the first value in [thresholds] and the last one elsewhere.) An indented line, which the
# INI parser reads as more of the key above, is refused the same way. Nothing is written.
# One whole-binary case of each kind here: every case below is one of test_duplicates in
# tests/unit/test_config_cases.c (the same sample config and lines, the file, line, key and
# message this prints).
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
# The sample config's text, its line count (wc -l) and the line of each key (line_of),
# read once with shell builtins.
text= n=0 keys=
while IFS= read -r l; do
    n=$((n + 1))
    text="$text$l
"
    case $l in *" = "*) keys="$keys$n:${l%% = *}
" ;; esac
done <"$cfg"
newline='
'

# twice NAME SECTION KEY FIRST_LINE LINES: the sample config plus [SECTION] and LINES (the
# second KEY is their last line); `faktura run` must refuse it.
twice() {
    printf '%s[%s]\n%s\n' "$text" "$2" "$5" >"$1.ini"
    added=1 rest=$5 # the lines of LINES (printf '%s\n' LINES | wc -l)
    while [ "${rest#*"$newline"}" != "$rest" ]; do rest=${rest#*"$newline"} added=$((added + 1)); done
    last=$((n + 1 + added))
    for f in out db.sqlite*; do # what a case before might have left: rm -rf out db.sqlite*
        [ -e "$f" ] && rm -rf out db.sqlite* && break
    done
    expect_exit 2 "$FAKTURA" run --config "$1.ini" --db db.sqlite --out out --as-of 2026-11-20 \
        "$SAMPLES/orders.csv"
    first=$4
    [ "$first" = new ] && first=$((n + 2))
    contains last.err "faktura: error: $1.ini:$last: $3: [$2] $3 is given twice (lines $first and $last): keep one"
    [ ! -e db.sqlite ] && [ ! -e out ] || fail "$1: something was written"
}
line_of() { # KEY: $at, its line in the sample config (grep -n "^KEY = " | cut -d: -f1)
    _r= _k=$keys
    while [ -n "$_k" ]; do
        _e=${_k%%"$newline"*} _k=${_k#*"$newline"}
        [ "${_e#*:}" = "$1" ] && _r="$_r${_r:+$newline}${_e%%:*}"
    done
    at=$_r
}

line_of name
twice seller seller name "$at" 'name = Other GmbH'
# a key given twice in the lines added (the first one not the sample's)
twice minimum thresholds minimum_amount.EUR new \
    "$(printf 'minimum_amount.EUR = 5.00\nmaximum_amount.EUR = 900.00\nminimum_amount.EUR = 6.00')"
# In test_duplicates: seller_iban (iban), numbering (prefix), invoice (payment_terms_days),
# render_font (font = /a.ttf, /b.ttf), holding (holding_hours = 2, 3) and response
# (response_days = 21, 7).

# The same key in another section, or in a second [seller] section with other keys, is
# fine: in test_duplicates (ok.ini: the sample and [seller] email = other@faktura.example,
# [thresholds] holding_hours = 2, then sed -i '/^email = /d').

# An indented line goes on with the value above it: refused, naming both lines.
sed 's/^name = .*/&\n  Zweigniederlassung Berlin/' "$cfg" >indent.ini
line_of name
nl=$at
expect_exit 2 "$FAKTURA" validate --config indent.ini --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "faktura: error: indent.ini:$((nl + 1)): name: [seller] name (line $nl) goes on in an indented line: write the value on one line"
finish
