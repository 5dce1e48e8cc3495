/*
 * scxl_adapt: a global weighted-vtime scheduler whose time slice is steered at run time by a
 * user-space controller (sched/scxl_adapt.daemon.c), the hybrid model many production
 * schedulers use.
 *
 * Scheduling is scxl_vtime's: idle CPUs found at wakeup take the task directly, everyone else
 * waits in one vtime-ordered DSQ, CPUs that run dry take its head. The slice is not a load-time
 * knob but a global, `slice_ns`, that the controller rewrites while the policy runs.
 *
 * What it exports for the controller (per-CPU array `lat`): 0 waits seen, 1 their total in ns,
 * 2 waits longer than `long_wait_ns` (1 ms). A wait is from ops.enqueue (queued on the DSQ) to
 * ops.running. The controller writes what it decided into `slice_trace` (one entry per period,
 * wrapping at 128), so a run's result shows the slice over time.
 *
 * Without a controller the slice stays at its initial 20 ms: the policy is complete on its own.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
#define TRACE_LEN 128

enum lat_stat { LAT_WAITS, LAT_SUM_NS, LAT_LONG, LAT_NR };

/* steered by the controller */
u64 slice_ns = SCX_SLICE_DFL;
const volatile u64 long_wait_ns = 1000000;

static u64 vtime_now;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, LAT_NR);
} lat SEC(".maps");

/* written by the controller: the slice it chose at each period */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, TRACE_LEN);
} slice_trace SEC(".maps");

struct task_ctx {
	u64 queued_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

static void lat_add(u32 idx, u64 v)
{
	u64 *cnt = bpf_map_lookup_elem(&lat, &idx);

	if (cnt)
		*cnt += v;
}

static u64 current_slice(void)
{
	u64 s = slice_ns;

	/* whatever the controller writes, stay within sane bounds */
	if (s < 100000)
		return 100000;
	if (s > 100000000)
		return 100000000;
	return s;
}

s32 BPF_STRUCT_OPS(adapt_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle)
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, current_slice(), 0);
	return cpu;
}

void BPF_STRUCT_OPS(adapt_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	u64 slice = current_slice(), vtime = p->scx.dsq_vtime;

	if (tctx)
		tctx->queued_at = bpf_ktime_get_ns();
	if (time_before(vtime, vtime_now - slice))
		vtime = vtime_now - slice;
	scx_bpf_dsq_insert_vtime(p, SHARED_DSQ, slice, vtime, enq_flags);
}

void BPF_STRUCT_OPS(adapt_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(adapt_running, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
	if (tctx && tctx->queued_at) {
		u64 wait = bpf_ktime_get_ns() - tctx->queued_at;
		lat_add(LAT_WAITS, 1);
		lat_add(LAT_SUM_NS, wait);
		if (wait > long_wait_ns)
			lat_add(LAT_LONG, 1);
		tctx->queued_at = 0;
	}
}

void BPF_STRUCT_OPS(adapt_stopping, struct task_struct *p, bool runnable)
{
	u64 slice = current_slice();
	u64 used = p->scx.slice < slice ? slice - p->scx.slice : 0;

	p->scx.dsq_vtime += used * 100 / (p->scx.weight ? p->scx.weight : 100);
}

void BPF_STRUCT_OPS(adapt_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_now;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(adapt_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
}

void BPF_STRUCT_OPS(adapt_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(adapt_ops,
	       .select_cpu = (void *)adapt_select_cpu,
	       .enqueue = (void *)adapt_enqueue,
	       .dispatch = (void *)adapt_dispatch,
	       .running = (void *)adapt_running,
	       .stopping = (void *)adapt_stopping,
	       .enable = (void *)adapt_enable,
	       .init = (void *)adapt_init,
	       .exit = (void *)adapt_exit,
	       .name = "scxl_adapt");
