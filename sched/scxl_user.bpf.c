/*
 * scxl_user: a scheduler whose decisions are all made in user space, by its daemon
 * (sched/scxl_user.daemon.c), the model of scx_userland-style schedulers.
 *
 * The BPF side only carries tasks back and forth. ops.enqueue sends each runnable user task to
 * the daemon through the queue map `to_daemon` ({pid, weight, vruntime}) and keeps it (the task
 * is in the policy's custody, on no DSQ). The daemon pops them, decides the order and the slice
 * and pushes its decisions ({pid, slice}) into `from_daemon`; then it runs the `daemon_kick`
 * syscall program, which notes that the daemon is alive and kicks the idle CPUs. ops.dispatch
 * turns decisions into inserts into one FIFO DSQ, from which every CPU takes its next task.
 *
 * What user space does not decide:
 * - kernel threads go straight to their CPU's local DSQ: the kernel's own work (the sched_ext
 *   watchdog among it) must not wait for a user process;
 * - the daemon's own threads (the process whose tgid the loader writes into
 *   `scxlab_daemon_tgid`) go to the head of their CPU's local DSQ, preempting: a user-space
 *   scheduler that waits behind the tasks it is about to schedule deadlocks.
 *
 * Keeping the system alive. If the daemon says nothing for `fallback_after_ns` (it stalled,
 * or there is none), the policy schedules by itself: new tasks and those already waiting in
 * `to_daemon` go FIFO to the shared DSQ, and a BPF timer kicks idle CPUs so that nothing waits
 * for a daemon that does not come. When the daemon speaks again it decides again. With
 * `fallback_after_ns` = 0 there is no fallback: a silent daemon leaves its tasks waiting until
 * the kernel's watchdog ejects the policy (timeout_ms, 2 s) and the fair class takes them over.
 *
 * Counters (per-CPU array `stats`, see enum user_stat) show who decided what; `daemon_gaps`
 * how punctual the daemon was.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0
#define QUEUE_LEN 8192
#define DISPATCH_BATCH 16          /* inserts per ops.dispatch call: within the kernel's 32 slots */
#define WATCH_PERIOD_NS 10000000ULL
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1           /* the uapi value; vmlinux.h has no macros */
#endif

/* The messages between the policy and its daemon (the daemon has the same layouts). */
struct user_task {
	s32 pid;
	u32 weight;
	u64 vruntime;
};

struct user_decision {
	s32 pid;
	u32 pad;
	u64 slice_ns;
};

enum user_stat {
	STAT_TO_DAEMON,     /* user tasks sent to the daemon */
	STAT_FROM_DAEMON,   /* tasks inserted as the daemon decided */
	STAT_FALLBACK,      /* tasks inserted without the daemon: it was silent */
	STAT_KTHREAD,       /* kernel threads, not the daemon's business */
	STAT_SELF,          /* the daemon's own threads */
	STAT_STALE,         /* decisions for tasks that no longer exist */
	STAT_QUEUE_FULL,    /* to_daemon was full: inserted by the policy */
	STAT_NR,
};

/* set by the loader: the process the daemon runs in (-1: none known) */
const volatile s32 scxlab_daemon_tgid = -1;
/* how long the daemon may be silent before the policy schedules by itself (0: never): long
 * enough that a daemon held up by a busy (or emulated) machine is not taken for a dead one,
 * short next to the watchdog's 2 s */
const volatile u64 fallback_after_ns = 250000000;
/* slice of kernel threads, the daemon, and tasks scheduled in fallback */
const volatile u64 own_slice_ns = 5000000;

/* written by daemon_kick: when the daemon last spoke */
u64 daemon_seen_ns;
u64 daemon_kicks;

UEI_DEFINE(uei);

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, QUEUE_LEN);
	__type(value, struct user_task);
} to_daemon SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, QUEUE_LEN);
	__type(value, struct user_decision);
} from_daemon SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, STAT_NR);
} stats SEC(".maps");

/* how long the daemon went between two rounds: bucket i counts gaps under 2^(i+1) ms (the last
 * one: longer) - a late daemon is what pushes the policy into its fallback */
#define GAP_BUCKETS 12
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, GAP_BUCKETS);
} daemon_gaps SEC(".maps");

struct task_ctx {
	u64 vruntime;       /* ns of CPU time, scaled by 100 / weight */
	u64 started_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct watch {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct watch);
} watch_timer SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

static bool daemon_silent(void)
{
	/* signed: the daemon may have spoken on another CPU after we read the clock */
	return fallback_after_ns && (s64)(bpf_ktime_get_ns() - daemon_seen_ns) > (s64)fallback_after_ns;
}

