/*
 * The event queue fires in (time, scheduling order) whatever its layout: random schedules,
 * moves of queued events (earlier and later), cancels and handlers that reschedule themselves,
 * checked against an oracle that keeps every pending event's key and takes the minimum.
 * Delays are drawn at two scales: a few hundred ns (ties, full wheel slots) and up to
 * 5 ms (across the wheel's span, events in the heap, slots reused lap after lap).
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
static uint64_t (*draw_delay)(bool refire);

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
		oracle_schedule(loop, e, loop->now + draw_delay(true));
	}
	expected_next = oracle_min(); /* the loop may fire more at this time: checked too */
}

/* ties on purpose: many events land on the same few instants */
static uint64_t short_delay(bool refire)
{
	return refire ? rand_below(4) * 10 : rand_below(50) * 10;
}

/* from the same nanosecond to beyond the wheel's span, some on coarse instants (ties) */
static uint64_t mixed_delay(bool refire)
{
	uint64_t scale = rand_below(refire ? 3 : 4);
	static const uint64_t span[] = { 300, 40000, 200000, 5000000 };
	uint64_t d = rand_below(span[scale]);

	return rand_below(2) ? d - d % 1000 : d;
}

/* What a run went through: the most events each structure held, and the time reached. */
struct oracle_run {
	size_t max_heap, max_wheel;
	sim_time_t end;
};

static struct oracle_run run_against_oracle(uint64_t (*delay)(bool refire))
{
	struct oracle_run run = {0};
	struct sim_loop loop;

	draw_delay = delay;
	nr_checked = 0;
	order_clock = 0;
	for (int i = 0; i < NR_EV; i++)
		evs[i] = (struct oracle_ev){0};

	cr_assert_eq(sim_loop__init(&loop), 0);
	for (int i = 0; i < NR_EV; i++)
		sim_event__init(&evs[i].ev, fire, NULL);

	for (int step = 0; step < STEPS; step++) {
		struct oracle_ev *e = &evs[rand_below(NR_EV)];
		uint64_t r = rand_below(10);

		if (r < 5) { /* schedule, or move if queued: to a coarse time, so ties are common */
			e->refire = (int)rand_below(3);
			oracle_schedule(&loop, e, loop.now + delay(false));
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
		if (loop.len > run.max_heap)
			run.max_heap = loop.len;
		if (loop.wheel->len > run.max_wheel)
			run.max_wheel = loop.wheel->len;
	}
	/* drain: every remaining event, in order */
	expected_next = oracle_min();
	sim_loop__run_until(&loop, UINT64_MAX - 1);
	cr_assert_null(oracle_min());
	cr_assert_eq(sim_loop__nr_queued(&loop), 0);
	cr_assert_gt(nr_checked, STEPS / 10);
	run.end = loop.now;
	sim_loop__destroy(&loop);
	return run;
}

Test(speed_paths, event_queue_fires_in_time_then_schedule_order)
{
	struct oracle_run run = run_against_oracle(short_delay);

	/* a few hundred events within 500 ns: wheel slots fill and the heap takes the rest */
	cr_assert_gt(run.max_wheel, 0);
	cr_assert_gt(run.max_heap, 0);
}

Test(speed_paths, event_queue_keeps_the_order_across_wheel_and_heap)
{
	struct oracle_run run = run_against_oracle(mixed_delay);
	sim_time_t span = (sim_time_t)SIM_WHEEL_SLOTS << SIM_WHEEL_SHIFT;

	cr_assert_gt(run.max_wheel, 0);
	cr_assert_gt(run.max_heap, 0);
	cr_assert_gt(run.end, 20 * span, "the run covers many laps of the wheel");
}
