/*
 * The floor the simulator is measured against: the engine's event heap alone, with as many
 * pending events as a machine of that size keeps queued (a few per CPU), each firing and
 * rescheduling itself a pseudo-random delay later. No scheduling work at all.
 */
#include "tests/bench/bench.h"

#include <stdlib.h>

#include "sim/engine/event.h"

struct floor_ev {
	struct sim_event ev;
	uint64_t rng;
};

static void floor_fire(struct sim_loop *loop, struct sim_event *ev)
{
	struct floor_ev *f = (struct floor_ev *)ev;

	f->rng = f->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	sim_loop__schedule(loop, ev, loop->now + 1000 + (f->rng >> 44));
}

double bench_floor__events_per_s(int pending)
{
	struct sim_loop loop;
	struct floor_ev *evs = calloc((size_t)pending, sizeof(*evs));
	double t0, dt;
	uint64_t fired = 0;

	if (!evs || sim_loop__init(&loop))
		return 0;
	for (int i = 0; i < pending; i++) {
		sim_event__init(&evs[i].ev, floor_fire, NULL);
		evs[i].rng = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 1;
		sim_loop__schedule(&loop, &evs[i].ev, (uint64_t)i);
	}
	t0 = bench__wall();
	for (sim_time_t until = 10000000; fired < 4000000; until += 10000000)
		fired += sim_loop__run_until(&loop, until);
	dt = bench__wall() - t0;
	sim_loop__destroy(&loop);
	free(evs);
	return (double)fired / dt;
}
