/* SPDX-License-Identifier: MIT */
/* fuzz_ingest.h -- one input file through ingestion and validation, with the invariants
 * every later stage relies on (shared by fuzz_csv.c and fuzz_xml.c).
 *
 * What is checked, for any bytes:
 *  - opening fails only as an input error with a message; reading ends (orders are
 *    bounded by the input's size) or fails the same way;
 *  - every field of every order is set, valid UTF-8 without NUL, at most 1024 bytes; the
 *    card number is only ever its masked form ("VISA ****1111");
 *  - no false alarm: a finding about a NUL byte or bytes that are not UTF-8 only when the
 *    input has such bytes;
 *  - validation: an order without findings has exact amounts (else it would be invoiced
 *    with none); every line net, VAT per rate and total obeys the rounding rule and the
 *    totals add up (README "Money"); findings carry a known code and a UTF-8 message.
 */
#ifndef FK_FUZZ_INGEST_H
#define FK_FUZZ_INGEST_H
#include <stdbool.h>
#include <string.h>
#include "faktura/batch.h"
#include "core/config.h"
#include "core/util.h"
#include "ingest/ingest.h"
#include "validate/validate.h"
#include "fuzz_util.h"

#define FUZZ_MAX_FIELD 1024          /* FK_MAX_FIELD_BYTES of ingest_impl.h */
#define FUZZ_AS_OF 1795132800        /* 2026-11-20T00:00:00Z */

static inline bool fuzz_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline void fuzz_check_text(const char *s)
{
    FUZZ_CHECK(s != NULL);
    size_t n = strlen(s);
    FUZZ_CHECK(n <= FUZZ_MAX_FIELD);
    FUZZ_CHECK(fk_utf8_valid(s, n));
}

/* "" or "[BRAND ]****dddd": never more of a card number than the last four digits. */
static inline void fuzz_check_masked_card(const char *s)
{
    if (!*s)
        return;
    const char *stars = strstr(s, "****");
    FUZZ_CHECK(stars != NULL);
    for (const char *p = s; p < stars; p++)
        FUZZ_CHECK((*p >= 'A' && *p <= 'Z') || *p == ' ');
    FUZZ_CHECK(strlen(stars) == 8);
    for (int i = 4; i < 8; i++)
        FUZZ_CHECK(fuzz_is_digit(stars[i]));
}

static inline void fuzz_check_ingested(const fk_order *o, const char *path)
{
    FUZZ_CHECK(o->file != NULL && strcmp(o->file, path) == 0);
    FUZZ_CHECK(o->line >= 1);
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        fuzz_check_text(o->f[c]);
    fuzz_check_masked_card(o->f[FK_COL_CARD_NUMBER]);
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        FUZZ_CHECK(ln->line >= (i == 0 ? o->line : o->lines[i - 1].line));
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            fuzz_check_text(FK_LINE_FIELD(ln, c));
    }
    FUZZ_CHECK(o->nfindings <= o->cap_findings);
}

static inline __int128 fuzz_abs128(__int128 v)
{
    return v < 0 ? -v : v;
}

/* The claim of an ingestion message "line N: FIELD claim", or NULL if it has not that shape
 * (the value quoted later in a message may contain any text). */
static inline const char *fuzz_claim(const char *msg, const char *field)
{
    size_t n = strlen(field);
    if (strncmp(msg, "line ", 5) != 0)
        return NULL;
    msg += 5;
    if (!fuzz_is_digit(*msg))
        return NULL;
    while (fuzz_is_digit(*msg))
        msg++;
    if (strncmp(msg, ": ", 2) != 0 || strncmp(msg + 2, field, n) != 0)
        return NULL;
    return msg + 2 + n;
}

/* What the whole input holds, for the findings that claim something about its bytes. */
typedef struct fuzz_input_facts {
    bool has_nul, utf8_ok;
} fuzz_input_facts;

