# bad_xml: hostile and broken XML inputs through `faktura run` (the bad-input catalogue,
# SECURITY.md "XML"): 100,000 nested elements, a DOCTYPE, an external entity naming a local
# file, a parameter entity, a billion-laughs file, XInclude, a truncated file, gzip bytes.
# Each is refused with exit code 3 and a message naming the file and line (a bad element
# inside one order fails only that order), within bounded time and memory; the content of
# the local file never appears in any output; nothing of a refused batch is recorded.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BAD_LIB=1
. "$FK_SRCDIR/tests/e2e/bad_lib.sh"

SECRET="faktura-secret-$$-do-not-leak"
printf '%s\n' "$SECRET" >in/secret.txt
secret_url="file://$FK_TMP/in/secret.txt"

# order ID [EXTRA_FIELDS]: one order element (a valid order unless EXTRA says otherwise)
order() {
    printf '<order><order_id>%s</order_id><order_date>2026-11-18</order_date>' "$1"
    printf '<customer_id>C-%s</customer_id><company_name>%s</company_name>' "$1" "${3:-ACME GmbH}"
    printf '<tax_id>%s</tax_id><country>DE</country>' "${2:-DE136695976}"
    printf '<currency>EUR</currency><payment_method>bank_transfer</payment_method>'
    printf '<lines><line><item_description>Widget</item_description><quantity>2</quantity>'
    printf '<unit_price>10.00</unit_price><vat_rate>19</vat_rate></line></lines></order>\n'
}
xml_head='<?xml version="1.0" encoding="UTF-8"?>'

# no_leak NAME: the local file's content is in no output: stderr, stdout, report, PDFs, db
no_leak() {
    for f in last.err last.out; do
        not_contains "$f" "$SECRET"
    done
    if [ -d w/out ]; then
        if grep -rqF "$SECRET" w/out; then fail "$1: the secret is in w/out"; fi
        for p in $(find w/out -name '*.pdf'); do
            pdftotext "$p" - 2>/dev/null | grep -qF "$SECRET" && fail "$1: the secret is in $p"
        done
    fi
    if [ -e db.sqlite ] && sqlite3 db.sqlite .dump | grep -qF "$SECRET"; then
        fail "$1: the secret is in the database"
    fi
}

# refused NAME FILE LINE TEXT: exit 3 naming FILE:LINE with TEXT; nothing recorded or leaked
refused() {
    frun "$1" 3 "$2"
    contains last.err "faktura: error: $2:$3: "
    contains last.err "$4"
    input_refused "$1"
    no_leak "$1"
}

# --- well-formed orders are read
{
    echo "$xml_head"
    echo '<orders>'
    order X1
    order X2 DE136695977
    echo '</orders>'
} >in/good.xml
frun good 1 in/good.xml
summary 2 1 1
finding good X2 4 TAX_ID_CHECKSUM tax_id "DE136695977"

# --- 100,000 nested elements: refused (no order is deeper than 4 levels), in bounded time
# and memory: libxml2 keeps a stack entry per open element, so a depth limit is what bounds
# its memory
python3 -c '
import sys
n = 100000
sys.stdout.write("<?xml version=\"1.0\"?>\n<orders>\n")
sys.stdout.write("<order>" * n + "</order>" * n + "\n</orders>\n")
' >in/deep.xml
frun deep 3 in/deep.xml
contains last.err "faktura: error: in/deep.xml:"
input_refused deep

# --- a DOCTYPE, however harmless, stops the file before its internal subset is read
{
    echo "$xml_head"
    echo '<!DOCTYPE orders [<!ELEMENT orders ANY>]>'
    echo '<orders>'
    order D1
    echo '</orders>'
} >in/doctype.xml
refused doctype in/doctype.xml 2 "DOCTYPE declarations are not accepted"

# --- an external entity naming a local file (XXE)
{
    echo "$xml_head"
    echo "<!DOCTYPE orders [<!ENTITY xxe SYSTEM \"$secret_url\">]>"
    echo '<orders>'
    order E1 DE136695976 '&xxe;'
    echo '</orders>'
} >in/xxe.xml
refused xxe in/xxe.xml 2 "DOCTYPE declarations are not accepted"

# --- a parameter entity (out-of-band XXE) and a billion-laughs expansion
{
    echo "$xml_head"
    echo "<!DOCTYPE orders [<!ENTITY % p SYSTEM \"$secret_url\"> %p;]>"
    echo '<orders>'
    order P1
    echo '</orders>'
} >in/param.xml
refused param in/param.xml 2 "DOCTYPE declarations are not accepted"
{
    echo "$xml_head"
    printf '<!DOCTYPE orders [<!ENTITY l0 "lol">'
    i=1
    while [ $i -le 9 ]; do
        printf '<!ENTITY l%d "%s">' $i "$(printf '&l%d;' $((i - 1)) $((i - 1)) $((i - 1)) \
            $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)) $((i - 1)))"
        i=$((i + 1))
    done
    echo ']>'
    echo '<orders>'
    order B1 DE136695976 '&l9;'
    echo '</orders>'
} >in/laughs.xml
refused laughs in/laughs.xml 2 "DOCTYPE declarations are not accepted"

# --- XInclude is never processed: between orders it stops the file (not the schema);
# inside an order it fails that order only
{
    echo "$xml_head"
    echo '<orders xmlns:xi="http://www.w3.org/2001/XInclude">'
    order I1
    echo "<xi:include href=\"$secret_url\" parse=\"text\"/>"
    echo '</orders>'
} >in/xinclude.xml
refused xinclude in/xinclude.xml 4 "orders schema"
{
    echo "$xml_head"
    echo '<orders xmlns:xi="http://www.w3.org/2001/XInclude">'
    order J1 DE136695976 "<xi:include href=\"$secret_url\" parse=\"text\"/>"
    order J2
    echo '</orders>'
} >in/xinclude_order.xml
frun xinclude_order 1 in/xinclude_order.xml
summary 2 1 1
finding xinclude_order J1 3 ROW_MALFORMED company_name "line 3"
no_leak xinclude_order

# --- a truncated file: refused at the line where it ends; nothing of the batch recorded
{
    echo "$xml_head"
    echo '<orders>'
    order T1
    order T2
    order T3 | cut -c1-150 | tr -d '\n'
} >in/truncated.xml
refused truncated in/truncated.xml 5 "not well-formed"

# --- gzip bytes are not decompressed behind faktura's back
gzip -c in/good.xml >in/packed.xml
refused packed in/packed.xml 1 "gzip"
finish
