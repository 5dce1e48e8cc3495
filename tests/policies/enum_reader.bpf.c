/*
 * A fixture policy that reads SCX_* constants the way upstream scx code does, through the
 * `const volatile u64 __SCX_*` rodata of scx's enums.autogen.bpf.h (the loader fills them
 * from the kernel), and a u64 knob that needs all 64 bits; it records what it saw at init.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u64 __SCX_DSQ_LOCAL __weak;
const volatile u64 __SCX_SLICE_DFL __weak;
const volatile u64 __SCX_ENQ_WAKEUP __weak;
const volatile u64 big_knob = 1;

u64 seen_dsq_local, seen_slice_dfl, seen_enq_wakeup, seen_big_knob;

s32 BPF_STRUCT_OPS_SLEEPABLE(enum_reader_init)
{
	seen_dsq_local = __SCX_DSQ_LOCAL;
	seen_slice_dfl = __SCX_SLICE_DFL;
	seen_enq_wakeup = __SCX_ENQ_WAKEUP;
	seen_big_knob = big_knob;
	/* a loader that clamps at 2^63 - 1 hands over 0x7fffffffffffffff: an error exit says so */
	if (big_knob != 1 && big_knob != 0xfffffffffffffffeULL)
		scx_bpf_error("big_knob arrived as 0x%llx", big_knob);
	if (__SCX_DSQ_LOCAL != (SCX_DSQ_FLAG_BUILTIN | 2))
		scx_bpf_error("__SCX_DSQ_LOCAL is 0x%llx, not the kernel's", __SCX_DSQ_LOCAL);
	return 0;
}

void BPF_STRUCT_OPS(enum_reader_enqueue, struct task_struct *p, u64 enq_flags)
{
	/* a wrong DSQ id here (0, with no import) is an error exit on the kernel */
	scx_bpf_dsq_insert(p, __SCX_DSQ_LOCAL, __SCX_SLICE_DFL, enq_flags);
}

SCX_OPS_DEFINE(enum_reader_ops,
	       .init = (void *)enum_reader_init,
	       .enqueue = (void *)enum_reader_enqueue,
	       .name = "enum_reader");
