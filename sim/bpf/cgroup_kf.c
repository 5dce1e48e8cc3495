/*
 * Cgroup kfuncs and cgroup-local storage (bpf_cgroup_ancestor/_from_id/_acquire/_release,
 * bpf_cgrp_storage_get/_delete) over the run's cgroup tree (sim/core/cgroup.h). Cgroups live as
 * long as the run, so references need no counting.
 */
#include "sim/bpf/map_internal.h"
#include "sim/core/sim.h"
#include "sim/shim/scx/bpf_kfuncs.bpf.h"
#include "sim/shim/scxsim/helpers.h"

#include <errno.h>

struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp)
{
	return cgrp;
}

void bpf_cgroup_release(struct cgroup *cgrp)
{
}

struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level)
{
	if (!cgrp || level < 0 || level > cgrp->level)
		return NULL;
	return cgrp->ancestors[level];
}

struct cgroup *bpf_cgroup_from_id(u64 cgid)
{
	struct sim *sim = sim__current();
	struct sim_cgroup *cg = sim ? sim_cgroup__from_id(sim, cgid) : NULL;

	return cg ? &cg->cg : NULL;
}

void *bpf_cgrp_storage_get(void *map, struct cgroup *cgrp, void *value, u64 flags)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);

	if (!m || !cgrp || m->def.type != BPF_MAP_TYPE_CGRP_STORAGE)
		return NULL;
	return map__local_storage(m, cgrp, value, flags & BPF_LOCAL_STORAGE_GET_F_CREATE);
}

long bpf_cgrp_storage_delete(void *map, struct cgroup *cgrp)
{
	struct sim_bpf_map *m = sim_bpf_map__from_global(map);

	if (!m || !cgrp || m->def.type != BPF_MAP_TYPE_CGRP_STORAGE)
		return -EINVAL;
	return map__local_storage_delete(m, cgrp);
}
