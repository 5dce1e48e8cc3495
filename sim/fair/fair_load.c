/*
 * Load tracking for the fair model's balancer, after the kernel's PELT (kernel/sched/pelt.c):
 * a task's load is its weight times the fraction of recent time it was runnable (queued or
 * running), decayed with a 32 ms half-life; a CPU's load is the sum over the tasks attached
 * to it, including the blocked ones' decaying part, as cfs_rq->avg.load_avg. A task's load
 * moves with it when it migrates and leaves when it exits or changes class.
 *
 * All loads decay at the same rate, so a CPU's sum is kept as one figure that decays towards
 * the weight of its runnable tasks (fair_rq.load) instead of a sum over its tasks: the same
 * value in O(1). Continuous decay instead of the kernel's 1024 us periods.
 */
#include "sim/fair/fair_internal.h"

#include <math.h>

#define LOAD_HALF_LIFE_NS 32000000.0

/* How much of a load from @since is left at @now. */
static double decay(uint64_t since, uint64_t now)
{
	return now > since ? exp2(-(double)(now - since) / LOAD_HALF_LIFE_NS) : 1.0;
}

/* Bring @rq's sum up to now, before its runnable weight changes. */
static void rq_update(struct sim *sim, struct fair_rq *rq)
{
	uint64_t now = sim__now(sim);
	double keep = decay(rq->load_at, now);

	rq->load_avg = rq->load_avg * keep + (double)rq->load * (1.0 - keep);
	rq->load_at = now;
}

/* Bring @se's load up to now, before it becomes runnable or stops being so. */
static void task_update(struct sim *sim, struct fair_entity *se)
{
	uint64_t now = sim__now(sim);
	double keep = decay(se->load_at, now);

	se->load_avg = se->load_avg * keep + (se->on_rq ? (double)se->weight : 0.0) * (1.0 - keep);
	se->load_at = now;
}

static void detach(struct sim *sim, struct sim_task *p)
{
	struct fair_rq *rq = &sim->cpus[p->fair.load_cpu].fair;

	rq_update(sim, rq);
	rq->load_avg -= p->fair.load_avg;
	if (rq->load_avg < 0)
		rq->load_avg = 0;
	p->fair.load_attached = false;
}

void fair_load__enqueue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p)
{
	struct fair_rq *rq = &cpu->fair;

	task_update(sim, &p->fair);
	if (p->fair.load_attached && p->fair.load_cpu != cpu->id)
		detach(sim, p);
	rq_update(sim, rq);
	if (!p->fair.load_attached) {
		rq->load_avg += p->fair.load_avg;
		p->fair.load_cpu = cpu->id;
		p->fair.load_attached = true;
	}
}

void fair_load__dequeue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p)
{
	task_update(sim, &p->fair);
	rq_update(sim, &cpu->fair);
}

void fair_load__detach(struct sim *sim, struct sim_task *p)
{
	task_update(sim, &p->fair);
	if (p->fair.load_attached)
		detach(sim, p);
}

double fair_load__cpu(const struct sim *sim, int cpu)
{
	const struct fair_rq *rq = &sim->cpus[cpu].fair;
	double keep = decay(rq->load_at, sim__now(sim));

	return rq->load_avg * keep + (double)rq->load * (1.0 - keep);
}

double fair_load__task(const struct sim *sim, const struct sim_task *p)
{
	const struct fair_entity *se = &p->fair;
	double keep = decay(se->load_at, sim__now(sim));

	return se->load_avg * keep + (se->on_rq ? (double)se->weight : 0.0) * (1.0 - keep);
}
