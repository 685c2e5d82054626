# install: `cmake --install` into a prefix under the scratch dir, then the installed faktura
# on the samples with the build tree and the source tree out of reach, the installed tree
# moved elsewhere, and small C and C++ programs built against the installed library through
# pkg-config (shared and static) and through find_package(faktura).
#
# "Out of reach": a private mount namespace (unshare -m, root) mounts an empty tmpfs over the
# source tree and the build tree, so no path of either can be opened, and binds the scratch
# dir back at its own path. Nothing outside the namespace sees it; nothing is written
# outside the scratch dir. Where unshare is not permitted, the installed tree is moved
# instead and the test says so; the checks of the installed files' read-only data and
# RUNPATH for build-tree paths run either way.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BUILD=$(cd "$(dirname "$FAKTURA")/.." && pwd)
SRC=$(cd "$FK_SRCDIR" && pwd)
P=$FK_TMP/prefix
ver=$(sed -n 's/^project(faktura VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
SAN=""
if readelf --dyn-syms -W "$BUILD/lib/libfaktura.so" | grep -q ' __asan_init$'; then SAN="-fsanitize=address,undefined"; fi

cmake --install "$BUILD" --prefix "$P" >install.log 2>&1 || { fail "cmake --install: $(tail install.log)"; finish; }

# --- what is installed where
lib=$(find "$P" -name libfaktura.so.0 -type l | head -n 1)
LIBDIR=$(dirname "${lib:-$P/lib/x}")
for f in bin/faktura include/faktura/faktura.h include/faktura/batch.h include/faktura/codes.def \
         include/faktura/version.h share/faktura/fonts/DejaVuSans.ttf \
         share/faktura/fonts/DejaVuSans-Bold.ttf share/man/man1/faktura.1 \
         share/bash-completion/completions/faktura share/zsh/vendor-completions/_faktura \
         share/doc/faktura/examples/orders.csv share/doc/faktura/examples/faktura.ini \
         share/doc/faktura/examples/faktura-nightly.service \
         share/doc/faktura/examples/faktura-nightly.timer share/doc/faktura/examples/faktura.cron; do
    [ -e "$P/$f" ] || fail "not installed: $f"
done
for f in libfaktura.so.0 libfaktura.so "libfaktura.so.$ver" libfaktura.a pkgconfig/faktura.pc \
         cmake/faktura/faktura-config.cmake cmake/faktura/faktura-config-version.cmake \
         cmake/faktura/faktura-targets.cmake; do
    [ -e "$LIBDIR/$f" ] || fail "not installed: $LIBDIR/$f"
done
equal "installed soname" "$(readelf -d "$LIBDIR/libfaktura.so.$ver" | sed -n 's/.*soname: \[\(.*\)\]/\1/p')" libfaktura.so.0

# --- no path of the build tree in what the installed files read or load
for f in "$P/bin/faktura" "$LIBDIR/libfaktura.so.$ver"; do
    objcopy -O binary --only-section=.rodata "$f" rodata.bin
    ! grep -qaF "$BUILD" rodata.bin || fail "$f has a build-tree path in its read-only data"
    ! readelf -d "$f" | grep -F "$BUILD" >/dev/null || fail "$f has a build-tree RUNPATH"
done
! grep -rqF "$BUILD" "$LIBDIR/pkgconfig" "$LIBDIR/cmake" || fail "a build-tree path in the pkg-config or CMake files"

# --- the programs to run without the trees: the samples, copied into the scratch dir
mkdir -p work/samples
cp "$SRC/samples/"* work/samples/
common="--config samples/faktura.ini --db db.sqlite --out out --as-of 2026-11-20 samples/orders.csv"
# The build tree's own run, for comparison: the same fonts, so the same bytes.
mkdir -p ref && (cd ref && cp -r ../work/samples . &&
    { "$FAKTURA" run -q $common >/dev/null 2>&1 || [ $? -eq 1 ]; }) || fail "the build tree's run"

cat >work/consumer.c <<'EOF'
/* A program that only has the installed headers and library: a dry run of a ledger. */
#include <faktura/faktura.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    fk_batch_options opts = FK_BATCH_OPTIONS_INIT;
    fk_error err = FK_ERROR_INIT;
    fk_config *cfg = NULL;
    fk_summary sum;
    fk_report_target target = {"consumer-report.json", FK_REPORT_JSON};
    const char *inputs[1];
    if (argc != 2 || fk_config_load(&cfg, NULL, NULL, NULL, &err) != FK_OK)
        return 2;
    inputs[0] = argv[1];
    opts.config = cfg;
    opts.dry_run = true;
    opts.db_path = "none.db";
    opts.report.targets = &target;
    opts.report.ntargets = 1;
    if (!fk_time_parse("2026-11-20", &opts.as_of) ||
        fk_batch_run(&opts, inputs, 1, &sum, &err) != FK_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        fk_config_free(cfg);
        return 3;
    }
    printf("faktura %s (headers %s): %llu orders, %llu invoiced, %llu failed\n", fk_version(),
           FK_VERSION_STRING, (unsigned long long)sum.orders,
           (unsigned long long)sum.count[FK_INVOICED], (unsigned long long)sum.count[FK_FAILED]);
    fk_config_free(cfg);
    return 0;
}
EOF
cp work/consumer.c work/consumer.cpp
mkdir -p work/cm
cat >work/cm/CMakeLists.txt <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(consumer C CXX)
find_package(faktura 0.1 REQUIRED)
add_executable(consumer_c ../consumer.c)
target_link_libraries(consumer_c PRIVATE faktura::faktura)
add_executable(consumer_cxx ../consumer.cpp)
target_link_libraries(consumer_cxx PRIVATE faktura::faktura)
EOF

