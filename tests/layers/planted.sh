#!/bin/sh
# planted.sh -- scripts/check-layers and scripts/check-size fail, naming file and line, on
# a scratch copy of the sources with one bad thing planted at a time, and pass on the
# unchanged copy (so a failure below is the planted line's, not the tree's).
# Environment: FK_SRCDIR (the checkout), FK_TMP (this test's scratch directory).
set -eu
src=${FK_SRCDIR:?}; tmp=${FK_TMP:?}
fails=0
fresh() {
    rm -rf "$tmp/tree"; mkdir -p "$tmp/tree/docs" "$tmp/tree/scripts"
    cp -R "$src/lib" "$src/cmd" "$src/include" "$tmp/tree/"
    cp "$src/docs/architecture.md" "$tmp/tree/docs/"
    cp "$src/scripts/check-size.allow" "$tmp/tree/scripts/" # the known exceptions
}
# plant FILE LINE: put LINE after the first line of FILE (a new file when absent); the
# next plant (or unplant) first puts the tree back as it was
planted=
unplant() {
    case $planted in
    "") ;;
    new:*) rm -rf "$tmp/tree/${planted#new:}" ;;
    *) cp "$tmp/saved" "$tmp/tree/$planted"; cp "$tmp/saved.md" "$tmp/tree/docs/architecture.md" ;;
    esac
    planted=
}
plant() {
    unplant
    if [ -f "$tmp/tree/$1" ]; then
        cp "$tmp/tree/$1" "$tmp/saved"; cp "$tmp/tree/docs/architecture.md" "$tmp/saved.md"
        planted=$1
        { head -n 1 "$tmp/tree/$1"; printf '%s\n' "$2"; tail -n +2 "$tmp/tree/$1"; } >"$tmp/x"
        mv "$tmp/x" "$tmp/tree/$1"
    else
        planted=new:$(dirname "$1")
        mkdir -p "$(dirname "$tmp/tree/$1")"; printf '/* planted */\n%s\n' "$2" >"$tmp/tree/$1"
    fi
}
# expect CHECK WANT: CHECK fails and prints WANT (a "FILE:LINE: ..." prefix)
expect() {
    if "$src/scripts/$1" "$tmp/tree" >"$tmp/out" 2>&1; then
        echo "FAIL: $1 passed with a planted fault ($2)"; fails=$((fails + 1))
    elif ! grep -qF "$2" "$tmp/out"; then
        echo "FAIL: $1 did not name $2:"; cat "$tmp/out"; fails=$((fails + 1))
    fi
}

fresh
for check in check-layers check-size; do
    if ! "$src/scripts/$check" "$tmp/tree" >"$tmp/out" 2>&1; then
        echo "FAIL: $check fails on the unchanged copy:"; cat "$tmp/out"; fails=$((fails + 1))
    fi
done

plant lib/detect/detect.c '#include "store/store.h"'
expect check-layers 'lib/detect/detect.c:2: #include "store/store.h": detect (lib/detect/) may not include store'
plant lib/render/render_pdf.c '#include <sqlite3.h>'
expect check-layers 'lib/render/render_pdf.c:2: #include <sqlite3.h>: render may not use sqlite3'
plant lib/store/store_db.c '#include <hpdf.h>'
expect check-layers 'lib/store/store_db.c:2: #include <hpdf.h>: store may not use libharu'
plant cmd/main.c '#include "pipeline/pipeline.h"'
expect check-layers 'cmd/main.c:2: #include "pipeline/pipeline.h": cmd (cmd/) may not include pipeline'
plant lib/core/util.c '#include "pipeline/pipeline.h"'
expect check-layers 'lib/core/util.c:2: #include "pipeline/pipeline.h": core (lib/core/) may not include pipeline'
plant lib/pipeline/run.c '#include "render/render_impl.h"'
expect check-layers 'lib/pipeline/run.c:2: #include "render/render_impl.h": render/render_impl.h is private to lib/render/'
plant lib/report/report.c '#include <curl/curl.h>'
expect check-layers 'lib/report/report.c:2: #include <curl/curl.h>: <curl/curl.h> is in no library'
plant lib/newstage/x.c '#include <stdio.h>'
expect check-layers 'lib/newstage/x.c:1: in no stage'
# the doc is the source: allow detect -> store there, and the same include passes
plant lib/detect/detect.c '#include "store/store.h"'
sed 's#^| detect | lib/detect/ | api, core |#| detect | lib/detect/ | api, core, store |#' \
    "$tmp/tree/docs/architecture.md" >"$tmp/x" && mv "$tmp/x" "$tmp/tree/docs/architecture.md"
if ! "$src/scripts/check-layers" "$tmp/tree" >"$tmp/out" 2>&1; then
    echo "FAIL: the arrow allowed in the doc still fails:"; cat "$tmp/out"; fails=$((fails + 1))
fi

unplant; cp "$tmp/tree/lib/core/rules.c" "$tmp/rules.c"
awk 'NR == 1 { print; for (i = 0; i < 800; i++) print "/* filler */"; next } { print }' \
    "$tmp/tree/lib/core/rules.c" >"$tmp/x" && mv "$tmp/x" "$tmp/tree/lib/core/rules.c"
expect check-size 'lib/core/rules.c:'
cp "$tmp/rules.c" "$tmp/tree/lib/core/rules.c"
{ printf 'int planted_long(void);\nint planted_long(void)\n{\n'
         i=0; while [ $i -lt 79 ]; do echo '    (void)0;'; i=$((i + 1)); done
         printf '    return 0;\n}\n'; } >>"$tmp/tree/lib/core/rules.c"
expect check-size 'function planted_long: 82 lines (at most 80)'

[ $fails -eq 0 ] && echo "planted: all faults found"
exit $fails
