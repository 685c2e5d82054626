/* SPDX-License-Identifier: MIT */
/* test_render_sfnt.c -- the renderer's TrueType subsetter (lib/render/render_sfnt.h).
 *
 * The subset has to be a valid font a PDF reader accepts, with exactly the kept glyphs'
 * outlines: checked here against fontTools (Debian's python3-fonttools, the same library
 * that made the companion fonts), which verifies every table checksum and the head
 * checksum adjustment, and compares outlines glyph by glyph with the original. Broken and
 * truncated files must be refused, never read out of bounds. The build's own fonts
 * (cmake/Fonts.cmake) are checked too, and must be there when the build made them; a
 * build without fontTools shows the tests that need them as skipped, never as passed.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "render/render_sfnt.h"
#include "tmpdir.h"

static bool read_file(const char *path, fk_buf *out)
{
    char chunk[65536];
    size_t n;
    FILE *fp = fopen(path, "rb");

    if (!fp)
        return false;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        fk_buf_append(out, chunk, n);
    fclose(fp);
    return out->len > 0;
}

/* cmocka's skip() alone shows as Passed in ctest: every skip here is counted, and main()
 * then exits with 77, which tests/CMakeLists.txt declares as SKIP_RETURN_CODE. */
static int skipped;
#define SKIP_BECAUSE(why)                                                                   \
    do {                                                                                    \
        print_message("skipped: %s\n", why);                                                \
        skipped++;                                                                          \
        skip();                                                                             \
        return; /* skip() longjmps, but cmocka does not declare it noreturn */              \
    } while (0)

/* The system's DejaVu Sans (6,000 glyphs, layout tables, glyph names), or its bold face. */
static void system_font(bool bold, char *buf, size_t cap)
{
    const char *dir = getenv("FK_FONT_DIR");

    snprintf(buf, cap, "%s/DejaVuSans%s.ttf",
             dir && dir[0] ? dir : "/usr/share/fonts/truetype/dejavu", bold ? "-Bold" : "");
    if (access(buf, R_OK) != 0)
        fail_msg("no font %s (FK_FONT_DIR)", buf);
}

/* The build's default font (bold: the bold one) or, with a tag, its companion for that
 * code page, made by subset_fonts.py. A build that made them (FK_FONTS_SUBSET: fontTools
 * was there) must have them: missing is a failure. A build without fontTools has none:
 * false, and the caller skips visibly. */
static bool build_font(bool bold, const char *tag, char *buf, size_t cap)
{
#if defined(FK_FONTS_SUBSET) && defined(FK_DEFAULT_FONT) && defined(FK_DEFAULT_FONT_BOLD)
    const char *font = bold ? FK_DEFAULT_FONT_BOLD : FK_DEFAULT_FONT;
    size_t n = strlen(font);

    if (tag)
        snprintf(buf, cap, "%.*s.%s.ttf", (int)(n > 4 ? n - 4 : 0), font, tag);
    else
        snprintf(buf, cap, "%s", font);
    if (access(buf, R_OK) != 0)
        fail_msg("the build made no font %s (cmake/Fonts.cmake)", buf);
    return true;
#else
    (void)bold;
    (void)tag;
    (void)buf;
    (void)cap;
    return false;
#endif
}

static int run_python(const char *script, const char *arg1, const char *arg2)
{
    char cmd[4096];

    snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c '%s' '%s' '%s'", script, arg1, arg2);
    return system(cmd);
}

static void subset_font(const char *path);

static void test_subset_system_font(void **state)
{
    char path[1024];

    (void)state;
    system_font(false, path, sizeof(path));
    subset_font(path);
}

static void test_subset_companion(void **state)
{
    char path[1024];

    (void)state;
    if (!build_font(false, "winansi", path, sizeof(path)))
        SKIP_BECAUSE("this build has no subset fonts (no fontTools at configure time)");
    subset_font(path);
}

