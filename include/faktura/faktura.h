/* SPDX-License-Identifier: MIT */
/* faktura/faktura.h -- the public API of libfaktura, all of it. */
#ifndef FAKTURA_H
#define FAKTURA_H
#include "faktura/version.h" /* generated from version.h.in */
#include "common.h"
#include "codes.h"
#include "batch.h"
#endif
