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

  With EINV_SAXON_SERVER=SOCKET (tests/lib/einvoice.sh einv_saxon_server), every Saxon
  transform that is not served from the cache (and every --fill run) is a request to
  tests/lib/SaxonServer.java, one JVM for the whole test: the same Saxon class runs the
  same command line there, its output relayed here, its exit code this process's. Without
  the server (not started, gone, or a relative path on the command line, which its working
  directory would resolve differently), the real java runs as before.

The report of a file is the same bytes of the same XSLT run by the same Saxon, so
validate.sh reads and judges it as its own (its summary takes the file from the report's
name, never from its content)."""
import concurrent.futures, hashlib, os, shlex, shutil, socket, subprocess, sys, tempfile

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


def served(args, out, err):
    """Runs Saxon's Transform ARGS in the test's SaxonServer, its output written to the
    files OUT and ERR; its exit code, or None without a server (or with a relative path,
    or when the server went away before answering)."""
    sock = os.environ.get("EINV_SAXON_SERVER")
    if not sock:
        return None
    for a in args:
        for p in ("-s:", "-xsl:", "-o:"):
            if a.startswith(p) and not os.path.isabs(a[len(p):]):
                return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.connect(sock)
            c.sendall(b"".join(x.encode() + b"\0" for x in [out, err] + args))
            c.shutdown(socket.SHUT_WR)
            answer = b""
            while True:
                chunk = c.recv(64)
                if not chunk:
                    break
                answer += chunk
    except OSError:
        return None
    return int(answer) if answer.strip().isdigit() else None


def saxon_args(args):
    """The Transform arguments of a java command line (after the class name), or None."""
    if "net.sf.saxon.Transform" not in args:
        return None
    return args[args.index("net.sf.saxon.Transform") + 1:]


def fill(cache, groups):
    # validate.sh's default, and no hsperfdata in /tmp (tests/lib/einvoice.sh sets JAVA_OPTS)
    opts = os.environ.get("JAVA_OPTS",
                          "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData")
    jobs = []
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
        targs = ["-s:" + os.path.abspath(staged), "-xsl:" + os.path.abspath(xslt),
                 "-o:" + os.path.abspath(d)]
        jobs.append((xslt, d, targs, cds))

    def run(job):
        xslt, d, targs, cds = job
        code = served(targs, d + ".log", d + ".err")
        if code is None:
            with open(d + ".log", "w") as log:
                code = subprocess.call(
                    [JAVA] + shlex.split(opts) + cds + ["-cp", SAXON, "net.sf.saxon.Transform"]
                    + targs, stdout=log, stderr=subprocess.STDOUT)
        return code

    # the runs at the same time: a thread each, waiting on the server or on its JVM
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(len(jobs), 1)) as pool:
        codes = list(pool.map(run, jobs))
    rc = 0
    for (xslt, d, _, _), code in zip(jobs, codes):
        # a file Saxon could not report on has no report here: validate.sh's own run of
        # that XSLT then sees it (see below)
        if code != 0:
            print(f"einv-java.py: Saxon {xslt}: exit {code} (see {d}.log, and .err when the "
                  "server ran it); validate.sh runs it itself", file=sys.stderr)
            rc = 1
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
        targs = saxon_args(a)
        if targs is not None and os.environ.get("EINV_SAXON_SERVER"):
            with tempfile.TemporaryDirectory() as t:
                out, err = os.path.join(t, "out"), os.path.join(t, "err")
                code = served(targs, out, err)
                if code is not None:
                    for name, stream in ((out, sys.stdout), (err, sys.stderr)):
                        with open(name, "rb") as f:
                            shutil.copyfileobj(f, stream.buffer)
                    sys.exit(code)
        os.execvp(JAVA, [JAVA] + a)
    for report, out in plan:
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copyfile(report, out)
