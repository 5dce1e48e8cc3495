/*
 * Per-CPU and per-task state of the fair-class model (embedded in sim_cpu and sim_task).
 * See fair.h for the model itself.
 */
#ifndef SIM_FAIR_FAIR_TYPES_H
#define SIM_FAIR_FAIR_TYPES_H

#include <stdbool.h>
#include <stdint.h>

struct sim_task;

struct fair_entity {
	uint64_t vruntime;
	uint64_t deadline;
	int64_t vlag;
	uint64_t slice;
	uint64_t weight;        /* load weight from nice (1024 at nice 0) */
	bool on_rq;             /* queued (not counting running) */
	struct sim_task *rb_left, *rb_right, *rb_parent; /* queue links, owned by sim/fair */
	int rb_color;
	uint64_t min_deadline;  /* augmented subtree data, if the queue needs it */
	uint64_t last_balance_ns;
};

struct fair_rq {
	uint32_t nr_running;    /* queued + running fair tasks on this CPU */
	uint64_t load;          /* sum of weights of nr_running tasks */
	uint64_t min_vruntime;
	int64_t avg_vruntime;   /* weighted sum for the zero-lag point */
	uint64_t avg_load;
	struct sim_task *root;  /* queue of waiting tasks (not including curr) */
	struct sim_task *curr;  /* the running fair task, if any */
	uint64_t next_balance;
};

#endif
