#!/usr/bin/env python3
"""einvoice-files.py COMMAND ARGS -- the per-file checks of the e-invoice tests
(tests/e2e/einvoice_ledger.sh, credit_einvoice.sh) in one process, instead of a shell
pipeline (wc, sha256sum, cut, tr, cmp, [) per file. faktura and qpdf still run once per
file they check (qpdf once for both the attachment and --check, instead of pdfdetach and
qpdf); the file comparisons and hashes are done here.

  files S SUB TABLE      every row of TABLE (einvoices, credit_einvoices) is a file of S/SUB
                         with the recorded size and SHA-256 and what `faktura show --format`
                         gives; as many XML files written as recorded.
  copy FROM S[:DEST]...  copy the seller directory FROM/S (a ledger einvoice_ledger.sh ran)
                         to ./DEST (default S) and point its database's batches at the copy
                         (batches.out_dir is absolute): verify and every later command then
                         read and write this test's copy only, never FROM.
  invoices S...          every order of S/r.json invoiced; every row of einvoices is a file
                         of S/out with the recorded size and SHA-256, as many XML files
                         written as recorded; the Factur-X invoices (check_facturx) into S/fx.
  credits S...           the same for credit_einvoices and S/cn, and each of those files is
                         what `faktura show --format FORMAT NUMBER` gives; a credit note per
                         format the invoice had; the Factur-X credit notes (check_facturx,
                         CII type 381) into S/cnfx; `faktura reprint` of each credit note is
                         its PDF byte for byte.

The sanitizer build (FK_SANITIZER_BUILD=1, a faktura process costs ~120 ms there) runs
each of faktura's paths a few times instead of once per file: invoices: one Factur-X
invoice per seller; credits: `show` once per format, rotating over the full, one-line and
part-quantity credit notes (CN-2026-000001..3), their Factur-X forms and reprints. The
hashes, sizes and counts are checked for every file in both builds.

Env: FAKTURA (the binary), FK_SANITIZER_BUILD. Prints "FAIL: ..." per failed check; exit 1
if any."""
import hashlib, json, os, shutil, sqlite3, subprocess, sys

FAKTURA = os.environ.get("FAKTURA", "faktura")
SAN = os.environ.get("FK_SANITIZER_BUILD") == "1"
KINDS = ["CN-2026-000001", "CN-2026-000002", "CN-2026-000003"]  # full, one line, part
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg, file=sys.stderr)


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        fail(f"{path}: {e.strerror}")
        return None


def recorded(s, sub, table):
    """Every row of TABLE: S/SUB/file_name has the recorded size and SHA-256; as many XML
    files in S/SUB as rows. Returns the rows with the file's bytes."""
    db = sqlite3.connect(f"{s}/db.sqlite")
    rows = db.execute(f"SELECT number, format, file_name, size, sha256 FROM {table} "
                      "ORDER BY number, format").fetchall()
    out = []
    for num, fmt, f, size, sha in rows:
        data = read(f"{s}/{sub}/{f}")
        if data is None:
            continue
        if len(data) != size:
            fail(f"{s}/{f} size: got '{len(data)}', expected '{size}'")
        got = hashlib.sha256(data).hexdigest()
        if got != sha:
            fail(f"{s}/{f} sha: got '{got}', expected '{sha}'")
        out.append((num, fmt, f, data))
    written = sum(1 for n in os.listdir(f"{s}/{sub}") if n.endswith(".xml"))
    if written != len(rows):
        fail(f"{s}: XML files recorded = written: got '{len(rows)}', expected '{written}'")
    return db, out


def same_as_shown(s, sub, rows):
    """Each of ROWS (recorded()'s) is the bytes `faktura show --format FORMAT NUMBER` gives."""
    for num, fmt, f, data in rows:
        r = run([FAKTURA, "show", "--db", f"{s}/db.sqlite", "--format", fmt, num])
        if r.returncode != 0:
            fail(f"show --format {fmt} {num}: exit {r.returncode}: "
                 f"{r.stderr.decode(errors='replace')}")
        elif r.stdout != data:
            fail(f"show --format {fmt} {num} differs from {s}/{sub}/{f}")


