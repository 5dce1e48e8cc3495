/*
 * Internal state and helpers of the simulator's sched_ext core, shared by the files of sim/scx.
 *
 * Naming follows the kernel's kernel/sched/ext/ext.c where a function does the same job
 * (do_enqueue_task, dispatch_enqueue, balance_one, ...), so the two can be read side by side.
 */
#ifndef SIM_SCX_SCX_INTERNAL_H
#define SIM_SCX_SCX_INTERNAL_H

#include "sim/scx/scx.h"
#include "sim/core/sched_internal.h"
#include "sim/shim/scxsim/kfuncs.h"
#include "sim/bpf/bpf_runtime.h"


enum scx_state {
	SCX_ST_ENABLING,
	SCX_ST_ENABLED,
	SCX_ST_DISABLING,
	SCX_ST_DISABLED,
};

/* Which callback is running: decides what kfuncs may do (direct dispatch, dispatch buffer). */
enum scx_op {
	SCX_OP_NONE,
	SCX_OP_SELECT_CPU,
	SCX_OP_ENQUEUE,
	SCX_OP_DEQUEUE,
	SCX_OP_DISPATCH,
	SCX_OP_TICK,
	SCX_OP_RUNNABLE,
	SCX_OP_RUNNING,
	SCX_OP_STOPPING,
	SCX_OP_QUIESCENT,
	SCX_OP_YIELD,
	SCX_OP_SET_WEIGHT,
	SCX_OP_SET_CPUMASK,
	SCX_OP_UPDATE_IDLE,
	SCX_OP_CPU_ACQUIRE,
	SCX_OP_CPU_RELEASE,
	SCX_OP_INIT_TASK,
	SCX_OP_EXIT_TASK,
	SCX_OP_ENABLE,
	SCX_OP_DISABLE,
	SCX_OP_CPU_ONLINE,
	SCX_OP_CPU_OFFLINE,
	SCX_OP_INIT,
	SCX_OP_EXIT,
	SCX_OP_CGROUP_INIT,
	SCX_OP_CGROUP_EXIT,
	SCX_OP_CGROUP_PREP_MOVE,
	SCX_OP_CGROUP_MOVE,
	SCX_OP_CGROUP_CANCEL_MOVE,
	SCX_OP_CGROUP_SET_WEIGHT,
	SCX_OP_TIMER,
	SCX_OP_SYSCALL,
	SCX_OP_DUMP,
	SCX_OP_DUMP_CPU,
	SCX_OP_DUMP_TASK,
	SCX_NR_OPS,
};

extern const char *const scx_op_names[SCX_NR_OPS];

#define SCX_USER_DSQ_BUCKETS 256

struct scx_sched {
	struct sim *sim;
	struct sched_ext_ops *ops;
	char name[SCX_OPS_NAME_LEN];
	uint64_t flags;
	uint64_t timeout_ns;
	uint32_t dsp_max_batch;
	enum scx_state state;
	bool bypassing;
	bool builtin_idle;        /* built-in idle masks maintained */
	bool init_done;           /* ops.init() succeeded (SCX_EFLAG_INITIALIZED) */

	/* exit */
	bool exit_claimed;
	struct scx_exit_record exit;
	struct sim_event disable_ev;
	struct sim_event enable_ev;     /* the end of a timed enable transition (costs.scx_enable_*) */
	uint64_t enabling_until;        /* when it ends; 0: the enable is done (or was instant) */
	struct sim_event watchdog_ev;
	uint64_t bypass_start_ns;

	/* DSQs */
	struct scx_dsq *global;   /* one per NUMA node */
	struct scx_dsq *user_dsqs[SCX_USER_DSQ_BUCKETS];

	/* callback context */
	enum scx_op op;
	int op_depth;
	struct sim_task *kf_task;      /* task the current op is about */
	struct sim_task *ddsp_task;    /* task that may be direct-dispatched now */
	int op_cpu;
	/* a verdict being applied after its callback returned: errors are reported against it */
	struct {
		bool active;
		int op;                /* enum scx_op */
		const void *site;
		struct sim_task *task;
	} verdict;

