/* SPDX-License-Identifier: MIT */
/* mapping_impl.h -- what the two parts of the mapping share: a layer (the settings of one
 * file, the config's or a profile's) and where a setting was read. mapping_layer.c fills a
 * layer; mapping.c holds the two layers and merges them. mapping.c has the design. */
#ifndef FK_MAPPING_IMPL_H
#define FK_MAPPING_IMPL_H
#include "core/mapping.h"

typedef struct layer {
    char *path;               /* the file the layer came from ("" when none) */
    char *dir;                /* its directory, for the relative paths it names */
    char *profile;            /* [input] profile (the config's layer only) */
    int rows_first, prices_include_vat, strip_apostrophe, zero_vat, by_name; /* -1: unset */
    char **skip, **paid;
    size_t nskip, npaid;
    bool skip_set, paid_set;
    int64_t total_tol, vat_tol;
    bool total_set, vat_set;
    char *tax_classes, *timezone, *encoding;
    fk_rate_default defaults[FK_MAX_DEFAULT_RATES];
    size_t ndefaults;
    fk_map_expr *cols[FK_COL_COUNT];
    bool col_set[FK_COL_COUNT];
    fk_value_rule *vals[FK_COL_COUNT];
    size_t nvals[FK_COL_COUNT];
} layer;

typedef struct ctx {
    const char *file;
    unsigned long line;
    fk_error *err;
} ctx;

/* mapping_layer.c */
char *fk_mapping__dir_of(const char *path);
void fk_mapping__layer_init(layer *l);
void fk_mapping__layer_free(layer *l);
/* One setting of [input], [columns] or [values.FIELD] into the layer. */
fk_status fk_mapping__layer_set(layer *l, const ctx *c, const char *section, const char *name,
                                const char *value);
/* Read the profile file at `path` (named `shown` in messages) into an initialised, empty
 * layer. */
fk_status fk_mapping__load_profile(layer *l, const char *path, const char *shown,
                                  fk_error *err);
#endif
