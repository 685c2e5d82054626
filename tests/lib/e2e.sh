# e2e.sh -- shared helpers for the end-to-end tests (sourced, POSIX sh).
# ctest sets FAKTURA (the binary), FK_SRCDIR (the checkout) and FK_TMP (a scratch dir).
set -eu
: "${FAKTURA:?FAKTURA must point at the faktura binary}"
: "${FK_SRCDIR:?}"
: "${FK_TMP:?}"
SAMPLES="$FK_SRCDIR/samples"
rm -rf "$FK_TMP"
mkdir -p "$FK_TMP"
cd "$FK_TMP"
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_exit CODE CMD...: run CMD, check its exit code; its stdout/stderr go to
# last.out / last.err.
expect_exit() {
    want=$1
    shift
    set +e
    "$@" >last.out 2>last.err
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/    stderr: /' last.err >&2
    fi
}

# contains FILE TEXT: FILE contains TEXT (fixed string).
contains() {
    grep -qF -- "$2" "$1" || fail "$1 does not contain: $2"
}

not_contains() {
    if grep -qF -- "$2" "$1"; then fail "$1 contains: $2"; fi
}

# equal WHAT GOT WANT
equal() {
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

sql() {
    sqlite3 -batch -noheader "$1" "$2"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "ok"
}
