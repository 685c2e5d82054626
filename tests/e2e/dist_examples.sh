# dist_examples: the installed examples do what they say. The systemd service's ExecStart
# and the crontab line, run as written (their paths moved into the scratch dir), invoice the
# samples two nights in a row, each night with its own report; the cron line prints nothing
# but the exit code when a person must look; systemd-analyze (when there) accepts the units.
. "$FK_SRCDIR/tests/lib/e2e.sh"
DIST="$FK_SRCDIR/dist"
mkdir -p etc state/incoming
cp "$SAMPLES/faktura.ini" etc/faktura.ini
cp "$SAMPLES/orders.csv" state/incoming/orders.csv
# An example's command with its paths in the scratch dir (and the build's program).
moved() {
    sed -e "s|/usr/bin/faktura|$FAKTURA|g" -e "s|/var/lib/faktura|$FK_TMP/state|g" \
        -e "s|/etc/faktura|$FK_TMP/etc|g"
}

exec_start=$(sed -n 's/^ExecStart=//p' "$DIST/systemd/faktura-nightly.service" | moved)
[ -n "$exec_start" ] || fail "no ExecStart"
expect_exit 1 sh -c "cd state && $exec_start --as-of 2026-11-20"
contains last.err "run batch 1: 31 orders: 20 invoiced, 11 failed"
[ -s state/invoices/report-1.json ] || fail "night 1's report"
expect_exit 1 sh -c "cd state && $exec_start --as-of 2026-11-21"
contains last.err "run batch 2: 31 orders: 0 invoiced, 11 failed, 0 held, 20 skipped"
[ -s state/invoices/report-1.json ] && [ -s state/invoices/report-2.json ] || fail "each night's report"
equal "invoices after two nights" "$(ls state/invoices/*.pdf | wc -l)" 20

# The crontab line: minute hour day month weekday user command.
line=$(grep -v '^#' "$DIST/cron/faktura.cron" | grep -v '^$')
equal "cron fields" "$(echo "$line" | awk '{ print $1, $2, $3, $4, $5, $6 }')" "30 2 * * * faktura"
cmd=$(echo "$line" | cut -d' ' -f7- | moved)
rm -rf state/invoices state/books.db*
expect_exit 0 sh -c "$cmd"
equal "cron output (exit 1: a person must look)" "$(cat last.out last.err)" "faktura run: exit 1 (faktura --help explains it)"
[ -s state/invoices/report-1.json ] || fail "the cron run's report"

# systemd-analyze verify writes in /tmp and /run whatever TMPDIR says (/tmp/systemd-analyze-*,
# /tmp/systemd-temporary-*, /run/systemd/systemd-units-load): it gets a /tmp and a /run of
# its own, directories of this test's TMPDIR mounted there in a private mount namespace
# (unshare; CI runs as root). Where that is refused (an unprivileged container), the units
# are not checked rather than /tmp and /run written.
private_tmp_run() {
    unshare --mount sh -c 'mount --bind "$TMPDIR/tmp" /tmp && mount --bind "$TMPDIR/run" /run &&
        exec "$@"' sh "$@"
}
mkdir -p "$TMPDIR/tmp" "$TMPDIR/run"
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "systemd-analyze not installed: the units' syntax was not checked"
elif ! private_tmp_run true 2>/dev/null; then
    echo "##### SKIPPING systemd-analyze verify: no private /tmp and /run for it (unshare --mount) #####"
else
    mkdir -p units
    moved <"$DIST/systemd/faktura-nightly.service" >units/faktura-nightly.service
    cp "$DIST/systemd/faktura-nightly.timer" units/
    expect_exit 0 private_tmp_run systemd-analyze verify --man=no \
        units/faktura-nightly.service units/faktura-nightly.timer
    [ ! -s last.err ] || fail "systemd-analyze verify: $(cat last.err)"
fi
finish
