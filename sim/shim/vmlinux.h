/*
 * vmlinux.h substitute for building sched_ext policies into the simulator.
 *
 * On the kernel side, a policy includes a vmlinux.h generated from the kernel's BTF. Here the
 * same name gives the subset of kernel types that policies touch, with the kernel's field names
 * and enum values (Linux 7.2), as ordinary userspace C. The simulator itself is compiled against
 * this header too, so the task_struct a policy reads is the simulator's own task record.
 *
 * Layouts are not the kernel's (nothing here is shared with a kernel): only names and meanings.
 */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- basic kernel types ---- */
/* The kernel's own spellings (as in linux/types.h), so libbpf's headers agree with these. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u64 __be64;
typedef __u32 __wsum;
typedef int pid_t;
typedef long ssize_t;
typedef long loff_t;
typedef s64 ktime_t;
typedef unsigned int uid_t;
typedef unsigned int gid_t;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;
typedef struct { s64 counter; } atomic64_t;
typedef struct { atomic_t refs; } refcount_t;
typedef struct { uid_t val; } kuid_t;
typedef struct { gid_t val; } kgid_t;

#define NR_CPUS 512

struct list_head {
	struct list_head *next, *prev;
};

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct rb_root {
	struct rb_node *rb_node;
};

/* ---- cpumasks ---- */
struct cpumask {
	unsigned long bits[NR_CPUS / (8 * sizeof(unsigned long))];
};
typedef struct cpumask cpumask_t;

/* A BPF-allocated cpumask (bpf_cpumask_create); policies cast it to struct cpumask *. */
struct bpf_cpumask {
	cpumask_t cpumask;
	refcount_t usage;
};

/* ---- BPF objects that live inside map values ---- */
struct bpf_spin_lock {
	u32 val;
};
struct bpf_res_spin_lock {
	u32 val;
};
struct bpf_timer {
	u64 __opaque[2];
} __attribute__((aligned(8)));
struct bpf_wq {
	u64 __opaque[2];
} __attribute__((aligned(8)));
struct bpf_list_head {
	u64 __opaque[2];
} __attribute__((aligned(8)));
struct bpf_list_node {
	u64 __opaque[3];
} __attribute__((aligned(8)));
struct bpf_rb_root {
	u64 __opaque[2];
} __attribute__((aligned(8)));
struct bpf_rb_node {
	u64 __opaque[4];
} __attribute__((aligned(8)));
struct bpf_refcount {
	u32 __opaque[1];
} __attribute__((aligned(4)));
struct bpf_dynptr {
	u64 __opaque[2];
} __attribute__((aligned(8)));

/* ---- cgroups ---- */
struct kernfs_node {
	u64 id;
	const char *name;
};

struct cgroup;

/* The kernel's percpu_ref: its low bits say a cgroup is dying (__PERCPU_REF_DEAD). The
 * simulator never destroys a cgroup while a policy runs, so they read 0. */
struct percpu_ref {
	unsigned long percpu_count_ptr;
	void *data;
};

/* A cgroup's own subsystem state (cgrp->self), what css iterators walk. */
struct cgroup_subsys_state {
	struct cgroup *cgroup;
	struct cgroup_subsys_state *parent;
	u64 serial_nr;
	struct percpu_ref refcnt;
};

struct cgroup {
	struct cgroup_subsys_state self;
	int level;
	int max_depth;
	struct kernfs_node *kn;
	u64 id; /* simulator: same as kn->id */
	struct cgroup *parent;
	struct cgroup *dom_cgrp; /* itself: the simulator has no threaded cgroups */
	struct cgroup *ancestors[];
};

/* The contexts of BPF iterator programs (SEC("iter/task")), which a loader reads through a
 * seq file for its statistics. They compile; the simulator never runs iterator programs. */
struct seq_file;
struct bpf_iter_meta {
	struct seq_file *seq;
	u64 session_id;
	u64 seq_num;
};
struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

