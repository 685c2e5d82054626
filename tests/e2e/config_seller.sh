# config_seller: the seller's country, VAT number, IBAN and BIC are checked when the config
# is loaded, with the validators the customers' values go through: a typo there would be
# printed on every invoice. A bad one is a usage error (exit 2) naming the file, the line
# and the key, for `run` and `validate` alike; nothing is written. One whole-binary case
# here: every value below (and the separators people write, accepted) is a case of
# test_seller in tests/unit/test_config_cases.c, which loads the same edited sample config
# and checks the file, line, key and message this prints.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"

# edit KEY VALUE: the sample config with KEY = VALUE (sed "s/^KEY = .*/KEY = VALUE/"), on
# stdout; and $line, KEY's line (grep -n "^KEY = "). Shell builtins only.
edit() {
    line= _n=0
    while IFS= read -r _l; do
        _n=$((_n + 1))
        case $_l in "$1 = "*) _l="$1 = $2" line=$_n ;; esac
        printf '%s\n' "$_l"
    done <"$cfg"
}

# seller NAME KEY VALUE MESSAGE: the sample config with KEY = VALUE must be refused.
seller() {
    edit "$2" "$3" >"$1.ini"
    for _f in out db.sqlite*; do # what a case before might have left: rm -rf out db.sqlite*
        [ -e "$_f" ] && rm -rf out db.sqlite* && break
    done
    expect_exit 2 "$FAKTURA" run --config "$1.ini" --db db.sqlite --out out --as-of 2026-11-20 \
        "$SAMPLES/orders.csv"
    contains last.err "faktura: error: $1.ini:$line: $2: [seller] $2 \"$3\"$4"
    [ ! -e db.sqlite ] && [ ! -e out ] || fail "$1: something was written"
    expect_exit 2 "$FAKTURA" validate --config "$1.ini" --as-of 2026-11-20 "$SAMPLES/orders.csv"
    contains last.err "faktura: error: $1.ini:$line: $2: [seller] $2"
}

seller iban iban DE89370400440532013001 " is not a valid IBAN (country, length or check digits)"
# In test_seller: iban_short iban DE8937040044, vat vat_id DE123456789, vat_format vat_id
# DE12345, vat_country vat_id ATU13585627, country country XX, bic bic COBAATFFXXX; and
# spaced (IBAN and VAT number with spaces, country = de) loaded.
finish
