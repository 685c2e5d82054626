# correct_cancel: `faktura cancel` (issue 19): a failed and a held order cancelled with who,
# why and when; retry no longer takes them; status and every report format show them; the
# reconciliation counts them in counts and sums; invoiced and unknown orders are refused
# (exit 1) and left alone; a second cancel of the same order changes nothing.
. "$FK_SRCDIR/tests/lib/e2e.sh"
sed 's/^\[thresholds\]$/[thresholds]\nminimum_amount.EUR = 100.00/' "$SAMPLES/faktura.ini" >f.ini
grep -q '^minimum_amount.EUR = 100.00' f.ini || fail "config not changed"
