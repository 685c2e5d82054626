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
fresh
# The unchanged copy: each script run as the build runs it, as a program of its own.
for check in check-layers check-size; do
    if ! "$src/scripts/$check" "$tmp/tree" >"$tmp/out" 2>&1; then
        echo "FAIL: $check fails on the unchanged copy:"; cat "$tmp/out"; fails=$((fails + 1))
    fi
done

# The planted faults: one python runs each script's main() on the tree after each plant
# (the scripts are read from scripts/ as they are; one interpreter instead of one a fault).
# plant(FILE, LINE): put LINE after the first line of FILE (a new file when absent); the
# next plant (or unplant) first puts the tree back as it was. expect(CHECK, WANT): CHECK
# fails and prints WANT (a "FILE:LINE: ..." prefix).
python3 - "$src" "$tmp" <<'PY' || fails=$((fails + $?))
import contextlib, io, os, runpy, shutil, sys, traceback
src, tmp = sys.argv[1], sys.argv[2]
tree = os.path.join(tmp, "tree")
fails = 0
checks = {name: runpy.run_path(os.path.join(src, "scripts", name), run_name=name)["main"]
          for name in ("check-layers", "check-size")}

def run(name):
    """exit status and output (stdout and stderr) of `scripts/NAME TREE`"""
    out = io.StringIO()
    sys.argv = [os.path.join(src, "scripts", name), tree]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            rc = checks[name]()
        except SystemExit as e:
            rc = e.code
            if isinstance(rc, str):
                print(rc, file=sys.stderr)
                rc = 1
        except Exception:
            traceback.print_exc()
            rc = 1
    return rc or 0, out.getvalue()

def path(rel):
    return os.path.join(tree, rel)

def read(rel):
    with open(path(rel), "rb") as f:
        return f.read()

def write(rel, data):
    with open(path(rel), "wb") as f:
        f.write(data)

planted = None
saved = None
MD = "docs/architecture.md"

def unplant():
    global planted
    if planted is None:
        pass
    elif planted.startswith("new:"):
        shutil.rmtree(path(planted[4:]), ignore_errors=True)
    else:
        write(planted, saved[0])
        write(MD, saved[1])
    planted = None

def plant(rel, line):
    global planted, saved
    unplant()
    line = line.encode() + b"\n"
    if os.path.isfile(path(rel)):
        data = read(rel)
        saved = (data, read(MD))
        planted = rel
        i = data.find(b"\n") + 1 or len(data)  # head -n 1; LINE; tail -n +2
        write(rel, data[:i] + line + data[i:])
    else:
        planted = "new:" + os.path.dirname(rel)
        os.makedirs(os.path.dirname(path(rel)), exist_ok=True)
        write(rel, b"/* planted */\n" + line)

def expect(name, want):
    global fails
    rc, out = run(name)
    if rc == 0:
        print("FAIL: %s passed with a planted fault (%s)" % (name, want))
        fails += 1
    elif want not in out:
        print("FAIL: %s did not name %s:" % (name, want))
        print(out, end="")
        fails += 1

plant("lib/detect/detect.c", '#include "store/store.h"')
expect("check-layers", 'lib/detect/detect.c:2: #include "store/store.h": detect (lib/detect/) may not include store')
plant("lib/render/render_pdf.c", "#include <sqlite3.h>")
expect("check-layers", "lib/render/render_pdf.c:2: #include <sqlite3.h>: render may not use sqlite3")
plant("lib/store/store_db.c", "#include <hpdf.h>")
expect("check-layers", "lib/store/store_db.c:2: #include <hpdf.h>: store may not use libharu")
plant("cmd/main.c", '#include "pipeline/pipeline.h"')
expect("check-layers", 'cmd/main.c:2: #include "pipeline/pipeline.h": cmd (cmd/) may not include pipeline')
plant("lib/core/util.c", '#include "pipeline/pipeline.h"')
expect("check-layers", 'lib/core/util.c:2: #include "pipeline/pipeline.h": core (lib/core/) may not include pipeline')
plant("lib/pipeline/run.c", '#include "render/render_impl.h"')
expect("check-layers", 'lib/pipeline/run.c:2: #include "render/render_impl.h": render/render_impl.h is private to lib/render/')
plant("lib/report/report.c", "#include <curl/curl.h>")
expect("check-layers", "lib/report/report.c:2: #include <curl/curl.h>: <curl/curl.h> is in no library")
plant("lib/newstage/x.c", "#include <stdio.h>")
expect("check-layers", "lib/newstage/x.c:1: in no stage")
# the doc is the source: allow detect -> store there, and the same include passes
plant("lib/detect/detect.c", '#include "store/store.h"')
old = b"| detect | lib/detect/ | api, core |"
write(MD, b"".join(b"| detect | lib/detect/ | api, core, store |" + l[len(old):]
                   if l.startswith(old) else l for l in read(MD).splitlines(True)))
rc, out = run("check-layers")
if rc != 0:
    print("FAIL: the arrow allowed in the doc still fails:")
    print(out, end="")
    fails += 1

unplant()
rules = read("lib/core/rules.c")
i = rules.find(b"\n") + 1
write("lib/core/rules.c", rules[:i] + b"/* filler */\n" * 800 + rules[i:])
expect("check-size", "lib/core/rules.c:")
write("lib/core/rules.c", rules + b"int planted_long(void);\nint planted_long(void)\n{\n"
      + b"    (void)0;\n" * 79 + b"    return 0;\n}\n")
expect("check-size", "function planted_long: 82 lines (at most 80)")
sys.exit(fails)
PY

[ $fails -eq 0 ] && echo "planted: all faults found"
exit $fails
