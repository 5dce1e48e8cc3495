/*
 * A comparison's numbers: each finished run's metrics read back from its result.json, grouped
 * by (target, policy, job) with the median and spread over repetitions, written as
 * summary.json (schema `scxlab.compare/1`, docs/results.md) and summary.csv, printed as a
 * table, and read back by `scxlab check`.
 */
#ifndef HARNESS_COMPARE_SUMMARY_H
#define HARNESS_COMPARE_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#define SUMMARY_MAX_METRICS 48
#define SUMMARY_MAX_VALUES 64
#define SUMMARY_MAX_INPUTS 10

/* One metric of one group: the values of its runs, and their median / min / max. */
struct metric {
	char name[64];          /* "wakeup_p99_ns", "ops_per_s.cpu", ... */
	double values[SUMMARY_MAX_VALUES];
	short run[SUMMARY_MAX_VALUES];  /* which of the group's runs (0-based, in run order) each value is from */
	int n;
	double median, min, max;
};

struct group {
	char target[72], policy[64], job[64]; /* target: sim, host, vm, vm@KERNEL */
	int runs;
	int failed;             /* runs that did not finish (no result) */
	int policy_failed;      /* finished runs whose verdict is "failed" (the policy failed) */
	char failure[320];      /* the first failure's text, "" if none */
	char kernel[64];        /* real targets: the kernel release that ran */
	char accel[8];          /* vm: "kvm" or "tcg" (emulated) */
	/* what the runs were made from (docs/results.md): `check` refuses to compare unlike inputs */
	struct { char name[16]; char value[160]; } inputs[SUMMARY_MAX_INPUTS];
	int nr_inputs;
	struct metric metrics[SUMMARY_MAX_METRICS];
	int nr_metrics;
};

struct summary {
	struct group *groups;
	int nr_groups, cap;
	char skipped[4][320];   /* "TARGET: why" for each target asked for that could not run */
	int nr_skipped;
};

/* Add the metrics of the run whose result.json is @path to its group. 0, or -1 if unreadable. */
int summary__add_run(struct summary *s, const char *target, const char *policy, const char *job,
		     const char *path);
void summary__note_failed(struct summary *s, const char *target, const char *policy, const char *job);
/* A run that could not produce a result because the policy failed (crash, load failure): @why. */
void summary__note_policy_failed(struct summary *s, const char *target, const char *policy, const char *job,
				 const char *why);
/* Groups with a failed policy, and runs that did not finish, over the whole summary. */
int summary__policy_failures(const struct summary *s);
int summary__run_failures(const struct summary *s);
/* The value of input @name of @g, NULL if not recorded. */
const char *group__input(const struct group *g, const char *name);
/* "tcg" when the group's real target ran emulated (its figures describe the emulator too). */
bool group__emulated(const struct group *g);
/* Medians and spreads. */
void summary__finish(struct summary *s);
struct group *summary__find(struct summary *s, const char *target, const char *policy, const char *job);
const struct metric *group__metric(const struct group *g, const char *name);
/* One more value of metric @name for @g's last added run (a caller's own metrics). */
void group__add_value(struct group *g, const char *name, double v);
/* Atomic writes of DIR/summary.json, DIR/summary.csv and DIR/runs.csv (summary_csv.h). 0, or -1
 * with the file that could not be written, and why, in @err (the files written before it stay). */
int summary__write(const struct summary *s, const char *dir, char *err, size_t errlen);
/* Only the JSON, to @path (atomically). 0, or -1 with the reason in @err. */
int summary__write_json(const struct summary *s, const char *path, char *err, size_t errlen);
/* Read a summary.json written by summary__write (or a single result.json, as one run). */
int summary__load(struct summary *s, const char *path, char *err, size_t errlen);
void summary__free(struct summary *s);
/* JSON string contents to @f: quotes, backslashes and control characters escaped. */
void summary__json_text(FILE *f, const char *text);

/* Lower is better for this metric (latencies), higher is better (throughput), or neither. */
enum metric_sense { SENSE_LOWER_BETTER, SENSE_HIGHER_BETTER, SENSE_NEUTRAL };
enum metric_sense metric__sense(const char *name);

#endif
