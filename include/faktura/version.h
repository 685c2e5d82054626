/* SPDX-License-Identifier: MIT */
#ifndef FAKTURA_VERSION_H
#define FAKTURA_VERSION_H
#define FK_VERSION_MAJOR 0
#define FK_VERSION_MINOR 1
#define FK_VERSION_PATCH 0
#define FK_VERSION_STRING "0.1.0"
/* The version of the library actually linked (may differ from the header's). */
const char *fk_version(void);
#endif
