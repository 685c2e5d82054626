"""lost-dispute.py SRC ORDER_ID OUT: OUT is the row of ORDER_ID in the orders CSV SRC with
a lost dispute (dispute_status lost, dispute_opened 2026-11-21): the input of a chargeback
(the order was invoiced by an earlier run; this run credits it)."""
import csv
import sys

src, order_id, out = sys.argv[1:4]
rows = list(csv.DictReader(open(src, newline="")))
fields = list(rows[0].keys()) + ["dispute_status", "dispute_opened"]
with open(out, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields)
    w.writeheader()
    for r in rows:
        if r["order_id"] == order_id:
            r["dispute_status"], r["dispute_opened"] = "lost", "2026-11-21"
            w.writerow(r)
