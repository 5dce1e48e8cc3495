/*
 * Where fair tasks run: wakeup placement and load balancing (see fair.h for the outline).
 *
 * Distances between CPUs follow the scheduling domains: same core (SMT), same LLC, same
 * node, anywhere. Every search breaks ties by distance, then by CPU id, so runs are
 * deterministic.
 */
#include "sim/fair/fair_internal.h"

enum { DIST_SELF, DIST_CORE, DIST_LLC, DIST_NODE, DIST_FAR };

static int cpu_distance(const struct sim_topology *t, int a, int b)
{
	if (a == b)
		return DIST_SELF;
	if (t->cpu[a].core == t->cpu[b].core)
		return DIST_CORE;
	if (t->cpu[a].llc == t->cpu[b].llc)
		return DIST_LLC;
	if (t->cpu[a].node == t->cpu[b].node)
		return DIST_NODE;
	return DIST_FAR;
}

static uint32_t cpu_nr_running(const struct sim *sim, int cpu)
{
	struct sim_cpu *rq = &sim->cpus[cpu];
	uint32_t n = rq->fair.nr_running;

	if (sim->ext_class && sim->ext_class->nr_running)
		n += sim->ext_class->nr_running((struct sim *)sim, rq);
	return n;
}

/* The kernel's available_idle_cpu(): nothing running and nothing queued. */
bool fair__cpu_idle(const struct sim *sim, int cpu)
{
	return sim->cpus[cpu].online && !sim->cpus[cpu].curr && cpu_nr_running(sim, cpu) == 0;
}

static bool allowed(const struct sim *sim, const struct sim_task *p, int cpu)
{
	return sim->cpus[cpu].online && cpumask__test(p->ts.cpus_ptr, cpu);
}

#define WORD_BITS (8 * (int)sizeof(unsigned long))

/* First CPU in [from, to) set in all three masks, or -1: a word at a time. */
static int first_in_all(const struct cpumask *a, const struct cpumask *b, const struct cpumask *c,
			int from, int to)
{
	for (int w = from / WORD_BITS; from < to && w * WORD_BITS < to; w++) {
		unsigned long bits = a->bits[w] & b->bits[w] & c->bits[w];
		int cpu;

		if (w == from / WORD_BITS)
			bits &= ~0UL << (from % WORD_BITS);
		if (!bits)
			continue;
		cpu = w * WORD_BITS + __builtin_ctzl(bits);
		return cpu < to ? cpu : -1;
	}
	return -1;
}

static const struct cpumask *llc_of(const struct sim *sim, int cpu)
{
	return &sim->topo.llc_mask[sim->topo.cpu[cpu].llc];
}

/*
 * Idle searches visit only CPUs without a current task (sim->curr_none), in the order the
 * scan over every CPU would: fair__cpu_idle() is false for all the others.
 */

/* Is @cpu (which has no current task) idle in the fair__cpu_idle() sense? */
static bool nothing_queued(const struct sim *sim, int cpu)
{
	return sim->cpus[cpu].online && cpu_nr_running(sim, cpu) == 0;
}

/* Is the core whose first thread is @cpu idle? Its first allowed thread, or -1. */
static int idle_core_first_allowed(struct sim *sim, struct sim_task *p, int cpu)
{
	const struct sim_topology *t = &sim->topo;
	int sib, first = -1;

	cpumask__for_each(sib, &t->core_mask[t->cpu[cpu].core], sim->nr_cpus) {
		if (!fair__cpu_idle(sim, sib))
			return -1;
		if (first < 0 && allowed(sim, p, sib))
			first = sib;
	}
	return first;
}

/* An idle core (every SMT sibling idle) in @target's LLC, scanning from @target's core. */
static int select_idle_core(struct sim *sim, struct sim_task *p, int target)
{
	const struct sim_topology *t = &sim->topo;
	const struct cpumask *llc = &t->llc_mask[t->cpu[target].llc];
	int n = sim->nr_cpus, seg[2][2] = { { target, n }, { 0, target } };

	for (int s = 0; s < 2; s++) {
		for (int cpu = first_in_all(llc, &sim->curr_none, llc, seg[s][0], seg[s][1]); cpu >= 0;
		     cpu = first_in_all(llc, &sim->curr_none, llc, cpu + 1, seg[s][1])) {
			int first;

			if (t->cpu[cpu].smt_index != 0)
				continue;
			first = idle_core_first_allowed(sim, p, cpu);
			if (first >= 0)
				return first;
		}
	}
	return -1;
}

