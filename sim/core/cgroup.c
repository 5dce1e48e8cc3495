/*
 * The cgroup tree of a run and task membership (see cgroup.h).
 */
#include "sim/core/cgroup.h"
#include "sim/core/sim.h"
#include "sim/core/hooks.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

struct sim_cgroup *sim_cgroup__root(struct sim *sim)
{
	return sim->nr_cgroups ? sim->cgroups[0] : NULL;
}

struct sim_cgroup *sim_cgroup__from_cgroup(const struct cgroup *cgrp)
{
	if (!cgrp)
		return NULL;
	return (struct sim_cgroup *)((char *)cgrp - offsetof(struct sim_cgroup, cg));
}

struct sim_cgroup *sim_cgroup__of_task(const struct sim_task *p)
{
	const struct css_set *cset = p->ts.cgroups;

	return cset ? sim_cgroup__from_cgroup(cset->dfl_cgrp) : NULL;
}

struct sim_cgroup *sim_cgroup__from_id(struct sim *sim, uint64_t id)
{
	for (int i = 0; i < sim->nr_cgroups; i++)
		if (sim->cgroups[i]->kn.id == id)
			return sim->cgroups[i];
	return NULL;
}

static uint32_t clamp_weight(uint32_t w)
{
	return w < 1 ? 1 : w > 10000 ? 10000 : w;
}

struct sim_cgroup *sim_cgroup__create(struct sim *sim, struct sim_cgroup *parent, const char *name,
				      uint32_t weight)
{
	int level = parent ? parent->cg.level + 1 : 0;
	struct sim_cgroup *cg, **arr;

	if (!parent && sim->nr_cgroups)
		parent = sim->cgroups[0];
	level = parent ? parent->cg.level + 1 : 0;
	if (level > SIM_CGROUP_MAX_DEPTH)
		return NULL;
	cg = calloc(1, sizeof(*cg) + (size_t)(level + 1) * sizeof(struct cgroup *));
	arr = realloc(sim->cgroups, (size_t)(sim->nr_cgroups + 1) * sizeof(*arr));
	if (!cg || !arr) {
		free(cg);
		if (arr)
			sim->cgroups = arr;
		return NULL;
	}
	sim->cgroups = arr;
	cg->parent = parent;
	cg->weight = clamp_weight(weight ? weight : SIM_CGROUP_WEIGHT_DFL);
	snprintf(cg->name, sizeof(cg->name), "%s", name && *name ? name : "cgroup");
	cg->kn.id = (uint64_t)sim->nr_cgroups + 1; /* the root is 1, as in the kernel */
	cg->kn.name = cg->name;
	cg->cg.level = level;
	cg->cg.max_depth = SIM_CGROUP_MAX_DEPTH;
	cg->cg.kn = &cg->kn;
	cg->cg.id = cg->kn.id;
	cg->cg.parent = parent ? &parent->cg : NULL;
	cg->cg.self.cgroup = &cg->cg;
	cg->cg.self.parent = parent ? &parent->cg.self : NULL;
	cg->cg.self.serial_nr = cg->kn.id;
	cg->cg.dom_cgrp = &cg->cg;
	for (struct sim_cgroup *a = cg; a; a = a->parent)
		cg->cg.ancestors[a->cg.level] = &a->cg;
	cg->cset.dfl_cgrp = &cg->cg;
	sim->cgroups[sim->nr_cgroups++] = cg;
	if (sim_ext_hooks->cgroup_created)
		sim_ext_hooks->cgroup_created(sim, cg);
	return cg;
}

void sim_cgroup__set_weight(struct sim *sim, struct sim_cgroup *cg, uint32_t weight)
{
	cg->weight = clamp_weight(weight);
	if (sim_ext_hooks->cgroup_weight_changed)
		sim_ext_hooks->cgroup_weight_changed(sim, cg);
}

int sim_task__set_cgroup(struct sim *sim, struct sim_task *p, struct sim_cgroup *cg)
{
	struct sim_cgroup *from = sim_cgroup__of_task(p);
	int ret;

	if (!cg || cg == from)
		return 0;
	ret = sim_ext_hooks->cgroup_prep_move ? sim_ext_hooks->cgroup_prep_move(sim, p, from, cg) : 0;
	if (ret)
		return ret;
	p->ts.cgroups = &cg->cset;
	if (sim_ext_hooks->cgroup_moved)
		sim_ext_hooks->cgroup_moved(sim, p, from, cg);
	return 0;
}

void sim_cgroup__free_all(struct sim *sim)
{
	for (int i = 0; i < sim->nr_cgroups; i++)
		free(sim->cgroups[i]);
	free(sim->cgroups);
	sim->cgroups = NULL;
	sim->nr_cgroups = 0;
}
