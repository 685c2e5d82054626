# config_numbering: a number format whose series could write the same number is refused at
# load (exit 2, naming the prefix's line). With "{prefix}{seq}", prefix A1 and number 1 give
# "A11", as prefix A and number 11 do: two series, one number, and the second run died on
# the duplicate (exit 5). Digits must not run across the prefix's edge into {seq} or
# {year}; a separator, or a letter at the prefix's edge, keeps the series apart. One
# whole-binary case refused and one accepted here: every case below is one of
# test_numbering in tests/unit/test_config_cases.c (the same edited sample config, the
# file, line, key and message).
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"

# numbering NAME FORMAT PREFIX WANT: `faktura validate` with that [numbering] (the sample
# config with sed -e "s/^format = .*/format = FORMAT/" -e "s/^prefix = .*/prefix = PREFIX/",
# in shell builtins; $p: the prefix's line, grep -n '^prefix = ')
numbering() {
    _n=0
    while IFS= read -r _l; do
        _n=$((_n + 1))
        case $_l in
        "format = "*) _l="format = $2" ;;
        "prefix = "*) _l="prefix = $3" p=$_n ;;
        esac
        printf '%s\n' "$_l"
    done <"$cfg" >"$1.ini"
    expect_exit "$4" "$FAKTURA" validate --config "$1.ini" --as-of 2026-11-20 \
        --report "$1.json" "$SAMPLES/orders.csv"
}

numbering digit_seq '{prefix}{seq}' A1 2
contains last.err "faktura: error: digit_seq.ini:$p: prefix: [numbering] prefix \"A1\" in format \"{prefix}{seq}\" ends in a digit right before digits of the number"
# In test_numbering: digit_year {prefix}{year}-{seq:06} INV2, digit_literal
# {prefix}7-{seq:06} R2, seq_digit {seq:06}{prefix} 1A refused.

# Unambiguous: a separator or a letter at the edge, or digits away from the number's.
numbering separator '{prefix}-{seq:06}' A1 1
# In test_numbering: letter {prefix}{seq} A1B, inner {prefix}-{year}-{seq:06} 2026INV and
# sample {prefix}-{year}-{seq:06} INV loaded.
finish
