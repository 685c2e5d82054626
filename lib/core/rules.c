/* SPDX-License-Identifier: MIT */
/* rules.c -- the generation rules' defaults (rules.h). */
#include <string.h>
#include "core/rules.h"

void fk_rules_defaults(fk_rules *r)
{
    memset(r, 0, sizeof(*r));
    r->overdue_days = -1;
    r->duplicate_window_hours = 24;
    r->dispute_response_days = 21;
}

int64_t fk_rules_limit(const fk_amount_limit *t, size_t n, const char *currency)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].currency, currency) == 0)
            return t[i].amount;
    return -1;
}
