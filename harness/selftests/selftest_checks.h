/*
 * The selftests table's `check A OP B` lines judged against a run's globals, wherever they were
 * read: the simulator's policy after the unload, or the guest's kload report ("global NAME V").
 */
#ifndef HARNESS_SELFTEST_CHECKS_H
#define HARNESS_SELFTEST_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/selftests/selftest_table.h"

/* The integer global @name of the run in *@v: 0, or -1 with why in @err. */
typedef int (*selftest_global_fn)(void *ctx, const char *name, int64_t *v, char *err, size_t errlen);

/* Whether every check of @st holds; "; NAME=VALUE" per global and any error appended to @got. */
bool selftest_checks__hold(const struct selftest *st, selftest_global_fn global, void *ctx, char *got, size_t len);
/* printf to the end of @buf. */
void selftest__appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The "global NAME VALUE" lines of a kload report (harness/kload/krun.h) as a lookup: @ctx is
 * the report's path. */
int selftest_checks__report_global(void *ctx, const char *name, int64_t *v, char *err, size_t errlen);

#endif
