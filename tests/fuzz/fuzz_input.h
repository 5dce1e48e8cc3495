/*
 * Shared by the fuzz targets: the fuzzer's bytes as a NUL-terminated string, or written to a
 * file for readers that take a path (a per-process file under /dev/shm, rewritten each time).
 */
#ifndef TESTS_FUZZ_FUZZ_INPUT_H
#define TESTS_FUZZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* @data as a string (malloc'ed; free it). */
char *fuzz_input__string(const uint8_t *data, size_t size);
/* @data written to this process's input file, whose path is returned (NULL on error). */
const char *fuzz_input__file(const uint8_t *data, size_t size, const char *suffix);

#endif
