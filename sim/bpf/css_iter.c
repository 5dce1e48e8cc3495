/*
 * The css iterator kfuncs (bpf_iter_css_new/_next/_destroy, `bpf_for_each(css, pos, start,
 * order)`) over the run's cgroup tree: the walk is listed when the iterator is created (the
 * tree does not change during one callback) in the order asked for, as the kernel's
 * css_next_descendant_pre/post, css_next_child and parent walks give it.
 */
#include "sim/core/cgroup.h"
#include "sim/core/sim.h"
#include "sim/shim/scx/bpf_kfuncs.bpf.h"

#include <errno.h>
#include <stdlib.h>

struct css_walk {
	struct cgroup_subsys_state **list;
	u32 n, next;
};

_Static_assert(sizeof(struct css_walk) <= sizeof(struct bpf_iter_css), "css iterator state");

static void walk__add(struct css_walk *w, struct sim_cgroup *cg)
{
	w->list[w->n++] = &cg->cg.self;
}

/* Children of @cg in creation order (the kernel's order of css_next_child). */
static void walk__subtree(struct css_walk *w, struct sim *sim, struct sim_cgroup *cg, bool post)
{
	if (!post)
		walk__add(w, cg);
	for (int i = 0; i < sim->nr_cgroups; i++)
		if (sim->cgroups[i]->parent == cg)
			walk__subtree(w, sim, sim->cgroups[i], post);
	if (post)
		walk__add(w, cg);
}

int bpf_iter_css_new(struct bpf_iter_css *it, struct cgroup_subsys_state *start, unsigned int flags)
{
	struct css_walk *w = (struct css_walk *)it;
	struct sim *sim = sim__current();
	struct sim_cgroup *cg;

	*w = (struct css_walk){ 0 };
	if (!sim || !start || !start->cgroup)
		return -EINVAL;
	cg = sim_cgroup__from_cgroup(start->cgroup);
	if (!cg)
		return -EINVAL;
	w->list = calloc((size_t)sim->nr_cgroups + 1, sizeof(*w->list));
	if (!w->list)
		return -ENOMEM;
	switch (flags) {
	case BPF_CGROUP_ITER_SELF_ONLY:
		walk__add(w, cg);
		break;
	case BPF_CGROUP_ITER_ORDER_UNSPEC:
	case BPF_CGROUP_ITER_DESCENDANTS_PRE:
		walk__subtree(w, sim, cg, false);
		break;
	case BPF_CGROUP_ITER_DESCENDANTS_POST:
		walk__subtree(w, sim, cg, true);
		break;
	case BPF_CGROUP_ITER_ANCESTORS_UP:
		for (; cg; cg = cg->parent)
			walk__add(w, cg);
		break;
	case BPF_CGROUP_ITER_CHILDREN:
		for (int i = 0; i < sim->nr_cgroups; i++)
			if (sim->cgroups[i]->parent == cg)
				walk__add(w, sim->cgroups[i]);
		break;
	default:
		free(w->list);
		w->list = NULL;
		return -EINVAL;
	}
	return 0;
}

struct cgroup_subsys_state *bpf_iter_css_next(struct bpf_iter_css *it)
{
	struct css_walk *w = (struct css_walk *)it;

	return w->list && w->next < w->n ? w->list[w->next++] : NULL;
}

void bpf_iter_css_destroy(struct bpf_iter_css *it)
{
	struct css_walk *w = (struct css_walk *)it;

	free(w->list);
	w->list = NULL;
}
