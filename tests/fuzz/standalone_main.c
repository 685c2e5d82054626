/* SPDX-License-Identifier: MIT */
/* standalone_main.c -- runs a libFuzzer target without libFuzzer: the regression run.
 *
 * Usage: replay_TARGET [-mutations=N] PATH...
 * Each PATH is a file or a directory (its files, in name order, not recursive); every
 * input is passed to LLVMFuzzerTestOneInput once, then N deterministic variants of it
 * (bit flips, interesting bytes, cut, repeated and deleted ranges: a fixed-seed generator,
 * so a failure reproduces exactly). Works with gcc, valgrind and the ASan build of the
 * suite. Exits 1 when no input was found (a replay of nothing must not pass); a crash
 * aborts, as under libFuzzer. To trace a crash: FK_FUZZ_VERBOSE=1 names each input (and
 * variant) on stderr before it runs; FK_FUZZ_LAST=FILE writes each one to FILE first, so
 * after a crash FILE holds the input that crashed (add it to the corpus once fixed).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned long mutations;
static unsigned long ninputs, nruns;
static int verbose;
static const char *last_path;

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: small, fixed, good enough to pick mutation sites */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void run_one(const uint8_t *data, size_t size)
{
    /* a copy of exactly `size` bytes, so a read past the end is caught by ASan */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
        perror("malloc");
        exit(2);
    }
    memcpy(copy, data, size);
    if (last_path) {
        FILE *fp = fopen(last_path, "wb");
        if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0) {
            fprintf(stderr, "replay: %s: cannot write\n", last_path);
            exit(2);
        }
    }
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
    nruns++;
}

static size_t mutate(const uint8_t *in, size_t n, uint8_t *out, size_t cap, uint64_t *rng)
{
    static const uint8_t interesting[] = {0, 0xff, 0x80, 0xc3, '"', ',', ';', '\n', '\r', ' ',
                                          '-', '.', '0', '9', '<', '>', '&', '=', '[', ']'};
    size_t len = n < cap ? n : cap;
    memcpy(out, in, len);
    size_t pos = len ? (size_t)(rng_next(rng) % len) : 0;
    switch (rng_next(rng) % 6) {
    case 0: /* flip a bit */
        if (len)
            out[pos] ^= (uint8_t)(1u << (rng_next(rng) % 8));
        break;
    case 1: /* an interesting byte */
        if (len)
            out[pos] = interesting[rng_next(rng) % sizeof(interesting)];
        break;
    case 2: /* cut the input short */
        len = pos;
        break;
    case 3: { /* delete a range */
        size_t k = len ? (size_t)(rng_next(rng) % (len - pos + 1)) : 0;
        memmove(out + pos, out + pos + k, len - pos - k);
        len -= k;
        break;
    }
    case 4: { /* repeat a range */
        size_t k = len ? (size_t)(rng_next(rng) % (len - pos + 1)) : 0;
        if (k > cap - len)
            k = cap - len;
        memmove(out + pos + k, out + pos, len - pos);
        len += k;
        break;
    }
    default: /* insert an interesting byte */
        if (len < cap) {
            memmove(out + pos + 1, out + pos, len - pos);
            out[pos] = interesting[rng_next(rng) % sizeof(interesting)];
            len++;
        }
        break;
    }
    return len;
}

static int replay_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, got;

    if (!fp) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (size == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *p = realloc(data, cap);
            if (!p) {
                perror("realloc");
                exit(2);
            }
            data = p;
        }
        got = fread(data + size, 1, cap - size, fp);
        size += got;
    } while (got > 0);
    if (ferror(fp)) {
        fprintf(stderr, "replay: %s: read error\n", path);
        fclose(fp);
        free(data);
        return -1;
    }
    fclose(fp);
    if (verbose)
        fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    run_one(data, size);
    ninputs++;

    if (mutations > 0) {
        size_t mcap = size * 2 + 16;
        uint8_t *m = malloc(mcap);
        uint64_t rng = 0x9E3779B97F4A7C15ull ^ size;
        for (const char *p = path; *p; p++) /* the seed depends on the name, not the order */
            rng = (rng ^ (uint8_t)*p) * 0x100000001B3ull;
        if (!rng)
            rng = 1;
        if (!m) {
            perror("malloc");
            exit(2);
        }
        for (unsigned long i = 0; i < mutations; i++) {
            size_t len = mutate(data, size, m, mcap, &rng);
            if (verbose)
                fprintf(stderr, "replay: %s variant %lu (%zu bytes)\n", path, i, len);
            run_one(m, len);
        }
        free(m);
    }
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(names, cap * sizeof(*names));
            if (!p) {
                perror("realloc");
                exit(2);
            }
            names = p;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) {
            perror("malloc");
            exit(2);
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode) && replay_file(names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;

    verbose = getenv("FK_FUZZ_VERBOSE") != NULL;
    last_path = getenv("FK_FUZZ_LAST");
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (strncmp(argv[i], "-mutations=", 11) == 0) {
            mutations = strtoul(argv[i] + 11, NULL, 10);
            continue;
        }
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            rc = 1;
        } else if (S_ISDIR(sb.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i])) {
            rc = 1;
        }
    }
    if (ninputs == 0) {
        fprintf(stderr, "replay: no input found: nothing was tested\n");
        return 1;
    }
    printf("replay: %lu inputs, %lu runs: no crash\n", ninputs, nruns);
    return rc;
}
