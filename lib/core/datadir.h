/* SPDX-License-Identifier: MIT */
/* datadir.h -- where the files the library reads at run time are (share/faktura/: the
 * subset fonts), found at run time, never through a path of the build compiled in.
 *
 * The directory, first that holds fonts/DejaVuSans.ttf (the marker):
 *  1. $FAKTURA_DATADIR, when set and not empty (taken as it is, marker or not: an
 *     operator who sets it means it, and a missing font then names that path);
 *  2. relative to the file that holds this code -- libfaktura.so, or the program when the
 *     library is linked statically: FK_DATADIR_FROM_LIBDIR and FK_DATADIR_FROM_BINDIR, the
 *     paths from the installed lib/ and bin/ to share/faktura (computed by CMake from the
 *     install layout, relative, so an installed tree can be moved), then
 *     ../share/faktura and ../../share/faktura. The build tree has the same layout
 *     (build/share/faktura beside build/lib, build/cmd and build/tests), so a build runs
 *     from its own tree without being installed;
 *  3. FK_DATADIR_INSTALLED, the configured install location (/usr/share/faktura for the
 *     Debian package): for a program elsewhere that linked the static library.
 * Computed once per process (thread-safe); FAKTURA_DATADIR is read then.
 */
#ifndef FK_DATADIR_H
#define FK_DATADIR_H

/* The data directory, without a trailing '/'. Never NULL; static, lives as long as the
 * process. */
const char *fk_datadir(void);

/* "<datadir>/<name>", malloc'd (fk_xmalloc: never NULL); the caller frees it. */
char *fk_datadir_file(const char *name);

#endif