/* head.modified (offset 28 of 'head') of a TrueType file, or -1 if there is no 'head'. */
static long long head_modified(const fk_buf *f)
{
    const unsigned char *p = (const unsigned char *)f->ptr;
    size_t ntab;

    if (f->len < 12)
        return -1;
    ntab = (size_t)p[4] << 8 | p[5];
    for (size_t i = 0; i < ntab && 12 + 16 * (i + 1) <= f->len; i++) {
        const unsigned char *r = p + 12 + 16 * i;
        size_t off = (size_t)r[8] << 24 | (size_t)r[9] << 16 | (size_t)r[10] << 8 | r[11];
        long long v = 0;
        if (memcmp(r, "head", 4) || off + 36 > f->len)
            continue;
        for (int k = 0; k < 8; k++)
            v = v << 8 | p[off + 28 + k];
        return v;
    }
    return -1;
}

/* The build's fonts carry the source font's modification time, not the build's clock:
 * otherwise every PDF embedding them would differ from one build to the next. */
static void test_build_fonts_reproducible(void **state)
{
    static const char *const TAGS[] = {NULL, "winansi", "cp1250", "cp1251", "cp1253"};
    char src[1024], path[1024];

    (void)state;
    if (!build_font(false, NULL, path, sizeof(path)))
        SKIP_BECAUSE("this build has no subset fonts (no fontTools at configure time)");
    for (int bold = 0; bold < 2; bold++) {
        fk_buf a = FK_BUF_INIT, b = FK_BUF_INIT;
        system_font(bold, src, sizeof(src));
        assert_true(read_file(src, &a));
        assert_true(head_modified(&a) > 0);
        for (size_t t = 0; t < sizeof(TAGS) / sizeof(TAGS[0]); t++) {
            build_font(bold, TAGS[t], path, sizeof(path));
            fk_buf_reset(&b);
            assert_true(read_file(path, &b));
            if (head_modified(&b) != head_modified(&a))
                fail_msg("%s: head.modified %lld, the source's %lld", path, head_modified(&b),
                         head_modified(&a));
        }
        fk_buf_free(&a);
        fk_buf_free(&b);
    }
}

static void subset_font(const char *path)
{
    char out_path[FK_TMP_PATH];
    fk_buf file = FK_BUF_INIT, sub = FK_BUF_INIT, sub2 = FK_BUF_INIT;
    fk_sfnt *f;
    unsigned char *used;
    unsigned n;
    FILE *fp;
    int fd;
    /* The whole-file checksum, every table's checksum (fontTools checks them on load),
     * then every glyph's outline bytes against the original: kept glyphs equal, dropped
     * ones empty. Exit 3 if fontTools is absent. */
    static const char *const CHECK =
        "import sys\n"
        "try:\n"
        "    from fontTools.ttLib import TTFont\n"
        "except ImportError:\n"
        "    sys.exit(3)\n"
        "import struct\n"
        "raw = open(sys.argv[2], \"rb\").read()\n"
        "assert sum(struct.unpack(\">%dI\" % (len(raw) // 4), raw)) % 2**32 == 0xB1B0AFBA\n"
        "a = TTFont(sys.argv[1]); b = TTFont(sys.argv[2], checkChecksums=2)\n"
        "ga, gb = a[\"glyf\"], b[\"glyf\"]\n"
        "oa, ob = a.getGlyphOrder(), b.getGlyphOrder()\n"
        "assert len(oa) == len(ob)\n"
        "for i in range(len(oa)):\n"
        "    x = getattr(ga.glyphs[oa[i]], \"data\", b\"\")\n"
        "    y = getattr(gb.glyphs[ob[i]], \"data\", b\"\")\n"
        "    assert y == (x if i == 0 or i % 7 == 3 else b\"\"), oa[i]\n"
        "    assert a[\"hmtx\"][oa[i]] == b[\"hmtx\"][ob[i]], oa[i]\n"
        "ia = {n: i for i, n in enumerate(oa)}; ib = {n: i for i, n in enumerate(ob)}\n"
        "assert {u: ia[n] for u, n in a.getBestCmap().items()} == \\\n"
        "       {u: ib[n] for u, n in b.getBestCmap().items()}\n"
        "assert b[\"post\"].formatType == 3\n"
        "assert not set(b.keys()) & {\"GPOS\", \"GSUB\", \"kern\"}\n";

    assert_true(read_file(path, &file));
    f = fk_sfnt_parse((const unsigned char *)file.ptr, file.len);
    assert_non_null(f);
    n = fk_sfnt_glyphs(f);
    assert_true(n > 100);
    used = calloc(n, 1);
    assert_non_null(used);
    for (unsigned g = 0; g < n; g++)
        used[g] = g % 7 == 3;

    fk_buf_puts(&sub, "xy");          /* appends after what is there */
    assert_true(fk_sfnt_subset(f, used, n, &sub));
    assert_memory_equal(sub.ptr, "xy", 2);
    assert_true(sub.len - 2 < file.len);
    assert_true((sub.len - 2) % 4 == 0);
    /* Deterministic. */
    assert_true(fk_sfnt_subset(f, used, n, &sub2));
    assert_int_equal(sub2.len, sub.len - 2);
    assert_memory_equal(sub2.ptr, sub.ptr + 2, sub2.len);
    /* A glyph count that does not match is refused, output untouched. */
    assert_false(fk_sfnt_subset(f, used, n - 1, &sub2));
    assert_int_equal(sub2.len, sub.len - 2);

    fd = mkstemp(fk_tmp_template(out_path, sizeof(out_path), "fk_sfnt_XXXXXX"));
    assert_true(fd >= 0);
    fp = fdopen(fd, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(sub.ptr + 2, 1, sub.len - 2, fp), sub.len - 2);
    assert_int_equal(fclose(fp), 0);
    {
        int rc = run_python(CHECK, path, out_path);
        unlink(out_path);
        if (WIFEXITED(rc) && WEXITSTATUS(rc) == 3) {
            fk_sfnt_free(f);
            free(used);
            fk_buf_free(&file);
            fk_buf_free(&sub);
            fk_buf_free(&sub2);
#ifdef FK_FONTS_SUBSET
            fail_msg("/usr/bin/python3 has no fontTools, yet it made the build's fonts");
#else
            SKIP_BECAUSE("no fontTools (python3-fonttools) to check the subset with");
#endif
        }
        assert_int_equal(rc, 0);
    }
    fk_sfnt_free(f);
    free(used);
    fk_buf_free(&file);
    fk_buf_free(&sub);
    fk_buf_free(&sub2);
}

