/*
 * A fixture policy that asks scx_bpf_cpu_curr() about an idle CPU at ops.init (no task runs
 * yet): the kernel answers with that CPU's idle task (pid 0, PF_IDLE), never NULL.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 seen_null = 2, seen_pid = 99, seen_idle_flag, seen_on_cpu = 99;

s32 BPF_STRUCT_OPS_SLEEPABLE(cpu_curr_init)
{
	struct task_struct *curr = scx_bpf_cpu_curr(1);

	seen_null = !curr;
	if (curr) {
		seen_pid = curr->pid;
		seen_idle_flag = !!(curr->flags & PF_IDLE);
		seen_on_cpu = scx_bpf_task_cpu(curr);
	}
	return 0;
}

SCX_OPS_DEFINE(cpu_curr_ops,
	       .init = (void *)cpu_curr_init,
	       .name = "cpu_curr_reader");
