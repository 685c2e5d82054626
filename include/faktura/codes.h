/* SPDX-License-Identifier: MIT */
/* faktura/codes.h -- finding codes and order outcomes (expanded from codes.def). */
#ifndef FAKTURA_CODES_H
#define FAKTURA_CODES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome of one order. Every ingested order gets exactly one. Values are stable. */
typedef enum fk_outcome {
    FK_INVOICED = 0, /* an invoice was issued in this batch */
    FK_FAILED = 1,   /* its data must be fixed */
    FK_HELD = 2,     /* a rule stopped it; a person decides */
    FK_SKIPPED = 3,  /* nothing to do (invoiced earlier, or not to be invoiced) */
    FK_CANCELLED = 4, /* a person cancelled it (`faktura cancel`): never to be invoiced */
    FK_CREDITED = 5  /* invoiced earlier, the dispute lost: a credit note was issued for it */
} fk_outcome;
#define FK_OUTCOME_COUNT 6

typedef enum fk_code {
    FK_CODE_NONE = 0
/* The comma leads, so the list ends without one (C++98 and C89 refuse a trailing comma). */
#define FK_CODE(name, value, status, release, hint) , FK_CODE_##name = value
#include "codes.def"
#undef FK_CODE
} fk_code;

/* "invoiced", "failed", "held", "skipped", "cancelled", "credited"; NULL for an unknown value. */
FK_EXTERN const char *fk_outcome_name(fk_outcome o);
/* The stable name ("TAX_ID_CHECKSUM"); NULL for an unknown code. */
FK_EXTERN const char *fk_code_name(fk_code c);
/* The code named `name` (exact, upper case); FK_CODE_NONE if none. */
FK_EXTERN fk_code fk_code_from_name(const char *name);
/* The outcome a finding of this code gives its order. */
FK_EXTERN fk_outcome fk_code_outcome(fk_code c);
/* The default hint. Never NULL for a known code. */
FK_EXTERN const char *fk_code_hint(fk_code c);
/* May `faktura approve` release a hold of this code (codes.def's RELEASE column)? */
FK_EXTERN bool fk_code_approvable(fk_code c);
/* Iterate: every code in value order; returns FK_CODE_NONE after the last. Start with NONE. */
FK_EXTERN fk_code fk_code_next(fk_code c);

#ifdef __cplusplus
}
#endif
#endif
