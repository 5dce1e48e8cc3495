/*
 * shim_smoke: a small global scheduler whose purpose is to touch as much of the scx
 * common/compat API as a policy can, so that building it against sim/shim checks the shim, and
 * running it checks the simulator's kfuncs. It is a fixture for tests, not a policy to use.
 *
 * Scheduling: an idle CPU found at wakeup gets the task directly (local DSQ); pinned kthreads go
 * to the local DSQ at enqueue; everything else goes to SHARED_DSQ, ordered by weighted vtime
 * (or FIFO with fifo_sched). ops.dispatch() drains FALLBACK_DSQ first, then walks SHARED_DSQ
 * with bpf_for_each() and moves the first task allowed on this CPU, and finally falls back to
 * scx_bpf_dsq_move_to_local(). Knobs can make it exit or fail on purpose after N enqueues.
 *
 * Both arities of scx_bpf_dsq_move_to_local() are used on purpose (1 argument for
 * FALLBACK_DSQ, 2 for SHARED_DSQ).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

enum {
	SHARED_DSQ = 0,
	FALLBACK_DSQ = 1,
	NR_HIST = 4,
};

/* Per-CPU counters, indices of the stats map. */
enum smoke_stat {
	STAT_SELECT_IDLE,	/* direct local insert from ops.select_cpu() */
	STAT_ENQ_LOCAL,		/* pinned kthread to the local DSQ */
	STAT_ENQ_SHARED,	/* enqueued on SHARED_DSQ */
	STAT_ENQ_NOT_SELECTED,	/* ops.enqueue() without a prior ops.select_cpu() */
	STAT_ENQ_REENQ,		/* enqueues flagged SCX_ENQ_REENQ */
	STAT_DSP_FALLBACK,	/* moved from FALLBACK_DSQ */
	STAT_DSP_ITER,		/* moved by scx_bpf_dsq_move() while iterating */
	STAT_DSP_SHARED,	/* moved by scx_bpf_dsq_move_to_local(SHARED_DSQ, 0) */
	STAT_ITER_SEEN,		/* tasks visited by bpf_for_each(scx_dsq, ...) */
	STAT_MIGRATION_DISABLED, /* enqueued tasks with migration disabled */
	NR_STATS,
};

/* Knobs (rodata), set by the loader before the scheduler starts. */
const volatile bool fifo_sched;
const volatile bool use_select_cpu_and = true;
const volatile bool iter_dispatch = true;
const volatile u64 slice_ns = SCX_SLICE_DFL;
const volatile u64 exit_after_enqueues;	/* 0: never; else scx_bpf_exit() after that many */
const volatile u64 error_after_enqueues;	/* 0: never; else scx_bpf_error() after that many */

/* Results (data/bss), read by tests. */
u64 nr_enqueues;
u64 nr_possible_cpus;
u64 nr_inits;
u64 max_iter_depth;
u64 last_avg_runtime;
static u64 vtime_now;

/* Globals in their own section, as policies do for locks and kptrs. */
struct smoke_shared {
	u64 nr_dispatch_calls;
	u64 nr_running;
};
private(SMOKE) struct smoke_shared smoke_shared;

/* Per-CPU start time of the running task, sized by the loader like the kernel's. */
u64 RESIZABLE_ARRAY(data, cpu_started_at);

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, NR_STATS);
} stats SEC(".maps");

struct task_ctx {
	u64 nr_runs;
	u64 runtime_ns;		/* total time on CPU */
	u64 avg_runtime_ns;	/* EWMA of one run */
	u64 hist[NR_HIST];	/* runs by length: <1ms, <4ms, <16ms, longer */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

static struct task_ctx *task_ctx_of(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, NULL, 0);
}

