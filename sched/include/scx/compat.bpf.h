/*
 * Compatibility wrappers: the call names policies use, mapped onto whichever kfunc the running
 * kernel has. 7.x kernels have the newest forms (bool-returning inserts, move_to_local with
 * enq_flags, the args-struct vtime insert); older sched_ext kernels (6.12+) get the older
 * forms. The check is bpf_ksym_exists(), resolved by libbpf at load time.
 */
#ifndef __SCX_COMPAT_BPF_H
#define __SCX_COMPAT_BPF_H

/* An enumerator's value if the kernel's BTF has it, 0 otherwise. */
#define __COMPAT_ENUM_OR_ZERO(__type, __ent)					\
	({									\
		__type __ret = 0;						\
		if (bpf_core_enum_value_exists(__type, __ent))			\
			__ret = __ent;						\
		__ret;								\
	})

/* Insert @p into @dsq_id; false if the kernel refused (7.x), always true before. */
static inline bool scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___v2___compat))
		return scx_bpf_dsq_insert___v2___compat(p, dsq_id, slice, enq_flags);
	scx_bpf_dsq_insert___v1(p, dsq_id, slice, enq_flags);
	return true;
}

/* Insert @p into the PRIQ @dsq_id ordered by @vtime. */
static inline bool scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice,
					    u64 vtime, u64 enq_flags)
{
	if (bpf_ksym_exists(__scx_bpf_dsq_insert_vtime)) {
		struct scx_bpf_dsq_insert_vtime_args args = {
			.dsq_id = dsq_id,
			.slice = slice,
			.vtime = vtime,
			.enq_flags = enq_flags,
		};
		return __scx_bpf_dsq_insert_vtime(p, &args);
	}
	scx_bpf_dsq_insert_vtime___v1(p, dsq_id, slice, vtime, enq_flags);
	return true;
}

/* scx_bpf_dsq_move_to_local(dsq_id) and (dsq_id, enq_flags) are both accepted. */
static inline bool ___scx_move_to_local(u64 dsq_id, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___compat))
		return scx_bpf_dsq_move_to_local___v2___compat(dsq_id, enq_flags);
	return scx_bpf_dsq_move_to_local___v1(dsq_id);
}
#define ___scx_mtl_1(dsq_id) ___scx_move_to_local((dsq_id), 0)
#define ___scx_mtl_2(dsq_id, enq_flags) ___scx_move_to_local((dsq_id), (enq_flags))
#define ___scx_mtl_pick(_1, _2, name, ...) name
#define scx_bpf_dsq_move_to_local(args...)					\
	___scx_mtl_pick(args, ___scx_mtl_2, ___scx_mtl_1)(args)

/* The default CPU selection restricted to @cpus_allowed (7.x). */
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

static inline void scx_bpf_reenqueue_local(void)
{
	if (bpf_ksym_exists(scx_bpf_reenqueue_local___v2___compat))
		scx_bpf_reenqueue_local___v2___compat();
	else
		scx_bpf_reenqueue_local___v1();
}

/* The kernel's clock for scheduling decisions: scx_bpf_now() where it exists. */
static inline u64 ___scx_now(void)
{
	return bpf_ksym_exists(scx_bpf_now) ? scx_bpf_now() : bpf_ktime_get_ns();
}

#define __COMPAT_scx_bpf_nr_node_ids()						\
	(bpf_ksym_exists(scx_bpf_nr_node_ids) ? scx_bpf_nr_node_ids() : 1U)
#define __COMPAT_scx_bpf_cpu_node(cpu)						\
	(bpf_ksym_exists(scx_bpf_cpu_node) ? scx_bpf_cpu_node(cpu) : 0)

#endif
