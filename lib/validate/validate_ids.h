/* SPDX-License-Identifier: MIT */
/* validate_ids.h -- identifier checks: VAT numbers, IBAN, BIC, countries.
 *
 * Pure functions over strings: no I/O, no allocation, no global state, safe from any
 * thread. Each returns FK_CODE_NONE when the value is valid, else the finding code that
 * describes what is wrong. Implemented in ids_*.c (see ids_impl.h for which file holds
 * what).
 */
#ifndef FK_VALIDATE_IDS_H
#define FK_VALIDATE_IDS_H
#include <stddef.h>
#include <stdbool.h>
#include "faktura/codes.h"

/* Is `cc` (exactly two upper-case letters) an ISO 3166-1 alpha-2 country code? */
bool fk_country_known(const char *cc);

/**
 * Check a VAT identification number as people type it (lower case, with or without the
 * country prefix, with the separators that country's numbers are written with: spaces
 * everywhere, dashes, dots, slashes, colons or commas where the country uses them, see
 * docs/input.md) against the order's `country` (ISO alpha-2).
 * On FK_CODE_NONE, `norm` holds the normalised form ("PL5260250274", "NO974760673MVA",
 * "CHE123456789MWST"). Returns TAX_ID_FORMAT, TAX_ID_CHECKSUM, TAX_ID_COUNTRY_MISMATCH
 * (prefix contradicts `country`; Greece's prefix is EL, Northern Ireland's XI is accepted
 * for GB), or TAX_ID_COUNTRY_UNSUPPORTED.
 */
fk_code fk_taxid_check(const char *input, const char *country, char *norm, size_t normsz);

/* IBAN (any case; spaces, dashes or dots between groups): the registry's format of its
 * country + ISO 7064 MOD 97-10. norm gets "DE89370400440532013000". */
fk_code fk_iban_check(const char *input, char *norm, size_t normsz);
/* BIC: 8 or 11 chars (spaces allowed), 4 letters + country + 2 alnum (+3 alnum); if
 * iban_country is not NULL or "", the BIC's country must match it. Returns
 * FK_CODE_BIC_INVALID or NONE. */
fk_code fk_bic_check(const char *input, const char *iban_country);
#endif
