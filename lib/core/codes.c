/* SPDX-License-Identifier: MIT */
/* codes.c -- names, outcomes and hints of finding codes, expanded from codes.def. */
#include <string.h>
#include "faktura/codes.h"

typedef struct code_info {
    fk_code code;
    const char *name;
    fk_outcome outcome;
    bool approvable;
    const char *hint;
} code_info;

#define FAILED FK_FAILED
#define HELD FK_HELD
#define SKIPPED FK_SKIPPED
#define CANCELLED FK_CANCELLED
#define CREDITED FK_CREDITED
#define APPROVABLE true
#define NOT_APPROVABLE false
static const code_info codes[] = {
#define FK_CODE(name, value, status, release, hint) {FK_CODE_##name, #name, status, release, hint},
#include "faktura/codes.def"
#undef FK_CODE
};
#undef FAILED
#undef HELD
#undef SKIPPED
#undef CANCELLED
#undef CREDITED
#undef APPROVABLE
#undef NOT_APPROVABLE
#define NCODES (sizeof(codes) / sizeof(codes[0]))

static const code_info *find(fk_code c)
{
    for (size_t i = 0; i < NCODES; i++)
        if (codes[i].code == c)
            return &codes[i];
    return NULL;
}

const char *fk_outcome_name(fk_outcome o)
{
    switch (o) {
    case FK_INVOICED: return "invoiced";
    case FK_FAILED: return "failed";
    case FK_HELD: return "held";
    case FK_SKIPPED: return "skipped";
    case FK_CANCELLED: return "cancelled";
    case FK_CREDITED: return "credited";
    }
    return NULL;
}

const char *fk_code_name(fk_code c)
{
    const code_info *ci = find(c);
    return ci ? ci->name : NULL;
}

fk_code fk_code_from_name(const char *name)
{
    for (size_t i = 0; name && i < NCODES; i++)
        if (strcmp(codes[i].name, name) == 0)
            return codes[i].code;
    return FK_CODE_NONE;
}

fk_outcome fk_code_outcome(fk_code c)
{
    const code_info *ci = find(c);
    return ci ? ci->outcome : FK_FAILED;
}

const char *fk_code_hint(fk_code c)
{
    const code_info *ci = find(c);
    return ci ? ci->hint : "";
}

bool fk_code_approvable(fk_code c)
{
    const code_info *ci = find(c);
    return ci && ci->approvable;
}

fk_code fk_code_next(fk_code c)
{
    /* codes.def is in ascending value order; a unit test checks that. */
    if (c == FK_CODE_NONE)
        return codes[0].code;
    for (size_t i = 0; i + 1 < NCODES; i++)
        if (codes[i].code == c)
            return codes[i + 1].code;
    return FK_CODE_NONE;
}
