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

/* Shop exports (validate/shop.c; docs/input.md, "Amounts from shop exports"). */
/* The shop's status is one of [input] skip_status: ORDER_NOT_BILLABLE added, true. */
bool fk_shop_not_billable(fk_order *o, const fk_input_cfg *in);
/* payment_method paid, cash_on_delivery, a masked card, or a bank transfer the shop's
 * status confirms: sets o->payment (and o->paid, provider, paid date). False when the
 * method is none of these (validate.c's own methods then). */
bool fk_shop_payment(fk_order *o, const fk_input_cfg *in, const char *method);
/* Lines and totals of a mapped order: rates resolved, gross prices made net per rate,
 * shipping, fees and the order discount as lines, the shop's totals compared. */
bool fk_shop_amounts(fk_order *o, const fk_input_cfg *in, bool currency_ok);

/* The seller's identifiers, checked with the customers' validators: its country (made
 * upper case), VAT number, IBAN and BIC (when given). A config without a seller passes.
 * FK_EUSAGE naming the file, line and key. */
fk_status fk_validate_seller(fk_config *cfg, fk_error *err);
#endif