s32 BPF_STRUCT_OPS(smoke_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	if (use_select_cpu_and && __COMPAT_HAS_scx_bpf_select_cpu_and) {
		cpu = scx_bpf_select_cpu_and(p, prev_cpu, wake_flags, p->cpus_ptr, 0);
		is_idle = cpu >= 0;
		if (cpu < 0)
			cpu = prev_cpu;
	} else {
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	}

	if (is_idle) {
		stat_inc(STAT_SELECT_IDLE);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(smoke_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n = __sync_add_and_fetch(&nr_enqueues, 1);
	u64 vtime, floor;

	if (unlikely(!p)) {
		scx_bpf_error("enqueue without a task");
		return;
	}
	if (exit_after_enqueues && n == exit_after_enqueues)
		scx_bpf_exit(SCX_ECODE_ACT_RESTART | 42, "smoke: exit after %llu enqueues (pid %d)",
			     n, p->pid);
	if (error_after_enqueues && n == error_after_enqueues)
		scx_bpf_error("smoke: error after %llu enqueues", n);

	if (!__COMPAT_is_enq_cpu_selected(enq_flags))
		stat_inc(STAT_ENQ_NOT_SELECTED);
	if (enq_flags & __COMPAT_ENUM_OR_ZERO(enum scx_enq_flags, SCX_ENQ_REENQ))
		stat_inc(STAT_ENQ_REENQ);
	if (is_migration_disabled(p))
		stat_inc(STAT_MIGRATION_DISABLED);

	if ((p->flags & PF_KTHREAD) && p->nr_cpus_allowed == 1) {
		stat_inc(STAT_ENQ_LOCAL);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		return;
	}

	stat_inc(STAT_ENQ_SHARED);
	if (fifo_sched) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
		return;
	}

	/* A sleeper may bank at most one slice of credit. */
	vtime = p->scx.dsq_vtime;
	floor = READ_ONCE(vtime_now) - slice_ns;
	if (time_before(vtime, floor))
		vtime = floor;
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_ns, vtime, enq_flags);
}

/* Moves the first task of SHARED_DSQ that may run on @cpu; true if one was moved. */
static bool dispatch_by_iter(s32 cpu)
{
	struct task_struct *p;
	u64 depth = 0;

	if (!__COMPAT_scx_bpf_dsq_peek(SHARED_DSQ))
		return false;

	bpf_for_each(scx_dsq, p, SHARED_DSQ, 0) {
		depth++;
		stat_inc(STAT_ITER_SEEN);
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		scx_bpf_dsq_move_set_slice(BPF_FOR_EACH_ITER, slice_ns);
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0)) {
			if (depth > max_iter_depth)
				max_iter_depth = depth;
			return true;
		}
	}
	return false;
}

void BPF_STRUCT_OPS(smoke_dispatch, s32 cpu, struct task_struct *prev)
{
	__sync_fetch_and_add(&smoke_shared.nr_dispatch_calls, 1);

	if (scx_bpf_dsq_move_to_local(FALLBACK_DSQ)) {
		stat_inc(STAT_DSP_FALLBACK);
		return;
	}
	if (iter_dispatch && dispatch_by_iter(cpu)) {
		stat_inc(STAT_DSP_ITER);
		return;
	}
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ, 0))
		stat_inc(STAT_DSP_SHARED);
}

void BPF_STRUCT_OPS(smoke_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	u32 nr_cpus = scx_bpf_nr_cpu_ids();
	u64 *started_at;

	__sync_fetch_and_add(&smoke_shared.nr_running, 1);
	if (cpu < 0 || (u32)cpu >= nr_cpus) {
		scx_bpf_error("task %d on cpu %d, nr_cpu_ids %u", p->pid, cpu, nr_cpus);
		return;
	}
	started_at = ARRAY_ELEM_PTR(cpu_started_at, cpu, nr_cpus);
	if (started_at)
		*started_at = scx_bpf_now() ?: 1;

	if (!fifo_sched && time_before(READ_ONCE(vtime_now), p->scx.dsq_vtime))
		WRITE_ONCE(vtime_now, p->scx.dsq_vtime);
}

