/*
 * The runs of `scxlab validate` read back: each run's metrics go into the compare summary
 * (compare_summary.h) with the figures validation needs beyond it (per stressor entry the
 * bogo-ops per wall-clock and per CPU second, the zero-wait fraction of wakeups, switches and
 * migrations per second), and a real run kept from before (--real-from) is checked against
 * the simulator's run of the same job: same target, policy, stressors and duration.
 */
#ifndef HARNESS_VALIDATE_RUNS_H
#define HARNESS_VALIDATE_RUNS_H

#include <stddef.h>

#include "harness/results/compare_summary.h"

/* Metric names of the entries' rates: "entry_ops_per_s.cpu", a second cpu entry "...cpu#2". */
#define VALIDATE_OPS "entry_ops_per_s."
#define VALIDATE_OPS_CPU "entry_ops_per_cpu_s."

/* summary__add_run and the validation metrics of the run at @path. 0, or -1 if unreadable. */
int validate_runs__add(struct summary *s, const char *target, const char *policy, const char *job,
		       const char *path);

/*
 * Whether the real run @real_path may stand for a run of the simulator's run @sim_path (made
 * now from the current job and policy): the same target kind @target ("host", "vm"), the same
 * policy (none, or the same source hash), the same stressor entries, and stressors that ran
 * 0.75 to 2 times as long as the simulator's. 0, or -1 with what differs in @why.
 */
int validate_runs__match(const char *real_path, const char *sim_path, const char *target, char *why, size_t len);

#endif
