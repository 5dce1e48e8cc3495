/*
 * scxl_central: one CPU makes every scheduling decision; the others just run what it hands
 * them, with infinite slices, so they take no scheduling work (and, on a tickless kernel,
 * no timer interrupts) of their own.
 *
 * Queueing. Waking tasks are steered to the central CPU (ops.select_cpu returns it) and wait
 * in CENTRAL_DSQ, first come, first served. A task pinned to one CPU cannot be moved by the
 * central CPU: it goes straight to its CPU's local DSQ.
 *
 * Dispatch. A worker CPU that runs out of work raises its "gimme" flag and kicks the central
 * CPU. The central CPU's ops.dispatch walks the CPUs with the flag up and moves the first
 * queued task each may run into that CPU's local DSQ (SCX_DSQ_LOCAL_ON), then kicks it awake.
 * The central CPU runs tasks itself too, with an ordinary slice, so it gets back to
 * dispatching soon.
 *
 * Time slicing. Workers' tasks have SCX_SLICE_INF; at each tick a worker checks how long its
 * task has run and, when it is past slice_ns and others are waiting, ends the slice so the
 * task goes back to the queue and the worker asks for the next one.
 *
 * Knobs: central_cpu (0), slice_ns (SCX_SLICE_DFL), nr_cpu_ids (filled by the loader).
 * Stats (per-CPU array `stats`): 0 queued, 1 inserted pinned, 2 handed to a worker,
 * 3 taken by the central CPU itself, 4 worker requests, 5 slices ended at a tick.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define MAX_CPUS 512
#define CENTRAL_DSQ 0

enum central_stat {
	STAT_QUEUED,
	STAT_PINNED,
	STAT_HANDED,
	STAT_CENTRAL_OWN,
	STAT_GIMME,
	STAT_TICK_EXPIRED,
	CENTRAL_NR_STATS,
};

const volatile s32 central_cpu;
const volatile u32 nr_cpu_ids = 1;
const volatile u64 slice_ns = SCX_SLICE_DFL;

static bool cpu_gimme[MAX_CPUS];
static u64 cpu_started_at[MAX_CPUS];
static u32 nr_gimme;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, CENTRAL_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

s32 BPF_STRUCT_OPS(central_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	/* wake on the central CPU so the decision is made there */
	if (bpf_cpumask_test_cpu(central_cpu, p->cpus_ptr))
		return central_cpu;
	return prev_cpu;
}

void BPF_STRUCT_OPS(central_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (p->nr_cpus_allowed == 1) {
		s32 cpu = scx_bpf_task_cpu(p);

		stat_inc(STAT_PINNED);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice_ns, enq_flags);
		scx_bpf_kick_cpu(cpu, SCX_KICK_PREEMPT);
		return;
	}
	stat_inc(STAT_QUEUED);
	scx_bpf_dsq_insert(p, CENTRAL_DSQ, SCX_SLICE_INF, enq_flags);
	/* a worker is waiting: the central CPU must dispatch now, not after its slice */
	if (nr_gimme && bpf_get_smp_processor_id() != (u32)central_cpu)
		scx_bpf_kick_cpu(central_cpu, SCX_KICK_PREEMPT);
}

/* Move the first task of CENTRAL_DSQ that may run on @cpu into its local DSQ. */
static bool hand_to(s32 cpu)
{
	struct task_struct *p;

	bpf_for_each(scx_dsq, p, CENTRAL_DSQ, 0) {
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		if (cpu == central_cpu)
			scx_bpf_dsq_move_set_slice(BPF_FOR_EACH_ITER, slice_ns);
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL_ON | cpu, 0))
			return true;
	}
	return false;
}

static void central_dispatch_all(void)
{
	s32 cpu;

	bpf_for(cpu, 0, nr_cpu_ids) {
		if (cpu >= MAX_CPUS)
			break;
		if (cpu == central_cpu || !cpu_gimme[cpu])
			continue;
		if (!scx_bpf_dispatch_nr_slots())
			break;
		if (!hand_to(cpu))
			continue;
		cpu_gimme[cpu] = false;
		if (nr_gimme)
			nr_gimme--;
		stat_inc(STAT_HANDED);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	}
	if (scx_bpf_dispatch_nr_slots() && hand_to(central_cpu))
		stat_inc(STAT_CENTRAL_OWN);
}

void BPF_STRUCT_OPS(central_dispatch, s32 cpu, struct task_struct *prev)
{
	if (cpu == central_cpu) {
		central_dispatch_all();
		return;
	}
	if (cpu < 0 || cpu >= MAX_CPUS)
		return;
	if (!cpu_gimme[cpu]) {
		cpu_gimme[cpu] = true;
		nr_gimme++;
	}
	stat_inc(STAT_GIMME);
	scx_bpf_kick_cpu(central_cpu, SCX_KICK_PREEMPT);
}

void BPF_STRUCT_OPS(central_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if (cpu >= 0 && cpu < MAX_CPUS)
		cpu_started_at[cpu] = bpf_ktime_get_ns();
}

void BPF_STRUCT_OPS(central_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if (cpu >= 0 && cpu < MAX_CPUS)
		cpu_started_at[cpu] = 0;
}

void BPF_STRUCT_OPS(central_tick, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	u64 started;

	if (cpu < 0 || cpu >= MAX_CPUS || cpu == central_cpu)
		return;
	started = cpu_started_at[cpu];
	if (started && bpf_ktime_get_ns() - started >= slice_ns &&
	    scx_bpf_dsq_nr_queued(CENTRAL_DSQ) > 0) {
		stat_inc(STAT_TICK_EXPIRED);
		p->scx.slice = 0;
	}
}

s32 BPF_STRUCT_OPS_SLEEPABLE(central_init)
{
	if (nr_cpu_ids == 0 || nr_cpu_ids > MAX_CPUS || central_cpu < 0 ||
	    (u32)central_cpu >= nr_cpu_ids) {
		scx_bpf_error("central_cpu %d outside 0..%u", central_cpu, nr_cpu_ids - 1);
		return -EINVAL;
	}
	return scx_bpf_create_dsq(CENTRAL_DSQ, NUMA_NO_NODE);
}

void BPF_STRUCT_OPS(central_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(central_ops,
	       .select_cpu = (void *)central_select_cpu,
	       .enqueue = (void *)central_enqueue,
	       .dispatch = (void *)central_dispatch,
	       .running = (void *)central_running,
	       .stopping = (void *)central_stopping,
	       .tick = (void *)central_tick,
	       .init = (void *)central_init,
	       .exit = (void *)central_exit,
	       .name = "scxl_central");
