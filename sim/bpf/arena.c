/*
 * BPF arenas as plain memory (see sim/shim/scx/bpf_arena_common.bpf.h): page allocations are
 * tracked like every policy allocation and freed when the policy is unloaded; the arena map
 * itself holds nothing. Preemption control is a no-op in the single-threaded simulator.
 */
#include "sim/bpf/map_internal.h"
#include "sim/shim/scx/bpf_arena_common.bpf.h"

#include <errno.h>

void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt, int node_id,
				    __u64 flags)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);

	if (!m || m->def.type != BPF_MAP_TYPE_ARENA || !page_cnt || addr)
		return NULL; /* fixed addresses are not modelled */
	if ((uint64_t)page_cnt > m->def.max_entries)
		return NULL;
	return sim_bpf__obj_alloc((size_t)page_cnt * PAGE_SIZE);
}

void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt)
{
	sim_bpf__obj_put(ptr);
}

int bpf_arena_reserve_pages(void *map, void __arena *ptr, __u32 page_cnt)
{
	return -EOPNOTSUPP;
}

long bpf_arena_mapping_nr_pages(void *p__map)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(p__map);

	return m ? (long)m->def.max_entries : -EINVAL;
}

void bpf_preempt_disable(void)
{
}

void bpf_preempt_enable(void)
{
}
