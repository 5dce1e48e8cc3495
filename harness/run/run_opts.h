/*
 * The options of `scxlab run` (see `scxlab run --help`): parsed and checked against each other
 * before anything runs, so that a bad combination fails with exit status 2 and nothing written.
 */
#ifndef HARNESS_RUN_RUN_OPTS_H
#define HARNESS_RUN_RUN_OPTS_H

#include "harness/daemon/daemon_sim.h"
#include "harness/results/verdict.h"
#include "harness/profile/loader_profile.h"
#include "sim/engine/event.h"
#include "sim/scx/scx.h"
#include "workloads/builtin.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_KNOBS 64
#define MAX_INJECT 8

/* --inject KIND@TIME: a fault from outside the policy at a simulated time. */
struct injection {
	struct sim_event ev;
	struct sim *sim;
	enum scx_inject_kind kind;
	int cpu;
	enum daemon_fault daemon_fault; /* a fault of the daemon, not of the kernel */
	uint64_t at_ns;
	char name[32];
};

struct run_opts {
	const char *policy;
	const char *target;
	const char *topology;
	const char *out;
	uint64_t duration_ns;
	uint64_t seed;
	char *knobs[MAX_KNOBS];
	int nr_knobs;
	char *map_sizes[MAX_KNOBS];
	int nr_map_sizes;
	const char *loader;             /* --loader FILE (harness/run/loader_profile.h) */
	uint64_t attach_at_ns;          /* --attach-at, or the profile's attach-at: 0 at the start */
	bool attach_at_set;
	struct loader_profile profile;
	struct builtin_workload wl;
	bool wl_hogs_set, wl_pairs_set;
	const char *job;
	const char *after_attach_job;   /* --after-attach-job: started once the policy is attached */
	const char *ext_stressors;      /* --ext-stressors: stressors moved to SCHED_EXT (host, vm) */
	const char *calibration;
	bool duration_set;
	uint32_t kernel_version;
	const char *kernel_arg;
	const char *kernel_image;
	int vm_timeout_s;               /* --vm-timeout: the guest's time limit (0: job time + 180 s) */
	bool quiet;
	struct injection inject[MAX_INJECT];
	int nr_inject;
	uint64_t first_injected_ktime; /* the first load's fault_injected_at, kept across restarts */
	const char *timeline;
	uint64_t tl_from, tl_to;
	const char *trace;
	uint64_t tr_from, tr_to;
	const char *daemon;
	uint64_t daemon_cpu_ns;        /* --daemon-cpu: the daemon is a simulated task */
	struct run_expect expect;      /* --expect-exit */
	uint64_t starve_after_ns;      /* --starve-after, 0: the default */
	uint64_t callback_budget_ns;   /* --callback-budget, 0: the default (SIM_OP_BUDGET_DFL_NS) */
	uint64_t bpf_mem_limit;        /* --bpf-mem-limit, 0: the default (SIM_BPF_MEM_LIMIT_DFL) */
};

/* Parse @argv into @o (defaults already set by the caller); --help prints the usage and exits. */
int run_opts__parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);
/* Whether --knob sets @name (it then wins over what the harness would set). */
bool run_opts__knob_given(const struct run_opts *o, const char *name);

#endif
