/* SPDX-License-Identifier: MIT */
/* einvoice.h -- structured e-invoices written from the invoice of record (docs/einvoice.md).
 *
 * One data model (EN 16931, held by core/document.h), three syntaxes: UBL 2.1
 * (einvoice_ubl.c), UN/CEFACT CII D16B (einvoice_cii.c) and Poland's KSeF FA(3)
 * (einvoice_ksef.c). A format is a profile of one syntax, given as data
 * (einvoice_common.c): its specification identifier (BT-24), the business terms it makes
 * mandatory beyond EN 16931, and the official XSD its files are checked against. Every
 * writer is a pure function of the document: the same document gives the same bytes.
 *
 * Written through fk_xw (einvoice_impl.h: the bytes libxml2's xmlTextWriter writes, every
 * text escaped; never by pasting strings), UTF-8 without a BOM.
 * What EN 16931 and the CIUS rules demand is checked before writing, so an invoice that
 * cannot form a valid e-invoice fails with the missing business term named
 * (FK_EINV_MISSING); the XSD check (einvoice_schema.c) then proves the structure.
 *
 * Credit notes (issue 19): the writers choose root, type-code and line element names from
 * the document's type_code (380 invoice, 381 credit note) in one place each
 * (ubl_names / cii has one root), so adding BT-25/26 (the preceding invoice) is local.
 */
#ifndef FK_EINVOICE_H
#define FK_EINVOICE_H
#include <stdbool.h>
#include "core/buf.h"
#include "core/document.h"
#include "faktura/common.h"

typedef enum fk_einv_format {
    FK_EINV_UBL = 0,       /* EN 16931 in UBL 2.1 */
    FK_EINV_PEPPOL,        /* Peppol BIS Billing 3.0 (EHF 3 for Norwegian sellers) */
    FK_EINV_XRECHNUNG_UBL, /* XRechnung 3.0, UBL */
    FK_EINV_XRECHNUNG_CII, /* XRechnung 3.0, CII */
    FK_EINV_CII,           /* EN 16931 in CII D16B */
    FK_EINV_FACTURX,       /* Factur-X 1.0 / ZUGFeRD 2.x EN 16931: CII inside the PDF */
    FK_EINV_KSEF,          /* KSeF FA(3), Polish sellers */
    FK_EINV_COUNT
} fk_einv_format;

typedef enum fk_einv_syntax { FK_SYNTAX_UBL, FK_SYNTAX_CII, FK_SYNTAX_KSEF } fk_einv_syntax;

/* The XSDs the formats are checked against (einvoice_schema.c). */
typedef enum fk_einv_schema {
    FK_XSD_UBL = 0,        /* UBL-Invoice-2.1 */
    FK_XSD_CII,            /* CrossIndustryInvoice_100pD16B */
    FK_XSD_FACTURX,        /* Factur-X 1.0.9 EN16931 */
    FK_XSD_KSEF,           /* schemat_FA(3)_v1-0E */
    FK_XSD_UBL_CREDIT,     /* UBL-CreditNote-2.1: a UBL file whose root is CreditNote */
    FK_XSD_COUNT
} fk_einv_schema;

/* Business terms a profile makes mandatory beyond EN 16931 (bits of `need`). */
enum {
    FK_NEED_ENDPOINTS = 1u << 0,       /* BT-34, BT-49 (PEPPOL-EN16931-R010/R020, BR-DE-?) */
    FK_NEED_BUYER_REF_OR_ORDER = 1u << 1, /* BT-10 or BT-13 (PEPPOL-EN16931-R003) */
    FK_NEED_BUYER_REFERENCE = 1u << 2, /* BT-10 (BR-DE-15, the Leitweg-ID) */
    FK_NEED_SELLER_CONTACT = 1u << 3,  /* BG-6: BT-41, BT-42, BT-43 (BR-DE-2/5/6/7) */
    FK_NEED_ADDRESSES = 1u << 4,       /* BT-37/38, BT-52/53 (BR-DE-3/4/8/9) */
    FK_NEED_PAYMENT = 1u << 5,         /* BG-16 and its group (BR-DE-1, -23..-25, -30) */
    FK_NEED_ONE_NOTE = 1u << 6,        /* at most one BT-22 (PEPPOL-EN16931-R002) */
};

