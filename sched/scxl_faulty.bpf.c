/*
 * scxl_faulty: a global FIFO scheduler that breaks on purpose, to check that a misbehaving
 * policy is ejected with the right exit and that every task carries on under the fair class.
 *
 * Scheduling. Idle CPUs found at wakeup get the task directly; everything else waits in one
 * FIFO DSQ that idle CPUs consume. Nothing clever: the point is the faults.
 *
 * Faults (knob `fault`), injected from ops.enqueue once the trigger is met:
 *   0 none
 *   1 stall:        queue user tasks where no CPU ever looks; the watchdog ejects the policy
 *                   after timeout_ms with "runnable task stall". Kernel threads keep being
 *                   scheduled: the watchdog itself runs in a kworker, and starving it would
 *                   turn the stall into "watchdog failed to check in", raised from the tick
 *                   up to timeout_ms after the watchdog's last pass (possibly sooner than
 *                   timeout_ms after the stall began)
 *   2 error:        scx_bpf_error()                                  -> SCX_EXIT_ERROR_BPF
 *   3 bogus DSQ:    insert into DSQ 0x1234, never created            -> SCX_EXIT_ERROR
 *   4 double:       direct-dispatch the same task twice              -> SCX_EXIT_ERROR
 *   5 vtime:        vtime-ordered insert into the built-in global DSQ -> SCX_EXIT_ERROR
 *   6 exit:         scx_bpf_exit(exit_code, ...)                     -> SCX_EXIT_UNREG_BPF
 * Trigger: after fault_after_ns since the policy started, or after fault_after_count
 * enqueues, whichever knob is non-zero (both zero: at the first enqueue).
 *
 * Knobs: fault, fault_after_ns, fault_after_count, exit_code (42), slice_ns.
 * The watchdog timeout is 2 s, so a stall shows within a short run.
 * Stats (per-CPU array `stats`): 0 enqueues, 1 faults injected. `fault_injected_at` holds the
 * bpf_ktime_get_ns() of the first injection, so a harness can time the ejection from it.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
#define STALL_DSQ 1
#define BOGUS_DSQ 0x1234

enum fault_kind {
	FAULT_NONE,
	FAULT_STALL,
	FAULT_ERROR,
	FAULT_BOGUS_DSQ,
	FAULT_DOUBLE_DISPATCH,
	FAULT_VTIME_BUILTIN,
	FAULT_EXIT,
};

enum faulty_stat {
	STAT_ENQUEUED,
	STAT_FAULTS,
	FAULTY_NR_STATS,
};

const volatile u32 fault;
const volatile u64 fault_after_ns;
const volatile u64 fault_after_count;
const volatile s64 exit_code = 42;
const volatile u64 slice_ns = SCX_SLICE_DFL;

static u64 started_at;
static u64 nr_enqueued;
u64 fault_injected_at;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, FAULTY_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

static bool fault_due(const struct task_struct *p)
{
	if (fault == FAULT_NONE)
		return false;
	if (fault == FAULT_STALL && (p->flags & PF_KTHREAD))
		return false;
	if (fault_after_count && nr_enqueued < fault_after_count)
		return false;
	if (fault_after_ns && bpf_ktime_get_ns() - started_at < fault_after_ns)
		return false;
	return true;
}

s32 BPF_STRUCT_OPS(faulty_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	/* once a stall is due, nothing may slip past the stalled queue */
	if (is_idle && !(fault == FAULT_STALL && fault_due(p)))
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cpu;
}

void BPF_STRUCT_OPS(faulty_enqueue, struct task_struct *p, u64 enq_flags)
{
	nr_enqueued++;
	stat_inc(STAT_ENQUEUED);
	if (!fault_due(p)) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
		return;
	}
	stat_inc(STAT_FAULTS);
	if (!fault_injected_at)
		fault_injected_at = bpf_ktime_get_ns();
	switch (fault) {
	case FAULT_STALL:
		scx_bpf_dsq_insert(p, STALL_DSQ, slice_ns, enq_flags);
		break;
	case FAULT_ERROR:
		scx_bpf_error("injected error after %llu enqueues", nr_enqueued);
		break;
	case FAULT_BOGUS_DSQ:
		scx_bpf_dsq_insert(p, BOGUS_DSQ, slice_ns, enq_flags);
		break;
	case FAULT_DOUBLE_DISPATCH:
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		break;
	case FAULT_VTIME_BUILTIN:
		scx_bpf_dsq_insert_vtime(p, SCX_DSQ_GLOBAL, slice_ns, nr_enqueued, enq_flags);
		break;
	case FAULT_EXIT:
		scx_bpf_exit(exit_code, "injected exit after %llu enqueues", nr_enqueued);
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
		break;
	default:
		scx_bpf_error("unknown fault %u", fault);
		break;
	}
}

void BPF_STRUCT_OPS(faulty_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(faulty_init)
{
	s32 ret;

	started_at = bpf_ktime_get_ns();
	ret = scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
	if (ret)
		return ret;
	return scx_bpf_create_dsq(STALL_DSQ, NUMA_NO_NODE);
}

void BPF_STRUCT_OPS(faulty_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(faulty_ops,
	       .select_cpu = (void *)faulty_select_cpu,
	       .enqueue = (void *)faulty_enqueue,
	       .dispatch = (void *)faulty_dispatch,
	       .init = (void *)faulty_init,
	       .exit = (void *)faulty_exit,
	       .timeout_ms = 2000,
	       .name = "scxl_faulty");
