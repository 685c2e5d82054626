# public_api: the public headers and the shared library, as a program that only has them
# sees them. faktura.h compiles as C99 and as C++ (98, 11, 17, 20) with -pedantic and
# warnings as errors, FK_BATCH_OPTIONS_INIT included, and a program of each links the
# built libfaktura.so and calls it. The library has a soname and exports exactly the
# functions the headers declare with FK_EXTERN (plus the two libharu routines it replaces),
# none of its internals; version.h is generated from the project's version.
. "$FK_SRCDIR/tests/lib/e2e.sh"
BUILD=$(cd "$(dirname "$FAKTURA")/.." && pwd)
LIB=$BUILD/lib/libfaktura.so
INC="-I$FK_SRCDIR/include -I$BUILD/include"
# An ASan build's library needs the sanitizer runtime (it calls __asan_init), which
# the program that loads it provides (CMakeLists.txt links it into each executable): its
# consumers too.
SAN=""
if readelf --dyn-syms -W "$LIB" | grep -q ' __asan_init$'; then SAN="-fsanitize=address,undefined"; fi

# The soname, and the exports: the FK_EXTERN declarations of include/faktura (read here with
# their own pattern, independently of cmake/PublicApi.cmake's).
equal "soname" "$(readelf -d "$LIB" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')" "libfaktura.so.0"
python3 - "$FK_SRCDIR/include/faktura" >declared.txt <<'PY'
import glob, os, re, sys
names = set()
for h in glob.glob(os.path.join(sys.argv[1], "*.h*")):
    text = re.sub(r"/\*.*?\*/", "", open(h).read(), flags=re.S)
    text = re.sub(r"#\s*define\s+FK_EXTERN.*", "", text)
    for decl in re.findall(r"\bFK_EXTERN\b([^;{]*?)\(", text):
        names.add(re.findall(r"\w+", decl)[-1])
print("\n".join(sorted(names)))
PY
[ "$(wc -l <declared.txt)" -ge 20 ] || fail "too few FK_EXTERN declarations found: $(cat declared.txt)"
{ cat declared.txt; printf 'HPDF_MemCpy\nHPDF_MemSet\n'; } | LC_ALL=C sort >want.txt
nm -D --defined-only "$LIB" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | LC_ALL=C sort >exported.txt
diff -u want.txt exported.txt >exports.diff || fail "exported symbols differ from the headers' FK_EXTERN declarations: $(cat exports.diff)"
# The static library keeps everything (the tests link it), the shared one hides it.
nm -g --defined-only "$BUILD/lib/libfaktura.a" 2>/dev/null | grep -q ' T fk_xmalloc$' ||
    fail "libfaktura.a lacks fk_xmalloc (is the pattern right?)"
not_contains exported.txt fk_xmalloc

# version.h: generated from the project version, with the library's run-time version.
ver=$(sed -n 's/^project(faktura VERSION \([0-9.]*\).*/\1/p' "$FK_SRCDIR/CMakeLists.txt")
contains "$BUILD/include/faktura/version.h" "#define FK_VERSION_STRING \"$ver\""
[ ! -e "$FK_SRCDIR/include/faktura/version.h" ] || fail "a version.h in the source tree hides the generated one"

cat >api.c <<'EOF'
#include <faktura/faktura.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    fk_batch_options opts = FK_BATCH_OPTIONS_INIT;
    fk_error err = FK_ERROR_INIT;
    fk_config *cfg = NULL;
    if (strcmp(fk_version(), FK_VERSION_STRING) != 0 || FK_VERSION_NUM <= 0)
        return 10;
    if (opts.version != FK_BATCH_OPTIONS_VERSION || strcmp(opts.db_path, "faktura.db") ||
        strcmp(opts.out_dir, "out") || opts.config || opts.dry_run || opts.jobs ||
        opts.report.ntargets || opts.log || opts.expect_path)
        return 11;
    if (strcmp(fk_code_name(FK_CODE_TAX_ID_CHECKSUM), "TAX_ID_CHECKSUM") != 0)
        return 12;
    if (fk_config_load(&cfg, NULL, NULL, NULL, &err) != FK_OK)
        return 13;
    fk_config_free(cfg);
    printf("%s %s\n", fk_version(), fk_outcome_name(FK_HELD));
    return 0;
}
EOF
cp api.c api.cpp
# The link of c99 and c++11 is the default linker's (BFD: what a consumer gets); the others
# link with gold, a third of the CPU time (what they are here for is the header under their
# standard; each program still links the shared library and runs).
ld_of() { case $1 in c99 | c++11) ;; *) echo -fuse-ld=gold ;; esac; }
for std in c99 c11 c17; do
    cc -std=$std -pedantic -Wall -Wextra -Werror $SAN $INC api.c -o api-$std -L"$BUILD/lib" -lfaktura \
        -Wl,-rpath,"$BUILD/lib" $(ld_of $std) 2>cc-$std.err || fail "C ($std): $(cat cc-$std.err)"
done
for std in c++98 c++11 c++17 c++20; do
    c++ -std=$std -pedantic -Wall -Wextra -Werror $SAN $INC api.cpp -o api-$std -L"$BUILD/lib" \
        -lfaktura -Wl,-rpath,"$BUILD/lib" $(ld_of $std) 2>cxx-$std.err ||
        fail "C++ ($std): $(cat cxx-$std.err)"
done
for std in c99 c11 c17 c++98 c++11 c++17 c++20; do
    [ -x api-$std ] || continue
    expect_exit 0 ./api-$std
    equal "api-$std" "$(cat last.out)" "$ver held"
    ldd ./api-$std | grep -q "$BUILD/lib/libfaktura.so.0" || fail "api-$std does not use the shared library"
done
# Each public header compiles on its own (no hidden include order): checked, not assembled.
for h in "$FK_SRCDIR"/include/faktura/*.h; do
    printf '#include <faktura/%s>\nint main(void) { return 0; }\n' "${h##*/}" >one.c
    cc -std=c99 -pedantic -Wall -Wextra -Werror $INC -fsyntax-only one.c 2>one.err ||
        fail "${h##*/} alone: $(cat one.err)"
done
finish
