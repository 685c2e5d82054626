/* SPDX-License-Identifier: MIT */
/* fuzz_config.c -- libFuzzer target: the INI config file (fk_config_load, inih).
 *
 * Input: the bytes as a config file.
 * Checked: a refused file is a usage error naming the file, with a message; warnings are
 * messages. An accepted config has every seller detail, and its invoice numbers, for any
 * year and sequence number, are short enough for the pipeline's buffers, made only of
 * characters safe in a file name, recognised as the series' own by
 * fk_config_number_matches (what crash recovery relies on to find its files), and one
 * character more is not recognised. */
#include "faktura/batch.h"
#include "core/config.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_NUMBER_MAX 100 /* the pipeline formats numbers into char[128] with ".pdf" */

static void on_warn(const char *msg, void *payload)
{
    FUZZ_CHECK(msg != NULL && *msg);
    (*(int *)payload)++;
}

static void check_numbers(const fk_config *cfg)
{
    static const int years[] = {1900, 2026, 9999};
    static const int64_t seqs[] = {1, 7, 42, 999999, 1000000, 1000000000000, INT64_MAX};
    char number[160], key[160], longer[170], file[160], back[160];

    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++) {
        for (size_t s = 0; s < sizeof(seqs) / sizeof(seqs[0]); s++) {
            fk_config_number(cfg, years[y], seqs[s], number, sizeof(number), key, sizeof(key));
            size_t n = strlen(number);
            FUZZ_CHECK(n > 0 && n <= FUZZ_NUMBER_MAX);
            FUZZ_CHECK(strlen(key) <= FUZZ_NUMBER_MAX);
            for (size_t i = 0; i < n; i++) {
                char c = number[i];
                FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                           c == '/');
            }
            FUZZ_CHECK(fk_config_number_matches(cfg, number));
            /* Its file name has no '/' and names this number, and only this one. */
            fk_config_number_file(number, file, sizeof(file));
            FUZZ_CHECK(strchr(file, '/') == NULL);
            FUZZ_CHECK(fk_config_number_from_file(cfg, file, back, sizeof(back)));
            FUZZ_CHECK(strcmp(back, number) == 0);
            snprintf(longer, sizeof(longer), "%sx", number);
            FUZZ_CHECK(!fk_config_number_matches(cfg, longer));
        }
    }
    FUZZ_CHECK(!fk_config_number_matches(cfg, ""));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_file f;
    fk_config *cfg = NULL;
    fk_error err = FK_ERROR_INIT;
    int warnings = 0;

    if (size > 65536 || fuzz_file_open(&f, data, size) != 0)
        return 0;
    fk_status st = fk_config_load(&cfg, f.path, on_warn, &warnings, &err);
    if (st != FK_OK) {
        FUZZ_CHECK(cfg == NULL);
        FUZZ_CHECK(st == FK_EUSAGE && err.status == FK_EUSAGE && err.message[0] != '\0');
        FUZZ_CHECK(strcmp(err.file, f.path) == 0);
    } else {
        FUZZ_CHECK(cfg != NULL);
        const char *required[] = {cfg->seller_name, cfg->seller_street, cfg->seller_postal_code,
                                  cfg->seller_city, cfg->seller_country, cfg->seller_vat_id,
                                  cfg->seller_iban};
        for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
            FUZZ_CHECK(required[i] != NULL && required[i][0] != '\0');
        FUZZ_CHECK(cfg->payment_terms_days >= 0 && cfg->payment_terms_days <= 3650);
        check_numbers(cfg);
        fk_config_free(cfg);
    }
    fuzz_file_close(&f);
    return 0;
}
