/*
 * The simulated machine: CPUs, tasks and the run as a whole.
 *
 * `struct sim` is one run. It owns the event loop, the topology, every CPU's runqueues and
 * every task. The two scheduling classes (sim/fair, sim/scx) plug in through sim/core/class.h.
 * The public entry points a harness uses are at the bottom: create a run, add tasks, attach a
 * policy, run for a duration, read the results.
 *
 * Single-threaded and deterministic: the same inputs and seed give the same event order.
 */
#ifndef SIM_CORE_SIM_H
#define SIM_CORE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/shim/vmlinux.h"
#include "sim/engine/event.h"
#include "sim/engine/rng.h"
#include "sim/topo/topology.h"
#include "sim/core/behaviour.h"
#include "sim/core/chan.h"
#include "sim/core/cgroup.h"
#include "sim/core/class.h"
#include "sim/core/fair_types.h"
#include "sim/core/scx_types.h"
#include "sim/metrics/hist.h"

#define SIM_HZ 250
#define SIM_TICK_NS (1000000000ULL / SIM_HZ)

/* What a context switch costs when the calibration says 0, so that simulated time moves. */
#define SIM_MIN_SWITCH_NS 100

/* Costs of the target machine (calibrated per target; defaults are documented in docs/). */
struct sim_costs {
	uint64_t ctx_switch_ns;    /* CPU time lost switching to another task (sched_delay_ns included;
				      0 is taken as SIM_MIN_SWITCH_NS) */
	uint64_t sched_delay_ns;   /* of which spent in schedule() before the next task is switched in:
				    * a woken or preempting task waits that long (charged to the CPU's
				    * previous task: it is still current; the rest to the next task) */
	uint64_t wakeup_ipi_ns;    /* delay before a remote CPU reacts to a wakeup or kick */
	uint64_t idle_exit_ns;     /* extra delay when the target CPU was idle */
	uint64_t wakeup_send_ns;   /* CPU time a waker spends waking a task onto another CPU, beyond
				    * a wakeup onto its own (the remote enqueue and the IPI it sends) */
	uint64_t wake_tail_ns;     /* of an IPC op's own cost, the part after its wakeup: the rest of
				    * the waker's system call, its return and the next call's entry
				    * before it blocks (a task it woke on its CPU waits it); 0: none */
	uint64_t migrate_core_ns;  /* extra work after moving to another core in the same LLC */
	uint64_t migrate_llc_ns;   /* ... to another LLC in the same node */
	uint64_t migrate_node_ns;  /* ... to another node */
	uint32_t smt_speed_pct;    /* speed of a thread while its SMT sibling is busy, % */
	uint64_t timer_slack_ns;   /* added to every timed sleep */
	uint64_t scx_disable_ns;   /* delay from an scx exit request to the disable work running */
	uint64_t scx_enable_task_ns; /* the enable transition's time per task it walks (the attach
				      * call's time over the target's tasks), 0: an instant enable */
	uint64_t scx_enable_tasks; /* the target's own tasks at attach (kernel threads, daemons),
				    * walked besides the run's tasks that exist then */
	uint64_t jitter_pct;       /* spread of every piece of work: a seeded factor with mean 1 and
				    * this standard deviation in % (uniform), 0: none */
	uint64_t noise_hz;         /* interruptions (interrupts, VM exits, a descheduled vCPU) a second
				    * of each CPU's time, 0: none (sim/core/noise.c) */
	uint64_t noise_min_ns;     /* their lengths: the measured minimum, median, 90th and 99th */
	uint64_t noise_p50_ns;     /* percentiles and maximum (a 0 takes the point below) */
	uint64_t noise_p90_ns;
	uint64_t noise_p99_ns;
	uint64_t noise_max_ns;
	uint64_t host_threads;     /* the CPUs share this many host threads (an emulated guest whose
				    * vCPUs one QEMU thread runs in turn: 1); with more CPUs busy, each
				    * runs at host_threads / busy of its speed. 0: every CPU is real */
};

