/*
 * scxlab's probes for real-kernel runs: the same wait definitions as the simulator
 * (docs/architecture.md, "Latency: one definition for both worlds"), measured in the kernel,
 * with or without a sched_ext policy loaded.
 *
 * A task becomes runnable when it is woken (sched_waking, sched_wakeup_new: a wakeup wait) or
 * switched out while still runnable (sched_switch with prev_state TASK_RUNNING: a preemption
 * wait); the wait ends when it is switched in. A wakeup wait starts at sched_waking, the start
 * of try_to_wake_up() on the waker's CPU, where the simulator starts it too: sched_wakeup fires
 * later, on the target CPU after the IPI and its idle exit, which would leave those out. Waits go into in-kernel histograms with the
 * simulator's log-linear buckets (32 per power of two), per CPU, plus exact count, sum, min and
 * max: wakeup, preemption, and every wait (run delay).
 *
 * Per task, what the simulator's tasks[] rows hold is captured when the task exits
 * (sched_process_exit), before its task_struct goes: CPU time, the kernel's run_delay,
 * voluntary and involuntary switches, migrations, and the CPU time it got from the ext class
 * and from the others (charged at every switch-out by the class it ran in), when it was first
 * switched in by another class after having been in ext (the policy was ejected: it is back on
 * the fair class) and since when it had waited for that, and when it exited.
 *
 * Only the workload's tasks count: those whose comm starts with `comm_prefix` ("stress-ng").
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

#define SUB_BITS 5
#define SUB (1u << SUB_BITS)
#define NR_BUCKETS ((64 - SUB_BITS + 1) * SUB)
#define MAX_TASK_ROWS 65536

enum { H_WAKEUP, H_PREEMPT, H_RUN_DELAY, NR_HISTS };
enum { C_SWITCH_IN_EXT, C_SWITCH_IN_OTHER, C_ROWS_DROPPED, NR_COUNTERS };

const volatile char comm_prefix[16] = "stress-ng";
const volatile u32 prefix_len = 9;

/* the ext class's descriptor, to tell which class a task runs in */
extern const void ext_sched_class __ksym __weak;

struct hist_stat {
	u64 count;
	u64 sum;
	u64 min;
	u64 max;
};

struct task_row {
	char comm[16];
	u64 cpu_ns;
	u64 ext_ns;
	u64 other_ns;
	u64 run_delay_ns;
	u64 nvcsw;
	u64 nivcsw;
	u64 migrations;
	u64 wakeups;
	u64 wakeup_wait_max_ns;
	u64 back_on_other_ns;  /* ktime of the first non-ext switch-in after an ext one, 0: none */
	u64 back_wait_ns;      /* since when it had waited for that switch-in (0: it had not) */
	u64 exit_ns;           /* ktime of the exit */
	u32 on_ext_at_exit;
	u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_HISTS * NR_BUCKETS);
	__type(key, u32);
	__type(value, u64);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_HISTS);
	__type(key, u32);
	__type(value, struct hist_stat);
} hist_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NR_COUNTERS);
	__type(key, u32);
	__type(value, u64);
} counters SEC(".maps");

/* exited workload tasks, by pid */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_TASK_ROWS);
	__type(key, u32);
	__type(value, struct task_row);
} task_rows SEC(".maps");

struct task_state {
	u64 runnable_at;  /* 0: not waiting */
	u64 on_cpu_at;    /* 0: not running */
	u64 ext_ns;
	u64 other_ns;
	u64 wakeups;
	u64 wakeup_wait_max_ns;
	u64 back_on_other_ns;
	u64 back_wait_ns;
	u32 wakeup;       /* the current wait began with a wakeup */
	u32 was_ext;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} states SEC(".maps");

static bool of_workload(struct task_struct *p)
{
	char comm[16];

	if (bpf_probe_read_kernel_str(comm, sizeof(comm), p->comm) < 0)
		return false;
	for (u32 i = 0; i < 15; i++) {
		if (i >= prefix_len)
			return true;
		if (comm[i] != comm_prefix[i])
			return false;
	}
	return true;
}

static bool on_ext(struct task_struct *p)
{
	return &ext_sched_class && (const void *)p->sched_class == &ext_sched_class;
}

static void count(u32 which)
{
	u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		(*c)++;
}

