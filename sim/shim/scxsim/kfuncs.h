/*
 * The sched_ext kfuncs the simulator implements (sim/scx), with the kernel's names and C
 * signatures as BPF programs see them (Linux 7.2; the implicit `aux` argument is not part of
 * the BPF-visible signature). Included by the shim headers, so a policy calls these directly,
 * and by the simulator's implementation, so the compiler checks that both sides agree.
 *
 * Older and suffixed names (scx_bpf_dispatch, ___v2, ___compat ...) are aliases exported by
 * the simulator; they are declared by the compat header that needs them.
 */
#ifndef SCXSIM_KFUNCS_H
#define SCXSIM_KFUNCS_H

#include "../vmlinux.h"

struct scx_bpf_dsq_insert_vtime_args {
	u64 dsq_id;
	u64 slice;
	u64 vtime;
	u64 enq_flags;
};

struct scx_bpf_select_cpu_and_args {
	s32 prev_cpu;
	u64 wake_flags;
	u64 flags;
};

/* insert / dispatch */
bool scx_bpf_dsq_insert___v2(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags);
bool __scx_bpf_dsq_insert_vtime(struct task_struct *p, struct scx_bpf_dsq_insert_vtime_args *args);
void scx_bpf_dsq_insert_vtime___v1(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
				   u64 enq_flags);
u32 scx_bpf_dispatch_nr_slots(void);
void scx_bpf_dispatch_cancel(void);
bool scx_bpf_dsq_move_to_local___v2(u64 dsq_id, u64 enq_flags);
void scx_bpf_dsq_move_set_slice(struct bpf_iter_scx_dsq *it, u64 slice);
void scx_bpf_dsq_move_set_vtime(struct bpf_iter_scx_dsq *it, u64 vtime);
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id, u64 enq_flags);
bool scx_bpf_dsq_move_vtime(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id,
			    u64 enq_flags);
u32 scx_bpf_reenqueue_local(void);
void scx_bpf_reenqueue_local___v2(void);

/* DSQs */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node);
void scx_bpf_destroy_dsq(u64 dsq_id);
s32 scx_bpf_dsq_nr_queued(u64 dsq_id);
struct task_struct *scx_bpf_dsq_peek(u64 dsq_id);
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags);
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it);
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it);

/* tasks, CPUs, kicks */
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice);
bool scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime);
void scx_bpf_kick_cpu(s32 cpu, u64 flags);
bool scx_bpf_task_running(const struct task_struct *p);
s32 scx_bpf_task_cpu(const struct task_struct *p);
struct rq *scx_bpf_cpu_rq(s32 cpu);
struct rq *scx_bpf_locked_rq(void);
struct task_struct *scx_bpf_cpu_curr(s32 cpu);
struct cgroup *scx_bpf_task_cgroup(struct task_struct *p);
u64 scx_bpf_now(void);
void scx_bpf_events(struct scx_event_stats *events, size_t events__sz);
u32 scx_bpf_nr_cpu_ids(void);
u32 scx_bpf_nr_node_ids(void);
s32 scx_bpf_cpu_node(s32 cpu);
const struct cpumask *scx_bpf_get_possible_cpumask(void);
const struct cpumask *scx_bpf_get_online_cpumask(void);
void scx_bpf_put_cpumask(const struct cpumask *cpumask);
u32 scx_bpf_cpuperf_cap(s32 cpu);
u32 scx_bpf_cpuperf_cur(s32 cpu);
void scx_bpf_cpuperf_set(s32 cpu, u32 perf);

/* exits and dumps (the format macros in scx/common.bpf.h call these) */
void scx_bpf_exit_bstr(s64 exit_code, char *fmt, unsigned long long *data, u32 data__sz);
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz);
void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data__sz);

/* built-in idle tracking and CPU selection */
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle);
s32 __scx_bpf_select_cpu_and(struct task_struct *p, const struct cpumask *cpus_allowed,
			     struct scx_bpf_select_cpu_and_args *args);
s32 scx_bpf_select_cpu_and___compat(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
				    const struct cpumask *cpus_allowed, u64 flags);
const struct cpumask *scx_bpf_get_idle_cpumask(void);
const struct cpumask *scx_bpf_get_idle_smtmask(void);
const struct cpumask *scx_bpf_get_idle_cpumask_node(s32 node);
const struct cpumask *scx_bpf_get_idle_smtmask_node(s32 node);
void scx_bpf_put_idle_cpumask(const struct cpumask *idle_mask);
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu);
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags);
s32 scx_bpf_pick_idle_cpu_node(const struct cpumask *cpus_allowed, s32 node, u64 flags);
s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags);
s32 scx_bpf_pick_any_cpu_node(const struct cpumask *cpus_allowed, s32 node, u64 flags);

#endif
