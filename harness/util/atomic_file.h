/*
 * Files written whole or not at all: the text goes to PATH.tmp.PID, is flushed to disk, and is
 * renamed over PATH, so a reader (or a resumed run) never sees half a file and an interrupted
 * write leaves the previous one as it was. The temporary file is removed on every exit path
 * (temp_files.h); one a killed writer left is removed by the next writer in that folder.
 */
#ifndef HARNESS_ATOMIC_FILE_H
#define HARNESS_ATOMIC_FILE_H

#include <stdio.h>

/* Open @path's temporary file for writing: its name (PATH.tmp.PID) in @tmp. The file, or NULL
 * (errno set; ENAMETOOLONG when the name does not fit in @tmp). */
FILE *atomic_file__open(const char *path, char *tmp, size_t tmp_len);
/* Finish a file opened on @tmp: flush, fsync, close, rename to @path. 0, or -1 with errno set
 * (also when a write into @f failed earlier): @tmp removed, @path as it was. */
int atomic_file__commit(FILE *f, const char *tmp, const char *path);

/* Give up a file opened on @tmp: close it and remove @tmp (errno kept). */
void atomic_file__abort(FILE *f, const char *tmp);

/* Writes a file's whole text into @f from what @ctx points to. */
typedef void atomic_file_writer(FILE *f, const void *ctx);
/*
 * Write @path whole or not at all with @write(f, @ctx): open, write, commit. 0, or -1 with
 * "PATH: cannot write it (why)" in @err; the file that was there is left as it was.
 */
int atomic_file__write_with(const char *path, atomic_file_writer *write, const void *ctx, char *err, size_t errlen);
/* Write @text as @path. 0 or -1. */
int atomic_file__write(const char *path, const char *text);
/* Copy @from to @to. 0 or -1. */
int atomic_file__copy(const char *from, const char *to);

#endif
