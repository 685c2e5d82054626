# show_format: `faktura show`'s --format FORMAT in its help, its man page and its zsh
# completion. The synopsis says --format FORMAT (the completions take their words from the
# synopses); `faktura show --help` names the e-invoice formats, each one that show takes
# (past the format check, on to the database); and the zsh completion of `show --format`
# offers json and exactly those (dist/gen-docs.py, COMMAND_VALUES), not the report formats
# that FORMAT means for run, validate, retry and report.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BUILD=$(cd "$(dirname "$FAKTURA")/.." && pwd)

expect_exit 0 "$FAKTURA" show --help
contains_all last.out "Usage: faktura show NUMBER [--format FORMAT] [--db FILE]" \
    "--format FORMAT: json (the default), or an e-invoice format ("
# The list in the help: the words between "e-invoice format (" and ")", joined over lines.
formats=$(tr '\n' ' ' <last.out | sed -n 's/.*an e-invoice format (\([^)]*\)).*/\1/p' | tr -d ',')
[ -n "$formats" ] || fail "show --help lists no e-invoice format"
for f in $formats; do
    # A format show takes gets past the format check: the error is the missing database.
    expect_exit 2 "$FAKTURA" show INV-1 --format "$f" --db none.db
    contains last.err "no database at none.db"
    not_contains last.err "neither json nor"
done
expect_exit 2 "$FAKTURA" show INV-1 --format csv --db none.db
contains last.err "is neither json nor an e-invoice format"

# The man page has the synopsis as the help has it.
contains "$BUILD/dist/faktura.1" 'faktura show NUMBER [\-\-format FORMAT] [\-\-db FILE]'
# zsh: show --format completes to json and the help's formats.
zshline=$(grep '^        show) ' "$BUILD/dist/_faktura")
equal "zsh: show --format" "$(printf '%s\n' "$zshline" | sed -n "s/.*'--format\[[^]]*\]:value:(\([^)]*\))'.*/\1/p")" \
    "json $(echo $formats)"
# bash completes --format by the option alone: the report formats, as before.
equal "bash: --format" "$(sed -n 's/^ *--format) COMPREPLY=(\$(compgen -W .\([^'"'"']*\). .*/\1/p' \
    "$BUILD/dist/faktura.bash")" "json csv html junit"
finish