enum sim_task_state {
	SIM_TASK_NEW,      /* not started yet */
	SIM_TASK_RUNNABLE, /* queued, waiting for a CPU */
	SIM_TASK_RUNNING,  /* current on a CPU */
	SIM_TASK_BLOCKED,  /* sleeping or waiting on a channel */
	SIM_TASK_DEAD,
};

/* Per-task measurements (see docs/results.md for the definitions). */
struct sim_task_stats {
	uint64_t cpu_ns;            /* time on CPU */
	uint64_t work_done_ns;      /* work completed (capacity- and SMT-scaled) */
	uint64_t run_delay_ns;      /* total time runnable but not running */
	uint64_t wakeup_wait_max;
	uint64_t nr_wakeups;
	uint64_t nr_preempt_waits;
	uint64_t nr_switches;       /* times switched in */
	uint64_t nr_vol_switches;   /* left the CPU by blocking */
	uint64_t nr_invol_switches; /* left the CPU while runnable */
	uint64_t nr_migrations;
	uint64_t ops;               /* bogo-ops counted by the behaviour */
	uint64_t fair_ns;           /* time on CPU while in the fair class */
	uint64_t ext_ns;            /* time on CPU while in the ext class */
	uint64_t resumed_ns;        /* first switch-in after the first policy exit (0: none) */
	uint64_t resumed_wait_ns;   /* since when it had been waiting at that switch-in (0: it was not) */
	uint64_t exit_ns;           /* when it exited (0: alive) */
};

struct sim_task {
	struct task_struct ts; /* what policies see: must stay first */

	struct sim *sim;
	int id;
	enum sim_task_state state;
	const struct sim_class *cls;
	int cpu;                     /* CPU the task is on (queued or running), as task_cpu() */
	int last_ran_cpu;            /* -1 before first run */
	int nice;
	int group;                   /* workload group id (stressor), -1 for none */
	uint64_t start_at;

	/* behaviour */
	const struct sim_behaviour_ops *beh;
	void *beh_state;
	struct sim_action act;       /* current action */
	bool act_valid;
	bool block_pending;          /* act blocks after the task has spent sched_delay_ns entering schedule() */
	uint64_t block_started_at;   /* when that began (a sleep's timer counts from there) */
	uint64_t work_left;          /* ns of work left in the current RUN action */
	uint64_t overhead_left;      /* switch/migration cost to burn before work */
	bool stopper_ipi_paid;       /* its stopper's IPI to an idle new CPU is in stopper_left */
	uint64_t stopper_left;       /* kernel work on its CPU before it blocks, charged to no task
				      * (the stopper moving it: sim_sched__update_curr) */
	struct sim_event timer;      /* sleep / start timer */
	struct sim_chan *waiting_on;
	struct sim_task *wait_next;  /* channel wait-queue link */

	/* latency bookkeeping */
	uint64_t runnable_since;
	bool runnable_is_wakeup;
	bool in_wait;                /* runnable_since is valid */
	bool was_ext;                /* has been in the ext class */
	bool unmeasured;             /* not the workload (a simulated daemon): kept out of the
	                                run's latency histograms and switch/wakeup/migration totals */

	struct fair_entity fair;
	struct scx_task scx;
	struct sim_task_stats stats;
	struct cpumask allowed;      /* storage for ts.cpus_ptr */
	char comm_buf[TASK_COMM_LEN];
};

static inline struct sim_task *sim_task__from_ts(const struct task_struct *ts)
{
	return (struct sim_task *)ts;
}

struct sim_cpu {
	int id;
	struct sim *sim;
	bool online;
	struct sim_task *curr;        /* NULL when idle */
	uint64_t seg_start;           /* start of the current accounting segment */
	uint32_t speed;               /* current progress rate, 1024 = full */
	bool need_resched;
	struct sim_event resched_ev;  /* a pending schedule() on this CPU */
	struct sim_event tick_ev;
	struct sim_event done_ev;     /* curr's RUN action completes */
	bool tick_running;

	struct fair_rq fair;
	struct scx_rq scx;

	/* utilization as the kernel's PELT sees it, roughly: busy fraction, 32 ms half-life */
	double util;
	uint64_t util_at;             /* when util was last brought up to date */

