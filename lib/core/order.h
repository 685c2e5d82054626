/* SPDX-License-Identifier: MIT */
/* order.h -- the order, as plain data: what ingest produces and every later stage reads.
 *
 * Stages talk only through this struct and its findings. Ingest fills the raw text of
 * each column (never NULL after ingest: "" when absent) and the lines; validate fills the
 * derived amounts; detect and the pipeline add findings. A full card number never reaches
 * this struct: ingest keeps only brand, length/check facts and the last four digits.
 *
 * Ownership: every string is malloc'ed and owned by the order; fk_order_clear() frees all
 * and makes the order reusable for the next one, so memory stays flat over millions.
 */
#ifndef FK_ORDER_H
#define FK_ORDER_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "faktura/codes.h"

/* The input columns: X(ID, "name", required-in-header). Order-level columns come first,
 * line columns from ITEM_SKU on. Column names are the CSV header names and XML elements. */
#define FK_COLUMNS(X)                                   \
    X(ORDER_ID, "order_id", 1)                          \
    X(ORDER_DATE, "order_date", 1)                      \
    X(CUSTOMER_ID, "customer_id", 0)                    \
    X(CUSTOMER_TYPE, "customer_type", 0)                \
    X(COMPANY_NAME, "company_name", 1)                  \
    X(TAX_ID, "tax_id", 0)                              \
    X(COUNTRY, "country", 1)                            \
    X(STREET, "street", 0)                              \
    X(POSTAL_CODE, "postal_code", 0)                    \
    X(CITY, "city", 0)                                  \
    X(EMAIL, "email", 0)                                \
    X(LANGUAGE, "language", 0)                          \
    X(CURRENCY, "currency", 1)                          \
    X(PAYMENT_METHOD, "payment_method", 1)              \
    X(CARD_NUMBER, "card_number", 0)                    \
    X(CARD_EXPIRY, "card_expiry", 0)                    \
    X(IBAN, "iban", 0)                                  \
    X(BIC, "bic", 0)                                    \
    X(MANDATE_ID, "mandate_id", 0)                      \
    X(CREDIT_LIMIT, "credit_limit", 0)                  \
    X(DISPUTE_STATUS, "dispute_status", 0)              \
    X(DISPUTE_OPENED, "dispute_opened", 0)              \
    /* shop exports (issue 20, docs/input.md "Orders from shops"); CSV only */ \
    X(PAYMENT_PROVIDER, "payment_provider", 0)          \
    X(PAYMENT_REFERENCE, "payment_reference", 0)        \
    X(PAID_DATE, "paid_date", 0)                        \
    X(SOURCE_STATUS, "source_status", 0)                \
    X(EXPECTED_TOTAL, "expected_total", 0)              \
    X(EXPECTED_VAT, "expected_vat", 0)                  \
    X(TAX_NAMES, "tax_names", 0)                        \
    X(SHIPPING, "shipping", 0)                          \
    X(SHIPPING_VAT, "shipping_vat", 0)                  \
    X(SHIPPING_DESCRIPTION, "shipping_description", 0)  \
    X(FEE, "fee", 0)                                    \
    X(FEE_VAT, "fee_vat", 0)                            \
    X(FEE_DESCRIPTION, "fee_description", 0)            \
    X(ORDER_DISCOUNT, "order_discount", 0)              \
    X(DISCOUNT_TOTAL, "discount_total", 0)              \
    X(DISCOUNT_DESCRIPTION, "discount_description", 0)  \
    X(DELIVERY_DATE, "delivery_date", 0)                \
    X(PERIOD_START, "period_start", 0)                  \
    X(PERIOD_END, "period_end", 0)                      \
    X(BUYER_REFERENCE, "buyer_reference", 0)            \
    X(ORDER_REFERENCE, "order_reference", 0)            \
    X(EXCHANGE_RATE, "exchange_rate", 0)                \
    X(EXCHANGE_RATE_DATE, "exchange_rate_date", 0)      \
    X(BUYER_ENDPOINT, "buyer_endpoint", 0)              \
    X(EINVOICE, "einvoice", 0)                          \
    X(ITEM_SKU, "item_sku", 0)                          \
    X(ITEM_DESCRIPTION, "item_description", 1)          \
    X(QUANTITY, "quantity", 1)                          \
    X(UNIT_PRICE, "unit_price", 1)                      \
    X(VAT_RATE, "vat_rate", 1)                          \
    X(LINE_DISCOUNT, "line_discount", 0)                \
    X(LINE_TOTAL, "line_total", 0)                      \
    X(LINE_VAT, "line_vat", 0)                          \
    X(VAT_CATEGORY, "vat_category", 0)                  \
    X(VAT_EXEMPTION_REASON, "vat_exemption_reason", 0)  \
    X(VAT_EXEMPTION_CODE, "vat_exemption_code", 0)      \
    X(SUPPLY_TYPE, "supply_type", 0)                    \
    X(UNIT, "unit", 0)                                  \
    X(SPLIT_PAYMENT, "split_payment", 0)

