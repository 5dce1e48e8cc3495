/*
 * Binary min-heap of events keyed on (time, sequence). See event.h.
 */
#include "sim/engine/event.h"

#include <stdlib.h>
#include <assert.h>

static bool event_before(const struct sim_event *a, const struct sim_event *b)
{
	if (a->when != b->when)
		return a->when < b->when;
	return a->seq < b->seq;
}

static void heap_place(struct sim_loop *loop, size_t i, struct sim_event *ev)
{
	loop->heap[i] = ev;
	ev->heap_pos = i;
}

static void sift_up(struct sim_loop *loop, size_t i)
{
	struct sim_event *ev = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!event_before(ev, loop->heap[parent]))
			break;
		heap_place(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_place(loop, i, ev);
}

static void sift_down(struct sim_loop *loop, size_t i)
{
	struct sim_event *ev = loop->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, min = i;
		const struct sim_event *best = ev;

		if (l < loop->len && event_before(loop->heap[l], best)) {
			min = l;
			best = loop->heap[l];
		}
		if (r < loop->len && event_before(loop->heap[r], best))
			min = r;
		if (min == i)
			break;
		heap_place(loop, i, loop->heap[min]);
		i = min;
	}
	heap_place(loop, i, ev);
}

void sim_event__init(struct sim_event *ev, sim_event_fn fn, void *arg)
{
	ev->when = 0;
	ev->seq = 0;
	ev->fn = fn;
	ev->arg = arg;
	ev->heap_pos = SIZE_MAX;
}

int sim_loop__init(struct sim_loop *loop)
{
	*loop = (struct sim_loop){0};
	loop->cap = 64;
	loop->heap = calloc(loop->cap, sizeof(*loop->heap));
	return loop->heap ? 0 : -1;
}

void sim_loop__destroy(struct sim_loop *loop)
{
	for (size_t i = 0; i < loop->len; i++)
		loop->heap[i]->heap_pos = SIZE_MAX;
	free(loop->heap);
	loop->heap = NULL;
	loop->len = loop->cap = 0;
}

static void heap_remove_at(struct sim_loop *loop, size_t i)
{
	struct sim_event *last = loop->heap[--loop->len];

	loop->heap[i]->heap_pos = SIZE_MAX;
	if (i == loop->len)
		return;
	heap_place(loop, i, last);
	if (i > 0 && event_before(last, loop->heap[(i - 1) / 2]))
		sift_up(loop, i);
	else
		sift_down(loop, i);
}

void sim_loop__schedule(struct sim_loop *loop, struct sim_event *ev, sim_time_t when)
{
	if (when < loop->now)
		when = loop->now;
	if (sim_event__queued(ev))
		heap_remove_at(loop, ev->heap_pos);
	if (loop->len == loop->cap) {
		size_t ncap = loop->cap * 2;
		struct sim_event **nheap = realloc(loop->heap, ncap * sizeof(*nheap));
		if (!nheap)
			abort();
		loop->heap = nheap;
		loop->cap = ncap;
	}
	ev->when = when;
	ev->seq = loop->next_seq++;
	loop->heap[loop->len] = ev;
	ev->heap_pos = loop->len++;
	sift_up(loop, ev->heap_pos);
}

void sim_loop__cancel(struct sim_loop *loop, struct sim_event *ev)
{
	if (sim_event__queued(ev))
		heap_remove_at(loop, ev->heap_pos);
}

sim_time_t sim_loop__next_time(const struct sim_loop *loop)
{
	return loop->len ? loop->heap[0]->when : SIM_TIME_NEVER;
}

uint64_t sim_loop__run_until(struct sim_loop *loop, sim_time_t until)
{
	uint64_t fired = 0;

	loop->stop = false;
	while (loop->len && !loop->stop) {
		struct sim_event *ev = loop->heap[0];
		if (ev->when > until)
			break;
		heap_remove_at(loop, 0);
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
