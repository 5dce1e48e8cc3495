/*
 * bpf_arena_common.bpf.h (the scx tree's top-level name for the arena helpers) for the
 * simulator build: the same plain-memory arena as scx/bpf_arena_common.bpf.h.
 */
#ifndef __SCXSIM_BPF_ARENA_COMMON_BPF_H
#define __SCXSIM_BPF_ARENA_COMMON_BPF_H
#include "scx/bpf_arena_common.bpf.h"
#endif
