/*
 * A fixture policy with an endless loop in ops.dispatch, which the kernel's verifier would
 * refuse to load: a global FIFO whose `loop_after`-th dispatch never returns. `loop_how`:
 *   1: spins on a variable that never changes (the policy's own code only);
 *   2: spins calling a kfunc (scx_bpf_dsq_nr_queued) each time round.
 * The simulator must end the policy when the callback runs past its host CPU-time budget,
 * with an error exit naming ops.dispatch and this file's line, and go on with every task on
 * the fair class.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0

const volatile u32 loop_how = 1;
const volatile u64 loop_after = 20;

static u64 nr_dispatches;
static volatile bool done;
u64 spins;

void BPF_STRUCT_OPS(loop_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(loop_dispatch, s32 cpu, struct task_struct *prev)
{
	if (++nr_dispatches >= loop_after) {
		if (loop_how == 1)
			while (!done)
				spins++; /* the endless loop */
		if (loop_how == 2)
			while (scx_bpf_dsq_nr_queued(SHARED_DSQ) >= 0)
				spins++; /* the endless loop through a kfunc */
	}
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(loop_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

SCX_OPS_DEFINE(loop_ops,
	       .enqueue = (void *)loop_enqueue,
	       .dispatch = (void *)loop_dispatch,
	       .init = (void *)loop_init,
	       .name = "endless_loop");
