/*
 * Parsing of option values shared by the commands: durations ("10s", "250ms", "1500us",
 * "2m", a bare number is seconds), unsigned integers, NAME=VALUE pairs. Each parser reports a
 * clear error naming the option and the offending text.
 */
#ifndef HARNESS_OPTIONS_H
#define HARNESS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int opt__parse_duration(const char *opt, const char *text, uint64_t *ns, char *err, size_t errlen);
int opt__parse_u64(const char *opt, const char *text, uint64_t *out, char *err, size_t errlen);
/* Split "NAME=VALUE" in place; returns -1 if there is no '=' or the name is empty. */
int opt__split_kv(const char *opt, char *text, char **name, char **value, char *err, size_t errlen);
/* A size in bytes: N, or N with K, M, G, T (or KiB, MiB, GiB, TiB: powers of 1024). */
int opt__parse_size(const char *opt, const char *text, uint64_t *bytes, char *err, size_t errlen);

#endif
