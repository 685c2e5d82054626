/* SPDX-License-Identifier: MIT */
/* ingest_xml_impl.h -- what the two halves of the XML reader share: its state and limits.
 *
 * ingest_xml.c is the bytes side (the file, the encoding check, the attribute scan, pushing
 * pieces, the reader's API); ingest_xml_sax.c is the libxml2 side (the parser and schema
 * validator set up, libxml2's global handlers, the SAX events that build the orders). */
#ifndef FK_INGEST_XML_IMPL_H
#define FK_INGEST_XML_IMPL_H
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include "ingest/ingest_impl.h"

#define READ_CHUNK (64 * 1024)
#define PUSH_PIECE (16 * 1024)       /* bytes per xmlParseChunk: few orders queue up */
#define MAX_TEXT (64 * 1024)         /* bytes of a value kept; longer ones are reported */
/* Text between two tags: libxml2's own limit without XML_PARSE_HUGE (XML_MAX_TEXT_LENGTH).
 * Its push parser applies it only when it builds a tree; through SAX the schema validator
 * collects an element's text without limit (100 MB of text took 110 MB), so it is applied
 * here: more stops the file. */
#define MAX_TEXT_RUN 10000000
#define MAX_TRACKED_DEPTH 8          /* deeper elements are never part of the model */
#define MAX_DEPTH 32                 /* deeper nesting stops the file: orders need 5 levels */
#define MAX_ATTRIBUTES 64            /* per tag; more stops the file (orders have none) */
#define MAX_SCHEMA_FINDINGS 5        /* per order; the rest are counted in one more */
#define NO_LINE ((size_t)-1)

/* Where the raw-byte scan (scan_ahead) is: text, or inside which kind of markup. */
enum lex { L_TEXT, L_LT, L_TAG, L_DQ, L_SQ, L_BANG, L_COMMENT, L_CDATA, L_DECL, L_PI };

/* What an open element is, from its name and its parent's kind. */
enum kind { K_OTHER, K_ROOT, K_ORDER, K_OFIELD, K_LINES, K_LINE, K_LFIELD };

struct fk_xml_reader {
    char *path;
    int fd;
    bool own_fd;
    uint64_t bytes, total;
    char *buf;                 /* bytes read but not yet pushed */
    size_t buf_len, buf_pos;
    bool eof, finished;
    char decsep;
    unsigned char lex;         /* scan_ahead's state, its tag's '=' count, last two bytes */
    unsigned lex_attrs;
    char lex_p1, lex_p2;
    unsigned long lex_line, lex_tag_line; /* the scan's line, and where its tag began */

    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vctxt;
    xmlParserCtxtPtr ctxt;
    xmlSchemaSAXPlugPtr plug;

    int depth;                 /* open elements; the root is 1 */
    unsigned char kind[MAX_TRACKED_DEPTH + 1];
    bool in_order;             /* `cur` is an order being read */
    bool closing;              /* its end tag was seen; the validator may still object */
    fk_order cur;
    size_t cur_line;           /* index of the <line> being read, or NO_LINE */
    uint64_t order_seen, line_seen; /* bit per fk_column already set */
    _Static_assert(FK_COL_COUNT <= 64, "order_seen and line_seen have a bit per column");
    bool order_has_lines;
    bool lines_told;           /* the order reached FK_MAX_LINES_PER_ORDER (one finding) */
    bool missing_told;         /* we named the missing children: drop libxml2's version */
    unsigned nschema, schema_more; /* schema findings of `cur`, and those dropped */
    uint64_t schema_errors;        /* in the whole document */
    int field;                 /* column whose text is collected, or -1 */
    uint64_t text_run;         /* bytes of text since the last tag */
    unsigned long field_line;
    char *text;
    size_t text_len, text_total;

    fk_ingest__queue queue;    /* completed orders */

    bool sniffed;              /* the first bytes were checked (prolog_check) */
    bool stopped;              /* xmlStopParser was called (after a failure) */
    bool failed;               /* the document stopped: fail_* say where and why */
    fk_status fail_status;
    unsigned long fail_line;
    char fail_msg[400];
};

/* ingest_xml_sax.c */
/* Stop the document: nothing after this point is read. The first reason wins. */
void fk_xml__fail(fk_xml_reader *in, fk_status st, unsigned long line, const char *fmt, ...)
    FK_PRINTF(4, 5);
/* Parse the next bytes of the document (and, with `terminate`, its end). */
void fk_xml__parse(fk_xml_reader *in, const char *data, size_t n, bool terminate);
/* Compile the built-in schema and plug its validator into a new push parser. */
fk_status fk_xml__setup_parser(fk_xml_reader *in, fk_error *err);
#endif
