/*
 * Reading values back from a result.json that scxlab wrote (docs/results.md). Not a general
 * JSON parser: it relies on scxlab's own fixed layout (one "key": value per line, fixed key
 * order), which the schema promises.
 */
#ifndef HARNESS_RESULT_READ_H
#define HARNESS_RESULT_READ_H

#include <stddef.h>
#include <stdint.h>

/* The whole file, or NULL. */
char *result_read__file(const char *path);
/* Whether @doc is one whole JSON object (balanced, nothing cut off, no NaN): 1, else 0. */
int result_read__complete(const char *doc);
/* The same, 0 or -1 with "line L, column C: why" in @why (cut off, unterminated, NaN). */
int result_read__check(const char *doc, char *why, size_t len);
/* The number after "key": inside the object that starts at the first "@object": { (NULL: the
 * whole document). 0 if found. */
int result_read__number(const char *doc, const char *object, const char *key, double *v);
/* Element @idx of the array of numbers "key": [...] inside @object. 0 if found. */
int result_read__element(const char *doc, const char *object, const char *key, int idx, double *v);
/* The same for a string value (JSON escapes undone). 0 if found. */
int result_read__string(const char *doc, const char *object, const char *key, char *out, size_t len);

#endif
