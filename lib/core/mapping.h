/* SPDX-License-Identifier: MIT */
/* mapping.h -- how input files are read: the [input], [columns] and [values.FIELD]
 * sections of the config and of a profile (docs/input.md, "Profiles and mappings").
 *
 * Two layers are read, the same language in both: a profile (a built-in one, share/profiles/
 * NAME.ini, or a file) and the config's own sections, which override the profile setting
 * by setting, column by column and value by value. fk_mapping_resolve() merges them into
 * one plain fk_input_cfg that ingest and validate read; nothing is looked up per order.
 *
 * The [columns] language (one line a faktura field):
 *   FIELD = Source Header                      one column, header names case-sensitive
 *   FIELD = A || B                             the first of them that is not empty
 *   FIELD = {Address1}, {Address2}             a template: text between two placeholders
 *                                              is kept only when both have a value
 *   FIELD = Note Attributes[vat_number]        the "vat_number: ..." line of that column
 *   FIELD =                                    (empty) not mapped: a profile's entry removed
 * [values.FIELD] maps whole values after that: `Shopify Payments = paid`; `(empty)` matches
 * an empty value, `(other)` any value not listed; a value no entry matches stays as it is.
 */
#ifndef FK_MAPPING_H
#define FK_MAPPING_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "faktura/common.h"
#include "core/order.h"

#define FK_MAX_DEFAULT_RATES 64

/* One source of an expression: a header (with an optional [key] inside it). */
typedef struct fk_map_ref {
    char *header;      /* as written in the mapping */
    char *key;         /* "vat_number" of "Note Attributes[vat_number]", or NULL */
} fk_map_ref;

/* One alternative of `A || B`: a column, or a template of literals and placeholders. */
typedef struct fk_map_alt {
    bool is_template;
    fk_map_ref *refs;  /* the columns (a plain column: exactly one) */
    char **lits;       /* template: nrefs + 1 literals around the placeholders */
    size_t nrefs;
} fk_map_alt;

typedef struct fk_map_expr {
    char *text;        /* as written */
    const char *file;  /* where: the config's or the profile's path */
    unsigned long line;
    fk_map_alt *alts;
    size_t nalts;
} fk_map_expr;

typedef struct fk_value_rule {
    char *from;        /* the source value, or "(empty)" / "(other)" */
    char *to;
} fk_value_rule;

typedef struct fk_rate_default {
    char country[3];
    int32_t vat_centi;
} fk_rate_default;

typedef struct fk_tax_class {
    char *sku;
    int32_t vat_centi;
    char category[4];  /* "" when the file gives none */
    unsigned long line;
} fk_tax_class;

/* A time zone as the few numbers a conversion needs: the UTC offsets and the instants
 * they change, for 1970-2100, taken from the C library once at load (core/zone.c). */
typedef struct fk_zone fk_zone;

/* What ingest and validate read: the two layers merged, the defaults filled in. */
typedef struct fk_input_cfg {
    char profile[256];        /* its name ("faktura", "shopify") or file */
    bool mapped;              /* read through [columns] (else: the faktura columns by name) */
    bool by_name;             /* fields without a [columns] entry are read from a header of
                               * their own name, case-insensitively (the faktura profile) */
    bool rows_first;          /* order_rows = first */
    bool prices_include_vat;
    bool strip_apostrophe;    /* '10117 -> 10117 (the spreadsheet escape of exports) */
    bool zero_vat_if_untaxed; /* expected_vat 0: every line 0 % (unless a vat_rate column) */
    char **skip_status, **paid_status;
    size_t nskip, npaid;      /* npaid 0: no paid_status (a `paid` order is taken as paid) */
    int64_t total_tolerance;  /* in 1/10000 of the currency's major unit */
    int64_t vat_tolerance;    /* -1: one minor unit per VAT rate of the invoice */
    char *tax_classes_path;
    char *timezone;           /* for dates written without an offset; NULL: UTC */
    char *encoding;           /* the files' encoding ([input] encoding / --input-encoding) */
    fk_rate_default defaults[FK_MAX_DEFAULT_RATES];
    size_t ndefaults;
    const fk_map_expr *expr[FK_COL_COUNT];  /* NULL: not mapped */
    const fk_value_rule *values[FK_COL_COUNT];
    size_t nvalues[FK_COL_COUNT];
    /* loaded by the pipeline when the config is loaded (pipeline/admin.c) */
    fk_tax_class *classes;    /* sorted by sku */
    size_t nclasses;
    fk_zone *zone;
} fk_input_cfg;

