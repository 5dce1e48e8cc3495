/*
 * bpf_atomic.h (scx's compare-and-exchange and memory-ordering macros for BPF) for the
 * simulator build, written on the compiler's __atomic builtins. Simulated callbacks never run
 * concurrently, so the orderings only keep the compiler from reordering.
 */
#ifndef __SCXSIM_BPF_ATOMIC_H
#define __SCXSIM_BPF_ATOMIC_H

#include "vmlinux.h"
#include "bpf/bpf_helpers.h"
#include "bpf_experimental.h"

#define __unqual_typeof(x) __typeof__(+(x))

#define cpu_relax() ({})

#ifndef READ_ONCE
#define READ_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val) ((*(volatile __typeof__(x) *)&(x)) = (val))
#endif

#define cmpxchg(p, old, new) __sync_val_compare_and_swap((p), old, new)

#define try_cmpxchg(p, pold, new)						\
	({									\
		__typeof__(*(pold)) ___old = *(pold);				\
		__typeof__(*(p)) ___seen = cmpxchg(p, ___old, new);		\
		if (___seen != ___old)						\
			*(pold) = ___seen;					\
		___seen == ___old;						\
	})
#define try_cmpxchg_relaxed(p, pold, new) try_cmpxchg(p, pold, new)
#define try_cmpxchg_acquire(p, pold, new) try_cmpxchg(p, pold, new)

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_acquire__after_ctrl_dep() smp_rmb()
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, val) __atomic_store_n((p), (val), __ATOMIC_RELEASE)

/* Wait until @cond_expr (over VAL) holds. Nothing else runs meanwhile here, so a condition
 * that does not hold at once never will: the loop gives up as the kernel's may_goto does. */
#define smp_cond_load_relaxed_label(p, cond_expr, label)			\
	({									\
		__typeof__(*(p)) VAL = READ_ONCE(*(p));				\
		if (!(cond_expr))						\
			goto label;						\
		VAL;								\
	})
#define smp_cond_load_acquire_label(p, cond_expr, label)			\
	smp_cond_load_relaxed_label(p, cond_expr, label)

#define atomic_read(p) READ_ONCE((p)->counter)
#define atomic_cond_read_relaxed_label(p, cond_expr, label)			\
	smp_cond_load_relaxed_label(&(p)->counter, cond_expr, label)
#define atomic_cond_read_acquire_label(p, cond_expr, label)			\
	smp_cond_load_acquire_label(&(p)->counter, cond_expr, label)
#define atomic_try_cmpxchg_relaxed(p, pold, new) try_cmpxchg_relaxed(&(p)->counter, pold, new)
#define atomic_try_cmpxchg_acquire(p, pold, new) try_cmpxchg_acquire(&(p)->counter, pold, new)

#endif