typedef enum fk_column {
#define FK_COL_ENUM(id, name, req) FK_COL_##id,
    FK_COLUMNS(FK_COL_ENUM)
#undef FK_COL_ENUM
    FK_COL_COUNT
} fk_column;
#define FK_ORDER_FIELDS FK_COL_ITEM_SKU /* columns [0, FK_ORDER_FIELDS) are order-level */

const char *fk_column_name(fk_column c);
bool fk_column_required(fk_column c);
/* The column named `name` (already trimmed and lower-cased); -1 if unknown. */
int fk_column_lookup(const char *name);

typedef struct fk_finding {
    fk_code code;
    char *field;    /* column concerned, or NULL for the whole order */
    char *message;  /* what was wrong, with the offending value (masked where sensitive) */
    char *hint;     /* NULL: the code's default hint */
} fk_finding;

/* What is kept of a card number: never the number itself. */
typedef struct fk_card {
    bool present;        /* a card_number was given */
    bool digits_only;    /* after removing spaces and dashes, only digits */
    int ndigits;
    bool luhn_ok;
    char brand[16];      /* "VISA", "MASTERCARD", ... or "" if no brand matches */
    char last4[5];
} fk_card;

typedef enum fk_customer_type { FK_BUSINESS = 0, FK_CONSUMER = 1 } fk_customer_type;
/* PAID: already paid through a payment provider (or by a masked card, or a transfer the
 * shop's status confirms); COD: cash on delivery. */
typedef enum fk_payment {
    FK_PAY_NONE = 0, FK_PAY_CARD, FK_PAY_SEPA, FK_PAY_TRANSFER, FK_PAY_PAID, FK_PAY_COD
} fk_payment;

/* What an invoice line is: an ingested item, or one validate made from an order-level
 * amount of a shop export (one per VAT rate: shipping, fee, order discount). Only items
 * are stored with the order (a retry makes the others again). */
typedef enum fk_line_kind {
    FK_LINE_ITEM = 0, FK_LINE_SHIPPING, FK_LINE_FEE, FK_LINE_DISCOUNT
} fk_line_kind;

