/*
 * The fair-class model: what runs when no policy is loaded, and every task after a policy
 * exits or is ejected (the kernel's fallback).
 *
 * An EEVDF model after kernel/sched/fair.c (6.6 and later), per CPU:
 *  - virtual runtime advances at 1024/weight of real time; the zero-lag point V is the
 *    weighted average of the vruntimes of the CPU's runnable tasks;
 *  - a task is eligible when its vruntime is not past V; among eligible tasks the earliest
 *    virtual deadline (vruntime + slice * 1024 / weight) runs, and a running task keeps its
 *    request until its deadline moves (the kernel's RUN_TO_PARITY);
 *  - lag (V - vruntime) is saved when a task leaves a queue and restored, scaled, when it
 *    comes back; new tasks start at V with half a slice of deadline; a task that sleeps
 *    owing CPU time (negative lag) serves the debt while asleep, as DELAY_DEQUEUE does;
 *  - base slice 0.75 ms x (1 + log2(min(CPUs, 8))), as the kernel scales it.
 * Placement follows select_task_rq_fair in outline: fork balancing to the least loaded CPU,
 * wake-affine towards the waker, then an idle core / idle CPU in the target's LLC. Balancing:
 * a CPU about to go idle pulls a waiting task from the busiest CPU, nearest domain first; a
 * busy CPU with waiting tasks pushes one to an idle CPU at its tick (nohz idle balancing);
 * both leave a cache-hot task (ran in the last 0.5 ms) until cache_nice_tries balances have
 * failed. Every 32 ms a busy CPU compares PELT-like loads (fair_load.c) with the busiest CPU
 * of each domain, nearest first, and pulls up to half the difference when the other is
 * busier (by imbalance_pct when it has tasks waiting itself), as sched_balance_rq() with
 * migrate_load does.
 * Not modelled: cgroups, NUMA balancing, SCHED_IDLE, buddies, active balancing, WA_WEIGHT,
 * group (multi-CPU) averages in the periodic balance.
 */
#ifndef SIM_FAIR_FAIR_H
#define SIM_FAIR_FAIR_H

#include <stdint.h>

#include "sim/core/class.h"

extern const struct sim_class sim_fair_class;

struct sim;
/* The base slice the model uses on @sim's machine. */
uint64_t sim_fair__base_slice(const struct sim *sim);

#endif
