/*
 * BPF timers (bpf_timer_init/set_callback/start/cancel): a struct bpf_timer inside a map value
 * becomes a simulator event that calls the policy's callback with (map, key, value) on the CPU
 * that armed it (BPF_F_TIMER_CPU_PIN pins it there; unpinned timers fire there too, as they
 * usually do on an idle-free kernel). Relative or absolute (BPF_F_TIMER_ABS) expiry in
 * simulated time.
 */
#include "sim/bpf/map_internal.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The clocks a BPF timer may use (the kernel's clockid values). */
enum { CLOCK_REALTIME_ID = 0, CLOCK_MONOTONIC_ID = 1, CLOCK_BOOTTIME_ID = 7 };

struct timer_rt {
	struct sim_event ev;
	struct sim *sim;          /* NULL once the simulation is gone */
	struct sim_bpf_map *map;
	void *map_global;
	const void *key;
	uint32_t key_idx;         /* storage for array keys */
	void *value;
	struct bpf_timer *timer;
	long (*cb)(void *map, void *key, void *value);
	int cpu;
	struct timer_rt *next;
};

static struct timer_rt *timers;
/* the timer whose callback is running (the kernel's per-CPU hrtimer_running) */
static struct timer_rt *running_timer;

static struct timer_rt *rt_of(struct bpf_timer *t)
{
	struct timer_rt *rt;

	memcpy(&rt, &t->__opaque[0], sizeof(rt));
	return rt;
}

static void timer_fire(struct sim_loop *loop, struct sim_event *ev)
{
	struct timer_rt *rt = ev->arg;

	struct timer_rt *outer = running_timer;

	if (!rt->sim || !rt->cb)
		return;
	running_timer = rt;
	if (sim_bpf_policy_hooks->run_timer_cb)
		sim_bpf_policy_hooks->run_timer_cb(rt->sim, rt->cpu, rt->cb, rt->map_global, (void *)rt->key,
						   rt->value);
	running_timer = outer;
}

long bpf_timer_init(struct bpf_timer *timer, void *map, u64 flags)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);
	struct sim *sim = sim__current();
	struct timer_rt *rt;

	if (!m || !sim || (flags != CLOCK_MONOTONIC_ID && flags != CLOCK_BOOTTIME_ID &&
			   flags != CLOCK_REALTIME_ID))
		return -EINVAL;
	if (rt_of(timer))
		return -EBUSY;
	rt = calloc(1, sizeof(*rt));
	if (!rt)
		return -ENOMEM;
	rt->key = map__key_of_addr(m, timer, &rt->key_idx, &rt->value);
	if (!rt->key) {
		free(rt);
		return -EINVAL;
	}
	if (rt->key != &rt->key_idx && m->array)
		rt->key = &rt->key_idx;
	rt->sim = sim;
	rt->map = m;
	rt->map_global = map;
	rt->timer = timer;
	rt->cpu = -1;
	sim_event__init(&rt->ev, timer_fire, rt);
	rt->next = timers;
	timers = rt;
	memcpy(&timer->__opaque[0], &rt, sizeof(rt));
	return 0;
}

long bpf_timer_set_callback(struct bpf_timer *timer, void *callback_fn)
{
	struct timer_rt *rt = rt_of(timer);

	if (!rt)
		return -EINVAL;
	rt->cb = (long (*)(void *, void *, void *))callback_fn;
	return 0;
}

long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags)
{
	struct timer_rt *rt = rt_of(timer);
	uint64_t now, when;

	if (!rt || !rt->cb || !rt->sim || (flags & ~(u64)(BPF_F_TIMER_ABS | BPF_F_TIMER_CPU_PIN)))
		return -EINVAL;
	/* absolute expiry is on the kernel clock (time since boot) */
	now = sim__now(rt->sim);
	if (flags & BPF_F_TIMER_ABS)
		when = nsecs > rt->sim->cfg.uptime_ns ? nsecs - rt->sim->cfg.uptime_ns : 0;
	else
		when = now + nsecs;
	if (when < now)
		when = now;
	rt->cpu = sim_bpf__this_cpu();
	sim_loop__schedule(&rt->sim->loop, &rt->ev, when);
	return 0;
}

/*
 * The kernel's answers (kernel/bpf/helpers.c): -EOPNOTSUPP with interrupts disabled (it would
 * have to defer the cancel: most sched_ext callbacks), -EINVAL for a timer never initialized,
 * -EDEADLK from the timer's own callback (hrtimer_cancel would wait for itself), else 1 if
 * the timer was armed and 0 if not.
 */
long bpf_timer_cancel(struct bpf_timer *timer)
{
	struct timer_rt *rt = rt_of(timer);
	bool active;

	if (sim_bpf_policy_hooks->irqs_disabled && sim_bpf_policy_hooks->irqs_disabled(sim__current()))
		return -EOPNOTSUPP;
	if (!rt)
		return -EINVAL;
	if (rt == running_timer)
		return -EDEADLK;
	active = rt->sim && sim_event__queued(&rt->ev);
	if (active)
		sim_loop__cancel(&rt->sim->loop, &rt->ev);
	return active ? 1 : 0;
}

void sim_bpf__sim_freed(struct sim *sim)
{
	for (struct timer_rt *rt = timers; rt; rt = rt->next)
		if (rt->sim == sim)
			rt->sim = NULL;
}

void sim_bpf__timers_free(void)
{
	while (timers) {
		struct timer_rt *rt = timers;
		timers = rt->next;
		if (rt->sim && sim_event__queued(&rt->ev))
			sim_loop__cancel(&rt->sim->loop, &rt->ev);
		free(rt); /* the map memory holding the timer is freed by its map */
	}
}

void sim_bpf__timers_forget(const void *start, size_t len)
{
	const unsigned char *a = start;

	for (struct timer_rt *rt = timers; rt; rt = rt->next) {
		const unsigned char *t = (const unsigned char *)rt->timer;
		if (t < a || t >= a + len)
			continue;
		/* the element holding the timer is gone: the kernel cancels it */
		if (rt->sim && sim_event__queued(&rt->ev))
			sim_loop__cancel(&rt->sim->loop, &rt->ev);
		rt->cb = NULL;
		rt->sim = NULL;
	}
}
