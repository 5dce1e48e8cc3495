/*
 * The selftests table (tests/selftests/sched_ext.table): for each of the kernel's sched_ext
 * selftests, which BPF object it loads, how its C runner configures and drives it, and what
 * the runner expects (the verifier rejects it; the exit kind, code and message; the counts it
 * reads from .bss/.data afterwards). The format is in docs/selftests.md.
 */
#ifndef HARNESS_SELFTEST_TABLE_H
#define HARNESS_SELFTEST_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/profile/loader_profile.h"

enum selftest_expect {
	SE_UNSET,
	SE_LOADS,           /* opens and loads; the runner does not attach it */
	SE_STAYS_LOADED,    /* no exit until the runner unloads it (then SCX_EXIT_UNREG) */
	SE_EXIT,            /* an exit of this kind (code, message) before the unload */
	SE_VERIFIER_REJECT, /* the kernel's verifier refuses to load it */
};

enum selftest_op { SO_EQ, SO_NE, SO_LT, SO_LE, SO_GT, SO_GE };

/* `check A OP B`: A and B are integer globals of the policy or numbers. */
struct selftest_check {
	int line;
	char lhs[64], rhs[64];
	enum selftest_op op;
	char text[160]; /* as written, for the report */
};

#define SELFTEST_MAX_CHECKS 16
#define SELFTEST_MAX_JOBS 4

struct selftest {
	int line;                  /* of its `test` line */
	char name[64];
	char source[64];           /* base name of the .bpf.c in the suite directory */
	struct loader_profile profile; /* rodata, ops flags, syscall programs, ... */
	bool builtin;              /* a `workload builtin` line (the default without a job) */
	int hogs, pairs;           /* the built-in workload; -1: its default */
	int nr_jobs;               /* and/or job files (resolved paths) */
	char jobs[SELFTEST_MAX_JOBS][1024];
	bool job_after_attach[SELFTEST_MAX_JOBS]; /* `after-attach`: forked once it is attached */
	uint64_t run_ns;
	int min_cpus;              /* `min-cpus N`: the runner skips on fewer CPUs (0: any) */
	char possible_cpus_var[64]; /* `possible-cpus NAME`: rodata NAME = libbpf_num_possible_cpus() */
	enum selftest_expect expect;
	int exit_kind;
	bool has_code, has_msg;
	int64_t exit_code;
	char exit_msg[256];
	int nr_checks;
	struct selftest_check checks[SELFTEST_MAX_CHECKS];
	char unsupported[256];     /* non-empty: not run in the simulator, and why */
	char vm_offline[64];       /* `vm-offline CPU@TIME`: the guest's loader takes CPU offline ("" none) */
};

struct selftest_table {
	char path[1024];
	int nr;
	struct selftest *tests;
};

/* Parse @path. 0, or -1 with "FILE:LINE: what" in @err. */
int selftest_table__parse(struct selftest_table *t, const char *path, char *err, size_t errlen);
void selftest_table__free(struct selftest_table *t);
/* The expectation in words ("exit SCX_EXIT_ERROR", "stays loaded; saw_local == 1"). */
void selftest__describe(const struct selftest *st, char *buf, size_t len);
const char *selftest_op__name(enum selftest_op op);

#endif