void BPF_STRUCT_OPS(smoke_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct task_ctx *tctx = task_ctx_of(p);
	u64 *started_at, ran = 0, *bucket;
	u32 idx;

	started_at = ARRAY_ELEM_PTR(cpu_started_at, cpu, scx_bpf_nr_cpu_ids());
	if (started_at && *started_at) {
		ran = time_delta(scx_bpf_now(), *started_at);
		*started_at = 0;
	}

	if (tctx) {
		tctx->nr_runs++;
		tctx->runtime_ns += ran;
		tctx->avg_runtime_ns = __calc_avg(tctx->avg_runtime_ns, ran, 3);
		last_avg_runtime = tctx->avg_runtime_ns;
		/* log2 buckets of 4x: <1ms, <4ms, <16ms, longer (1ms ~ 2^20 ns) */
		idx = log2_u64(ran >> 20) / 2;
		if (idx >= NR_HIST)
			idx = NR_HIST - 1;
		bucket = MEMBER_VPTR(*tctx, .hist[idx]);
		if (bucket)
			(*bucket)++;
	}

	if (!fifo_sched)
		scx_bpf_task_set_dsq_vtime(p, p->scx.dsq_vtime +
					   scale_by_task_weight_inverse(p, slice_ns - p->scx.slice));
}

void BPF_STRUCT_OPS(smoke_enable, struct task_struct *p)
{
	scx_bpf_task_set_dsq_vtime(p, READ_ONCE(vtime_now));
}

s32 BPF_STRUCT_OPS(smoke_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctxs, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -ENOMEM;
	return 0;
}

void BPF_STRUCT_OPS(smoke_dump, struct scx_dump_ctx *dctx)
{
	struct scx_event_stats events;

	scx_bpf_dump("shim_smoke state\n");
	scx_bpf_dump("enqueues=%llu vtime_now=%llu dispatch_calls=%llu\n",
		     nr_enqueues, vtime_now, smoke_shared.nr_dispatch_calls);
	__COMPAT_scx_bpf_events(&events, sizeof(events));
	scx_bpf_dump("select_cpu_fallback=%lld\n",
		     scx_read_event(&events, SCX_EV_SELECT_CPU_FALLBACK));
}

void BPF_STRUCT_OPS(smoke_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	struct task_ctx *tctx = task_ctx_of(p);

	if (tctx)
		scx_bpf_dump("runs=%llu runtime=%llu avg=%llu\n", tctx->nr_runs, tctx->runtime_ns,
			     tctx->avg_runtime_ns);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(smoke_init)
{
	int *cpu;
	s32 ret;

	__sync_fetch_and_add(&nr_inits, 1);

	for_each_possible_cpu(cpu)
		nr_possible_cpus++;

	ret = scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
	if (ret) {
		scx_bpf_error("failed to create DSQ %d (%d)", SHARED_DSQ, ret);
		return ret;
	}
	ret = scx_bpf_create_dsq(FALLBACK_DSQ, NUMA_NO_NODE);
	if (ret) {
		scx_bpf_error("failed to create DSQ %d (%d)", FALLBACK_DSQ, ret);
		return ret;
	}
	return 0;
}

void BPF_STRUCT_OPS(smoke_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(shim_smoke_ops,
	       .select_cpu = (void *)smoke_select_cpu,
	       .enqueue = (void *)smoke_enqueue,
	       .dispatch = (void *)smoke_dispatch,
	       .running = (void *)smoke_running,
	       .stopping = (void *)smoke_stopping,
	       .enable = (void *)smoke_enable,
	       .init_task = (void *)smoke_init_task,
	       .dump = (void *)smoke_dump,
	       .dump_task = (void *)smoke_dump_task,
	       .init = (void *)smoke_init,
	       .exit = (void *)smoke_exit,
	       .timeout_ms = 5000,
	       .name = "shim_smoke");
