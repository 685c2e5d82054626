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
"$FAKTURA" --help >help-main.txt
awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' help-main.txt >commands.txt

# The page renders (groff warnings to stderr fail the test).
LC_ALL=C MANWIDTH=80 man --warnings -l -P cat "$PAGE" >man.txt 2>man.err || fail "man -l failed: $(cat man.err)"
[ ! -s man.err ] || fail "man -l warns: $(cat man.err)"
contains man.txt "FAKTURA(1)"
while read -r cmd; do
    "$FAKTURA" "$cmd" --help >"help-$cmd.txt"
done <commands.txt

# bash: complete -p, then the completion function as bash calls it, every case in one
# bash: `q FILE WORDS...` writes what faktura WORDS<TAB> offers to FILE, one per line.
mkdir -p sub.d && : >ledger.csv
bash -c '. "$1" || exit 8; complete -p faktura >/dev/null || exit 9
         q() { out=$1; shift; COMPREPLY=(); COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
               _faktura; printf "%s\n" "${COMPREPLY[@]}" >"$out"; }
         q comp-commands faktura ""
         q comp-ver faktura ver
         q comp-for faktura run --for
         q comp-ba faktura retry --ba
         q comp-format faktura run --format ""
         q comp-input-format faktura validate --input-format ""
         q comp-out faktura run --out sub
         q comp-led faktura run led
         while read -r cmd; do q "comp-opts-$cmd" faktura "$cmd" --; done <commands.txt' \
    sh "$BUILD/dist/faktura.bash" 2>bash.err || fail "bash completion: exit $?: $(cat bash.err)"

# One python for what the page, the --help texts and the completions must agree on; it
# prints one line per problem. zsh_names is checked below only when zsh is installed.
cat >agree.py <<'PY'
import re, sys
def read(path):
    return open(path, encoding="utf-8").read()
bad = []
commands = read("commands.txt").splitlines()
if len(commands) < 9:
    bad.append("faktura --help lists too few commands: %s" % " ".join(commands))
# The page lists every command in its synopsis and in COMMANDS (the lines from the one
# starting COMMANDS to the next starting OPTIONS, as sed /^COMMANDS/,/^OPTIONS/ takes).
man = read("man.txt").splitlines()
section, on = [], False
for line in man:
    if on:
        section.append(line)
        on = not line.startswith("OPTIONS")
    elif line.startswith("COMMANDS"):
        section.append(line)
        on = True
for cmd in commands:
    if not any(l.startswith("       faktura " + cmd) for l in man):
        bad.append("the man page's synopsis lacks " + cmd)
    if not any(l.startswith("       " + cmd) for l in section):
        bad.append("COMMANDS lacks " + cmd)
# Every word of each --help, in order, in the page (a subsequence of its words).
# The "Usage:" lines are the synopsis and the headings of `faktura --help` its sections.
page = " ".join(man).split()
for path in ["help-main.txt"] + ["help-%s.txt" % c for c in commands]:
    lines = [l for l in read(path).splitlines()
             if not l.startswith("Usage: ") and not re.fullmatch(r"[A-Z][a-z ]*:", l)]
    words, i = " ".join(lines).split(), 0
    for n, w in enumerate(words):
        try:
            i = page.index(w, i) + 1
        except ValueError:
            bad.append("the man page differs from --help: %s: %r (word %d) not in the man "
                       "page after the words before it" % (path, w, words.index(w)))
            break
# bash: what each case offered ($(...) of it: the lines, trailing newlines dropped)
def comp(name):
    return read("comp-" + name).rstrip("\n")
got = sorted(read("comp-commands").splitlines())
want = sorted(commands + ["--help", "--version"])
if got != want:
    bad.append("bash completes other commands: got %s, expected %s" % (got, want))
for what, name, want in [
        ("faktura ver<TAB>", "ver", "verify"),
        ("faktura run --for<TAB>", "for", "--format"),
        ("faktura retry --ba<TAB>", "ba", "--batch"),
        ("faktura run --out <TAB>", "out", "sub.d"),
        ("faktura run led<TAB>", "led", "ledger.csv")]:
    if comp(name) != want:
        bad.append("%s: got '%s', expected '%s'" % (what, comp(name), want))
for what, name, want in [
        ("faktura run --format <TAB>", "format", "json csv html junit "),
        ("faktura validate --input-format <TAB>", "input-format", "csv xml ")]:
    got = read("comp-" + name).replace("\n", " ")  # | tr '\n' ' '
    if got != want:
        bad.append("%s: got '%s', expected '%s'" % (what, got, want))
# Every option a command's --help names is offered for it.
for cmd in commands:
    opts = set(re.findall(r"--[a-z][a-z-]*[a-z]", read("help-%s.txt" % cmd)))
    missing = sorted(opts - set(read("comp-opts-" + cmd).splitlines()))
    if missing:
        bad.append("bash completion of %s lacks: %s " % (cmd, " ".join(missing)))
# zsh (its completion script given): the script names exactly the commands
if len(sys.argv) > 1:
    names = sorted(m.group(1) for m in (re.match(r"        '([a-z]*):", l)
                                        for l in read(sys.argv[1]).splitlines()) if m)
    if names != sorted(commands):
        bad.append("zsh names other commands: %s, expected %s" % (names, sorted(commands)))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY

# zsh: when installed, the script parses, names exactly the commands, and completes in a
# real interactive zsh (on a pseudo-terminal, zsh/zpty): each line typed, TAB, then the
# line as the shell has it. `timeout` only guards against a hang. compinit reads the
# completion system's own functions (Completion, Base, Zsh in fpath) and ours, not the
# 800 of other commands: those cost seconds of CPU at the first TAB, and the lines tried
# here complete commands, options and values, not files.
# The markers are typed quoted (RE''ADY, DO''NE): the shell's echo of what is typed does not
# match, only what the shell prints once it has run the line does (else a read could end on
# the echo, and the next line be typed before compinit has finished).
zsh=
command -v zsh >/dev/null 2>&1 && zsh=$BUILD/dist/_faktura
python3 agree.py $zsh >agree.out 2>&1 || fail "$(cat agree.out)"
if [ -n "$zsh" ]; then
    zsh -n "$BUILD/dist/_faktura" 2>zsh.err || fail "zsh -n: $(cat zsh.err)"
    cat >zsh-try.zsh <<'ZSH'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)1} \${(M)fpath:#*/Completion(|/Base|/Zsh)}); autoload -Uz compinit; compinit -u -D; print RE''ADY"
zpty -r z out '*READY*'
shift
for line in "$@"; do
    zpty -w -n z "$line"$'\t'
    zpty -w -n z $'\C-a: \C-e;print -r -- DO\'\'NE\n'
    zpty -r z out '*DONE*'
    out=${out##*: }
    print -r -- "${out%%;print*}"
done
ZSH
    timeout 60 zsh -f zsh-try.zsh "$BUILD/dist" 'faktura ret' 'faktura run --format h' \
        'faktura validate --input-format x' 'faktura approve --re' >zsh.out 2>&1 ||
        fail "zsh completion did not answer: $(cat -v zsh.out)"
    before=$failures # what zsh completed each line to (zsh.out) must hold:
    contains_all zsh.out 'faktura retry' 'faktura run --format html' \
        'faktura validate --input-format xml' 'faktura approve --reason'
    [ "$failures" -eq "$before" ] || fail "zsh does not complete as expected: $(cat -v zsh.out)"
else
    echo "zsh not installed: the zsh completion was not checked (scripts/install-deps installs it)"
fi
finish
