/* SPDX-License-Identifier: MIT */
/* ingest_csv_impl.h -- what the three parts of the CSV reader share: its state and limits.
 *
 * ingest_csv_records.c turns the file's bytes into records (the --input-encoding
 * conversion, libcsv, line counting, the stray-quote read-ahead, the limits);
 * ingest_csv_mapping.c reads a mapped shop export's fields from a record (docs/input.md,
 * "Profiles and mappings"); ingest_csv.c turns records into orders (the header, grouping
 * rows by order_id) and is the reader's API. ingest_csv.c has the design. */
#ifndef FK_INGEST_CSV_IMPL_H
#define FK_INGEST_CSV_IMPL_H
#include <iconv.h>
#include <stdio.h>
#include <csv.h>
#include "core/buf.h"
#include "ingest/ingest_impl.h"

#define READ_CHUNK (64 * 1024)
#define MAX_COLUMNS 1024          /* a header with more columns is not an order export */
#define MAX_HEADER_BYTES (64 * 1024) /* the header row ends within the file's first bytes */
#define MAX_RECORD_FIELDS 4096    /* a row with more fields is malformed, not stored */
/* Bytes of a field kept: one more than a value may have, so that a longer one is cut at a
 * character boundary (fk_ingest__set_cut_field) and reported with its real length. */
#define KEEP (FK_MAX_FIELD_BYTES + 1)
/* libcsv.c's pstate values (struct csv_parser is public, its states are not named there) */
#define LIBCSV_ROW_NOT_BEGUN 0    /* between records */
#define LIBCSV_FIELD_BEGUN 2      /* inside a field (p.quoted: a quoted one) */

#define RECYCLE_MAX (256 * 1024) /* a record buffer up to this size is kept for the next */
#define RAW_CHUNK (16 * 1024)
#define CONV_CAP (RAW_CHUNK * 3 + 16) /* converted, a byte becomes at most 3 (U+FFFD) */

/* Why a record is broken. */
typedef enum bad {
    BAD_NONE,
    BAD_STRICT,         /* libcsv's strict mode refused a byte (on line bad_line) */
    BAD_QUOTE_EOF,      /* a quote opened on bad_line is never closed */
    BAD_QUOTE_STRAY,    /* a quote opened on bad_line runs into a line that is a row */
    BAD_HEADER_QUOTE,   /* a quoted header name runs over the end of its line */
    BAD_HEADER_LONG,    /* no header row within MAX_HEADER_BYTES */
    BAD_HEADER_COLUMNS, /* more than MAX_COLUMNS header names */
} bad;

/* One CSV record: its fields' bytes, each NUL-terminated, one after the other in `data`
 * (one allocation for the whole row, and the buffers are recycled row after row). */
typedef struct record {
    char *data;
    size_t data_len, data_cap;
    size_t *offs, *lens;   /* field i is data + offs[i], lens[i] bytes (at most KEEP) */
    uint64_t *totals;      /* field i's real length: more than lens[i] when it was cut */
    size_t n, cap;
    unsigned long line;
    bad bad;               /* why the row is broken, or BAD_NONE */
    unsigned long bad_line;
    size_t bad_field;      /* for the quote cases: the index of the quoted field */
    bool too_many;
} record;

struct fk_csv_reader {
    char *path;
    FILE *fp;
    uint64_t bytes, total;
    uint64_t consumed;       /* bytes fed or skipped so far */
    char delim, decsep;
    bool fixed_delim;

    struct csv_parser p;
    bool parser_live;
    char *buf;
    size_t buf_len, buf_pos;
    bool eof, at_line_start, skip_to_eol, finished;
    bool cr_pending;         /* the last line ended in a CR at the end of the buffer */
    unsigned long line;      /* the physical line being fed, 1-based */
    unsigned long rec_start; /* line where the record being parsed began */
    uint64_t skipped;        /* bytes of the current field not given to libcsv */
    uint64_t nrec;           /* records queued so far: the number of the one being read */
    uint64_t q_rec;          /* the quoted field open at a line end: its record, */
    size_t q_field;          /* its index in the record, */
    unsigned long q_line;    /* and the line where its quote opened */

    record cur;              /* being filled by the callbacks */
    record spare;            /* an empty record whose buffers the next one reuses */
    fk_ingest__queue queue;  /* complete records */

    bool header_done;
    int *colmap;             /* header index -> fk_column or -1 */
    size_t ncols;

    /* Read through a mapping (docs/input.md, "Profiles and mappings"): each faktura field
     * from the expression of its [columns] entry, or from a header of its own name. */
    const fk_input_cfg *map; /* NULL: the faktura columns, by name, as always */
    char **hdr;              /* the header's names as written (trimmed), ncols of them */
    long *refs[FK_COL_COUNT];/* the header index of each reference of the field's
                              * expression, alternatives one after the other; -1: absent */
    long direct[FK_COL_COUNT]; /* no expression: the header of the field's name, or -1 */
    fk_buf val, part;        /* scratch for a value being put together */
    fk_error *err_out;       /* where the header's error goes */

    /* --input-encoding: the file is converted to UTF-8 while it is read */
    iconv_t cd;
    char *raw;               /* bytes read but not yet converted (a sequence cut by a read) */
    size_t raw_len;
    char *conv;              /* converted, not yet in buf */
    size_t conv_len, conv_pos;

    fk_order pending;
    bool have_pending;
    char *group_id;          /* the pending order's id as written in its first row */
    size_t pending_rows;     /* rows of the pending order so far */
    bool pending_filled;     /* one of them was whole: it set the order-level fields */
    bool lines_told;         /* it reached FK_MAX_LINES_PER_ORDER: the rest is skipped */
};

/* ingest_csv_records.c */
void fk_csv__record_free(record *r);
char *fk_csv__field(const record *r, size_t i);
void fk_csv__record_recycle(fk_csv_reader *in, record *r);
void fk_csv__parser_init(fk_csv_reader *in);
fk_status fk_csv__read_more(fk_csv_reader *in, fk_error *err);
fk_status fk_csv__feed_next(fk_csv_reader *in, fk_error *err);
void fk_csv__finish_parse(fk_csv_reader *in);

/* ingest_csv_mapping.c */
fk_status fk_csv__take_mapped_header(fk_csv_reader *in, const record *r, fk_error *err);
bool fk_csv__mapped_value(fk_csv_reader *in, const record *r, int c, uint64_t *total);

/* ingest_csv.c */
fk_status fk_csv__header_missing(fk_csv_reader *in, const record *r, fk_buf *missing,
                                 const char *first);
#endif
