/*
 * The sched_ext core of the simulator: public entry points.
 *
 * A policy's ops table (from a loaded .sim.so, or a C table in tests) is attached to a run
 * with scx_sched__attach(); from then on tasks of the fair policies are scheduled by it
 * through the ext class, with the kernel's semantics (scx-reference.md section 3), until the
 * policy exits or is ejected, after which every task runs on the fair class again.
 */
#ifndef SIM_SCX_SCX_H
#define SIM_SCX_SCX_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"

extern const struct sim_class sim_ext_class;

/* The exit record of a policy, as ops.exit receives it and as results report it. */
#define SCX_EXIT_BT_MAX 32
#define SCX_EXIT_DUMP_MAX 32768 /* the kernel's SCX_EXIT_DUMP_DFL_LEN; a larger exit_dump_len is clamped */
struct scx_exit_record {
	bool exited;
	int kind;              /* enum scx_exit_kind */
	int64_t exit_code;
	int exit_cpu;
	uint64_t at_ns;        /* when the exit was requested */
	uint64_t disabled_ns;  /* when the disable work finished (every task back on fair) */
	char reason[128];
	char msg[1024];
	char op[32];           /* the callback running when the error was raised, if any */

	/* where it broke (error exits): the task the callback was about, the policy's call chain */
	bool deferred;         /* raised applying the verdict of @op after it returned */
	int task_pid;          /* 0: no task */
	char task_comm[16];
	int bt_len;
	const void *bt[SCX_EXIT_BT_MAX]; /* return addresses, innermost first */
	char site[512];        /* "FILE:LINE" of the innermost policy frame (the symbolizer's) */
	char chain[1024];      /* "func (FILE:LINE) <- caller (FILE:LINE) ..." within the policy */
	/* a fault caught in the callback (sim/scx/op_fault.c), else 0 */
	int fault_signal;      /* SIGSEGV, SIGBUS, SIGILL, SIGFPE; SIGXCPU: over the time budget */
	uint64_t fault_addr;   /* the address a crash accessed */
	bool fault_in_policy;  /* the faulting instruction was the policy's (not a kfunc's) */
	char dump[SCX_EXIT_DUMP_MAX]; /* the kernel's debug dump, with ops.dump/dump_cpu/dump_task */
};

/*
 * Turns @r->bt into @r->site and @r->chain while the policy is still loaded: called at the exit
 * request, with an address inside the policy's object (its ops table) to tell its frames apart.
 * The harness installs one (elfutils libdw); without it only raw addresses are kept.
 */
typedef void (*scx_exit_symbolizer_fn)(struct scx_exit_record *r, const void *policy_anchor);
void scx_exit__set_symbolizer(scx_exit_symbolizer_fn fn);

struct scx_attach_opts {
	/* partial switching etc. come from ops->flags; these are simulator-side options */
	bool switch_all_existing; /* move live fair tasks to ext at attach (default true) */
};

/* Attach @ops. Returns 0, or -1 with the kernel's load-time error text in @err. A failure of
 * ops.init() is reported like the kernel does (the policy never runs). */
int scx_sched__attach(struct sim *sim, struct sched_ext_ops *ops, const char *name,
		      char *err, size_t errlen);
/*
 * With costs.scx_enable_task_ns set, the enable transition takes simulated time after ops.init
 * (bypass mode: no ops.select_cpu/enqueue/dispatch; BPF timers fire); scx_sched__attach() then
 * returns with it under way and this is when it ends (0 when none is), which is when the
 * kernel's attach call returns to the loader: run the simulation to it (sim__advance).
 */
