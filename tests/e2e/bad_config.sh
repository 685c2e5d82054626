# bad_config: broken config files (the bad-input catalogue). A config faktura cannot use is
# a usage error (exit 2) naming the file, the line where there is one, and the key; it
# stops `run` before anything is written. Unknown keys are warned about, with their line,
# and the run goes on. The checks of bad_lib.sh hold after each run. One case of each kind
# here; every value of each (each missing seller key, each bad numbering format, each bad
# number of days, booleans, control characters and Latin-1 in values) is a row of
# test_refused in tests/unit/test_config.c, which loads the file the same way.
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

# --- a missing seller detail (every key: test_config)
grep -v "^vat_id = " "$cfg" >in/no_vat_id.ini
crun "no vat_id" 2 in/no_vat_id.ini
contains last.err "faktura: error: in/no_vat_id.ini: vat_id: [seller] vat_id is missing"
refused "no vat_id"

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

# --- a bad numbering format: exit 2, naming the file, the format's line and the problem
# (every kind of bad format: test_config)
n=$(grep -n '^format = ' "$cfg" | cut -d: -f1)
badfmt() {
    sed "s/^format = .*/format = $2/" "$cfg" >"in/fmt$1.ini"
    crun "format $2" 2 "in/fmt$1.ini"
    contains last.err "faktura: error: in/fmt$1.ini:$n: format: [numbering] format"
    contains last.err "$3"
    refused "format $2"
}
badfmt 1 '{prefix}-{year}' "no {seq} placeholder"
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
# (-1 here; 3651, 14d, 20 digits, booleans and text values: test_config)
v=-1
sed "s/^payment_terms_days = .*/payment_terms_days = $v/" "$cfg" >in/terms.ini
crun "terms $v" 2 in/terms.ini
contains last.err "faktura: error: in/terms.ini:$t: payment_terms_days: [invoice] \
payment_terms_days must be a whole number of days (0-3650), not \"$v\""
refused "terms $v"

# --- lines and bytes a config cannot hold: a line too long for the parser, a NUL byte,
# binary garbage, a directory (a control character or Latin-1 in a value: test_config)
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
