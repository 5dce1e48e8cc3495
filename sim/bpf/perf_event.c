/*
 * Perf events: BPF_MAP_TYPE_PERF_EVENT_ARRAY and bpf_perf_event_read_value()/_read().
 *
 * On the kernel, user space opens a perf event per CPU (perf_event_open) and stores its fd in
 * the array; BPF reads the event's count. The simulator has no hardware counters, so an event
 * counts what the simulation executes: a filled slot (any non-zero value written from user
 * space: the loader profile's map fills, or a daemon) is an event on the CPU that reads it
 * which counts the nanoseconds that CPU has spent running tasks since boot at full speed
 * (busy time; a CPU at capacity 1024 and 1 GHz would count as many cycles). `enabled` and
 * `running` are the time since boot: the event is never multiplexed. An empty slot reads
 * -ENOENT, as the kernel's does. See docs/limits.md.
 */
#include "sim/bpf/map_internal.h"
#include "sim/core/sim.h"
#include "sim/shim/scxsim/helpers.h"

#include <errno.h>
#include <string.h>

#define PERF_F_INDEX_MASK 0xffffffffULL
#define PERF_F_CURRENT_CPU PERF_F_INDEX_MASK

/* The busy nanoseconds of @cpu up to now (the open accounting segment included). */
static u64 cpu_busy_now(const struct sim *sim, const struct sim_cpu *c)
{
	u64 busy = c->busy_ns;

	if (c->curr && sim__now(sim) > c->seg_start)
		busy += sim__now(sim) - c->seg_start;
	return busy;
}

static int perf_read(void *map, u64 flags, struct bpf_perf_event_value *v)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);
	struct sim *sim = sim__current();
	u64 index = flags & PERF_F_INDEX_MASK;
	u32 fd;

	if (!m || m->def.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY || !sim)
		return -EINVAL;
	if (flags & ~PERF_F_INDEX_MASK)
		return -EINVAL;
	if (index == PERF_F_CURRENT_CPU)
		index = sim->current_cpu < 0 ? 0 : (u64)sim->current_cpu;
	if (index >= m->def.max_entries)
		return -E2BIG;
	memcpy(&fd, m->array + index * m->stride, sizeof(fd));
	if (!fd)
		return -ENOENT;
	if (sim->current_cpu < 0)
		return -EOPNOTSUPP; /* read outside any CPU's context */
	v->counter = cpu_busy_now(sim, &sim->cpus[sim->current_cpu]);
	v->enabled = sim__ktime(sim);
	v->running = v->enabled;
	return 0;
}

long bpf_perf_event_read_value(void *map, u64 flags, struct bpf_perf_event_value *buf, u32 buf_size)
{
	struct bpf_perf_event_value v = { 0 };
	long ret;

	if (!buf || buf_size != sizeof(*buf))
		return -EINVAL;
	ret = perf_read(map, flags, &v);
	*buf = ret ? (struct bpf_perf_event_value){ 0 } : v;
	return ret;
}

u64 bpf_perf_event_read(void *map, u64 flags)
{
	struct bpf_perf_event_value v;
	long ret = perf_read(map, flags, &v);

	return ret ? (u64)ret : v.counter;
}
