/* SPDX-License-Identifier: MIT */
/* ingest_xml.c -- orders from XML files: not implemented yet; refused with a clear error. */
#include "ingest/ingest_impl.h"

fk_status fk_xml_open(fk_xml_reader **out, const char *path, const fk_ingest_options *opts,
                      fk_error *err)
{
    (void)opts;
    *out = NULL;
    return fk_error_set(err, FK_EINPUT, path, 0, NULL,
                        "XML input is not supported yet; export the orders as CSV");
}

fk_status fk_xml_next(fk_xml_reader *in, fk_order *o, bool *got, fk_error *err)
{
    (void)in, (void)o, (void)err;
    *got = false;
    return FK_OK;
}

void fk_xml_progress(const fk_xml_reader *in, uint64_t *bytes, uint64_t *total)
{
    (void)in;
    *bytes = *total = 0;
}

void fk_xml_close(fk_xml_reader *in)
{
    (void)in;
}
