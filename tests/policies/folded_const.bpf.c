/*
 * A fixture policy with constants the compiler folds, beside a loader knob: scx_cake declares
 * `const u32 nr_llcs = 1;`, a name the simulator's topology fill also sets. A plain const is
 * not a knob in either world (its reads are folded into the code), so the fill must leave it
 * alone (it once wrote into the read-only segment and crashed the simulator) and `--knob`
 * must refuse it by name. It records what it saw at init.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const u32 nr_llcs = 1;
const struct { u32 depth; } folded_cfg = { 3 };
const volatile u32 nr_cpu_ids = 1;

u32 seen_nr_llcs, seen_depth, seen_nr_cpu_ids;

s32 BPF_STRUCT_OPS_SLEEPABLE(folded_init)
{
	seen_nr_llcs = nr_llcs;
	seen_depth = folded_cfg.depth;
	seen_nr_cpu_ids = nr_cpu_ids;
	return 0;
}

SCX_OPS_DEFINE(folded_ops,
	       .init = (void *)folded_init,
	       .name = "folded_const");
