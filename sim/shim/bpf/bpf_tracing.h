/*
 * bpf/bpf_tracing.h for the simulator build of a policy. Policies include it for the
 * BPF_PROG family; struct_ops callbacks in the shim are plain functions, so BPF_PROG(name,
 * args...) declares name(args...) directly.
 */
#ifndef __BPF_TRACING_H__
#define __BPF_TRACING_H__

#include "bpf_helpers.h"

#define BPF_PROG(name, args...) name(args)
#define BPF_PROG2(name, args...) name(args)

#endif
