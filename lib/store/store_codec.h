/* SPDX-License-Identifier: MIT */
/* store_codec.h -- an ingested order to and from JSON (for retries from stored data). */
#ifndef FK_STORE_CODEC_H
#define FK_STORE_CODEC_H
#include <stdbool.h>
#include "core/order.h"

/* The order as ingested (no findings, no derived values); free() the result. */
char *fk_order_encode(const fk_order *o);
/* Rebuild an ingested order (o is initialised first). false if json is not an encoding. */
bool fk_order_decode(const char *json, fk_order *o);
#endif
