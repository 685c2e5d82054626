/* SPDX-License-Identifier: MIT */
/* tmpdir.h -- where a unit test makes its temporary files and directories: in $TMPDIR, the
 * test's own directory under the build tree, which ctest empties and creates before the test
 * starts (tests/CMakeLists.txt); /tmp only when TMPDIR is unset (a test binary run by hand).
 * A test writes nowhere else (tests/CMakeLists.txt). Header-only, without cmocka (a template
 * is often made in a group's setup). */
#ifndef FK_TEST_TMPDIR_H
#define FK_TEST_TMPDIR_H
#include <stdio.h>
#include <stdlib.h>

/* The size of a buffer for a template (and of a directory made from one): a longer TMPDIR
 * stops the test (fk_tmp_template) instead of truncating the name. */
#define FK_TMP_PATH 512

/* "$TMPDIR/NAME", or "/tmp/NAME" without TMPDIR, into BUF of SIZE bytes: a template for
 * mkstemp, mkstemps or mkdtemp (NAME ends in XXXXXX, or XXXXXX and a suffix). Returns BUF;
 * aborts when the name does not fit. */
static inline char *fk_tmp_template(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("TMPDIR");
    int n = snprintf(buf, size, "%s/%s", dir && dir[0] ? dir : "/tmp", name);

    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "tmpdir.h: $TMPDIR/%s does not fit in %zu bytes\n", name, size);
        abort();
    }
    return buf;
}
#endif