/* Any idle CPU in @target's LLC, scanning from the one after @target. */
static int select_idle_cpu(struct sim *sim, struct sim_task *p, int target)
{
	const struct sim_topology *t = &sim->topo;
	const struct cpumask *llc = &t->llc_mask[t->cpu[target].llc];
	int n = sim->nr_cpus, seg[2][2] = { { target + 1, n }, { 0, target + 1 } };

	for (int s = 0; s < 2; s++) {
		for (int cpu = first_in_all(llc, p->ts.cpus_ptr, &sim->curr_none, seg[s][0], seg[s][1]);
		     cpu >= 0;
		     cpu = first_in_all(llc, p->ts.cpus_ptr, &sim->curr_none, cpu + 1, seg[s][1]))
			if (nothing_queued(sim, cpu))
				return cpu;
	}
	return -1;
}

/*
 * SIS_UTIL: how many CPUs of @target's LLC a wakeup may scan for an idle one. The kernel
 * scans fewer as the LLC's utilization x grows, llc_weight x (1 - (x x 1.17)^2) rounded down
 * to whole CPUs, and none from 85 % on (117 is the LLC domain's imbalance_pct): a busy machine
 * keeps woken tasks on their CPU instead of chasing the CPU that happens to be idle at that
 * instant. On 2 CPUs the budget is 0 above 60.4 %.
 */
static int idle_scan_budget(struct sim *sim, int target)
{
	const struct sim_topology *t = &sim->topo;
	const struct cpumask *llc = &t->llc_mask[t->cpu[target].llc];
	double sum = 0, x, y;
	int cpu, weight = 0;

	cpumask__for_each(cpu, llc, sim->nr_cpus) {
		sum += sim_sched__cpu_util(sim, cpu);
		weight++;
	}
	if (!weight)
		return 0;
	x = sum / weight * 1.17;
	y = 1.0 - x * x;
	return y > 0 ? (int)(weight * y) : 0; /* whole CPUs: the kernel's integer division */
}

/* The kernel's select_idle_sibling(), without the recent-CPU and capacity heuristics. */
static int select_idle_sibling(struct sim *sim, struct sim_task *p, int prev, int target)
{
	int cpu;

	if (allowed(sim, p, target) && fair__cpu_idle(sim, target))
		return target;
	if (prev != target && sim_topology__same_llc(&sim->topo, prev, target) &&
	    allowed(sim, p, prev) && fair__cpu_idle(sim, prev))
		return prev;
	/*
	 * Both scans visit only CPUs of the LLC without a current task: with none (a saturated
	 * machine) they find nothing, so the budget (a utilization sum over the LLC) is not needed.
	 */
	if (first_in_all(llc_of(sim, target), &sim->curr_none, llc_of(sim, target), 0, sim->nr_cpus) < 0)
		return target;
	if (!idle_scan_budget(sim, target))
		return target;
	if (sim->topo.threads_per_core > 1) {
		cpu = select_idle_core(sim, p, target);
		if (cpu >= 0)
			return cpu;
	}
	cpu = select_idle_cpu(sim, p, target);
	return cpu >= 0 ? cpu : target;
}

/* wake_affine_idle(): pull the wakee next to its waker when that is cheap. */
static int wake_affine(struct sim *sim, int waker, int prev, bool sync)
{
	if (fair__cpu_idle(sim, waker) && sim_topology__same_llc(&sim->topo, waker, prev))
		return fair__cpu_idle(sim, prev) ? prev : waker;
	if (sync && cpu_nr_running(sim, waker) == 1)
		return waker;
	return prev;
}

/* Fork and exec balancing: the least loaded allowed CPU, nearest first. */
static int find_idlest_cpu(struct sim *sim, struct sim_task *p, int prev)
{
	int best = -1, best_dist = 0;
	uint32_t best_nr = 0;

	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		uint32_t nr;
		int dist;

		if (!allowed(sim, p, cpu))
			continue;
		nr = cpu_nr_running(sim, cpu) + (sim->cpus[cpu].curr ? 1 : 0);
		dist = cpu_distance(&sim->topo, prev, cpu);
		if (best < 0 || nr < best_nr || (nr == best_nr && dist < best_dist)) {
			best = cpu;
			best_nr = nr;
			best_dist = dist;
		}
	}
	return best >= 0 ? best : prev;
}

