/*
 * The event queue fires in (time, scheduling order) whatever its layout: random schedules,
 * moves of queued events (earlier and later), cancels and handlers that reschedule themselves,
 * checked against an oracle that keeps every pending event's key and takes the minimum.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim/engine/event.h"

enum { NR_EV = 300, STEPS = 20000 };

struct oracle_ev {
	struct sim_event ev;
	bool pending;
	uint64_t when, order; /* the oracle's key: time, then the order of the last schedule */
	int refire;           /* how many more times the handler reschedules itself */
};

static struct oracle_ev evs[NR_EV];
static uint64_t order_clock, rng = 99;
static struct oracle_ev *expected_next;
static int nr_checked;

static uint64_t rand_below(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static void oracle_schedule(struct sim_loop *loop, struct oracle_ev *e, uint64_t when)
{
	if (when < loop->now)
		when = loop->now;
	e->pending = true;
	e->when = when;
	e->order = order_clock++;
	sim_loop__schedule(loop, &e->ev, when);
}

static struct oracle_ev *oracle_min(void)
{
	struct oracle_ev *best = NULL;

	for (int i = 0; i < NR_EV; i++) {
		struct oracle_ev *e = &evs[i];
		if (e->pending && (!best || e->when < best->when ||
				   (e->when == best->when && e->order < best->order)))
			best = e;
	}
	return best;
}

static void fire(struct sim_loop *loop, struct sim_event *ev)
{
	struct oracle_ev *e = (struct oracle_ev *)ev;

	cr_assert_eq(e, expected_next, "event %ld fired, the oracle expected %ld",
		     (long)(e - evs), (long)(expected_next - evs));
	cr_assert_eq(loop->now, e->when);
	cr_assert(!sim_event__queued(ev));
	e->pending = false;
	nr_checked++;
	if (e->refire > 0) {
		e->refire--;
		/* ties on purpose: many events land on the same few instants */
		oracle_schedule(loop, e, loop->now + rand_below(4) * 10);
	}
	expected_next = oracle_min(); /* the loop may fire more at this time: checked too */
}

Test(speed_paths, event_queue_fires_in_time_then_schedule_order)
{
	struct sim_loop loop;

	cr_assert_eq(sim_loop__init(&loop), 0);
	for (int i = 0; i < NR_EV; i++)
		sim_event__init(&evs[i].ev, fire, NULL);

	for (int step = 0; step < STEPS; step++) {
		struct oracle_ev *e = &evs[rand_below(NR_EV)];
		uint64_t r = rand_below(10);

		if (r < 5) { /* schedule, or move if queued: to a coarse time, so ties are common */
			e->refire = (int)rand_below(3);
			oracle_schedule(&loop, e, loop.now + rand_below(50) * 10);
		} else if (r < 6) {
			sim_loop__cancel(&loop, &e->ev);
			e->pending = false;
		} else { /* fire what is due at the earliest time, each checked against the oracle */
			expected_next = oracle_min();
			if (!expected_next)
				continue;
			cr_assert_eq(sim_loop__next_time(&loop), expected_next->when);
			cr_assert_geq(sim_loop__run_until(&loop, expected_next->when), 1);
		}
		for (int i = 0; i < NR_EV; i++)
			cr_assert_eq(sim_event__queued(&evs[i].ev), evs[i].pending);
	}
	/* drain: every remaining event, in order */
	expected_next = oracle_min();
	sim_loop__run_until(&loop, UINT64_MAX - 1);
	cr_assert_null(oracle_min());
	cr_assert_eq(loop.len, 0);
	cr_assert_gt(nr_checked, STEPS / 10);
	sim_loop__destroy(&loop);
}