/* The orders of bpf_iter_css_new() (the kernel's enum bpf_cgroup_iter_order). */
enum bpf_cgroup_iter_order {
	BPF_CGROUP_ITER_ORDER_UNSPEC = 0,
	BPF_CGROUP_ITER_SELF_ONLY,
	BPF_CGROUP_ITER_DESCENDANTS_PRE,
	BPF_CGROUP_ITER_DESCENDANTS_POST,
	BPF_CGROUP_ITER_ANCESTORS_UP,
	BPF_CGROUP_ITER_CHILDREN,
};

/* Open-coded css iterator state (bpf_for_each(css, ...)). */
struct bpf_iter_css {
	u64 __opaque[3];
} __attribute__((aligned(8)));

struct css_set {
	struct cgroup *dfl_cgrp;
};

struct mm_struct {
	unsigned long total_vm;
};

struct cred {
	kuid_t uid;
	kgid_t gid;
	kuid_t euid;
	kgid_t egid;
};

/* ---- process ids and namespaces (the simulator has one namespace: these stay NULL) ---- */
enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

struct ns_common {
	unsigned int inum;
};

struct pid_namespace {
	struct ns_common ns;
	unsigned int level;
	struct pid_namespace *parent;
};

struct upid {
	int nr;
	struct pid_namespace *ns;
};

struct pid {
	refcount_t count;
	unsigned int level;
	struct upid numbers[1];
};

struct signal_struct {
	struct list_head thread_head;
	int nr_threads;
	struct pid *pids[PIDTYPE_MAX];
};

/* ---- NUMA memory policy (p->mempolicy; NULL in the simulator: the default policy) ---- */
typedef struct { unsigned long bits[1]; } nodemask_t;

enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_WEIGHTED_INTERLEAVE,
	MPOL_MAX,
};

struct mempolicy {
	atomic_t refcnt;
	unsigned short mode;
	unsigned short flags;
	nodemask_t nodes;
	int home_node;
};

/* ---- CPU frequency (cpufreq_cpu_data: no CPU has a cpufreq policy in the simulator) ---- */
struct cpufreq_cpuinfo {
	unsigned int max_freq;
	unsigned int min_freq;
	unsigned int transition_latency;
};

struct cpufreq_policy {
	unsigned int cpu;
	struct cpufreq_cpuinfo cpuinfo;
	unsigned int min;
	unsigned int max;
	unsigned int cur;
};

/* ---- tracepoint records (policies' tracing programs name them; the simulator fires none) ---- */
struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
};

struct __kernel_timespec {
	long long tv_sec;
	long long tv_nsec;
};

/* The kernel's guard(rcu) class type, which vmlinux.h exports and scx's cleanup.bpf.h reuses. */
typedef struct {
	void *lock;
} class_rcu_t;

/* ---- scheduler entities ---- */
struct load_weight {
	unsigned long weight;
	u32 inv_weight;
};

struct sched_avg {
	u64 last_update_time;
	u64 load_sum;
	u64 runnable_sum;
	u32 util_sum;
	u32 period_contrib;
	unsigned long load_avg;
	unsigned long runnable_avg;
	unsigned long util_avg;
};

struct sched_entity {
	struct load_weight load;
	unsigned int on_rq;
	u64 exec_start;
	u64 sum_exec_runtime;
	u64 prev_sum_exec_runtime;
	u64 vruntime;
	s64 vlag;
	u64 deadline;
	u64 min_vruntime;
	u64 slice;
	u64 nr_migrations;
	struct sched_avg avg;
};

struct sched_statistics {
	u64 wait_start;
	u64 wait_max;
	u64 wait_count;
	u64 wait_sum;
	u64 nr_migrations_cold;
	u64 nr_failed_migrations_affine;
	u64 nr_forced_migrations;
	u64 nr_wakeups;
	u64 nr_wakeups_sync;
	u64 nr_wakeups_migrate;
	u64 nr_wakeups_local;
	u64 nr_wakeups_remote;
	u64 nr_wakeups_affine;
	u64 nr_wakeups_idle;
};

struct sched_info {
	unsigned long pcount;
	unsigned long long run_delay;
	unsigned long long last_arrival;
	unsigned long long last_queued;
};

struct scx_dispatch_q;