/* Every truncation of a real font, and a few forged headers, are refused or parse to
 * something that subsets within bounds (run this under ASan/valgrind to mean it). */
static void test_broken_files(void **state)
{
    char path[1024];
    fk_buf file = FK_BUF_INIT, out = FK_BUF_INIT;
    unsigned char forged[64];
    size_t cut;

    (void)state;
    if (!build_font(false, "winansi", path, sizeof(path)))
        system_font(false, path, sizeof(path));
    assert_true(read_file(path, &file));
    assert_null(fk_sfnt_parse(NULL, 10));
    assert_null(fk_sfnt_parse((const unsigned char *)"OTTO\0\0\0\0\0\0\0\0", 12));
    for (cut = 0; cut < file.len; cut += cut < 400 ? 1 : 997) {
        fk_sfnt *f = fk_sfnt_parse((const unsigned char *)file.ptr, cut);
        if (f) {
            /* Only possible if every table still fits: then subsetting must work. */
            unsigned n = fk_sfnt_glyphs(f);
            unsigned char *used = calloc(n, 1);
            assert_non_null(used);
            fk_buf_reset(&out);
            assert_true(fk_sfnt_subset(f, used, n, &out));
            free(used);
            fk_sfnt_free(f);
        }
    }
    /* A table directory pointing past the end. */
    memset(forged, 0, sizeof(forged));
    memcpy(forged, "\x00\x01\x00\x00\x00\x01", 6);
    memcpy(forged + 12, "glyf\0\0\0\0\0\0\0\x10\xff\xff\xff\xff", 16);
    assert_null(fk_sfnt_parse(forged, sizeof(forged)));
    /* Too many tables for the bytes given. */
    memcpy(forged, "\x00\x01\x00\x00\x7f\xff", 6);
    assert_null(fk_sfnt_parse(forged, sizeof(forged)));
    fk_buf_free(&file);
    fk_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subset_system_font),
        cmocka_unit_test(test_subset_companion),
        cmocka_unit_test(test_build_fonts_reproducible),
        cmocka_unit_test(test_broken_files),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);

    return failed ? failed : skipped ? 77 : 0;
}
