/*
 * A fixture policy that records what bpf_timer_cancel() returns where the kernel's answers
 * differ (kernel/bpf/helpers.c): 1 for an armed timer from a sleepable ops.init, -EINVAL for
 * a timer never initialized, -EDEADLK from the timer's own callback, 1 for another armed timer
 * from a timer callback (softirq, interrupts on), and -EOPNOTSUPP from ops.enqueue, which the
 * kernel runs with interrupts disabled (scx_nest's "Failed to cancel pcpu timer").
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define NOT_RUN 12345

struct timer_slot {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);	/* 0: fires soon, 1: armed far away, 2: never initialized */
	__type(key, u32);
	__type(value, struct timer_slot);
} timers SEC(".maps");

s64 cancel_in_init = NOT_RUN, cancel_uninit = NOT_RUN, cancel_own = NOT_RUN;
s64 cancel_other_in_cb = NOT_RUN, cancel_in_enqueue = NOT_RUN;

static struct bpf_timer *slot(u32 key)
{
	struct timer_slot *s = bpf_map_lookup_elem(&timers, &key);

	return s ? &s->timer : NULL;
}

static int soon_fn(void *map, int *key, struct bpf_timer *timer)
{
	struct bpf_timer *far = slot(1);

	cancel_own = bpf_timer_cancel(timer);
	if (far)
		cancel_other_in_cb = bpf_timer_cancel(far);
	return 0;
}

static int far_fn(void *map, int *key, struct bpf_timer *timer)
{
	return 0;
}

void BPF_STRUCT_OPS(timer_cancel_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct bpf_timer *soon = slot(0);

	if (cancel_in_enqueue == NOT_RUN && soon)
		cancel_in_enqueue = bpf_timer_cancel(soon);
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(timer_cancel_init)
{
	struct bpf_timer *soon = slot(0), *far = slot(1), *never = slot(2);

	if (!soon || !far || !never)
		return -ENOENT;
	if (bpf_timer_init(soon, &timers, CLOCK_MONOTONIC) || bpf_timer_init(far, &timers, CLOCK_MONOTONIC) ||
	    bpf_timer_set_callback(soon, soon_fn) || bpf_timer_set_callback(far, far_fn))
		return -EINVAL;
	bpf_timer_start(far, 5000000000ULL, 0);
	cancel_in_init = bpf_timer_cancel(far);
	cancel_uninit = bpf_timer_cancel(never);
	bpf_timer_start(far, 5000000000ULL, 0);
	bpf_timer_start(soon, 1000000ULL, 0);
	return 0;
}

SCX_OPS_DEFINE(timer_cancel_ops,
	       .enqueue = (void *)timer_cancel_enqueue,
	       .init = (void *)timer_cancel_init,
	       .name = "timer_cancel");
