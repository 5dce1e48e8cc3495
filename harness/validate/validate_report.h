/*
 * What `scxlab validate` found: from the summary of its runs (the real target's and the
 * simulator's, grouped by policy and job) one row per job, policy and stressor or metric with
 * both worlds' median and range, the simulator's error and whether issue 16's threshold holds;
 * on a target with several policies, per job and metric the order of the policies in each world
 * and Kendall's tau-b between them. Written by validate_write.c and validate_plot.c.
 */
#ifndef HARNESS_VALIDATE_REPORT_H
#define HARNESS_VALIDATE_REPORT_H

#include <stdbool.h>

#include "harness/results/compare_summary.h"

#define VALIDATE_MAX_POLICIES 16

/* The thresholds (issue 16): medians of throughput within 10 %, wakeup p50 within 25 %, p99
 * within a factor of 2, zero-wait wakeups within 10 points, policy orders identical. */
#define VALIDATE_OPS_WITHIN 0.10
#define VALIDATE_P50_WITHIN 0.25
#define VALIDATE_P99_FACTOR 2.0
#define VALIDATE_ZERO_WAIT_POINTS 10.0

struct validate_row {
	char job[64], policy[64];
	char stressor[48];         /* "" for a metric of the whole job */
	const char *metric;        /* ops_per_s, ops_per_cpu_s, wakeup_p50_ns, wakeup_p99_ns, zero_wait_pct,
				      switches_per_s, migrations_per_s */
	const struct metric *real, *sim;
	double error;              /* (sim - real) / real; zero_wait_pct: sim - real in points; NaN: none */
	const char *threshold;     /* "10 %", "25 %", "2x", "10 points", "-" */
	int holds;                 /* 1, 0, or -1 (no threshold, or no value to judge) */
};

struct validate_ranking {
	char job[64], stressor[48];
	const char *metric;
	char real_order[512], sim_order[512]; /* "scxl_llc > default > ..." best first */
	double tau;                /* Kendall's tau-b, NaN when undefined */
	int holds;                 /* tau = 1 for throughput and p99 (issue 16), else -1 */
};

struct validate_report {
	const struct summary *summary;
	const char *real;          /* the summary's real target: "host", "vm", "vm@7.3" */
	char target_text[512];     /* "host: Linux 6.18.44, 2 CPUs, its default scheduler" */
	char kernel[64];
	int cpus;
	const char *topology;      /* both worlds' (the host's CPU count on the host) */
	bool emulated;             /* a TCG guest */
	char load_text[128];       /* "load average 0.1-0.9 (median 0.3) before the real runs" */
	char calibration[4096];
	int reps;
	bool reused;               /* the real runs came from --real-from */
	const char *policies[VALIDATE_MAX_POLICIES];
	int nr_policies;
	const char *jobs[32];
	int nr_jobs;
	struct validate_row *rows;
	int nr_rows, cap_rows;
	struct validate_ranking *ranks;
	int nr_ranks, cap_ranks;
	int runs_failed;
	int policy_failed;         /* groups with a run whose policy failed (their figures are kept) */
	double median_error_ops, median_error_cpu; /* median |error| over the stressor rows */
	int held, judged;          /* rows and rankings whose threshold holds, of those judged */
};

/* Fill @r's rows and rankings from its summary (finished), policies and jobs. 0 or -1 (memory). */
int validate_report__build(struct validate_report *r);
void validate_report__free(struct validate_report *r);

/* Lower is better for @metric (latencies, zero-wait), else higher. */
bool validate_metric__lower_better(const char *metric);
/* What a row's metric is, for people: "ops/s", "ops/CPU-s", "wakeup p50 us", ...; its scale
 * from the stored unit (ns to us for latencies). */
const char *validate_metric__label(const char *metric);
double validate_metric__scale(const char *metric);

#endif
