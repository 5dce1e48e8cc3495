/*
 * The fair class's per-CPU EEVDF queue and its sim_class operations (see fair.h for the model).
 *
 * Each CPU keeps its waiting tasks in a list sorted by virtual deadline; the running task is
 * outside the list but counted in the load and in the zero-lag point. The list is the
 * queue's order of record; a treap over the same tasks (sim/engine/treap.h) finds where an
 * insert goes, as queues reach hundreds of tasks per CPU at 100,000 tasks.
 */
#include "sim/fair/fair_internal.h"

#include <limits.h>

static uint64_t calc_delta_fair(uint64_t delta, uint64_t weight)
{
	if (weight == 1024 || weight == 0)
		return delta;
	return (uint64_t)((unsigned __int128)delta * 1024 / weight);
}

uint64_t sim_fair__base_slice(const struct sim *sim)
{
	int n = sim->nr_cpus < 8 ? sim->nr_cpus : 8, lg = 0;

	while ((1 << (lg + 1)) <= n)
		lg++;
	return 750000ULL * (uint64_t)(1 + lg);
}

/*
 * vruntime is a u64 that wraps, as in the kernel: only differences are meaningful. The
 * queue's sums are kept relative to a base (the kernel's zero_vruntime, here min_vruntime):
 * key = (s64)(vruntime - base), so a task placed before the base with positive lag has a
 * small negative key instead of an unsigned value near 2^64.
 */
static int64_t entity_key(const struct fair_rq *rq, const struct fair_entity *se)
{
	return (int64_t)(se->vruntime - rq->min_vruntime);
}

static uint64_t avg_vruntime(const struct fair_rq *rq)
{
	if (!rq->load)
		return rq->min_vruntime;
	return rq->min_vruntime + (uint64_t)(int64_t)(rq->wsum_vruntime / (__int128)rq->load);
}

static bool entity_eligible(const struct fair_rq *rq, const struct fair_entity *se)
{
	if (!rq->load)
		return true;
	return (__int128)entity_key(rq, se) * (__int128)rq->load <= rq->wsum_vruntime;
}

/* Move the base forward to the zero-lag point (never back); the keys shift with it. */
static void update_min_vruntime(struct fair_rq *rq)
{
	uint64_t v;
	int64_t d;

	if (!rq->load)
		return;
	v = avg_vruntime(rq);
	d = (int64_t)(v - rq->min_vruntime);
	if (d > 0) {
		rq->min_vruntime = v;
		rq->wsum_vruntime -= (__int128)rq->load * d;
	}
}

static void account_add(struct fair_rq *rq, struct fair_entity *se)
{
	se->on_rq = true;
	rq->nr_running++;
	rq->load += se->weight;
	rq->wsum_vruntime += (__int128)se->weight * entity_key(rq, se);
}

static void account_sub(struct fair_rq *rq, struct fair_entity *se)
{
	se->on_rq = false;
	rq->nr_running--;
	rq->load -= se->weight;
	rq->wsum_vruntime -= (__int128)se->weight * entity_key(rq, se);
}

static void queue_insert(struct fair_rq *rq, struct sim_task *p)
{
	/*
	 * After every task with the same or an earlier deadline: FIFO among equals. The index
	 * finds that place in O(log n); a woken task with lag lands anywhere in a long queue.
	 */
	struct sim_treap_node *pn = sim_treap__insert(&rq->index, &p->fair.q_node, &p->fair.deadline);
	struct sim_task *prev = sim_treap__entry(pn, struct sim_task, fair.q_node);
	struct sim_task *it = prev ? prev->fair.q_next : rq->head;

	p->fair.q_prev = prev;
	p->fair.q_next = it;
	if (prev)
		prev->fair.q_next = p;
	else
		rq->head = p;
	if (it)
		it->fair.q_prev = p;
	else
		rq->tail = p;
	p->fair.queued = true;
}

static void queue_remove(struct fair_rq *rq, struct sim_task *p)
{
	if (p->fair.q_prev)
		p->fair.q_prev->fair.q_next = p->fair.q_next;
	else
		rq->head = p->fair.q_next;
	if (p->fair.q_next)
		p->fair.q_next->fair.q_prev = p->fair.q_prev;
	else
		rq->tail = p->fair.q_prev;
	p->fair.q_prev = p->fair.q_next = NULL;
	sim_treap__remove(&rq->index, &p->fair.q_node);
	p->fair.queued = false;
}

