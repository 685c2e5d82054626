# bad_files: broken and hostile input files through `faktura run` (the bad-input catalogue,
# SECURITY.md). Each case ends with the documented exit code, a message naming the file,
# line and field (stderr for a file-level error, the report's findings for one order),
# within 60 s and bounded memory, no file written outside --out, and a database that is
# still consistent (the checks of bad_lib.sh).
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"
hdr=$bad_hdr

# --- empty file: exit 3, named at line 1
: >in/empty.csv
frun empty 3 in/empty.csv
contains last.err "faktura: error: in/empty.csv:1: the file is empty"
input_refused empty

# --- header only: a batch of no orders (nothing to invoice is not an error)
printf '%s\n' "$hdr" >in/header.csv
frun header 0 in/header.csv
summary 0 0 0
input_refused header

# --- binary garbage: not a CSV header
python3 -c 'import sys; sys.stdout.buffer.write(bytes((i * 167 + 13) % 256 for i in range(4096)))' \
    >in/garbage.csv
frun garbage 3 in/garbage.csv
contains last.err "faktura: error: in/garbage.csv:2: " # its first byte is a CR: a line end
contains last.err "header"
input_refused garbage

# --- a 10 MB single line: as the header (no line end at all), and as one field of a row
head -c 10000000 /dev/zero | tr '\0' x >in/line10m.csv
frun line10m 3 in/line10m.csv
contains last.err "faktura: error: in/line10m.csv:1: "
contains last.err "header"
input_refused line10m
{
    printf '%s\n' "$hdr"
    with order_id L1 item_description "<x 10000000 d>"
    with order_id L2
} >in/field10m.csv
frun field10m 1 in/field10m.csv
summary 2 1 1
finding field10m L1 2 FIELD_TOO_LONG item_description "item_description has 10000000 bytes"

# --- a NUL byte inside a field
{
    printf '%s\n' "$hdr"
    with order_id N1 company_name "AC<NUL>ME"
    with order_id N2
} >in/nul.csv
frun nul 1 in/nul.csv
summary 2 1 1
finding nul N1 2 ENCODING_INVALID company_name "line 2: company_name contains a NUL byte"

# --- invalid UTF-8 (Latin-1 bytes), a UTF-16 surrogate encoded in UTF-8
{
    printf '%s\n' "$hdr"
    with order_id U1 company_name "M$(printf '\374')ller GmbH"
    with order_id U2 city "$(printf '\355\240\200')"
    with order_id U3
} >in/utf8.csv
frun utf8 1 in/utf8.csv
summary 3 1 2
finding utf8 U1 2 ENCODING_INVALID company_name \
    'line 2: company_name is not valid UTF-8: "M?ller GmbH"'
finding utf8 U2 3 ENCODING_INVALID city "line 3: city is not valid UTF-8"

# --- mixed line endings: CRLF and LF in one file; physical lines still counted right
{
    printf '%s\r\n' "$hdr"
    printf '%s\n' "$(with order_id M1)"
    printf '%s\r\n' "$(with order_id M2 tax_id DE136695977)"
    printf '%s\n' "$(with order_id M3)"
    printf '%s\r\n' "$(with order_id M4 quantity -1)"
} >in/mixed.csv
frun mixed 1 in/mixed.csv
summary 4 2 2
finding mixed M2 3 TAX_ID_CHECKSUM tax_id "DE136695977"
finding mixed M4 5 QUANTITY_INVALID quantity 'line 5: quantity "-1"'
# and a lone CR between records: every order is still accounted for
{
    printf '%s\n' "$hdr"
    printf '%s\r%s\n' "$(with order_id C1)" "$(with order_id C2)"
} >in/cr.csv
frun cr 0 in/cr.csv
summary 2 2 0

# --- 200,000 columns: in the header (refused), in a data row (that order fails)
seq -f 'c%.0f' 0 199999 | paste -s -d , - >in/cols_header.csv
frun cols_header 3 in/cols_header.csv
contains last.err "faktura: error: in/cols_header.csv:1: "
contains last.err "too many columns"
input_refused cols_header
{
    printf '%s\n' "$hdr"
    printf '%s%s\n' "$(with order_id W1)" "$(yes ,x | head -n 200000 | tr -d '\n')"
    with order_id W2
} >in/cols_row.csv
frun cols_row 1 in/cols_row.csv
summary 2 1 1
finding cols_row W1 2 ROW_MALFORMED null "line 2"

finish
