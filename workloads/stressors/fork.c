/*
 * fork and clone: the parent creates a short-lived child, which does its bit of work and exits;
 * the parent waits for it (waitpid) and counts one bogo-op per child. Every op is a new-task
 * wakeup, an exit and a parent wakeup. The child is woken inside fork(); the parent then
 * returns from it (its copy-on-write faults, stress-ng's bookkeeping) before waitpid() blocks:
 * FORK_RETURN_SHARE of its cost, during which a child queued on its CPU waits.
 * A fork child (stress-ng 0.15.06's stress_fork_fn()) makes a few process-group calls, then
 * sched_yield() just before _exit(): on 6.17+ kernels an eligible child forfeits its request
 * there, so the parent's wait includes the child's wait to run again after its yield. The
 * clone child does not yield.
 */
#include "workloads/stressors/stressor.h"

#include <stdlib.h>

/* The parent's part after the child is woken: 1/16, an estimate from a child wakeup p50 of
 * ~26 us measured on a Linux 6.18 host (issue 23) against a ~350 us parent op. */
#define FORK_RETURN_SHARE 16

/* The fork child's part before its sched_yield(): the return from fork() and its eight system
 * calls, 1/8 of its cost (an estimate: the rest is _exit(), the address space torn down). */
#define FORK_CHILD_YIELD_SHARE 8

struct family {
	struct stressor_shared sh;
	struct sim_chan child_exited;
	bool child_yields;
};

struct parent_state {
	struct stressor_task st;
	struct family *fam;
	int step;
	uint64_t parent_ns, child_ns;
	const char *name;
};

struct child_state {
	struct family *fam;
	int step;
	uint64_t work_ns;
};

static void child_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct child_state *c = t->beh_state;

	/* a child that does not yield skips the first two steps */
	if (c->step == 0 && !c->fam->child_yields)
		c->step = 2;
	switch (c->step++) {
	case 0:
		act->kind = SIM_ACT_RUN; /* back from fork(), setsid(), setpgid() */
		act->ns = c->work_ns / FORK_CHILD_YIELD_SHARE;
		break;
	case 1:
		act->kind = SIM_ACT_YIELD;
		break;
	case 2:
		act->kind = SIM_ACT_RUN; /* _exit() */
		act->ns = c->fam->child_yields ? c->work_ns - c->work_ns / FORK_CHILD_YIELD_SHARE : c->work_ns;
		break;
	case 3:
		act->kind = SIM_ACT_POST; /* SIGCHLD / exit notification */
		act->chan = &c->fam->child_exited;
		act->count = 1;
		break;
	default:
		act->kind = SIM_ACT_EXIT;
		break;
	}
}

static void child_free(void *state)
{
	struct child_state *c = state;

	stressor__shared_put(c->fam);
	free(c);
}

static const struct sim_behaviour_ops child_ops = { .name = "child", .next = child_next, .free = child_free };

static void parent_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct parent_state *p = t->beh_state;

	if (p->step % 4 == 0 && stressor__done(sim, &p->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	switch (p->step++ % 4) {
	case 0:
		act->kind = SIM_ACT_RUN; /* fork() up to waking the child */
		act->ns = p->parent_ns - p->parent_ns / FORK_RETURN_SHARE;
		break;
	case 2:
		act->kind = SIM_ACT_RUN; /* returning from fork(), then into waitpid() */
		act->ns = p->parent_ns / FORK_RETURN_SHARE;
		break;
	case 1: {
		struct child_state *c = calloc(1, sizeof(*c));
		if (!c) {
			act->kind = SIM_ACT_EXIT;
			return;
		}
		c->fam = p->fam;
		c->work_ns = p->child_ns;
		p->fam->sh.refs++;
		act->kind = SIM_ACT_SPAWN;
		act->spawn = (struct sim_spawn_req){ .ops = &child_ops, .state = c, .comm = p->name };
		break;
	}
	default:
		act->kind = SIM_ACT_WAIT; /* waitpid() */
		act->chan = &p->fam->child_exited;
		stressor__op(t, &p->st);
		break;
	}
}

static void parent_free(void *state)
{
	struct parent_state *p = state;

	stressor__shared_put(p->fam);
	free(p);
}

static const struct sim_behaviour_ops parent_ops = { .name = "parent", .next = parent_next, .free = parent_free };

static int add_family(const struct stressor_ctx *ctx, uint64_t parent_ns, uint64_t child_ns,
		      const char *name, bool child_yields)
{
	struct family *f = calloc(1, sizeof(*f));
	struct parent_state *p = calloc(1, sizeof(*p));

	if (!f || !p) {
		free(f);
		free(p);
		return -1;
	}
	sim_chan__init(&f->child_exited, "sigchld", 0);
	f->child_exited.sync_wake = false;
	f->child_yields = child_yields;
	stressor__init_task(ctx, &p->st, true);
	p->fam = f;
	p->parent_ns = parent_ns;
	p->child_ns = child_ns;
	p->name = name;
	f->sh.refs = 1;
	return stressor__spawn(ctx, &parent_ops, &p->st) ? 0 : -1;
}

static int fork_add(const struct stressor_ctx *ctx, int i)
{
	return add_family(ctx, ctx->costs->fork_parent_ns, ctx->costs->fork_child_ns, "stress-ng-fork", true);
}

static int clone_add(const struct stressor_ctx *ctx, int i)
{
	return add_family(ctx, ctx->costs->clone_parent_ns, ctx->costs->clone_child_ns, "stress-ng-clone", false);
}

const struct stressor_model stressor_fork = { .name = "fork", .add = fork_add };
const struct stressor_model stressor_clone = { .name = "clone", .add = clone_add };
