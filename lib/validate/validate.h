/* SPDX-License-Identifier: MIT */
/* validate.h -- check an order's billing details and compute its amounts.
 *
 * Adds a finding for every problem (at most one per field) and fills the derived fields of
 * the order: customer type, payment method, normalised tax ID, currency and exponent, line
 * nets, VAT per rate and totals, and the decisions the invoice depends on (its language,
 * reverse charge, the buyer's EU membership). Never touches the database or the disk.
 */
#ifndef FK_VALIDATE_H
#define FK_VALIDATE_H
#include "core/config.h"
#include "core/order.h"

/* as_of: the batch's "now"; today: its issue date (YYYY-MM-DD, in the [invoice] timezone)
 * for the "future" check, NULL for the UTC date of as_of. */
void fk_validate_order(fk_order *o, const fk_config *cfg, int64_t as_of, const char *today);

/* The seller's identifiers, checked with the customers' validators: its country (made
 * upper case), VAT number, IBAN and BIC (when given). A config without a seller passes.
 * FK_EUSAGE naming the file, line and key. */
fk_status fk_validate_seller(fk_config *cfg, fk_error *err);
#endif
