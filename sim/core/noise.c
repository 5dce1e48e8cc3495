/*
 * Machine noise: interrupts, VM exits and a descheduled vCPU taking a CPU away from its task.
 *
 * With machine.noise_hz N, each CPU has its own seeded stream of interruptions (a Poisson
 * process of N a second of CPU time outside them) whose lengths follow the measured
 * distribution (machine.noise_{min,p50,p90,p99,max}_ns: the inverse of its distribution
 * function through those points, geometric in between). An interruption takes the CPU for its
 * length: the running task's work is delayed by that much and the time is charged to it, as a
 * kernel without IRQ_TIME_ACCOUNTING charges interrupt time to the task it interrupts (its
 * sum_exec_runtime). A reschedule due on the CPU meanwhile (a wakeup or a kick onto it, busy
 * or idle) waits for its end: the IPI is taken when interrupts are enabled again. On an idle
 * CPU nothing else is visible. With noise_hz 0 (the default) no event is armed, no number
 * drawn and a reschedule checks nothing (sched.c picks its plain handler): a run is the same
 * as without the keys, and costs the same. One event per interruption, no scan.
 */
#include "sim/core/sim.h"
#include "sim/core/sched_internal.h"

#include <math.h>

/* Stream ids of the per-CPU noise streams ("noise" << 16 | cpu): no other consumer's. */
#define NOISE_STREAM_BASE (0x6e6f697365ULL << 16)

/* The length of one interruption, drawn from @rng through @c's measured points. */
uint64_t sim_noise__length(const struct sim_costs *c, struct sim_rng *rng)
{
	const double u_at[5] = { 0.0, 0.5, 0.9, 0.99, 1.0 };
	double q[5] = { (double)c->noise_min_ns, (double)c->noise_p50_ns, (double)c->noise_p90_ns,
			(double)c->noise_p99_ns, (double)c->noise_max_ns };
	double u = sim_rng__unit(rng), v;
	int i;

	if (q[0] < 1.0)
		q[0] = 1.0;
	for (i = 1; i < 5; i++) /* monotone: a missing (0) point takes the one below */
		if (q[i] < q[i - 1])
			q[i] = q[i - 1];
	for (i = 1; i < 4 && u >= u_at[i]; i++)
		;
	v = q[i - 1] * pow(q[i] / q[i - 1], (u - u_at[i - 1]) / (u_at[i] - u_at[i - 1]));
	return (uint64_t)(v + 0.5);
}

static void noise_arm(struct sim *sim, struct sim_cpu *rq, uint64_t from)
{
	double gap = sim_rng__exp(&rq->noise_rng, 1e9 / (double)sim->cfg.costs.noise_hz);

	sim_loop__schedule(&sim->loop, &rq->noise_ev, from + (uint64_t)gap + 1);
}

/* A running task the CPU times (not in a blocking action): its work can be delayed. */
static bool task_timed(const struct sim_task *p)
{
	return !(p->act_valid && p->act.kind != SIM_ACT_RUN && !p->block_pending);
}

static void noise_fn(struct sim_loop *loop, struct sim_event *ev)
{
	struct sim_cpu *rq = ev->arg;
	struct sim *sim = rq->sim;
	struct sim_task *p = rq->curr;
	uint64_t len = sim_noise__length(&sim->cfg.costs, &rq->noise_rng);

	rq->noise_until = loop->now + len;
	rq->noise_ns += len;
	rq->nr_noise++;
	if (rq->online && p && task_timed(p)) {
		sim_sched__update_curr(sim, rq);
		/* overhead_left is progress: the CPU's speed turns the wall time into it */
		p->overhead_left += rq->speed == 1024 ? len : len * rq->speed / 1024;
		sim_sched__arm_done(sim, rq);
	}
	noise_arm(sim, rq, rq->noise_until);
}

void sim_noise__init_cpu(struct sim *sim, struct sim_cpu *rq)
{
	sim_event__init(&rq->noise_ev, noise_fn, rq);
	if (!sim->cfg.costs.noise_hz)
		return;
	sim_rng__seed(&rq->noise_rng, sim->cfg.seed, NOISE_STREAM_BASE | (uint64_t)rq->id);
	noise_arm(sim, rq, 0);
}
