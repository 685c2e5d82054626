/* SPDX-License-Identifier: MIT */
/* validate_invoice.h -- the invoice content decisions validate makes per order (internal to
 * lib/validate): each line's VAT category, supply type, unit and split-payment flag; the
 * exchange rate into the seller's accounting currency and the VAT in it; the delivery date
 * or period. validate.c calls them in its order of checks; they add findings and fill the
 * order's derived fields (order.h). */
#ifndef FK_VALIDATE_INVOICE_H
#define FK_VALIDATE_INVOICE_H
#include <stdbool.h>
#include "core/config.h"
#include "core/order.h"

/* Is cc (ISO alpha-2, upper case) an EU member state? */
bool fk_validate__in_eu(const char *cc);

/* The line's category (given, else derived from its rate and the buyer), supply type,
 * unit and split-payment flag, with their plausibility findings. rate_ok: the line's
 * vat_centi was parsed. The customer checks ran before (type, country, VAT number). */
void fk_validate__line_tax(fk_order *o, fk_line *ln, const fk_config *cfg, bool rate_ok);

/* The accounting currency and, when the order's currency differs, its exchange_rate and
 * exchange_rate_date (EXCHANGE_RATE_MISSING, EXCHANGE_RATE_INVALID). currency_ok: the
 * order's currency is known. */
void fk_validate__exchange_rate(fk_order *o, const fk_config *cfg, bool currency_ok);

/* The delivery date or period (DELIVERY_DATE_INVALID); the order date by default. After
 * the order date was checked. */
void fk_validate__delivery(fk_order *o);

/* After the VAT per group: each group's VAT in the accounting currency, their total, and
 * whether the split-payment note applies. false when an amount overflows. */
bool fk_validate__accounting(fk_order *o);
#endif
