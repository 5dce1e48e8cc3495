/*
 * Functions shared by the files of the fair-class model (not part of the simulator's API).
 */
#ifndef SIM_FAIR_FAIR_INTERNAL_H
#define SIM_FAIR_FAIR_INTERNAL_H

#include "sim/core/sim.h"
#include "sim/core/sched_internal.h"
#include "sim/fair/fair.h"

/* Balancing interval of the periodic pull, per CPU. */
#define FAIR_BALANCE_INTERVAL_NS (32ULL * 1000 * 1000)

/* fair_balance.c */
int fair__select_cpu(struct sim *sim, struct sim_task *p, int prev_cpu, uint64_t wake_flags,
		     int waker_cpu);
/* @cpu is about to run nothing: pull one waiting task from a busier CPU. */
void fair__newidle_pull(struct sim *sim, struct sim_cpu *rq);
/* Tick-time balancing on a busy CPU. */
void fair__tick_balance(struct sim *sim, struct sim_cpu *rq);
bool fair__cpu_idle(const struct sim *sim, int cpu);

#endif
