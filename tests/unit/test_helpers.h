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
 * Returns the exit status, or -1 (killed). */
int th_scxlab(const char *log_path, ...);
/* th_write_file() of the string @text. */
const char *th_write_tmp(const char *name, const char *text);
/* $SCXLAB_SRC/<rel>: a file of the source tree (the last 4 results stay valid). */
const char *th_src_path(const char *rel);
/* The line of @file holding @needle (1-based); fails the test if there is none. */
int th_line_of(const char *file, const char *needle);
/* Start `scxlab ARGS...` (NULL-terminated) in the background, output to @log_path if given,
 * leading a process group of its own (kill(-pid, SIGINT) is a terminal's Ctrl-C). Its pid, or -1. */
int th_scxlab_start(const char *log_path, ...);
/* Wait up to @seconds for @path to exist. 0 once it does, -1 if it never did. */
int th_wait_for_file(const char *path, double seconds);
/* How many live processes of this user have @needle in their command line (zombies not counted). */
int th_procs_with(const char *needle);
/* Wait up to @seconds for no live process to have @needle in its command line. The count left. */
int th_wait_procs_gone(const char *needle, double seconds);
/* Write @len bytes of @text as @name in th_tmpdir(). Its path (valid for the next 7 calls). */
const char *th_write_file(const char *name, const void *text, size_t len);
/* Whole file contents (malloc'ed, NUL-terminated), or NULL. */
char *th_read_file(const char *path, size_t *len);

#endif