static void kick_idle_cpus(void)
{
	s32 cpu;

	bpf_for(cpu, 0, scx_bpf_nr_cpu_ids())
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/* Where a task waits does not matter: every CPU takes from the shared DSQ. Not picking an
 * idle CPU here also keeps the kernel from dispatching the task before the daemon saw it. */
s32 BPF_STRUCT_OPS(user_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

void BPF_STRUCT_OPS(user_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	struct user_task msg = {};

	if (p->flags & PF_KTHREAD) {
		stat_inc(STAT_KTHREAD);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, own_slice_ns, enq_flags);
		return;
	}
	if (p->tgid == scxlab_daemon_tgid) {
		stat_inc(STAT_SELF);
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, own_slice_ns, enq_flags | SCX_ENQ_HEAD | SCX_ENQ_PREEMPT);
		return;
	}
	if (daemon_silent()) {
		s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

		stat_inc(STAT_FALLBACK);
		scx_bpf_dsq_insert(p, SHARED_DSQ, own_slice_ns, enq_flags);
		if (cpu >= 0)
			scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}
	tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	msg.pid = p->pid;
	msg.weight = p->scx.weight;
	msg.vruntime = tctx ? tctx->vruntime : 0;
	if (bpf_map_push_elem(&to_daemon, &msg, 0)) {
		stat_inc(STAT_QUEUE_FULL);
		scx_bpf_dsq_insert(p, SHARED_DSQ, own_slice_ns, enq_flags);
		return;
	}
	stat_inc(STAT_TO_DAEMON);
}

/* Insert the task @pid into the shared DSQ, if it still exists. */
static bool insert_pid(s32 pid, u64 slice)
{
	struct task_struct *p = bpf_task_from_pid(pid);

	if (!p)
		return false;
	scx_bpf_dsq_insert(p, SHARED_DSQ, slice, 0);
	bpf_task_release(p);
	return true;
}

void BPF_STRUCT_OPS(user_dispatch, s32 cpu, struct task_struct *prev)
{
	struct user_decision dec;
	struct user_task msg;
	s32 i;

	bpf_for(i, 0, DISPATCH_BATCH) {
		if (bpf_map_pop_elem(&from_daemon, &dec))
			break;
		stat_inc(insert_pid(dec.pid, dec.slice_ns) ? STAT_FROM_DAEMON : STAT_STALE);
	}
	/* a silent daemon: take what it was sent and never saw */
	if (daemon_silent()) {
		bpf_for(i, 0, DISPATCH_BATCH) {
			if (bpf_map_pop_elem(&to_daemon, &msg))
				break;
			stat_inc(insert_pid(msg.pid, own_slice_ns) ? STAT_FALLBACK : STAT_STALE);
		}
	}
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(user_running, struct task_struct *p)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tctx)
		tctx->started_at = bpf_ktime_get_ns();
}

void BPF_STRUCT_OPS(user_stopping, struct task_struct *p, bool runnable)
{
	struct task_ctx *tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	u32 weight = p->scx.weight ? p->scx.weight : 100;

	if (tctx && tctx->started_at) {
		tctx->vruntime += (bpf_ktime_get_ns() - tctx->started_at) * 100 / weight;
		tctx->started_at = 0;
	}
}

struct kick_args {
	u32 nr_decided;
};

/* Run by the daemon after each round: it is alive, and idle CPUs have work if it decided. */
SEC("syscall")
int daemon_kick(struct kick_args *args)
{
	u64 now = bpf_ktime_get_ns(), gap_ms = daemon_seen_ns ? (now - daemon_seen_ns) / 1000000 : 0;
	u32 bucket = 0;
	u64 *cnt;

	while (bucket < GAP_BUCKETS - 1 && gap_ms >= 2ULL << bucket)
		bucket++;
	cnt = bpf_map_lookup_elem(&daemon_gaps, &bucket);
	if (cnt)
		(*cnt)++;
	daemon_seen_ns = now;
	daemon_kicks++;
	if (args->nr_decided)
		kick_idle_cpus();
	return 0;
}

/* While the daemon is silent, tasks may still wait in to_daemon: have idle CPUs take them. */
static int watch_fn(void *map, int *key, struct watch *w)
{
	struct user_task msg;

	if (daemon_silent() && !bpf_map_peek_elem(&to_daemon, &msg))
		kick_idle_cpus();
	bpf_timer_start(&w->timer, WATCH_PERIOD_NS, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(user_init)
{
	u32 key = 0;
	struct watch *w = bpf_map_lookup_elem(&watch_timer, &key);
	s32 ret;

	daemon_seen_ns = bpf_ktime_get_ns();
	ret = scx_bpf_create_dsq(SHARED_DSQ, NUMA_NO_NODE);
	if (ret)
		return ret;
	if (!w)
		return -ENOENT;
	bpf_timer_init(&w->timer, &watch_timer, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&w->timer, watch_fn);
	return bpf_timer_start(&w->timer, WATCH_PERIOD_NS, 0);
}

void BPF_STRUCT_OPS(user_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(user_ops,
	       .select_cpu = (void *)user_select_cpu,
	       .enqueue = (void *)user_enqueue,
	       .dispatch = (void *)user_dispatch,
	       .running = (void *)user_running,
	       .stopping = (void *)user_stopping,
	       .init = (void *)user_init,
	       .exit = (void *)user_exit,
	       .timeout_ms = 2000,
	       .name = "scxl_user");