	/* measurements */
	uint64_t busy_ns;
	uint64_t idle_since;
	uint64_t nr_switches;
	uint64_t prepaid_switch_ns;   /* of the next switch-in's cost, what the task that blocked at */
	uint64_t prepaid_at;          /* prepaid_at already spent before blocking (a wait's ns) */
	uint64_t instant_at;          /* the instant of the last action steps, and how many there */
	uint32_t instant_steps;       /* were (see stuck_in_one_instant in exec.c) */

	/* machine noise (sim/core/noise.c): the next interruption, when the last one ends */
	struct sim_event noise_ev;
	struct sim_rng noise_rng;     /* this CPU's own stream: no other draw shifts it */
	uint64_t noise_until;
	uint64_t noise_ns;            /* time interrupted, and how many times (measurements) */
	uint64_t nr_noise;
};

#define SIM_OP_BUDGET_DFL_NS 1000000000ULL /* 1 s of host CPU time per callback */

struct sim_config {
	uint64_t seed;
	uint64_t duration_ns;
	struct sim_costs costs;
	bool quiet;
	/* How long the machine has been up when the run starts: the kernel clocks BPF code reads
	 * (bpf_ktime_get_ns, scx_bpf_now) count from boot, never from the start of the run. */
	uint64_t uptime_ns;
	/* The kernel whose API BPF code sees (KERNEL_VERSION code): 7.2.13 by default, or 6.12.117
	 * (bpf_ksym_exists, CO-RE enum checks, LINUX_KERNEL_VERSION). */
	uint32_t kernel_version;
	/* Host CPU time one policy callback may take before the policy is ended with an error
	 * exit (sim/scx/op_fault.c); 0: no limit. Decides only whether a run is ended. */
	uint64_t op_budget_ns;
};

struct scx_sched; /* the loaded policy state, sim/scx */

struct sim {
	struct sim_config cfg;
	struct sim_loop loop;
	struct sim_topology topo;
	struct sim_cpu *cpus;
	int nr_cpus;

	struct sim_task **tasks;
	int nr_tasks, cap_tasks;
	struct sim_cgroup **cgroups;  /* creation order: a parent before its children */
	int nr_cgroups;
	int nr_live;                  /* tasks not dead */
	pid_t next_pid;
	/* the kernel's first two tasks, never run here: swapper (pid 0, its own parent) and init
	 * (pid 1), the parent of every workload task that no simulated task spawned, as the
	 * kernel reparents orphans to init: p->real_parent is never NULL */
	struct sim_task *swapper, *init;
	/* the policy new tasks start with (0: SCHED_NORMAL): what the loader that spawns them set
	 * (stress-ng --sched ext), or a forking parent's */
	int spawn_policy;

	bool in_irq;                  /* waking a task from a timer interrupt (no waker task) */
	bool in_user;                 /* accounting at a user-space op boundary: no kernel event */
	const struct sim_class *fair_class;
	const struct sim_class *ext_class;
	struct scx_sched *scx;        /* NULL when no policy is attached */

	struct sim_rng rng_workload;
	struct sim_rng rng_policy;
	struct sim_rng rng_jitter;    /* machine.jitter_pct draws */

	/* run-wide measurements */
	struct hist wakeup_lat;   /* waits that began with a wakeup */
	struct hist preempt_lat;  /* waits that began with a preemption */
	struct hist run_delay;    /* every wait, whatever began it */
	uint64_t nr_migrations;
	uint64_t nr_switches;
	uint64_t nr_wakeups;
	uint64_t nr_resched_ipis; /* reschedule requests that had to interrupt another CPU */
	uint64_t first_exit_ns;   /* when a policy first asked to exit or was ejected (0: never) */

	/* CPUs with no current task (cpus[i].curr NULL), kept by the scheduler core: idle
	 * searches walk these bits instead of testing every CPU */
	struct cpumask curr_none;
	int nr_busy_cpus;              /* CPUs with a current task (machine.host_threads) */

