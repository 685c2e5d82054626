# bad_report_paths: where --report may point (issue 15, "report paths"). A regular file is
# replaced atomically; anything else is written through and never replaced: a character
# device, a FIFO, a symlink (the link stays, what it points to gets the report). Run as
# root (CI is), a rename over a device node replaces the device, so this test makes its own
# node with mknod inside its scratch directory and never passes a path under /dev.
. "$FK_SRCDIR/tests/lib/e2e.sh"
common="--config $SAMPLES/faktura.ini --db db.sqlite --as-of 2026-11-20"

# A regular file: replaced, no temporary file left beside it.
echo old >r.json
expect_exit 1 "$FAKTURA" validate -q $common --report r.json "$SAMPLES/orders.csv"
contains r.json '"version": 1'
equal "temporary files" "$(ls -A | grep -c '\.tmp$' || true)" 0

# Killed (SIGKILL) with the new report written and synced but not yet in place: the old
# report stays whole, and no temporary file is left beside it (it has no name until it is
# renamed into place); the next run replaces it.
cp r.json r.before
FAKTURA_TEST_KILL_AT=report-written expect_exit 137 "$FAKTURA" validate -q $common \
    --report r.json "$SAMPLES/orders.csv"
cmp -s r.json r.before || fail "a run killed while writing its report changed r.json"
equal "temporary files after a kill" "$(ls -A | grep -c '\.tmp$' || true)" 0
echo old >r.json
expect_exit 1 "$FAKTURA" validate -q $common --report r.json "$SAMPLES/orders.csv"
contains r.json '"version": 1'

# The report's spool (the orders without an invoice, as they arrive) is an unnamed file in
# $TMPDIR, not the C library's /tmp: a TMPDIR that does not exist is an error that names it.
TMPDIR=$PWD/no-such-dir expect_exit 4 "$FAKTURA" validate -q $common --report r2.json \
    "$SAMPLES/orders.csv"
contains last.err "cannot create a temporary file in $PWD/no-such-dir for the report"

# A symlink to a regular file: the link stays a link, its target gets the report.
mkdir -p target
echo old >target/real.json
ln -s target/real.json link.json
expect_exit 1 "$FAKTURA" validate -q $common --report link.json "$SAMPLES/orders.csv"
[ -L link.json ] || fail "the symlink link.json was replaced"
contains target/real.json '"version": 1'

# A dangling symlink: written through (the target is created), the link stays.
ln -s target/new.json dangling.json
expect_exit 1 "$FAKTURA" validate -q $common --report dangling.json "$SAMPLES/orders.csv"
[ -L dangling.json ] || fail "the dangling symlink was replaced"
contains target/new.json '"version": 1'

# A FIFO: written through to its reader.
mkfifo pipe
timeout 300 cat pipe >from-pipe.json &  # a hang guard only
reader=$!
expect_exit 1 "$FAKTURA" validate -q $common --report pipe "$SAMPLES/orders.csv"
wait "$reader" || fail "nothing was written to the FIFO"
[ -p pipe ] || fail "the FIFO was replaced"
contains from-pipe.json '"version": 1'

# A character device (our own null device, made here): `run` writes its report through
# it, finishes the batch and exits 1 (the samples' bad orders), not 4.
if [ "$(id -u)" -eq 0 ] && mknod null c 1 3 2>/dev/null; then
    expect_exit 1 "$FAKTURA" run -q $common --out out --report null "$SAMPLES/orders.csv"
    [ -c null ] || fail "the device node was replaced by a $(stat -c %F null)"
    equal "batch state" "$(sql db.sqlite 'SELECT state FROM batches WHERE id = 1')" done
    # As a user who cannot create files beside it (as /dev is for everyone but root).
    if command -v setpriv >/dev/null 2>&1; then
        mkdir -p ro && mknod ro/null c 1 3 && chmod 755 ro && chmod 666 ro/null
        mkdir -p nobody && chmod 777 nobody
        # nobody's TMPDIR (the report's spool) is its own directory, not this test's
        TMPDIR=$PWD/nobody expect_exit 1 setpriv --reuid=nobody --regid=nogroup --clear-groups \
            "$FAKTURA" validate -q --config "$SAMPLES/faktura.ini" --as-of 2026-11-20 \
            --db nobody/db.sqlite --report ro/null "$SAMPLES/orders.csv"
        [ -c ro/null ] || fail "ro/null was replaced"
    fi
else
    echo "SKIP: character device case (needs root and mknod)" >&2
fi
finish
