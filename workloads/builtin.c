/*
 * Behaviours of the built-in workload. See builtin.h.
 */
#include "workloads/builtin.h"

#include <stdio.h>
#include <stdlib.h>

#define HOG_PIECE_NS 1000000ULL

struct hog_state {
	uint64_t limit_ns, done_ns;
};

static void hog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct hog_state *s = t->beh_state;
	(void)sim;

	if (s->done_ns) /* the previous piece finished */
		t->stats.ops++;
	if (s->limit_ns && s->done_ns >= s->limit_ns) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	act->kind = SIM_ACT_RUN;
	act->ns = HOG_PIECE_NS;
	s->done_ns += HOG_PIECE_NS;
}

static const struct sim_behaviour_ops hog_ops = {
	.name = "hog",
	.next = hog_next,
	.free = free,
};

struct pingpong;

struct pp_task {
	struct pingpong *pp;
	int side; /* 0: starts the exchange, 1: answers */
};

/*
 * Both sides of a pair share one state; each task keeps its own step counter. The two tasks'
 * behaviour states are in it too, ahead of what every turn reads, so a turn touches one
 * allocation (they were three; at thousands of pairs each was a cache miss a turn).
 */
struct pingpong {
	struct pp_task side[2];
	int step[2];
	int refs;
	uint64_t work_ns, rounds, done;
	struct sim_chan to_a, to_b;
};

/* A turn's work: @mean +- 25%, from the run's workload RNG (the seed changes the run). */
static uint64_t jitter(struct sim *sim, uint64_t mean)
{
	uint64_t span = mean / 2;

	if (!span)
		return mean;
	return mean - mean / 4 + sim_rng__below(&sim->rng_workload, span + 1);
}

static void pp_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct pp_task *pt = t->beh_state;
	struct pingpong *pp = pt->pp;
	int *step = &pp->step[pt->side];
	if (pp->rounds && pp->done >= pp->rounds) {
		/* let the other side out too */
		if (*step >= 0) {
			*step = -1;
			act->kind = SIM_ACT_POST;
			act->chan = pt->side ? &pp->to_a : &pp->to_b;
			act->count = 1;
			return;
		}
		act->kind = SIM_ACT_EXIT;
		return;
	}
	switch ((*step)++ % 3) {
	case 0:
		if (pt->side == 0) {
			act->kind = SIM_ACT_RUN;
			act->ns = jitter(sim, pp->work_ns);
		} else {
			act->kind = SIM_ACT_WAIT;
			act->chan = &pp->to_b;
		}
		break;
	case 1:
		if (pt->side == 0) {
			act->kind = SIM_ACT_POST;
			act->chan = &pp->to_b;
			act->count = 1;
		} else {
			act->kind = SIM_ACT_RUN;
			act->ns = jitter(sim, pp->work_ns);
		}
		break;
	default:
		if (pt->side == 0) {
			act->kind = SIM_ACT_WAIT;
			act->chan = &pp->to_a;
			if (*step > 3) {
				t->stats.ops++;
				pp->done++;
			}
		} else {
			act->kind = SIM_ACT_POST;
			act->chan = &pp->to_a;
			act->count = 1;
		}
		break;
	}
}

static void pp_free(void *state)
{
	struct pp_task *pt = state;

	if (!pt)
		return;
	if (--pt->pp->refs == 0)
		free(pt->pp);
}

static const struct sim_behaviour_ops pp_ops = {
	.name = "pingpong",
	.next = pp_next,
	.free = pp_free,
};

void builtin_workload__defaults(struct builtin_workload *w, int nr_cpus)
{
	w->hogs = nr_cpus;
	w->pairs = nr_cpus / 2 > 0 ? nr_cpus / 2 : 1;
	w->pp_work_ns = 20000;
	w->hog_limit_ns = 0;
	w->pp_rounds = 0;
}

int builtin_workload__add(struct sim *sim, const struct builtin_workload *w)
{
	char comm[16];

	for (int i = 0; i < w->hogs; i++) {
		struct hog_state *s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		s->limit_ns = w->hog_limit_ns;
		snprintf(comm, sizeof(comm), "hog-%d", i);
		/* start times spread over the first millisecond, from the seed */
		uint64_t start = sim_rng__below(&sim->rng_workload, 1000000);
		struct sim_task *t = sim__add_task(sim, comm, 0, &hog_ops, s, start);
		if (!t)
			return -1;
		t->group = 0;
	}
	for (int i = 0; i < w->pairs; i++) {
		struct pingpong *pp = calloc(1, sizeof(*pp));
		if (!pp)
			return -1;
		sim_chan__init(&pp->to_a, "pp-a", 0);
		sim_chan__init(&pp->to_b, "pp-b", 0);
		pp->work_ns = w->pp_work_ns;
		pp->rounds = w->pp_rounds;
		for (int side = 0; side < 2; side++) {
			struct pp_task *pt = &pp->side[side];
			pt->pp = pp;
			pt->side = side;
			pp->refs++;
			snprintf(comm, sizeof(comm), "pp%d-%c", i, side ? 'b' : 'a');
			uint64_t start = sim_rng__below(&sim->rng_workload, 1000000);
			struct sim_task *t = sim__add_task(sim, comm, 0, &pp_ops, pt, start);
			if (!t)
				return -1;
			t->group = 1;
		}
	}
	return 0;
}