	/* built-in idle tracking */
	struct cpumask idle_mask;
	struct cpumask idle_smt;       /* CPUs whose whole core is idle */
	struct cpumask online_mask;
	struct cpumask possible_mask;
	int pick_cursor;               /* rotating start for "distribute" picks */

	struct scx_event_stats events;
	struct scx_counters counters;
	bool warned_zero_slice;

	/* the debug dump being written (dump.c): scx_bpf_dump() appends while @active */
	struct {
		bool active;
		int cpu;               /* the CPU ops.dump*() runs on */
		const char *prefix;
		bool first;            /* no line from the policy yet in this callback */
		char line[1024];
		size_t cursor;
		char *buf;             /* sch->exit.dump */
		size_t len, used;      /* exit_dump_len (clamped) and what is written */
		bool overflowed;
	} dump;
	bool in_select_dfl;

	/* a fault caught in a callback (op_fault.c): the policy is not called again but for ops.exit */
	bool policy_dead;
	uintptr_t text_lo, text_hi;    /* the policy object's executable code */
};

static inline struct scx_sched *scx_of(const struct sim *sim)
{
	return sim->scx;
}

static inline bool scx_is_ext(const struct sim *sim, const struct sim_task *p)
{
	return p->cls == sim->ext_class;
}

/* ---- calling into the policy ---- */
struct scx_op_ctx {
	enum scx_op op;
	struct sim_task *task;
	struct sim_task *ddsp_task;
	int cpu;
	/* where a fault in the policy's code lands (op_fault.c) */
	struct scx_sched *sch;
	struct scx_op_ctx *outer;      /* the callback this one runs inside, if any */
	volatile unsigned long armed;  /* a serial while the policy's code runs, else 0 */
	void *landing[5];              /* __builtin_setjmp's buffer */
};
/* The innermost callback on this thread's stack (ops_call.c), and the serial of the last call. */
extern _Thread_local struct scx_op_ctx *scx_op_top __attribute__((tls_model("initial-exec")));
extern _Thread_local unsigned long scx_op_serial __attribute__((tls_model("initial-exec")));

/*
 * Entering a callback: save the context kfuncs consult (which op, on which CPU, for which
 * task) in @save, and push @save as the innermost callback (where a fault lands). Inline: a
 * context switch makes five callback calls, and as a call each entry and leave cost ~50
 * instructions (saving and restoring registers around a handful of stores).
 */
static inline void scx_op_enter(struct scx_sched *sch, struct scx_op_ctx *save, enum scx_op op,
				struct sim_task *task, int cpu)
{
	struct sim *sim = sch->sim;

	save->op = sch->op;
	save->task = sch->kf_task;
	save->ddsp_task = sch->ddsp_task;
	save->cpu = sim->current_cpu;
	save->sch = sch;
	save->armed = 0;
	save->outer = scx_op_top;
	scx_op_top = save;
	sch->op = op;
	sch->kf_task = task;
	sch->ddsp_task = NULL;
	sch->op_depth++;
	sim->current_cpu = cpu;
	if (__builtin_expect(sim__current() != sim, 0)) /* it already is during a run */
		sim__set_current(sim);
}

/* Leaving it: restore the outer context; with no policy code left on the stack a grace period ends. */
static inline void scx_op_leave(struct scx_sched *sch, const struct scx_op_ctx *save)
{
	scx_op_top = save->outer;
	sch->op = save->op;
	sch->kf_task = save->task;
	sch->ddsp_task = save->ddsp_task;
	sch->sim->current_cpu = save->cpu;
	if (!--sch->op_depth && __builtin_expect(sim_bpf__rcu_deferred != 0, 0))
		sim_bpf__rcu_quiesce();
}

