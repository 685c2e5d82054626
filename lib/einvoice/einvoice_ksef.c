/* SPDX-License-Identifier: MIT */
/* einvoice_ksef.c -- Poland's KSeF FA(3) (not EN 16931: its own schema, written from the
 * same document). Not written yet: the format is refused with a finding naming it, so no
 * invoice claims a KSeF file it does not have. */
#include "einvoice/einvoice_impl.h"

fk_status fk_einv__write_ksef(const fk_document *d, const fk_einv_profile *p, fk_buf *out,
                              fk_einv_problem *why, fk_error *err)
{
    (void)d, (void)out;
    *why = FK_EINV_UNSUPPORTED;
    return fk_error_set(err, FK_EINPUT, NULL, 0, "einvoice",
                        "%s files are not written by this faktura yet", p->title);
}
