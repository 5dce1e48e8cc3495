/*
 * scx/common.bpf.h for the simulator build of a sched_ext policy.
 *
 * A policy written for the kernel's tools/sched_ext headers includes <scx/common.bpf.h>; with
 * `-I sim/shim` it gets this file instead, which gives the same names and macro shapes (Linux
 * 7.2) as plain userspace C: struct_ops callbacks become ordinary functions, BPF data sections
 * become named ELF sections of the .sim.so, and kfuncs become calls into libscxsim.
 *
 * What differs from the kernel, on purpose:
 *  - RESIZABLE_ARRAY() arrays have SCXSIM_RESIZABLE_ARRAY_LEN elements (the loader cannot grow a
 *    global of a shared object); the user exit dump has UEI_DUMP_DFL_LEN bytes.
 *  - MEMBER_VPTR() / ARRAY_ELEM_PTR() check bounds in C (NULL when out of range) instead of
 *    steering the verifier with inline BPF assembly.
 *  - is_migration_disabled() reads p->migration_disabled as is: the simulator does not add the
 *    BPF program prologue's migrate_disable() count to the current task.
 *  - scx_clock_task/pelt() read the simulated rq's clocks; scx_clock_virt/irq() are 0 (no steal
 *    or IRQ time is simulated); get_current_rq() (per-CPU `runqueues` via CO-RE) is not
 *    provided, nor the cid-form ops (SCX_OPS_CID_DEFINE, cid.bpf.h) or the enums.autogen layer
 *    (SCX_* enumerators come straight from vmlinux.h).
 */
#ifndef __SCX_COMMON_BPF_H
#define __SCX_COMMON_BPF_H

/* The kernel header sets this before vmlinux.h; kept for sources that test it. */
#ifndef BPF_NO_KFUNC_PROTOTYPES
#define BPF_NO_KFUNC_PROTOTYPES
#endif

#include "vmlinux.h"

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <errno.h>
#include <stdbool.h>

#include "scxsim/kfuncs.h"

/* ---- constants ---- */
#ifndef PF_IDLE
#define PF_IDLE 0x00000002
#endif
#ifndef PF_EXITING
#define PF_EXITING 0x00000004
#endif
#ifndef PF_IO_WORKER
#define PF_IO_WORKER 0x00000010
#endif
#ifndef PF_WQ_WORKER
#define PF_WQ_WORKER 0x00000020
#endif
#ifndef PF_KCOMPACTD
#define PF_KCOMPACTD 0x00010000
#endif
#ifndef PF_KSWAPD
#define PF_KSWAPD 0x00020000
#endif
#ifndef PF_KTHREAD
#define PF_KTHREAD 0x00200000
#endif
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
#ifndef NR_CPUS
#define NR_CPUS 1024
#endif
#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

/* Kernel configuration as the simulator reports it (variables exported by libscxsim). */
extern int LINUX_KERNEL_VERSION __kconfig;
extern const char CONFIG_CC_VERSION_TEXT[64] __kconfig __weak;
extern const char CONFIG_LOCALVERSION[64] __kconfig __weak;

/* ---- struct_ops callbacks ---- */

/* "void" for an empty parameter list, the parameters otherwise. */
#define __scx_first_arg(a, ...) a
#define __scx_has_args(...) __scx_first_arg(__VA_OPT__(1, ) 0, ~)
#define __scx_params_0(...) void
#define __scx_params_1(...) __VA_ARGS__
#define __scx_params__(has, ...) __scx_params_##has(__VA_ARGS__)
#define __scx_params_(has, ...) __scx_params__(has, __VA_ARGS__)
#define __scx_params(...) __scx_params_(__scx_has_args(__VA_ARGS__), __VA_ARGS__)

/*
 * `s32 BPF_STRUCT_OPS(x_init)` is `s32 x_init(void)`; `void BPF_STRUCT_OPS(x_enqueue,
 * struct task_struct *p, u64 enq_flags)` is `void x_enqueue(struct task_struct *p, u64
 * enq_flags)`. The ops table (SCX_OPS_DEFINE) points at these functions.
 */
#define BPF_STRUCT_OPS(name, ...) name(__scx_params(__VA_ARGS__))
#define BPF_STRUCT_OPS_SLEEPABLE(name, ...) name(__scx_params(__VA_ARGS__))

/* The iterator of the enclosing bpf_for_each() loop, for scx_bpf_dsq_move[_vtime](). */
#define BPF_FOR_EACH_ITER (&___it)

/* A field of struct scx_event_stats (all exist in the emulated kernel). */
#define scx_read_event(e, name) ((e)->name)

/* ---- data placement ---- */

