# bad_lock_paths: one database, one run, however it is named (issue 15, items 6 and 7).
# The run lock was a file named after the --db path ("DB.lock"): the same database through
# a symbolic link, a path through "..", or a hard link let a second run in beside the first
# (their PDFs overwrote each other's); and a symbolic link planted as DB.lock was followed
# and the file it named truncated. Now the lock is the database file's own: every name
# meets it, and no lock file is opened at all. A --db that is not a regular file (a FIFO)
# is refused at once instead of hanging.
. "$FK_SRCDIR/tests/lib/e2e.sh"
# 2,000 orders (8 chunks): the first run is stopped after its first chunk, with 7 to go;
# all of them are rendered when it goes on, so N is most of the cost.
N=2000
python3 "$FK_SRCDIR/tests/lib/gen-orders.py" $N >orders.csv
common="--config $SAMPLES/faktura.ini --as-of 2026-11-20"

"$FAKTURA" run -q $common --db db.sqlite --out out orders.csv >a.out 2>a.err &
a=$!
tries=0
until [ "$(sql db.sqlite 'SELECT count(*) FROM invoices' 2>/dev/null || echo 0)" -gt 0 ]; do
    tries=$((tries + 1))
    [ $tries -lt 600 ] || { fail "the first run never started"; break; }
    sleep 0.05
done
kill -STOP $a 2>/dev/null || fail "the first run ended before the checks: make N larger"

mkdir x
ln -s db.sqlite link.sqlite
ln db.sqlite hard.sqlite
for name in link.sqlite ./x/../db.sqlite "$FK_TMP/db.sqlite" hard.sqlite; do
    expect_exit 4 timeout 60 "$FAKTURA" run -q $common --db "$name" --out "out-$$" orders.csv
    contains last.err "another faktura process (pid $a) is running on this database"
    expect_exit 4 timeout 60 "$FAKTURA" retry -q $common --db "$name" --batch 1
    contains last.err "another faktura process (pid $a) is running on this database"
    expect_exit 4 timeout 60 "$FAKTURA" approve --db "$name" --batch 1 SO-000001 --reason r
    contains last.err "another faktura process (pid $a) is running on this database"
done
[ ! -e "out-$$" ] || [ -z "$(ls "out-$$")" ] || fail "a refused run wrote PDFs"
kill -CONT $a
wait $a || fail "the first run failed: $(cat a.err)"
equal "invoices" "$(sql db.sqlite 'SELECT count(*) || "/" || count(DISTINCT order_id) || "/" || max(seq) FROM invoices')" "$N/$N/$N"
expect_exit 0 "$FAKTURA" verify --db db.sqlite
[ ! -e db.sqlite.lock ] || fail "a lock file was made beside the database"

# A symbolic link planted where the lock file used to be is never followed.
echo "precious" >victim.txt
ln -s victim.txt other.sqlite.lock
expect_exit 1 "$FAKTURA" run -q $common --db other.sqlite --out other "$SAMPLES/orders.csv"
equal "victim" "$(cat victim.txt)" "precious"

# A database path that is not a regular file: refused at once, nothing hangs.
mkfifo fifo.sqlite
expect_exit 4 timeout 60 "$FAKTURA" run -q $common --db fifo.sqlite --out fifo "$SAMPLES/orders.csv"
contains last.err "fifo.sqlite: is not a regular file: a database is one"
expect_exit 4 timeout 60 "$FAKTURA" report --db fifo.sqlite --batch 1
contains last.err "fifo.sqlite: is not a regular file: a database is one"
mkdir dir.sqlite
expect_exit 4 timeout 60 "$FAKTURA" run -q $common --db dir.sqlite --out dir "$SAMPLES/orders.csv"
finish
