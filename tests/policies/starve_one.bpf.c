/*
 * A fixture policy with one bug: a global FIFO that never dispatches the task whose pid is
 * `victim_pid`; it goes to a DSQ no CPU consumes. Every other task runs. The watchdog timeout
 * is the kernel's maximum (30 s), so a shorter run ends before the watchdog can see the
 * stall: the test is that the harness still names the starved task and fails the run.
 * It also has ops.dump/dump_cpu/dump_task and an error knob, for the debug-dump tests:
 * with `error_after` > 0 it raises scx_bpf_error() at that enqueue; `dump_len` sets
 * exit_dump_len.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
#define NEVER_DSQ 1

const volatile s32 victim_pid = -1;
const volatile u64 error_after;

static u64 nr_enqueued;

UEI_DEFINE(uei);

void BPF_STRUCT_OPS(starve_enqueue, struct task_struct *p, u64 enq_flags)
{
	nr_enqueued++;
	if (error_after && nr_enqueued == error_after)
		scx_bpf_error("starve_one: error after %llu enqueues", nr_enqueued);
	if (p->pid == victim_pid) {
		scx_bpf_dsq_insert(p, NEVER_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(starve_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(starve_dump, struct scx_dump_ctx *dctx)
{
	scx_bpf_dump("starve_one: %llu enqueues\n", nr_enqueued);
	scx_bpf_dump("starve_one: victim %d\n", victim_pid);
}

void BPF_STRUCT_OPS(starve_dump_cpu, struct scx_dump_ctx *dctx, s32 cpu, bool idle)
{
	if (!idle)
		scx_bpf_dump("busy cpu %d", cpu);
}

void BPF_STRUCT_OPS(starve_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	scx_bpf_dump("task %d weight %u\n", p->pid, p->scx.weight);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(starve_init)
{
	s32 ret = scx_bpf_create_dsq(SHARED_DSQ, -1);

	if (ret)
		return ret;
	return scx_bpf_create_dsq(NEVER_DSQ, -1);
}

void BPF_STRUCT_OPS(starve_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(starve_one_ops,
	       .enqueue = (void *)starve_enqueue,
	       .dispatch = (void *)starve_dispatch,
	       .dump = (void *)starve_dump,
	       .dump_cpu = (void *)starve_dump_cpu,
	       .dump_task = (void *)starve_dump_task,
	       .init = (void *)starve_init,
	       .exit = (void *)starve_exit,
	       .timeout_ms = 30000,
	       .name = "starve_one");