/* ---- faults in callbacks (op_fault.c) ---- */
/* Whether the policy may still be called for @save's op: after a fault, only ops.exit. */
static inline bool scx_op_may_call(const struct scx_sched *sch, const struct scx_op_ctx *save)
{
	return !sch->policy_dead || save->op == SCX_OP_EXIT;
}
/* Back at the call site after a fault: end the policy with an error exit naming it. */
void scx_op_fault__landed(struct scx_sched *sch);
/* At attach: the handlers, this thread's alternate signal stack and time-budget timer. */
void scx_op_fault__arm(struct scx_sched *sch);
/* At free: stop this thread's time-budget timer. */
void scx_op_fault__disarm(void);

/*
 * Run @call, a call into the policy, between scx_op_enter() and scx_op_leave() so that a crash,
 * a trapping division BPF has no result for, or running past the time budget inside it comes
 * back here instead of killing the process. __builtin_setjmp (a few stores; the compiler
 * reloads what it needs at the landing) rather than sigsetjmp (a libc call per callback): the
 * signal mask is not saved, and op_fault.c unblocks the signals itself. @call's own assignments happen only
 * when it returns, so a variable it sets keeps its earlier value after a fault: give it the
 * value the core should use then.
 */
#define scx_op_call(sch, save, call)                                    \
	do {                                                            \
		if (scx_op_may_call((sch), (save))) {                   \
			if (__builtin_setjmp((save)->landing) == 0) {   \
				(save)->armed = ++scx_op_serial;        \
				call;                                   \
				(save)->armed = 0;                      \
			} else {                                        \
				scx_op_fault__landed(sch);              \
			}                                               \
		}                                                       \
	} while (0)

/*
 * A function of its own (@name, taking @params, among them `sch`) that calls @call as @op for
 * @task on @cpu: for the hot paths, since the setjmp in scx_op_call() makes the compiler keep
 * every variable of the function holding it in memory (runs were 22% slower with them inline).
 */
#define SCX_OP_CALLER(name, op, params, task, cpu, call)                \
	static __attribute__((noinline)) void name params               \
	{                                                               \
		struct scx_op_ctx save;                                 \
		scx_op_enter(sch, &save, (op), (task), (cpu));          \
		scx_op_call(sch, &save, call);                          \
		scx_op_leave(sch, &save);                               \
	}
#define SCX_HAS_OP(sch, name) ((sch)->ops->name != NULL)

/* Applying @op's verdict for @task (given at @site in the policy) after @op returned. */
static inline void scx_verdict_begin(struct scx_sched *sch, int op, const void *site,
				     struct sim_task *task)
{
	sch->verdict.active = true;
	sch->verdict.op = op;
	sch->verdict.site = site;
	sch->verdict.task = task;
}

static inline void scx_verdict_end(struct scx_sched *sch)
{
	sch->verdict.active = false;
}

/* ---- cgroups (cgroup.c) ---- */
int scx_cgroups_init(struct scx_sched *sch);
void scx_cgroups_exit(struct scx_sched *sch);

