/* SPDX-License-Identifier: MIT */
/* help.c -- the help texts (help.h says who else reads them, and their layout). */
#include "help.h"

const char fk_help_intro[] =
    "Usage: faktura COMMAND [options] [INPUT...]\n"
    "\n"
    "Batch invoice generation and reconciliation: orders in (CSV or XML), PDF invoices with\n"
    "gapless numbers out, every order accounted for in a report.\n"
    "\n"
    "Commands:\n";

const char fk_help_end[] =
    "\n"
    "Run `faktura COMMAND --help` for a command's options.\n"
    "  -h, --help            show this help\n"
    "  -V, --version         show the version\n"
    "\n"
    "Exit codes:\n"
    "  0  every order invoiced (or already invoiced by an earlier batch); orders held only\n"
    "     for their holding period do not count: the next run invoices them by itself\n"
    "  1  some orders were not invoiced (failed, or held for a person to decide); the\n"
    "     report says why\n"
    "  2  usage error: bad option or config file\n"
    "  3  input error: an input file is unreadable or malformed (e.g. missing column)\n"
    "  4  environment error: database locked or unwritable, disk full, I/O error\n"
    "  5  internal error (a bug, or a report that does not reconcile)\n"
    "  6  the batch is incomplete (interrupted, or stopped before all its inputs were\n"
    "     read): `faktura retry --batch ID INPUT...` finishes it\n"
    "  130, 143  run or retry stopped by SIGINT or SIGTERM (the batch is interrupted)\n"
    "\n"
    "Environment:\n"
    "  FAKTURA_DATADIR       the directory of faktura's data files (the invoice fonts);\n"
    "                        default: share/faktura of the installation, found from where\n"
    "                        the program is\n"
    "  SQLITE_TMPDIR, TMPDIR  where a very large batch keeps its temporary files (default:\n"
    "                        /var/tmp)\n";

const char fk_help_run[] = "Ingest, validate, check, number, render, record and report.\n\n";

const char fk_help_validate[] =
    "The same checks as `run`, as a dry run: no PDF, no invoice number consumed,\n"
    "no change to the database. Exit code 1 when an order would not be invoiced:\n"
    "CI pipelines call this.\n\n";

const char fk_help_batch_options[] =
    "INPUT is a CSV file of orders (one row per invoice line) or an XML file (.xml, see\n"
    "samples/orders.xsd); `-` reads stdin (CSV, or XML with --input-format xml).\n"
    "\n"
    "Options:\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "  --out DIR             directory for PDFs and the default report (default: out)\n"
    "  --config FILE         config file (default: faktura.ini; `validate` runs without one)\n"
    "  --report FILE         where to write the report, `-` for stdout (default:\n"
    "                        DIR/report-BATCH.json for run, one file per batch; stdout for\n"
    "                        validate)\n"
    "  --format FORMAT       json, csv, html or junit (default: json, or from the\n"
    "                        --report file's extension); repeat --format and --report\n"
    "                        to write several formats at once\n"
    "  --csv-bom             CSV report: start with a UTF-8 byte order mark (Excel)\n"
    "  --csv-delimiter ;     CSV report: ';' and decimal commas (European locales)\n"
    "  --expect FILE         compare each order's status and codes with FILE (columns\n"
    "                        order_id,status,codes); exit 0 when all match, 1 with a\n"
    "                        diff on stderr when not\n"
    "  --as-of DATE          the batch's \"now\", YYYY-MM-DD[THH:MM:SS] UTC: issue date and\n"
    "                        reproducible runs (default: the current time)\n"
    "  --input-format csv|xml  input format when the extension does not say\n"
    "  --delimiter , or ;    CSV delimiter (default: detected from the header line)\n"
    "  --decimal-comma       amounts are written 12,50 (default only for ';' files)\n"
    "  --profile NAME|FILE   read CSV inputs through a profile: faktura (the default),\n"
    "                        shopify, woocommerce, or a profile file (docs/input.md)\n"
    "  --input-encoding ENC  the inputs' encoding when not UTF-8: windows-1252,\n"
    "                        windows-1250, iso-8859-1/2/15, utf-16\n"
    "  --show-mapping        validate: print, for the first orders, each field with the\n"
    "                        source column and value it came from, then the amounts\n"
    "  --jobs N              render PDFs with N threads (default: one per core)\n"
    "  -q, --quiet           no summary line (errors are still printed)\n"
    "  -v, --verbose         say what is done (recovery, config warnings)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit codes: 0 all invoiced (orders held only for their holding period do not count),\n"
    "1 some not invoiced, 2 usage, 3 input, 4 environment, 5 internal, 6 batch incomplete,\n"
    "130/143 interrupted (see `faktura --help`).\n";