int fair__select_cpu(struct sim *sim, struct sim_task *p, int prev_cpu, uint64_t wake_flags,
		     int waker_cpu)
{
	int target = prev_cpu;

	if (wake_flags & SIM_WF_FORK)
		return find_idlest_cpu(sim, p, waker_cpu >= 0 ? waker_cpu : prev_cpu);
	if (waker_cpu >= 0 && waker_cpu != prev_cpu && allowed(sim, p, waker_cpu) &&
	    sim->topo.cpu[waker_cpu].node == sim->topo.cpu[prev_cpu].node)
		target = wake_affine(sim, waker_cpu, prev_cpu, wake_flags & SIM_WF_SYNC);
	return select_idle_sibling(sim, p, prev_cpu, target);
}

/* sysctl_sched_nr_migrate: the most tasks one balance looks at */
#define BALANCE_NR_MIGRATE 32
/* sysctl_sched_migration_cost: a task that ran this recently is cache-hot */
#define BALANCE_MIGRATION_COST_NS 500000ULL
/* the LLC domain's cache_nice_tries: failed balances before hot tasks may move */
#define BALANCE_CACHE_NICE_TRIES 1

/*
 * Is @a nearer the tail of rq->cfs_tasks than @b: queued or picked less recently (ties: lower
 * id)? The kernel adds a task at the head when it is enqueued (account_entity_enqueue(), a
 * wakeup or a migration) and moves it there when it is picked (set_next_task_fair()).
 */
static bool listed_before(const struct sim_task *a, const struct sim_task *b)
{
	return a->fair.listed_at != b->fair.listed_at ? a->fair.listed_at < b->fair.listed_at : a->id < b->id;
}

/* task_hot(): ran within the migration cost (SMT siblings share the cache: never hot). */
static bool task_hot(struct sim *sim, const struct sim_task *p, int level)
{
	return level != DIST_CORE && sim__now(sim) - p->fair.ran_at < BALANCE_MIGRATION_COST_NS;
}

/*
 * Whether a balance from @dst may move a cache-hot task: once it has failed more than
 * cache_nice_tries times (can_migrate_task()).
 */
static bool may_move_hot(const struct sim *sim, int dst)
{
	return sim->cpus[dst].fair.balance_failed > BALANCE_CACHE_NICE_TRIES;
}

/*
 * The waiting task of @src that @dst should take: the one nearest the tail of rq->cfs_tasks
 * allowed on @dst (detach_tasks() walks it from there, whatever the deadlines), and
 * (@hot_check) not cache-hot unless @dst's balance may move hot tasks.
 */
static struct sim_task *detachable_task(struct sim *sim, int src, int dst, bool hot_check)
{
	int level = cpu_distance(&sim->topo, src, dst);
	struct sim_task *best = NULL;

	if (hot_check && may_move_hot(sim, dst))
		hot_check = false;
	for (struct sim_task *it = sim->cpus[src].fair.head; it; it = it->fair.q_next)
		if (allowed(sim, it, dst) && !(hot_check && task_hot(sim, it, level)) &&
		    (!best || listed_before(it, best)))
			best = it;
	return best;
}

static void migrate_waiting(struct sim *sim, struct sim_task *p, int dst, int from_cpu)
{
	sim_sched__set_task_cpu(sim, p, dst);
	sim_sched__check_preempt(sim, &sim->cpus[dst], p, 0, from_cpu);
}

/*
 * The CPU with the most fair tasks that has one waiting for @dst, nearest domain first. The
 * CPUs that could qualify (a waiting task, enough load, busy) are listed in one pass first, so
 * a machine with nothing to pull costs one cheap pass instead of one per domain level.
 */
