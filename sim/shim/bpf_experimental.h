/*
 * bpf_experimental.h (the BPF selftests' header of newer kfunc wrappers that scx includes) for
 * the simulator build: the object, list and rbtree wrappers come from the shim's
 * scx/bpf_kfuncs.bpf.h, loop escapes from scx/bpf_arena_common.bpf.h; what is BPF assembly
 * there (address-space casts, verifier bound hints) is plain C here.
 */
#ifndef __SCXSIM_BPF_EXPERIMENTAL_H
#define __SCXSIM_BPF_EXPERIMENTAL_H

#include "vmlinux.h"
#include "bpf/bpf_helpers.h"
#include "scx/bpf_kfuncs.bpf.h"
#include "scx/bpf_arena_common.bpf.h"

#ifndef __contains
#define __contains(name, node)
#endif

/* one address space: nothing to cast */
#define bpf_addr_space_cast(var, dst_as, src_as) ((void)0)
#define bpf_nop_mov(var) ((void)0)

#ifndef bpf_cmp_unlikely
#define bpf_cmp_unlikely(LHS, OP, RHS) __builtin_expect(!!((LHS) OP (RHS)), 0)
#endif
#ifndef bpf_cmp_likely
#define bpf_cmp_likely(LHS, OP, RHS) __builtin_expect(!!((LHS) OP (RHS)), 1)
#endif

/* a failed assertion ends the program with an error exit, as bpf_throw() does */
void scxsim_bpf_throw(u64 cookie);
#define bpf_throw(cookie) scxsim_bpf_throw(cookie)
#define bpf_assert(cond) if (!(cond)) bpf_throw(0);
#define bpf_assert_with(cond, value) if (!(cond)) bpf_throw(value);
#define bpf_assert_range(LHS, BEG, END) ({ if ((LHS) < (BEG) || (LHS) > (END)) bpf_throw(0); })
#define bpf_assert_range_with(LHS, BEG, END, value)				\
	({ if ((LHS) < (BEG) || (LHS) > (END)) bpf_throw(value); })

typedef struct {
	int __unused_placeholder;
} __bpf_preempt_t;
static inline __bpf_preempt_t __bpf_preempt_constructor(void)
{
	__bpf_preempt_t ret = { 0 };

	bpf_preempt_disable();
	return ret;
}
static inline void __bpf_preempt_destructor(__bpf_preempt_t *t)
{
	(void)t;
	bpf_preempt_enable();
}
#define bpf_guard_preempt()							\
	__bpf_preempt_t ___bpf_apply(preempt, __COUNTER__)			\
	__attribute__((__unused__, __cleanup__(__bpf_preempt_destructor))) =	\
	__bpf_preempt_constructor()

/*
 * Execution context. Simulated callbacks and timers run as task or scheduler context, never
 * in an interrupt: every test but bpf_in_task() is false.
 */
static inline int bpf_in_interrupt(void) { return 0; }
static inline int bpf_in_nmi(void) { return 0; }
static inline int bpf_in_hardirq(void) { return 0; }
static inline int bpf_in_serving_softirq(void) { return 0; }
static inline int bpf_in_task(void) { return 1; }

#endif
