/* SPDX-License-Identifier: MIT */
/* payref.c -- payment references (ISO 11649 RF, Norwegian KID MOD10, the invoice number)
 * and the EPC QR payload (see payref.h). */
#include <stdio.h>
#include <string.h>
#include "core/checksum.h"
#include "core/payref.h"

const char *fk_payref_name(fk_payref_kind k)
{
    return k == FK_PAYREF_KID ? "kid" : k == FK_PAYREF_NUMBER ? "number" : "rf";
}

bool fk_payref_parse(const char *name, fk_payref_kind *out)
{
    for (int k = FK_PAYREF_RF; k <= FK_PAYREF_NUMBER; k++)
        if (name && !strcmp(name, fk_payref_name((fk_payref_kind)k))) {
            *out = (fk_payref_kind)k;
            return true;
        }
    return false;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

size_t fk_payref_body_len(fk_payref_kind k, const char *number)
{
    size_t n = 0;
    for (const char *p = number; *p; p++)
        n += k == FK_PAYREF_KID ? (*p >= '0' && *p <= '9') : is_alnum(*p);
    return n;
}

bool fk_payref_make(fk_payref_kind k, const char *number, char *out, size_t n)
{
    char body[80];
    size_t len = 0;

    if (k == FK_PAYREF_NUMBER) {
        if (strlen(number) >= n)
            return false;
        memcpy(out, number, strlen(number) + 1);
        return true;
    }
    for (const char *p = number; *p && len + 1 < sizeof(body); p++) {
        if (k == FK_PAYREF_KID ? (*p >= '0' && *p <= '9') : is_alnum(*p))
            body[len++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
    }
    body[len] = '\0';
    if (k == FK_PAYREF_KID) {
        if (len == 0 || len + 1 > FK_KID_MAX_DIGITS || n < len + 2)
            return false;
        snprintf(out, n, "%s%c", body, (char)('0' + fk_luhn_check_digit(body, len)));
        return true;
    }
    if (len == 0 || len > FK_RF_MAX_BODY || n < len + 5)
        return false;
    /* ISO 11649: the body, then "RF00", as MOD 97-10; check digits 98 - remainder. */
    char tmp[96];
    snprintf(tmp, sizeof(tmp), "%sRF00", body);
    snprintf(out, n, "RF%02d%s", 98 - fk_mod97(0, tmp, strlen(tmp)), body);
    return true;
}

bool fk_epc_payload(fk_buf *out, const char *bic, const char *name, const char *iban,
                    int64_t amount, const char *reference, bool structured)
{
    char iban_norm[40], amt[32];
    size_t k = 0, chars = 0, cut;

    fk_buf_reset(out);
    if (!name || !name[0] || !iban || amount < 1 || amount > 99999999999LL)
        return false;
    for (const char *p = iban; *p && k + 1 < sizeof(iban_norm); p++)
        if (*p != ' ')
            iban_norm[k++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
    iban_norm[k] = '\0';
    if (!k)
        return false;
    /* At most 70 characters of the name (UTF-8: count lead bytes). */
    for (cut = 0; name[cut]; cut++)
        if (((unsigned char)name[cut] & 0xC0) != 0x80 && ++chars > 70)
            break;
    snprintf(amt, sizeof(amt), "EUR%lld.%02lld", (long long)(amount / 100),
             (long long)(amount % 100));
    fk_buf_puts(out, "BCD\n002\n1\nSCT\n");
    fk_buf_puts(out, bic ? bic : "");
    fk_buf_putc(out, '\n');
    fk_buf_append(out, name, cut);
    fk_buf_putc(out, '\n');
    fk_buf_puts(out, iban_norm);
    fk_buf_putc(out, '\n');
    fk_buf_puts(out, amt);
    fk_buf_puts(out, "\n\n"); /* no purpose code */
    if (reference && reference[0] && structured) {
        fk_buf_puts(out, reference);
    } else {
        fk_buf_putc(out, '\n');
        fk_buf_puts(out, reference ? reference : "");
    }
    return !out->failed;
}
