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

/* fair_load.c: PELT-like load, kept up to date by the queue's enqueue and dequeue */
void fair_load__enqueue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p);
void fair_load__dequeue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p);
/* @p exits or leaves the class: its load leaves its CPU. */
void fair_load__detach(struct sim *sim, struct sim_task *p);
double fair_load__cpu(const struct sim *sim, int cpu);
double fair_load__task(const struct sim *sim, const struct sim_task *p);

#endif