def check_facturx(s, pdf, num, outdir):
    """The XML embedded in the Factur-X PDF (factur-x.xml, as qpdf extracts it) is the bytes
    `faktura show --format facturx` gives (kept as OUTDIR/NUM.xml for the kit's
    validators), and qpdf --check is clean. Returns the shown XML."""
    r = run([FAKTURA, "show", "--db", f"{s}/db.sqlite", "--format", "facturx", num])
    if r.returncode != 0:
        fail(f"show --format facturx {num}: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
    with open(f"{outdir}/{num}.xml", "wb") as f:
        f.write(r.stdout)
    # one qpdf for both: the attachment on stdout, the check's report on stderr
    q = run(["qpdf", "--show-attachment=factur-x.xml", "--check", pdf])
    if q.stdout != r.stdout:
        fail(f"{num}: the embedded XML is not the shown CII")
    text = q.stderr.decode(errors="replace")
    if q.returncode != 0:
        fail(f"qpdf --check {pdf}: exit {q.returncode}: {text}")
    if "warning" in text.lower():
        fail(f"qpdf warns on {pdf}: {text}")
    return r.stdout


def invoices(sellers):
    for s in sellers:
        # every order invoiced: the ledger asks only for formats its data allows
        with open(f"{s}/r.json") as f:
            r = json.load(f)
        bad = [(o["order_id"], o["findings"]) for o in r["orders"] if o["status"] != "invoiced"]
        if bad:
            fail(f"{s}: not every order was invoiced: {bad}")
        db, files = recorded(s, "out", "einvoices")
        # Factur-X: the embedded CII is the one faktura shows, and the PDF is sound
        os.makedirs(f"{s}/fx")
        nums = [n for (n,) in db.execute(
            "SELECT number FROM invoices i JOIN documents d USING (number) "
            "WHERE d.content LIKE '%\"einvoice\":\"%facturx%' ORDER BY number")]
        if SAN:
            nums = nums[:1]
        for num in nums:
            check_facturx(s, f"{s}/out/{num}.pdf", num, f"{s}/fx")
        if not nums:
            fail(f"{s}: no Factur-X invoice")
        print(f"{s}: {len(files)} XML files as recorded, {len(nums)} Factur-X PDFs checked")


def credits(sellers):
    for s in sellers:
        db, files = recorded(s, "cn", "credit_einvoices")
        # each is what `show --format` gives (sanitizer build: each format once)
        if SAN:
            fmts = sorted({fmt for (_, fmt, _, _) in files})
            pick = {(KINDS[i % 3], fmt) for i, fmt in enumerate(fmts)}
            shown = [x for x in files if (x[0], x[1]) in pick]
            if len(shown) != len(fmts):
                fail(f"{s}: the sanitizer build's show: {len(shown)} files for {len(fmts)} formats")
        else:
            shown = files
        same_as_shown(s, "cn", shown)
        # every format its invoices had, for every credit note of such an invoice
        a = db.execute("SELECT count(*) FROM credit_einvoices c JOIN credit_notes n USING "
                       "(number) JOIN einvoices e ON e.number = n.invoice_number AND "
                       "e.format = c.format").fetchone()[0]
        b = db.execute("SELECT count(*) FROM einvoices").fetchone()[0]
        if a != b:
            fail(f"{s}: XML per format as the invoices': got '{a}', expected '{b}'")
        # Factur-X: the embedded CII is the shown one, type 381, qpdf is clean
        os.makedirs(f"{s}/cnfx")
        fx = [n for (n,) in db.execute("SELECT number FROM credit_notes WHERE content LIKE "
                                       "'%\"einvoice\":\"%facturx%' ORDER BY number")]
        if SAN:
            fx = [n for n in fx if n in KINDS]
        for num in fx:
            xml = check_facturx(s, f"{s}/cn/{num}.pdf", num, f"{s}/cnfx")
            if b"<ram:TypeCode>381</ram:TypeCode>" not in xml:
                fail(f"{s}/cnfx/{num}.xml does not contain: <ram:TypeCode>381</ram:TypeCode>")
        if not fx:
            fail(f"{s}: no Factur-X credit note")
        # reprint: byte-identical
        notes = [n for (n,) in db.execute("SELECT number FROM credit_notes ORDER BY number")]
        if SAN:
            notes = [n for n in notes if n in KINDS]
        for num in notes:
            r = run([FAKTURA, "reprint", "--config", f"{s}/faktura.ini", "--db",
                     f"{s}/db.sqlite", "--out", f"{s}/rp.pdf", num])
            if r.returncode != 0:
                fail(f"{s}: reprint {num}: exit {r.returncode}: {r.stderr.decode(errors='replace')}")
            elif read(f"{s}/rp.pdf") != read(f"{s}/cn/{num}.pdf"):
                fail(f"{s}: reprint of {num} is not byte-identical")
        if os.path.exists(f"{s}/rp.pdf"):
            os.remove(f"{s}/rp.pdf")
        print(f"{s}: {len(files)} XML files as recorded, {len(shown)} shown, {len(fx)} Factur-X "
              f"PDFs checked, {len(notes)} reprinted")


def files(s, sub, table):
    """recorded(), and each file is what `faktura show --format` gives (the sanitizer
    build: the first file)."""
    db, rows = recorded(s, sub, table)
    shown = rows[:1] if SAN else rows
    same_as_shown(s, sub, shown)
    print(f"{s}: {len(rows)} XML files as recorded, {len(shown)} shown")


def copy(src, pairs):
    for p in pairs:
        s, _, dest = p.partition(":")
        dest = dest or s
        shutil.copytree(f"{src}/{s}", dest, symlinks=True)
        db = sqlite3.connect(f"{dest}/db.sqlite")
        old, new = os.path.realpath(f"{src}/{s}"), os.path.realpath(dest)
        n = db.execute("UPDATE batches SET out_dir = ? || substr(out_dir, ?) WHERE "
                       "substr(out_dir, 1, ?) = ?", (new, len(old) + 1, len(old), old)).rowcount
        db.commit()
        if n == 0:
            fail(f"copy {src}/{s}: no batch wrote to {old}")
        if any(old in line for line in db.iterdump()):
            fail(f"copy {src}/{s}: {dest}/db.sqlite still names {old}")
        db.close()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "copy":
        copy(args[0], args[1:])
    elif cmd == "invoices":
        invoices(args)
    elif cmd == "credits":
        credits(args)
    elif cmd == "files":
        files(*args)
    else:
        sys.exit(f"einvoice-files.py: unknown command {cmd}")
    sys.exit(1 if failures else 0)
