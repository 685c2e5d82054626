/* SPDX-License-Identifier: MIT */
/* tempfile.h -- faktura's unnamed temporary files (the standard input a batch reads twice,
 * the report's spool of orders without an invoice): in $TMPDIR, else /var/tmp (README,
 * "Memory is bounded"), never in the C library's /tmp, which may be a small tmpfs in
 * memory. The batch's key store is a file SQLite opens by name and follows SQLite's own
 * order of directories instead (store/store_keymap.c). */
#ifndef FK_CORE_TEMPFILE_H
#define FK_CORE_TEMPFILE_H

/* A new temporary file open for reading and writing (O_CLOEXEC), with no name: O_TMPFILE,
 * or where the file system has none a file made with mkstemp and unlinked at once. So it
 * goes with its last descriptor, whatever ends the process. *dir gets the directory it was
 * made in (for a message). Returns the descriptor, or -1 with errno set. */
int fk_temp_fd(const char **dir);
#endif
