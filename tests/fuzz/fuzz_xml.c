/* SPDX-License-Identifier: MIT */
/* fuzz_xml.c -- libFuzzer target: any bytes as one XML input file (<orders><order>...),
 * through ingestion (libxml2's reader, hardened: no DTD, no entities, no network) and
 * validation of every order it yields. The invariants checked are in fuzz_ingest.h.
 * Seeds: corpus/xml/ (hostile documents included), tokens: xml.dict. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest(data, size, FK_INPUT_XML);
}