struct scx_dsq_list_node {
	struct list_head node;
	u32 flags;
	u32 priv;
};

/* The sched_ext part of a task, as policies see it (p->scx). */
struct sched_ext_entity {
	struct scx_dispatch_q *dsq;
	atomic_long_t ops_state;
	u64 ddsp_dsq_id;
	u64 ddsp_enq_flags;
	struct scx_dsq_list_node dsq_list;
	struct rb_node dsq_priq;
	u32 dsq_seq;
	u32 dsq_flags;
	u32 flags;
	u32 weight;
	s32 sticky_cpu;
	s32 holding_cpu;
	s32 selected_cpu;
	u32 ops_qseq;
	struct task_struct *kf_tasks[2];
	struct list_head runnable_node;
	unsigned long runnable_at;
	u64 core_sched_at;
	u64 tid;
	u64 slice;
	u64 dsq_vtime;
	bool disallow;
	struct cgroup *cgrp_moving_from;
	struct list_head tasks_node;
};

struct sched_class;

#define TASK_COMM_LEN 16

struct task_struct {
	unsigned int __state;
	unsigned int flags;
	int on_cpu;
	int recent_used_cpu;
	int wake_cpu;
	int on_rq;
	int prio;
	int static_prio;
	int normal_prio;
	unsigned int rt_priority;
	struct sched_entity se;
	struct sched_ext_entity scx;
	const struct sched_class *sched_class;
	struct sched_statistics stats;
	unsigned int policy;
	unsigned long max_allowed_capacity;
	int nr_cpus_allowed;
	const cpumask_t *cpus_ptr;
	cpumask_t *user_cpus_ptr;
	cpumask_t cpus_mask;
	unsigned short migration_disabled;
	struct sched_info sched_info;
	struct mm_struct *mm;
	struct mm_struct *active_mm;
	int exit_state;
	int exit_code;
	int exit_signal;
	pid_t pid;
	pid_t tgid;
	struct task_struct *real_parent;
	struct task_struct *parent;
	struct task_struct *group_leader;
	struct list_head thread_node;
	u64 utime;
	u64 stime;
	u64 gtime;
	unsigned long nvcsw;
	unsigned long nivcsw;
	u64 start_time;
	const struct cred *real_cred;
	const struct cred *cred;
	char comm[TASK_COMM_LEN];
	struct signal_struct *signal;
	struct css_set *cgroups;
	int numa_preferred_nid;
	struct pid *thread_pid;
	struct mempolicy *mempolicy;
};

/* Task flags (p->flags) that policies test. */
#define PF_IDLE 0x00000002
#define PF_EXITING 0x00000004
#define PF_VCPU 0x00000010
#define PF_WQ_WORKER 0x00000020
#define PF_KCOMPACTD 0x00010000
#define PF_KSWAPD 0x00020000
#define PF_KTHREAD 0x00200000
#define PF_IO_WORKER 0x00000010

/* Scheduling policies (p->policy). */
enum {
	SCHED_NORMAL = 0,
	SCHED_FIFO = 1,
	SCHED_RR = 2,
	SCHED_BATCH = 3,
	SCHED_IDLE = 5,
	SCHED_DEADLINE = 6,
	SCHED_EXT = 7,
};

struct rq {
	int cpu;
	struct task_struct *curr;
	unsigned int nr_running;
	u64 clock;
	u64 clock_task;
	u64 clock_pelt;
};

/* ---- sched_ext constants (Linux 7.2 values) ---- */
enum scx_public_consts {
	SCX_OPS_NAME_LEN = 128,
	SCX_SLICE_DFL = 20 * 1000000,
	SCX_SLICE_BYPASS = 5 * 1000000,
	SCX_SLICE_INF = UINT64_MAX,
};

enum scx_consts {
	SCX_DSP_DFL_MAX_BATCH = 32,
	SCX_DSP_MAX_LOOPS = 32,
	SCX_WATCHDOG_MAX_TIMEOUT_MS = 30 * 1000,
	SCX_EXIT_BT_LEN = 64,
	SCX_EXIT_MSG_LEN = 1024,
	SCX_EXIT_DUMP_DFL_LEN = 32768,
	SCX_CPUPERF_ONE = 1024,
	SCX_TASK_ITER_BATCH = 32,
	SCX_REENQ_MAX_REPEAT = 256,
};

