/*
 * The sched_ext cgroup callbacks: ops.cgroup_init for every cgroup when a policy loads (parents
 * first) and for cgroups created while it runs, cgroup_prep_move / cgroup_move (or
 * cgroup_cancel_move) around a task's move, cgroup_set_weight, and cgroup_exit for every
 * cgroup at unload (children first), as the kernel does with CONFIG_EXT_GROUP_SCHED.
 */
#include "sim/scx/scx_internal.h"

static bool cgroup_ops_live(const struct scx_sched *sch)
{
	return sch && (sch->state == SCX_ST_ENABLED || sch->state == SCX_ST_ENABLING) &&
	       !scx_aborting(sch);
}

static int init_one(struct scx_sched *sch, struct sim_cgroup *cg)
{
	struct scx_cgroup_init_args args = { .weight = cg->weight };
	struct scx_op_ctx save;
	volatile s32 ret = 0; /* read after scx_op_call (a setjmp) */

	if (cg->scx_inited)
		return 0;
	if (SCX_HAS_OP(sch, cgroup_init)) {
		scx_op_enter(sch, &save, SCX_OP_CGROUP_INIT, NULL, -1);
		scx_op_call(sch, &save, ret = sch->ops->cgroup_init(&cg->cg, &args));
		scx_op_leave(sch, &save);
	}
	if (ret) {
		scx_error(sch, "ops.cgroup_init() failed (%d)", ret);
		return ret;
	}
	cg->scx_inited = true;
	return 0;
}

int scx_cgroups_init(struct scx_sched *sch)
{
	struct sim *sim = sch->sim;

	for (int i = 0; i < sim->nr_cgroups; i++)
		if (init_one(sch, sim->cgroups[i]))
			return -1;
	return 0;
}

void scx_cgroups_exit(struct scx_sched *sch)
{
	struct sim *sim = sch->sim;
	struct scx_op_ctx save;

	for (int i = sim->nr_cgroups - 1; i >= 0; i--) {
		struct sim_cgroup *cg = sim->cgroups[i];
		if (!cg->scx_inited)
			continue;
		if (SCX_HAS_OP(sch, cgroup_exit)) {
			scx_op_enter(sch, &save, SCX_OP_CGROUP_EXIT, NULL, -1);
			scx_op_call(sch, &save, sch->ops->cgroup_exit(&cg->cg));
			scx_op_leave(sch, &save);
		}
		cg->scx_inited = false;
	}
}

void scx_sched__cgroup_created(struct sim *sim, struct sim_cgroup *cg)
{
	if (cgroup_ops_live(sim->scx) && sim->scx->init_done)
		init_one(sim->scx, cg);
}

void scx_sched__cgroup_weight_changed(struct sim *sim, struct sim_cgroup *cg)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;

	if (!cgroup_ops_live(sch) || !cg->scx_inited || !SCX_HAS_OP(sch, cgroup_set_weight))
		return;
	scx_op_enter(sch, &save, SCX_OP_CGROUP_SET_WEIGHT, NULL, -1);
	scx_op_call(sch, &save, sch->ops->cgroup_set_weight(&cg->cg, cg->weight));
	scx_op_leave(sch, &save);
}

int scx_sched__cgroup_prep_move(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
				struct sim_cgroup *to)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;
	volatile s32 ret = 0; /* read after scx_op_call (a setjmp) */

	if (!cgroup_ops_live(sch) || !scx_is_ext(sim, p) || !SCX_HAS_OP(sch, cgroup_prep_move))
		return 0;
	scx_op_enter(sch, &save, SCX_OP_CGROUP_PREP_MOVE, p, p->cpu);
	scx_op_call(sch, &save, ret = sch->ops->cgroup_prep_move(&p->ts, from ? &from->cg : NULL, &to->cg));
	scx_op_leave(sch, &save);
	if (ret) {
		if (SCX_HAS_OP(sch, cgroup_cancel_move)) {
			scx_op_enter(sch, &save, SCX_OP_CGROUP_CANCEL_MOVE, p, p->cpu);
			scx_op_call(sch, &save, sch->ops->cgroup_cancel_move(&p->ts, from ? &from->cg : NULL, &to->cg));
			scx_op_leave(sch, &save);
		}
		return ret;
	}
	return 0;
}

void scx_sched__cgroup_moved(struct sim *sim, struct sim_task *p, struct sim_cgroup *from,
			     struct sim_cgroup *to)
{
	struct scx_sched *sch = sim->scx;
	struct scx_op_ctx save;

	if (!cgroup_ops_live(sch) || !scx_is_ext(sim, p) || !SCX_HAS_OP(sch, cgroup_move))
		return;
	scx_op_enter(sch, &save, SCX_OP_CGROUP_MOVE, p, p->cpu);
	scx_op_call(sch, &save, sch->ops->cgroup_move(&p->ts, from ? &from->cg : NULL, &to->cg));
	scx_op_leave(sch, &save);
}
