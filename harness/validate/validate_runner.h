/*
 * The runs `scxlab validate` makes: for each job, policy and repetition the simulator's run
 * (seed = repetition, the target's calibration and CPU count) and the real target's run, or
 * the real run kept in --real-from DIR after checking it was made from the same inputs.
 * Runs already finished in the output folder under the same inputs are kept (a rerun
 * resumes). Progress goes to a terminal.
 */
#ifndef HARNESS_VALIDATE_RUNNER_H
#define HARNESS_VALIDATE_RUNNER_H

#include <stdbool.h>

#include "harness/results/compare_summary.h"

struct validate_plan {
	const char *target;        /* "host", "vm", "vm@7.3" */
	const char *jobs[32];      /* job files */
	char job_names[32][64];
	int nr_jobs;
	const char *policies[16];  /* "default" (the baseline) or a policy source */
	char policy_names[16][64];
	int nr_policies;
	int reps;
	const char *calibration;   /* for the simulator's runs */
	const char *topology;      /* both worlds' CPUs (vm: the guest's) */
	const char *real_from;     /* NULL: run the real side */
	const char *out;
	bool quiet;
	/* filled by validate_runner__run */
	double loads[512];         /* the load average before each real run made or reused (if recorded) */
	int nr_loads;
	int failed;                /* runs that did not finish (a failed policy's are finished) */
};

/* Make or reuse every run into @s (validate_runs.h). 0; 2 when a reused real run does not
 * match (said on stderr); 130 when stopped by a signal. */
int validate_runner__run(struct validate_plan *p, struct summary *s);

/* The run directory of (job, policy, rep) in @world "real" or "sim" under @dir. */
void validate_runner__dir(const struct validate_plan *p, const char *dir, int job, int policy, const char *world,
			  int rep, char *out, size_t len);

#endif
