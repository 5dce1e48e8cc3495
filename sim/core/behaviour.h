/*
 * Task behaviour programs: what a simulated task does, one action at a time.
 *
 * A workload (the built-in one, or a stressor model) gives each task a behaviour: a `next`
 * function the core calls whenever the task's previous action has finished, which fills in the
 * next action. Actions are the scheduling-relevant things a thread does: burn CPU, sleep on a
 * timer, block on or signal a channel, yield, change affinity or nice, spawn a task, exit.
 * Work is CPU time at capacity 1024: preemption stretches wall time, never work.
 */
#ifndef SIM_CORE_BEHAVIOUR_H
#define SIM_CORE_BEHAVIOUR_H

#include <stdint.h>
#include "sim/shim/vmlinux.h"

struct sim;
struct sim_task;
struct sim_chan;

enum sim_action_kind {
	SIM_ACT_RUN,      /* ns of CPU work */
	SIM_ACT_SLEEP,    /* sleep ns on a timer (timer slack is added by the core) */
	SIM_ACT_WAIT,     /* take one token from chan, blocking while it has none; ns: of the switch
			   * a block makes, the part spent before it (on top of sched_delay_ns), at
			   * most ctx_switch_ns less sched_delay_ns, taken from the next task's part */
	SIM_ACT_POST,     /* add count tokens to chan, waking that many waiters; never blocks */
	SIM_ACT_YIELD,    /* sched_yield() */
	SIM_ACT_AFFINITY, /* sched_setaffinity(mask) */
	SIM_ACT_NICE,     /* setpriority(nice) */
	SIM_ACT_SPAWN,    /* start a new task (fork/clone); see spawn field */
	SIM_ACT_EXIT,
};

struct sim_spawn_req {
	const struct sim_behaviour_ops *ops;
	void *state;
	const char *comm;
	int nice;
};

struct sim_action {
	enum sim_action_kind kind;
	uint64_t ns;
	struct sim_chan *chan;
	uint32_t count;
	int nice;
	const struct cpumask *mask;
	struct sim_spawn_req spawn;
};

struct sim_behaviour_ops {
	const char *name;
	/* Fill @act with the task's next action. Called at the task's start and after each action. */
	void (*next)(struct sim *sim, struct sim_task *t, struct sim_action *act);
	/* Release the task's behaviour state (may be NULL). */
	void (*free)(void *state);
};

#endif
