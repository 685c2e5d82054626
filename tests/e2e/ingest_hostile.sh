# ingest_hostile: hostile XML through the real binary. A billion-laughs file, an XXE file
# naming a local secret file, the same through a parameter entity and an external DTD,
# XInclude, an attribute flood and deep nesting: each ends with a clear error (exit code 3;
# XInclude inside an order fails that order), in bounded time and memory, and the secret's
# content appears in no output.
. "$FK_SRCDIR/tests/lib/e2e.sh"

secret_text="faktura-e2e-secret-$$-do-not-leak"
printf '%s\n' "$secret_text" >secret.txt
secret="$FK_TMP/secret.txt"

# bounded CMD...: run CMD like expect_exit does (last.out, last.err), and check it took at
# most 20 s and 150 MiB (generous for the sanitizer build; a working attack needs GBs).
bounded() {
    want=$1
    shift
    python3 - "$want" "$@" <<'PY' || fail "$*"
import resource, subprocess, sys, time
want, cmd = int(sys.argv[1]), sys.argv[2:]
t = time.monotonic()
with open("last.out", "wb") as out, open("last.err", "wb") as err:
    rc = subprocess.run(cmd, stdout=out, stderr=err, timeout=60).returncode
secs = time.monotonic() - t
rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
ok = rc == want and secs < 20 and rss_mib < 150
if not ok:
    print("exit %d (expected %d), %.1f s, %.0f MiB" % (rc, want, secs, rss_mib), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# The secret's content is in none of stdout, stderr, the report.
no_leak() {
    for f in last.out last.err report.json; do
        [ -e "$f" ] && not_contains "$f" "$secret_text"
    done
    rm -f report.json
}

order='<order><order_id>H1</order_id><order_date>2026-11-18</order_date>'
order="$order<company_name>ACME GmbH</company_name><tax_id>DE136695976</tax_id>"
order="$order<country>DE</country><currency>EUR</currency>"
order="$order<payment_method>bank_transfer</payment_method><lines><line>"
order="$order<item_description>Thing</item_description><quantity>1</quantity>"
order="$order<unit_price>10.00</unit_price><vat_rate>19</vat_rate></line></lines></order>"

# Billion laughs: 10^9 "lol"s if expanded.
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE orders ['
    echo ' <!ENTITY lol "lol">'
    prev=lol
    for e in a b c d e f g h i; do
        printf ' <!ENTITY %s "' "$e"
        for _ in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done
        printf '">\n'
        prev=$e
    done
    echo ']>'
    echo '<orders><order><order_id>&i;</order_id><company_name>&i;</company_name></order></orders>'
} >laughs.xml
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 --report report.json laughs.xml
contains last.err "faktura: error: laughs.xml:2: DOCTYPE declarations are not accepted"
not_contains last.err "lollol"
[ ! -e report.json ] || not_contains report.json "lollol"
no_leak

# XXE: an external entity naming the secret file, used in an order's field.
cat >xxe.xml <<XML
<?xml version="1.0"?>
<!DOCTYPE orders [<!ENTITY secret SYSTEM "file://$secret">]>
<orders>$(echo "$order" | sed 's|ACME GmbH|\&secret;|')</orders>
XML
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 --report report.json xxe.xml
contains last.err "faktura: error: xxe.xml:2: DOCTYPE declarations are not accepted"
no_leak
# the same through `run`: nothing recorded
bounded 3 "$FAKTURA" run --config "$SAMPLES/faktura.ini" --db db.sqlite --out out \
    --as-of 2026-11-20 xxe.xml
contains last.err "DOCTYPE declarations are not accepted"
no_leak
[ ! -e out ] || [ -z "$(ls out)" ] || fail "a refused XML file produced PDFs"

# A parameter entity (expanded inside the DTD itself), and an external DTD.
cat >param.xml <<XML
<?xml version="1.0"?>
<!DOCTYPE orders [<!ENTITY % p SYSTEM "file://$secret"> %p;]>
<orders>$order</orders>
XML
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 --report report.json param.xml
contains last.err "param.xml:2: DOCTYPE declarations are not accepted"
no_leak
cat >dtd.xml <<XML
<?xml version="1.0"?>
<!DOCTYPE orders SYSTEM "file://$secret">
<orders>$order</orders>
XML
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 --report report.json dtd.xml
contains last.err "dtd.xml:2: DOCTYPE declarations are not accepted"
no_leak

# XInclude is never processed. Inside an order, <xi:include> is an element the schema does
# not know: that order fails and names it. Between orders, the document stops (exit 3).
cat >xinclude-order.xml <<XML
<?xml version="1.0"?>
<orders xmlns:xi="http://www.w3.org/2001/XInclude">
$(echo "$order" | sed "s|<tax_id>|<xi:include href=\"file://$secret\" parse=\"text\"/><tax_id>|")
</orders>
XML
bounded 1 "$FAKTURA" validate --as-of 2026-11-20 --format csv --report report.json \
    xinclude-order.xml
contains report.json '"H1","xinclude-order.xml","3","failed"'
contains report.json \
    "element <{http://www.w3.org/2001/XInclude}include>: This element is not expected"
no_leak
cat >xinclude.xml <<XML
<?xml version="1.0"?>
<orders xmlns:xi="http://www.w3.org/2001/XInclude">
<xi:include href="file://$secret" parse="text"/>
$order
</orders>
XML
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 --report report.json xinclude.xml
contains last.err "xinclude.xml:3: the document does not match the orders schema"
no_leak

# Quadratic and deep: a 10 MB tag of a million attributes (libxml2 2.9 compares them pair
# by pair: minutes of CPU) and 100,000 nested elements (its push parser has no depth limit).
python3 -c 'import sys
sys.stdout.write("<orders>\n<order " + " ".join("a%d=\"\"" % i for i in range(1000000))
                 + "/>\n</orders>\n")' >flood.xml
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 flood.xml
contains last.err "flood.xml:2: a tag has more than 64 attributes"
python3 -c 'import sys
sys.stdout.write("<orders>\n" + "<order>" * 100000 + "</order>" * 100000 + "\n</orders>\n")' \
    >deep.xml
bounded 3 "$FAKTURA" validate --as-of 2026-11-20 deep.xml
contains last.err "deep.xml:2: elements are nested more than 32 deep"

finish
