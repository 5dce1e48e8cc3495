/*
 * The sched_ext compatibility layer (scx/compat.bpf.h) for the simulator build of a policy.
 *
 * On a real kernel these wrappers pick between old and new kfuncs with bpf_ksym_exists() and
 * CO-RE checks. The simulator emulates the newest kernel (Linux 7.2), so every wrapper here goes
 * straight to the 7.2 kfunc (scxsim/kfuncs.h) and every "is this available" test is true. The
 * names, argument lists and return types are those of the kernel's 7.2 header.
 *
 * Kfuncs whose kernel name already is the call name (scx_bpf_dsq_move(), _move_vtime(),
 * _move_set_slice(), _move_set_vtime(), scx_bpf_task_set_slice(), scx_bpf_task_set_dsq_vtime(),
 * scx_bpf_now(), scx_bpf_task_cgroup(), scx_bpf_dsq_peek()) are declared in scxsim/kfuncs.h and
 * need nothing here.
 */
#ifndef __SCX_COMPAT_BPF_H
#define __SCX_COMPAT_BPF_H

#include "vmlinux.h"
#include "scxsim/kfuncs.h"
#include "scx/kfuncs_extra.bpf.h"

/* The enumerator's value if the emulated kernel has it, 0 otherwise. */
#define __COMPAT_ENUM_OR_ZERO(__type, __ent) (scxsim_enum_exists(#__ent) ? (__type)(__ent) : (__type)0)

/* ---- inserting tasks into DSQs ---- */

/* Returns false when the insertion was refused (Linux 6.19+ semantics). */
static inline bool scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
				      u64 enq_flags)
{
	return scx_bpf_dsq_insert___v2(p, dsq_id, slice, enq_flags);
}

static inline bool scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
					    u64 vtime, u64 enq_flags)
{
	struct scx_bpf_dsq_insert_vtime_args args = {
		.dsq_id = dsq_id,
		.slice = slice,
		.vtime = vtime,
		.enq_flags = enq_flags,
	};

	return __scx_bpf_dsq_insert_vtime(p, &args);
}

/*
 * scx_bpf_dsq_move_to_local(dsq_id) (scx sources up to early 2026) and
 * scx_bpf_dsq_move_to_local(dsq_id, enq_flags) (Linux 7.1+ headers) both work: the argument
 * count picks the wrapper, and a missing @enq_flags is 0.
 */
static inline bool __scx_dsq_move_to_local_1(u64 dsq_id)
{
	return scx_bpf_dsq_move_to_local___v2(dsq_id, 0);
}

static inline bool __scx_dsq_move_to_local_2(u64 dsq_id, u64 enq_flags)
{
	return scx_bpf_dsq_move_to_local___v2(dsq_id, enq_flags);
}

#define __scx_pick_by_arity_2(_1, _2, name, ...) name
#define scx_bpf_dsq_move_to_local(...)						\
	__scx_pick_by_arity_2(__VA_ARGS__, __scx_dsq_move_to_local_2,		\
			      __scx_dsq_move_to_local_1, )(__VA_ARGS__)

/* scx repository names of the DSQ-iterator moves (used by scx_qmap and friends). */
#define __COMPAT_scx_bpf_dsq_move_set_slice(it__iter, slice)			\
	scx_bpf_dsq_move_set_slice((it__iter), (slice))
#define __COMPAT_scx_bpf_dsq_move_set_vtime(it__iter, vtime)			\
	scx_bpf_dsq_move_set_vtime((it__iter), (vtime))
#define __COMPAT_scx_bpf_dsq_move(it__iter, p, dsq_id, enq_flags)		\
	scx_bpf_dsq_move((it__iter), (p), (dsq_id), (enq_flags))
#define __COMPAT_scx_bpf_dsq_move_vtime(it__iter, p, dsq_id, enq_flags)	\
	scx_bpf_dsq_move_vtime((it__iter), (p), (dsq_id), (enq_flags))

/* ---- re-enqueueing ---- */

/*
 * scx_bpf_reenqueue_local() is the kfunc itself: it returns how many tasks it re-enqueued,
 * which 6.12-era sources use and newer ones (where the wrapper returns void) ignore.
 */

static inline bool __COMPAT_scx_bpf_reenqueue_local_from_anywhere(void)
{
	return true;
}

/* 0: the simulated kernel always has the variant callable from anywhere */
static inline int scx_bpf_reenqueue_local_from_anywhere(void)
{
	scx_bpf_reenqueue_local___v2();
	return 0;
}

static inline bool __COMPAT_has_generic_reenq(void)
{
	return true;
}

/* ---- CPU selection ---- */

static inline s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
					 const struct cpumask *cpus_allowed, u64 flags)
{
	struct scx_bpf_select_cpu_and_args args = {
		.prev_cpu = prev_cpu,
		.wake_flags = wake_flags,
		.flags = flags,
	};

	return __scx_bpf_select_cpu_and(p, cpus_allowed, &args);
}

#define __COMPAT_HAS_scx_bpf_select_cpu_and true