enum scx_dsq_id_flags {
	SCX_DSQ_FLAG_BUILTIN = 1ULL << 63,
	SCX_DSQ_FLAG_LOCAL_ON = 1ULL << 62,
	SCX_DSQ_INVALID = SCX_DSQ_FLAG_BUILTIN | 0,
	SCX_DSQ_GLOBAL = SCX_DSQ_FLAG_BUILTIN | 1,
	SCX_DSQ_LOCAL = SCX_DSQ_FLAG_BUILTIN | 2,
	SCX_DSQ_BYPASS = SCX_DSQ_FLAG_BUILTIN | 3,
	SCX_DSQ_LOCAL_ON = SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON,
	SCX_DSQ_LOCAL_CPU_MASK = 0xffffffffULL,
};

enum scx_ent_flags {
	SCX_TASK_QUEUED = 1 << 0,
	SCX_TASK_IN_CUSTODY = 1 << 1,
	SCX_TASK_RESET_RUNNABLE_AT = 1 << 2,
	SCX_TASK_DEQD_FOR_SLEEP = 1 << 3,
	SCX_TASK_SUB_INIT = 1 << 4,
	SCX_TASK_IMMED = 1 << 5,
	SCX_TASK_STATE_SHIFT = 8,
	SCX_TASK_STATE_BITS = 3,
	SCX_TASK_STATE_MASK = ((1 << 3) - 1) << 8,
	SCX_TASK_NONE = 0 << 8,
	SCX_TASK_INIT_BEGIN = 1 << 8,
	SCX_TASK_INIT = 2 << 8,
	SCX_TASK_READY = 3 << 8,
	SCX_TASK_ENABLED = 4 << 8,
	SCX_TASK_DEAD = 5 << 8,
	SCX_TASK_REENQ_REASON_SHIFT = 12,
	SCX_TASK_REENQ_REASON_BITS = 2,
	SCX_TASK_REENQ_REASON_MASK = ((1 << 2) - 1) << 12,
	SCX_TASK_REENQ_NONE = 0 << 12,
	SCX_TASK_REENQ_KFUNC = 1 << 12,
	SCX_TASK_REENQ_IMMED = 2 << 12,
	SCX_TASK_REENQ_PREEMPTED = 3 << 12,
	SCX_TASK_CURSOR = 1U << 31,
};

enum scx_wake_flags {
	SCX_WAKE_FORK = 0x04,
	SCX_WAKE_TTWU = 0x08,
	SCX_WAKE_SYNC = 0x10,
};

enum scx_enq_flags {
	SCX_ENQ_WAKEUP = 0x0001,
	SCX_ENQ_HEAD = 0x00010000,
	SCX_ENQ_CPU_SELECTED = 0x00100000,
	SCX_ENQ_PREEMPT = 1ULL << 32,
	SCX_ENQ_IMMED = 1ULL << 33,
	SCX_ENQ_REENQ = 1ULL << 40,
	SCX_ENQ_LAST = 1ULL << 41,
	__SCX_ENQ_INTERNAL_MASK = 0xffULL << 56,
	SCX_ENQ_CLEAR_OPSS = 1ULL << 56,
	SCX_ENQ_DSQ_PRIQ = 1ULL << 57,
	SCX_ENQ_NESTED = 1ULL << 58,
	SCX_ENQ_GDSQ_FALLBACK = 1ULL << 59,
};

enum scx_deq_flags {
	SCX_DEQ_SLEEP = 0x0001,
	SCX_DEQ_CORE_SCHED_EXEC = 1ULL << 32,
	SCX_DEQ_SCHED_CHANGE = 1ULL << 33,
};

enum scx_pick_idle_cpu_flags {
	SCX_PICK_IDLE_CORE = 1ULL << 0,
	SCX_PICK_IDLE_IN_NODE = 1ULL << 1,
};

