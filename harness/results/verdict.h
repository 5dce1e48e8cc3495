/*
 * A run's verdict: did the policy fail? One scheme for every command (docs/results.md,
 * "Verdicts and exit status"):
 *
 *   0  ok                      1  a check or regression failed
 *   2  bad usage or input      3  the policy failed
 *
 * A policy fails when, during the measured run, it exits with an error (scx_bpf_error, a
 * runtime error the kernel finds, the watchdog's stall), exits on its own and leaves the rest
 * of the run to the fair class, crashes, or when a task was lost at its ejection or starved
 * (runnable and not run for longer than the starvation threshold at the end of the run).
 * An ejection caused by --inject is not the policy's failure; lost or starved tasks still are.
 * `--expect-exit KIND[:TEXT]` makes that exit the expected outcome: the run passes when the
 * first exit has kind KIND (and TEXT in its reason or message), and fails otherwise.
 */
#ifndef HARNESS_VERDICT_H
#define HARNESS_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum scxlab_exit_status {
	SCXLAB_EXIT_OK = 0,
	SCXLAB_EXIT_CHECK_FAILED = 1,
	SCXLAB_EXIT_USAGE = 2,
	SCXLAB_EXIT_POLICY_FAILED = 3,
};

/* --expect-exit KIND[:TEXT] */
struct run_expect {
	bool set;
	int kind;              /* enum scx_exit_kind, or -1 for "none": no exit expected */
	char text[256];        /* "" or a substring of the exit's reason or message */
	char spec[300];        /* as given, for messages and result.json */
};

/* Parse @spec ("SCX_EXIT_ERROR_BPF", "error_bpf", "stall:failed to run", "none"). */
int run_expect__parse(struct run_expect *e, const char *spec, char *err, size_t errlen);
/* The kind's name ("SCX_EXIT_ERROR_BPF"), or "SCX_EXIT_OTHER". */
const char *scx_exit_kind__name(int kind);

/* A task runnable and not run for longer than the threshold when the run ended. */
struct run_starved {
	int pid;
	char comm[16];
	uint64_t waited_ns;
};

#define VERDICT_MAX_FAILURES 8
#define VERDICT_MAX_STARVED_LISTED 64

struct run_verdict {
	bool judged;
	bool failed;              /* exit status 3 */
	bool expected_met;        /* --expect-exit given and met */
	int nr_failures;
	char failures[VERDICT_MAX_FAILURES][320];
	uint64_t starve_threshold_ns;
	int nr_starved;           /* all of them; the list keeps the longest waits first */
	struct run_starved *starved;
	int nr_starved_listed;
};

struct run_info;
struct sim;

/*
 * Tasks of @sim runnable and not run for more than @threshold_ns now, longest wait first,
 * counting waits from @from_ns at the earliest (after an ejection: from when the fair class
 * took over, since waits before it are the exit's own story).
 */
int run_verdict__collect_starved(struct run_verdict *v, const struct sim *sim, uint64_t threshold_ns,
				 uint64_t from_ns);

/* Judge @info (its fault record, exits and starved tasks) against @expect (may be NULL). */
void run_verdict__judge(struct run_verdict *v, const struct run_info *info, const struct run_expect *expect);
/* "ok", "failed" or "expected". */
const char *run_verdict__status(const struct run_verdict *v);
int run_verdict__exit_status(const struct run_verdict *v);
/* One line a failure, to @f, behind "verdict". */
void run_verdict__print(const struct run_verdict *v, FILE *f);
void run_verdict__free(struct run_verdict *v);

#endif
