/*
 * scx/bpf_arena_common.h (the part of the arena helpers shared with user-space code) for the
 * simulator: one address space, so arena pointers are ordinary pointers.
 */
#ifndef __SCX_BPF_ARENA_COMMON_H
#define __SCX_BPF_ARENA_COMMON_H

#ifndef __arena
#define __arena
#endif
#ifndef __arg_arena
#define __arg_arena
#endif
#ifndef arena_container_of
#define arena_container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))
#endif

#endif
