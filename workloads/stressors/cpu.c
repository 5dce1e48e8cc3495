/*
 * cpu: a compute loop that never blocks. One bogo-op per pass of the method's work. With
 * cpu-load P below 100 it alternates busy and idle: a busy slice (cpu-load-slice S: S ms when
 * S > 0, S passes when S < 0, a random 0..500 ms when 0), then a sleep of busy * (100 - P) / P.
 * cpu-load 0 only sleeps.
 */
#include "workloads/stressors/stressor.h"

#include <stdlib.h>

struct cpu_state {
	struct stressor_task st;
	int64_t load;           /* percent */
	int64_t slice;          /* cpu-load-slice as given */
	uint64_t op_ns;
	uint64_t busy_left;     /* ns (or passes when slice < 0) left in this busy slice */
	uint64_t busy_done;     /* ns of work in this busy slice */
	bool sleeping;
};

static uint64_t new_slice(struct sim *sim, const struct cpu_state *s)
{
	if (s->slice > 0)
		return (uint64_t)s->slice * 1000000ULL;
	if (s->slice < 0)
		return (uint64_t)(-s->slice) * s->op_ns;
	return sim_rng__below(&sim->rng_workload, 500000000ULL) + s->op_ns;
}

static void cpu_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct cpu_state *s = t->beh_state;

	if (s->busy_done && !s->sleeping)
		stressor__op(t, &s->st); /* the pass that just ran */
	if (stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (s->load == 0) {
		act->kind = SIM_ACT_SLEEP;
		act->ns = 100000000ULL;
		return;
	}
	if (s->load < 100) {
		if (s->sleeping) {
			s->sleeping = false;
			s->busy_left = new_slice(sim, s);
			s->busy_done = 0;
		} else if (s->busy_left == 0) {
			/* busy slice over: idle for busy * (100 - P) / P */
			s->sleeping = true;
			act->kind = SIM_ACT_SLEEP;
			act->ns = s->busy_done * (uint64_t)(100 - s->load) / (uint64_t)s->load;
			s->busy_done = 0;
			return;
		}
	}
	act->kind = SIM_ACT_RUN;
	act->ns = s->op_ns;
	s->busy_done += s->op_ns;
	if (s->load < 100)
		s->busy_left = s->busy_left > s->op_ns ? s->busy_left - s->op_ns : 0;
}

static const struct sim_behaviour_ops cpu_ops = { .name = "cpu", .next = cpu_next, .free = free };

static int cpu_check(const struct stressor_ctx *ctx, char *err, size_t errlen)
{
	int64_t v;

	if (stressor__int_opt(ctx, "cpu-load", 100, 0, 100, &v, err, errlen) ||
	    stressor__int_opt(ctx, "cpu-load-slice", 0, -5000, 5000, &v, err, errlen))
		return -1;
	return 0;
}

static int cpu_add(const struct stressor_ctx *ctx, int i)
{
	struct cpu_state *s = calloc(1, sizeof(*s));
	char err[8];

	if (!s)
		return -1;
	stressor__init_task(ctx, &s->st, true);
	stressor__int_opt(ctx, "cpu-load", 100, 0, 100, &s->load, err, sizeof(err));
	stressor__int_opt(ctx, "cpu-load-slice", 0, -5000, 5000, &s->slice, err, sizeof(err));
	s->op_ns = ctx->costs->cpu_op_ns;
	s->sleeping = s->load < 100; /* starts a fresh busy slice */
	return stressor__spawn(ctx, &cpu_ops, &s->st) ? 0 : -1;
}

const struct stressor_model stressor_cpu = { .name = "cpu", .check = cpu_check, .add = cpu_add };
