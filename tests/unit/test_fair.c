/*
 * The fair-class model: weighted sharing of one CPU, wakeup preemption of a hog by a
 * sleeper, fork spreading and load balancing across CPUs.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "sim/core/sim.h"
#include "sim/fair/fair.h"
#include "pair_step.h"

#define MS 1000000ULL

static struct sim *new_sim(const char *topology)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[256];
	struct sim *sim;

	cr_assert_eq(sim_topology__parse(&topo, topology, err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	cr_assert_not_null(sim);
	sim__set_current(sim);
	return sim;
}

/* Runs forever in 1 ms pieces. */
static void hog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	act->kind = SIM_ACT_RUN;
	act->ns = MS;
}

static const struct sim_behaviour_ops hog_ops = { .name = "hog", .next = hog_next };

struct sleeper { int step; };

/* 100 us of work, then 5 ms asleep, forever. */
static void sleeper_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct sleeper *s = t->beh_state;

	act->kind = s->step++ % 2 ? SIM_ACT_SLEEP : SIM_ACT_RUN;
	act->ns = act->kind == SIM_ACT_RUN ? 100000 : 5 * MS;
}

static const struct sim_behaviour_ops sleeper_ops = { .name = "sleeper", .next = sleeper_next, .free = free };

static struct sim_task *hog(struct sim *sim, int nice)
{
	return sim__add_task(sim, "hog", nice, &hog_ops, NULL, 0);
}

Test(fair, equal_nice_hogs_share_a_cpu_equally)
{
	struct sim *sim = new_sim("1x1x1x1");
	struct sim_task *a = hog(sim, 0), *b = hog(sim, 0);

	cr_assert_eq(sim__run_until(sim, 1000 * MS), 0);
	double share = (double)a->stats.cpu_ns / (double)(a->stats.cpu_ns + b->stats.cpu_ns);
	cr_assert(share > 0.48 && share < 0.52, "share %.3f", share);
	/* both ran in slices, not one after the other */
	cr_assert_gt(a->stats.nr_switches, 100);
	sim__free(sim);
}

Test(fair, nice_levels_share_by_weight)
{
	struct sim *sim = new_sim("1x1x1x1");
	struct sim_task *a = hog(sim, 0), *b = hog(sim, 5);

	cr_assert_eq(sim__run_until(sim, 2000 * MS), 0);
	double share = (double)a->stats.cpu_ns / (double)(a->stats.cpu_ns + b->stats.cpu_ns);
	double want = 1024.0 / (1024.0 + 335.0);
	cr_assert(share > want - 0.02 && share < want + 0.02, "share %.3f want %.3f", share, want);
	sim__free(sim);
}

Test(fair, waking_sleeper_waits_at_most_the_hogs_request)
{
	struct sim *sim = new_sim("1x1x1x1");
	struct sleeper *st = calloc(1, sizeof(*st));
	struct sim_task *h = hog(sim, 0);
	/* starts after the hog is settled: every wait measured is a real wakeup */
	struct sim_task *s = sim__add_task(sim, "sleeper", 0, &sleeper_ops, st, 10 * MS);

	cr_assert_eq(sim__run_until(sim, 1000 * MS), 0);
	cr_assert_gt(s->stats.nr_wakeups, 150);
	/*
	 * It wakes with zero lag (it took its share): EEVDF lets the hog finish its protected
	 * request (RUN_TO_PARITY), which the next tick notices at the latest.
	 */
	cr_assert_lt(s->stats.wakeup_wait_max, sim_fair__base_slice(sim) + SIM_TICK_NS,
		     "max wait %lu", (unsigned long)s->stats.wakeup_wait_max);
	/* and it gets all the CPU it asks for: 100 us per ~5.15 ms cycle */
	cr_assert_gt(s->stats.cpu_ns, 180 * 100000ULL);
	cr_assert_gt(h->stats.cpu_ns, 900 * MS);
	sim__free(sim);
}

Test(fair, forked_hogs_spread_over_idle_cpus)
{
	struct sim *sim = new_sim("1x1x4x1");
	struct sim_task *t[4];

	for (int i = 0; i < 4; i++)
		t[i] = hog(sim, 0);
	cr_assert_eq(sim__run_until(sim, 500 * MS), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_gt(t[i]->stats.cpu_ns, 495 * MS, "task %d ran %lu", i,
			     (unsigned long)t[i]->stats.cpu_ns);
		cr_assert_eq(t[i]->stats.nr_migrations, 0);
	}
	sim__free(sim);
}