static int find_busiest(struct sim *sim, int dst, uint32_t min_nr, struct sim_task **task)
{
	int cand[NR_CPUS], nr_cand = 0;

	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		struct sim_cpu *rq = &sim->cpus[cpu];
		/* a CPU that is idle will run its queued task itself */
		if (rq->fair.head && rq->fair.nr_running >= min_nr && rq->curr)
			cand[nr_cand++] = cpu;
	}
	for (int level = DIST_CORE; level <= DIST_FAR && nr_cand; level++) {
		int best = -1;
		uint32_t best_nr = 0;
		struct sim_task *best_task = NULL;

		for (int i = 0; i < nr_cand; i++) {
			int cpu = cand[i];
			struct sim_cpu *rq = &sim->cpus[cpu];
			struct sim_task *p;

			if (cpu_distance(&sim->topo, dst, cpu) != level || rq->fair.nr_running <= best_nr)
				continue;
			p = detachable_task(sim, cpu, dst, true);
			if (!p)
				continue;
			best = cpu;
			best_nr = rq->fair.nr_running;
			best_task = p;
		}
		if (best >= 0) {
			*task = best_task;
			return best;
		}
	}
	return -1;
}

void fair__newidle_pull(struct sim *sim, struct sim_cpu *rq)
{
	struct sim_task *p = NULL;
	int src = find_busiest(sim, rq->id, 2, &p);

	if (src < 0)
		return;
	migrate_waiting(sim, p, rq->id, rq->id);
	/* a balance that moved a task forgets the failures (sched_balance_rq(), newly idle too) */
	rq->fair.balance_failed = 0;
}

/*
 * nohz idle balancing: a waiting task goes to an idle CPU, nearest first (ties: lowest id),
 * unless it is cache-hot: then the idle CPU's balance fails, and after cache_nice_tries
 * failures a hot task may move too (an idle balance counts its failures, as the periodic one).
 * The idle CPUs are listed once, so a busy machine costs one pass over the CPUs per tick
 * rather than one per waiting task.
 */
static void push_to_idle(struct sim *sim, struct sim_cpu *rq)
{
	int best = -1, best_dist = DIST_FAR + 1, nr_idle = 0;
	int idle[NR_CPUS];
	bool hot_stayed[NR_CPUS];
	struct sim_task *p = NULL;

	for (int cpu = 0; cpu < sim->nr_cpus; cpu++)
		if (cpu != rq->id && fair__cpu_idle(sim, cpu)) {
			hot_stayed[nr_idle] = false;
			idle[nr_idle++] = cpu;
		}
	if (!nr_idle)
		return;
	for (struct sim_task *it = rq->fair.head; it && best < 0; it = it->fair.q_next) {
		for (int i = 0; i < nr_idle; i++) {
			int cpu = idle[i], dist = cpu_distance(&sim->topo, rq->id, cpu);
			if (dist >= best_dist || !allowed(sim, it, cpu))
				continue;
			if (!may_move_hot(sim, cpu) && task_hot(sim, it, dist)) {
				hot_stayed[i] = true;
				continue;
			}
			best = cpu;
			best_dist = dist;
			p = it;
		}
	}
	if (best >= 0) {
		sim->cpus[best].fair.balance_failed = 0;
		migrate_waiting(sim, p, best, rq->id);
		return;
	}
	for (int i = 0; i < nr_idle; i++)
		if (hot_stayed[i])
			sim->cpus[idle[i]].fair.balance_failed++;
}

/*
 * The domain's imbalance_pct: how much busier (in load) the busiest CPU must be than an
 * overloaded local one before the periodic balance moves anything (sd_init(): 110 between SMT
 * siblings, 117 above).
 */
static unsigned imbalance_pct(int level)
{
	return level == DIST_CORE ? 110 : 117;
}

/*
 * For each domain level from @dst, the busiest CPU (by load) with a task waiting that @dst
 * may take, or -1: one pass over the CPUs for all levels.
 */
static void busiest_by_load(struct sim *sim, int dst, int best[DIST_FAR + 1], double load[DIST_FAR + 1])
{
	for (int level = 0; level <= DIST_FAR; level++)
		best[level] = -1;
	for (int cpu = 0; cpu < sim->nr_cpus; cpu++) {
		struct sim_cpu *rq = &sim->cpus[cpu];
		int level;
		double l;

		if (cpu == dst || !rq->curr || !rq->fair.head || rq->fair.nr_running < 2)
			continue;
		level = cpu_distance(&sim->topo, dst, cpu);
		l = fair_load__cpu(sim, cpu);
		if ((best[level] < 0 || l > load[level]) && detachable_task(sim, cpu, dst, false)) {
			best[level] = cpu;
			load[level] = l;
		}
	}
}