enum scx_kick_flags {
	SCX_KICK_IDLE = 1ULL << 0,
	SCX_KICK_PREEMPT = 1ULL << 1,
	SCX_KICK_WAIT = 1ULL << 2,
};

enum scx_ops_flags {
	SCX_OPS_KEEP_BUILTIN_IDLE = 1ULL << 0,
	SCX_OPS_ENQ_LAST = 1ULL << 1,
	SCX_OPS_ENQ_EXITING = 1ULL << 2,
	SCX_OPS_SWITCH_PARTIAL = 1ULL << 3,
	SCX_OPS_ENQ_MIGRATION_DISABLED = 1ULL << 4,
	SCX_OPS_ALLOW_QUEUED_WAKEUP = 1ULL << 5,
	SCX_OPS_BUILTIN_IDLE_PER_NODE = 1ULL << 6,
	SCX_OPS_ALWAYS_ENQ_IMMED = 1ULL << 7,
	SCX_OPS_TID_TO_TASK = 1ULL << 8,
	SCX_OPS_ALL_FLAGS = (1ULL << 9) - 1,
	/* Linux 6.12 only; accepted (and ignored) for 6.12-era sources. */
	SCX_OPS_HAS_CGROUP_WEIGHT = 1ULL << 16,
	__SCX_OPS_INTERNAL_MASK = 0xffULL << 56,
	SCX_OPS_HAS_CPU_PREEMPT = 1ULL << 56,
};

enum scx_dsq_iter_flags {
	SCX_DSQ_ITER_REV = 1U << 16,
	__SCX_DSQ_ITER_HAS_SLICE = 1U << 30,
	__SCX_DSQ_ITER_HAS_VTIME = 1U << 31,
	__SCX_DSQ_ITER_USER_FLAGS = SCX_DSQ_ITER_REV,
	__SCX_DSQ_ITER_ALL_FLAGS = __SCX_DSQ_ITER_USER_FLAGS | (1U << 30) | (1U << 31),
};

enum scx_exit_kind {
	SCX_EXIT_NONE = 0,
	SCX_EXIT_DONE = 1,
	SCX_EXIT_UNREG = 64,
	SCX_EXIT_UNREG_BPF = 65,
	SCX_EXIT_UNREG_KERN = 66,
	SCX_EXIT_SYSRQ = 67,
	SCX_EXIT_PARENT = 68,
	SCX_EXIT_PARENT_KILL = 69,
	SCX_EXIT_ERROR = 1024,
	SCX_EXIT_ERROR_BPF = 1025,
	SCX_EXIT_ERROR_STALL = 1026,
	SCX_EXIT_ERROR_REENQ = 1027,
	SCX_EXIT_ERROR_RESCUE = 1028,
};

enum scx_exit_code {
	SCX_ECODE_RSN_HOTPLUG = 1ULL << 32,
	SCX_ECODE_RSN_CGROUP_OFFLINE = 2ULL << 32,
	SCX_ECODE_ACT_RESTART = 1ULL << 48,
};

enum scx_exit_flags {
	SCX_EFLAG_INITIALIZED = 1ULL << 0,
};

enum scx_cpu_preempt_reason {
	SCX_CPU_PREEMPT_RT,
	SCX_CPU_PREEMPT_DL,
	SCX_CPU_PREEMPT_STOP,
	SCX_CPU_PREEMPT_UNKNOWN,
};

/* ---- sched_ext callback arguments ---- */
struct scx_exit_info {
	enum scx_exit_kind kind;
	s32 exit_cpu;
	s64 exit_code;
	u64 flags;
	const char *reason;
	unsigned long *bt;
	u32 bt_len;
	char *msg;
	char *dump;
};

struct scx_init_task_args {
	bool fork;
	struct cgroup *cgroup;
};

struct scx_exit_task_args {
	bool cancelled;
};

struct scx_cgroup_init_args {
	u32 weight;
	u64 bw_period_us;
	u64 bw_quota_us;
	u64 bw_burst_us;
	bool idle;
};

struct scx_cpu_acquire_args {
	int __unused_placeholder;
};

