/*
 * Per-CPU and per-task state of the fair-class model (embedded in sim_cpu and sim_task).
 * See sim/fair/fair.h for the model itself. The types live in the core's layer because the
 * core's records embed them, as the kernel's sched.h holds struct sched_entity.
 */
#ifndef SIM_CORE_FAIR_TYPES_H
#define SIM_CORE_FAIR_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine/treap.h"

struct sim_task;

struct fair_entity {
	uint64_t vruntime;
	uint64_t deadline;
	int64_t vlag;           /* lag saved at dequeue, applied at the next enqueue */
	uint64_t vprot;         /* deadline when picked: the slice is protected while unchanged */
	uint64_t slice;         /* request size in ns */
	uint64_t weight;        /* load weight from nice (1024 at nice 0) */
	bool on_rq;             /* counted in the CPU's load (queued or running) */
	bool queued;            /* in the CPU's wait queue (not running) */
	bool initial;           /* next placement is a new task's first */
	uint64_t slept_at;      /* went to sleep owing CPU time (negative lag), or 0 */
	uint64_t slept_load;    /* load left on its CPU then: how fast the debt is served */
	struct sim_task *q_prev, *q_next; /* wait queue, in deadline order */
	struct sim_treap_node q_node;     /* in the queue's deadline index */
	double load_avg;        /* PELT-like load: weight x runnable fraction, decayed (fair_load.c) */
	uint64_t load_at;       /* when load_avg was last brought up to date */
	int load_cpu;           /* the CPU whose load includes load_avg (valid if load_attached) */
	bool load_attached;
	uint64_t ran_at;        /* when it last left the CPU: how cache-hot it is */
	uint64_t listed_at;     /* when it was last queued or picked: the kernel's rq->cfs_tasks
	                           order (most recent first), which balancing walks from the tail */
};

struct fair_rq {
	uint32_t nr_running;    /* on_rq fair tasks on this CPU, running one included */
	uint64_t load;          /* sum of their weights */
	__int128 wsum_vruntime; /* sum of weight * (vruntime - min_vruntime): the zero-lag point */
	uint64_t min_vruntime;  /* monotonic base of the keys, the reference point of an empty queue */
	struct sim_task *head;  /* wait queue (the running task is not in it) */
	struct sim_task *tail;  /* its last task */
	struct sim_treap index; /* the wait queue by deadline: where an insert goes */
	struct sim_task *curr;  /* the running fair task, if any */
	uint64_t next_balance;  /* when the tick next tries periodic balancing */
	double load_avg;        /* sum of the attached tasks' load_avg, running or blocked */
	uint64_t load_at;       /* when load_avg was last brought up to date */
	uint32_t balance_failed; /* periodic balances in a row that found an imbalance, moved nothing */
};

#endif
