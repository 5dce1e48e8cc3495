/*
 * Wait channels: the simulator's one synchronisation primitive.
 *
 * A channel holds a token count and a FIFO of blocked tasks. WAIT takes a token or blocks;
 * POST adds tokens and wakes waiters in FIFO order, one per token. With this a workload can
 * express pipes (two channels as free/used slots), eventfd and futex ping-pong, semaphores
 * and token rings. The waker's CPU and the sync hint are passed on to the wakeup path.
 */
#ifndef SIM_CORE_CHAN_H
#define SIM_CORE_CHAN_H

#include <stdbool.h>
#include <stdint.h>

struct sim;
struct sim_task;

struct sim_chan {
	uint64_t tokens;
	struct sim_task *wait_head, *wait_tail;
	uint32_t nr_waiters;
	bool sync_wake; /* wakers usually block right after posting (WF_SYNC hint) */
	bool lose_unwaited; /* a post nobody waits for is lost (futex wake), not kept as a token */
	char name[32];
};

void sim_chan__init(struct sim_chan *c, const char *name, uint64_t tokens);
/* Returns true if a token was taken, false if @t must block (it is then queued on @c). */
bool sim_chan__take_or_wait(struct sim_chan *c, struct sim_task *t);
/* Adds @n tokens; wakes queued waiters through the scheduler. @waker may be NULL (a timer). */
void sim_chan__post(struct sim *sim, struct sim_chan *c, uint32_t n, struct sim_task *waker);
/* Remove @t from @c's wait queue if it is there (task exit, teardown). */
void sim_chan__forget(struct sim_chan *c, struct sim_task *t);

#endif
