/*
 * Stressors that need no partner:
 *   yield     2 x CPUs yielder tasks split across the instances, each looping on sched_yield()
 *             (one bogo-op per yield); never blocks;
 *   affinity  16 processes per instance (stress-ng's parent and 15 children), each op moves
 *             one of them to the next CPU with sched_setaffinity(): it blocks while the
 *             stopper moves it and is woken on the new CPU; the ops are shared;
 *   nanosleep nanosleep-threads (8) threads per instance; one op is 19 sleeps of a random
 *             1..1000 ns (the timer slack, not the request, decides how long they take);
 *   sleep     as stress-ng 0.15.06 runs it: sleep-max (256) threads per instance whose every
 *             sleep call is skipped while the run goes on (each is guarded by "the run is
 *             over"), so they spin: one op per pass of the loop (sleep_loop_ns), never
 *             blocking; the instance's own process wakes every 10 ms to sum their counters.
 *             Modelled as pieces of SLEEP_SPIN_CHUNK_NS of work counting their passes.
 */
#include "workloads/stressors/stressor.h"

#include <stdlib.h>

struct solo {
	struct stressor_task st;
	int step;
	uint64_t cost;
	struct cpumask mask;
	int cpu;
};

static void yield_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct solo *s = t->beh_state;

	if (stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (s->step++ % 2 == 0) {
		act->kind = SIM_ACT_RUN;
		act->ns = s->cost;
	} else {
		act->kind = SIM_ACT_YIELD;
		stressor__op(t, &s->st);
	}
}

static void affinity_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct solo *s = t->beh_state;

	if (stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (s->step++ % 2 == 0) {
		/* to the next CPU: the task has to migrate */
		s->cpu = (t->cpu + 1) % sim->nr_cpus;
		cpumask__clear_all(&s->mask);
		cpumask__set(&s->mask, s->cpu);
		act->kind = SIM_ACT_AFFINITY;
		act->mask = &s->mask;
	} else {
		act->kind = SIM_ACT_RUN;
		act->ns = s->cost;
		stressor__op(t, &s->st);
	}
}

/* nanosleep: 19 short sleeps per op */
static void nanosleep_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct solo *s = t->beh_state;

	if (stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	if (s->step % 2 == 0) {
		act->kind = SIM_ACT_RUN;
		act->ns = s->cost;
	} else {
		act->kind = SIM_ACT_SLEEP;
		act->ns = 1 + sim_rng__below(&sim->rng_workload, 1000);
		if ((s->step / 2) % 19 == 18)
			stressor__op(t, &s->st);
	}
	s->step++;
}

/* Work per simulated piece of a spinning sleep thread: ops are counted per piece. */
#define SLEEP_SPIN_CHUNK_NS 50000ULL

/* sleep (0.15.06): a spinner; one op per pass of its loop */
static void sleep_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct solo *s = t->beh_state;
	uint64_t cost = s->cost ? s->cost : 1, n = SLEEP_SPIN_CHUNK_NS / cost;

	if (!n)
		n = 1;
	if (s->st.ops_limit && s->st.ops + n > s->st.ops_limit)
		n = s->st.ops_limit - s->st.ops;
	if (!n || stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	act->kind = SIM_ACT_RUN;
	act->ns = n * cost;
	stressor__ops(t, &s->st, n);
}

/* the sleep instance's own process: sums its threads' counters every 10 ms */
static void sleep_parent_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct solo *s = t->beh_state;

	if (stressor__done(sim, &s->st)) {
		act->kind = SIM_ACT_EXIT;
		return;
	}
	act->kind = s->step++ % 2 ? SIM_ACT_SLEEP : SIM_ACT_RUN;
	act->ns = act->kind == SIM_ACT_SLEEP ? 10000000 : s->cost;
}

static const struct sim_behaviour_ops yield_ops = { .name = "yield", .next = yield_next, .free = free };
static const struct sim_behaviour_ops affinity_ops = { .name = "affinity", .next = affinity_next, .free = free };
static const struct sim_behaviour_ops nanosleep_ops = { .name = "nanosleep", .next = nanosleep_next, .free = free };
static const struct sim_behaviour_ops sleep_ops = { .name = "sleep", .next = sleep_next, .free = free };
static const struct sim_behaviour_ops sleep_parent_ops = { .name = "sleep-parent", .next = sleep_parent_next,
							   .free = free };

