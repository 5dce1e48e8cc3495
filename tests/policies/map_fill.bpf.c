/*
 * A fixture policy for the `map` lines of loader profiles (map_fill.loader): values a loader
 * writes with bpf_map_update_elem() after load, into an array's struct values by path, every
 * CPU's or one CPU's value of a per-CPU array, and a hash element. ops.init checks them and
 * ends with an error exit naming, as bits, every value that did not arrive; with the whole
 * profile it runs clean.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile u32 nr_cpu_ids = 1;

struct fill_cfg {
	u32 a;
	u16 b[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, struct fill_cfg);
} cfgs SEC(".maps");

struct fill_cpu {
	s32 cpu;
	u64 weight;
	u8 order[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct fill_cpu);
} cpu_fills SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} big SEC(".maps");

u32 problem;

UEI_DEFINE(uei);

/* Bit 8: a CPU's per-CPU value is wrong (its cpu field, weight, or order[0], 9 on CPU 1 only). */
static u32 check_cpus(void)
{
	u32 zero = 0, cpu;

	bpf_for(cpu, 0, nr_cpu_ids) {
		struct fill_cpu *v = bpf_map_lookup_percpu_elem(&cpu_fills, &zero, cpu);

		if (!v || v->cpu != (s32)cpu || v->weight != 100 || v->order[0] != (cpu == 1 ? 9 : 0))
			return 8;
	}
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fill_init)
{
	u32 one = 1, three = 3, seven = 7, p = 0;
	struct fill_cfg *c1 = bpf_map_lookup_elem(&cfgs, &one), *c3 = bpf_map_lookup_elem(&cfgs, &three);
	u64 *b = bpf_map_lookup_elem(&big, &seven);

	if (!c1 || c1->a != 11)
		p |= 1;
	if (!c1 || c1->b[2] != 5 || c1->b[0])
		p |= 2;
	if (!c3 || c3->b[0] != 1 || c3->b[1] != 2 || c3->b[2] != 3 || c3->b[3] != 4)
		p |= 4;
	p |= check_cpus();
	if (!b || *b != 0x8000000000000001ULL)
		p |= 16;
	problem = p;
	if (p)
		scx_bpf_error("map values not filled: problem bits 0x%x (1 array field, 2 array element, 4 array "
			      "list, 8 per-cpu, 16 hash)", p);
	return 0;
}

void BPF_STRUCT_OPS(fill_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(map_fill_ops,
	       .init = (void *)fill_init,
	       .exit = (void *)fill_exit,
	       .name = "map_fill");