# --- consumers through pkg-config: shared (C99 and C++11), and static
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
equal "pkg-config --modversion" "$(pkg-config --modversion faktura)" "$ver"
cd work
cc -std=c99 -pedantic -Wall -Wextra -Werror $SAN consumer.c -o consumer_pc_c \
    $(pkg-config --cflags --libs faktura) -Wl,-rpath,"$LIBDIR" 2>cc.err || fail "pkg-config C: $(cat cc.err)"
c++ -std=c++11 -pedantic -Wall -Wextra -Werror $SAN consumer.cpp -o consumer_pc_cxx \
    $(pkg-config --cflags --libs faktura) -Wl,-rpath,"$LIBDIR" 2>cxx.err || fail "pkg-config C++: $(cat cxx.err)"
static_libs=$(pkg-config --static --libs faktura | sed 's/-lfaktura\b//')
# (linked with gold: a third of BFD's time for the static archives; the pkg-config
# consumers above link with the default linker)
cc -std=c99 -pedantic -Wall -Wextra -Werror $SAN consumer.c -o consumer_static -fuse-ld=gold \
    $(pkg-config --cflags faktura) "$LIBDIR/libfaktura.a" $static_libs 2>st.err ||
    fail "pkg-config --static: $(cat st.err)"
if [ -x consumer_static ] && ldd consumer_static | grep -q libfaktura; then
    fail "consumer_static loads libfaktura.so"
fi
# --- consumers through find_package(faktura)
# (gold links these too: what is tested is the package's imported target)
cmake -S cm -B cm/build -DCMAKE_PREFIX_PATH="$P" -DCMAKE_C_FLAGS="$SAN" -DCMAKE_CXX_FLAGS="$SAN" \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=gold \
    >cm.log 2>&1 && cmake --build cm/build >>cm.log 2>&1 || fail "find_package(faktura): $(tail -20 cm.log)"
cd ..

