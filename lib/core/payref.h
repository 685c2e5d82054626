/* SPDX-License-Identifier: MIT */
/* payref.h -- payment references and the EPC QR code's payload.
 *
 * An invoice paid by bank transfer carries a reference the buyer quotes, so the payment
 * can be matched to it: `[invoice] payment_reference` =
 *   rf      ISO 11649 structured creditor reference: "RF", two check digits (ISO 7064
 *           MOD 97-10), then the invoice number's letters and digits (at most 21);
 *   kid     Norwegian KID: the invoice number's digits and a MOD10 (Luhn) check digit
 *           (Norway also knows a MOD11 variant; faktura writes MOD10, which every
 *           Norwegian bank accepts);
 *   number  the invoice number as it is.
 * The check digits come from the shared checksum module (core/checksum.h: MOD 97-10, Luhn).
 */
#ifndef FK_PAYREF_H
#define FK_PAYREF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

typedef enum fk_payref_kind { FK_PAYREF_RF = 0, FK_PAYREF_KID, FK_PAYREF_NUMBER } fk_payref_kind;

#define FK_RF_MAX_BODY 21   /* ISO 11649: at most 21 characters after "RFnn" */
#define FK_KID_MAX_DIGITS 25

/* "rf", "kid", "number". */
const char *fk_payref_name(fk_payref_kind k);
/* false for anything else. */
bool fk_payref_parse(const char *name, fk_payref_kind *out);

/* The reference of kind k for invoice number `number`, into out (>= 36 bytes). false when
 * the number does not make one: more than 21 letters and digits (rf), no digits or more
 * than 24 (kid). */
bool fk_payref_make(fk_payref_kind k, const char *number, char *out, size_t n);
/* The letters and digits (rf) or digits (kid) a reference takes from a number; the
 * config check counts them for the longest number. */
size_t fk_payref_body_len(fk_payref_kind k, const char *number);

/* The EPC QR code's payload (EPC069-12 "GiroCode", version 002, UTF-8, SEPA credit
 * transfer) for paying `amount` EUR minor units (cents) to name/iban/bic with the given
 * reference: an RF reference goes in the structured field, anything else in the
 * unstructured one. out is reset. false when no valid payload exists: an amount not in
 * 0.01-999999999.99, or an empty name or IBAN. The name is cut to 70 characters (on a
 * character boundary), as the standard allows no more. */
bool fk_epc_payload(fk_buf *out, const char *bic, const char *name, const char *iban,
                    int64_t amount, const char *reference, bool structured);
#endif
