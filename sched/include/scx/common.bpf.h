/*
 * The BPF side of a scxlab policy: what `#include <scx/common.bpf.h>` gives a sched_ext
 * scheduler compiled with clang -target bpf against a 7.x kernel's vmlinux.h. The names and
 * macro shapes follow the kernel's tools/sched_ext headers, so a scheduler written for those
 * compiles here unchanged (and, through sim/shim, for the simulator).
 *
 * Contents: struct_ops definition macros, the error/exit/dump macros, open-coded iterator
 * loops, small helpers (cast_mask, READ_ONCE, time comparisons, log2), the kfunc declarations
 * (kfuncs.bpf.h), the exit record (user_exit_info.bpf.h) and the compat wrappers.
 */
#ifndef __SCX_COMMON_BPF_H
#define __SCX_COMMON_BPF_H

/* kfuncs are declared by kfuncs.bpf.h, with the compat names some policies rely on */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno.h>

#include "kfuncs.bpf.h"
#include "user_exit_info.bpf.h"

#ifndef PF_IDLE
#define PF_IDLE 0x00000002
#endif
#ifndef PF_EXITING
#define PF_EXITING 0x00000004
#endif
#ifndef PF_KTHREAD
#define PF_KTHREAD 0x00200000
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

/* ---- struct_ops ---- */

#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* The policy's one struct_ops map; loaders attach it with a link. */
#define SCX_OPS_DEFINE(__name, ...)						\
	SEC(".struct_ops.link")							\
	struct sched_ext_ops __name = {						\
		__VA_ARGS__,							\
	}

/* ---- errors, exits and dumps: printf-like, formatted by the kernel (bstr) ---- */

/*
 * The format must be writable memory (the kfuncs take char *), so it is copied into a static
 * array; the arguments become an array of u64.
 */
#define scx_bpf_bstr_preamble(fmt, args...)					\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args)];				\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	___bpf_fill(___param, args);						\
	_Pragma("GCC diagnostic pop")

#define scx_bpf_exit(code, fmt, args...)					\
	({									\
		scx_bpf_bstr_preamble(fmt, args)				\
		scx_bpf_exit_bstr(code, ___fmt, ___param, sizeof(___param));	\
		___scx_bpf_bstr_format_checker(fmt, ##args);			\
	})

#define scx_bpf_error(fmt, args...)						\
	({									\
		scx_bpf_bstr_preamble(__FILE__ ":" ___SCX_LINE ": " fmt, args)	\
		scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));		\
		___scx_bpf_bstr_format_checker(fmt, ##args);			\
	})

#define scx_bpf_dump(fmt, args...)						\
	({									\
		scx_bpf_bstr_preamble(fmt, args)				\
		scx_bpf_dump_bstr(___fmt, ___param, sizeof(___param));		\
		___scx_bpf_bstr_format_checker(fmt, ##args);			\
	})

#define ___SCX_STR2(x) #x
#define ___SCX_STR(x) ___SCX_STR2(x)
#define ___SCX_LINE ___SCX_STR(__LINE__)

/* Lets the compiler check a format against its arguments; generates no code. */
static inline __attribute__((format(printf, 1, 2)))
void ___scx_bpf_bstr_format_checker(const char *fmt, ...) {}

/* ---- open-coded iterators ---- */

/* The iterator variable of the enclosing bpf_for_each() (for scx_bpf_dsq_move() and co.). */
#define BPF_FOR_EACH_ITER (&___it)

#ifndef bpf_for_each
#define bpf_for_each(type, cur, args...)					\
	for (struct bpf_iter_##type ___it					\
		__attribute__((aligned(8), cleanup(bpf_iter_##type##_destroy))), \
		*___p __attribute__((unused)) =					\
			(bpf_iter_##type##_new(&___it, ##args),			\
			 (void)bpf_iter_##type##_destroy, (void *)0);		\
	     (((cur) = bpf_iter_##type##_next(&___it)));)
#endif

#ifndef bpf_for
/* for (i = start; i < end; i++), bounded for the verifier by the num iterator */
#define bpf_for(i, start, end)							\
	for (struct bpf_iter_num ___it						\
		__attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),	\
		*___p __attribute__((unused)) =					\
			(bpf_iter_num_new(&___it, (start), (end)),		\
			 (void)bpf_iter_num_destroy, (void *)0);		\
	     ({ int *___t = bpf_iter_num_next(&___it);				\
		(___t && ((i) = *___t, (i) >= (start) && (i) < (end))); });)
#endif

#ifndef bpf_repeat
#define bpf_repeat(N)								\
	for (struct bpf_iter_num ___it						\
		__attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),	\
		*___p __attribute__((unused)) =					\
			(bpf_iter_num_new(&___it, 0, (N)),			\
			 (void)bpf_iter_num_destroy, (void *)0);		\
	     bpf_iter_num_next(&___it);)
#endif

/* ---- small helpers ---- */

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) ((*(volatile __typeof__(x) *)&(x)) = (val))

/* A bpf_cpumask read as a plain cpumask. */
static __always_inline const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

/* Signed distance between two u64 clocks, correct across wrap-around. */
static inline s64 time_delta(u64 after, u64 before)
{
	return (s64)(after - before);
}

static inline bool time_after(u64 a, u64 b) { return (s64)(b - a) < 0; }
static inline bool time_before(u64 a, u64 b) { return time_after(b, a); }
static inline bool time_after_eq(u64 a, u64 b) { return (s64)(a - b) >= 0; }
static inline bool time_before_eq(u64 a, u64 b) { return time_after_eq(b, a); }

static inline u32 log2_u32(u32 v)
{
	return v ? 31 - __builtin_clz(v) : 0;
}

static inline u32 log2_u64(u64 v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}

/* @value scaled by the task's weight (100 at nice 0) and by its inverse. */
static inline u64 scale_by_task_weight(const struct task_struct *p, u64 value)
{
	return value * p->scx.weight / 100;
}

static inline u64 scale_by_task_weight_inverse(const struct task_struct *p, u64 value)
{
	return value * 100 / (p->scx.weight ? p->scx.weight : 1);
}

/*
 * &(base member) if it lies inside @base, else NULL; and &arr[i] if i < n, else NULL. The
 * bounds check is kept (barrier_var) so the verifier sees it.
 */
#define MEMBER_VPTR(base, member)						\
	((__typeof__((base) member) *)({					\
		u64 ___off = (u64)&((base) member) - (u64)&(base);		\
		barrier_var(___off);						\
		___off <= sizeof(base) - sizeof((base) member) ?		\
			(u64)&(base) + ___off : 0;				\
	}))

#define ARRAY_ELEM_PTR(arr, i, n)						\
	((__typeof__((arr)[0]) *)({						\
		u64 ___i = (u64)(i);						\
		barrier_var(___i);						\
		___i < (u64)(n) ? (u64)&(arr)[0] + ___i * sizeof((arr)[0]) : 0; \
	}))

#include "compat.bpf.h"

#endif
