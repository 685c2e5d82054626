/* SPDX-License-Identifier: MIT */
/* invoice_codes.h -- the code lists an invoice of record uses, with the words they print.
 *
 * VAT categories (UNCL5305 as EN 16931 uses them) with their default VATEX exemption code
 * and the legal note each needs on the invoice (VAT Directive 2006/112/EC art. 226 (11)
 * and (11a)), units of measure (UN/ECE Recommendation 20) with their names, both in the
 * four invoice languages. One table each, read by validate (which codes exist), the
 * document builder (which note a breakdown carries) and the renderer (a unit's name).
 */
#ifndef FK_INVOICE_CODES_H
#define FK_INVOICE_CODES_H
#include <stdbool.h>

/* Is `code` a VAT category faktura issues invoices with (S Z E AE K G O)? */
bool fk_vat_category_known(const char *code);
/* Does the category tax at a rate above zero? (S only.) */
bool fk_vat_category_taxed(const char *code);
/* The VATEX code a breakdown of this category carries when the order names none:
 * VATEX-EU-IC (K), VATEX-EU-AE (AE), VATEX-EU-G (G), VATEX-EU-O (O); "" otherwise. */
const char *fk_vat_category_vatex(const char *code);
/* The legal note a breakdown of this category prints, in `lang` ("en", "de", "nb", "pl";
 * anything else English). K, AE, G and O have one; E prints its exemption reason after
 * fk_vat_exempt_prefix(); S and Z print none (""). */
const char *fk_vat_category_note(const char *code, const char *lang);
/* "VAT exempt: " in `lang`, printed before an E breakdown's reason. */
const char *fk_vat_exempt_prefix(const char *lang);

/* Is `code` a UN/ECE Recommendation 20 unit faktura knows (C62, HUR, KGM, ...)? */
bool fk_unit_known(const char *code);
/* The unit's printed name in `lang` ("pc", "Std.", "szt."); the code itself if unknown. */
const char *fk_unit_name(const char *code, const char *lang);
/* The known codes, space-separated (for messages and docs). */
const char *fk_unit_codes(void);

/* The words a Polish invoice prints for the split payment mechanism (art. 106e ust. 1
 * pkt 18a of the Polish VAT act): always in Polish. */
#define FK_SPLIT_PAYMENT_NOTE "mechanizm podzielonej płatności"
#endif