	/* the CPU whose code is executing (a policy callback, a kfunc), -1 outside */
	int current_cpu;
	/* Called when a CPU enters (idle=true) or leaves idle (built-in idle tracking). */
	void (*idle_hook)(struct sim *sim, int cpu, bool idle);
	/* Hook called for every context switch (tracing); may be NULL. */
	void (*on_switch)(struct sim *sim, int cpu, struct sim_task *prev, struct sim_task *next);
	/* Observers for traces: a DSQ's depth changed (cpu: its CPU for local DSQs, else -1); a
	 * CPU was kicked. NULL when nobody listens. */
	void (*on_dsq_depth)(struct sim *sim, uint64_t dsq_id, int cpu, uint32_t depth);
	void (*on_kick)(struct sim *sim, int from_cpu, int cpu, uint64_t flags);
	void *on_switch_ctx;
	/* Kernel log lines ("sched_ext: ..."), like dmesg: see sim__klog(). */
	char *klog;
	size_t klog_len, klog_cap;
	/* Fatal simulator errors (not policy errors) end the run with this message. */
	char fatal[512];
};

/* ---- lifecycle ---- */
void sim_config__defaults(struct sim_config *cfg);
struct sim *sim__new(const struct sim_config *cfg, const struct sim_topology *topo);
void sim__free(struct sim *sim);

/* Add a task that starts at @start_at running @ops (state owned by the sim after this). */
struct sim_task *sim__add_task(struct sim *sim, const char *comm, int nice,
			       const struct sim_behaviour_ops *ops, void *state, uint64_t start_at);
/* @t is not the workload (e.g. a simulated daemon): not measured, and the run does not wait
 * for it to exit. */
void sim__task_set_unmeasured(struct sim *sim, struct sim_task *t);
/* Run until @until (absolute ns) or until every task has exited. Returns 0 or -1 (sim->fatal). */
int sim__run_until(struct sim *sim, uint64_t until);
/* Run until @until even with no task alive yet (a loader waiting in its attach call). */
int sim__advance(struct sim *sim, uint64_t until);
static inline uint64_t sim__now(const struct sim *sim) { return sim->loop.now; }
/* The kernel's monotonic clock as BPF code sees it: time since boot. */
static inline uint64_t sim__ktime(const struct sim *sim) { return sim->cfg.uptime_ns + sim->loop.now; }

/*
 * The simulation whose code is executing on this thread (policies call kfuncs through it).
 * Read inline from an initial-exec thread-local: kfuncs look it up on every call, and the
 * general-dynamic model's __tls_get_addr call was a fifth of a large run's time.
 */
extern _Thread_local struct sim *sim__running __attribute__((tls_model("initial-exec")));
static inline struct sim *sim__current(void)
{
	return sim__running;
}
void sim__set_current(struct sim *sim);

/* ---- scheduler core, used by the classes and by channels ---- */
void sim_sched__wake(struct sim *sim, struct sim_task *p, uint64_t wake_flags, int waker_cpu);
void sim_sched__resched(struct sim *sim, int cpu);        /* schedule() soon on @cpu */
void sim_sched__resched_remote(struct sim *sim, int cpu, int from_cpu);
void sim_sched__update_curr(struct sim *sim, struct sim_cpu *rq);
/* Move a runnable (not running) task to @cpu: class dequeue on old, set cpu, enqueue on new. */
void sim_sched__set_task_cpu(struct sim *sim, struct sim_task *p, int cpu);
/* Change a task's class (policy attach, ejection): handles queued/running tasks. */
void sim_sched__switch_class(struct sim *sim, struct sim_task *p, const struct sim_class *cls);
bool sim_sched__cpu_idle(const struct sim *sim, int cpu);
/* Weight of a nice level (the kernel's table; 1024 at nice 0). */
uint32_t sim_sched__nice_to_weight(int nice);

void sim__fatal(struct sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a kernel log line, prefixed with the simulated time like dmesg. */
void sim__klog(struct sim *sim, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline const char *sim__klog_text(const struct sim *sim) { return sim->klog ? sim->klog : ""; }

#endif