/*
 * The waiting tasks of @rq that a balance looks at, least recently queued or picked first,
 * as the kernel walks rq->cfs_tasks from its tail: at most @max.
 */
static int oldest_waiting(struct sim_cpu *rq, struct sim_task **out, int max)
{
	int n = 0;

	for (struct sim_task *it = rq->fair.head; it; it = it->fair.q_next) {
		int i;

		if (n == max && !listed_before(it, out[n - 1]))
			continue;
		i = n < max ? n++ : max - 1;
		for (; i > 0 && listed_before(it, out[i - 1]); i--)
			out[i] = out[i - 1];
		out[i] = it;
	}
	return n;
}

/*
 * Move waiting tasks of @src to @dst until @imbalance (load) is covered, as detach_tasks()
 * does for migrate_load: the least recently queued or picked first, at most nr_migrate looked
 * at; a task @dst may not run, a cache-hot one (until cache_nice_tries balances failed) and
 * one whose load (halved for each balance that failed before) exceeds what is left stay. How
 * many moved, or -1 when no task looked at may run on @dst (LBF_ALL_PINNED).
 */
static int detach_by_load(struct sim *sim, int src, struct sim_cpu *dst, int level, double imbalance)
{
	struct sim_cpu *srq = &sim->cpus[src];
	uint32_t failed = dst->fair.balance_failed < 16 ? dst->fair.balance_failed : 16;
	struct sim_task *seen[BALANCE_NR_MIGRATE];
	int n = oldest_waiting(srq, seen, BALANCE_NR_MIGRATE), moved = 0;
	bool all_pinned = true;

	if (n > (int)srq->fair.nr_running)
		n = (int)srq->fair.nr_running;
	for (int i = 0; i < n && imbalance > 0 && srq->fair.nr_running > 1; i++) {
		struct sim_task *p = seen[i];
		double load = fair_load__task(sim, p);

		if (!allowed(sim, p, dst->id))
			continue;
		all_pinned = false;
		if (failed <= BALANCE_CACHE_NICE_TRIES && task_hot(sim, p, level))
			continue;
		if (load < 1)
			load = 1;
		if (load / (double)(1u << failed) > imbalance)
			continue;
		imbalance -= load;
		migrate_waiting(sim, p, dst->id, dst->id);
		moved++;
	}
	return all_pinned ? -1 : moved;
}

/*
 * The periodic balance of a busy CPU (sched_balance_rq() with migrate_load; both CPUs are
 * busy, since idle CPUs are served by push_to_idle and the newly-idle pull): nearest domain
 * first, the busiest CPU by PELT load; nothing moves unless it is busier than this CPU (by
 * imbalance_pct when this CPU has tasks waiting too), and then half the difference moves.
 * Instantaneous task counts would move a task at every sample where a ping-pong pair's
 * halves happen to be runnable together; the load averages see the pair's mean.
 */
static void balance_load(struct sim *sim, struct sim_cpu *rq)
{
	double local = fair_load__cpu(sim, rq->id), load[DIST_FAR + 1];
	int best[DIST_FAR + 1];

	busiest_by_load(sim, rq->id, best, load);
	for (int level = DIST_CORE; level <= DIST_FAR; level++) {
		int moved, src = best[level];

		if (src < 0)
			continue;
		if (load[level] <= local)
			return;
		if (rq->fair.nr_running >= 2 && 100.0 * load[level] <= imbalance_pct(level) * local)
			return;
		moved = detach_by_load(sim, src, rq, level, (load[level] - local) / 2);
		/* moved -1, all pinned: the kernel forgets the failures (out_all_pinned) */
		rq->fair.balance_failed = moved ? 0 : rq->fair.balance_failed + 1;
		return;
	}
}

void fair__tick_balance(struct sim *sim, struct sim_cpu *rq)
{
	uint64_t now = sim__now(sim);

	if (rq->fair.nr_running >= 2 && rq->fair.head)
		push_to_idle(sim, rq);
	if (now < rq->fair.next_balance)
		return;
	rq->fair.next_balance = now + FAIR_BALANCE_INTERVAL_NS;
	balance_load(sim, rq);
}
