/*
 * The simulator's event loop: a deterministic priority queue of timed callbacks.
 *
 * Events are ordered by (time, sequence number): two events at the same nanosecond run in the
 * order they were scheduled, so a run never depends on heap layout: (time, sequence) is a
 * strict total order, so any correct priority queue fires the same events in the same order.
 * Each event is a small record the caller owns (usually embedded in a CPU or task) and can be
 * cancelled or moved.
 *
 * Two structures hold the queued events: a timing wheel for the near future (sim/engine/
 * event_wheel.h: most events of a busy machine are a few microseconds ahead, and it queues and
 * pops those in O(1)) and a binary heap for the rest (or for a wheel slot that is full). An
 * event may be in either: the loop always fires the smaller of the two minima, so where an
 * event is kept never changes the order. The heap tracks each event's position, so a move
 * within it re-keys the event where it is (one sift) instead of a removal and an insertion.
 */
#ifndef SIM_ENGINE_EVENT_H
#define SIM_ENGINE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t sim_time_t; /* nanoseconds since the start of the run */

#define SIM_TIME_NEVER UINT64_MAX

struct sim_loop;
struct sim_event;

typedef void (*sim_event_fn)(struct sim_loop *loop, struct sim_event *ev);

struct sim_event {
	sim_time_t when;
	uint64_t seq;
	sim_event_fn fn;
	void *arg;
	size_t heap_pos; /* index in the heap, SIM_EVENT_IN_WHEEL, or SIZE_MAX when not queued */
	struct sim_event *wheel_next; /* the next event of its wheel slot, in (time, sequence) order */
};

#define SIM_EVENT_IN_WHEEL (SIZE_MAX - 1)

/* The near-future part of the queue: slots of 2^SHIFT ns over the next SLOTS << SHIFT ns. */
#define SIM_WHEEL_SHIFT 5
#define SIM_WHEEL_SLOTS 4096
#define SIM_WHEEL_WORDS (SIM_WHEEL_SLOTS / 64)
#define SIM_WHEEL_SLOT_CAP 8 /* events a slot keeps (a sorted list) before the heap takes more */

struct sim_wheel {
	uint64_t summary;                /* bit w: busy[w] has a bit set */
	uint64_t busy[SIM_WHEEL_WORDS];  /* bit s: slot s holds an event */
	uint8_t count[SIM_WHEEL_SLOTS];
	struct sim_event *head[SIM_WHEEL_SLOTS];
	size_t len;
};

/* A heap slot carries the event's key, so sifting compares without loading the event. */
struct sim_heap_slot {
	sim_time_t when;
	uint64_t seq;
	struct sim_event *ev;
};

struct sim_loop {
	sim_time_t now;
	uint64_t next_seq;
	struct sim_heap_slot *heap;
	size_t len, cap;     /* events in the heap, its allocated slots */
	struct sim_wheel *wheel;
	uint64_t nr_fired;
	bool stop;
};

void sim_event__init(struct sim_event *ev, sim_event_fn fn, void *arg);
static inline bool sim_event__queued(const struct sim_event *ev) { return ev->heap_pos != SIZE_MAX; }
/* Events queued, in the heap and in the wheel. */
static inline size_t sim_loop__nr_queued(const struct sim_loop *loop)
{
	return loop->len + loop->wheel->len;
}

int sim_loop__init(struct sim_loop *loop);
void sim_loop__destroy(struct sim_loop *loop);

/* Schedule (or move, if already queued) @ev to fire at absolute time @when (>= now). */
void sim_loop__schedule(struct sim_loop *loop, struct sim_event *ev, sim_time_t when);
void sim_loop__cancel(struct sim_loop *loop, struct sim_event *ev);

/* Time of the earliest queued event, or SIM_TIME_NEVER. */
sim_time_t sim_loop__next_time(const struct sim_loop *loop);

/* Fire events in order until the queue is empty, the next event is after @until, or stop is
 * set. Time advances to @until when the queue runs dry before it. Returns events fired. */
uint64_t sim_loop__run_until(struct sim_loop *loop, sim_time_t until);

#endif
