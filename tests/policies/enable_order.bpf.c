/*
 * A fixture policy for the order of the attach: ops.init arms a 10 ms timer, as scx_lavd's
 * statistics timer is armed, and whichever comes first, the timer or an ops.select_cpu (the
 * first wakeup of a workload task), ends the policy with an error exit naming it. On a
 * target whose enable transition takes longer than 10 ms (the kernel is in bypass mode then:
 * no ops.select_cpu) the timer wins; with an instant one the workload's first fork does.
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define TIMER_NS (10 * 1000 * 1000ULL)

struct timer_slot {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct timer_slot);
} timers SEC(".maps");

bool timer_fired, select_cpu_ran;

static int timer_fn(void *map, int *key, struct bpf_timer *timer)
{
	timer_fired = true;
	if (!select_cpu_ran)
		scx_bpf_error("the timer came first");
	return 0;
}

s32 BPF_STRUCT_OPS(enable_order_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	select_cpu_ran = true;
	if (!timer_fired)
		scx_bpf_error("ops.select_cpu came first");
	return prev_cpu;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(enable_order_init)
{
	u32 key = 0;
	struct timer_slot *s = bpf_map_lookup_elem(&timers, &key);

	if (!s)
		return -ENOENT;
	bpf_timer_init(&s->timer, &timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&s->timer, timer_fn);
	return bpf_timer_start(&s->timer, TIMER_NS, 0);
}

SCX_OPS_DEFINE(enable_order_ops,
	       .select_cpu = (void *)enable_order_select_cpu,
	       .init = (void *)enable_order_init,
	       .name = "enable_order");