uint64_t scx_sched__enabling_until(const struct sim *sim);
/* Request an exit from outside the policy (user space unload, SysRq-S, ...). */
void scx_sched__request_exit(struct sim *sim, int kind, int64_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void scx_sched__free(struct sim *sim);

/* Faults from outside the policy (sim/scx/inject.c). */
enum scx_inject_kind { SCX_INJECT_UNREG, SCX_INJECT_SYSRQ, SCX_INJECT_OFFLINE, SCX_INJECT_ERROR };
/* "unreg", "sysrq", "error" or "offline:CPU". 0, or -1 if unknown. */
int scx_inject__parse_kind(const char *name, enum scx_inject_kind *kind, int *cpu);
/* Apply it now to the loaded policy (nothing if none is enabled). */
void scx_sched__inject(struct sim *sim, enum scx_inject_kind kind, int cpu);
/* Whether a new task @p joins the ext class now (enabled, and @p's policy is eligible). */
bool scx_sched__accepts_task(const struct sim *sim, const struct sim_task *p);
/* ops.init_task for a task that does not join the ext class (SWITCH_PARTIAL and not
 * SCHED_EXT): the kernel initializes every task while a scheduler is loaded. */
void scx_sched__init_other_task(struct sim *sim, struct sim_task *p, bool fork);
/* A task exits: ops.exit_task if it was initialized and is not on the ext class. */
void scx_sched__task_dead(struct sim *sim, struct sim_task *p);
bool scx_sched__enabled(const struct sim *sim);
const struct scx_exit_record *scx_sched__exit_record(const struct sim *sim);
/* The loaded policy's watchdog timeout (ops.timeout_ms, or the kernel's default), 0: none. */
uint64_t scx_sched__watchdog_timeout_ns(const struct sim *sim);
const struct scx_event_stats *scx_sched__events(const struct sim *sim);

/* Counters the results report (beyond the kernel's event counters). */
struct scx_counters {
	uint64_t nr_select_cpu;
	uint64_t nr_enqueue;
	uint64_t nr_dispatch;
	uint64_t nr_direct_dispatch;
	uint64_t nr_kicks;
	uint64_t nr_dsp_loops_exhausted;
};
const struct scx_counters *scx_sched__counters(const struct sim *sim);
/* Tasks placed by @cpu's ops.dispatch (inserted or moved into some DSQ): who decides. */
uint64_t scx_sched__cpu_dispatch_placed(const struct sim *sim, int cpu);

/*
 * Run a BPF timer callback of the policy on @cpu, in the context the kernel runs it (a
 * softirq: no runqueue lock, kfuncs that need one refused). Works with no policy attached.
 */
long scx_sched__run_timer_cb(struct sim *sim, int cpu, long (*cb)(void *, void *, void *),
			     void *map, void *key, void *value);

/* Run a policy's SEC("syscall") program (what a loader does with bpf_prog_test_run), in the
 * context the kernel gives it: unlocked kfuncs such as scx_bpf_create_dsq are allowed. */
int scx_sched__run_syscall(struct sim *sim, int (*prog)(void *ctx), void *ctx);

/* Cgroup events from sim/core/cgroup.c: the sched_ext cgroup callbacks of a loaded policy. */
void scx_sched__cgroup_created(struct sim *sim, struct sim_cgroup *cg);
void scx_sched__cgroup_weight_changed(struct sim *sim, struct sim_cgroup *cg);
int scx_sched__cgroup_prep_move(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
				struct sim_cgroup *to);
void scx_sched__cgroup_moved(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
			     struct sim_cgroup *to);

/* Name of the policy callback executing on this thread ("" if none): for crash reports. */
const char *scx_running_op(void);

/* CPU @cpu's idle task (pid 0, "swapper/N"): what the kernel's rq->curr and `current` are on
 * an idle CPU (kf_misc.c). */
struct task_struct *scx__idle_task(struct sim *sim, int cpu);
/*
 * Whether the kernel would run the policy code executing now with interrupts disabled: the
 * callbacks it calls under a runqueue or pi lock (select_cpu, enqueue, dispatch, tick, ...).
 * Not the sleepable ones (init, exit, init_task, cgroup_*, cpu_online/offline), timer
 * callbacks (softirq) or SEC("syscall") programs. What helpers that refuse to work with
 * interrupts off (bpf_timer_cancel) ask.
 */
bool scx_sched__irqs_disabled(const struct sim *sim);

#endif
