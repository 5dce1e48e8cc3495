/*
 * scxl_vtime: one run queue for the whole machine, ordered by weighted virtual time.
 *
 * Placement. At wakeup the kernel's default selection (scx_bpf_select_cpu_dfl: an idle core
 * near the previous CPU first, then any idle CPU) picks a CPU. If that CPU is idle the task
 * goes straight into its local DSQ and ops.enqueue never sees it.
 *
 * Queueing. Every other runnable task waits in SHARED_DSQ. In vtime mode the queue is ordered
 * by p->scx.dsq_vtime, which advances by the time a task ran scaled by 100 / weight: a task at
 * nice -5 (weight ~300) accrues virtual time three times slower than one at nice 0 (100) and
 * so gets three times the CPU. A task that slept does not bank credit: its vtime is raised to
 * at least the current vtime minus one slice. With fifo_sched the queue is first come, first
 * served.
 *
 * Dispatch. A CPU that runs out of work takes the head of SHARED_DSQ.
 *
 * Knobs: fifo_sched (false), slice_ns (SCX_SLICE_DFL, 20 ms).
 * Stats (per-CPU array `stats`): 0 inserted straight into a local DSQ at wakeup,
 * 1 queued on SHARED_DSQ, 2 moved from SHARED_DSQ to a CPU.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0

enum vtime_stat {
	STAT_LOCAL,
	STAT_QUEUED,
	STAT_DISPATCHED,
	VTIME_NR_STATS,
};

const volatile bool fifo_sched;
const volatile u64 slice_ns = SCX_SLICE_DFL;

/* the vtime of the most recently started task: the queue's "now" */
static u64 vtime_now;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, VTIME_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

s32 BPF_STRUCT_OPS(vtime_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle) {
		stat_inc(STAT_LOCAL);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;

	stat_inc(STAT_QUEUED);
	if (fifo_sched) {
		scx_bpf_dsq_insert(p, SHARED_DSQ, slice_ns, enq_flags);
		return;
	}
	/* at most one slice of credit for having slept */
	if (time_before(vtime, vtime_now - slice_ns))
		vtime = vtime_now - slice_ns;
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice_ns, vtime, enq_flags);
}

void BPF_STRUCT_OPS(vtime_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scx_bpf_dsq_move_to_local(SHARED_DSQ))
		stat_inc(STAT_DISPATCHED);
}

void BPF_STRUCT_OPS(vtime_running, struct task_struct *p)
{
	if (!fifo_sched && time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	u64 used;

	if (fifo_sched)
		return;
	/* the part of the slice it used, weighted: slices refilled by the kernel count as full */
	used = p->scx.slice < slice_ns ? slice_ns - p->scx.slice : 0;
	p->scx.dsq_vtime += used * 100 / (p->scx.weight ? p->scx.weight : 100);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_now;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(vtime_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
}

void BPF_STRUCT_OPS(vtime_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(vtime_ops,
	       .select_cpu = (void *)vtime_select_cpu,
	       .enqueue = (void *)vtime_enqueue,
	       .dispatch = (void *)vtime_dispatch,
	       .running = (void *)vtime_running,
	       .stopping = (void *)vtime_stopping,
	       .enable = (void *)vtime_enable,
	       .init = (void *)vtime_init,
	       .exit = (void *)vtime_exit,
	       .name = "scxl_vtime");