const char fk_help_retry[] =
    "Process the failed and held orders of batch ID again, through every check. Without\n"
    "INPUT, from the data stored in the database (after fixing the disk, the font, the\n"
    "config); with INPUT (corrected export files), only the batch's failed and held orders\n"
    "are taken from them. Invoiced orders are never touched. The report covers the whole\n"
    "batch afterwards.\n"
    "\n"
    "Options: --batch ID, --db FILE, --out DIR (default: the batch's), --config FILE,\n"
    "--report FILE (default: DIR/report-ID.json), --format FORMAT, --as-of DATE,\n"
    "--delimiter , or ;, --decimal-comma, --input-format csv|xml, --profile NAME|FILE,\n"
    "--input-encoding ENC, --jobs N, -q, -v, -h.\n"
    "An incomplete batch (interrupted, or stopped by an error before all its inputs were\n"
    "read) is finished from its INPUT files given again: the orders it never recorded are\n"
    "taken from them as the run would have; without INPUT retry says what to give (exit 6).\n"
    "Exit codes as for run: 0 all invoiced, 1 some not invoiced, 2 usage, 3 input,\n"
    "4 environment, 5 internal, 6 batch incomplete, 130/143 interrupted.\n";

const char fk_help_report[] =
    "Write the report of an earlier batch again, from the database.\n"
    "\n"
    "Options:\n"
    "  --batch ID            the batch (its id is in the run's report and summary line)\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "  --report FILE         where to write the report (default: stdout); repeatable\n"
    "  --format FORMAT       json, csv, html or junit (default: json, or from the\n"
    "                        --report file's extension); repeatable\n"
    "  --csv-bom, --csv-delimiter ;   CSV report options (see `faktura run --help`)\n"
    "  -q, --quiet           no summary line\n"
    "  -h, --help            show this help\n"
    "Exit code 6: the batch is incomplete (interrupted, or stopped before all its inputs\n"
    "were read, or still running); the report covers the orders it recorded.\n";

const char fk_help_verify[] =
    "Check every recorded invoice (of batch ID, or all): its PDF exists with the recorded\n"
    "size and SHA-256; and every number series has no gap and no repeat. Problems are\n"
    "listed on stdout.\n"
    "\n"
    "--repair renders each missing or changed PDF again from its stored document (with the\n"
    "fonts and logo of --config, default faktura.ini if present) and writes it back when\n"
    "the bytes are the ones issued; each repair is listed, and what cannot be repaired\n"
    "(no stored document, a rendering that differs) stays a problem. It holds the run lock.\n"
    "Exit code: 0 all well (after repairs), 1 problems left, 2 usage, 4 database\n"
    "unreadable or locked.\n";

const char fk_help_payments[] =
    "Record payments. Columns: invoice_number, amount (12.50), paid_on (YYYY-MM-DD), and\n"
    "optionally payment_id and currency. Partial payments add up; an invoice is open until\n"
    "fully paid. Unknown invoice numbers, currency mismatches and overpayments are listed\n"
    "and not applied. Rerunning a file records nothing twice (a row is identified by its\n"
    "payment_id, else by the whole row).\n"
    "Exit codes: 0 every row recorded (or recorded before), 1 some rows rejected, 2 usage,\n"
    "3 unreadable file, 4 database locked or unwritable.\n";

const char fk_help_approve[] =
    "Release held orders of batch ID so that the next `faktura retry --batch ID` invoices\n"
    "them: holds for a suspected duplicate charge, the minimum or maximum amount, the credit\n"
    "or rate limit, or an overdue balance. Who (--by, default the login name), why and when\n"
    "are recorded. Holding periods pass by themselves; open disputes need an answer.\n"
    "Exit codes: 0 all released, 1 some orders were not held for such a reason, 2 usage,\n"
    "4 database locked or unwritable.\n";

const char fk_help_cancel[] =
    "Cancel failed or held orders of batch ID that must never be invoiced: each gets the\n"
    "outcome `cancelled` with who (--by, default the login name), why and when; `retry`\n"
    "no longer takes it; `status` and the reports show it, and the reconciliation\n"
    "counts it (invoiced + failed + held + skipped + cancelled + credited = ingested).\n"
    "An issued invoice is corrected with `faktura credit`, not cancelled.\n"
    "\n"
    "Options:\n"
    "  --batch ID            the batch of the orders\n"
    "  --reason TEXT         why (recorded; required)\n"
    "  --by NAME             who (default: the login name)\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "\n"
    "Exit codes: 0 all cancelled (or cancelled before), 1 some orders are invoiced,\n"
    "settled or not in the batch, 2 usage, 4 database locked or unwritable.\n";

