/* SPDX-License-Identifier: MIT */
/* ingest_impl.h -- what the format readers share: their entry points for the dispatcher in
 * ingest.c, and the helpers that turn raw values into an order by one set of rules (value
 * cleaning, card masking, order-level consistency), whatever the file format. */
#ifndef FK_INGEST_IMPL_H
#define FK_INGEST_IMPL_H
#include "ingest/ingest.h"

#define FK_MAX_FIELD_BYTES 1024     /* longer values are cut and reported (FIELD_TOO_LONG) */
#define FK_MAX_LINES_PER_ORDER 10000 /* the rest of a longer order is skipped, one finding */

typedef struct fk_csv_reader fk_csv_reader;
fk_status fk_csv_open(fk_csv_reader **out, const char *path, const fk_ingest_options *opts,
                      fk_error *err);
fk_status fk_csv_next(fk_csv_reader *in, fk_order *o, bool *got, fk_error *err);
void fk_csv_progress(const fk_csv_reader *in, uint64_t *bytes, uint64_t *total);
void fk_csv_close(fk_csv_reader *in);

typedef struct fk_xml_reader fk_xml_reader;
fk_status fk_xml_open(fk_xml_reader **out, const char *path, const fk_ingest_options *opts,
                      fk_error *err);
fk_status fk_xml_next(fk_xml_reader *in, fk_order *o, bool *got, fk_error *err);
void fk_xml_progress(const fk_xml_reader *in, uint64_t *bytes, uint64_t *total);
void fk_xml_close(fk_xml_reader *in);
/* The orders schema compiled into the library: a copy of samples/orders.xsd. */
const char *fk_xml__schema_text(size_t *len);

/* The readers' queue of complete items (CSV records, XML orders), oldest first: one
 * parser call may complete several before the reader hands one out. */
typedef struct fk_ingest__queue {
    void *items;
    size_t size;            /* bytes per item; set before the first push */
    size_t head, len, cap;
} fk_ingest__queue;
/* Room for one more item at the end (compacting or growing): the caller fills the slot. */
void *fk_ingest__queue_push(fk_ingest__queue *q);
/* Remove the oldest item and return it (valid until the next push), NULL if empty. */
void *fk_ingest__queue_pop(fk_ingest__queue *q);
/* Item i counted from the oldest (i < len), e.g. to free what is left. */
void *fk_ingest__queue_at(const fk_ingest__queue *q, size_t i);

/* Start a new order from `file` at `line`. Its fields are NULL until set: a reader calls
 * fk_ingest__finish_order before handing the order out, which makes every unset field "". */
void fk_ingest__start_order(fk_order *o, const char *file, unsigned long line, char decsep);
void fk_ingest__finish_order(fk_order *o);
/* Add an invoice line; NULL past the line limit. The first line past it adds the finding
 * (fk_ingest__too_many_lines) and sets *told; later ones add nothing, so a million-line
 * order costs one finding. The reader keeps *told per order (false at its start). */
fk_line *fk_ingest__add_line(fk_order *o, unsigned long line, bool *told);
/* The finding for an order cut at FK_MAX_LINES_PER_ORDER, at the first `line` past it. */
void fk_ingest__too_many_lines(fk_order *o, unsigned long line);
/**
 * Set column `col` from a raw value of `len` bytes (may contain anything: it is cleaned to
 * NUL-free UTF-8 of at most FK_MAX_FIELD_BYTES, with a finding naming line and field when it
 * was not). Line columns go to `ln`. Order-level columns: `first` sets them; a later row
 * with a different non-empty value adds ORDER_INCONSISTENT. card_number is inspected and
 * only its masked form is kept. `value` is modified (cleaned, and wiped for card numbers).
 */
void fk_ingest__set_field(fk_order *o, fk_line *ln, fk_column col, char *value, size_t len,
                          unsigned long line, bool first);
/* fk_ingest__set_field for a value of which the reader kept only the first `len` bytes
 * (at least FK_MAX_FIELD_BYTES + 1 of them, or all there were) out of `total`: the kept
 * part is cut as any long value, and FIELD_TOO_LONG names the real length. A reader never
 * holds more of a value than that, whatever its size. */
void fk_ingest__set_cut_field(fk_order *o, fk_line *ln, fk_column col, char *value, size_t len,
                              uint64_t total, unsigned long line, bool first);
#endif
