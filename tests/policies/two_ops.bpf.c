/*
 * A fixture policy with two struct_ops maps in one object, as the kernel selftest hotplug has:
 * a loader attaches one of them (`struct_ops NAME` in a loader profile). `two_ops_first` ends
 * with an error exit from ops.init, `two_ops_second` runs clean, so a run tells which one was
 * attached.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

UEI_DEFINE(uei);

s32 BPF_STRUCT_OPS_SLEEPABLE(first_init)
{
	scx_bpf_error("the first struct_ops map was attached");
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(second_init)
{
	return 0;
}

void BPF_STRUCT_OPS(both_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(first_ops,
	       .init = (void *)first_init,
	       .exit = (void *)both_exit,
	       .name = "two_ops_first");

SCX_OPS_DEFINE(second_ops,
	       .init = (void *)second_init,
	       .exit = (void *)both_exit,
	       .name = "two_ops_second");