static inline void fuzz_check_validated(const fk_order *o, const fuzz_input_facts *in)
{
    for (size_t i = 0; i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        FUZZ_CHECK(fk_code_name(f->code) != NULL);
        FUZZ_CHECK(f->message != NULL && fk_utf8_valid(f->message, strlen(f->message)));
        const char *claim = f->code == FK_CODE_ENCODING_INVALID && f->field
                                ? fuzz_claim(f->message, f->field) : NULL;
        if (claim && strcmp(claim, " contains a NUL byte") == 0)
            FUZZ_CHECK(in->has_nul);
        if (claim && strncmp(claim, " is not valid UTF-8: ", 21) == 0)
            FUZZ_CHECK(!in->utf8_ok);
    }
    /* An order without findings is invoiced: it must have amounts to invoice. */
    if (o->nfindings == 0)
        FUZZ_CHECK(o->amounts_ok);
    if (!o->amounts_ok)
        FUZZ_CHECK(fk_order_outcome(o) != FK_INVOICED);
    FUZZ_CHECK(strlen(o->tax_id_norm) < sizeof(o->tax_id_norm));
    if (!o->amounts_ok)
        return;

    FUZZ_CHECK(o->exponent >= 0 && o->exponent <= 4 && strlen(o->currency) == 3);
    FUZZ_CHECK(o->nlines > 0 && o->ngroups > 0 && o->ngroups <= 16);
    __int128 net = 0, taxable = 0, vat = 0;
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        FUZZ_CHECK(ln->qty_milli > 0);
        /* net = qty x price / 1000, rounded half away from zero */
        __int128 exact = (__int128)ln->qty_milli * ln->unit_price;
        __int128 diff = fuzz_abs128(exact - (__int128)ln->net * 1000);
        FUZZ_CHECK(diff * 2 <= 1000);
        if (diff * 2 == 1000)
            FUZZ_CHECK(fuzz_abs128((__int128)ln->net * 1000) > fuzz_abs128(exact));
        net += ln->net;
    }
    for (size_t g = 0; g < o->ngroups; g++) {
        const fk_vat_group *gr = &o->groups[g];
        FUZZ_CHECK(gr->vat_centi >= 0 && gr->vat_centi <= 10000);
        if (g > 0)
            FUZZ_CHECK(o->groups[g - 1].vat_centi < gr->vat_centi);
        __int128 exact = (__int128)gr->taxable * gr->vat_centi;
        __int128 diff = fuzz_abs128(exact - (__int128)gr->vat * 10000);
        FUZZ_CHECK(diff * 2 <= 10000);
        if (diff * 2 == 10000)
            FUZZ_CHECK(fuzz_abs128((__int128)gr->vat * 10000) > fuzz_abs128(exact));
        taxable += gr->taxable;
        vat += gr->vat;
    }
    FUZZ_CHECK(net == o->net_total && taxable == o->net_total && vat == o->vat_total);
    FUZZ_CHECK((__int128)o->net_total + o->vat_total == o->gross_total);
    FUZZ_CHECK(o->net_total >= 0);
}

/* Ingest and validate every order of `data` read as `fmt`. */
static inline int fuzz_ingest(const uint8_t *data, size_t size, fk_input_format fmt)
{
    fuzz_file f;
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    fk_ingest *in = NULL;
    fk_ingest_options opts = {.format = fmt};
    fuzz_input_facts facts = {memchr(data, 0, size) != NULL,
                              fk_utf8_valid((const char *)data, size)};

    if (fuzz_file_open(&f, data, size) != 0)
        return 0;
    FUZZ_CHECK(fk_config_load(&cfg, NULL, NULL, NULL, &err) == FK_OK);
    if (fk_ingest_open(&in, f.path, &opts, &err) != FK_OK) {
        FUZZ_CHECK(in == NULL);
        FUZZ_CHECK(err.status == FK_EINPUT && err.message[0] != '\0');
    } else {
        fk_order o;
        bool got = false;
        size_t norders = 0;
        fk_status st;

        fk_order_init(&o);
        while ((st = fk_ingest_next(in, &o, &got, &err)) == FK_OK && got) {
            /* every order takes at least one line of the input: no endless reading */
            FUZZ_CHECK(++norders <= size + 1);
            fuzz_check_ingested(&o, f.path);
            fk_validate_order(&o, cfg, FUZZ_AS_OF, NULL);
            fuzz_check_validated(&o, &facts);
        }
        if (st != FK_OK)
            FUZZ_CHECK(err.status == FK_EINPUT && err.message[0] != '\0');
        fk_order_clear(&o);
        fk_ingest_close(in);
    }
    fk_config_free(cfg);
    fuzz_file_close(&f);
    return 0;
}
#endif