typedef struct fk_line {
    char *f[FK_COL_COUNT - FK_ORDER_FIELDS]; /* raw text of the line columns, by fk_column - FK_ORDER_FIELDS */
    unsigned long line;                      /* physical line in the input */
    uint8_t kind;                            /* fk_line_kind; FK_LINE_ITEM from ingest */
    /* derived by validate (valid only when the order's `amounts_ok`) */
    int64_t qty_milli;                       /* quantity x 1000 */
    int64_t unit_price;                      /* minor units */
    int32_t vat_centi;                       /* VAT rate x 100 (19% = 1900) */
    int64_t net;                             /* qty x unit price, rounded to minor units
                                              * (shop orders: the line's share of its
                                              * rate's net, docs/input.md) */
    /* the line's tax decisions, by validate (valid when the order has no finding) */
    char category[3];                        /* UNCL5305: given, or derived from the rate
                                              * and the buyer */
    bool services;                           /* supply type (given, else the config's) */
    bool split_payment;                      /* Poland: Annex 15 goods */
    const char *unit;                        /* UN/ECE Rec 20 code, upper case ("C62") */
} fk_line;
#define FK_LINE_FIELD(ln, col) ((ln)->f[(col) - FK_ORDER_FIELDS])

/* One VAT breakdown: the lines of one category, rate and exemption reason and code. */
typedef struct fk_vat_group {
    int32_t vat_centi;
    int64_t taxable;  /* sum of rounded line nets at this rate */
    int64_t vat;      /* taxable x rate, rounded once */
    char category[3];
    const char *reason, *code; /* the lines' exemption reason and VATEX code ("" none) */
    int64_t vat_accounting; /* vat in the accounting currency: vat x exchange rate, rounded
                             * half away from zero once (= vat when no rate applies) */
} fk_vat_group;

typedef struct fk_order_strings fk_order_strings;

typedef struct fk_order {
    fk_order_strings *strings;         /* where file and the fields live (fk_order_strdup) */
    char *file;                        /* input path as given ("-" for stdin) */
    char decimal_sep;                  /* '.' or ',' (the input's dialect) */
    unsigned long line;                /* physical line of its first row (or <order> element) */
    char *f[FK_ORDER_FIELDS];          /* raw text; card_number holds the masked form only */
    fk_card card;
    fk_line *lines;
    size_t nlines, cap_lines;
    fk_finding *findings;
    size_t nfindings, cap_findings;
    size_t ningest_findings;           /* findings [0, n) come from ingestion itself */
    bool values_masked;                /* ingestion masked card numbers as values entered
                                        * (fk_order_mask_value): no need to look again */

    /* derived by validate */
    fk_customer_type customer_type;
    fk_payment payment;
    char tax_id_norm[32];              /* normalised VAT number, "" if none */
    char currency[4];                  /* upper-case ISO code if known, else "" */
    int exponent;                      /* minor-unit digits of `currency`, -1 if unknown */
    int64_t order_time;                /* the instant, seconds since epoch UTC, 0 if invalid */
    int32_t order_offset;              /* the UTC offset it was written with (seconds east),
                                        * 0 if none: its date is that of order_time + this */
    bool amounts_ok;                   /* every line parsed and the totals are exact */
    fk_vat_group groups[16];
    size_t ngroups;
    int64_t net_total, vat_total, gross_total;
    /* the tax and language decisions, made once by validate; the pipeline and the
     * renderer only read them */
    char language[3];                  /* the invoice's language: "en", "de", "nb" or "pl" */
    bool buyer_in_eu;                  /* the buyer's country is an EU member state */
    bool reverse_charge;               /* a line is reverse-charged (category AE, VAT
                                        * Directive art. 196): the invoice says so */
    /* payment already made (payment `paid`): recorded as paid with the invoice */
    bool paid;
    char paid_date[11];                /* YYYY-MM-DD of the payment ("" if not paid) */
    char provider_name[64];            /* the payment provider as printed ("PayPal"), "" */
    /* the invoice's content decisions (validate): dates as written, YYYY-MM-DD */
    char delivery_date[11];            /* BT-72: given, else the order date; "" when only a
                                        * period is given */
    char period_start[11], period_end[11]; /* BG-14; "" none */
    char accounting_currency[4];       /* the seller's (config) */
    int accounting_exponent;
    int64_t exchange_rate_micro;       /* 1 currency = this / 10^6 accounting currency; 0:
                                        * none (the currencies are the same) */
    char exchange_rate[32];            /* the same as a decimal string ("4.3128") */
    char exchange_rate_date[11];
    int64_t vat_total_accounting;      /* sum of the groups' vat_accounting */
    bool split_payment_note;           /* Poland: a split-payment line and 15,000 PLN gross
                                        * or more: "mechanizm podzielonej płatności" */

    /* set by the pipeline */
    unsigned einvoice;                 /* its e-invoice formats, 1u << fk_einv_format
                                        * (column einvoice, else [einvoice] formats) */
    fk_outcome outcome;
    char content_hash[65];             /* SHA-256 hex of the canonical order content */
    char customer_key[160];            /* "id:..", "tax:.." or "name:..": who the customer is */
    char charge_key[65];               /* SHA-256 hex of customer, currency, total and lines */
    uint64_t mem_key[4];               /* customer+currency and charge, hashed for the batch
                                        * memory (both set by fk_detect_keys) */
} fk_order;

