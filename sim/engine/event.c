/*
 * The event queue: a timing wheel for the near future and a binary min-heap of events keyed
 * on (time, sequence) for the rest. See event.h.
 *
 * Each heap slot holds the key next to the event pointer: sifting reads only the heap array,
 * and writes an event only to record its new position.
 */
#include "sim/engine/event.h"
#include "sim/engine/event_wheel.h"

#include <stdlib.h>
#include <assert.h>

static inline bool slot_before(const struct sim_heap_slot *a, const struct sim_heap_slot *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static inline void heap_place(struct sim_loop *loop, size_t i, const struct sim_heap_slot *s)
{
	loop->heap[i] = *s;
	s->ev->heap_pos = i;
}

/* Move @s up from the hole at @i to where it belongs. */
static void sift_up(struct sim_loop *loop, size_t i, struct sim_heap_slot s)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!slot_before(&s, &loop->heap[parent]))
			break;
		heap_place(loop, i, &loop->heap[parent]);
		i = parent;
	}
	heap_place(loop, i, &s);
}

/* Move @s down from the hole at @i to where it belongs. */
static void sift_down(struct sim_loop *loop, size_t i, struct sim_heap_slot s)
{
	size_t len = loop->len;

	for (;;) {
		size_t l = 2 * i + 1, min;

		if (l >= len)
			break;
		min = l;
		if (l + 1 < len && slot_before(&loop->heap[l + 1], &loop->heap[l]))
			min = l + 1;
		if (!slot_before(&loop->heap[min], &s))
			break;
		heap_place(loop, i, &loop->heap[min]);
		i = min;
	}
	heap_place(loop, i, &s);
}

/* Put @s (a new key for the slot at @i, or the slot moved there) where it belongs. */
static void heap_fix(struct sim_loop *loop, size_t i, struct sim_heap_slot s)
{
	if (i > 0 && slot_before(&s, &loop->heap[(i - 1) / 2]))
		sift_up(loop, i, s);
	else
		sift_down(loop, i, s);
}

void sim_event__init(struct sim_event *ev, sim_event_fn fn, void *arg)
{
	ev->when = 0;
	ev->seq = 0;
	ev->fn = fn;
	ev->arg = arg;
	ev->heap_pos = SIZE_MAX;
	ev->wheel_next = NULL;
}

int sim_loop__init(struct sim_loop *loop)
{
	*loop = (struct sim_loop){0};
	loop->cap = 64;
	loop->heap = calloc(loop->cap, sizeof(*loop->heap));
	loop->wheel = calloc(1, sizeof(*loop->wheel));
	if (!loop->heap || !loop->wheel) {
		free(loop->heap);
		free(loop->wheel);
		return -1;
	}
	return 0;
}

void sim_loop__destroy(struct sim_loop *loop)
{
	for (size_t i = 0; i < loop->len; i++)
		loop->heap[i].ev->heap_pos = SIZE_MAX;
	if (loop->wheel) {
		for (size_t s = 0; s < SIM_WHEEL_SLOTS; s++)
			for (struct sim_event *ev = loop->wheel->head[s]; ev; ev = ev->wheel_next)
				ev->heap_pos = SIZE_MAX;
	}
	free(loop->heap);
	free(loop->wheel);
	loop->heap = NULL;
	loop->wheel = NULL;
	loop->len = loop->cap = 0;
}

static void heap_remove_at(struct sim_loop *loop, size_t i)
{
	struct sim_heap_slot last = loop->heap[--loop->len];

	loop->heap[i].ev->heap_pos = SIZE_MAX;
	if (i == loop->len)
		return;
	heap_fix(loop, i, last);
}

/*
 * Remove the first event. The last slot that fills the hole is usually one of the latest
 * events, so the hole goes down to a leaf by the smaller child (one comparison a level, not
 * two) and the last slot rises from there, usually not at all.
 */
static void heap_pop(struct sim_loop *loop)
{
	struct sim_heap_slot *h = loop->heap;
	size_t len = --loop->len, i = 0;

	h[0].ev->heap_pos = SIZE_MAX;
	if (!len)
		return;
	for (;;) {
		size_t l = 2 * i + 1;

		if (l + 1 < len) {
			l += slot_before(&h[l + 1], &h[l]);
		} else if (l >= len) {
			break;
		}
		heap_place(loop, i, &h[l]);
		i = l;
	}
	sift_up(loop, i, h[len]);
}

static void heap_insert(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_heap_slot s = { .when = ev->when, .seq = ev->seq, .ev = ev };

	if (loop->len == loop->cap) {
		size_t ncap = loop->cap * 2;
		struct sim_heap_slot *nheap = realloc(loop->heap, ncap * sizeof(*nheap));
		if (!nheap)
			abort();
		loop->heap = nheap;
		loop->cap = ncap;
	}
	sift_up(loop, loop->len++, s);
}

void sim_loop__schedule(struct sim_loop *loop, struct sim_event *ev, sim_time_t when)
{
	if (when < loop->now)
		when = loop->now;
	if (ev->heap_pos == SIM_EVENT_IN_WHEEL)
		wheel__remove(loop->wheel, ev);
	ev->when = when;
	ev->seq = loop->next_seq++;
	if (sim_event__queued(ev)) { /* in the heap */
		if (!wheel__covers(loop->now, when)) {
			heap_fix(loop, ev->heap_pos,
				 (struct sim_heap_slot){ .when = when, .seq = ev->seq, .ev = ev });
			return;
		}
		heap_remove_at(loop, ev->heap_pos);
	}
	if (wheel__covers(loop->now, when) && wheel__insert(loop->wheel, ev))
		return;
	heap_insert(loop, ev);
}

void sim_loop__cancel(struct sim_loop *loop, struct sim_event *ev)
{
	if (ev->heap_pos == SIM_EVENT_IN_WHEEL)
		wheel__remove(loop->wheel, ev);
	else if (sim_event__queued(ev))
		heap_remove_at(loop, ev->heap_pos);
}

/* The earliest queued event, from the wheel or the heap, or NULL. */
static inline struct sim_event *queue_first(const struct sim_loop *loop)
{
	struct sim_event *ev = wheel__first(loop->wheel, loop->now);

	if (!loop->len)
		return ev;
	if (!ev || loop->heap[0].when < ev->when ||
	    (loop->heap[0].when == ev->when && loop->heap[0].seq < ev->seq))
		return loop->heap[0].ev;
	return ev;
}

sim_time_t sim_loop__next_time(const struct sim_loop *loop)
{
	const struct sim_event *ev = queue_first(loop);

	return ev ? ev->when : SIM_TIME_NEVER;
}

uint64_t sim_loop__run_until(struct sim_loop *loop, sim_time_t until)
{
	uint64_t fired = 0;

	loop->stop = false;
	while (!loop->stop) {
		struct sim_event *ev = queue_first(loop);
		if (!ev || ev->when > until)
			break;
		if (ev->heap_pos == SIM_EVENT_IN_WHEEL)
			wheel__pop(loop->wheel, ev);
		else
			heap_pop(loop);
		assert(ev->when >= loop->now);
		loop->now = ev->when;
		fired++;
		ev->fn(loop, ev);
	}
	if (!loop->stop && loop->now < until)
		loop->now = until;
	loop->nr_fired += fired;
	return fired;
}
