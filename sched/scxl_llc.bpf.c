/*
 * scxl_llc: weighted virtual time per last-level cache, with idle-core-first placement and
 * stealing across caches.
 *
 * Each LLC has its own vtime-ordered DSQ (id = LLC index), so tasks stay where their cache
 * footprint is and CPUs of one LLC do not contend on another LLC's queue.
 *
 * Placement. A waking task looks for a CPU in the LLC of the CPU it last ran on: first a CPU
 * whose whole core is idle (no busy SMT sibling to share the core with), then any idle CPU of
 * that LLC, and only then the kernel's default selection over the whole machine. A CPU found
 * idle gets the task directly in its local DSQ.
 *
 * Queueing. Otherwise the task joins the DSQ of its CPU's LLC, at its vtime: time run scaled
 * by 100 / weight, with at most one slice of credit for sleeping (as scxl_vtime, per LLC).
 *
 * Dispatch. A CPU takes the head of its own LLC's DSQ; when that is empty it steals the head
 * of the next non-empty LLC, scanning the others in order starting after its own.
 *
 * Knobs: slice_ns (SCX_SLICE_DFL); nr_cpu_ids, nr_llcs and cpu_llc[] describe the machine and
 * are filled by the loader from the topology (scxlab does this for --topology).
 * Stats (per-CPU array `stats`): 0 whole idle core found, 1 idle CPU in the LLC found,
 * 2 placed by the default selection, 3 queued, 4 dispatched from the own LLC, 5 stolen.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define MAX_CPUS 512
#define MAX_LLCS 64

enum llc_stat {
	STAT_IDLE_CORE,
	STAT_IDLE_CPU,
	STAT_DFL,
	STAT_QUEUED,
	STAT_LOCAL_LLC,
	STAT_STOLEN,
	LLC_NR_STATS,
};

const volatile u64 slice_ns = SCX_SLICE_DFL;
const volatile u32 nr_cpu_ids = 1;
const volatile u32 nr_llcs = 1;
const volatile u32 cpu_llc[MAX_CPUS];

static u64 llc_vtime_now[MAX_LLCS];

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, LLC_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

static u32 llc_of(s32 cpu)
{
	/* an unsigned, masked index: the verifier must see the bound on the register it uses */
	u32 idx = (u32)cpu, llc;

	if (idx >= MAX_CPUS)
		return 0;
	barrier_var(idx); /* keep the mask: the compiler would drop it after the check */
	llc = cpu_llc[idx & (MAX_CPUS - 1)];
	if (llc >= MAX_LLCS)
		return 0;
	barrier_var(llc);
	return llc & (MAX_LLCS - 1);
}

/* An idle CPU of @llc allowed for @p, taking it (its idle bit is cleared); -1 if none. */
static s32 pick_idle_in_llc(struct task_struct *p, u32 llc, const struct cpumask *idle)
{
	s32 cpu;

	/* nothing idle (a saturated machine): the scan below would find nothing */
	if (bpf_cpumask_empty(idle))
		return -1;
	bpf_for(cpu, 0, nr_cpu_ids) {
		u32 idx = (u32)cpu;

		if (idx >= MAX_CPUS)
			break;
		barrier_var(idx);
		if (cpu_llc[idx & (MAX_CPUS - 1)] != llc || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr) ||
		    !bpf_cpumask_test_cpu(cpu, idle))
			continue;
		if (scx_bpf_test_and_clear_cpu_idle(cpu))
			return cpu;
	}
	return -1;
}

s32 BPF_STRUCT_OPS(llc_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	const struct cpumask *idle_smt, *idle_cpus;
	u32 llc = llc_of(prev_cpu);
	bool is_idle = false;
	s32 cpu;

	idle_smt = scx_bpf_get_idle_smtmask();
	cpu = pick_idle_in_llc(p, llc, idle_smt);
	scx_bpf_put_idle_cpumask(idle_smt);
	if (cpu >= 0) {
		stat_inc(STAT_IDLE_CORE);
		goto direct;
	}
	idle_cpus = scx_bpf_get_idle_cpumask();
	cpu = pick_idle_in_llc(p, llc, idle_cpus);
	scx_bpf_put_idle_cpumask(idle_cpus);
	if (cpu >= 0) {
		stat_inc(STAT_IDLE_CPU);
		goto direct;
	}
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (!is_idle)
		return cpu;
	stat_inc(STAT_DFL);
direct:
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cpu;
}

void BPF_STRUCT_OPS(llc_enqueue, struct task_struct *p, u64 enq_flags)
{
	u32 llc = llc_of(scx_bpf_task_cpu(p));
	u64 vtime = p->scx.dsq_vtime, now = llc_vtime_now[llc & (MAX_LLCS - 1)];

	stat_inc(STAT_QUEUED);
	if (time_before(vtime, now - slice_ns))
		vtime = now - slice_ns;
	scx_bpf_dsq_insert_vtime(p, llc, slice_ns, vtime, enq_flags);
}

void BPF_STRUCT_OPS(llc_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 llc = llc_of(cpu), i;

	if (scx_bpf_dsq_move_to_local(llc)) {
		stat_inc(STAT_LOCAL_LLC);
		return;
	}
	bpf_for(i, 1, nr_llcs) {
		u32 victim = (llc + i) % nr_llcs;

		if (scx_bpf_dsq_move_to_local(victim)) {
			stat_inc(STAT_STOLEN);
			return;
		}
	}
}

void BPF_STRUCT_OPS(llc_running, struct task_struct *p)
{
	u32 llc = llc_of(scx_bpf_task_cpu(p));

	if (time_before(llc_vtime_now[llc & (MAX_LLCS - 1)], p->scx.dsq_vtime))
		llc_vtime_now[llc & (MAX_LLCS - 1)] = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(llc_stopping, struct task_struct *p, bool runnable)
{
	u64 used = p->scx.slice < slice_ns ? slice_ns - p->scx.slice : 0;

	p->scx.dsq_vtime += used * 100 / (p->scx.weight ? p->scx.weight : 100);
}

void BPF_STRUCT_OPS(llc_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = llc_vtime_now[llc_of(scx_bpf_task_cpu(p)) & (MAX_LLCS - 1)];
}

s32 BPF_STRUCT_OPS_SLEEPABLE(llc_init)
{
	u32 i;
	s32 ret;

	if (nr_llcs == 0 || nr_llcs > MAX_LLCS || nr_cpu_ids == 0 || nr_cpu_ids > MAX_CPUS) {
		scx_bpf_error("bad topology: %u LLCs, %u CPUs (at most %d and %d)", nr_llcs,
			      nr_cpu_ids, MAX_LLCS, MAX_CPUS);
		return -EINVAL;
	}
	bpf_for(i, 0, nr_llcs) {
		ret = scx_bpf_create_dsq(i, NUMA_NO_NODE);
		if (ret) {
			scx_bpf_error("cannot create the DSQ of LLC %u (%d)", i, ret);
			return ret;
		}
	}
	return 0;
}

void BPF_STRUCT_OPS(llc_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(llc_ops,
	       .select_cpu = (void *)llc_select_cpu,
	       .enqueue = (void *)llc_enqueue,
	       .dispatch = (void *)llc_dispatch,
	       .running = (void *)llc_running,
	       .stopping = (void *)llc_stopping,
	       .enable = (void *)llc_enable,
	       .init = (void *)llc_init,
	       .exit = (void *)llc_exit,
	       .name = "scxl_llc");
