# bad_xml_encoding: XML files in encodings libxml2 does not decode itself (issue 15, the
# bad-input catalogue). The guard used to look at the first 512 bytes only, as ASCII: a
# declaration padded past them reached libxml2's converters (a declared "UTF7" and one bad
# byte: a use-after-free and SIGSEGV inside libxml2 2.9.14), and so did EBCDIC and a
# declared cp1252. SECURITY.md promises: only UTF-8, US-ASCII and ISO-8859-1 are accepted,
# anything else is refused (exit 3, naming the file and line 1) before libxml2 converts a
# byte, and nothing of the batch is recorded.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

# order ID COMPANY: one valid order element
order() {
    printf '<order><order_id>%s</order_id><order_date>2026-11-18</order_date>' "$1"
    printf '<customer_id>C-%s</customer_id><company_name>%s</company_name>' "$1" "$2"
    printf '<tax_id>DE136695977</tax_id><country>DE</country>'
    printf '<currency>EUR</currency><payment_method>bank_transfer</payment_method>'
    printf '<lines><line><item_description>Widget</item_description><quantity>2</quantity>'
    printf '<unit_price>10.00</unit_price><vat_rate>19</vat_rate></line></lines></order>\n'
}
body() {
    echo '<orders>'
    order X1 "$1"
    echo '</orders>'
}
# spaces N: N spaces
spaces() {
    python3 -c 'import sys; sys.stdout.write(" " * int(sys.argv[1]))' "$1"
}

# refused NAME FILE TEXT: exit 3 at FILE:1 with TEXT, nothing recorded
refused() {
    frun "$1" 3 "$2"
    contains last.err "faktura: error: $2:1: "
    contains last.err "$3"
    input_refused "$1"
}

# --- a declaration padded past 512 bytes: a declared UTF7 with a byte UTF-7 cannot decode
# crashed libxml2 2.9.14 (SIGSEGV); a declared cp1252 was converted and read
{
    printf '<?xml version="1.0"%s encoding="UTF7"?>\n' "$(spaces 600)"
    printf '<orders>\371</orders>\n'
} >in/utf7.xml
refused utf7 in/utf7.xml 'the XML declaration names the encoding "UTF7"'
{
    printf '<?xml version="1.0"'
    python3 -c 'import sys; sys.stdout.write("\n" * 600)'
    printf 'encoding="cp1252"?>\n'
    body "$(printf 'M\374ller GmbH')"
} >in/cp1252.xml
refused cp1252 in/cp1252.xml 'the XML declaration names the encoding "cp1252"'
# the same padding around an accepted name is read (and converted)
{
    printf '<?xml version="1.0"%s encoding="ISO-8859-1"?>\n' "$(spaces 600)"
    body "$(printf 'M\374ller GmbH')"
} >in/latin1.xml
frun latin1 1 in/latin1.xml
summary 1 0 1
finding latin1 X1 3 TAX_ID_CHECKSUM tax_id "DE136695977"
equal "latin1: company" "$(sql db.sqlite "SELECT json_extract(data, '$.fields.company_name')
    FROM orders")" "Müller GmbH"

# --- EBCDIC, UTF-16 and UTF-32 (with and without a byte order mark): known by their first
# bytes, refused whatever their declaration says
{ echo '<?xml version="1.0" encoding="IBM037"?>'; body 'ACME GmbH'; } |
    iconv -f UTF-8 -t IBM037 >in/ebcdic.xml
refused ebcdic in/ebcdic.xml "the file is EBCDIC"
{ echo '<?xml version="1.0" encoding="UTF-16"?>'; body 'ACME GmbH'; } |
    iconv -f UTF-8 -t UTF-16 >in/utf16.xml
refused utf16 in/utf16.xml "the file is UTF-16 or UTF-32 (it starts with a byte order mark)"
{ echo '<?xml version="1.0" encoding="UTF-16"?>'; body 'ACME GmbH'; } |
    iconv -f UTF-8 -t UTF-16LE >in/utf16le.xml
refused utf16le in/utf16le.xml "the file is UTF-16 or UCS-4"
{ echo '<?xml version="1.0" encoding="UCS-4"?>'; body 'ACME GmbH'; } |
    iconv -f UTF-8 -t UCS-4 >in/ucs4.xml
refused ucs4 in/ucs4.xml "the file is UTF-16 or UCS-4"

# --- a declaration that never ends (libxml2 reads it at the end of the file all the same)
printf '<?xml version="1.0" encoding="UTF7"' >in/open.xml
refused open in/open.xml 'the XML declaration names the encoding "UTF7"'

finish
