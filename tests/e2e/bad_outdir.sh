# bad_outdir: start-up recovery removes only what this database's runs wrote, one output
# directory belongs to one database, and the paths a batch records work from any
# directory (issue 15, items 8 and 9). Before: recovery deleted every PDF named like an
# invoice that the database did not record: another database's invoices (two databases
# sharing --out, a forgotten --db) and archive copies, silently, with exit 0; and a
# relative --out was recorded as given, so `verify` from another directory found no PDF
# and `retry` from there wrote half the batch elsewhere.
. "$FK_SRCDIR/tests/lib/e2e.sh"
cfg="$SAMPLES/faktura.ini"
sums() { (cd "$1" && sha256sum *.pdf) | sort; }

# Database A owns shared/ (its marker is written on first use).
expect_exit 1 "$FAKTURA" run -q --config "$cfg" --db a.sqlite --out shared --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains shared/.faktura-db "database_id: $(sql a.sqlite "SELECT value FROM meta WHERE key = 'database_id'")"
sums shared >a.sums

# Database B, and a forgotten --db (a new faktura.db here), are refused there: exit 4, and
# not one of A's files touched.
for db in b.sqlite faktura.db; do
    expect_exit 4 "$FAKTURA" run -q --config "$cfg" --db "$db" --out shared --as-of 2026-11-21 "$SAMPLES/orders.csv"
    contains last.err "faktura: error: shared: the output directory belongs to another faktura database"
    sums shared >now.sums
    cmp -s a.sums now.sums || fail "$db: A's PDFs changed"
done
expect_exit 0 "$FAKTURA" verify --db a.sqlite

# An archive copy in A's own directory, named like one of its invoice numbers: recovery
# leaves it alone (it was never a pending file of A's runs), and a new invoice with that
# number never replaces it: that batch stops on it (exit 4) and says so.
cp shared/INV-2026-000003.pdf shared/INV-2025-000003.pdf
cp shared/INV-2026-000001.pdf shared/INV-2026-000021.pdf
sed 's/DE136695977/DE136695976/' "$SAMPLES/orders.csv" >fixed.csv
expect_exit 4 "$FAKTURA" run -v --config "$cfg" --db a.sqlite --out shared --as-of 2026-11-20 fixed.csv
not_contains last.err "removed"
contains last.err "cannot put INV-2026-000021.pdf in place: a file of that name is there and no invoice of this database records it"
cmp -s shared/INV-2026-000003.pdf shared/INV-2025-000003.pdf || fail "the archive copy INV-2025-000003.pdf changed"
cmp -s shared/INV-2026-000001.pdf shared/INV-2026-000021.pdf || fail "INV-2026-000021.pdf was replaced"
equal "invoices of A" "$(sql a.sqlite 'SELECT count(*) FROM invoices')" 20
expect_exit 0 "$FAKTURA" verify --db a.sqlite

# A directory without a marker (an older faktura's) that holds invoice-named PDFs this
# database never recorded: refused, nothing removed.
mkdir legacy
cp shared/INV-2026-000001.pdf shared/INV-2026-000002.pdf legacy/
expect_exit 4 "$FAKTURA" run -q --config "$cfg" --db c.sqlite --out legacy --as-of 2026-11-20 "$SAMPLES/orders.csv"
contains last.err "the output directory holds INV-2026-00000"
contains last.err "an invoice number this database (${FK_TMP%/}"
equal "legacy PDFs" "$(ls legacy | wc -l)" 2
[ ! -e legacy/.faktura-db ] || fail "a refused directory was claimed"

# A relative --out is recorded absolute: verify and retry work from anywhere, and retry
# writes into the batch's directory.
mkdir -p w1 elsewhere
(cd w1 && "$FAKTURA" run -q --config "$cfg" --db ../d.sqlite --out out --as-of 2026-11-20 "$SAMPLES/orders.csv") || true
out=$(cd w1/out && pwd -P)
equal "recorded" "$(sql d.sqlite 'SELECT out_dir FROM batches')" "$out"
cd elsewhere
expect_exit 0 "$FAKTURA" verify --db ../d.sqlite
contains last.err "20 invoices checked, 0 problems"
expect_exit 1 "$FAKTURA" retry -q --config "$cfg" --db ../d.sqlite --batch 1 --as-of 2026-11-20 ../fixed.csv
[ ! -e out ] || fail "retry from another directory wrote into it"
cd ..
equal "SO-1020" "$(sql d.sqlite "SELECT number FROM invoices WHERE order_id = 'SO-1020'")" INV-2026-000021
[ -s w1/out/INV-2026-000021.pdf ] || fail "retry did not write into the batch's directory"

# A relative directory recorded by an older faktura: looked for beside the database;
# where it is not, verify and retry say so plainly.
mkdir old && cp d.sqlite old/d.sqlite && mv w1/out old/out
sql old/d.sqlite "UPDATE batches SET out_dir = 'out'"
cd elsewhere
expect_exit 0 "$FAKTURA" verify --db ../old/d.sqlite
sql ../old/d.sqlite "UPDATE batches SET out_dir = 'gone/out'"
expect_exit 1 "$FAKTURA" verify --db ../old/d.sqlite
contains last.out "batch 1 recorded its output directory as \"gone/out\", relative to the directory it ran in, which was not recorded"
expect_exit 2 "$FAKTURA" retry -q --config "$cfg" --db ../old/d.sqlite --batch 1
contains last.err "give it with --out"
cd ..
[ ! -e old/gone ] && [ ! -e elsewhere/gone ] || fail "retry made a directory in a guessed place"
finish