# --- everything run with the source and build trees hidden (see the top)
cat >hidden.sh <<'EOF'
# hidden.sh DIR CMD...: CMD in DIR, in a mount namespace where $SRC and $BUILD are empty.
set -eu
dir=$1
shift
exec 3<"$FK_TMP" 4<"$TMPDIR"
mount -t tmpfs fk-hidden "$SRC"
case "$BUILD" in "$SRC"/*) ;; *) mount -t tmpfs fk-hidden "$BUILD" ;; esac
# the test's directories stay (its TMPDIR too, where the program keeps its temporary files)
mkdir -p "$FK_TMP" "$TMPDIR"
mount --no-canonicalize --bind /proc/self/fd/3 "$FK_TMP"
mount --no-canonicalize --bind /proc/self/fd/4 "$TMPDIR"
exec 3<&- 4<&-
[ ! -e "$BUILD/CMakeCache.txt" ] && [ ! -e "$SRC/CMakeLists.txt" ] || { echo "not hidden" >&2; exit 99; }
cd "$dir"
exec "$@"
EOF
export SRC BUILD
if unshare -m true 2>/dev/null; then
    hide() { unshare -m sh "$FK_TMP/hidden.sh" "$@"; }
    where="with the source and build trees hidden"
else
    mv "$P" "$FK_TMP/moved-prefix"
    P=$FK_TMP/moved-prefix
    LIBDIR=$(dirname "$(find "$P" -name libfaktura.so.0 -type l | head -n 1)")
    hide() { dir=$1; shift; (cd "$dir" && "$@"); }
    where="moved (unshare -m is not permitted here: the trees stay reachable)"
fi
echo "install: running the installed faktura $where"

expect_exit 1 hide "$FK_TMP/work" "$P/bin/faktura" run $common
contains last.err "run batch 1: 31 orders: 20 invoiced, 11 failed, 0 held, 0 skipped; reconciled; report out/report-1.json"
equal "PDFs" "$(ls work/out/*.pdf 2>/dev/null | wc -l)" 20
(cd ref/out && sha256sum INV-*.pdf) >ref.sha
(cd work/out && sha256sum -c --quiet "$FK_TMP/ref.sha") || fail "the installed program's PDFs differ from the build tree's"
expect_exit 0 hide "$FK_TMP/work" "$P/bin/faktura" verify --db db.sqlite
expect_exit 0 hide "$FK_TMP/work" "$P/bin/faktura" --version
equal "--version" "$(cat last.out)" "faktura $ver"
expect_exit 0 hide "$FK_TMP/work" man --warnings -l -P cat "$P/share/man/man1/faktura.1"
contains last.out "faktura run"
# FAKTURA_DATADIR wins; a wrong one is an environment error that names the path.
mkdir -p empty-datadir
expect_exit 4 hide "$FK_TMP/work" env FAKTURA_DATADIR="$FK_TMP/empty-datadir" "$P/bin/faktura" run \
    --config samples/faktura.ini --db db2.sqlite --out out2 --as-of 2026-11-20 samples/orders.csv
contains last.err "$FK_TMP/empty-datadir/fonts/DejaVuSans.ttf"
for c in consumer_pc_c consumer_pc_cxx consumer_static cm/build/consumer_c cm/build/consumer_cxx; do
    [ -x "work/$c" ] || continue
    expect_exit 0 hide "$FK_TMP/work" "./$c" samples/orders.csv
    equal "$c" "$(cat last.out)" "faktura $ver (headers $ver): 31 orders, 20 invoiced, 11 failed"
done

# --- the installed tree moved: it still finds its library and its data
mv "$P" "$FK_TMP/elsewhere"
expect_exit 1 hide "$FK_TMP/work" "$FK_TMP/elsewhere/bin/faktura" run \
    --config samples/faktura.ini --db db3.sqlite --out out3 --as-of 2026-11-20 samples/orders.csv
contains last.err "20 invoiced, 11 failed"
(cd work/out3 && sha256sum -c --quiet "$FK_TMP/ref.sha") || fail "the moved program's PDFs differ"
finish
