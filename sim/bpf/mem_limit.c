/*
 * Per-policy accounting of BPF memory, standing in for the kernel's charging of BPF memory to
 * the loader's memory cgroup: maps at creation (max_entries x (key + value), the value once per
 * CPU for per-CPU maps), or per element for maps that allocate as they fill (BPF_F_NO_PREALLOC
 * hash maps, task and cgroup storage); objects from bpf_obj_new() and bpf_cpumask_create();
 * arena pages. A charge that would pass the limit fails, and the caller gives the kernel's
 * error for it: a map is not created (-ENOMEM), an update returns -ENOMEM, an allocation NULL.
 * The simulator runs one policy per process, so the account is the process's.
 */
#include "sim/bpf/bpf_runtime.h"

#include <errno.h>

static struct sim_bpf_mem_stats stats = { .limit = SIM_BPF_MEM_LIMIT_DFL };

void sim_bpf_mem__set_limit(uint64_t bytes)
{
	stats.limit = bytes;
}

int sim_bpf_mem__charge(uint64_t bytes)
{
	if (bytes > stats.limit || stats.used > stats.limit - bytes) {
		stats.refused++;
		return -ENOMEM;
	}
	stats.used += bytes;
	if (stats.used > stats.peak)
		stats.peak = stats.used;
	return 0;
}

void sim_bpf_mem__uncharge(uint64_t bytes)
{
	stats.used = bytes > stats.used ? 0 : stats.used - bytes;
}

const struct sim_bpf_mem_stats *sim_bpf_mem__stats(void)
{
	return &stats;
}
