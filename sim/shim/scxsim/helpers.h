/*
 * BPF helpers and generic kfuncs (bpf_cpumask_*, task references, RCU) the simulator
 * implements (sim/bpf), with the C signatures a BPF program sees. Included by the shim's
 * bpf/bpf_helpers.h for policies and by sim/bpf itself, so both sides agree.
 */
#ifndef SCXSIM_HELPERS_H
#define SCXSIM_HELPERS_H

#include "../vmlinux.h"

/*
 * Kernel configuration values (`extern ... __kconfig`) are not declared here: a policy declares
 * each one with its own type (`extern unsigned CONFIG_HZ __kconfig`, `extern unsigned long
 * CONFIG_NR_CPUS __kconfig`, ...), and libscxsim defines every integer one in 8 bytes
 * (sim/bpf/kconfig.c), so any integer type reads the right value.
 */

/* ---- the emulated kernel: kfunc and enumerator existence (sim/bpf/kernel_api.c) ---- */
bool scxsim_ksym_exists(const char *name);
bool scxsim_enum_exists(const char *name);

/* ---- maps ---- */
void *bpf_map_lookup_elem(void *map, const void *key);
long bpf_map_update_elem(void *map, const void *key, const void *value, u64 flags);
long bpf_map_delete_elem(void *map, const void *key);
void *bpf_map_lookup_percpu_elem(void *map, const void *key, u32 cpu);
long bpf_for_each_map_elem(void *map, void *callback_fn, void *ctx, u64 flags);
void *bpf_task_storage_get(void *map, struct task_struct *task, void *value, u64 flags);
long bpf_task_storage_delete(void *map, struct task_struct *task);
void *bpf_cgrp_storage_get(void *map, struct cgroup *cgrp, void *value, u64 flags);
long bpf_cgrp_storage_delete(void *map, struct cgroup *cgrp);
long bpf_map_push_elem(void *map, const void *value, u64 flags);
long bpf_map_pop_elem(void *map, void *value);
long bpf_map_peek_elem(void *map, void *value);

/* ---- time, CPU, randomness, current task ---- */
u64 bpf_ktime_get_ns(void);
u64 bpf_ktime_get_boot_ns(void);
u32 bpf_get_smp_processor_id(void);
u32 bpf_get_numa_node_id(void);
u32 bpf_get_prandom_u32(void);
u64 bpf_get_current_pid_tgid(void);
long bpf_get_current_comm(void *buf, u32 size);
struct task_struct *bpf_get_current_task_btf(void);
u64 bpf_get_current_task(void);

/* ---- memory ---- */
long bpf_probe_read_kernel(void *dst, u32 size, const void *src);
long bpf_probe_read_kernel_str(void *dst, u32 size, const void *src);
long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2);
long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len);
u64 bpf_jiffies64(void);
/* Iterator programs' output (never run in the simulator: see struct bpf_iter_meta). */
long bpf_seq_write(struct seq_file *m, const void *data, u32 len);
long bpf_seq_printf(struct seq_file *m, const char *fmt, u32 fmt_size, const void *data, u32 data_len);

/* ---- perf events (sim/bpf/perf_event.c) ---- */
long bpf_perf_event_read_value(void *map, u64 flags, struct bpf_perf_event_value *buf, u32 buf_size);
u64 bpf_perf_event_read(void *map, u64 flags);
long bpf_probe_read(void *dst, u32 size, const void *src);
long bpf_probe_read_str(void *dst, u32 size, const void *src);
void *bpf_kptr_xchg(void *dst, void *ptr);
void *bpf_per_cpu_ptr(const void *ptr, u32 cpu);
void *bpf_this_cpu_ptr(const void *ptr);

/* ---- control ---- */
long bpf_trace_printk(const char *fmt, u32 fmt_size, ...) __attribute__((format(printf, 1, 3)));
long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len);
long bpf_loop(u32 nr_loops, void *callback_fn, void *ctx, u64 flags);
long bpf_spin_lock(struct bpf_spin_lock *lock);
long bpf_spin_unlock(struct bpf_spin_lock *lock);

/* ---- ring buffers and dynptrs ---- */
long bpf_ringbuf_output(void *ringbuf, void *data, u64 size, u64 flags);
void *bpf_ringbuf_reserve(void *ringbuf, u64 size, u64 flags);
void bpf_ringbuf_submit(void *data, u64 flags);
void bpf_ringbuf_discard(void *data, u64 flags);
u64 bpf_ringbuf_query(void *ringbuf, u64 flags);
long bpf_user_ringbuf_drain(void *map, void *callback_fn, void *ctx, u64 flags);
long bpf_dynptr_read(void *dst, u32 len, const struct bpf_dynptr *src, u32 offset, u64 flags);
void *bpf_dynptr_data(const struct bpf_dynptr *ptr, u32 offset, u32 len);
u32 bpf_dynptr_size(const struct bpf_dynptr *ptr);

/* ---- timers ---- */
long bpf_timer_init(struct bpf_timer *timer, void *map, u64 flags);
long bpf_timer_set_callback(struct bpf_timer *timer, void *callback_fn);
long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags);
long bpf_timer_cancel(struct bpf_timer *timer);

/* ---- bpf_cpumask kfuncs ---- */
struct bpf_cpumask *bpf_cpumask_create(void);
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask);
void bpf_cpumask_release(struct bpf_cpumask *cpumask);
u32 bpf_cpumask_first(const struct cpumask *cpumask);
u32 bpf_cpumask_first_zero(const struct cpumask *cpumask);
u32 bpf_cpumask_first_and(const struct cpumask *src1, const struct cpumask *src2);
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask);
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask);
#if defined(__SCXSIM__) && !defined(__bpf__)
/*
 * A policy tests masks inline: scans over every CPU call this twice a CPU (scxl_llc on 512
 * CPUs, ~2,000 calls a wakeup), and a call into libscxsim per bit was half of such a run.
 * Same answer as the out-of-line kfunc: false for a CPU at or beyond nr_cpu_ids. Not in the
 * clang -target bpf compile that only gives a host-clang policy its BTF: no thread-locals there.
 */
extern _Thread_local unsigned int scxsim_nr_cpu_ids __attribute__((tls_model("initial-exec")));
static inline bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask)
{
	return cpu < scxsim_nr_cpu_ids && ((cpumask->bits[cpu / (8 * sizeof(unsigned long))] >>
					    (cpu % (8 * sizeof(unsigned long)))) & 1);
}
#else
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask);
#endif
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask);
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask);
void bpf_cpumask_setall(struct bpf_cpumask *cpumask);
void bpf_cpumask_clear(struct bpf_cpumask *cpumask);
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2);
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1,
		    const struct cpumask *src2);
void bpf_cpumask_xor(struct bpf_cpumask *dst, const struct cpumask *src1,
		     const struct cpumask *src2);
bool bpf_cpumask_equal(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_intersects(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_subset(const struct cpumask *src1, const struct cpumask *src2);
bool bpf_cpumask_empty(const struct cpumask *cpumask);
bool bpf_cpumask_full(const struct cpumask *cpumask);
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src);
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask);
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1, const struct cpumask *src2);
u32 bpf_cpumask_weight(const struct cpumask *cpumask);
int bpf_cpumask_populate(struct cpumask *cpumask, void *src, size_t src__sz);

/* ---- tasks and RCU ---- */
struct task_struct *bpf_task_from_pid(s32 pid);
struct task_struct *bpf_task_acquire(struct task_struct *p);
void bpf_task_release(struct task_struct *p);
void bpf_rcu_read_lock(void);
void bpf_rcu_read_unlock(void);

#endif
