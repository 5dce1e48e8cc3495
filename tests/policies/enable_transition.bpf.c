/*
 * A fixture policy that counts how tasks joined it: ops.init_task with fork == false (the
 * enable transition of a task that existed before the attach) or fork == true (forked
 * after), and ops.enable. At its first ops.dispatch it exits with the counts in the message,
 * so a run's result.json shows them.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 nr_transitions, nr_forks, nr_enabled;
bool reported;

s32 BPF_STRUCT_OPS_SLEEPABLE(enable_transition_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (args->fork)
		__sync_fetch_and_add(&nr_forks, 1);
	else
		__sync_fetch_and_add(&nr_transitions, 1);
	return 0;
}

void BPF_STRUCT_OPS(enable_transition_enable, struct task_struct *p)
{
	__sync_fetch_and_add(&nr_enabled, 1);
}

void BPF_STRUCT_OPS(enable_transition_dispatch, s32 cpu, struct task_struct *prev)
{
	if (!reported) {
		reported = true;
		scx_bpf_exit(0, "transitions=%llu forks=%llu enabled=%llu", nr_transitions, nr_forks, nr_enabled);
	}
	scx_bpf_dsq_move_to_local(SCX_DSQ_GLOBAL);
}

SCX_OPS_DEFINE(enable_transition_ops,
	       .init_task = (void *)enable_transition_init_task,
	       .enable = (void *)enable_transition_enable,
	       .dispatch = (void *)enable_transition_dispatch,
	       .name = "enable_transition");
