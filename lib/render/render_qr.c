/* SPDX-License-Identifier: MIT */
/* render_qr.c -- the EPC QR code ("GiroCode") of a transfer invoice, as a 1-bit bitmap.
 *
 * The payload is the document's (EPC069-12, made by the pipeline); libqrencode turns it
 * into modules, here with error correction level M as the standard asks. The bitmap is
 * drawn as one small image (render_draw.c), not as hundreds of rectangles: a few hundred
 * bytes in the PDF, and no per-module drawing calls. libqrencode is deterministic, so the
 * same payload gives the same image and the PDF stays byte-identical on reprint.
 */
#include <string.h>
#include <qrencode.h>
#include "render/render_impl.h"

bool fk_render__qr_encode(fk_render__layout *c, const char *payload)
{
    QRcode *qr;
    size_t stride;
    unsigned char *bits;
    int n;

    c->qr_bits = NULL;
    c->qr_n = 0;
    if (!payload || !payload[0])
        return true;
    qr = QRcode_encodeString8bit(payload, 0, QR_ECLEVEL_M);
    if (!qr)
        return false;
    n = qr->width;
    stride = ((size_t)n + 7) / 8;
    if (stride * (size_t)n > sizeof(c->qr_buf)) {
        QRcode_free(qr);
        return false;
    }
    bits = c->qr_buf;
    memset(bits, 0xFF, stride * (size_t)n); /* white */
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
            if (qr->data[y * n + x] & 1) /* dark module */
                bits[(size_t)y * stride + (size_t)x / 8] &= (unsigned char)~(0x80u >> (x % 8));
    QRcode_free(qr);
    c->qr_bits = bits;
    c->qr_n = n;
    return true;
}
