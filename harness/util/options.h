/*
 * Parsing of option values shared by the commands: durations ("10s", "250ms", "1500us",
 * "2m", a bare number is seconds), unsigned integers, NAME=VALUE pairs, comma-separated lists. Each parser reports a
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
/*
 * A knob's value as the policy takes it: a time with a unit ("5ms", "2.5us") for a knob named
 * *_ns, *_us or *_ms becomes the integer in the knob's own unit; anything else is kept as it
 * is (the policy's loader checks it). -1 when a time is given to a knob that is not one, or
 * does not come out whole in the knob's unit.
 */
int opt__knob_value(const char *opt, const char *name, const char *value, char *out, size_t len, char *err,
		    size_t errlen);
/* A size in bytes: N, or N with K, M, G, T (or KiB, MiB, GiB, TiB: powers of 1024). */
int opt__parse_size(const char *opt, const char *text, uint64_t *bytes, char *err, size_t errlen);
/*
 * Walk a comma-separated list: the next item at *@p in @item and @len (it may be empty), and
 * *@p moved past it and its comma. false at the end of the list.
 */
bool opt__list_next(const char **p, const char **item, size_t *len);

#endif
