/*
 * The scaling benchmark's shared declarations: one cell (a policy on a machine size and a task
 * count) measured in its own process, and the bare event-heap floor it is compared with.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stdint.h>

enum bench_policy { BENCH_FAIR, BENCH_FIFO, BENCH_SIMPLE, BENCH_VTIME, BENCH_LLC, BENCH_NR_POLICIES };

struct bench_cell {
	enum bench_policy policy;
	int cpus, tasks;
	uint64_t sim_ns;
	const char *topology; /* a topology spec of @cpus CPUs; NULL: @cpus CPUs, one LLC */
	int hogs_only;        /* every task a CPU hog (else 1/4 of them in ping-pong pairs) */
};

struct bench_figures {
	int ok;
	double setup_s, loop_s, finish_s;            /* wall seconds */
	double setup_cpu_s, loop_cpu_s, finish_cpu_s; /* CPU seconds of the cell's process */
	uint64_t events, decisions; /* events fired, context switches (picks of the next task) */
	long peak_rss_kib;
};

/* Where a compiled policy's .sim.so is, or NULL for the fair model and the C-ops FIFO. */
const char *bench_policy__path(enum bench_policy p, char *buf, unsigned long len);
const char *bench_policy__label(enum bench_policy p);

/* Run @cell in a child process (so peak RSS is the cell's own). Returns 0 or -1. */
int bench_cell__run(const struct bench_cell *cell, struct bench_figures *out);

/* Events per wall second of a bare event heap holding @pending self-rescheduling events. */
/* The event delays of the floor loop: uniform over 1 us - 1 ms, or the mixed 512 x 4,096 cell's. */
enum bench_floor_delays { BENCH_FLOOR_UNIFORM, BENCH_FLOOR_MIXED };
double bench_floor__events_per_s(int pending, enum bench_floor_delays delays);

double bench__wall(void);
double bench__cpu(void);

#endif
