# einvoice.sh -- helpers for the e-invoice tests (sourced after e2e.sh, POSIX sh): the
# offline kit (../shared/einvoice, or FK_EINVOICE_KIT) and its validators.
KIT=${FK_EINVOICE_KIT:-$FK_SRCDIR/../shared/einvoice}
[ -d "$KIT" ] || KIT=/work/shared/einvoice
# Every JVM of these tests runs with -XX:-UsePerfData: without it a JVM keeps its
# performance counters in /tmp/hsperfdata_USER, whatever TMPDIR says (tests/lib/e2e.sh: a
# test writes only in its own directories). JAVA_OPTS is validate.sh's default with the
# flag, or the caller's JAVA_OPTS with the flag added (einv_cds: only validate.sh's default
# gets the class data sharing archive of einv_svrl_once).
if [ -n "${JAVA_OPTS+set}" ]; then
    JAVA_OPTS="$JAVA_OPTS -XX:-UsePerfData"
    einv_cds=0
else
    JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
    einv_cds=1
fi
export JAVA_OPTS
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

# einv_check MODE FILE|DIR...: every file (in the DIRs) passes the kit's validate.sh MODE
# (XSD and the official schematrons: no fatal assert); the warnings are printed, counted per
# rule. One call for many files: the kit starts a JVM per validator per call (two or three
# seconds of CPU each, most of these tests' cost), whatever the number of files.
einv_check() {
    mode=$1
    shift
    rc=0
    out=$("$KIT/validate.sh" -v "$mode" "$@" 2>&1) || rc=$?
    echo "$out" | grep -E '^\s+[^ ]+: (warning|information) ' | sed 's/[A-Z]*-2026-[0-9]*//' | sort | uniq -c | sed "s|^|warning ($mode): |"
    [ "$rc" = 0 ] || fail "validate.sh $mode: $(echo "$out" | grep -v ': OK$' | grep -v '^ ')"
    echo "validate.sh $mode: $(echo "$out" | grep -c ': OK$') files OK"
}

# einv_svrl_once XSLT FILE... [--and XSLT FILE...]...: each XSLT (a schematron of the kit,
# e.g. the CEN EN 16931 rules that several modes share) runs once on all its FILEs, its
# reports kept; the einv_check calls after it take them instead of starting that JVM again
# (tests/lib/einv-java.py is validate.sh's JAVA from here on; validate.sh judges the
# reports as its own). Without a report for every file of a call, validate.sh runs the
# XSLT itself.
# Every Saxon run goes to one JVM, einv_saxon_server (below), when it starts. Without it,
# unless the caller set JAVA_OPTS (einv_cds above), the JVMs after the first share its
# classes (Saxon's; class data sharing, a dynamic archive in this test's directory): 0.4
# CPU s less for each. Once: a later call runs with the archive, not writing another.
einv_svrl_once() {
    EINV_JAVA=${JAVA:-java}
    JAVA=$FK_SRCDIR/tests/lib/einv-java.py
    EINV_SVRL_CACHE=$PWD/svrl-cache
    export EINV_JAVA JAVA EINV_SVRL_CACHE
    einv_saxon_server
    cds=
    [ "$einv_cds" != 1 ] || [ -n "${EINV_SAXON_SERVER:-}" ] || cds=$PWD/saxon.jsa
    einv_cds=0
    EINV_CDS_ARCHIVE=$cds "$JAVA" --fill "$EINV_SVRL_CACHE" "$@" ||
        echo "(einv_svrl_once: validate.sh runs these itself)"
    if [ -n "$cds" ] && [ -s "$cds" ]; then
        # validate.sh's default options, -XX:-UsePerfData (above) and the archive
        JAVA_OPTS="$JAVA_OPTS -XX:SharedArchiveFile=$cds"
        export JAVA_OPTS
    fi
}

# einv_done_unless_schematron: without the kit's validators (skipped above), the test ends
# here with its result so far (finish returns when nothing failed).
einv_done_unless_schematron() {
    if [ "$schematron" != 1 ]; then
        finish
        exit 0
    fi
}

# einv_saxon_server: one JVM for every Saxon run of this test from here on
# (tests/lib/SaxonServer.java, through einv-java.py: EINV_SAXON_SERVER is its socket). The
# kit starts a JVM per validator per validate.sh call and one for each call's summary; each
# loaded Saxon and JIT-compiled it again, which cost more CPU than the transforms (16 of
# credit_einvoice's 28 CPU s were Java). The server compiles itself at start (the JDK's
# source launcher, a second of CPU), with validate.sh's JAVA_OPTS; it ends with the test's
# shell (it watches this PID), on einv_saxon_server_stop, or after ten idle minutes.
# Without it (no socket after 60 s, or a socket path too long for a Unix socket), every
# run is a JVM of its own, as before.
einv_saxon_server() {
    [ -z "${EINV_SAXON_SERVER:-}" ] || return 0
    sock=$PWD/saxon.sock
    if [ "${#sock}" -gt 100 ]; then
        echo "(einv_saxon_server: $sock is too long for a Unix socket: a JVM per run)"
        return 0
    fi
    rm -f "$sock"
    # shellcheck disable=SC2086 # JAVA_OPTS: a list of options
    "${EINV_JAVA:-java}" $JAVA_OPTS -cp "${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}" \
        "$FK_SRCDIR/tests/lib/SaxonServer.java" "$sock" $$ \
        </dev/null >saxon-server.log 2>&1 &
    einv_server_pid=$!
    i=0
    while [ ! -S "$sock" ] && [ $i -lt 600 ] && kill -0 "$einv_server_pid" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ -S "$sock" ]; then
        EINV_SAXON_SERVER=$sock
        export EINV_SAXON_SERVER
    else
        echo "(einv_saxon_server: no server: a JVM per run; saxon-server.log: $(head -c 500 saxon-server.log))"
    fi
}

# einv_saxon_server_stop: the server ends now (each run after it starts its own JVM): asked
# to, or killed when it does not answer; this shell waits for it, so that its CPU counts in
# the test's (ctest's children's) time.
einv_saxon_server_stop() {
    if [ -n "${EINV_SAXON_SERVER:-}" ]; then
        python3 - "$EINV_SAXON_SERVER" <<'PY' || kill "$einv_server_pid" 2>/dev/null || true
import socket, sys
with socket.socket(socket.AF_UNIX) as c:
    c.connect(sys.argv[1])
    c.sendall(b"quit\0")
    c.shutdown(socket.SHUT_WR)
    c.recv(8)
PY
        unset EINV_SAXON_SERVER
        wait "$einv_server_pid" || true
    fi
}
