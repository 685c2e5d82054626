/* SPDX-License-Identifier: MIT */
/* config.h -- the parsed config file (the layout behind the public opaque fk_config).
 *
 * The file is parsed once (fk_config__parse, core/config.c), every section included: the
 * generation rules of [thresholds] and [disputes] land in `rules`. The public
 * fk_config_load (pipeline/admin.c) parses, then has validate check the seller's
 * identifiers (fk_validate_seller), which core cannot call.
 */
#ifndef FK_CONFIG_H
#define FK_CONFIG_H
#include <stdbool.h>
#include "faktura/batch.h"
#include "core/mapping.h"
#include "core/rules.h"

/* A setting found in the file, with its line (for errors found after the parse). */
typedef struct fk_config_key {
    char *section, *name;
    unsigned long line;
} fk_config_key;

struct fk_config {
    char *path;
    /* [seller]: required, the invoice's issuer (EU VAT Directive art. 226 (3), (5)) */
    char *seller_name, *seller_street, *seller_postal_code, *seller_city, *seller_country;
    char *seller_vat_id, *seller_iban, *seller_bic, *seller_email;
    char *seller_contact_name, *seller_phone; /* printed; BT-41, BT-42 */
    char *seller_currency;    /* the VAT accounting currency (BT-6); default from country */
    /* e-invoices (issue 18): checked by fk_config_load (pipeline/admin.c) */
    char *seller_endpoint;    /* BT-34 "SCHEME:ID"; default derived from the VAT id */
    char *seller_legal_id;    /* BT-30 legal registration (HRB, KRS, org.no.) */
    char *seller_tax_registration; /* BT-32 ("Foretaksregisteret") */
    char *seller_creditor_id; /* BT-90 SEPA creditor identifier */
    char *einvoice_formats;   /* [einvoice] formats: comma list, "" or "none": none */
    /* [numbering] */
    char *number_format;  /* "{prefix}-{year}-{seq:06}" */
    char *number_prefix;  /* "INV" */
    char *credit_format;  /* the credit notes' own series (issue 19): "{prefix}-{year}-{seq:06}" */
    char *credit_prefix;  /* "CN" */
    /* [invoice] */
    int payment_terms_days;   /* due date = issue date + this; default 14 */
    char *footer;             /* its lines joined by '\n' (continued on indented lines) */
    bool tax_id_required;     /* business customers need a VAT number; default true */
    char *supply_type;        /* "goods" (default) or "services": a line's default */
    char *payment_reference;  /* "rf" (default), "kid" or "number" */
    char *timezone;           /* IANA name; issue date, series year, "future" (UTC) */
    /* [render] */
    char *font, *font_bold;
    char *logo;               /* optional seller logo (PNG), top right of page 1 */
    char *qr;                 /* "epc" (default): EPC QR code on EUR transfers; "none" */
    /* [thresholds], [disputes]: the generation rules (fk_rules_defaults when not set) */
    fk_rules rules;
    /* [input], [columns], [values.FIELD] and the profile they name: how input files are
     * read (core/mapping.h); input is the merged view ingest and validate use */
    fk_mapping *mapping;
    const fk_input_cfg *input;
    /* Resolved from the settings above at load (fk_config__parse, fk_validate_seller): */
    char accounting_currency[4];   /* seller_currency, or the seller country's currency */
    int accounting_exponent;
    bool services_default;         /* supply_type = services */
    int payref;                    /* fk_payref_kind of payment_reference */
    bool qr_epc;                   /* qr = epc */
    char **footer_lines;           /* footer split into its lines (nfooter of them) */
    size_t nfooter;
    char seller_vat_norm[64];      /* vat_id normalised (fk_validate_seller); "" before */
    unsigned einvoice_mask;        /* einvoice_formats as 1u << fk_einv_format (admin.c) */
    char seller_endpoint_norm[192]; /* seller_endpoint, else the one derived from the VAT
                                     * id, else "" (admin.c) */
    /* every known setting the file gave, in file order */
    fk_config_key *keys;
    size_t nkeys, capkeys;
};

/* Parse the file at `path` (NULL: the built-in defaults, no seller) and check what core
 * can: every setting's syntax and range, a key given twice, the seller's details present,
 * the number format. Errors name the file, line and key (FK_EUSAGE). */
fk_status fk_config__parse(fk_config **out, const char *path, fk_log_fn warn, void *payload,
                           fk_error *err);
/* The currency a seller of country cc (ISO alpha-2) keeps its VAT accounts in, NULL when
 * faktura does not know it. */
const char *fk_country_currency(const char *cc);
/* After the seller's country was checked: its accounting currency is known (from [seller]
 * currency or the country), else FK_EUSAGE naming the key. */
fk_status fk_config_check_currency(const fk_config *cfg, fk_error *err);
/* The line where the file set [section] key, 0 if it did not. */
unsigned long fk_config_line(const fk_config *cfg, const char *section, const char *key);
/* The [numbering] checks (config_number.c); lines for the errors. */
fk_status fk_config__check_numbering(const fk_config *cfg, unsigned long format_line,
                                     unsigned long prefix_line, fk_error *err);

/* Format invoice number `seq` of the series for `year` into buf; the series key (the
 * format with {seq} left out, e.g. "INV-2026") into key. */
void fk_config_number(const fk_config *cfg, int year, int64_t seq, char *buf, size_t bufsz,
                      char *key, size_t keysz);
/* The same for credit note number `seq` ([numbering] credit_format, credit_prefix). */
void fk_config_credit_number(const fk_config *cfg, int year, int64_t seq, char *buf,
                             size_t bufsz, char *key, size_t keysz);
/* The credit note number whose file name is `stem`, if it is one of the credit series. */
bool fk_config_credit_number_from_file(const fk_config *cfg, const char *stem, char *number,
                                       size_t n);
/* Could `stem` be an invoice number of this series format (any year, any sequence)? */
bool fk_config_number_matches(const fk_config *cfg, const char *stem);
/* The file name (without ".pdf") of invoice `number`: '/' becomes '_'. */
void fk_config_number_file(const char *number, char *buf, size_t bufsz);
/* The invoice number whose file name is `stem` (fk_config_number_file), if `stem` is one
 * of this series format: into number; false if it is none. */
bool fk_config_number_from_file(const fk_config *cfg, const char *stem, char *number,
                                size_t n);

#endif
