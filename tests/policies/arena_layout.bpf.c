/*
 * A fixture policy that checks the kernel's arena layout from inside (see sim/bpf/arena.c):
 * its ops.init, before anything is allocated, reads and writes through a NULL arena pointer
 * (what scx's sdt_alloc does when its loader never ran arena_init), then allocates pages and
 * checks that the first one is page 0, which the NULL pointer reaches too; that a page not
 * allocated reads 0 and keeps nothing written to it (the JIT's exception table: checked on the
 * 7.2 kernel); that a freed page comes back zeroed. Each check that fails sets a bit in `problems`; `null_read` is what the first NULL
 * read gave. A FIFO otherwise.
 */
#include <scx/common.bpf.h>
#include <scx/bpf_arena_common.bpf.h>

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64); /* pages */
	__ulong(map_extra, 1ull << 44); /* as scx's arena_map.h: the start's low 32 bits are 0 */
} arena SEC(".maps");

struct counter {
	u64 idx;
	u64 slots[4];
};

struct counter __arena *never_set; /* a loader's arena_init would have set it */
u64 problems, null_read = 77, first_page_offset = 77;

s32 BPF_STRUCT_OPS_SLEEPABLE(arena_layout_init)
{
	struct counter __arena *c = never_set;
	u64 __arena *p, *q, *far;

	null_read = c->idx;                 /* page 0, not allocated: the load gives 0 */
	c->slots[1] = 5;                    /* dropped */
	p = bpf_arena_alloc_pages(&arena, NULL, 2, NUMA_NO_NODE, 0);
	if (!p)
		return -ENOMEM;
	first_page_offset = (u64)p & 0xffffffffULL;
	if (first_page_offset != 0)
		problems |= 1;              /* the first allocation is page 0 */
	if (p[0] || p[2])
		problems |= 2;              /* a fresh page is zeroed: the dropped store is not in it */
	c->idx = 41;                        /* NULL now reaches page 0, allocated */
	if (p[0] != 41)
		problems |= 4;
	far = p + 10 * 512;                 /* page 10: not allocated */
	q = p + 20 * 512;                   /* page 20: not allocated either */
	*far = 9;
	asm volatile("" ::: "memory"); /* keep the store before the loads */
	if (*far != 0 || *q != 0)
		problems |= 8;              /* stores to pages not allocated are dropped */
	bpf_arena_free_pages(&arena, p, 2);
	p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
	if (!p || ((u64)p & 0xffffffffULL) != 0 || p[0])
		problems |= 16;             /* freed and allocated again: page 0, zeroed */
	return 0;
}

void BPF_STRUCT_OPS(arena_layout_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SCX_OPS_DEFINE(arena_layout_ops,
	       .init = (void *)arena_layout_init,
	       .enqueue = (void *)arena_layout_enqueue,
	       .name = "arena_layout");
