#!/usr/bin/env python3
"""einv-java.py -- the `java` the e-invoice tests give the kit's validate.sh (its JAVA), so
that a schematron several modes share runs once for all their files (tests/lib/einvoice.sh
einv_svrl_once).

validate.sh MODE runs one JVM per validator of MODE on the files given; the modes ubl-cen,
ubl and xr all start with the CEN EN 16931 UBL rules, cii, xr-cii and fx-en16931 with the
CEN CII ones: checked mode by mode, each CEN XSLT is compiled three times (2-3 CPU s a
JVM). Instead:

  einv-java.py --fill CACHE XSLT FILE|DIR... [--and XSLT FILE|DIR...]...
      runs Saxon once per XSLT (the JVMs in parallel, with validate.sh's JAVA_OPTS) on all
      its FILEs (a DIR: its *.xml, as validate.sh takes them), keeping each SVRL report as
      CACHE/<XSLT's key>/<SHA-256 of the input>.xml. With EINV_CDS_ARCHIVE=FILE the first
      JVM also dumps its classes there (-XX:ArchiveClassesAtExit, JDK 13 and later).

  einv-java.py ARGS...   (as validate.sh's JAVA, with EINV_SVRL_CACHE=CACHE)
      a Saxon transform `-s:DIR -xsl:XSLT -o:OUT` whose XSLT was filled and every input of
      DIR (by its bytes) has a report: the reports are copied to OUT/<input's name>, as
      Saxon would write them; anything else (another XSLT, a file not filled, the summary)
      runs the real java (EINV_JAVA, default java) with ARGS unchanged.

The report of a file is the same bytes of the same XSLT run by the same Saxon, so
validate.sh reads and judges it as its own (its summary takes the file from the report's
name, never from its content)."""
import hashlib, os, shlex, shutil, subprocess, sys

SAXON = os.environ.get("SAXON_JAR", "/usr/share/java/Saxon-HE.jar")
JAVA = os.environ.get("EINV_JAVA", "java")


def key(path):
    return hashlib.sha256(os.path.realpath(path).encode()).hexdigest()[:16]


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def inputs(args):
    for a in args:
        if os.path.isdir(a):
            for top, _, names in sorted(os.walk(a)):
                for n in sorted(names):
                    if n.lower().endswith(".xml"):
                        yield os.path.join(top, n)
        else:
            yield a


def fill(cache, groups):
    # validate.sh's default, and no hsperfdata in /tmp (tests/lib/einvoice.sh sets JAVA_OPTS)
    opts = os.environ.get("JAVA_OPTS",
                          "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData")
    procs = []
    for i, (xslt, files) in enumerate(groups):
        # EINV_CDS_ARCHIVE: the first JVM also writes the classes it loaded (Saxon's) to a
        # class data sharing archive, for the JVMs of validate.sh after it
        cds = ["-XX:ArchiveClassesAtExit=" + os.environ["EINV_CDS_ARCHIVE"]] \
            if i == 0 and os.environ.get("EINV_CDS_ARCHIVE") else []
        d = os.path.join(cache, key(xslt))
        staged = d + ".in"
        os.makedirs(staged)
        os.makedirs(d)
        for f in inputs(files):
            link = os.path.join(staged, digest(f) + ".xml")
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(f), link)
        log = open(d + ".log", "w")
        procs.append((xslt, d, log, subprocess.Popen(
            [JAVA] + shlex.split(opts) + cds + ["-cp", SAXON, "net.sf.saxon.Transform",
                                          "-s:" + staged, "-xsl:" + xslt, "-o:" + d],
            stdout=log, stderr=subprocess.STDOUT)))
    rc = 0
    for xslt, d, log, p in procs:
        # a file Saxon could not report on has no report here: validate.sh's own run of
        # that XSLT then sees it (see below)
        if p.wait() != 0:
            print(f"einv-java.py: Saxon {xslt}: exit {p.returncode} (see {d}.log); "
                  "validate.sh runs it itself", file=sys.stderr)
            rc = 1
        log.close()
    return rc


def transform(args):
    """The cached reports for `... net.sf.saxon.Transform -s:DIR -xsl:XSLT -o:OUT`, or None."""
    cache = os.environ.get("EINV_SVRL_CACHE")
    if not cache or "net.sf.saxon.Transform" not in args:
        return None
    opt = {}
    for a in args:
        for p in ("-s:", "-xsl:", "-o:"):
            if a.startswith(p):
                opt[p] = a[len(p):]
    if len(opt) != 3 or not os.path.isdir(opt["-s:"]):
        return None
    d = os.path.join(cache, key(opt["-xsl:"]))
    if not os.path.isdir(d):
        return None
    plan = []
    for n in sorted(os.listdir(opt["-s:"])):
        report = os.path.join(d, digest(os.path.join(opt["-s:"], n)) + ".xml")
        if not os.path.isfile(report):
            return None
        plan.append((report, os.path.join(opt["-o:"], n)))
    return plan


if __name__ == "__main__":
    a = sys.argv[1:]
    if a and a[0] == "--fill":
        groups, cur = [], None
        for x in a[2:]:
            if x == "--and":
                cur = None
            elif cur is None:
                cur = (x, [])
                groups.append(cur)
            else:
                cur[1].append(x)
        sys.exit(fill(a[1], groups))
    plan = transform(a)
    if plan is None:
        os.execvp(JAVA, [JAVA] + a)
    for report, out in plan:
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copyfile(report, out)
