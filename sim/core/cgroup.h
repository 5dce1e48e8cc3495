/*
 * Cgroups of the simulated machine: a tree under the root cgroup, each with a cpu.weight
 * (1..10000, 100 by default), and the cgroup each task belongs to.
 *
 * Policies see the kernel's `struct cgroup` (level, kn->id, ancestors[]) and get the sched_ext
 * cgroup callbacks: ops.cgroup_init for every cgroup when they load (and for cgroups created
 * later), cgroup_prep_move / cgroup_move when a task changes cgroup, cgroup_set_weight when a
 * weight changes, cgroup_exit when they unload. The fair class ignores cgroups (no group
 * scheduling is modelled for it; see docs/limits.md).
 */
#ifndef SIM_CORE_CGROUP_H
#define SIM_CORE_CGROUP_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/shim/vmlinux.h"

#define SIM_CGROUP_MAX_DEPTH 16
#define SIM_CGROUP_WEIGHT_DFL 100

struct sim;
struct sim_task;

struct sim_cgroup {
	struct sim_cgroup *parent;
	uint32_t weight;           /* cpu.weight */
	bool scx_inited;           /* ops.cgroup_init ran for it (and exit has not) */
	char name[64];
	struct kernfs_node kn;
	struct css_set cset;       /* tasks' p->cgroups points here */
	struct cgroup cg;          /* what policies see: must stay last (ancestors[] follow) */
};

/* The root cgroup (id 1, level 0), created with the run. */
struct sim_cgroup *sim_cgroup__root(struct sim *sim);
/* A new child of @parent (NULL: the root). NULL if too deep or out of memory. */
struct sim_cgroup *sim_cgroup__create(struct sim *sim, struct sim_cgroup *parent, const char *name,
				      uint32_t weight);
/* Change cpu.weight (clamped to 1..10000); tells a loaded policy. */
void sim_cgroup__set_weight(struct sim *sim, struct sim_cgroup *cg, uint32_t weight);
/* Move @p into @cg. A loaded policy may refuse (cgroup_prep_move): returns 0 or its error. */
int sim_task__set_cgroup(struct sim *sim, struct sim_task *p, struct sim_cgroup *cg);
struct sim_cgroup *sim_cgroup__of_task(const struct sim_task *p);
struct sim_cgroup *sim_cgroup__from_cgroup(const struct cgroup *cgrp);
struct sim_cgroup *sim_cgroup__from_id(struct sim *sim, uint64_t id);
void sim_cgroup__free_all(struct sim *sim);

#endif
