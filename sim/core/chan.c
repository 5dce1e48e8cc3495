/*
 * Wait channels: token counts with FIFO wait queues. See chan.h.
 */
#include "sim/core/chan.h"
#include "sim/core/sim.h"

#include <stdio.h>
#include <string.h>

void sim_chan__init(struct sim_chan *c, const char *name, uint64_t tokens)
{
	memset(c, 0, sizeof(*c));
	c->tokens = tokens;
	c->sync_wake = true;
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "chan");
}

bool sim_chan__take_or_wait(struct sim_chan *c, struct sim_task *t)
{
	if (c->tokens > 0) {
		c->tokens--;
		return true;
	}
	t->wait_next = NULL;
	if (c->wait_tail)
		c->wait_tail->wait_next = t;
	else
		c->wait_head = t;
	c->wait_tail = t;
	c->nr_waiters++;
	t->waiting_on = c;
	return false;
}

void sim_chan__post(struct sim *sim, struct sim_chan *c, uint32_t n, struct sim_task *waker)
{
	uint64_t wf = SIM_WF_TTWU;
	int waker_cpu = waker ? waker->cpu : -1;

	if (waker && c->sync_wake)
		wf |= SIM_WF_SYNC;
	while (n > 0 && c->wait_head) {
		struct sim_task *t = c->wait_head;
		c->wait_head = t->wait_next;
		if (!c->wait_head)
			c->wait_tail = NULL;
		c->nr_waiters--;
		t->wait_next = NULL;
		t->waiting_on = NULL;
		n--;
		sim_sched__wake(sim, t, wf, waker_cpu);
	}
	if (!c->lose_unwaited)
		c->tokens += n;
}

void sim_chan__forget(struct sim_chan *c, struct sim_task *t)
{
	struct sim_task **pp = &c->wait_head, *prev = NULL;

	while (*pp) {
		if (*pp == t) {
			*pp = t->wait_next;
			if (c->wait_tail == t)
				c->wait_tail = prev;
			c->nr_waiters--;
			t->wait_next = NULL;
			t->waiting_on = NULL;
			return;
		}
		prev = *pp;
		pp = &(*pp)->wait_next;
	}
}
