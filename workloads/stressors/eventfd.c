/*
 * eventfd: a true ping-pong. The parent writes the child's eventfd and reads its own; the
 * child reads, then writes back. One bogo-op per round trip (counted by the parent). The model
 * of an RPC: every step is a wakeup of the other side, not a sync one (unlike a pipe's, an
 * eventfd's wakeup does not tell the scheduler that the waker is about to sleep).
 */
#include "workloads/stressors/stressor.h"

#include <stdlib.h>

struct pingpong {
	struct stressor_shared sh;
	struct sim_chan to_child, to_parent;
};

struct side {
	struct stressor_task st;
	struct pingpong *pp;
	bool parent;
	int step;
	uint64_t cost, tail; /* a step's calls; of them, what runs after the wakeup */
	uint64_t early;      /* the rest of the waker's time before it blocks (stressor__wake_tail) */
};

/* The next step's phase: the parent's, or the child's, which starts at the wait. */
static int side_phase(struct side *s)
{
	int phase = s->step++ % 4;

	return s->parent ? phase : (phase + 3) % 4;
}

static void side_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct side *s = t->beh_state;
	struct sim_chan *mine = s->parent ? &s->pp->to_parent : &s->pp->to_child;
	struct sim_chan *theirs = s->parent ? &s->pp->to_child : &s->pp->to_parent;

	if (stressor__done(sim, &s->st)) {
		if (s->step >= 0) {
			s->step = -1;
			act->kind = SIM_ACT_POST; /* release the other side */
			act->chan = theirs;
			act->count = 1 << 20;
			return;
		}
		act->kind = SIM_ACT_EXIT;
		return;
	}
	/*
	 * parent: write (up to its wakeup), post, the rest of the write and the read's entry,
	 * wait; the child the same from the wait on
	 */
	int phase = side_phase(s);
	if (phase == 2 && !s->tail) /* no tail to run (wake_tail_ns 0): on to the wait at once */
		phase = side_phase(s);
	switch (phase) {
	case 0:
		act->kind = SIM_ACT_RUN;
		act->ns = s->cost - s->tail;
		break;
	case 1:
		act->kind = SIM_ACT_POST;
		act->chan = theirs;
		act->count = 1;
		break;
	case 2:
		act->kind = SIM_ACT_RUN;
		act->ns = s->tail;
		break;
	default:
		act->kind = SIM_ACT_WAIT;
		act->chan = mine;
		act->ns = s->step > 1 ? s->early : 0; /* after a post */
		if (s->parent && s->step > 4)
			stressor__op(t, &s->st);
		break;
	}
}

static void side_free(void *state)
{
	struct side *s = state;

	stressor__shared_put(s->pp);
	free(s);
}

static const struct sim_behaviour_ops side_ops = { .name = "eventfd", .next = side_next, .free = side_free };

static int eventfd_add(const struct stressor_ctx *ctx, int i)
{
	struct pingpong *pp = calloc(1, sizeof(*pp));

	if (!pp)
		return -1;
	sim_chan__init(&pp->to_child, "efd-child", 0);
	sim_chan__init(&pp->to_parent, "efd-parent", 0);
	/* eventfd_write() and eventfd_read() wake with wake_up_locked_poll(): no WF_SYNC */
	pp->to_child.sync_wake = pp->to_parent.sync_wake = false;
	for (int parent = 1; parent >= 0; parent--) {
		struct side *s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		stressor__init_task(ctx, &s->st, parent);
		s->pp = pp;
		s->parent = parent;
		s->cost = 2 * ctx->costs->eventfd_ns; /* one write, one read per step */
		stressor__wake_tail(ctx, s->cost, &s->tail, &s->early);
		pp->sh.refs++;
		if (!stressor__spawn(ctx, &side_ops, &s->st))
			return -1;
	}
	return 0;
}

const struct stressor_model stressor_eventfd = { .name = "eventfd", .add = eventfd_add };
