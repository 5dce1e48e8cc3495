/*
 * Turning a parsed stress-ng job into simulated tasks: each entry's stressor model adds its
 * instances; a parallel job runs every entry for the whole timeout, a sequential one runs them
 * in turn, one timeout each. Global options that change scheduling are applied: timer-slack
 * (ns) and taskset (the CPUs every stressor may use).
 */
#ifndef WORKLOADS_JOB_WORKLOAD_H
#define WORKLOADS_JOB_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/stressors/costs.h"

/* Where each entry ran, for per-stressor results. */
struct job_window {
	uint64_t start_ns, stop_ns;
	int instances;
};

/*
 * The most tasks one job may create (about 2 KB of simulator memory each): a job beyond it,
 * such as `sleep 4096` with `sleep-max 30000` (122 M threads), is refused naming its line.
 */
#define JOB_MAX_TASKS (1 << 20)

/*
 * Add @job's tasks to @sim. @timeout_ns is the timeout of an entry when the job gives none.
 * Fills @windows (job->nr_entries of them) and *@total_ns, the simulated time the job needs.
 * 0, or -1 with "FILE:LINE: 'TOKEN': why" in @err (refused stressors, bad option values).
 */
int job_workload__add(struct sim *sim, const struct job *job, const struct stressor_costs *costs,
		      uint64_t timeout_ns, struct job_window *windows, uint64_t *total_ns,
		      char *err, size_t errlen);

/* Parse a CPU list ("0,2-3") into @mask for @nr_cpus CPUs. 0 or -1. */
int job_workload__parse_cpulist(const char *text, int nr_cpus, struct cpumask *mask);

#endif
