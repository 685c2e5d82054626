/* SPDX-License-Identifier: MIT */
/* store_codec.h -- what the store keeps as JSON text: an ingested order (for retries from
 * stored data) and a batch's list of input files. */
#ifndef FK_STORE_CODEC_H
#define FK_STORE_CODEC_H
#include <stdbool.h>
#include <stddef.h>
#include "core/order.h"

/* The order as ingested (no findings, no derived values); free() the result. */
char *fk_order_encode(const fk_order *o);
/* Rebuild an ingested order (o is initialised first). false if json is not an encoding. */
bool fk_order_decode(const char *json, fk_order *o);

/* The input paths as a compact JSON array (a path that is not UTF-8 becomes
 * "(not UTF-8)"); free() the result. */
char *fk_inputs_encode(const char *const *inputs, size_t n);
/* The paths of such an array (an unreadable one gives none): *n of them, the array itself
 * NULL-terminated; free each and the array. */
char **fk_inputs_decode(const char *json, size_t *n);
#endif
