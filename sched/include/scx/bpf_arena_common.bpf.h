/*
 * BPF arenas for the kernel build of a scxlab policy (clang -target bpf): the arena address
 * space and the arena kfuncs, under the names scx's headers use, so a policy written against
 * them builds here and, through sim/shim (which lays arenas out the same way), for the
 * simulator. With clang's address-space casts (__BPF_FEATURE_ADDR_SPACE_CAST), an `__arena`
 * pointer lives in address space 1 and the compiler inserts the conversions; cast_kern() and
 * cast_user() are then no-ops. The verifier's may_goto loop bound (can_loop) is not provided.
 */
#ifndef __SCXLAB_BPF_ARENA_COMMON_BPF_H
#define __SCXLAB_BPF_ARENA_COMMON_BPF_H

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

#if defined(__BPF_FEATURE_ADDR_SPACE_CAST) && !defined(__arena)
#define __arena __attribute__((address_space(1)))
#define __arena_global __attribute__((address_space(1)))
#define cast_kern(ptr) ((void)0)
#define cast_user(ptr) ((void)0)
#elif !defined(__arena)
#error "arena pointers need clang's BPF address-space casts (clang 18 or later)"
#endif

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;

#endif
