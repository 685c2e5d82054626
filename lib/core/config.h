/* SPDX-License-Identifier: MIT */
/* config.h -- the parsed config file (the layout behind the public opaque fk_config). */
#ifndef FK_CONFIG_H
#define FK_CONFIG_H
#include <stdbool.h>
#include "faktura/batch.h"

struct fk_config {
    char *path;
    /* [seller]: required, the invoice's issuer (EU VAT Directive art. 226 (3), (5)) */
    char *seller_name, *seller_street, *seller_postal_code, *seller_city, *seller_country;
    char *seller_vat_id, *seller_iban, *seller_bic, *seller_email;
    /* [numbering] */
    char *number_format;  /* "{prefix}-{year}-{seq:06}" */
    char *number_prefix;  /* "INV" */
    /* [invoice] */
    int payment_terms_days;   /* due date = issue date + this; default 14 */
    char *footer;
    bool tax_id_required;     /* business customers need a VAT number; default true */
    /* [render] */
    char *font, *font_bold;
    char *logo;               /* optional seller logo (PNG), top right of page 1 */
};

/* Format invoice number `seq` of the series for `year` into buf; the series key (the
 * format with {seq} left out, e.g. "INV-2026") into key. */
void fk_config_number(const fk_config *cfg, int year, int64_t seq, char *buf, size_t bufsz,
                      char *key, size_t keysz);
/* Could `stem` be an invoice number of this series format (any year, any sequence)? */
bool fk_config_number_matches(const fk_config *cfg, const char *stem);
#endif
