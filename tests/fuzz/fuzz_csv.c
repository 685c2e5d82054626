/* SPDX-License-Identifier: MIT */
/* fuzz_csv.c -- libFuzzer target: any bytes as one CSV input file, through ingestion
 * (libcsv, grouping, cleaning, card masking) and validation of every order it yields.
 * The invariants checked are in fuzz_ingest.h. Seeds: corpus/csv/, tokens: csv.dict. */
#include "fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_ingest(data, size, FK_INPUT_CSV);
}