Test(fair, balancing_spreads_hogs_and_keeps_cpus_busy)
{
	struct sim *sim = new_sim("1x2x2x1");
	struct sim_task *t[6];

	for (int i = 0; i < 6; i++)
		t[i] = hog(sim, 0);
	cr_assert_eq(sim__run_until(sim, 3000 * MS), 0);
	uint64_t busy = 0;
	for (int c = 0; c < 4; c++) {
		busy += sim->cpus[c].busy_ns;
		/* 6 on 4: two CPUs with two hogs, two with one (as the kernel leaves it) */
		cr_assert(sim->cpus[c].fair.nr_running >= 1 && sim->cpus[c].fair.nr_running <= 2,
			  "cpu %d runs %u hogs", c, sim->cpus[c].fair.nr_running);
	}
	cr_assert_gt(busy, 4 * 2990 * MS, "CPUs idle while tasks wait: busy %lu", (unsigned long)busy);
	for (int i = 0; i < 6; i++) {
		double share = (double)t[i]->stats.cpu_ns / (3000.0 * MS);
		cr_assert(share > 0.45, "task %d share %.3f", i, share);
	}
	sim__free(sim);
}

Test(fair, a_cpu_going_idle_pulls_waiting_work)
{
	struct sim *sim = new_sim("1x1x2x1");
	for (int i = 0; i < 3; i++)
		hog(sim, 0);
	cr_assert_eq(sim__run_until(sim, 1000 * MS), 0);
	cr_assert_gt(sim->cpus[0].busy_ns + sim->cpus[1].busy_ns, 1990 * MS);
	sim__free(sim);
}

/* 100 us pieces; at its first action after @at it pins itself to CPU 1, once. */
static struct cpumask only_cpu1;

static void move_to_cpu1_after(struct sim *sim, struct sim_task *t, struct sim_action *act, uint64_t at)
{
	struct sleeper *s = t->beh_state;

	if (!s->step && sim__now(sim) >= at) {
		s->step = 1;
		cpumask__clear_all(&only_cpu1);
		cpumask__set(&only_cpu1, 1);
		act->kind = SIM_ACT_AFFINITY;
		act->mask = &only_cpu1;
		return;
	}
	act->kind = SIM_ACT_RUN;
	act->ns = 100000;
}

static void mover_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	move_to_cpu1_after(sim, t, act, 10 * MS + MS / 2);
}

static const struct sim_behaviour_ops mover_ops = { .name = "mover", .next = mover_next, .free = free };

/*
 * A task that waited on a busy CPU has positive lag; moved to a CPU whose queue has barely
 * started (zero-lag point near 0), it is placed before that point. vruntime is unsigned: the
 * placement must stay a small negative offset, not wrap to ~1.8e19 and never be eligible.
 */
Test(fair, a_task_placed_early_with_positive_lag_still_runs)
{
	struct sim *sim = new_sim("1x1x2x1");
	struct sim_task *a = hog(sim, 0);
	struct sim_task *b = sim__add_task(sim, "mover", 0, &mover_ops, calloc(1, sizeof(struct sleeper)), 0);
	struct sim_task *c;

	cpumask__clear_all(&a->allowed);
	cpumask__set(&a->allowed, 0);
	a->ts.cpus_mask = a->allowed;
	a->ts.nr_cpus_allowed = 1;
	b->allowed = a->allowed;
	b->ts.cpus_mask = b->allowed;
	b->ts.nr_cpus_allowed = 1;
	/* starts just before the mover next runs (12.1 ms): CPU 1's zero-lag point is ~0.1 ms then */
	c = sim__add_task(sim, "late-hog", 0, &hog_ops, NULL, 12 * MS);
	cr_assert_eq(sim__run_until(sim, 10 * MS - 1), 0);
	cr_assert_gt(b->stats.cpu_ns, 3 * MS, "the mover shares CPU 0 with the hog first");
	cr_assert_eq(sim__run_until(sim, 200 * MS), 0);
	cr_assert_eq(b->cpu, 1);
	cr_assert_eq(c->cpu, 1);
	/* on CPU 1 it shares with the late hog: about 94 ms of the 188 ms left */
	cr_assert_gt(b->stats.cpu_ns, 80 * MS, "mover ran %lu ns", (unsigned long)b->stats.cpu_ns);
	cr_assert_gt(c->stats.cpu_ns, 80 * MS, "late hog ran %lu ns", (unsigned long)c->stats.cpu_ns);
	sim__free(sim);
}

/* Runs forever in 50 ms pieces: between ticks nothing brings its vruntime up to date. */
static void longhog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	act->kind = SIM_ACT_RUN;
	act->ns = 50 * MS;
}

static const struct sim_behaviour_ops longhog_ops = { .name = "longhog", .next = longhog_next };