/* Where a task joining @rq starts: V minus its saved lag, scaled for its own weight. */
static void place_entity(struct fair_rq *rq, struct fair_entity *se)
{
	uint64_t V = avg_vruntime(rq), vslice;
	int64_t lag = 0;

	if (rq->nr_running && rq->load) {
		lag = se->vlag;
		lag = (int64_t)((__int128)lag * (__int128)(rq->load + se->weight) / (__int128)rq->load);
	}
	se->vruntime = V - (uint64_t)lag;
	vslice = calc_delta_fair(se->slice, se->weight);
	if (se->initial)
		vslice /= 2;
	se->initial = false;
	se->deadline = se->vruntime + vslice;
}

/* Remember how far behind (or ahead of) the zero-lag point a leaving task is. */
static void save_lag(struct fair_rq *rq, struct fair_entity *se)
{
	uint64_t span = 2 * se->slice > SIM_TICK_NS ? 2 * se->slice : SIM_TICK_NS;
	int64_t limit = (int64_t)calc_delta_fair(span, se->weight);
	int64_t lag = (int64_t)(avg_vruntime(rq) - se->vruntime);

	if (lag > limit)
		lag = limit;
	if (lag < -limit)
		lag = -limit;
	se->vlag = lag;
}

/* The kernel's pick_eevdf(): earliest eligible deadline; a protected current keeps the CPU. */
static struct sim_task *pick_eevdf(struct fair_rq *rq, struct sim_task *curr)
{
	struct sim_task *best = NULL, *running = curr && curr->fair.on_rq ? curr : NULL;

	if (curr && (!curr->fair.on_rq || !entity_eligible(rq, &curr->fair)))
		curr = NULL;
	if (curr && curr->fair.deadline == curr->fair.vprot)
		return curr;
	for (struct sim_task *it = rq->head; it; it = it->fair.q_next) {
		if (entity_eligible(rq, &it->fair)) {
			best = it;
			break;
		}
	}
	if (curr && (!best || (int64_t)(curr->fair.deadline - best->fair.deadline) < 0))
		best = curr;
	if (!best) /* no eligible task: rounding at the zero-lag point */
		best = rq->head ? rq->head : running;
	return best;
}

/*
 * The kernel (6.12+, DELAY_DEQUEUE) keeps a task that sleeps while owing CPU time on its
 * queue until the debt is served, and then forgets the lag. Modelled at wakeup: the debt
 * shrinks by what the zero-lag point advanced meanwhile (1024/W per ns with W the load
 * left behind; all of it if nothing else was runnable).
 */
static void serve_sleep_debt(struct sim *sim, struct fair_entity *se)
{
	uint64_t slept;

	if (!se->slept_at || se->vlag >= 0)
		return;
	slept = sim__now(sim) - se->slept_at;
	se->slept_at = 0;
	if (!se->slept_load) {
		se->vlag = 0;
		return;
	}
	uint64_t served = (uint64_t)((unsigned __int128)slept * 1024 / se->slept_load);
	se->vlag = served >= (uint64_t)-se->vlag ? 0 : se->vlag + (int64_t)served;
}

static void fair_enqueue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p, uint64_t flags)
{
	struct fair_rq *rq = &cpu->fair;

	if (p->fair.on_rq)
		return;
	if (flags & SIM_ENQ_WAKEUP)
		serve_sleep_debt(sim, &p->fair);
	fair_load__enqueue(sim, cpu, p);
	p->fair.listed_at = sim__now(sim);
	place_entity(rq, &p->fair);
	account_add(rq, &p->fair);
	if (rq->curr != p)
		queue_insert(rq, p);
	update_min_vruntime(rq);
}

static void fair_dequeue(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p, uint64_t flags)
{
	struct fair_rq *rq = &cpu->fair;

	if (!p->fair.on_rq)
		return;
	save_lag(rq, &p->fair);
	fair_load__dequeue(sim, cpu, p);
	account_sub(rq, &p->fair);
	p->fair.slept_at = 0;
	if ((flags & SIM_DEQ_SLEEP) && p->fair.vlag < 0) {
		p->fair.slept_at = sim__now(sim);
		p->fair.slept_load = rq->load;
	}
	if (p->fair.queued)
		queue_remove(rq, p);
	update_min_vruntime(rq);
}

static struct sim_task *fair_pick_next(struct sim *sim, struct sim_cpu *cpu, struct sim_task *prev)
{
	struct fair_rq *rq = &cpu->fair;
	struct sim_task *curr = rq->curr == prev ? prev : NULL;

	if (!rq->nr_running && (!prev || prev->cls == sim->fair_class))
		fair__newidle_pull(sim, cpu);
	if (!rq->nr_running)
		return NULL;
	return pick_eevdf(rq, curr);
}

static void fair_put_prev(struct sim *sim, struct sim_cpu *cpu, struct sim_task *prev,
			  struct sim_task *next)
{
	struct fair_rq *rq = &cpu->fair;

	if (rq->curr == prev)
		rq->curr = NULL;
	prev->fair.ran_at = sim__now(sim);
	if (prev->fair.on_rq && !prev->fair.queued)
		queue_insert(rq, prev);
}

