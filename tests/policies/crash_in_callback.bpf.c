/*
 * A fixture policy that crashes in a callback, the way the kernel's verifier would have
 * refused to load: a global FIFO that, from its `crash_after`-th enqueue on, does what
 * `crash_how` says:
 *   1: uses a map lookup's result without checking it for NULL (SIGSEGV in ops.enqueue);
 *   2: recurses without bound in ops.dispatch (a stack overflow);
 *   3: reaches __builtin_trap() in ops.tick (SIGILL).
 * The simulator must end the policy with an error exit naming the callback, the task and
 * this file's line, and run every task on the fair class for the rest of the run.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ 0

const volatile u32 crash_how;
const volatile u64 crash_after = 20;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} per_pid SEC(".maps");

static u64 nr_enqueued;
static volatile bool keep_going = true;

static bool due(void)
{
	return nr_enqueued >= crash_after;
}

void BPF_STRUCT_OPS(crash_enqueue, struct task_struct *p, u64 enq_flags)
{
	nr_enqueued++;
	if (crash_how == 1 && due()) {
		u32 pid = p->pid;
		u64 *count = bpf_map_lookup_elem(&per_pid, &pid); /* never inserted: NULL */

		*count += 1; /* the NULL dereference */
	}
	scx_bpf_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

static u64 __attribute__((noinline)) descend(u64 depth, volatile u64 *frame_above)
{
	volatile u64 frame[32];

	frame[0] = depth + (frame_above ? frame_above[0] : 0);
	if (keep_going)
		return descend(depth + 1, frame) + frame[0]; /* the recursion */
	return frame[0];
}

void BPF_STRUCT_OPS(crash_dispatch, s32 cpu, struct task_struct *prev)
{
	if (crash_how == 2 && due())
		descend(0, NULL);
	scx_bpf_dsq_move_to_local(SHARED_DSQ);
}

void BPF_STRUCT_OPS(crash_tick, struct task_struct *p)
{
	if (crash_how == 3 && due())
		__builtin_trap(); /* the trap */
}

s32 BPF_STRUCT_OPS_SLEEPABLE(crash_init)
{
	return scx_bpf_create_dsq(SHARED_DSQ, -1);
}

SCX_OPS_DEFINE(crash_ops,
	       .enqueue = (void *)crash_enqueue,
	       .dispatch = (void *)crash_dispatch,
	       .tick = (void *)crash_tick,
	       .init = (void *)crash_init,
	       .name = "crash_in_callback");
