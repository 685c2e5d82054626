/* SPDX-License-Identifier: MIT */
/* einvoice_ksef.h -- what the two halves of the KSeF FA(3) writer share: the tax mapping
 * (einvoice_ksef_tax.c: which FA(3) rate and which P_13_x field a line and a breakdown go
 * to, and the checks made before anything is written) and the XML (einvoice_ksef.c). */
#ifndef FK_EINVOICE_KSEF_H
#define FK_EINVOICE_KSEF_H
#include "einvoice/einvoice_impl.h"

/* The per-rate sums of Fa, in the XSD's order: P_13_1..P_13_4 with their P_14_x (and
 * P_14_xW in PLN), then the fields without VAT. P_13_5 (the OSS procedure) and P_13_11
 * (margin schemes) have no source in the document and are never written. */
typedef enum ksef_field {
    KF_1 = 0, /* 23 % / 22 %            P_13_1, P_14_1 */
    KF_2,     /* 8 % / 7 %              P_13_2, P_14_2 */
    KF_3,     /* 5 %                    P_13_3, P_14_3 */
    KF_4,     /* 4 % / 3 % (taxi)       P_13_4, P_14_4 */
    KF_6_1,   /* 0 KR  domestic 0 %     P_13_6_1 */
    KF_6_2,   /* 0 WDT intra-EU goods   P_13_6_2 */
    KF_6_3,   /* 0 EX  export of goods  P_13_6_3 */
    KF_7,     /* zw    exempt           P_13_7 */
    KF_8,     /* np I  outside Poland   P_13_8 */
    KF_9,     /* np II art. 100(1)(4)   P_13_9 (services to EU businesses) */
    KF_10,    /* oo    domestic reverse charge  P_13_10 */
    KF_COUNT
} ksef_field;

typedef struct ksef_sum {
    int64_t net, vat, vat_pln; /* minor units; vat_pln in the accounting currency (PLN) */
    bool used;
} ksef_sum;

/* Everything decided before writing. */
typedef struct ksef_tax {
    ksef_sum sum[KF_COUNT];
    bool foreign;          /* the currency is not PLN: P_14_xW are written */
    bool rate_pln;         /* ... and the document holds its rate to PLN: KursWaluty */
    bool reverse_charge;   /* P_18 */
    bool split_payment;    /* P_18A: the invoice carries the split payment note */
    int exempt_field;      /* 0 none (P_19N), else 'A', 'B' or 'C': P_19A/B/C */
    char exempt_basis[1024]; /* its text (the exemption reasons, "; " between) */
    char seller_nip[16];   /* the seller's NIP, 10 digits */
} ksef_tax;

/* The FA(3) rate (P_12) of a line and the field its net amount is summed in; NULL when
 * FA(3) has no rate for it (a foreign VAT rate). */
const char *fk_ksef__line_rate(const fk_document *d, const fk_doc_line *ln, ksef_field *f);

/* What FA(3) needs and the document must give, and the sums: FK_EINPUT with *why and err
 * naming the term when the document cannot be written as FA(3). */
fk_status fk_ksef__prepare(const fk_document *d, const fk_einv_profile *p, ksef_tax *t,
                           fk_einv_problem *why, fk_error *err);

/* FA(3) text fields are xsd:token with a maximum length: s with its whitespace collapsed,
 * cut to at most `max` characters (UTF-8, never inside a character), into buf. */
void fk_ksef__token(const char *s, size_t max, char *buf, size_t n);
/* The length of s in characters once its whitespace is collapsed (as xsd:token counts). */
size_t fk_ksef__token_len(const char *s);
#endif