/* ---- exits (exit.c) ---- */
void scx_exit(struct scx_sched *sch, int kind, int64_t code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A fault caught in a callback: the signal, what it touched, where (innermost first). */
struct scx_fault {
	int signal;
	uint64_t addr;
	bool in_policy;
	bool stack_overflow;
	int bt_len;
	const void *bt[SCX_EXIT_BT_MAX];
};
/* An error exit (SCX_EXIT_ERROR) for @f, its site taken from @f's frames instead of the stack. */
void scx_exit_fault(struct scx_sched *sch, const struct scx_fault *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define scx_error(sch, fmt, ...) scx_exit((sch), SCX_EXIT_ERROR, 0, fmt, ##__VA_ARGS__)
bool scx_aborting(const struct scx_sched *sch);
void scx_watchdog_start(struct scx_sched *sch);

/* ---- the debug dump of an error exit (dump.c) ---- */
void scx_dump_state(struct scx_sched *sch);
/* scx_bpf_dump(): append formatted text to the dump's current line. */
void scx_dump_append(struct scx_sched *sch, const char *text);
/* The scx_sched attached to the running simulation, or NULL (kfuncs called outside a run). */
struct scx_sched *scx_current(void);

/* ---- DSQs (dsq.c) ---- */
void scx_dsq_init(struct scx_dsq *dsq, uint64_t id, int cpu, bool is_local);
struct scx_dsq *scx_find_user_dsq(struct scx_sched *sch, uint64_t id);
int scx_create_user_dsq(struct scx_sched *sch, uint64_t id, int node);
void scx_free_user_dsqs(struct scx_sched *sch);
/* The global DSQ of @cpu's node (node 0's for no CPU); inline: every dispatch looks it up. */
static inline struct scx_dsq *scx_global_dsq(struct scx_sched *sch, int cpu)
{
	int node = cpu >= 0 ? sch->sim->topo.cpu[cpu].node : 0;
	return &sch->global[node];
}
/* Link @p into @dsq (FIFO tail/head or vtime order). Performs the kernel's checks. */
void scx_dsq_link(struct scx_sched *sch, struct scx_dsq *dsq, struct sim_task *p, uint64_t enq_flags);
void scx_dsq_unlink(struct sim_task *p);
static inline struct sim_task *scx_dsq_first(const struct scx_dsq *dsq) { return dsq->head; }

/* ---- the class (class.c, dispatch.c) ---- */
void scx_dispatch_enqueue(struct scx_sched *sch, struct scx_dsq *dsq, struct sim_task *p,
			  uint64_t enq_flags);
void scx_do_enqueue_task(struct scx_sched *sch, struct sim_cpu *rq, struct sim_task *p,
			 uint64_t enq_flags, int sticky_cpu);
void scx_dispatch_to_local_dsq(struct scx_sched *sch, struct sim_cpu *rq, uint64_t dsq_id,
			       struct sim_task *p, uint64_t enq_flags);
bool scx_consume_dispatch_q(struct scx_sched *sch, struct sim_cpu *rq, struct scx_dsq *dsq,
			    uint64_t enq_flags);
/* Apply, in order, the inserts ops.dispatch buffered on @rq (kf_dispatch.c). */
void scx_finish_dispatch_buf(struct scx_sched *sch, struct sim_cpu *rq);
static inline void scx_flush_dispatch_buf(struct scx_sched *sch, struct sim_cpu *rq)
{
	if (rq->scx.dsp_cnt) /* inline for the usual empty buffer */
		scx_finish_dispatch_buf(sch, rq);
}
void scx_kick_cpu(struct scx_sched *sch, int cpu, uint64_t flags);
bool scx_cpu_valid(const struct scx_sched *sch, s32 cpu, const char *where);
void scx_refill_slice_dfl(struct scx_sched *sch, struct sim_task *p);
/* A task in the policy's custody (on a user DSQ) leaves it: ops.dequeue (enqueue.c). */
void scx_call_dequeue_custody(struct scx_sched *sch, struct sim_task *p, uint64_t deq_flags);
/* Inline for the common case, a task on a built-in DSQ: nothing to hand back. */
static inline void scx_call_dequeue_if_custody(struct scx_sched *sch, struct sim_task *p,
					       uint64_t deq_flags)
{
	if (p->scx.in_custody)
		scx_call_dequeue_custody(sch, p, deq_flags);
}

/* ---- idle tracking (idle.c) ---- */
void scx_idle_init(struct scx_sched *sch);
void scx_idle_update(struct scx_sched *sch, int cpu, bool idle);
s32 scx_select_cpu_dfl(struct scx_sched *sch, struct sim_task *p, s32 prev_cpu, u64 wake_flags,
		       const struct cpumask *and_mask, u64 flags);
bool scx_idle_test_and_clear(struct scx_sched *sch, int cpu);

/* ---- enable / disable (enable.c) ---- */
void scx_task_init_enable(struct scx_sched *sch, struct sim_task *p, bool fork);
void scx_task_disable_exit(struct scx_sched *sch, struct sim_task *p);
void scx_disable_workfn(struct sim_loop *loop, struct sim_event *ev);

#endif