/* One task of an instance made of @share tasks: each gets its part of the op budget. */
static int add_solo(const struct stressor_ctx *ctx, const struct sim_behaviour_ops *ops, uint64_t cost,
		    int share)
{
	struct solo *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	stressor__init_task(ctx, &s->st, true);
	if (s->st.ops_limit && share > 1)
		s->st.ops_limit = (s->st.ops_limit + (uint64_t)share - 1) / (uint64_t)share;
	s->cost = cost;
	return stressor__spawn(ctx, ops, &s->st) ? 0 : -1;
}

static int yield_add(const struct stressor_ctx *ctx, int i)
{
	/* 2 x CPUs yielders in all, spread over the instances */
	int total = 2 * ctx->sim->nr_cpus, mine = total / ctx->instances + (i < total % ctx->instances);

	if (!mine)
		mine = 1;
	for (int k = 0; k < mine; k++)
		if (add_solo(ctx, &yield_ops, ctx->costs->yield_ns, mine))
			return -1;
	return 0;
}

/* stress-ng's STRESS_AFFINITY_PROCS: processes per affinity instance */
#define AFFINITY_PROCS 16

static int affinity_add(const struct stressor_ctx *ctx, int i)
{
	for (int k = 0; k < AFFINITY_PROCS; k++)
		if (add_solo(ctx, &affinity_ops, ctx->costs->affinity_ns, AFFINITY_PROCS))
			return -1;
	return 0;
}

static int nanosleep_check(const struct stressor_ctx *ctx, char *err, size_t errlen)
{
	int64_t n;

	return stressor__int_opt(ctx, "nanosleep-threads", 8, 1, 1024, &n, err, errlen);
}

static int sleep_check(const struct stressor_ctx *ctx, char *err, size_t errlen)
{
	int64_t n;

	return stressor__int_opt(ctx, "sleep-max", 256, 1, 30000, &n, err, errlen);
}

static int add_threads(const struct stressor_ctx *ctx, const struct sim_behaviour_ops *ops,
		       const char *opt, int64_t dflt, int64_t max, uint64_t cost)
{
	char err[8];
	int64_t n;

	stressor__int_opt(ctx, opt, dflt, 1, max, &n, err, sizeof(err));
	for (int64_t k = 0; k < n; k++)
		if (add_solo(ctx, ops, cost, (int)n))
			return -1;
	return 0;
}

static int nanosleep_add(const struct stressor_ctx *ctx, int i)
{
	return add_threads(ctx, &nanosleep_ops, "nanosleep-threads", 8, 1024, ctx->costs->sleep_call_ns);
}

static int sleep_add(const struct stressor_ctx *ctx, int i)
{
	struct solo *parent;

	/* (without a time limit, an ops budget ends the threads; the summing process is left out) */
	if (!ctx->stop_at)
		return add_threads(ctx, &sleep_ops, "sleep-max", 256, 30000, ctx->costs->sleep_loop_ns);
	parent = calloc(1, sizeof(*parent));
	if (!parent)
		return -1;
	stressor__init_task(ctx, &parent->st, false);
	parent->cost = ctx->costs->sleep_call_ns;
	if (!stressor__spawn(ctx, &sleep_parent_ops, &parent->st))
		return -1;
	return add_threads(ctx, &sleep_ops, "sleep-max", 256, 30000, ctx->costs->sleep_loop_ns);
}

const struct stressor_model stressor_yield = { .name = "yield", .add = yield_add };
const struct stressor_model stressor_affinity = { .name = "affinity", .add = affinity_add };
const struct stressor_model stressor_nanosleep = { .name = "nanosleep", .check = nanosleep_check,
						   .add = nanosleep_add };
const struct stressor_model stressor_sleep = { .name = "sleep", .check = sleep_check, .add = sleep_add };