/* The simulator's bucket of @v (sim/metrics/hist.c): exact below 64, then 32 per power of two. */
static u32 bucket_of(u64 v)
{
	u32 msb = 0;

	if (v < 2 * SUB)
		return (u32)v;
	for (int b = 32; b > 0; b >>= 1) {
		if (v >> (msb + b))
			msb += b;
	}
	u32 shift = msb - SUB_BITS;
	return (shift + 1) * SUB + (u32)((v >> shift) - SUB);
}

static void record(u32 hist, u64 v)
{
	u32 key = hist * NR_BUCKETS + bucket_of(v);
	struct hist_stat *st;
	u64 *cnt;

	if (key >= NR_HISTS * NR_BUCKETS)
		return;
	cnt = bpf_map_lookup_elem(&hists, &key);
	if (cnt)
		(*cnt)++;
	st = bpf_map_lookup_elem(&hist_stats, &hist);
	if (!st)
		return;
	if (!st->count || v < st->min)
		st->min = v;
	if (v > st->max)
		st->max = v;
	st->count++;
	st->sum += v;
}

static struct task_state *state_of(struct task_struct *p)
{
	return bpf_task_storage_get(&states, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static void mark_runnable(struct task_struct *p, u32 wakeup)
{
	struct task_state *s = state_of(p);

	if (s) {
		s->runnable_at = bpf_ktime_get_ns();
		s->wakeup = wakeup;
	}
}

/* Charge the CPU time since @p was switched in to the class it ran in. */
static void charge(struct task_struct *p, struct task_state *s, u64 now)
{
	if (!s->on_cpu_at)
		return;
	if (on_ext(p))
		s->ext_ns += now - s->on_cpu_at;
	else
		s->other_ns += now - s->on_cpu_at;
	s->on_cpu_at = 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(lat_waking, struct task_struct *p)
{
	if (of_workload(p))
		mark_runnable(p, 1);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(lat_wakeup_new, struct task_struct *p)
{
	if (of_workload(p))
		mark_runnable(p, 1);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(lat_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	u64 now = bpf_ktime_get_ns();
	struct task_state *s;

	if (of_workload(prev)) {
		s = state_of(prev);
		if (s) {
			charge(prev, s, now);
			if (prev_state == 0 /* TASK_RUNNING: preempted, still runnable */) {
				s->runnable_at = now;
				s->wakeup = 0;
			}
		}
	}
	if (!of_workload(next))
		return 0;
	bool ext = on_ext(next);
	count(ext ? C_SWITCH_IN_EXT : C_SWITCH_IN_OTHER);
	s = state_of(next);
	if (!s)
		return 0;
	s->on_cpu_at = now;
	if (ext)
		s->was_ext = 1;
	else if (s->was_ext && !s->back_on_other_ns) {
		s->back_on_other_ns = now;
		s->back_wait_ns = s->runnable_at;
	}
	if (!s->runnable_at)
		return 0;
	u64 wait = now - s->runnable_at;
	if (s->wakeup) {
		record(H_WAKEUP, wait);
		s->wakeups++;
		if (wait > s->wakeup_wait_max_ns)
			s->wakeup_wait_max_ns = wait;
	} else {
		record(H_PREEMPT, wait);
	}
	record(H_RUN_DELAY, wait);
	s->runnable_at = 0;
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(lat_exit, struct task_struct *p)
{
	struct task_row row = {};
	struct task_state *s;
	u32 pid = (u32)p->pid;

	if (!of_workload(p))
		return 0;
	s = state_of(p);
	if (s) {
		charge(p, s, bpf_ktime_get_ns());
		s->on_cpu_at = bpf_ktime_get_ns(); /* it runs on until its last switch-out */
		row.ext_ns = s->ext_ns;
		row.other_ns = s->other_ns;
		row.wakeups = s->wakeups;
		row.wakeup_wait_max_ns = s->wakeup_wait_max_ns;
		row.back_on_other_ns = s->back_on_other_ns;
		row.back_wait_ns = s->back_wait_ns;
	}
	row.exit_ns = bpf_ktime_get_ns();
	bpf_probe_read_kernel_str(row.comm, sizeof(row.comm), p->comm);
	row.cpu_ns = p->se.sum_exec_runtime;
	row.run_delay_ns = p->sched_info.run_delay;
	row.nvcsw = p->nvcsw;
	row.nivcsw = p->nivcsw;
	row.migrations = p->se.nr_migrations;
	row.on_ext_at_exit = on_ext(p);
	if (bpf_map_update_elem(&task_rows, &pid, &row, BPF_ANY))
		count(C_ROWS_DROPPED);
	return 0;
}
