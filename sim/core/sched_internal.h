/*
 * Functions shared between the files of sim/core (not part of the simulator's public API).
 */
#ifndef SIM_CORE_SCHED_INTERNAL_H
#define SIM_CORE_SCHED_INTERNAL_H

#include "sim/core/sim.h"

void sim_sched__init_cpu(struct sim *sim, struct sim_cpu *rq, int id);
void sim_sched__schedule(struct sim *sim, struct sim_cpu *rq);
void sim_sched__arm_done(struct sim *sim, struct sim_cpu *rq);
void sim_sched__mark_runnable(struct sim *sim, struct sim_task *p, bool wakeup);
void sim_sched__check_preempt(struct sim *sim, struct sim_cpu *rq, struct sim_task *p,
			      uint64_t wake_flags, int from_cpu);
void sim_sched__change_task(struct sim *sim, struct sim_task *p, const struct sim_class *new_cls,
			    void (*change)(struct sim *sim, struct sim_task *p, void *arg), void *arg);

/* behaviour execution (exec.c) */
void sim_exec__done_fn(struct sim_loop *loop, struct sim_event *ev);
void sim_exec__timer_fn(struct sim_loop *loop, struct sim_event *ev);
void sim_task__set_nice(struct sim *sim, struct sim_task *p, int nice);

/* machine noise (noise.c): arm @rq's stream (nothing with machine.noise_hz 0) */
void sim_noise__init_cpu(struct sim *sim, struct sim_cpu *rq);
/* One interruption's length drawn from @rng through @c's measured points. */
uint64_t sim_noise__length(const struct sim_costs *c, struct sim_rng *rng);

/* @cpu's utilization now, 0..1: its busy time decayed with PELT's 32 ms half-life. */
double sim_sched__cpu_util(const struct sim *sim, int cpu);

#endif
