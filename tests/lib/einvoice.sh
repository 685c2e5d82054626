# einvoice.sh -- helpers for the e-invoice tests (sourced after e2e.sh, POSIX sh): the
# offline kit (../shared/einvoice, or FK_EINVOICE_KIT) and its validators.
KIT=${FK_EINVOICE_KIT:-$FK_SRCDIR/../shared/einvoice}
[ -d "$KIT" ] || KIT=/work/shared/einvoice
schematron=1
if [ "${FK_SANITIZER_BUILD:-}" = 1 ]; then
    # tests/CMakeLists.txt: the sanitizer build runs faktura's side of these tests (the
    # writers, show, verify, validate); the kit's validators check the same bytes in the
    # normal build.
    echo "sanitizer build: the schematron checks run in the normal build"
    schematron=0
elif ! command -v java >/dev/null 2>&1 || [ ! -f /usr/share/java/Saxon-HE.jar ] || [ ! -x "$KIT/validate.sh" ]; then
    echo "##### SKIPPING the schematron checks: java, Saxon-HE (libsaxonhe-java) or the kit $KIT is missing #####"
    schematron=0
fi

# einv_check MODE DIR...: every file in the DIRs passes the kit's validate.sh MODE (XSD and
# the official schematrons: no fatal assert); the warnings are printed, counted per rule.
# One call for many directories: the kit starts a JVM per validator per call (two or three
# seconds of CPU each, most of these tests' cost), whatever the number of files.
einv_check() {
    mode=$1
    shift
    rc=0
    out=$("$KIT/validate.sh" -v "$mode" "$@" 2>&1) || rc=$?
    echo "$out" | grep -E '^\s+[^ ]+: (warning|information) ' | sed 's/[A-Z]*-2026-[0-9]*//' | sort | uniq -c | sed "s|^|warning ($mode): |"
    [ "$rc" = 0 ] || fail "validate.sh $mode $*: $(echo "$out" | grep FAIL)"
    echo "$mode $*: $(echo "$out" | grep -c ': OK$') files OK"
}

# einv_done_unless_schematron: without the kit's validators (skipped above), the test ends
# here with its result so far (finish returns when nothing failed).
einv_done_unless_schematron() {
    if [ "$schematron" != 1 ]; then
        finish
        exit 0
    fi
}

# einv_facturx DB PDF NUMBER DIR: the XML embedded in Factur-X PDF is the bytes
# `faktura show --format facturx NUMBER` gives (kept as DIR/NUMBER.xml), and qpdf --check
# is clean.
einv_facturx() {
    "$FAKTURA" show --db "$1" --format facturx "$3" >"$4/$3.xml" || fail "show --format facturx $3"
    pdfdetach -save 1 -o "$4/$3.embedded" "$2" || fail "pdfdetach $2"
    cmp -s "$4/$3.xml" "$4/$3.embedded" || fail "$3: the embedded XML is not the shown CII"
    rm -f "$4/$3.embedded"
    qpdf --check "$2" >qpdf.out 2>&1 || fail "qpdf --check $2: $(cat qpdf.out)"
    if grep -qi warning qpdf.out; then fail "qpdf warns on $2: $(cat qpdf.out)"; fi
}
