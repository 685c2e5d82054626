# config_seller: the seller's country, VAT number, IBAN and BIC are checked when the config
# is loaded, with the validators the customers' values go through: a typo there would be
# printed on every invoice. A bad one is a usage error (exit 2) naming the file, the line
# and the key, for `run` and `validate` alike; nothing is written.
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
seller iban_short iban DE8937040044 " is not a valid IBAN (country, length or check digits)"
seller vat vat_id DE123456789 ": the check digit is wrong (country DE)"
seller vat_format vat_id DE12345 ": wrong length or characters (country DE)"
seller vat_country vat_id ATU13585627 ": its prefix names another country (country DE)"
seller country country XX " is not an ISO 3166 alpha-2 code"
seller bic bic COBAATFFXXX " is malformed or not of the IBAN's country DE"

# The separators people write are fine, and a lower-case country is the same country.
sed -e 's/^iban = .*/iban = DE89 3704 0044 0532 0130 00/' -e 's/^vat_id = .*/vat_id = DE 123 456 788/' \
    -e 's/^country = .*/country = de/' "$cfg" >spaced.ini
expect_exit 1 "$FAKTURA" validate --config spaced.ini --as-of 2026-11-20 --report spaced.json \
    "$SAMPLES/orders.csv"
finish
