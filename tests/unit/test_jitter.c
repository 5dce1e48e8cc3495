/*
 * machine.jitter_pct: seeded run-to-run noise. Without it every seed of a job without random
 * choices gives the same timings; with it seeds differ, the same seed repeats exactly, and the
 * mean cost of a piece of work is kept.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "sim/core/sim.h"

#define MS 1000000ULL

struct counter { uint64_t pieces; };

/* 1 ms pieces of work, counted, forever. */
static void piece_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct counter *c = t->beh_state;

	c->pieces++;
	act->kind = SIM_ACT_RUN;
	act->ns = MS;
}

static const struct sim_behaviour_ops piece_ops = { .name = "pieces", .next = piece_next, .free = free };

/* Pieces one task starts in 2 s alone on a CPU, with @jitter % and @seed. */
static uint64_t pieces_in_2s(uint64_t jitter, uint64_t seed)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[256];
	struct counter *c = calloc(1, sizeof(*c));
	uint64_t n;

	cr_assert_eq(sim_topology__parse(&topo, "1", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.seed = seed;
	cfg.costs.jitter_pct = jitter;
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	sim__set_current(sim);
	sim__add_task(sim, "pieces", 0, &piece_ops, c, 0);
	cr_assert_eq(sim__run_until(sim, 2000 * MS), 0);
	n = c->pieces;
	sim__free(sim);
	return n;
}

Test(jitter, none_by_default_every_seed_the_same)
{
	cr_assert_eq(pieces_in_2s(0, 1), pieces_in_2s(0, 2));
}

Test(jitter, seeds_differ_a_seed_repeats_and_the_mean_is_kept)
{
	uint64_t a = pieces_in_2s(20, 1), b = pieces_in_2s(20, 2), c = pieces_in_2s(20, 3);

	cr_assert_eq(a, pieces_in_2s(20, 1), "the same seed gave a different run");
	cr_assert(a != b || b != c, "three seeds gave %lu pieces each", (unsigned long)a);
	/* ~2000 pieces of 1 ms +- 20 %: their mean stays 1 ms (a sum of 2000 draws: within 2 %) */
	for (uint64_t n = 0, v[3] = { a, b, c }; n < 3; n++)
		cr_assert(v[n] > 1960 && v[n] < 2040, "%lu pieces", (unsigned long)v[n]);
}
