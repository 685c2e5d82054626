#!/usr/bin/env python3
"""kill-at.py DB ABOVE TARGET SIGNAL SEED I -- CMD...: for the crash and signal tests
(tests/e2e/state_crash.sh, state_interrupt.sh).

Starts CMD (its stdout and stderr are this script's), waits until the database DB has more
than ABOVE invoices and at least TARGET, then a further random 0-60 ms (random.Random of
SEED + I: the test prints its seed, so a failing kill can be replayed), and sends SIGNAL
(TERM, INT or KILL) to CMD. Prints, as its last line, "SENT COUNT" (SENT 1 if the signal
reached a running process, 0 if CMD had already ended; COUNT the invoices after it ended)
and exits with CMD's exit code as a shell reports it (128 + the signal's number when it
died of one).

One process polls the database every 20 ms, read-only, through one connection, as
the shell loop this replaces did by starting sqlite3 for every poll (two per poll in
state_interrupt: thousands of processes a test)."""
import os, random, signal, sqlite3, subprocess, sys, time

db, above, target, sig, seed, i = sys.argv[1:7]
above, target, seed, i = int(above), int(target), int(seed), int(i)
cmd = sys.argv[8:] if sys.argv[7] == "--" else sys.argv[7:]


con = None


def count():
    # One read-only connection, opened once the database is there; each query is its own
    # read transaction, so it sees every commit (a fresh connection per poll cost more than
    # the query).
    global con
    try:
        if con is None:
            con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=5,
                                  isolation_level=None)
        return con.execute("SELECT count(*) FROM invoices").fetchone()[0]
    except sqlite3.Error:
        if con is not None:
            con.close()
            con = None
        return 0  # not created yet, or no invoices table yet


proc = subprocess.Popen(cmd)
while proc.poll() is None:
    n = count()
    if n > above and n >= target:
        break
    time.sleep(0.02)
time.sleep(random.Random(seed + i).random() * 0.06)
sent = 0
if proc.poll() is None:
    proc.send_signal(getattr(signal, "SIG" + sig))
    sent = 1
code = proc.wait()
print(sent, count(), flush=True)
sys.exit(128 - code if code < 0 else code)
