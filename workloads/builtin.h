/*
 * The built-in workload used until a job file is given: N CPU hogs and M ping-pong pairs.
 *
 * A hog burns CPU in 1 ms pieces forever (one bogo-op per piece). A ping-pong pair passes a
 * token back and forth, each side doing `pp_work_ns` of work per turn, like an RPC client and
 * server (one bogo-op per round trip, counted on the first task). Hogs keep every CPU busy so
 * a policy must decide who waits; the pairs measure how long a woken task waits for a CPU.
 * The seed spreads the tasks' start times over the first millisecond and varies each turn's
 * work by up to 25% either way.
 */
#ifndef WORKLOADS_BUILTIN_H
#define WORKLOADS_BUILTIN_H

#include <stdint.h>
#include "sim/core/sim.h"

struct builtin_workload {
	int hogs;
	int pairs;
	uint64_t pp_work_ns;   /* work per turn of a ping-pong task */
	uint64_t hog_limit_ns; /* 0: run forever; else each hog exits after this much work */
	uint64_t pp_rounds;    /* 0: forever; else a pair exits after this many round trips */
};

void builtin_workload__defaults(struct builtin_workload *w, int nr_cpus);
/* Add the workload's tasks to @sim (they start at time 0). Returns 0 or -1. */
int builtin_workload__add(struct sim *sim, const struct builtin_workload *w);

#endif
