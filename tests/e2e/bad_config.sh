# bad_config: broken config files (the bad-input catalogue). A config faktura cannot use is
# a usage error (exit 2) naming the file, the line where there is one, and the key; it
# stops `run` before anything is written. Unknown keys are warned about, with their line,
# and the run goes on. The checks of bad_lib.sh hold after each run.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"
orders="$SAMPLES/orders.csv"

# crun NAME WANT CONFIG: `faktura run` on the sample orders with CONFIG
crun() {
    rm -rf w db.sqlite db.sqlite-wal db.sqlite-shm db.sqlite.lock
    run_case "$1" "$2" run --config "$3" --db db.sqlite --out w/out --as-of 2026-11-20 "$orders"
}

# refused NAME: nothing was created: no database, no output directory
refused() {
    [ ! -e db.sqlite ] || fail "$1: a database was created"
    [ ! -e w/out ] || fail "$1: the output directory was created"
}

# --- missing seller details, one at a time
for key in name street postal_code city country vat_id iban; do
    grep -v "^$key = " "$cfg" >in/no_$key.ini
    crun "no $key" 2 in/no_$key.ini
    contains last.err "faktura: error: in/no_$key.ini: $key: [seller] $key is missing"
    refused "no $key"
done
sed 's/^name = .*/name =   /' "$cfg" >in/blank_name.ini
crun "blank name" 2 in/blank_name.ini
contains last.err "faktura: error: in/blank_name.ini: name: [seller] name is missing"

# --- unknown keys and sections: warned with file and line, the run goes on
{
    cat "$cfg"
    printf '[seller]\nnmae = typo\n[bogus]\nkey = 1\n'
} >in/unknown.ini
n=$(wc -l <"$cfg")
crun unknown 1 in/unknown.ini
w="faktura: warning: in/unknown.ini"
contains last.err "$w:$((n + 2)): unknown setting [seller] nmae (ignored)"
contains last.err "$w:$((n + 4)): unknown setting [bogus] key (ignored)"
summary 31 20 11

# --- bad numbering formats: exit 2, naming the file, the format's line and the problem
n=$(grep -n '^format = ' "$cfg" | cut -d: -f1)
badfmt() {
    sed "s/^format = .*/format = $2/" "$cfg" >"in/fmt$1.ini"
    crun "format $2" 2 "in/fmt$1.ini"
    contains last.err "faktura: error: in/fmt$1.ini:$n: format: [numbering] format"
    contains last.err "$3"
    refused "format $2"
}
badfmt 1 '{prefix}-{year}' "no {seq} placeholder"
badfmt 2 '{seq}-{seq}' "more than one {seq} placeholder"
# ('/' is allowed since issue 17: FV/{year}/{seq:06}, files FV_2026_000001.pdf)
badfmt 3 '{prefix}:{year}:{seq}' "characters other than letters, digits"
badfmt 4 '{prefix}-{seq:6}' "{seq} takes a width like {seq:06}"
badfmt 5 '{prefix}-{seq:013}' "the {seq} width must be 1 to 12"
badfmt 6 '{prefix}-{year}-{seq:06' "an unclosed '{'"
badfmt 7 '{prefix}-{month}-{seq}' "an unknown placeholder"
badfmt 8 "$(python3 -c 'print("X" * 60)'){seq}" "at most 64 are allowed"
badfmt 9 '..{seq}*..' "characters other than letters, digits"
p=$(grep -n '^prefix = ' "$cfg" | cut -d: -f1)
sed 's/^prefix = .*/prefix = ..\/x/' "$cfg" >in/prefix.ini
crun prefix 2 in/prefix.ini
contains last.err "faktura: error: in/prefix.ini:$p: prefix: [numbering] prefix must be"
refused prefix

# --- a format that is unusual but sound: {seq} right before {year}. Its numbers are
# recognised as faktura's own: crash recovery removes the PDF of a number that a crash left
# uncommitted, and a rerun invoices nothing twice.
sed 's/^format = .*/format = R{seq:03}{year}/' "$cfg" >in/seqyear.ini
PDF_GLOB='R[0-9][0-9][0-9]*2026.pdf'
crun seqyear 1 in/seqyear.ini
[ -e w/out/R0012026.pdf ] && [ -e w/out/R0202026.pdf ] || fail "seqyear: numbers R0012026..R0202026"
# As a crash between rename and commit leaves it: the name recorded as pending, the PDF in
# place, no invoice.
cp w/out/R0012026.pdf w/out/R0212026.pdf
sql db.sqlite "INSERT INTO pending_files(out_dir, name) VALUES ('$(cd w/out && pwd -P)', 'R0212026.pdf')"
run_case "seqyear rerun" 1 run --config in/seqyear.ini --db db.sqlite --out w/out -v \
    --as-of 2026-11-20 "$orders"
contains last.err \
    "removed w/out/R0212026.pdf (PDF of an invoice that an interrupted run never recorded)"
contains last.err "faktura: run batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped"
equal "seqyear: PDFs" "$(ls w/out/*.pdf | wc -l)" 20
PDF_GLOB=$BAD_PDF_GLOB

# --- values that are not what their key needs, with the line
t=$(grep -n '^payment_terms_days = ' "$cfg" | cut -d: -f1)
for v in -1 3651 14d 99999999999999999999; do
    sed "s/^payment_terms_days = .*/payment_terms_days = $v/" "$cfg" >in/terms.ini
    crun "terms $v" 2 in/terms.ini
    contains last.err "faktura: error: in/terms.ini:$t: payment_terms_days: [invoice] \
payment_terms_days must be a whole number of days (0-3650), not \"$v\""
    refused "terms $v"
done
t=$(grep -n '^tax_id_required = ' "$cfg" | cut -d: -f1)
sed 's/^tax_id_required = .*/tax_id_required = maybe/' "$cfg" >in/bool.ini
crun bool 2 in/bool.ini
contains last.err "faktura: error: in/bool.ini:$t: tax_id_required: [invoice] \
tax_id_required must be true or false"

# --- lines and bytes a config cannot hold: a line too long for the parser, a NUL byte, a
# control character (an escape sequence) in a value, binary garbage, a directory
{
    cat "$cfg"
    printf '[invoice]\nfooter = %s\n' "$(python3 -c 'print("f" * 300)')"
} >in/long.ini
crun long 2 in/long.ini
contains last.err "faktura: error: in/long.ini:$(($(wc -l <"$cfg") + 2)): the line is too long"
refused long
{
    cat "$cfg"
    printf '[invoice]\nfooter = a\000b\n'
} >in/nul.ini
crun nul 2 in/nul.ini
end=$(($(wc -l <"$cfg") + 2))
contains last.err "faktura: error: in/nul.ini:$end: the line contains a NUL byte"
refused nul
{
    cat "$cfg"
    printf '[invoice]\nfooter = \033[31mred\n'
} >in/ctrl.ini
crun ctrl 2 in/ctrl.ini
contains last.err "faktura: error: in/ctrl.ini:$end: footer: [invoice] footer must be UTF-8 text \
without control characters"
refused ctrl
printf '[seller]\nname = M\374ller\n' | cat "$cfg" - >in/latin1.ini
crun latin1 2 in/latin1.ini
contains last.err "name: [seller] name must be UTF-8 text without control characters"
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 89 + 5) % 256 for i in range(2048)))' \
    >in/garbage.ini
crun garbage 2 in/garbage.ini
contains last.err "faktura: error: in/garbage.ini:"
refused garbage
mkdir in/dir.ini
crun directory 2 in/dir.ini
contains last.err "faktura: error: in/dir.ini"
refused directory
finish