/* 100 us pieces on CPU 0; from 21.5 ms (a tick + 1.5 ms) it moves itself to CPU 1, once. */
static void late_mover_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	move_to_cpu1_after(sim, t, act, 21 * MS + MS / 2);
}

static const struct sim_behaviour_ops late_mover_ops = { .name = "late-mover", .next = late_mover_next, .free = free };

/*
 * enqueue_entity() runs update_curr() on the queue it joins: a task moved onto a CPU whose
 * hog was last accounted at the tick is placed at the hog's vruntime of now (V, lag 0: the
 * mover was alone), not at the tick's, which would give it 1.5 ms it is not owed.
 */
Test(fair, a_moved_task_is_placed_against_the_new_cpus_curr_of_now)
{
	struct sim *sim = new_sim("1x1x2x1");
	struct sim_task *h = sim__add_task(sim, "longhog", 0, &longhog_ops, NULL, 0);
	struct sim_task *m = sim__add_task(sim, "late-mover", 0, &late_mover_ops, calloc(1, sizeof(struct sleeper)), 0);
	struct cpumask cpu0;

	cpumask__clear_all(&cpu0);
	cpumask__set(&cpu0, 0);
	cpumask__clear_all(&h->allowed);
	cpumask__set(&h->allowed, 1);
	h->ts.cpus_mask = h->allowed;
	h->ts.nr_cpus_allowed = 1;
	m->allowed = cpu0;
	m->ts.cpus_mask = m->allowed;
	m->ts.nr_cpus_allowed = 1;
	cr_assert_eq(sim__run_until(sim, 21 * MS + 3 * MS / 4), 0);
	cr_assert_eq(m->cpu, 1);
	cr_assert_eq(h->cpu, 1);
	/* the hog has run alone on CPU 1 since 0: its vruntime at the move is ~21.5 ms */
	cr_assert_gt(m->fair.vruntime, 21 * MS + MS / 4, "placed at %lu ns of vruntime (the tick's: 20 ms)",
		     (unsigned long)m->fair.vruntime);
	sim__free(sim);
}

/* Runs forever in 700 us pieces: op boundaries fall between ticks. */
static void hog700_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	act->kind = SIM_ACT_RUN;
	act->ns = 700000;
}

static const struct sim_behaviour_ops hog700_ops = { .name = "hog700", .next = hog700_next };

static uint64_t switch_at[64];
static int nr_switch_at;

static void note_switch(struct sim *sim, int cpu, struct sim_task *prev, struct sim_task *next)
{
	if (prev && next && nr_switch_at < 64)
		switch_at[nr_switch_at++] = sim__now(sim);
}

/*
 * Two CPU hogs on one CPU: the kernel notices a served request only at a kernel event, for a
 * hog the tick (HZ=250), not where its user-space work happens to end.
 */
Test(fair, a_cpu_hogs_slice_ends_at_a_tick)
{
	struct sim *sim = new_sim("1x1x1x1");

	sim__add_task(sim, "hog700", 0, &hog700_ops, NULL, 0);
	sim__add_task(sim, "hog700", 0, &hog700_ops, NULL, 0);
	nr_switch_at = 0;
	sim->on_switch = note_switch;
	cr_assert_eq(sim__run_until(sim, 200 * MS), 0);
	cr_assert_geq(nr_switch_at, 40, "%d switches", nr_switch_at);
	for (int i = 0; i < nr_switch_at; i++)
		cr_assert_eq(switch_at[i] % SIM_TICK_NS, sim->cfg.costs.sched_delay_ns,
			     "switch %d at %lu ns, not a tick + schedule()", i, (unsigned long)switch_at[i]);
	sim__free(sim);
}

/* 20 us of work, then sched_yield(), forever. */
static void yielder_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct sleeper *s = t->beh_state;

	act->kind = s->step++ % 2 ? SIM_ACT_YIELD : SIM_ACT_RUN;
	act->ns = 20000;
}

static const struct sim_behaviour_ops yielder_ops = { .name = "yielder", .next = yielder_next, .free = free };

/* CPU share of a yielder against a hog on one CPU, with the fair model of kernel @version. */
static double yielder_share(uint32_t version)
{
	struct sim *sim = new_sim("1x1x1x1");
	struct sim_task *y, *h;
	double share;

	sim->cfg.kernel_version = version;
	h = hog(sim, 0);
	y = sim__add_task(sim, "yielder", 0, &yielder_ops, calloc(1, sizeof(struct sleeper)), 0);
	cr_assert_eq(sim__run_until(sim, 500 * MS), 0);
	share = (double)y->stats.cpu_ns / (double)(y->stats.cpu_ns + h->stats.cpu_ns);
	sim__free(sim);
	return share;
}

