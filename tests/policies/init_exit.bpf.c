/*
 * A fixture policy whose ops.init asks to exit (scx_bpf_exit), as schedulers do when their
 * loader did not set them up: the kernel attaches, reports the exit to ops.exit and puts the
 * tasks back on the fair class, so a run gives a result with that exit record.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

s32 BPF_STRUCT_OPS_SLEEPABLE(init_exit_init)
{
	scx_bpf_exit(42, "not configured by its loader");
	return 0;
}

SCX_OPS_DEFINE(init_exit_ops,
	       .init = (void *)init_exit_init,
	       .name = "init_exit");
