/*
 * One run's result: what is measured at the end of the run, written as DIR/result.json
 * (schema documented in docs/results.md) and printed as a short summary.
 *
 * Measurements are taken with run_result__snapshot() at the end of the measured duration;
 * run_result__finish() adds what happens after (the policy's exit record once its loader has
 * unloaded it, the kernel log). The file is written atomically: a temporary file in the same
 * directory, fsync'ed, then renamed over result.json, so a reader never sees half a result.
 */
#ifndef HARNESS_RUN_RESULT_H
#define HARNESS_RUN_RESULT_H

#include <stdint.h>
#include <stdio.h>

#include "harness/results/verdict.h"
#include "sim/core/sim.h"
#include "sim/scx/scx.h"
#include "workloads/builtin.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"

#define RESULT_SCHEMA "scxlab.result/1"

/* The kernel's scx_event_stats counters result.json reports (sched_ext.events), in order. */
#define RUN_SCX_EVENTS(X)                          \
	X(SCX_EV_SELECT_CPU_FALLBACK)              \
	X(SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE)       \
	X(SCX_EV_DISPATCH_KEEP_LAST)               \
	X(SCX_EV_ENQ_SKIP_EXITING)                 \
	X(SCX_EV_ENQ_SKIP_MIGRATION_DISABLED)      \
	X(SCX_EV_REFILL_SLICE_DFL)                 \
	X(SCX_EV_BYPASS_DURATION)                  \
	X(SCX_EV_BYPASS_DISPATCH)                  \
	X(SCX_EV_BYPASS_ACTIVATE)

struct sim_policy;

struct run_task_row {
	int pid;
	char comm[16];
	int group;
	char cls[8]; /* class at the end: "fair" or "ext" */
	struct sim_task_stats st;
};

/* A policy's counter map (ARRAY or PERCPU_ARRAY of u64), per-CPU values summed. */
struct run_map_stat {
	char name[64];
	uint32_t nr;
	uint64_t *vals;
};

/* A stress-ng stressor's line of its YAML metrics (real-kernel runs). */
struct run_stressor_row {
	char stressor[32];
	int instances;
	uint64_t bogo_ops;
	double wall_s, usr_sys_s, rate_real, rate_usr_sys;
};

/* What only a real-kernel run has (target host or vm). */
struct run_real {
	uint64_t elapsed_ns;       /* stress-ng's start to its end */
	int workload_status;       /* stress-ng's exit status, -1 if killed */
	bool workload_timed_out;
	uint64_t switch_in_ext;    /* workload tasks switched in by the ext class */
	uint64_t switch_in_other;  /* ... by any other class */
	uint64_t rows_dropped;     /* exited tasks the probes had no room for */
	uint64_t exit_seen_ns;     /* when the policy was seen leaving, 0 if it stayed */
	uint64_t attach_call_ns;   /* the attach call's duration: the kernel's enable transition */
	int tasks_at_attach;       /* the kernel's tasks at the attach (0: no attach, -1: unknown) */
	char kernel_release[128];
	char accel[8];             /* vm: kvm or tcg */
};

/*
 * How a policy's run ended, for fault checks (docs/faults.md): whether it was ejected during
 * the measured run, when and why (the first exit, before any restart), how long from the
 * injected fault to the ejection, how long the tasks that were waiting to run at the ejection
 * still waited (recovery: until the last of them ran, on the fair class or under a restarted
 * policy), and how many tasks never ran again (lost).
 */
struct run_fault {
	bool known;                 /* a policy ran: the object is written */
	char injected_by[48];       /* "policy" (its fault knobs), "inject:KIND" or "" */
	uint64_t injected_at_ns;    /* run-relative, 0 if unknown */
	bool ejected;
	struct scx_exit_record exit; /* the first exit */
	uint64_t ejected_at_ns;     /* run-relative time of the exit request (or when it was seen) */
	uint64_t time_to_ejection_ns;
	uint64_t recovery_ns;       /* ejection -> the first run of the last task that was waiting then */
	int tasks_at_ejection;      /* workload tasks alive at the ejection that had been in ext */
	int tasks_waiting_at_ejection; /* of those, runnable but not running at the ejection */
	int tasks_lost;
	char lost_reason[160];      /* "" when none was lost */
};

struct run_info {
	/* inputs (set by the caller) */
	const char *target;
	const char *policy_path;
	struct sim_policy *policy;
	const char *topology_spec;
	const struct sim_topology *topo;
	const struct builtin_workload *workload;
	const struct job *job;             /* a stress-ng job instead of the built-in workload */
	const struct job_window *job_windows;
	const char *const *knobs;
	int nr_knobs;
	uint64_t attach_at_ns;     /* --attach-at: when the policy was attached (0: at the start) */
	const char *version;
	const char *calibration;           /* --calibration file, NULL: the built-in costs */
	const char *daemon;                /* --daemon source, NULL: none */
	uint64_t daemon_period_ns, daemon_ticks;
	bool daemon_cpu_known;             /* its CPU time: measured (real) or charged (--daemon-cpu) */
	uint64_t daemon_cpu_ns, daemon_late_max_ns, daemon_late_mean_ns;

	/* measurements (snapshot) */
	uint64_t seed;
	uint64_t duration_ns;
	uint64_t sim_time_ns;
	uint64_t events;
	struct sim_costs costs;
	uint32_t kernel_api; /* the emulated kernel API version (KERNEL_VERSION code) */
	struct hist wakeup, preempt, run_delay;
	uint64_t nr_switches, nr_migrations, nr_wakeups;
	uint64_t busy_ns;
	int nr_tasks, nr_exited;
	struct run_task_row *tasks;
	uint64_t *cpu_busy;
	uint64_t *cpu_dsp_placed; /* tasks placed by each CPU's ops.dispatch */
	int nr_cpus;
	char policy_name[128];
	char policy_hash[17];
	struct scx_counters counters;
	struct scx_event_stats events_scx;
	bool has_scx;
	int nr_restarts;        /* reloads after exits asking for a restart */
	struct run_map_stat *maps;
	int nr_maps;
	bool enabled_at_end;

	/* real-kernel runs: stress-ng's own figures and the run's facts (NULL on the simulator) */
	const struct run_stressor_row *stressor_rows;
	int nr_stressor_rows;
	const struct run_real *real;

	struct run_fault fault;
	struct run_verdict verdict;        /* judged by the caller before writing */
	const struct run_expect *expect;   /* --expect-exit, NULL: none */

	/* after unload (finish) */
	struct scx_exit_record exit;
	char *klog;
};

int run_result__snapshot(struct run_info *info, struct sim *sim);
void run_result__finish(struct run_info *info, struct sim *sim);
/* Write DIR/result.json atomically (creating DIR). */
int run_result__write(const struct run_info *info, const char *dir, char *err, size_t errlen);
void run_result__print_summary(const struct run_info *info, FILE *f);
void run_result__free(struct run_info *info);
/* FNV-1a 64 of a file as 16 hex digits ("" if unreadable): which exact source a result came from. */
void run_result__hash_file(const char *path, char out[17]);

#endif
