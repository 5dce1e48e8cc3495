/*
 * Small helpers shared by tests that use build outputs: where the build is ($SCXLAB_BUILD,
 * set by `make test`), running the scxlab CLI, reading files.
 */
#ifndef TESTS_TEST_HELPERS_H
#define TESTS_TEST_HELPERS_H

#include <stddef.h>

/* $SCXLAB_BUILD/<rel> (fails the test if SCXLAB_BUILD is unset). */
const char *th_build_path(const char *rel);
/* A fresh temporary directory for this test. */
const char *th_tmpdir(void);
/* Run `scxlab ARGS...` (NULL-terminated), stdout and stderr to @log_path if given.
 * Returns the exit status, or -1. */
int th_scxlab(const char *log_path, ...);
/* Write @text to @name in this test's temporary directory; its path (static, until the next call). */
const char *th_write_tmp(const char *name, const char *text);
/* $SCXLAB_SRC/<rel>: a file of the source tree (the last 4 results stay valid). */
const char *th_src_path(const char *rel);
/* The line of @file holding @needle (1-based); fails the test if there is none. */
int th_line_of(const char *file, const char *needle);
/* Whole file contents (malloc'ed, NUL-terminated), or NULL. */
char *th_read_file(const char *path, size_t *len);

#endif
