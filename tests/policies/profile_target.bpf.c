/*
 * A fixture policy for the loader-profile tests: globals a profile sets (a u64 knob that
 * needs all 64 bits, a .bss counter), a SEC("syscall") program that records its arguments,
 * the CPU it ran on and whether the scheduler was already attached, and ops whose flags and
 * callbacks a profile changes.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u64 big_knob = 1;
u64 bss_start;
bool attached;

struct call_rec {
	s32 arg_cpu;
	s32 ran_on;
	u64 arg_val;
	bool after_attach;
};

struct call_rec calls[32];
u32 nr_calls;

/* what scx_lavd's loader fills: fields of structs in .bss and rows of a 2-D rodata table */
struct dom_cfg {
	u64 id;
	u8 small[4];
	u64 mask[2];
};
struct dom_cfg doms[2];
const volatile u16 table[3][4];

struct record_args {
	s32 cpu;
	u64 val;
};

SEC("syscall")
int record_call(struct record_args *args)
{
	u32 i = nr_calls;

	if (i >= 32)
		return -E2BIG;
	calls[i].arg_cpu = args->cpu;
	calls[i].arg_val = args->val;
	calls[i].ran_on = bpf_get_smp_processor_id();
	calls[i].after_attach = attached;
	nr_calls = i + 1;
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(profile_init)
{
	attached = true;
	return 0;
}

void BPF_STRUCT_OPS(profile_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SCX_DSQ_GLOBAL);
}

SCX_OPS_DEFINE(profile_ops,
	       .init = (void *)profile_init,
	       .dispatch = (void *)profile_dispatch,
	       .name = "profile_target");