/* An order's outcome as the report needs it: plain data, borrowed pointers. Built from a
 * live order (fk_order_outcome_rec) or read back from the database. */
typedef struct fk_outcome_rec {
    const char *order_id, *file;
    const char *currency;              /* as given, upper-cased ("" if none) */
    unsigned long line;
    fk_outcome outcome;
    int64_t amount;                    /* gross total, minor units; 0 when unknown */
    bool amount_known;
    int exponent;                      /* -1 when the currency is unknown */
    const fk_finding *findings;
    size_t nfindings;
} fk_outcome_rec;

void fk_order_init(fk_order *o);
void fk_order_clear(fk_order *o);      /* free everything; o is ready for reuse */
/* A copy of s[0, n) (NUL-terminated) owned by the order: freed by fk_order_clear with the
 * rest, and moved with the struct. Every string of file, f[] and the lines' f[] is one of
 * these: an order's text takes one allocation or two instead of one per field. */
char *fk_order_strndup(fk_order *o, const char *s, size_t n);
char *fk_order_strdup(fk_order *o, const char *s);
fk_line *fk_order_add_line(fk_order *o);
/* Add a finding; the message is printf-formatted and copied, and any card number it quotes
 * is masked (core/pan.h). At most one finding per field is kept (the first), so one wrong
 * value never cascades into many. */
void fk_order_add_finding(fk_order *o, fk_code code, const char *field, const char *fmt, ...)
    FK_PRINTF(4, 5);
/* Mask the card numbers (core/pan.h) in value[0, len), the value of column `col` read from
 * input line `line` (0: not known), in place. When there was one, the order gets
 * CARD_NUMBER_IN_FIELD for that column: the finding names the field, never the value.
 * Returns whether there was one. */
bool fk_order_mask_value(fk_order *o, fk_column col, char *value, size_t len,
                         unsigned long line);
/* fk_order_mask_value over every field the order holds but card_number (only ever kept
 * masked), for orders that did not just come through ingestion, which masks each value as
 * it enters (values_masked): an order stored by an older version and read back for a
 * retry. Called before any check adds a finding, its findings count as ingestion's
 * (ningest_findings): they are stored with the order's data. */
void fk_order_mask_fields(fk_order *o);
bool fk_order_has_finding(const fk_order *o, fk_code code);
/* Remove the findings of `code` (a decision that replaces them, such as a chargeback's). */
void fk_order_drop_finding(fk_order *o, fk_code code);
/* The outcome its findings give: none -> INVOICED, else the most severe (SKIPPED only when
 * every finding says skipped; FAILED before HELD). */
fk_outcome fk_order_outcome(const fk_order *o);
/* The amount reported and summed for this order: its gross total when amounts_ok, else 0. */
int64_t fk_order_amount(const fk_order *o);
/* The outcome record of a live order (pointers borrowed from o). */
void fk_order_outcome_rec(const fk_order *o, fk_outcome_rec *out);
#endif
