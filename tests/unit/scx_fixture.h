/*
 * Test fixture for the sched_ext core: a small simulation plus policies written as plain C ops
 * tables (calling the same kfuncs a .bpf.c policy calls), and a log of callbacks so tests can
 * check order and arguments. Each criterion test runs in its own process, so the fixture's
 * globals start fresh in every test.
 */
#ifndef TESTS_SCX_FIXTURE_H
#define TESTS_SCX_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/sim.h"
#include "sim/scx/scx.h"
#include "sim/shim/scxsim/kfuncs.h"

#define FX_LOG_MAX 4096

struct fx_event {
	const char *op;
	int pid;
	uint64_t arg;
	uint64_t at;
};

extern struct fx_event fx_log[FX_LOG_MAX];
extern int fx_nlog;

void fx_record(const char *op, const struct task_struct *p, uint64_t arg);
/* Index of the first event named @op for @pid at or after @from, or -1. */
int fx_find(const char *op, int pid, int from);
int fx_count(const char *op, int pid);

/* A run on @nr_cpus CPUs in one LLC (or a topology spec) with default costs. */
struct sim *fx_sim(const char *topology, uint64_t seed);
/* Tasks: a hog that exits after @work_ns of CPU work; a sleeper that alternates. */
struct sim_task *fx_hog(struct sim *sim, const char *comm, uint64_t work_ns, uint64_t start_at);
struct sim_task *fx_sleeper(struct sim *sim, const char *comm, uint64_t run_ns, uint64_t sleep_ns,
			    int loops, uint64_t start_at);
/* Attach @ops; fails the test with the error text if the attach fails. */
void fx_attach(struct sim *sim, struct sched_ext_ops *ops);
int fx_attach_err(struct sim *sim, struct sched_ext_ops *ops, char *err, size_t len);
bool fx_all_dead(const struct sim *sim);

/* The user DSQ the rule tests share, created by fx_init_user_dsq (an ops.init). */
#define FX_USER_DSQ 7
s32 fx_init_user_dsq(void);
/* A select_cpu that only picks the previous CPU, so every wakeup goes through ops.enqueue. */
s32 fx_select_prev(struct task_struct *p, s32 prev, u64 wake_flags);

#endif
