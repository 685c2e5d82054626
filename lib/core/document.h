/* SPDX-License-Identifier: MIT */
/* document.h -- the invoice of record: everything one issued invoice says, as plain data,
 * and its one canonical JSON encoding (docs/invoice.md documents every field with its
 * EN 16931 business term).
 *
 * Every output of an invoice is a pure function of its document: the PDF (render), the
 * stored record (store: the JSON below, in the transaction that consumes the number), the
 * journal (`faktura invoices`), `show`, `reprint`, and the e-invoices and credit notes of
 * the issues after this one. So the document holds every printed value already decided and
 * in the invoice's language where it is text (the legal note of each VAT breakdown, the
 * footer lines, the payment reference, the EPC QR payload); dates are YYYY-MM-DD, amounts
 * integer minor units of their currency, rates hundredths of a percent. What stays in the
 * renderer is how a language writes numbers and dates, and the labels.
 *
 * Strings are borrowed (`const char *`): a document built from an order points into the
 * order and the config, and into its own arena for what it formats itself
 * (fk_document_strdup); a decoded document points into its arena only. fk_document_free
 * releases the arena and the arrays a decode allocated. NULL reads as "".
 *
 * The JSON is canonical: keys in the fixed order of docs/invoice.md, no spaces, integers
 * as integers, strings escaped only where JSON requires (", \, control characters). So a
 * document encodes to exactly one byte string, decode(encode(d)) encodes to the same
 * bytes, and the stored SHA-256 identifies the content.
 */
#ifndef FK_DOCUMENT_H
#define FK_DOCUMENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "faktura/common.h"

#define FK_DOCUMENT_VERSION 1
#define FK_DOCUMENT_MAX_VAT 16 /* VAT breakdowns per invoice (validate's limit) */

/* A party: the seller (BG-4) or the buyer (BG-7). The first seven members keep the order
 * they had in the renderer's input before the document existed. */
typedef struct fk_party {
    const char *name;          /* BT-27 / BT-44 */
    const char *street;        /* BT-35 / BT-50 */
    const char *postal_code;   /* BT-38 / BT-53 */
    const char *city;          /* BT-37 / BT-52 */
    const char *country;       /* BT-40 / BT-55: ISO 3166 alpha-2 */
    const char *vat_id;        /* BT-31 / BT-48: normalised, with its country prefix; "" none */
    const char *email;         /* BT-43 / BT-58 */
    const char *vat_id_shown;  /* the VAT number as printed (a Polish domestic NIP without
                                * "PL"); NULL or "": vat_id */
    const char *contact_name;  /* BT-41 / BT-56 */
    const char *phone;         /* BT-42 / BT-57 */
    /* For the e-invoices (issue 18); "" none. In the JSON only when not empty. */
    const char *endpoint;      /* BT-34 / BT-49 electronic address, "SCHEME:ID" (EAS) */
    const char *legal_id;      /* BT-30 / BT-47 legal registration identifier */
    const char *tax_registration; /* BT-32 seller tax registration ("Foretaksregisteret") */
} fk_party;

/* An invoice line (BG-25). */
typedef struct fk_doc_line {
    const char *description;   /* BT-153 item name */
    const char *sku;           /* BT-155 seller's item identifier; "" none */
    int64_t qty_milli;         /* BT-129 quantity x 1000 */
    int64_t unit_price;        /* BT-146 net price, minor units */
    int32_t vat_centi;         /* BT-152 VAT rate x 100 (19 % = 1900) */
    int64_t net;               /* BT-131 line net amount, minor units */
    const char *unit;          /* BT-130 UN/ECE Rec 20 code ("C62"); NULL or "": C62 */
    char category[3];          /* BT-151 UNCL5305: S Z E AE K G O */
    bool services;             /* supply type: services (true) or goods */
    bool split_payment;        /* Poland: Annex 15 goods (split payment) */
} fk_doc_line;

/* A credit note's line (kind "credit_note") corrects one line of its invoice: the line's
 * qty_milli and net are the difference (negative), its unit_price the invoice's; before:
 * what the invoice's line was before this correction (less earlier credit notes); after =
 * before + the difference. One per line of a credit note; encoded only for credit notes. */
typedef struct fk_doc_correction {
    int32_t invoice_line;      /* the corrected line's position on the invoice, 1-based */
    int64_t qty_before_milli, net_before;
} fk_doc_correction;

/* A VAT breakdown (BG-23): one per category and rate (and exemption reason). */
typedef struct fk_doc_vat {
    int32_t vat_centi;         /* BT-119 */
    int64_t taxable;           /* BT-116 */
    int64_t vat;               /* BT-117 */
    char category[3];          /* BT-118 */
    int64_t vat_accounting;    /* its VAT in the accounting currency (BT-6): vat x exchange
                                * rate, rounded half away from zero; = vat without a rate */
    const char *exemption_reason; /* BT-120; "" none */
    const char *exemption_code;   /* BT-121 VATEX-EU-...; "" none */
    const char *note;          /* the legal note printed under it, in the invoice's
                                * language; "" none */
} fk_doc_vat;

typedef enum fk_doc_payment {
    FK_DOC_PAY_TRANSFER = 0,   /* seller IBAN/BIC + payment reference (+ EPC QR) */
    FK_DOC_PAY_SEPA,           /* "will be debited", mandate reference, masked IBAN */
    FK_DOC_PAY_CARD,           /* "paid by VISA ****1234" */
    FK_DOC_PAY_PAID,           /* paid before the invoice (a shop's payment provider):
                                * "Paid on DATE via PROVIDER (REFERENCE)", nothing due */
    FK_DOC_PAY_COD             /* cash on delivery */
} fk_doc_payment;

