/*
 * Producer/consumer pairs over a bounded buffer, one bogo-op per packet written:
 *   switch  stress-ng's default pipe method: a one-slot pipe, so the pair strictly alternates
 *           (the writer blocks until the reader has taken the packet);
 *   pipe    512-byte packets in a 64 KiB O_DIRECT (packet-mode) pipe: its 16 buffers hold 16
 *           packets (packets never merge into one page), batched wakeups;
 *   mq      a POSIX message queue of depth 10.
 * The buffer is two channels: free slots and filled slots. Each end's call wakes the other end
 * (when it waits) and then runs on for machine.wake_tail_ns of its cost: the call's rest, its
 * return and the next call's entry, before that call blocks.
 */
#include "workloads/stressors/stressor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buffer {
	struct stressor_shared sh;
	struct sim_chan free_slots, filled;
};

struct end_state {
	struct stressor_task st;
	struct buffer *buf;
	bool writer;
	int step;
	uint64_t cost, tail; /* the call's cost; of it, what runs after its wakeup */
	uint64_t early;      /* the rest of the waker's time before it blocks (stressor__wake_tail) */
};

static void end_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct end_state *s = t->beh_state;

	if (stressor__done(sim, &s->st)) {
		/* let the other end out: it may be blocked on us */
		if (s->step >= 0) {
			s->step = -1;
			act->kind = SIM_ACT_POST;
			act->chan = s->writer ? &s->buf->filled : &s->buf->free_slots;
			act->count = 1 << 20;
			return;
		}
		act->kind = SIM_ACT_EXIT;
		return;
	}
	int phase = s->step++ % 4;
	if (phase == 3 && !s->tail) /* no tail to run (wake_tail_ns 0): on to the next wait at once */
		phase = s->step++ % 4;
	switch (phase) {
	case 0: /* wait for room (writer) or for a packet (reader) */
		act->kind = SIM_ACT_WAIT;
		act->chan = s->writer ? &s->buf->free_slots : &s->buf->filled;
		act->ns = s->step > 1 ? s->early : 0; /* after a post */
		break;
	case 1: /* the system call up to its wakeup */
		act->kind = SIM_ACT_RUN;
		act->ns = s->cost - s->tail;
		break;
	case 2: /* hand the slot over */
		act->kind = SIM_ACT_POST;
		act->chan = s->writer ? &s->buf->filled : &s->buf->free_slots;
		act->count = 1;
		if (s->writer)
			stressor__op(t, &s->st);
		break;
	default: /* the rest of the call, its return and the next call's entry */
		act->kind = SIM_ACT_RUN;
		act->ns = s->tail;
		break;
	}
}

static void end_free(void *state)
{
	struct end_state *s = state;

	stressor__shared_put(s->buf);
	free(s);
}

static const struct sim_behaviour_ops end_ops = { .name = "pipe-end", .next = end_next, .free = end_free };

/* @sync: the wakeups carry WF_SYNC (a pipe's do; a POSIX message queue's, via wake_up_q(), do not). */
static int add_pair(const struct stressor_ctx *ctx, uint64_t slots, bool sync, uint64_t wcost, uint64_t rcost)
{
	struct buffer *b = calloc(1, sizeof(*b));

	if (!b)
		return -1;
	sim_chan__init(&b->free_slots, "slots", slots);
	sim_chan__init(&b->filled, "packets", 0);
	b->free_slots.sync_wake = b->filled.sync_wake = sync;
	for (int w = 1; w >= 0; w--) {
		struct end_state *s = calloc(1, sizeof(*s));
		if (!s)
			return -1;
		stressor__init_task(ctx, &s->st, w);
		s->buf = b;
		s->writer = w;
		s->cost = w ? wcost : rcost;
		stressor__wake_tail(ctx, s->cost, &s->tail, &s->early);
		b->sh.refs++;
		if (!stressor__spawn(ctx, &end_ops, &s->st))
			return -1;
	}
	return 0;
}

static int switch_add(const struct stressor_ctx *ctx, int i)
{
	return add_pair(ctx, 1, true, ctx->costs->pipe_write_ns, ctx->costs->pipe_read_ns);
}

/* a calibration measured before pipe was measured alone gives it switch's packet costs */
static int pipe_add(const struct stressor_ctx *ctx, int i)
{
	const struct stressor_costs *c = ctx->costs;

	return add_pair(ctx, 16, true, c->pipe_data_write_ns ? c->pipe_data_write_ns : c->pipe_write_ns,
			c->pipe_data_read_ns ? c->pipe_data_read_ns : c->pipe_read_ns);
}

static int mq_add(const struct stressor_ctx *ctx, int i)
{
	return add_pair(ctx, 10, false, ctx->costs->mq_ns, ctx->costs->mq_ns);
}

static int switch_check(const struct stressor_ctx *ctx, char *err, size_t errlen)
{
	const char *m = job__option(ctx->job, ctx->entry, "switch-method");

	if (m && *m && strcmp(m, "pipe") && strcmp(m, "mq")) {
		snprintf(err, errlen, "%s:%d: '%s': only switch-method pipe and mq are modelled", ctx->job->path,
			 stressor__opt_line(ctx, "switch-method"), m);
		return -1;
	}
	return 0;
}

const struct stressor_model stressor_switch = { .name = "switch", .check = switch_check, .add = switch_add };
const struct stressor_model stressor_pipe = { .name = "pipe", .add = pipe_add };
const struct stressor_model stressor_mq = { .name = "mq", .add = mq_add };
