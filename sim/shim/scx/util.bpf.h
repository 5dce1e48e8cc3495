/*
 * Small arithmetic and ordering helpers of the sched_ext BPF API (time comparisons, once-only
 * accesses, averages, logarithms, weight scaling), as plain userspace C for the simulator build.
 * Names and results follow the kernel's scx/common.bpf.h (Linux 7.2); the code is our own.
 */
#ifndef __SCX_UTIL_BPF_H
#define __SCX_UTIL_BPF_H

#include "vmlinux.h"

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __maybe_unused
#define __maybe_unused __attribute__((__unused__))
#endif

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif
#ifndef BIT_U64
#define BIT_U64(nr) (1ULL << (nr))
#endif
#ifndef GENMASK_U64
#define GENMASK_U64(h, l) ((~0ULL << (l)) & (~0ULL >> (63 - (h))))
#endif

/*
 * ---- wrapping u64 time stamps ----
 * Each test looks at the sign of one difference, the same one as the kernel's helper, so the
 * results agree even when the two stamps are exactly 2^63 apart.
 */

/* @after - @before, or 0 when @after is not later. */
static inline s64 time_delta(u64 after, u64 before)
{
	s64 d = (s64)(after - before);

	return d > 0 ? d : 0;
}

static inline bool time_after(u64 a, u64 b)
{
	return (s64)(b - a) < 0;
}

static inline bool time_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

static inline bool time_after_eq(u64 a, u64 b)
{
	return (s64)(a - b) >= 0;
}

static inline bool time_before_eq(u64 a, u64 b)
{
	return (s64)(b - a) >= 0;
}

/* @a within [@b, @c]. */
static inline bool time_in_range(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before_eq(a, c);
}

/* @a within [@b, @c). */
static inline bool time_in_range_open(u64 a, u64 b, u64 c)
{
	return time_after_eq(a, b) && time_before(a, c);
}

/* ---- single, untorn accesses ---- */

/* The type of @x without qualifiers (an rvalue's type). */
#define __scx_unqual_typeof(x) __typeof__((void)0, (x))

#define READ_ONCE(x)								\
({										\
	__scx_unqual_typeof(x) __scx_ro_val =					\
		*(const volatile __typeof__(x) *)&(x);				\
	__scx_ro_val;								\
})

#define WRITE_ONCE(x, val)							\
({										\
	__scx_unqual_typeof(x) __scx_wo_val = (val);				\
	*(volatile __typeof__(x) *)&(x) = __scx_wo_val;				\
	__scx_wo_val;								\
})

/* ---- arithmetic ---- */

/*
 * Exponentially weighted moving average: the old value keeps weight 1 - 2^-decay. While either
 * value is below 2^decay, halves are used instead so small values still move (and 1 decays to 0).
 */
/* a < b after the usual arithmetic conversions, spelled out so -Wsign-compare stays quiet. */
#define __scx_lt(a, b) ((__typeof__((a) + (b)))(a) < (__typeof__((a) + (b)))(b))

#define __calc_avg(old, new, decay)						\
({										\
	__typeof__(decay) __scx_thr = 1 << (decay);				\
	__typeof__(old) __scx_avg;						\
	if (__scx_lt(old, __scx_thr) || __scx_lt(new, __scx_thr))		\
		__scx_avg = ((old) == 1 && (new) == 0) ? 0 :			\
			((old) - ((old) >> 1)) + ((new) >> 1);			\
	else									\
		__scx_avg = ((old) - ((old) >> (decay))) + ((new) >> (decay));	\
	__scx_avg;								\
})

/* floor(log2(v)); 0 for v == 0. */
static inline u32 log2_u32(u32 v)
{
	return v ? 31 - (u32)__builtin_clz(v) : 0;
}

/* Number of significant bits of @v, i.e. floor(log2(v)) + 1; 1 for v == 0 (as the kernel's). */
static inline u32 log2_u64(u64 v)
{
	return v ? 64 - (u32)__builtin_clzll(v) : 1;
}

/*
 * Integer square root by Newton's method, starting from min(x, 2^32) and stopping after at most
 * eight steps, so very large inputs give the same (not fully converged) result as in the kernel.
 */
static inline u64 __sqrt_u64(u64 x)
{
	u64 r, q;
	int step;

	if (x < 2)
		return x;
	r = x < (1ULL << 32) ? x : (1ULL << 32);
	for (step = 0; step < 8; step++) {
		q = x / r;
		if (r <= q)
			break;
		r = (r + q) >> 1;
	}
	return r;
}

/* Index of the lowest set bit; the kernel leaves v == 0 undefined, here it gives 64. */
static inline int ctzll(u64 v)
{
	return v ? __builtin_ctzll(v) : 64;
}

/* @value scaled by the task's weight (100 for nice 0). */
static inline u64 scale_by_task_weight(const struct task_struct *p, u64 value)
{
	return value * p->scx.weight / 100;
}

/* @value scaled by the inverse of the task's weight (0 for a zero weight, as BPF divides). */
static inline u64 scale_by_task_weight_inverse(const struct task_struct *p, u64 value)
{
	u32 w = p->scx.weight;

	return w ? value * 100 / w : 0;
}

/* ---- struct sizes (abbreviated <linux/overflow.h>) ---- */
#ifndef flex_array_size
#define flex_array_size(p, member, count) ((count) * sizeof(*(p)->member))
#endif
#ifndef struct_size
#define struct_size(p, member, count)						\
	(offsetof(__typeof__(*(p)), member) + flex_array_size(p, member, count))
#endif
#ifndef struct_size_t
#define struct_size_t(type, member, count) struct_size((type *)NULL, member, count)
#endif

#endif /* __SCX_UTIL_BPF_H */