typedef struct fk_mapping fk_mapping;

fk_mapping *fk_mapping_new(void);
void fk_mapping_free(fk_mapping *m);

/* Is [section] one of the mapping's ("input", "columns", "values.FIELD")? */
bool fk_mapping_section(const char *section);
/* One setting of the config's own layer. FK_EUSAGE naming file, line and key when the key
 * or value is wrong (a key given twice is the caller's check). */
fk_status fk_mapping_set(fk_mapping *m, const char *file, unsigned long line,
                         const char *section, const char *name, const char *value,
                         fk_error *err);
/* Use profile `spec` (a built-in name, or a file: a value with a '/' or ending in ".ini";
 * relative to base_dir when given). Replaces an earlier profile. */
fk_status fk_mapping_use_profile(fk_mapping *m, const char *spec, const char *base_dir,
                                 fk_error *err);
/* The [input] profile the config named ("" if none). */
const char *fk_mapping_profile_named(const fk_mapping *m);
/* Override [input] encoding (--input-encoding). FK_EUSAGE for an encoding faktura does not
 * read. */
fk_status fk_mapping_set_encoding(fk_mapping *m, const char *encoding, fk_error *err);
/* The zone of dates without an offset when neither layer sets [input] timezone: the
 * config's [invoice] timezone ("UTC" or NULL: none). */
void fk_mapping_default_timezone(fk_mapping *m, const char *zone);
/* Merge the layers and check them together; the result lives as long as m. */
fk_status fk_mapping_resolve(fk_mapping *m, const char *config_path, fk_error *err);
fk_input_cfg *fk_mapping_input(fk_mapping *m);

/* Where a built-in profile's file is: DATADIR/profiles/NAME.ini (malloc'd), DATADIR as
 * core/datadir.h finds it (the fonts' directory). NULL when there is none. */
char *fk_profile_file(const char *name);

/* The encodings --input-encoding accepts, as iconv names them ("WINDOWS-1252"); NULL if
 * `name` is none of them (case and '-', '_' ignored). */
const char *fk_encoding_canonical(const char *name);

/* A rate in the text of a tax name ("DE MwSt 19%", "VAT 5,5 %"): every number followed by
 * '%'. Returns how many distinct rates it names; *rate is the first. */
int fk_rates_in_text(const char *s, int32_t *rate);

/* Hand the tax class file's rows to `in` (which frees them), sorted by sku. Returns the
 * index (after sorting) of a sku given twice, SIZE_MAX when none is. */
size_t fk_input_set_classes(fk_input_cfg *in, fk_tax_class *v, size_t n);
/* The tax class of `sku`, NULL if none. */
const fk_tax_class *fk_input_tax_class(const fk_input_cfg *in, const char *sku);
/* The value `v` of `field` becomes under [values.FIELD]: the rule's target, or v. *rule
 * (may be NULL) gets the rule's `from` ("(empty)", "(other)" or the value), NULL if none. */
const char *fk_input_map_value(const fk_input_cfg *in, fk_column field, const char *v,
                               const char **rule);

/* Levenshtein distance (fold: case, '_', '-' and ' ' alike), and the candidate closest to
 * `want` if it is close enough to be a typo (NULL otherwise). */
size_t fk_edit_distance(const char *a, const char *b, bool fold);
const char *fk_closest(const char *want, const char *const *cands, size_t n);

/* The offset (seconds east of UTC) of the wall-clock time `local` (seconds since the epoch
 * read as UTC) in zone z: the one in force at that moment; in a repeated hour the first
 * (summer time), in a skipped hour the one before the change. */
int32_t fk_zone_local_offset(const fk_zone *z, int64_t local);
/* Load a zone of the system's database ("Europe/Berlin"), or a fixed offset ("+01:00",
 * "UTC"). Uses the C library's local time (TZ set for the call): call before threads
 * start. NULL and *why when it cannot be read. */
fk_zone *fk_zone_load(const char *name, const char **why);
void fk_zone_free(fk_zone *z);
#endif