/* ops.enqueue() was called without ops.select_cpu() running first when this is false. */
static inline bool __COMPAT_is_enq_cpu_selected(u64 enq_flags)
{
	return enq_flags & SCX_ENQ_CPU_SELECTED;
}

/* ---- peeks and per-CPU state ---- */

static inline struct task_struct *__COMPAT_scx_bpf_dsq_peek(u64 dsq_id)
{
	return scx_bpf_dsq_peek(dsq_id);
}

static inline struct task_struct *__COMPAT_scx_bpf_cpu_curr(int cpu)
{
	return scx_bpf_cpu_curr(cpu);
}

#define __COMPAT_scx_bpf_events(events, size) scx_bpf_events((events), (size))

/* ---- NUMA-aware idle tracking (Linux 6.15+) ---- */
#define __COMPAT_scx_bpf_nr_node_ids() scx_bpf_nr_node_ids()
#define __COMPAT_scx_bpf_cpu_node(cpu) scx_bpf_cpu_node(cpu)
#define __COMPAT_scx_bpf_get_idle_cpumask_node(node) scx_bpf_get_idle_cpumask_node(node)
#define __COMPAT_scx_bpf_get_idle_smtmask_node(node) scx_bpf_get_idle_smtmask_node(node)
#define __COMPAT_scx_bpf_pick_idle_cpu_node(cpus_allowed, node, flags)		\
	scx_bpf_pick_idle_cpu_node((cpus_allowed), (node), (flags))
#define __COMPAT_scx_bpf_pick_any_cpu_node(cpus_allowed, node, flags)		\
	scx_bpf_pick_any_cpu_node((cpus_allowed), (node), (flags))

/* ---- cpumask and cgroup odds and ends ---- */
#define __COMPAT_bpf_cpumask_populate(cpumask, src, size__sz)			\
	bpf_cpumask_populate((cpumask), (src), (size__sz))

/* Linux 6.12 name of scx_bpf_task_cgroup(). */
#define __COMPAT_scx_bpf_task_cgroup(p) scx_bpf_task_cgroup(p)

/*
 * Sub-schedulers are not simulated: dispatching from a child scheduler finds nothing, as on a
 * kernel without the kfunc.
 */
static inline bool scx_bpf_sub_dispatch(u64 cgroup_id)
{
	(void)cgroup_id;
	return false;
}

/* ---- Linux 6.12 names (renamed scx_bpf_dsq_insert*, _move_to_local and _dsq_move* in 6.13) ---- */

static inline void scx_bpf_dispatch(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	scx_bpf_dsq_insert___v2(p, dsq_id, slice, enq_flags);
}

static inline void scx_bpf_dispatch_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
					  u64 enq_flags)
{
	scx_bpf_dsq_insert_vtime(p, dsq_id, slice, vtime, enq_flags);
}

static inline bool scx_bpf_consume(u64 dsq_id)
{
	return scx_bpf_dsq_move_to_local___v2(dsq_id, 0);
}

static inline void scx_bpf_dispatch_from_dsq_set_slice(struct bpf_iter_scx_dsq *it__iter, u64 slice)
{
	scx_bpf_dsq_move_set_slice(it__iter, slice);
}

static inline void scx_bpf_dispatch_from_dsq_set_vtime(struct bpf_iter_scx_dsq *it__iter, u64 vtime)
{
	scx_bpf_dsq_move_set_vtime(it__iter, vtime);
}

static inline bool scx_bpf_dispatch_from_dsq(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
					     u64 dsq_id, u64 enq_flags)
{
	return scx_bpf_dsq_move(it__iter, p, dsq_id, enq_flags);
}

static inline bool scx_bpf_dispatch_vtime_from_dsq(struct bpf_iter_scx_dsq *it__iter,
						   struct task_struct *p, u64 dsq_id, u64 enq_flags)
{
	return scx_bpf_dsq_move_vtime(it__iter, p, dsq_id, enq_flags);
}

/* The 6.12 compat header's spellings of the same moves. */
#define __COMPAT_scx_bpf_dispatch_from_dsq_set_slice(it, slice)			\
	scx_bpf_dsq_move_set_slice((it), (slice))
#define __COMPAT_scx_bpf_dispatch_from_dsq_set_vtime(it, vtime)			\
	scx_bpf_dsq_move_set_vtime((it), (vtime))
#define __COMPAT_scx_bpf_dispatch_from_dsq(it, p, dsq_id, enq_flags)		\
	scx_bpf_dsq_move((it), (p), (dsq_id), (enq_flags))
#define __COMPAT_scx_bpf_dispatch_vtime_from_dsq(it, p, dsq_id, enq_flags)	\
	scx_bpf_dsq_move_vtime((it), (p), (dsq_id), (enq_flags))

/* ---- the ops table ---- */

/* `struct sched_ext_ops NAME` in ".struct_ops.link", where the simulator's loader finds it. */
#define SCX_OPS_DEFINE(__name, ...)						\
	SEC(".struct_ops.link")							\
	struct sched_ext_ops __name = {						\
		__VA_ARGS__,							\
	};

#endif /* __SCX_COMPAT_BPF_H */
