/* test_config_cases.c -- the config cases of tests/e2e/config_seller.sh,
 * config_numbering.sh and config_duplicates.sh, on the sample config (samples/faktura.ini)
 * edited as those scripts edit it: a bad seller value, an ambiguous number format, a key
 * given twice or an indented line is refused (FK_EUSAGE) naming the file, the line and the
 * key with the message the scripts look for; an unambiguous format and the same key in
 * another section are loaded. The scripts keep one whole-binary case of each kind: `run`
 * and `validate` exit 2 with "faktura: error: FILE:LINE: KEY: MESSAGE" (cmd/main.c,
 * report_error, prints these fields) and nothing is written; here every value, without a
 * process each. Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "faktura/batch.h"
#include "tmpdir.h"

static char dir[FK_TMP_PATH];
static char *sample;          /* samples/faktura.ini */
static unsigned long nlines; /* its lines (wc -l) */

static int setup(void **state)
{
    const char *src = getenv("FK_SRCDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/samples/faktura.ini", src ? src : ".");
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long size = ftell(fp);
    assert_true(size > 0);
    rewind(fp);
    sample = malloc((size_t)size + 1);
    assert_non_null(sample);
    assert_int_equal(fread(sample, 1, (size_t)size, fp), (size_t)size);
    sample[size] = '\0';
    fclose(fp);
    assert_int_equal(sample[size - 1], '\n');
    nlines = 0;
    for (const char *p = sample; *p; p++)
        nlines += *p == '\n';
    fk_tmp_template(dir, sizeof(dir), "test_config_cases.XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    free(sample);
    rmdir(dir);
    return 0;
}

/* The line of the sample's first "KEY = " line (grep -n "^KEY = "), 0 if none. */
static unsigned long line_of(const char *key)
{
    size_t klen = strlen(key);
    unsigned long no = 1;
    for (const char *p = sample; *p; no++) {
        if (strncmp(p, key, klen) == 0 && strncmp(p + klen, " = ", 3) == 0)
            return no;
        p = strchr(p, '\n') + 1;
    }
    return 0;
}

/* SRC (freed here) with each "KEY = ..." line made "KEY = VALUE" (sed "s/^KEY = .*\/KEY =
 * VALUE/"), or, with VALUE NULL, followed by the line AFTER (sed "s/^KEY = .*\/&\nAFTER/"),
 * or, with both NULL, deleted (sed "/^KEY = /d"). The caller frees the result. */
static char *edit(char *src, const char *key, const char *value, const char *after)
{
    size_t cap = strlen(src) + 1024, n = 0, klen = strlen(key);
    char *out = malloc(cap);
    assert_non_null(out);
    for (const char *p = src; *p;) {
        const char *nl = strchr(p, '\n');
        int len = (int)(nl - p);
        if (strncmp(p, key, klen) != 0 || strncmp(p + klen, " = ", 3) != 0)
            n += (size_t)snprintf(out + n, cap - n, "%.*s\n", len, p);
        else if (value)
            n += (size_t)snprintf(out + n, cap - n, "%s = %s\n", key, value);
        else if (after)
            n += (size_t)snprintf(out + n, cap - n, "%.*s\n%s\n", len, p, after);
        assert_true(n < cap);
        p = nl + 1;
    }
    free(src);
    return out;
}

static char *copy(const char *text)
{
    char *out = strdup(text);
    assert_non_null(out);
    return out;
}

/* The sample and then MORE (lines, each ending in '\n'). The caller frees it. */
static char *append(const char *more)
{
    size_t n = strlen(sample) + strlen(more) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%s%s", sample, more);
    return out;
}

/* Load `text` (freed here) as DIR/NAME.ini: the status and error. */
static fk_status load(const char *name, char *text, fk_error *err, char *path, size_t pathsz)
{
    snprintf(path, pathsz, "%s/%s.ini", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    free(text);
    fk_config *cfg = NULL;
    fk_status st = fk_config_load(&cfg, path, NULL, NULL, err);
    fk_config_free(cfg);
    unlink(path);
    return st;
}

/* NAME's config must be refused: FK_EUSAGE, the file, LINE, FIELD, and a message that
 * begins with MESSAGE (what the scripts find after "FILE:LINE: FIELD: "). */
static void refused(const char *name, char *text, unsigned long line, const char *field,
                    const char *message)
{
    char path[FK_TMP_PATH + 64];
    fk_error err = FK_ERROR_INIT;
    fk_status st = load(name, text, &err, path, sizeof(path));
    if (st != FK_EUSAGE || strcmp(err.file, path) != 0 || err.line != line ||
        strcmp(err.field, field) != 0 || strncmp(err.message, message, strlen(message)) != 0)
        fail_msg("%s: status %d, \"%s:%lu: %s: %s\"; expected %d, \"%s:%lu: %s: %s...\"", name,
                 st, err.file, err.line, err.field, err.message, FK_EUSAGE, path, line, field,
                 message);
}

static void loaded(const char *name, char *text)
{
    char path[FK_TMP_PATH + 64];
    fk_error err = FK_ERROR_INIT;
    fk_status st = load(name, text, &err, path, sizeof(path));
    if (st != FK_OK)
        fail_msg("%s: status %d, \"%s:%lu: %s: %s\"; expected it loaded", name, st, err.file,
                 err.line, err.field, err.message);
}

/* config_seller.sh: seller NAME KEY VALUE MESSAGE, and the separators people write. */
static void test_seller(void **state)
{
    static const struct {
        const char *name, *key, *value, *message;
    } cases[] = {
        {"iban", "iban", "DE89370400440532013001",
         " is not a valid IBAN (country, length or check digits)"},
        {"iban_short", "iban", "DE8937040044",
         " is not a valid IBAN (country, length or check digits)"},
        {"vat", "vat_id", "DE123456789", ": the check digit is wrong (country DE)"},
        {"vat_format", "vat_id", "DE12345", ": wrong length or characters (country DE)"},
        {"vat_country", "vat_id", "ATU13585627", ": its prefix names another country (country DE)"},
        {"country", "country", "XX", " is not an ISO 3166 alpha-2 code"},
        {"bic", "bic", "COBAATFFXXX", " is malformed or not of the IBAN's country DE"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char message[256];
        snprintf(message, sizeof(message), "[seller] %s \"%s\"%s", cases[i].key,
                 cases[i].value, cases[i].message);
        unsigned long line = line_of(cases[i].key);
        assert_true(line > 0);
        refused(cases[i].name, edit(copy(sample), cases[i].key, cases[i].value, NULL), line,
                cases[i].key, message);
    }
    /* The separators people write are fine, and a lower-case country is the same country. */
    char *spaced = edit(copy(sample), "iban", "DE89 3704 0044 0532 0130 00", NULL);
    spaced = edit(spaced, "vat_id", "DE 123 456 788", NULL);
    loaded("spaced", edit(spaced, "country", "de", NULL));
}

/* config_numbering.sh: numbering NAME FORMAT PREFIX, refused naming the prefix's line, or
 * loaded. */
static void test_numbering(void **state)
{
    static const struct {
        const char *name, *format, *prefix, *message; /* NULL: loaded */
    } cases[] = {
        {"digit_seq", "{prefix}{seq}", "A1",
         "[numbering] prefix \"A1\" in format \"{prefix}{seq}\" ends in a digit right before "
         "digits of the number"},
        {"digit_year", "{prefix}{year}-{seq:06}", "INV2", "[numbering] prefix \"INV2\""},
        {"digit_literal", "{prefix}7-{seq:06}", "R2", "[numbering] prefix \"R2\""},
        {"seq_digit", "{seq:06}{prefix}", "1A",
         "[numbering] prefix \"1A\" in format \"{seq:06}{prefix}\" begins with a digit right "
         "after digits of the number"},
        /* Unambiguous: a separator or a letter at the edge, or digits away from the number's. */
        {"separator", "{prefix}-{seq:06}", "A1", NULL},
        {"letter", "{prefix}{seq}", "A1B", NULL},
        {"inner", "{prefix}-{year}-{seq:06}", "2026INV", NULL},
        {"sample", "{prefix}-{year}-{seq:06}", "INV", NULL},
    };
    unsigned long p = line_of("prefix");
    assert_true(p > 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = edit(edit(copy(sample), "format", cases[i].format, NULL), "prefix",
                          cases[i].prefix, NULL);
        if (cases[i].message)
            refused(cases[i].name, text, p, "prefix", cases[i].message);
        else
            loaded(cases[i].name, text);
    }
}

/* config_duplicates.sh: twice NAME SECTION KEY FIRST_LINE LINES (the sample, then
 * "[SECTION]" and LINES, whose last line is the second KEY); the same key in another
 * section, or in a second [seller] with other keys, loaded; an indented line refused. */
static void test_duplicates(void **state)
{
    static const struct {
        const char *name, *section, *key;
        int first_new;     /* the first KEY is LINES' first line, not the sample's */
        const char *lines; /* each ending in '\n' */
    } cases[] = {
        {"seller", "seller", "name", 0, "name = Other GmbH\n"},
        {"seller_iban", "seller", "iban", 0, "iban = DE89370400440532013000\n"},
        {"numbering", "numbering", "prefix", 0, "prefix = INV\n"},
        {"invoice", "invoice", "payment_terms_days", 0, "payment_terms_days = 30\n"},
        {"render_font", "render", "font", 1, "font = /a.ttf\nfont = /b.ttf\n"},
        {"minimum", "thresholds", "minimum_amount.EUR", 1,
         "minimum_amount.EUR = 5.00\nmaximum_amount.EUR = 900.00\nminimum_amount.EUR = 6.00\n"},
        {"holding", "thresholds", "holding_hours", 1, "holding_hours = 2\nholding_hours = 3\n"},
        {"response", "disputes", "response_days", 1, "response_days = 21\nresponse_days = 7\n"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char more[512], message[256];
        snprintf(more, sizeof(more), "[%s]\n%s", cases[i].section, cases[i].lines);
        unsigned long added = 0;
        for (const char *p = cases[i].lines; *p; p++)
            added += *p == '\n';
        unsigned long last = nlines + 1 + added;
        unsigned long first = cases[i].first_new ? nlines + 2 : line_of(cases[i].key);
        assert_true(first > 0);
        snprintf(message, sizeof(message), "[%s] %s is given twice (lines %lu and %lu): keep one",
                 cases[i].section, cases[i].key, first, last);
        refused(cases[i].name, append(more), last, cases[i].key, message);
    }
    /* The same key in another section, or in a second [seller] section with other keys, is
     * fine (ok.ini: the sample without its email line, then those sections). */
    char *ok = append("[seller]\nemail = other@faktura.example\n[thresholds]\nholding_hours = 2\n");
    loaded("ok", edit(ok, "email", NULL, NULL)); /* sed -i '/^email = /d' ok.ini */
    /* An indented line goes on with the value above it: refused, naming both lines. */
    unsigned long nl = line_of("name");
    assert_true(nl > 0);
    char *indent = edit(copy(sample), "name", NULL, "  Zweigniederlassung Berlin");
    char message[256];
    snprintf(message, sizeof(message),
             "[seller] name (line %lu) goes on in an indented line: write the value on one line",
             nl);
    refused("indent", indent, nl + 1, "name", message);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seller),
        cmocka_unit_test(test_numbering),
        cmocka_unit_test(test_duplicates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
