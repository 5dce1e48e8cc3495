/*
 * bpf/bpf_core_read.h for the simulator build of a policy. CO-RE relocations adapt a BPF
 * program to the running kernel's types; in the simulator the types are the shim's own, so
 * a CO-RE read is a plain read and every field, type and enumerator the shim declares exists.
 */
#ifndef __BPF_CORE_READ_H__
#define __BPF_CORE_READ_H__

#include "bpf_helpers.h"

#define bpf_core_field_exists(field...) (1)
#define bpf_core_field_size(field) sizeof(field)
#define bpf_core_field_offset(type, field) offsetof(type, field)
#define bpf_core_type_exists(type) (1)
#define bpf_core_type_matches(type) (1)
#define bpf_core_type_size(type) sizeof(type)
/* sched_ext enumerators follow the emulated kernel; others exist as the shim declares them. */
#define bpf_core_enum_value_exists(enum_type, enum_value) scxsim_enum_exists(#enum_value)
#define bpf_core_enum_value(enum_type, enum_value) ((long long)(enum_value))
#define bpf_core_cast(ptr, type) ((type *)(ptr))

#define ___core_chain1(s, a) (s)->a
#define ___core_chain2(s, a, b) (s)->a->b
#define ___core_chain3(s, a, b, c) (s)->a->b->c
#define ___core_chain4(s, a, b, c, d) (s)->a->b->c->d
#define ___core_chain5(s, a, b, c, d, e) (s)->a->b->c->d->e
#define ___core_nth(_1, _2, _3, _4, _5, N, ...) N
#define ___core_pick(...) ___core_nth(__VA_ARGS__, 5, 4, 3, 2, 1)
#define ___core_cat_(a, b) a##b
#define ___core_cat(a, b) ___core_cat_(a, b)

/* BPF_CORE_READ(src, a, b, c) reads src->a->b->c. */
#define BPF_CORE_READ(src, ...)							\
	(___core_cat(___core_chain, ___core_pick(__VA_ARGS__))((src), __VA_ARGS__))
#define BPF_PROBE_READ(src, ...) BPF_CORE_READ(src, __VA_ARGS__)
#define BPF_CORE_READ_INTO(dst, src, ...)					\
	({ *(dst) = BPF_CORE_READ(src, __VA_ARGS__); 0; })
#define BPF_CORE_READ_STR_INTO(dst, src, field)					\
	bpf_probe_read_kernel_str((dst), sizeof(*(dst)), (src)->field)
#define bpf_core_read(dst, sz, src) bpf_probe_read_kernel((dst), (sz), (src))
#define bpf_core_read_str(dst, sz, src) bpf_probe_read_kernel_str((dst), (sz), (src))

#endif
