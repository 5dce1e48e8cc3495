/*
 * scx/bpf_arena_common.bpf.h for the simulator build of a policy.
 *
 * In the kernel an arena is a region mapped both into the BPF program (address space 1) and
 * into user space, and pointers are converted between the two (cast_kern / cast_user). The
 * simulator runs everything in one address space, so __arena marks nothing and the casts do
 * nothing; bpf_arena_alloc_pages() hands out pages of a 4 GiB window laid out as the kernel's
 * (sim/bpf/arena.c). can_loop / cond_break (the verifier's may_goto escape hatch) never break
 * a loop here: the loop's own condition ends it.
 */
#ifndef __SCX_BPF_ARENA_COMMON_BPF_H
#define __SCX_BPF_ARENA_COMMON_BPF_H

#include "../vmlinux.h"

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifndef __arena
#define __arena
#endif
#define __arena_global
#define cast_kern(ptr) ((void)0)
#define cast_user(ptr) ((void)0)

#define can_loop true
#define __cond_break(expr) ((void)0)
#define cond_break __cond_break(break)
#define cond_break_label(label) __cond_break(goto label)

#ifndef arena_container_of
#define arena_container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags);
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt);
int bpf_arena_reserve_pages(void *map, void __arena *ptr, __u32 page_cnt);
long bpf_arena_mapping_nr_pages(void *p__map);
void bpf_preempt_disable(void);
void bpf_preempt_enable(void);

#endif