typedef struct fk_einv_profile {
    fk_einv_format format;
    const char *name;          /* "peppol": config, column, file name NUMBER.NAME.xml */
    fk_einv_syntax syntax;
    const char *customization; /* BT-24 */
    const char *process;       /* BT-23 (Peppol's ProfileID); NULL none */
    unsigned need;             /* FK_NEED_* */
    fk_einv_schema schema;
    const char *title;         /* for messages: "Peppol BIS Billing 3.0" */
} fk_einv_profile;

/* The profile of a format, or of a name (NULL: no such format). */
const fk_einv_profile *fk_einv_profile_of(fk_einv_format f);
const fk_einv_profile *fk_einv_profile_named(const char *name, size_t len);

/* A comma list of format names ("peppol, facturx"; "none" or "" for none) as a bit set of
 * (1u << format), in *mask. false (and *bad, *badlen naming the item) when a name is
 * unknown or "none" is combined with a format. */
bool fk_einv_parse_list(const char *list, unsigned *mask, const char **bad, size_t *badlen);
/* The canonical list of a mask: names in fk_einv_format order, ',' between ("" none). */
void fk_einv_list_text(unsigned mask, char *buf, size_t n);

/* Why a document cannot be written in a format. */
typedef enum fk_einv_problem {
    FK_EINV_OK = 0,
    FK_EINV_MISSING,     /* a business term the format needs is missing: err->field names it */
    FK_EINV_UNSUPPORTED, /* the format does not apply (KSeF for a non-Polish seller, ...) */
    FK_EINV_INVALID      /* the XML fails its XSD: err->message quotes the schema */
} fk_einv_problem;

/* Write document d as format p into out (appended; UTF-8, no BOM). On FK_EINPUT, *why
 * says which problem and err names the business term (field) and says what is wrong.
 * FK_EINTERNAL when libxml2 fails (memory). */
fk_status fk_einv_write(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                        fk_einv_problem *why, fk_error *err);

/* ---- Schemas (einvoice_schema.c) ----------------------------------------------------- */

typedef struct fk_einv_schemas fk_einv_schemas;
/* An empty set of compiled schemas. */
fk_einv_schemas *fk_einv_schemas_new(void);
/* With it in a mask of fk_einv_schemas_need: the XSDs of credit notes too (UBL's
 * CreditNote root has its own; the other syntaxes have one root). */
#define FK_EINV_CREDIT_NOTES (1u << 31)
/* Compile the XSDs the formats of `mask` need and s lacks, once, from the installed data
 * files (fk_einv_data_dir()). FK_EENV naming the file when one is missing or does not
 * compile. Not while another thread validates with s; the schemas are read-only after,
 * and several threads may validate with them at once. */
fk_status fk_einv_schemas_need(fk_einv_schemas *s, unsigned mask, fk_error *err);
void fk_einv_schemas_free(fk_einv_schemas *s);
/* Validate xml against format p's XSD (a UBL CreditNote against UBL-CreditNote-2.1): FK_OK, or FK_EINPUT with *why FK_EINV_INVALID and
 * the schema's first message (with its line) in err. */
fk_status fk_einv_validate(const fk_einv_schemas *s, const fk_einv_profile *p,
                           const char *xml, size_t len, fk_einv_problem *why, fk_error *err);
/* The directory of the shipped XSDs: <datadir>/einvoice (core/datadir.h). */
const char *fk_einv_data_dir(void);

/* ---- Helpers shared by the writers (einvoice_common.c) -------------------------------- */

/* minor units of a currency with `exp` digits as a decimal ("-12.30", "1200"). */
void fk_einv_amount(int64_t minor, int exp, char *buf, size_t n);
/* quantity x 1000 as a decimal without trailing zeros ("2", "2.5", "0.125"). */
void fk_einv_quantity(int64_t milli, char *buf, size_t n);
/* a rate in hundredths of a percent ("19.00", "25.50", "0.00"). */
void fk_einv_percent(int32_t centi, char *buf, size_t n);
/* "SCHEME:ID" split; false when s is not of that form. */
bool fk_einv_endpoint_split(const char *s, char *scheme, size_t ns, char *id, size_t ni);
/* The EAS electronic address derived from a VAT id where the scheme allows ("NO...MVA" ->
 * "0192:orgno", "DE..." -> "9930:DE...", "PL..." -> "9945:PL..."), into buf; false none. */
bool fk_einv_endpoint_from_vat(const char *vat_id, char *buf, size_t n);
/* The category needs no VAT ids of the parties (O: BR-O-02 forbids them). */
bool fk_einv_outside_scope(const fk_document *d);
#endif