typedef struct fk_document {
    int version;                        /* FK_DOCUMENT_VERSION */
    const char *kind;                   /* "invoice", or "credit_note" (issue 19) */
    int type_code;                      /* BT-3 UNTDID 1001: 380 invoice, 381 credit note */
    const char *number;                 /* BT-1 */
    const char *issue_date;             /* BT-2 YYYY-MM-DD */
    const char *order_date;             /* the order's date as written */
    const char *due_date;               /* BT-9 */
    const char *delivery_date;          /* BT-72; "" when only a period is given */
    const char *period_start, *period_end; /* BG-14 BT-73, BT-74; "" none */
    const char *order_id;               /* BT-14 sales order reference (the seller's) */
    const char *buyer_reference;        /* BT-10 (a Leitweg-ID); "" none */
    const char *order_reference;        /* BT-13 the buyer's purchase order; "" none */
    const char *language;               /* "en", "de", "nb" or "pl" */
    const char *currency;               /* BT-5 ISO 4217 */
    int exponent;                       /* its minor-unit digits */
    const char *accounting_currency;    /* BT-6 the seller's VAT accounting currency */
    int accounting_exponent;
    const char *exchange_rate;          /* 1 currency = this many accounting_currency, a
                                         * decimal string ("4.3128"); "" when the two are
                                         * the same */
    const char *exchange_rate_date;     /* its date, YYYY-MM-DD; "" likewise */
    /* A credit note (kind "credit_note", type 381): the invoice it corrects and why. Its
     * amounts (lines, breakdowns, totals) are negative: what is credited. The structured
     * forms (UBL CreditNote, CII 381, KSeF KOR) take BT-25/BT-26 from here and write the
     * amounts as their format wants them (UBL and CII: positive under type 381). "" for an
     * invoice; encoded only for credit notes. */
    const char *preceding_number;       /* BT-25 the corrected invoice's number */
    const char *preceding_date;         /* BT-26 its issue date */
    const char *credit_reason;          /* why (printed; BT-22 in the structured forms) */
    fk_party seller, buyer;
    bool buyer_is_business;
    const fk_doc_line *lines;
    size_t nlines;
    const fk_doc_correction *corrections; /* a credit note's, one per line; else NULL */
    const fk_doc_vat *vat;              /* ascending rate, then category */
    size_t nvat;
    int64_t net_total;                  /* BT-106 = BT-109 (no allowances or charges) */
    int64_t vat_total;                  /* BT-110 */
    int64_t gross_total;                /* BT-112 */
    int64_t vat_total_accounting;       /* BT-111: sum of the breakdowns' vat_accounting */
    int64_t prepaid;                    /* BT-113: the gross total when paid by card */
    int64_t due;                        /* BT-115 = gross - prepaid */
    fk_doc_payment payment;
    const char *payment_means;          /* BG-16 BT-81 UNCL4461: "58" SEPA credit transfer,
                                         * "30" other credit transfer, "59" SEPA direct
                                         * debit, "48" bank card */
    int payment_terms_days;             /* BT-20, in days from the issue date */
    const char *seller_iban, *seller_bic; /* BT-84, BT-86 */
    const char *payment_reference;      /* BT-83, electronic form ("RF18539007547034") */
    const char *payment_reference_kind; /* "rf", "kid", "number"; "" none */
    const char *mandate_id;             /* BT-89 */
    const char *iban_masked;            /* BT-91, masked ("DE89 **** 3000") */
    const char *card_brand, *card_last4; /* BG-18 */
    const char *paid_date;              /* paid: YYYY-MM-DD; "" otherwise */
    const char *paid_provider;          /* paid: the provider as printed ("PayPal"); "" */
    const char *paid_reference;         /* paid: the provider's transaction reference; "" */
    const char *qr;                     /* the EPC QR code's payload (EPC069-12); "" none */
    const char *creditor_id;            /* BT-90 SEPA creditor identifier; "" none (issue 18:
                                         * in the JSON only when not empty) */
    const char *einvoice;               /* the e-invoice formats issued with it, canonical
                                         * comma list ("peppol,facturx"); "" none (issue 18:
                                         * in the JSON only when not empty) */
    const char *const *notes;           /* BT-22 invoice notes, printed (split payment) */
    size_t nnotes;
    const char *const *footer;          /* the footer, one string per printed line */
    size_t nfooter;
    /* Storage the document owns (fk_document_free); NULL for none. */
    struct fk_doc_arena *arena;
} fk_document;

/* Is d a credit note (kind "credit_note")? */
bool fk_document_is_credit(const fk_document *d);

/* A zeroed document of the current version, kind "invoice", type 380. */
void fk_document_init(fk_document *d);
/* Free what the document owns (its arena and a decode's arrays); d is zeroed. */
void fk_document_free(fk_document *d);
/* A copy of s[0, n) (NUL-terminated) in the document's arena. */
const char *fk_document_strndup(fk_document *d, const char *s, size_t n);
const char *fk_document_strdup(fk_document *d, const char *s);
/* n bytes of zeroed memory in the arena (arrays a builder makes). */
void *fk_document_alloc(fk_document *d, size_t n);

/* The canonical JSON of d, appended to out. */
void fk_document_encode(const fk_document *d, fk_buf *out);
/* Decode canonical JSON (or any JSON of the same shape) into *d (fk_document_init'ed
 * first; free it with fk_document_free even on failure). FK_EINPUT with a message naming
 * the key when the text is not a document of a version this faktura reads. */
fk_status fk_document_decode(const char *json, size_t len, fk_document *d, fk_error *err);

/* The printed VAT number of a party (vat_id_shown, else vat_id; never NULL). */
const char *fk_party_vat_shown(const fk_party *p);
#endif