static void fair_set_next(struct sim *sim, struct sim_cpu *cpu, struct sim_task *next)
{
	struct fair_rq *rq = &cpu->fair;

	if (next->fair.queued)
		queue_remove(rq, next);
	rq->curr = next;
	next->fair.vprot = next->fair.deadline;
	next->fair.listed_at = sim__now(sim);
}

static void fair_update_curr(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr,
			     uint64_t delta)
{
	struct fair_rq *rq = &cpu->fair;
	struct fair_entity *se = &curr->fair;
	uint64_t dv = calc_delta_fair(delta, se->weight);

	se->vruntime += dv;
	if (se->on_rq)
		rq->wsum_vruntime += (__int128)se->weight * dv;
	curr->ts.se.vruntime = se->vruntime;
	update_min_vruntime(rq);
	/* a request served is noticed at kernel events only (a CPU hog's: at the tick) */
	if (!sim->in_user && (int64_t)(se->vruntime - se->deadline) >= 0) {
		/* request served: a new one, and the CPU is contested again */
		se->deadline = se->vruntime + calc_delta_fair(se->slice, se->weight);
		if (rq->nr_running > 1)
			sim_sched__resched_remote(sim, cpu->id, cpu->id);
	}
	curr->ts.se.deadline = se->deadline;
}

static void fair_wakeup_preempt(struct sim *sim, struct sim_cpu *cpu, struct sim_task *p,
				uint64_t wake_flags)
{
	struct fair_rq *rq = &cpu->fair;

	if (!rq->curr || rq->curr == p)
		return;
	if (pick_eevdf(rq, rq->curr) == p)
		sim_sched__resched(sim, cpu->id);
}

static void fair_tick(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr)
{
	fair__tick_balance(sim, cpu);
}

/* Linux 6.17 made a yield forfeit the rest of the request's vruntime (6.12 moved the deadline only). */
#define FAIR_YIELD_FORFEIT_VERSION ((6 << 16) | (17 << 8))

static void fair_yield(struct sim *sim, struct sim_cpu *cpu, struct sim_task *curr)
{
	struct fair_rq *rq = &cpu->fair;
	struct fair_entity *se = &curr->fair;

	if (rq->nr_running <= 1)
		return;
	if (sim->cfg.kernel_version < FAIR_YIELD_FORFEIT_VERSION) {
		/* give up the rest of the request: the deadline moves one slice on */
		se->deadline += calc_delta_fair(se->slice, se->weight);
		return;
	}
	/* 6.17+: an eligible task also forfeits its vruntime up to the deadline */
	if (entity_eligible(rq, se)) {
		int64_t d = (int64_t)(se->deadline - se->vruntime);

		se->vruntime = se->deadline;
		if (se->on_rq)
			rq->wsum_vruntime += (__int128)se->weight * d;
		se->deadline += calc_delta_fair(se->slice, se->weight);
		update_min_vruntime(rq);
		curr->ts.se.vruntime = se->vruntime;
	}
	curr->ts.se.deadline = se->deadline;
}

static uint32_t fair_nr_running(struct sim *sim, struct sim_cpu *cpu)
{
	return cpu->fair.nr_running;
}

static void fair_task_changed(struct sim *sim, struct sim_task *p)
{
	struct fair_entity *se = &p->fair;
	uint64_t w = sim_sched__nice_to_weight(p->nice);

	if (w != se->weight && se->weight)
		se->vlag = (int64_t)((__int128)se->vlag * (__int128)se->weight / (__int128)w);
	se->weight = w;
}

static void fair_task_attach(struct sim *sim, struct sim_task *p, bool fork)
{
	struct fair_entity *se = &p->fair;

	se->weight = sim_sched__nice_to_weight(p->nice);
	se->slice = sim_fair__base_slice(sim);
	se->vlag = 0;
	se->initial = fork;
	/* a new task starts with its whole weight as load, as init_entity_runnable_average() */
	se->load_avg = (double)se->weight;
	se->load_at = sim__now(sim);
	p->ts.se.slice = se->slice;
}

static void fair_task_detach(struct sim *sim, struct sim_task *p)
{
	fair_load__detach(sim, p);
}

const struct sim_class sim_fair_class = {
	.name = "fair",
	.select_cpu = fair__select_cpu,
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.wakeup_preempt = fair_wakeup_preempt,
	.pick_next = fair_pick_next,
	.put_prev = fair_put_prev,
	.set_next = fair_set_next,
	.tick = fair_tick,
	.update_curr = fair_update_curr,
	.yield = fair_yield,
	.nr_running = fair_nr_running,
	.task_changed = fair_task_changed,
	.task_attach = fair_task_attach,
	.task_detach = fair_task_detach,
};
