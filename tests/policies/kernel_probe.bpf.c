/*
 * A fixture policy that records at ops.init what the kernel looks like from BPF: which kfuncs
 * exist, which sched_ext enumerators exist, and LINUX_KERNEL_VERSION, for the test of
 * `--kernel` emulation (7.2 and 6.12 answer differently).
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

u64 has_insert_v2, has_dispatch, has_now, has_enq_immed, version, immed_or_zero;

s32 BPF_STRUCT_OPS_SLEEPABLE(probe_init)
{
	has_insert_v2 = bpf_ksym_exists(scx_bpf_dsq_insert___v2);
	has_dispatch = bpf_ksym_exists(scx_bpf_dispatch);
	has_now = bpf_ksym_exists(scx_bpf_now);
	has_enq_immed = bpf_core_enum_value_exists(enum scx_enq_flags, SCX_ENQ_IMMED);
	immed_or_zero = __COMPAT_ENUM_OR_ZERO(enum scx_enq_flags, SCX_ENQ_IMMED);
	version = LINUX_KERNEL_VERSION;
	return 0;
}

SCX_OPS_DEFINE(probe_ops,
	       .init = (void *)probe_init,
	       .name = "kernel_probe");
