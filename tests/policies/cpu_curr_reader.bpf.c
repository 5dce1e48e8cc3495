/*
 * A fixture policy that asks scx_bpf_cpu_curr() about an idle CPU at ops.init (no task runs
 * yet): the kernel answers with that CPU's idle task (pid 0, PF_IDLE), never NULL. The same
 * holds for `current`; and every task has a real_parent.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 seen_null = 2, seen_pid = 99, seen_idle_flag, seen_on_cpu = 99;
/* `current` at ops.init (no task runs: the idle task), and a new task's parent (init, pid 1,
 * whose parent is pid 0, for a task no simulated task spawned) */
u64 current_null = 2, current_pid = 99, parent_pid = 99, grandparent_pid = 99;

s32 BPF_STRUCT_OPS_SLEEPABLE(cpu_curr_init)
{
	struct task_struct *curr = scx_bpf_cpu_curr(1);

	seen_null = !curr;
	if (curr) {
		seen_pid = curr->pid;
		seen_idle_flag = !!(curr->flags & PF_IDLE);
		seen_on_cpu = scx_bpf_task_cpu(curr);
	}
	curr = bpf_get_current_task_btf();
	current_null = !curr;
	if (curr)
		current_pid = curr->pid;
	return 0;
}

s32 BPF_STRUCT_OPS(cpu_curr_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (parent_pid == 99) {
		parent_pid = p->real_parent->pid;
		grandparent_pid = p->real_parent->real_parent->pid;
	}
	return 0;
}

SCX_OPS_DEFINE(cpu_curr_ops,
	       .init = (void *)cpu_curr_init,
	       .init_task = (void *)cpu_curr_init_task,
	       .name = "cpu_curr_reader");
