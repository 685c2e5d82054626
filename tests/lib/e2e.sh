# e2e.sh -- shared helpers for the end-to-end tests (sourced, POSIX sh).
# ctest sets FAKTURA (the binary), FK_SRCDIR (the checkout) and FK_TMP (a scratch dir).
#
# A test writes only in FK_TMP, where it starts, and in TMPDIR: "$FK_TMP.tmp", beside it (not
# in it: tests list their scratch dir), both emptied and created here; never in /tmp,
# /var/tmp, $HOME or a device node (CI runs as root; tests/CMakeLists.txt). What a test
# starts keeps its temporary files in TMPDIR: faktura (its prescan copy, the batch's key
# store), SQLite (SQLITE_TMPDIR is unset, so TMPDIR decides), mktemp, validate.sh. A program
# that writes elsewhere is kept in: chromium gets a HOME in FK_TMP (report_formats.sh), a JVM
# -XX:-UsePerfData (tests/lib/einvoice.sh: no hsperfdata in /tmp), systemd-analyze a private
# /tmp (dist_examples.sh).
set -eu
: "${FAKTURA:?FAKTURA must point at the faktura binary}"
: "${FK_SRCDIR:?}"
: "${FK_TMP:?}"
SAMPLES="$FK_SRCDIR/samples"
TMPDIR=${FK_TMP%/}.tmp
rm -rf "$FK_TMP" "$TMPDIR"
mkdir -p "$FK_TMP" "$TMPDIR"
export TMPDIR
unset SQLITE_TMPDIR
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

# contains_all FILE TEXT...: `contains FILE TEXT` for each TEXT, and
# not_contains_any FILE TEXT...: `not_contains FILE TEXT` for each TEXT, the same checks
# (a fixed string within one line, grep -F's meaning) with one awk for all the texts
# instead of one grep each. A TEXT that is empty or holds a newline (grep -F reads it as
# several patterns) goes to contains / not_contains itself. A FILE that cannot be read is
# one failure, for either (FILE goes to awk as its input, never as an operand: a name
# with '=' would be read as an assignment).
contains_all() {
    _scan_all contains "$@"
}
not_contains_any() {
    _scan_all not_contains "$@"
}
_scan_all() {
    _how=$1 _file=$2
    shift 2
    if [ ! -r "$_file" ]; then # a check of a file that is not there is no pass
        fail "$_file cannot be read (checked for: $*)"
        return 0
    fi
    _pats=
    for _t in "$@"; do
        case $_t in
        "" | *"
"*) "$_how" "$_file" "$_t"; _t= ;; # an empty line: awk skips it
        esac
        _pats="$_pats$_t
"
    done
    # awk prints the numbers of the texts found (not_contains) or not found (contains)
    if _hits=$(E2E_PATS=$_pats LC_ALL=C awk -v want="$_how" '
        BEGIN { n = split(ENVIRON["E2E_PATS"], p, "\n") - 1; left = 0
                for (i = 1; i <= n; i++) if (p[i] == "") seen[i] = 1; else left++
                if (left == 0) exit }
        { for (i = 1; i <= n; i++)
              if (!(i in seen) && index($0, p[i])) { seen[i] = 1; if (--left == 0) exit } }
        END { for (i = 1; i <= n; i++)
                  if (p[i] != "" && ((i in seen) == (want == "not_contains"))) print i }' \
        <"$_file" 2>/dev/null); then
        for _i in $_hits; do
            eval "_t=\${$_i}"
            if [ "$_how" = contains ]; then
                fail "$_file does not contain: $_t"
            else
                fail "$_file contains: $_t"
            fi
        done
    else
        for _t in "$@"; do
            case $_t in "" | *"
"*) ;; *) "$_how" "$_file" "$_t" ;; esac
        done
    fi
}

# equal WHAT GOT WANT
equal() {
    [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

sql() {
    sqlite3 -batch -noheader "$1" "$2"
}

# read_file VAR FILE: VAR="$(cat FILE)" without starting cat: FILE's text with its
# trailing newlines dropped (for small text files: the shell reads them byte by byte).
read_file() {
    _v= _sep=
    if [ ! -r "$2" ]; then
        fail "read_file: cannot read $2"
    else
        while IFS= read -r _l || [ -n "$_l" ]; do
            _v="$_v$_sep$_l" _sep='
'
        done <"$2"
    fi
    while :; do # an empty line at the end was a trailing newline too
        case $_v in
        *"
") _v=${_v%?} ;;
        *) break ;;
        esac
    done
    eval "$1=\$_v"
}

# sql_lines DB SQL VAR...: one sqlite3 for several values: SQL's output lines (a value
# a line, e.g. one statement each; NULL is an empty line), in order, into the VARs. An
# error of sqlite3 is a failure (the values it did not print stay empty); a statement
# must print exactly one line (a scalar or an aggregate), or the later values shift.
sql_lines() {
    _db=$1 _sql=$2
    shift 2
    sqlite3 -batch -noheader "$_db" "$_sql" >"$FK_TMP/.sql_lines" 2>"$FK_TMP/.sql_lines.err" ||
        fail "sql_lines $_db: sqlite3: $(cat "$FK_TMP/.sql_lines.err")"
    {
        for _var in "$@"; do
            IFS= read -r "$_var" || :
        done
    } <"$FK_TMP/.sql_lines"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "ok"
}
