/* SPDX-License-Identifier: MIT */
/* money.h -- amounts as int64 minor units (cents, øre, grosze), never floating point.
 *
 * Rounding rule, everywhere in faktura: half away from zero ("kaufmännisch", the Polish
 * statutory rule for VAT), applied once per line net amount and once per VAT rate on the
 * sum of the rounded line nets (EN 16931 BR-CO-10/BR-S-08/BR-S-09). Every operation checks
 * for overflow; an overflowing order fails (AMOUNT_OVERFLOW), it never wraps.
 */
#ifndef FK_MONEY_H
#define FK_MONEY_H
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* ISO 4217 minor-unit exponent (EUR 2, JPY 0, KWD 3), or -1 for an unknown code. */
int fk_currency_exponent(const char *code);

typedef enum fk_decimal_rc {
    FK_DEC_OK = 0,
    FK_DEC_SYNTAX,     /* not a plain decimal: "12.3.4", "1e5", "NaN", "", " 1" */
    FK_DEC_PRECISION,  /* more fraction digits than allowed */
    FK_DEC_RANGE       /* does not fit */
} fk_decimal_rc;

/**
 * Parse a plain decimal ("-12.50", "3", "0.5") into an integer scaled by 10^scale.
 * `sep` is the decimal separator ('.' or ','). No exponent, no thousands separator, no
 * spaces, at most one leading '-' or '+', at least one digit before or after the separator.
 */
fk_decimal_rc fk_decimal_parse(const char *s, char sep, int scale, int64_t *out);

/* Format v (scaled by 10^scale) as "-1234.56" (`sep` '.', no grouping) into buf. */
void fk_decimal_format(int64_t v, int scale, char *buf, size_t bufsz);
/* Format with grouping: group ',' sep '.' gives "1,234.56"; group '.' sep ',' gives "1.234,56";
 * group ' ' (or a UTF-8 NBSP passed as 0) for Norwegian/Polish. */
void fk_decimal_format_grouped(int64_t v, int scale, const char *group, const char *sep,
                               char *buf, size_t bufsz);

/* a * b / 10^div_scale rounded half away from zero; false on overflow. */
bool fk_mul_div_round(int64_t a, int64_t b, int div_scale, int64_t *out);
/* *acc += v; false on overflow (acc unchanged). */
bool fk_add_checked(int64_t *acc, int64_t v);
#endif
