/*
 * Behavioural models of stress-ng stressors for the simulator: what each stressor does in
 * scheduling terms (how long it computes, whom it wakes, when it blocks), with its bogo-ops
 * counted the way stress-ng counts them. One file per model family; the registry (registry.c)
 * maps stress-ng names to models and refuses, with the reason, the stressors that cannot be
 * modelled or that leave sched_ext when run as root.
 */
#ifndef WORKLOADS_STRESSORS_STRESSOR_H
#define WORKLOADS_STRESSORS_STRESSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/stressors/costs.h"

/* One job entry being turned into tasks. */
struct stressor_ctx {
	struct sim *sim;
	const struct job *job;
	int entry;
	int instances;
	uint64_t ops_limit;   /* per instance; 0: none */
	uint64_t start_at;    /* the entry's window (a sequential job runs entries in turn) */
	uint64_t stop_at;     /* 0: runs until the simulation ends */
	const struct stressor_costs *costs;
};

struct stressor_model {
	const char *name;
	/* Check the entry's options (stress-ng's ranges). 0, or -1 with "FILE:LINE: ..." in @err. */
	int (*check)(const struct stressor_ctx *ctx, char *err, size_t errlen);
	/* Add the tasks of instance @i. 0 or -1 (out of memory). */
	int (*add)(const struct stressor_ctx *ctx, int i);
};

const struct stressor_model *stressor__find(const char *name);
/* Why stress-ng stressor @name is refused (NULL if it is modelled). */
const char *stressor__refusal(const char *name);
/* Names of the modelled stressors, NULL-terminated. */
const char *const *stressor__names(void);

/* ---- helpers shared by the models (common.c) ---- */

/* Every stressor task carries this first in its state: its budget and its window. */
struct stressor_task {
	uint64_t ops_limit;
	uint64_t stop_at;
	uint64_t ops;
};

/* A task of the entry: comm "stress-ng-NAME", group = entry index, start at the window. */
struct sim_task *stressor__spawn(const struct stressor_ctx *ctx, const struct sim_behaviour_ops *ops,
				 struct stressor_task *state);
void stressor__init_task(const struct stressor_ctx *ctx, struct stressor_task *st, bool counts);
/* True when the task must stop (op budget reached or the window is over). */
bool stressor__done(struct sim *sim, const struct stressor_task *st);
/* Count one bogo-op for @t. */
void stressor__op(struct sim_task *t, struct stressor_task *st);
/* Count @n bogo-ops at once (a model that runs many tiny ops as one piece of work). */
void stressor__ops(struct sim_task *t, struct stressor_task *st, uint64_t n);
/*
 * Where machine.wake_tail_ns (the waker's time from its wakeup to its block) goes in an op whose
 * call costs @cost: @after_call of the call runs after the post (at most @cost: the model runs
 * @cost less it, posts, then runs it), and the rest, @in_switch, is the next blocking wait's
 * (its ns: the part of that switch spent before the block). The op's CPU stays the same.
 */
void stressor__wake_tail(const struct stressor_ctx *ctx, uint64_t cost, uint64_t *after_call, uint64_t *in_switch);

/* Integer option of the entry with a default, checked against [lo, hi]. */
int stressor__int_opt(const struct stressor_ctx *ctx, const char *name, int64_t dflt, int64_t lo,
		      int64_t hi, int64_t *out, char *err, size_t errlen);
/* Line on which option @name was set for the entry (0 if unset). */
int stressor__opt_line(const struct stressor_ctx *ctx, const char *name);

/* A group of tasks sharing channels, freed with its last task. */
struct stressor_shared {
	int refs;
};
void stressor__shared_put(void *shared);

#endif