struct scx_cpu_release_args {
	enum scx_cpu_preempt_reason reason;
	struct task_struct *task;
};

struct scx_dump_ctx {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
	u64 at_ns;
	u64 at_jiffies;
};

struct scx_sub_attach_args {
	void *ops;
	char *cgroup_path;
};

struct scx_sub_detach_args {
	void *ops;
	char *cgroup_path;
};

/*
 * The ops table. A superset of the members of Linux 6.12 .. 7.2 (order does not matter here:
 * policies fill it with designated initializers).
 */
struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *p, s32 prev_cpu, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	void (*dequeue)(struct task_struct *p, u64 deq_flags);
	void (*dispatch)(s32 cpu, struct task_struct *prev);
	void (*tick)(struct task_struct *p);
	void (*runnable)(struct task_struct *p, u64 enq_flags);
	void (*running)(struct task_struct *p);
	void (*stopping)(struct task_struct *p, bool runnable);
	void (*quiescent)(struct task_struct *p, u64 deq_flags);
	bool (*yield)(struct task_struct *from, struct task_struct *to);
	bool (*core_sched_before)(struct task_struct *a, struct task_struct *b);
	void (*set_weight)(struct task_struct *p, u32 weight);
	void (*set_cpumask)(struct task_struct *p, const struct cpumask *cpumask);
	void (*update_idle)(s32 cpu, bool idle);
	void (*cpu_acquire)(s32 cpu, struct scx_cpu_acquire_args *args);
	void (*cpu_release)(s32 cpu, struct scx_cpu_release_args *args);
	s32 (*init_task)(struct task_struct *p, struct scx_init_task_args *args);
	void (*exit_task)(struct task_struct *p, struct scx_exit_task_args *args);
	void (*enable)(struct task_struct *p);
	void (*disable)(struct task_struct *p);
	void (*dump)(struct scx_dump_ctx *ctx);
	void (*dump_cpu)(struct scx_dump_ctx *ctx, s32 cpu, bool idle);
	void (*dump_task)(struct scx_dump_ctx *ctx, struct task_struct *p);
	s32 (*cgroup_init)(struct cgroup *cgrp, struct scx_cgroup_init_args *args);
	void (*cgroup_exit)(struct cgroup *cgrp);
	s32 (*cgroup_prep_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_cancel_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_set_weight)(struct cgroup *cgrp, u32 weight);
	void (*cgroup_set_bandwidth)(struct cgroup *cgrp, u64 period_us, u64 quota_us, u64 burst_us);
	void (*cgroup_set_idle)(struct cgroup *cgrp, bool idle);
	s32 (*sub_attach)(struct scx_sub_attach_args *args);
	void (*sub_detach)(struct scx_sub_detach_args *args);
	void (*cpu_online)(s32 cpu);
	void (*cpu_offline)(s32 cpu);
	s32 (*init)(void);
	void (*exit)(struct scx_exit_info *info);
	u32 dispatch_max_batch;
	u64 flags;
	u32 timeout_ms;
	u32 exit_dump_len;
	u64 hotplug_seq;
	u64 sub_cgroup_id;
	char name[SCX_OPS_NAME_LEN];
	void *priv;
};

/* Event counters returned by scx_bpf_events() (all s64, as in the kernel). */
struct scx_event_stats {
	s64 SCX_EV_SELECT_CPU_FALLBACK;
	s64 SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE;
	s64 SCX_EV_DISPATCH_KEEP_LAST;
	s64 SCX_EV_ENQ_SKIP_EXITING;
	s64 SCX_EV_ENQ_SKIP_MIGRATION_DISABLED;
	s64 SCX_EV_REENQ_IMMED;
	s64 SCX_EV_REENQ_REPEAT;
	s64 SCX_EV_REFILL_SLICE_DFL;
	s64 SCX_EV_BYPASS_DURATION;
	s64 SCX_EV_BYPASS_DISPATCH;
	s64 SCX_EV_BYPASS_ACTIVATE;
	s64 SCX_EV_INSERT_NOT_OWNED;
	s64 SCX_EV_SUB_BYPASS_DISPATCH;
};