const char fk_help_credit[] =
    "Issue a credit note for invoice NUMBER: for the whole invoice (all that remains\n"
    "creditable), or for lines N (1-based, as printed), optionally QTY of a line. Credit\n"
    "notes have their own gapless series ([numbering] credit_format, credit_prefix; default\n"
    "CN-YYYY-000001), are written in the invoice's language from its stored document, and\n"
    "are documents of record (`show`, `reprint`, `verify`). The PDF goes to DIR (default\n"
    "out). Prints the credit note's number.\n"
    "Refused, with nothing issued and no number used: an unknown invoice, more than remains\n"
    "creditable on a line (credits add up across credit notes), a key (--id) used before\n"
    "with other content. The same key with the same content prints the existing number.\n"
    "\n"
    "--from FILE.csv issues many: columns credit_id, invoice_number, reason and optional\n"
    "line, quantity; rows sharing a credit_id form one credit note (no line: the whole\n"
    "invoice). Each refusal is listed with file, line and why; the others are issued.\n"
    "\n"
    "Options:\n"
    "  --invoice NUMBER      the invoice to credit\n"
    "  --reason TEXT         why (printed on the credit note; required)\n"
    "  --line N[:QTY]        credit line N (1-based, as printed), QTY of it (default: all\n"
    "                        that remains); repeatable; none: the whole invoice\n"
    "  --id KEY              the credit note's key: the same key and content again prints\n"
    "                        the existing number, other content is refused\n"
    "  --from FILE.csv       many credit notes from a file (see above)\n"
    "  --config FILE         config file (default: faktura.ini)\n"
    "  --db FILE             SQLite state file (default: faktura.db)\n"
    "  --out DIR             directory for the PDFs (default: out)\n"
    "  --as-of DATE          the issue date, YYYY-MM-DD[THH:MM:SS] UTC (default: now)\n"
    "  -q, --quiet           only the numbers (refusals are still printed)\n"
    "\n"
    "Exit codes: 0 issued (or issued before under the same key), 1 refused (some refused),\n"
    "2 usage, 3 unreadable FILE.csv, 4 environment.\n";

const char fk_help_status[] =
    "List the batches (or one) with their counts per status, then every open hold with\n"
    "its reason and any approval.\n";

const char fk_help_codes[] =
    "List every finding code with the outcome it gives an order and the hint for the\n"
    "accountant.\n";

const char fk_help_show[] =
    "Print the stored document of invoice NUMBER: the invoice of record, as issued (the\n"
    "JSON of docs/invoice.md). An invoice issued before faktura stored invoice content has\n"
    "only its totals: they are printed, and the exit code is 1.\n"
    "--format FORMAT: json (the default), or an e-invoice format (ubl, peppol,\n"
    "xrechnung-ubl, xrechnung-cii, cii, facturx, ksef), which prints instead the\n"
    "invoice's e-invoice in that format, written again from its document: the bytes it\n"
    "was issued with (for facturx, the CII its PDF embeds).\n"
    "Exit codes: 0 shown, 1 no such invoice or no stored content, 2 usage, 4 database.\n";

const char fk_help_reprint[] =
    "Render the PDF of invoice NUMBER again from its stored document, with the fonts and\n"
    "logo of --config (default faktura.ini if present, else the built-in fonts), and check\n"
    "it against the SHA-256 recorded when it was issued. Only a byte-identical PDF is\n"
    "written: to FILE (`-` is stdout; default: the invoice's file name, NUMBER.pdf with '/'\n"
    "as '_', in the current directory).\n"
    "Exit codes: 0 written and identical, 1 no such invoice, no stored content, or the\n"
    "rendering differs (nothing written), 2 usage, 4 environment.\n";

const char fk_help_invoices[] =
    "The sales journal (VAT register) from the stored invoices of record: one row per\n"
    "invoice and VAT breakdown with number, issue_date, delivery_date, period_start,\n"
    "period_end, buyer_name, buyer_vat_id, buyer_country, currency, vat_category,\n"
    "vat_rate, net, vat, gross (the invoice's), exchange_rate, accounting_currency,\n"
    "vat_accounting, payment_reference, status (open, paid, overdue on --as-of), paid and\n"
    "stored (no: issued before documents were stored, one row of totals). JSON also\n"
    "carries the sums per currency and per category and rate.\n"
    "\n"
    "Options: --from/--to YYYY-MM-DD (issue dates, inclusive), --format csv (default) or\n"
    "json (default from the --report file's extension), --report FILE (default stdout;\n"
    "a file is replaced atomically), --as-of DATE (default now), --db FILE.\n"
    "Exit codes: 0 written, 2 usage, 4 database or output unwritable.\n";