/*
 * Linux 6.17+ (the host's 6.18, the default 7.2): an eligible task that yields forfeits the
 * rest of its request (vruntime to the deadline), so a yield loop against a hog gets one
 * 20 us piece per slice of the hog. 6.12 only moved the deadline: the yielder kept its lag
 * and came back at once while eligible.
 */
Test(fair, a_yield_forfeits_the_request_on_6_17_and_later)
{
	double now = yielder_share((7 << 16) | (2 << 8) | 13), old = yielder_share((6 << 16) | (12 << 8) | 117);

	cr_assert_lt(now, 0.05, "7.2: yielder share %.3f", now);
	cr_log_info("yielder share: 7.2 %.4f, 6.12 %.4f", now, old);
	cr_assert_gt(old, 2 * now, "6.12: yielder share %.3f vs %.3f", old, now);
}


/*
 * A ping-pong pair over two channels, as stress-ng's eventfd: each side runs 3 us, wakes the
 * other (not a sync wakeup: eventfd_write() wakes without WF_SYNC) and waits. Pinned to one CPU per side for the first 20 ms, then free to run anywhere.
 */
struct pp_side {
	struct sim_chan *mine, *theirs;
	struct cpumask all;
	int cpu, step;
	bool freed, first;
};

static void pp_side_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct pp_side *s = t->beh_state;

	if (!s->freed && sim__now(sim) >= 20 * MS) {
		s->freed = true;
		cpumask__clear_all(&s->all);
		for (int c = 0; c < sim->nr_cpus; c++)
			cpumask__set(&s->all, c);
		act->kind = SIM_ACT_AFFINITY;
		act->mask = &s->all;
		return;
	}
	/* the first side starts the ball rolling; the other starts by waiting */
	pair_step__action(act, s->step++ + (s->first ? 0 : 2), 3000, s->theirs, s->mine);
}

static void pp_side_free(void *state)
{
	free(state);
}

static const struct sim_behaviour_ops pp_side_ops = { .name = "pp", .next = pp_side_next, .free = pp_side_free };

static struct sim_task *pp_side(struct sim *sim, struct sim_chan *mine, struct sim_chan *theirs, int cpu, bool first)
{
	struct pp_side *s = calloc(1, sizeof(*s));
	struct sim_task *t;

	cr_assert_not_null(s);
	s->mine = mine;
	s->theirs = theirs;
	s->first = first;
	t = sim__add_task(sim, "pp", 0, &pp_side_ops, s, 0);
	cpumask__clear_all(&t->allowed);
	cpumask__set(&t->allowed, cpu);
	t->ts.cpus_mask = t->allowed;
	t->ts.nr_cpus_allowed = 1;
	return t;
}

/*
 * Two ping-pong pairs split over 2 CPUs beside a hog pinned to each CPU: on the kernel the
 * pairs stay split, since the periodic balance compares PELT loads, equal on both CPUs, not
 * the instantaneous task counts that differ by two whenever both halves of a pair happen to
 * be runnable at once (the model's count-based balance joined them within 100 ms).
 */
Test(fair, a_split_pingpong_pair_stays_split)
{
	struct sim *sim = new_sim("1x1x2x1");
	struct sim_chan ch[2][2];
	struct sim_task *side[2][2];

	for (int p = 0; p < 2; p++) {
		sim_chan__init(&ch[p][0], "a", 0);
		sim_chan__init(&ch[p][1], "b", 0);
		ch[p][0].sync_wake = ch[p][1].sync_wake = false;
		side[p][0] = pp_side(sim, &ch[p][0], &ch[p][1], 0, true);
		side[p][1] = pp_side(sim, &ch[p][1], &ch[p][0], 1, false);
	}
	for (int c = 0; c < 2; c++) {
		struct sim_task *h = hog(sim, 0);

		cpumask__clear_all(&h->allowed);
		cpumask__set(&h->allowed, c);
		h->ts.cpus_mask = h->allowed;
		h->ts.nr_cpus_allowed = 1;
	}
	cr_assert_eq(sim__run_until(sim, 2000 * MS), 0);
	for (int p = 0; p < 2; p++) {
		cr_assert_neq(side[p][0]->cpu, side[p][1]->cpu, "pair %d joined on CPU %d", p, side[p][0]->cpu);
		cr_assert_lt(side[p][0]->stats.nr_migrations + side[p][1]->stats.nr_migrations, 10,
			     "pair %d migrated %lu times", p,
			     (unsigned long)(side[p][0]->stats.nr_migrations + side[p][1]->stats.nr_migrations));
	}
	sim__free(sim);
}
