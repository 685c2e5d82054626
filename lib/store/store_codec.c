/* SPDX-License-Identifier: MIT */
/* store_codec.c -- an order as JSON, so a failed or held order can be retried from the
 * database alone (`faktura retry` without input files).
 *
 * What is stored is what ingestion produced: the raw text of every column (the card number
 * only in its masked form, plus the facts the card checks need), the lines, the file and
 * line the order came from. Derived values are not stored: a retry validates again.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/buf.h"
#include "store/store_codec.h"

char *fk_order_encode(const fk_order *o)
{
    json_t *root = json_object(), *fields = json_object(), *lines = json_array();
    json_t *card = json_object();

    json_object_set_new(root, "v", json_integer(1));
    json_object_set_new(root, "file", json_string(o->file ? o->file : ""));
    json_object_set_new(root, "line", json_integer((json_int_t)o->line));
    json_object_set_new(root, "decimal_sep", json_stringn(&o->decimal_sep, 1));
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        if (o->f[c] && *o->f[c])
            json_object_set_new(fields, fk_column_name(c), json_string(o->f[c]));
    json_object_set_new(root, "fields", fields);
    json_object_set_new(card, "present", json_boolean(o->card.present));
    json_object_set_new(card, "digits_only", json_boolean(o->card.digits_only));
    json_object_set_new(card, "ndigits", json_integer(o->card.ndigits));
    json_object_set_new(card, "luhn_ok", json_boolean(o->card.luhn_ok));
    json_object_set_new(card, "brand", json_string(o->card.brand));
    json_object_set_new(card, "last4", json_string(o->card.last4));
    json_object_set_new(root, "card", card);
    for (size_t i = 0; i < o->nlines; i++) {
        const fk_line *ln = &o->lines[i];
        if (ln->kind != FK_LINE_ITEM)
            continue; /* shipping, fee, discount: validate makes them again on a retry */
        json_t *jl = json_object();
        json_object_set_new(jl, "line", json_integer((json_int_t)ln->line));
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            json_object_set_new(jl, fk_column_name(c), json_string(FK_LINE_FIELD(ln, c)));
        json_array_append_new(lines, jl);
    }
    json_object_set_new(root, "lines", lines);
    /* Ingestion's own findings (a malformed row, bad bytes) belong to the data: a retry
     * from stored data must not forget that the row it came from was broken. */
    json_t *fs = json_array();
    for (size_t i = 0; i < o->ningest_findings && i < o->nfindings; i++) {
        const fk_finding *f = &o->findings[i];
        json_t *jf = json_object();
        json_object_set_new(jf, "code", json_integer(f->code));
        json_object_set_new(jf, "field", f->field ? json_string(f->field) : json_null());
        json_object_set_new(jf, "message", json_string(f->message));
        json_array_append_new(fs, jf);
    }
    json_object_set_new(root, "ingest_findings", fs);
    /* Values were cleaned to UTF-8 at ingestion, so every json_string above succeeded. */
    char *out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return out;
}

static const char *jget(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static void copy_str(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);
    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

bool fk_order_decode(const char *json, fk_order *o)
{
    json_error_t jerr;
    json_t *root = json_loads(json, 0, &jerr);
    if (!root || json_integer_value(json_object_get(root, "v")) != 1) {
        json_decref(root);
        return false;
    }
    const char *sep = jget(root, "decimal_sep");
    fk_order_init(o);
    o->file = fk_order_strdup(o, jget(root, "file"));
    o->line = (unsigned long)json_integer_value(json_object_get(root, "line"));
    o->decimal_sep = *sep ? *sep : '.';
    json_t *fields = json_object_get(root, "fields");
    for (int c = 0; c < FK_ORDER_FIELDS; c++)
        o->f[c] = fk_order_strdup(o, jget(fields, fk_column_name(c)));
    json_t *card = json_object_get(root, "card");
    o->card.present = json_is_true(json_object_get(card, "present"));
    o->card.digits_only = json_is_true(json_object_get(card, "digits_only"));
    o->card.ndigits = (int)json_integer_value(json_object_get(card, "ndigits"));
    o->card.luhn_ok = json_is_true(json_object_get(card, "luhn_ok"));
    copy_str(o->card.brand, sizeof(o->card.brand), jget(card, "brand"));
    copy_str(o->card.last4, sizeof(o->card.last4), jget(card, "last4"));
    json_t *lines = json_object_get(root, "lines");
    for (size_t i = 0; i < json_array_size(lines); i++) {
        json_t *jl = json_array_get(lines, i);
        fk_line *ln = fk_order_add_line(o);
        ln->line = (unsigned long)json_integer_value(json_object_get(jl, "line"));
        for (int c = FK_ORDER_FIELDS; c < FK_COL_COUNT; c++)
            FK_LINE_FIELD(ln, c) = fk_order_strdup(o, jget(jl, fk_column_name(c)));
    }
    json_t *fs = json_object_get(root, "ingest_findings");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *jf = json_array_get(fs, i);
        const char *field = json_string_value(json_object_get(jf, "field"));
        fk_order_add_finding(o, (fk_code)json_integer_value(json_object_get(jf, "code")), field,
                             "%s", jget(jf, "message"));
    }
    o->ningest_findings = o->nfindings;
    json_decref(root);
    return true;
}

char *fk_inputs_encode(const char *const *inputs, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_string(inputs[i]);
        json_array_append_new(a, s ? s : json_string("(not UTF-8)"));
    }
    char *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return out ? out : fk_xstrdup("[]");
}

char **fk_inputs_decode(const char *json, size_t *n)
{
    json_error_t jerr;
    json_t *a = json ? json_loads(json, 0, &jerr) : NULL;
    size_t k = 0, len = json_is_array(a) ? json_array_size(a) : 0;
    char **out = fk_xcalloc(len + 1, sizeof(*out));

    for (size_t i = 0; i < len; i++) {
        const char *s = json_string_value(json_array_get(a, i));
        if (s)
            out[k++] = fk_xstrdup(s);
    }
    json_decref(a);
    *n = k;
    return out;
}