#ifndef SCXSIM_RESIZABLE_ARRAY_LEN
#define SCXSIM_RESIZABLE_ARRAY_LEN NR_CPUS
#endif

/*
 * `u64 RESIZABLE_ARRAY(data, x);` declares u64 x[SCXSIM_RESIZABLE_ARRAY_LEN] in section
 * ".data.x". The loader's resize request must fit; the symbol's size in the .so tells how much
 * room there is.
 */
#define RESIZABLE_ARRAY(elfsec, arr)						\
	arr[SCXSIM_RESIZABLE_ARRAY_LEN] SEC(".data." #arr)

/*
 * private(NAME) places a global in section ".data.NAME" (the kernel uses such sections for
 * globals that hold spin locks, kptrs and graph roots). The symbol stays visible so the loader
 * can find it.
 */
#define private(name) SEC(".data." #name) __attribute__((aligned(8)))

/* BTF annotation of a graph root's node type: nothing to record here. */
#define __contains(name, node)

/*
 * MEMBER_VPTR(base, member): &(base member) when it lies inside @base, NULL otherwise.
 * @base must be an object (not a pointer to one): write MEMBER_VPTR(*ptr, .field).
 */
#define MEMBER_VPTR(base, member)						\
	((__typeof__((base) member) *)({					\
		_Static_assert(sizeof(base) >= sizeof((base) member),		\
			       "@base is smaller than @member, is @base a pointer?"); \
		u64 __scx_mv_base = (u64)&(base);				\
		u64 __scx_mv_off = (u64)&((base) member) - __scx_mv_base;	\
		__scx_mv_off <= sizeof(base) - sizeof((base) member) ?		\
			__scx_mv_base + __scx_mv_off : 0;			\
	}))

/* True when @a is an array (not a pointer). */
#define __scx_is_array(a)							\
	(!__builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])))

/*
 * ARRAY_ELEM_PTR(arr, i, n): &arr[i] when 0 <= i < n, NULL otherwise. When @arr is an array
 * its real size also bounds the index (a resizable array may be asked for more than it has).
 */
#define ARRAY_ELEM_PTR(arr, i, n)						\
	((__typeof__((arr)[i]) *)({						\
		u64 __scx_ae_base = (u64)(arr);					\
		u64 __scx_ae_off = (u64)&((arr)[i]) - __scx_ae_base;		\
		u64 __scx_ae_lim = sizeof((arr)[0]) * (u64)(n);			\
		if (__scx_is_array(arr) && __scx_ae_lim > sizeof(arr))		\
			__scx_ae_lim = sizeof(arr);				\
		__scx_ae_off < __scx_ae_lim ? __scx_ae_base + __scx_ae_off : 0;	\
	}))

/* Hides @expr's value from the optimiser (keeps it alive; no effect at run time). */
#define __sink(expr) __asm__ volatile("" : "+g"(expr))

/* ---- kfunc prototypes beyond the sched_ext ones ---- */
#include "scx/bpf_kfuncs.bpf.h"
#include "scx/kfuncs_extra.bpf.h"

/* ---- small inline helpers ---- */

/* A bpf_cpumask read as a plain cpumask. */
static __always_inline const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

/* True when @p may not move to another CPU (migrate_disable() in effect). */
static inline bool is_migration_disabled(const struct task_struct *p)
{
	return p->migration_disabled != 0;
}

/* 64 random bits from two bpf_get_prandom_u32() calls (high half first). */
static inline u64 get_prandom_u64(void)
{
	u64 hi = bpf_get_prandom_u32();
	u64 lo = bpf_get_prandom_u32();

	return hi << 32 | lo;
}

#include "scx/util.bpf.h"
#include "scx/bstr.bpf.h"
#include "scx/cpu_iter.bpf.h"
#include "scx/user_exit_info.bpf.h"
#include "scx/compat.bpf.h"

/* ---- per-CPU clocks (scx's wrappers around the rq's clocks) ---- */
static inline u64 scx_clock_task(u32 cpu)
{
	struct rq *rq = scx_bpf_cpu_rq((s32)cpu);

	return rq ? rq->clock_task : 0;
}

static inline u64 scx_clock_pelt(u32 cpu)
{
	struct rq *rq = scx_bpf_cpu_rq((s32)cpu);

	return rq ? rq->clock_pelt : 0;
}

static inline u64 scx_clock_virt(u32 cpu)
{
	(void)cpu;
	return 0;
}

static inline u64 scx_clock_irq(u32 cpu)
{
	(void)cpu;
	return 0;
}

/* clang's fixed-size copy; gcc has only the ordinary builtin */
#ifndef __clang__
#define __builtin_memcpy_inline(dst, src, n) __builtin_memcpy((dst), (src), (n))
#endif

#endif /* __SCX_COMMON_BPF_H */
