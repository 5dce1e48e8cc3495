/*
 * A fixture policy that keeps every task in BPF custody in a user DSQ until ops.dispatch moves
 * it to a local DSQ, and counts ops.enqueue()/ops.dequeue(). Without core scheduling the
 * kernel never sends SCX_DEQ_CORE_SCHED_EXEC: the running task put back after a property
 * change (sched_setaffinity() on itself) goes straight to its local DSQ, not to ops.enqueue().
 * Every custody period ends in ops.dequeue(), the unload included.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 7

u64 nr_enqueued, nr_dequeued, nr_core_sched_exec;

void BPF_STRUCT_OPS(restore_custody_enqueue, struct task_struct *p, u64 enq_flags)
{
	__sync_fetch_and_add(&nr_enqueued, 1);
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(restore_custody_dequeue, struct task_struct *p, u64 deq_flags)
{
	__sync_fetch_and_add(&nr_dequeued, 1);
	if (deq_flags & SCX_DEQ_CORE_SCHED_EXEC)
		__sync_fetch_and_add(&nr_core_sched_exec, 1);
}

void BPF_STRUCT_OPS(restore_custody_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(restore_custody_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

SCX_OPS_DEFINE(restore_custody_ops,
	       .enqueue = (void *)restore_custody_enqueue,
	       .dequeue = (void *)restore_custody_dequeue,
	       .dispatch = (void *)restore_custody_dispatch,
	       .init = (void *)restore_custody_init,
	       .name = "restore_custody");
