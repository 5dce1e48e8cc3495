/*
 * A fixture policy that takes BPF memory without bound, which the kernel's memory charging
 * refuses: a global FIFO that at every enqueue, as `hog_how` says,
 *   1: allocates 64 KiB objects with bpf_obj_new() and never drops them, until one is NULL;
 *   2: inserts new keys into a hash map that allocates as it fills (BPF_F_NO_PREALLOC) until
 *      an update fails;
 *   3: allocates arena pages until bpf_arena_alloc_pages() gives NULL.
 * It then exits (scx_bpf_exit) with how far it got and the error it was given, so a run shows
 * the limit was kept and the policy saw the kernel's error returns. Its map `sized_by_loader`
 * has max_entries 0: --map-entries sized_by_loader=N makes a map of N x 72 bytes at load.
 */
#include <scx/common.bpf.h>
#include <scx/bpf_arena_common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0

const volatile u32 hog_how;

struct blob {
	u64 words[8192]; /* 64 KiB */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1 << 30);
	__type(key, u64);
	__type(value, u64);
} grows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 0);
	__type(key, u64);
	__type(value, u8[64]);
} sized_by_loader SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1 << 20);
} arena SEC(".maps");

static u64 taken;
static bool reported;

static void report(const char *what, long err)
{
	if (reported)
		return;
	reported = true;
	scx_bpf_exit(0, "%s after %llu: %ld", what, taken, err);
}

void BPF_STRUCT_OPS(hog_enqueue, struct task_struct *p, u64 enq_flags)
{
	for (int i = 0; i < 4096 && !reported; i++) {
		if (hog_how == 1) {
			struct blob *b = bpf_obj_new(struct blob);

			if (!b)
				report("bpf_obj_new gave NULL", 0);
			else
				taken++; /* never dropped: the leak */
		} else if (hog_how == 2) {
			u64 key = taken, one = 1;
			long err = bpf_map_update_elem(&grows, &key, &one, BPF_NOEXIST);

			if (err)
				report("bpf_map_update_elem failed", err);
			else
				taken++;
		} else if (hog_how == 3) {
			void __arena *page = bpf_arena_alloc_pages(&arena, NULL, 16, NUMA_NO_NODE, 0);

			if (!page)
				report("bpf_arena_alloc_pages gave NULL", 0);
			else
				taken++;
		}
	}
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(hog_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(hog_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

SCX_OPS_DEFINE(hog_ops,
	       .enqueue = (void *)hog_enqueue,
	       .dispatch = (void *)hog_dispatch,
	       .init = (void *)hog_init,
	       .name = "memory_hog");
