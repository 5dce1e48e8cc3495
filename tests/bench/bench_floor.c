/*
 * The floor the simulator is measured against: the engine's event heap alone, with as many
 * pending events as a machine of that size keeps queued (a few per CPU), each firing and
 * rescheduling itself a pseudo-random delay later. No scheduling work at all. Two delay
 * mixes: uniform over 1 us - 1 ms (the floor the table's %flr column has always used), and the
 * delays the mixed 512 x 4,096 cell schedules (measured: 31 % 256-512 ns, the end of
 * schedule(); 31 % 2-4 us, context-switch overheads; 32 % 8-32 us, work; 5 % 0.5-1 ms;
 * 1 % 2-4 ms, ticks), which is what the event queue is tuned for.
 */
#include "tests/bench/bench.h"

#include <stdlib.h>

#include "sim/engine/event.h"

struct floor_ev {
	struct sim_event ev;
	uint64_t rng;
};

static uint64_t floor_next(struct floor_ev *f)
{
	f->rng = f->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return f->rng;
}

static void floor_fire_uniform(struct sim_loop *loop, struct sim_event *ev)
{
	uint64_t r = floor_next((struct floor_ev *)ev);

	sim_loop__schedule(loop, ev, loop->now + 1000 + (r >> 44));
}

static void floor_fire_mixed(struct sim_loop *loop, struct sim_event *ev)
{
	uint64_t r = floor_next((struct floor_ev *)ev), pick = (r >> 33) % 1000, d;

	if (pick < 310)
		d = 256 + (r >> 56);            /* 256-511 ns */
	else if (pick < 620)
		d = 2000 + (r >> 53);           /* 2-4 us */
	else if (pick < 940)
		d = 8000 + (r >> 50) * 24 / 16; /* 8-32 us */
	else if (pick < 990)
		d = 500000 + (r >> 45);         /* 0.5-1 ms */
	else
		d = 2000000 + (r >> 43);        /* 2-4 ms */
	sim_loop__schedule(loop, ev, loop->now + d);
}

double bench_floor__events_per_s(int pending, enum bench_floor_delays delays)
{
	struct sim_loop loop;
	struct floor_ev *evs = calloc((size_t)pending, sizeof(*evs));
	double t0, dt;
	uint64_t fired = 0;

	if (!evs || sim_loop__init(&loop))
		return 0;
	for (int i = 0; i < pending; i++) {
		sim_event__init(&evs[i].ev, delays == BENCH_FLOOR_MIXED ? floor_fire_mixed : floor_fire_uniform,
				NULL);
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
