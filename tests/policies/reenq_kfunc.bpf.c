/*
 * A fixture policy that calls scx_bpf_dsq_reenq(), a kfunc that Linux 7.0 does not have and
 * 7.2 and 7.3 do: `scxlab verify --kernel all` must show it rejected on the older kernels,
 * naming the kfunc, and accepted on the newer. The call sits behind a knob that is off, so
 * the verifier sees it (a .bss global is not a known constant) but no run makes it.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

/* as the kernel's BTF declares it (7.2+); the project's headers reach it through compat code */
void scx_bpf_dsq_reenq(u64 dsq_id, u64 reenq_flags) __ksym __weak;

bool reenq_on_dispatch;

void BPF_STRUCT_OPS(reenq_kfunc_dispatch, s32 cpu, struct task_struct *prev)
{
	if (reenq_on_dispatch)
		scx_bpf_dsq_reenq(SCX_DSQ_LOCAL, 0);
	scx_bpf_dsq_move_to_local(SCX_DSQ_GLOBAL);
}

SCX_OPS_DEFINE(reenq_kfunc_ops,
	       .dispatch = (void *)reenq_kfunc_dispatch,
	       .name = "reenq_kfunc");
