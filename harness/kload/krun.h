/*
 * `scxlab-kload run`: one measured run on this machine's kernel. The latency probes are
 * attached, then the policy (none: the default scheduler, the baseline); the workload command
 * (stress-ng) runs in a process group of its own without CAP_SYS_NICE, so none of its tasks can
 * leave sched_ext for an RT class; then everything is detached and a report is written.
 *
 * --attach-after S: the workload starts on the fair class and the policy is attached S seconds
 * later (the tasks that exist then go through the kernel's enable transition), as a runner
 * that forks its children before bpf_map__attach_struct_ops() does. A second command (after
 * the first one's `--after-attach`) is started once the policy is attached, in the workload's
 * process group; the run ends when both have ended.
 *
 * --ext-stressors NAMES: the workload's processes of those stressors are moved to SCHED_EXT as
 * the loader sees them (kext.h), for a stress-ng without `--sched ext`.
 *
 * Report (text, one record per line, written atomically; `scxlab run --target host|vm` turns it
 * into result.json):
 *
 *   scxlab-kreport 1
 *   policy NAME|-              ops name of the policy, - for the baseline
 *   elapsed_ns N               workload start to its end
 *   workload_status N          exit status of the command (-1: killed by a signal)
 *   workload_timed_out 0|1     killed at the --timeout deadline
 *   interrupted 0|1            SIGINT/SIGTERM ended the run early
 *   state_at_end TEXT          /sys/kernel/sched_ext/state when the workload ended
 *   exit_seen_ns N             when the policy was first seen leaving (0: it did not)
 *   t0_ktime N                 CLOCK_MONOTONIC (= bpf_ktime_get_ns) at the workload's start
 *   attached_ns N              when the policy was attached (ns after the start; 0: before it)
 *   ext_switched N             processes --ext-stressors moved to SCHED_EXT
 *   attach_call_ns N           how long the attach call took (the kernel's enable transition)
 *   tasks_at_attach N          the kernel's tasks (threads) at the attach (0: no attach, -1: unknown)
 *   inject KIND N              the --inject fault and when it was done (ns after the start)
 *   restarts N                 reloads after exits asking for a restart (SCX_ECODE_ACT_RESTART)
 *   policy_fault_injected_at N the policy's `fault_injected_at` global (ktime), if it has one
 *   hist NAME COUNT SUM MIN MAX         (wakeup, preempt, run_delay)
 *   bucket NAME INDEX COUNT             non-empty buckets (sim/metrics/hist.h geometry)
 *   counter NAME N                      switch_in_ext, switch_in_other, rows_dropped
 *   task PID ON_EXT CPU EXT OTHER RUN_DELAY NVCSW NIVCSW MIGRATIONS WAKEUPS WAKEUP_MAX
 *        BACK_ON_OTHER_KTIME BACK_WAIT_SINCE_KTIME EXIT_KTIME COMM
 *   cpu INDEX BUSY_NS                   from /proc/stat over the run
 *   event NAME VALUE                    the scheduler's SCX_EV_* counters (sysfs)
 *   map NAME V0 V1 ...                  the policy's counter maps (u64 ARRAY / PERCPU_ARRAY,
 *                                       at most 4096 entries, per-CPU values summed)
 *   daemon_period_ns N / daemon_ticks N with --daemon
 *   global NAME VALUE                   the policy's integer .bss/.data globals after the
 *                                       detach (kglobals.h), as a selftest runner reads them
 *   exit_kind N / exit_code N / exit_cpu N / exit_reason TEXT / exit_msg TEXT
 *                                       the first exit (before any restart)
 *   klog TEXT                           kernel messages about sched_ext during the run
 *   end
 */
#ifndef HARNESS_KLOAD_KRUN_H
#define HARNESS_KLOAD_KRUN_H

struct krun_opts {
	const char *policy;        /* .bpf.o, NULL: the default scheduler */
	const char *const *knobs;
	int nr_knobs;
	const char *const *map_sizes;
	int nr_map_sizes;
	const char *probes;        /* the probes' .bpf.o */
	const char *comm_prefix;   /* the workload's tasks (default "stress-ng") */
	const char *report;        /* where the report goes */
	double timeout_s;          /* kill the workload after this (0: no limit) */
	const char *inject;        /* "detach@S", "sysrq@S" or "offline:CPU@S" (NULL: none) */
	const char *daemon;        /* a user-space daemon's shared object (kdaemon.h), NULL: none */
	const char *daemon_log;    /* where its log goes */
	double attach_after_s;     /* attach the policy this long after the workload starts (0: before) */
	char *const *argv;         /* the workload command */
	char *const *late_argv;    /* started once the policy is attached (NULL: none) */
	const char *ext_stressors; /* stressors moved to SCHED_EXT, "cpu,fork" (NULL: none; kext.h) */
};

/* 0 when the run happened (the workload's own status is in the report); 1 if the probes or
 * the policy could not be loaded or the report not written; 2 for bad options. */
int krun__run(const struct krun_opts *o);

#endif
