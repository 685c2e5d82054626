/* SPDX-License-Identifier: MIT */
/* einvoice_impl.h -- what the e-invoice writers share inside lib/einvoice. */
#ifndef FK_EINVOICE_IMPL_H
#define FK_EINVOICE_IMPL_H
#include "einvoice/einvoice.h"

/* Checked before writing (einvoice_common.c). */
fk_status fk_einv__check(const fk_document *d, const fk_einv_profile *p, fk_einv_problem *why,
                         fk_error *err);
/* BT-9: the document's due date; a credit note (which has none: it is settled against its
 * invoice) is due at its issue date, so its positive amount due has the BT-9 that BR-CO-25
 * asks for. "" none. */
const char *fk_einv__due_date(const fk_document *d);
/* A credit note's reason (BT-22, before the notes), NULL when d has none. */
const char *fk_einv__reason(const fk_document *d);
fk_status fk_einv__write_ubl(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                             fk_error *err);
fk_status fk_einv__write_cii(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                             fk_error *err);
fk_status fk_einv__write_ksef(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                              fk_einv_problem *why, fk_error *err);

/* The XML writer (einvoice_common.c): the bytes libxml2's xmlTextWriter writes with
 * indentation of one space, made without it. xmlTextWriter spent about 50 instructions a
 * byte of output (a list node and a strdup per element, an output buffer call per piece),
 * as much as validating the document. Text that holds a byte to escape goes through
 * libxml2's own xmlEncodeSpecialChars, as in xmlTextWriter; attribute values are escaped
 * as xmlTextWriter escapes them (", <, >, &, TAB, LF and CR), so the bytes
 * stay xmlTextWriter's and e-invoices issued before reprint the same;
 * tests/unit/test_einvoice_xml.c compares the two on random documents. The first failure
 * sticks and fk_xw_close reports it. */
typedef struct fk_xw {
    fk_buf out;    /* the document so far */
    fk_buf names;  /* the open elements' names, each NUL-terminated, innermost last */
    size_t depth;  /* open elements */
    bool open_tag; /* the innermost element's start tag is not closed yet (no '>') */
    bool doindent; /* xmlTextWriter's doindent: an end tag after child elements is indented */
    bool failed;
} fk_xw;
void fk_xw_open(fk_xw *w);
void fk_xw_start(fk_xw *w, const char *name);
void fk_xw_end(fk_xw *w);
void fk_xw_attr(fk_xw *w, const char *name, const char *value);
void fk_xw_text(fk_xw *w, const char *text);
void fk_xw_el(fk_xw *w, const char *name, const char *text);
/* Written only when text is not empty. */
void fk_xw_el_opt(fk_xw *w, const char *name, const char *text);
void fk_xw_el_attr(fk_xw *w, const char *name, const char *attr, const char *value,
                   const char *text);
/* End the document and append it to out. */
fk_status fk_xw_close(fk_xw *w, fk_buf *out, fk_error *err);
#endif
