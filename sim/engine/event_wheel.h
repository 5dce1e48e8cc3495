/*
 * The near-future part of the event queue (private to sim/engine/event.c): a timing wheel.
 *
 * Slot s holds the events whose time falls in a 2^SIM_WHEEL_SHIFT ns interval, as a list
 * sorted by (time, sequence). The wheel covers the SIM_WHEEL_SLOTS intervals from the one
 * holding `now`; since no queued event is ever earlier than `now`, two queued events in one
 * slot are always in the same interval, and the first busy slot from `now`'s (in ring order)
 * holds the earliest event. A two-level bitmap finds that slot in a few instructions.
 * A slot keeps at most SIM_WHEEL_SLOT_CAP events, so a list walk is short whatever the load
 * (the caller puts what does not fit in the heap).
 */
#ifndef SIM_ENGINE_EVENT_WHEEL_H
#define SIM_ENGINE_EVENT_WHEEL_H

#include "sim/engine/event.h"

static inline bool event_key_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

/* Whether an event at @when (>= @now) is within the wheel's span. */
static inline bool wheel__covers(sim_time_t now, sim_time_t when)
{
	return (when >> SIM_WHEEL_SHIFT) - (now >> SIM_WHEEL_SHIFT) < SIM_WHEEL_SLOTS;
}

static inline size_t wheel__slot(sim_time_t when)
{
	return (size_t)(when >> SIM_WHEEL_SHIFT) & (SIM_WHEEL_SLOTS - 1);
}

static inline void wheel__mark(struct sim_wheel *w, size_t s)
{
	w->busy[s / 64] |= 1ULL << (s % 64);
	w->summary |= 1ULL << (s / 64);
}

static inline void wheel__unmark(struct sim_wheel *w, size_t s)
{
	w->busy[s / 64] &= ~(1ULL << (s % 64));
	if (!w->busy[s / 64])
		w->summary &= ~(1ULL << (s / 64));
}

/* Queue @ev (its key set, within the span) in its slot; false when the slot is full. */
static inline bool wheel__insert(struct sim_wheel *w, struct sim_event *ev)
{
	size_t s = wheel__slot(ev->when);
	struct sim_event **pp = &w->head[s];

	if (w->count[s] >= SIM_WHEEL_SLOT_CAP)
		return false;
	while (*pp && event_key_before(*pp, ev))
		pp = &(*pp)->wheel_next;
	ev->wheel_next = *pp;
	*pp = ev;
	ev->heap_pos = SIM_EVENT_IN_WHEEL;
	if (!w->count[s]++)
		wheel__mark(w, s);
	w->len++;
	return true;
}

static inline void wheel__unlink(struct sim_wheel *w, size_t s, struct sim_event **pp)
{
	struct sim_event *ev = *pp;

	*pp = ev->wheel_next;
	ev->heap_pos = SIZE_MAX;
	if (!--w->count[s])
		wheel__unmark(w, s);
	w->len--;
}

/* Take @ev (queued in the wheel) out of it. */
static inline void wheel__remove(struct sim_wheel *w, struct sim_event *ev)
{
	size_t s = wheel__slot(ev->when);
	struct sim_event **pp = &w->head[s];

	while (*pp != ev)
		pp = &(*pp)->wheel_next;
	wheel__unlink(w, s, pp);
}

/* The wheel's earliest event (no event is earlier than @now), or NULL when it is empty. */
static inline struct sim_event *wheel__first(const struct sim_wheel *w, sim_time_t now)
{
	size_t c = wheel__slot(now), wi = c / 64;
	uint64_t bits = w->busy[wi] & (~0ULL << (c % 64)), later;

	if (bits)
		return w->head[wi * 64 + (size_t)__builtin_ctzll(bits)];
	if (!w->summary)
		return NULL;
	/* the words after @now's, then from the ring's start (the next lap) */
	later = wi == SIM_WHEEL_WORDS - 1 ? 0 : w->summary & (~0ULL << (wi + 1));
	wi = (size_t)__builtin_ctzll(later ? later : w->summary);
	return w->head[wi * 64 + (size_t)__builtin_ctzll(w->busy[wi])];
}

/* Take the wheel's earliest event @ev (from wheel__first) out of it. */
static inline void wheel__pop(struct sim_wheel *w, struct sim_event *ev)
{
	size_t s = wheel__slot(ev->when);

	wheel__unlink(w, s, &w->head[s]);
}

#endif