/* Open-coded DSQ iterator state (bpf_for_each(scx_dsq, ...)). */
struct bpf_iter_scx_dsq {
	u64 __opaque[6];
} __attribute__((aligned(8)));

/* ---- BPF UAPI enums used by map definitions and helpers ---- */
enum bpf_map_type {
	BPF_MAP_TYPE_UNSPEC = 0,
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_CGROUP_ARRAY = 8,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_ARRAY_OF_MAPS = 12,
	BPF_MAP_TYPE_HASH_OF_MAPS = 13,
	BPF_MAP_TYPE_DEVMAP = 14,
	BPF_MAP_TYPE_SOCKMAP = 15,
	BPF_MAP_TYPE_CPUMAP = 16,
	BPF_MAP_TYPE_XSKMAP = 17,
	BPF_MAP_TYPE_SOCKHASH = 18,
	BPF_MAP_TYPE_CGROUP_STORAGE = 19,
	BPF_MAP_TYPE_REUSEPORT_SOCKARRAY = 20,
	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	BPF_MAP_TYPE_QUEUE = 22,
	BPF_MAP_TYPE_STACK = 23,
	BPF_MAP_TYPE_SK_STORAGE = 24,
	BPF_MAP_TYPE_DEVMAP_HASH = 25,
	BPF_MAP_TYPE_STRUCT_OPS = 26,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_INODE_STORAGE = 28,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
	BPF_MAP_TYPE_BLOOM_FILTER = 30,
	BPF_MAP_TYPE_USER_RINGBUF = 31,
	BPF_MAP_TYPE_CGRP_STORAGE = 32,
	BPF_MAP_TYPE_ARENA = 33,
};

/* What bpf_perf_event_read_value() fills in. */
struct bpf_perf_event_value {
	u64 counter;
	u64 enabled;
	u64 running;
};

enum {
	BPF_F_INDEX_MASK = 0xffffffffULL,
	BPF_F_CURRENT_CPU = BPF_F_INDEX_MASK,
};

/* The most iterations bpf_loop() and open-coded loops are given (kernel's BPF_MAX_LOOPS). */
enum {
	BPF_MAX_LOOPS = 8 * 1024 * 1024,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
	BPF_EXIST = 2,
	BPF_F_LOCK = 4,
};


enum {
	BPF_F_NO_PREALLOC = 1U << 0,
	BPF_F_NO_COMMON_LRU = 1U << 1,
	BPF_F_NUMA_NODE = 1U << 2,
	BPF_F_RDONLY = 1U << 3,
	BPF_F_WRONLY = 1U << 4,
	BPF_F_STACK_BUILD_ID = 1U << 5,
	BPF_F_ZERO_SEED = 1U << 6,
	BPF_F_RDONLY_PROG = 1U << 7,
	BPF_F_WRONLY_PROG = 1U << 8,
	BPF_F_CLONE = 1U << 9,
	BPF_F_MMAPABLE = 1U << 10,
	BPF_F_PRESERVE_ELEMS = 1U << 11,
	BPF_F_INNER_MAP = 1U << 12,
	BPF_F_LINK = 1U << 13,
	BPF_F_PATH_FD = 1U << 14,
	BPF_F_VTYPE_BTF_OBJ_FD = 1U << 15,
	BPF_F_TOKEN_FD = 1U << 16,
	BPF_F_SEGV_ON_FAULT = 1U << 17,
	BPF_F_NO_USER_CONV = 1U << 18,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1ULL << 0,
};

enum {
	BPF_F_TIMER_ABS = 1ULL << 0,
	BPF_F_TIMER_CPU_PIN = 1ULL << 1,
};

enum {
	BPF_RB_NO_WAKEUP = 1ULL << 0,
	BPF_RB_FORCE_WAKEUP = 1ULL << 1,
};

enum {
	BPF_RB_AVAIL_DATA = 0,
	BPF_RB_RING_SIZE = 1,
	BPF_RB_CONS_POS = 2,
	BPF_RB_PROD_POS = 3,
};

#endif /* __VMLINUX_H__ */
