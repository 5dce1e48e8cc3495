/*
 * Helpers shared by the stressor models (see stressor.h).
 */
#include "workloads/stressors/stressor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void stressor__init_task(const struct stressor_ctx *ctx, struct stressor_task *st, bool counts)
{
	st->ops_limit = counts ? ctx->ops_limit : 0;
	st->stop_at = ctx->stop_at;
	st->ops = 0;
}

/* Over how long the instances of a job start when timings are jittered. */
#define STRESSOR_START_SPREAD_NS 1000000ULL

struct sim_task *stressor__spawn(const struct stressor_ctx *ctx, const struct sim_behaviour_ops *ops,
				 struct stressor_task *state)
{
	char comm[16];
	struct sim_task *t;

	uint64_t start = ctx->start_at;

	/* with machine.jitter_pct, instances start in a seeded order over the first ms, as
	 * stress-ng's forks do: which CPU queue each lands on differs from seed to seed */
	if (ctx->sim->cfg.costs.jitter_pct)
		start += sim_rng__below(&ctx->sim->rng_jitter, STRESSOR_START_SPREAD_NS);
	snprintf(comm, sizeof(comm), "stress-ng-%s", ctx->job->entries[ctx->entry].stressor);
	t = sim__add_task(ctx->sim, comm, 0, ops, state, start);
	if (t)
		t->group = ctx->entry;
	return t;
}

bool stressor__done(struct sim *sim, const struct stressor_task *st)
{
	if (st->ops_limit && st->ops >= st->ops_limit)
		return true;
	return st->stop_at && sim__now(sim) >= st->stop_at;
}

void stressor__op(struct sim_task *t, struct stressor_task *st)
{
	st->ops++;
	t->stats.ops++;
}

void stressor__ops(struct sim_task *t, struct stressor_task *st, uint64_t n)
{
	st->ops += n;
	t->stats.ops += n;
}

int stressor__opt_line(const struct stressor_ctx *ctx, const char *name)
{
	int line = 0;

	for (int i = 0; i < ctx->job->nr_options; i++) {
		const struct job_option *o = &ctx->job->options[i];
		if (!strcmp(o->name, name) && (o->entry == ctx->entry || !line))
			line = o->line;
	}
	return line;
}

int stressor__int_opt(const struct stressor_ctx *ctx, const char *name, int64_t dflt, int64_t lo,
		      int64_t hi, int64_t *out, char *err, size_t errlen)
{
	const char *v = job__option(ctx->job, ctx->entry, name);
	char *end;
	int64_t x;

	*out = dflt;
	if (!v)
		return 0;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (end == v || *end || errno) {
		snprintf(err, errlen, "%s:%d: '%s': %s is not a number", ctx->job->path,
			 stressor__opt_line(ctx, name), v, name);
		return -1;
	}
	if (x < lo || x > hi) {
		snprintf(err, errlen, "%s:%d: '%s': %s must be within %lld .. %lld", ctx->job->path,
			 stressor__opt_line(ctx, name), v, name, (long long)lo, (long long)hi);
		return -1;
	}
	*out = x;
	return 0;
}

void stressor__wake_tail(const struct stressor_ctx *ctx, uint64_t cost, uint64_t *after_call, uint64_t *in_switch)
{
	uint64_t tail = ctx->sim->cfg.costs.wake_tail_ns;

	*after_call = tail < cost ? tail : cost;
	*in_switch = tail - *after_call;
}

void stressor__shared_put(void *shared)
{
	struct stressor_shared *s = shared;

	if (s && --s->refs <= 0)
		free(s);
}
