/*
 * The selftests on the real kernel (this host's sched_ext kernel, or the 7.2 TCG guest):
 * `scxlab verify` for the verifier's verdict, `scxlab run --target vm` for a runtime
 * expectation; and the subprocess helpers `scxlab selftests` runs its builds with.
 */
#ifndef HARNESS_SELFTEST_KERNEL_H
#define HARNESS_SELFTEST_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/selftests/selftest_table.h"

enum selftest_outcome { ST_PASS, ST_FAIL, ST_SKIP };

/* Run this scxlab with @argv (argv[0] is ignored), stdout and stderr to @log. Exit status or -1. */
int selftest__run_self(char *const argv[], const char *log);
/* The last line of @log that says something went wrong, for a row's "got" column. */
void selftest__log_tail(const char *log, char *out, size_t len);
/* Build @src for the kernel into @obj, the suite's include/ first. 0, or -1 with why in @got. */
int selftest__kernel_object(const char *suite, const char *src, const char *obj, const char *log, char *got,
			    size_t len);
/* `scxlab verify` of @src (built into @obj): PASS when refused (@must_reject) or accepted. */
enum selftest_outcome selftest__verify(const char *suite, const char *src, const char *obj, bool must_reject,
				       const char *log, char *got, size_t len);
/*
 * @st in the VM: `scxlab run --target vm` with its settings as a loader profile (--loader: its
 * globals, struct_ops fields, map sizes and syscall programs) and its expectation as
 * --expect-exit; its checks against the globals kload reports after the detach. A test whose
 * runner does more than kload can (attach-at, its own workload) is skipped, and the row says so.
 */
enum selftest_outcome selftest__vm_run(const char *suite, const struct selftest *st, const char *work, char *got,
				       size_t len);

#endif
