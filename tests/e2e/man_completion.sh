# man_completion: the man page and the shell completions, generated at build time from the
# program's --help (dist/gen-docs.py), agree with it. `man -l` renders the page without a
# warning; it lists every command `faktura --help` lists, in the synopsis and the command
# list, and every word of every `faktura COMMAND --help`, in order. The bash completion
# completes the commands, their options and the options' values; the zsh completion parses
# and names the same commands.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BUILD=$(cd "$(dirname "$FAKTURA")/.." && pwd)
PAGE=$BUILD/dist/faktura.1
[ -s "$PAGE" ] || { fail "no man page at $PAGE"; finish; }

# The commands, as the program lists them (its command table).
"$FAKTURA" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' >commands.txt
[ "$(wc -l <commands.txt)" -ge 9 ] || fail "faktura --help lists too few commands: $(cat commands.txt)"

# The page renders (groff warnings to stderr fail the test) and lists every command.
LC_ALL=C MANWIDTH=80 man --warnings -l -P cat "$PAGE" >man.txt 2>man.err || fail "man -l failed: $(cat man.err)"
[ ! -s man.err ] || fail "man -l warns: $(cat man.err)"
contains man.txt "FAKTURA(1)"
while read -r cmd; do
    grep -q "^       faktura $cmd" man.txt || fail "the man page's synopsis lacks $cmd"
    sed -n '/^COMMANDS/,/^OPTIONS/p' man.txt | grep -q "^       $cmd" || fail "COMMANDS lacks $cmd"
    "$FAKTURA" "$cmd" --help >"help-$cmd.txt"
done <commands.txt
"$FAKTURA" --help >help-main.txt
# Every word of each --help, in order, in the page (a subsequence of its words).
# The "Usage:" lines are the synopsis and the headings of `faktura --help` its sections.
python3 - man.txt help-main.txt help-*.txt <<'PY' || fail "the man page differs from --help"
import re, sys
page = open(sys.argv[1]).read().split()
for path in sys.argv[2:]:
    lines = [l for l in open(path).read().splitlines()
             if not l.startswith("Usage: ") and not re.fullmatch(r"[A-Z][a-z ]*:", l)]
    words, i = " ".join(lines).split(), 0
    for w in words:
        try:
            i = page.index(w, i) + 1
        except ValueError:
            sys.exit("%s: %r (word %d) not in the man page after the words before it"
                     % (path, w, words.index(w)))
PY

# bash: complete -p, then the completion function as bash calls it.
comp() {
    bash -c '. "$1"; shift; complete -p faktura >/dev/null || exit 9
             COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _faktura
             printf "%s\n" "${COMPREPLY[@]}"' sh "$BUILD/dist/faktura.bash" "$@"
}
{ cat commands.txt; printf -- '--help\n--version\n'; } | sort >want.txt
comp faktura "" | sort >got.txt
diff -u want.txt got.txt >bash.diff || fail "bash completes other commands: $(cat bash.diff)"
equal "faktura ver<TAB>" "$(comp faktura ver)" "verify"
equal "faktura run --for<TAB>" "$(comp faktura run --for)" "--format"
equal "faktura retry --ba<TAB>" "$(comp faktura retry --ba)" "--batch"
equal "faktura run --format <TAB>" "$(comp faktura run --format "" | tr '\n' ' ')" "json csv html junit "
equal "faktura validate --input-format <TAB>" "$(comp faktura validate --input-format "" | tr '\n' ' ')" "csv xml "
mkdir -p sub.d && : >ledger.csv
equal "faktura run --out <TAB>" "$(comp faktura run --out sub)" "sub.d"
equal "faktura run led<TAB>" "$(comp faktura run led)" "ledger.csv"
# Every option a command's --help names is offered for it.
while read -r cmd; do
    grep -o -- '--[a-z][a-z-]*[a-z]' "help-$cmd.txt" | sort -u >opts-want.txt
    comp faktura "$cmd" -- | sort -u >opts-got.txt
    missing=$(comm -23 opts-want.txt opts-got.txt | tr '\n' ' ')
    [ -z "$missing" ] || fail "bash completion of $cmd lacks: $missing"
done <commands.txt

# zsh: when installed, the script parses, names exactly the commands, and completes in a
# real interactive zsh (on a pseudo-terminal, zsh/zpty): each line typed, TAB, then the
# line as the shell has it. `timeout` only guards against a hang.
if command -v zsh >/dev/null 2>&1; then
    zsh -n "$BUILD/dist/_faktura" 2>zsh.err || fail "zsh -n: $(cat zsh.err)"
    sed -n "s/^        '\([a-z]*\):.*/\1/p" "$BUILD/dist/_faktura" | sort >zsh-got.txt
    sort commands.txt >zsh-want.txt
    diff -u zsh-want.txt zsh-got.txt >zsh.diff || fail "zsh names other commands: $(cat zsh.diff)"
    cat >zsh-try.zsh <<'ZSH'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D; print READY"
zpty -r z out '*READY*'
shift
for line in "$@"; do
    zpty -w -n z "$line"$'\t'
    zpty -w -n z $'\C-a: \C-e;print -r -- DONE\n'
    zpty -r z out '*DONE*DONE*'
    out=${out##*: }
    print -r -- "${out%%;print*}"
done
ZSH
    timeout 60 zsh -f zsh-try.zsh "$BUILD/dist" 'faktura ret' 'faktura run --format h' \
        'faktura validate --input-format x' 'faktura approve --re' >zsh.out 2>&1 ||
        fail "zsh completion did not answer: $(cat -v zsh.out)"
    for want in 'faktura retry' 'faktura run --format html' \
                'faktura validate --input-format xml' 'faktura approve --reason'; do
        grep -qF -- "$want" zsh.out || fail "zsh does not complete to \"$want\": $(cat -v zsh.out)"
    done
else
    echo "zsh not installed: the zsh completion was not checked (scripts/install-deps installs it)"
fi
finish
