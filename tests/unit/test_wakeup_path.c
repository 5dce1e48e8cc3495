/*
 * The wakeup path takes time before the woken task runs, as on the kernel: schedule()'s own
 * path (sched_delay_ns), the IPI to another CPU, the idle exit of an idle one (also when a
 * timer interrupt wakes it). No wakeup waits 0 ns: the real kernel's minimum is ~200 ns.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "sim/core/chan.h"
#include "sim/core/sim.h"
#include "scx_fixture.h"
#include "pair_step.h"

#define US 1000ULL
#define MS 1000000ULL

struct stepper { int step; struct sim_chan *mine, *other; };

/* 10 us of work, then 1 ms asleep, forever. */
static void sleeper_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct stepper *s = t->beh_state;

	act->kind = s->step++ % 2 ? SIM_ACT_SLEEP : SIM_ACT_RUN;
	act->ns = act->kind == SIM_ACT_RUN ? 10 * US : MS;
}

/* 5 us of work, post the partner, wait for it: a strictly alternating pair. */
static void pinger_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct stepper *s = t->beh_state;

	pair_step__action(act, s->step++, 5 * US, s->other, s->mine);
}

static const struct sim_behaviour_ops sleeper_ops = { .name = "sleeper", .next = sleeper_next, .free = free };
static const struct sim_behaviour_ops pinger_ops = { .name = "pinger", .next = pinger_next, .free = free };

static void pin(struct sim_task *t, int cpu)
{
	cpumask__clear_all(&t->allowed);
	cpumask__set(&t->allowed, cpu);
	t->ts.cpus_mask = t->allowed;
	t->ts.nr_cpus_allowed = 1;
	t->cpu = cpu;
}

static struct sim_chan chan_a, chan_b;

static void pair(struct sim *sim, int cpu_a, int cpu_b)
{
	struct stepper *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	sim_chan__init(&chan_a, "a", 0);
	sim_chan__init(&chan_b, "b", 0);
	*a = (struct stepper){ .mine = &chan_a, .other = &chan_b };
	*b = (struct stepper){ .step = 2, .mine = &chan_b, .other = &chan_a }; /* b waits first */
	pin(sim__add_task(sim, "ping", 0, &pinger_ops, a, 0), cpu_a);
	pin(sim__add_task(sim, "pong", 0, &pinger_ops, b, 0), cpu_b);
}

/* Waits shorter than @v (from the buckets: exact when @v starts a bucket or is below 64). */
static uint64_t waits_below(const struct hist *h, uint64_t v)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < HIST_BUCKETS && hist__bucket_high(i) < v; i++)
		n += h->buckets[i];
	return n;
}

Test(wakeup_path, a_timer_wakeup_onto_an_idle_cpu_waits_the_idle_exit_and_the_switch)
{
	struct sim *sim = fx_sim("1", 1);
	const struct sim_costs *c = &sim->cfg.costs;

	sim__add_task(sim, "sleeper", 0, &sleeper_ops, calloc(1, sizeof(struct stepper)), 0);
	cr_assert_eq(sim__run_until(sim, 100 * MS), 0);
	cr_assert_gt(hist__count(&sim->wakeup_lat), 90);
	/* alone on its CPU: every wait is exactly the path, none is 0 */
	cr_assert_eq(hist__min(&sim->wakeup_lat), c->idle_exit_ns + c->sched_delay_ns,
		     "min wait %lu", (unsigned long)hist__min(&sim->wakeup_lat));
	cr_assert_eq(hist__max(&sim->wakeup_lat), c->idle_exit_ns + c->sched_delay_ns);
	sim__free(sim);
}

Test(wakeup_path, a_waker_that_posts_then_blocks_delays_the_woken_task_by_schedule)
{
	struct sim *sim = fx_sim("1", 1);
	const struct sim_costs *c = &sim->cfg.costs;

	pair(sim, 0, 0);
	cr_assert_eq(sim__run_until(sim, 20 * MS), 0);
	cr_assert_gt(hist__count(&sim->wakeup_lat), 1000);
	cr_assert_gt(c->sched_delay_ns, 0);
	cr_assert_eq(hist__min(&sim->wakeup_lat), c->sched_delay_ns,
		     "min wait %lu", (unsigned long)hist__min(&sim->wakeup_lat));
	sim__free(sim);
}

Test(wakeup_path, a_wakeup_onto_another_idle_cpu_waits_ipi_idle_exit_and_switch)
{
	struct sim *sim = fx_sim("2", 1);
	const struct sim_costs *c = &sim->cfg.costs;

	pair(sim, 0, 1);
	cr_assert_eq(sim__run_until(sim, 20 * MS), 0);
	cr_assert_gt(hist__count(&sim->wakeup_lat), 500);
	/* but the two starts (a timer on the task's own CPU: no IPI) */
	uint64_t path = c->wakeup_ipi_ns + c->idle_exit_ns + c->sched_delay_ns;
	cr_assert_eq(waits_below(&sim->wakeup_lat, path), 2);
	cr_assert_leq(hist__bucket_low(hist__bucket_of(path)), hist__percentile(&sim->wakeup_lat, 1));
	sim__free(sim);
}

Test(wakeup_path, a_switch_costs_the_same_cpu_time_split_or_not)
{
	/* sched_delay_ns is part of ctx_switch_ns: the pair's CPU per round trip is unchanged */
	uint64_t busy[2];

	for (int i = 0; i < 2; i++) {
		struct sim *sim = fx_sim("1", 1);
		sim->cfg.costs.sched_delay_ns = i ? 300 : 0;
		pair(sim, 0, 0);
		cr_assert_eq(sim__run_until(sim, 20 * MS), 0);
		busy[i] = sim->cpus[0].busy_ns / (sim->nr_switches ? sim->nr_switches : 1);
		sim__free(sim);
	}
	cr_assert_eq(busy[0], busy[1], "ns per switch %lu vs %lu", (unsigned long)busy[0], (unsigned long)busy[1]);
}

/* CPU time (both CPUs) per wakeup of the pair on @cpu_a and @cpu_b, with @send_ns per remote wakeup. */
static double busy_per_wakeup(int cpu_a, int cpu_b, uint64_t send_ns)
{
	struct sim *sim = fx_sim("2", 1);
	double v;

	sim->cfg.costs.wakeup_send_ns = send_ns;
	pair(sim, cpu_a, cpu_b);
	cr_assert_eq(sim__run_until(sim, 20 * MS), 0);
	cr_assert_gt(sim->nr_wakeups, 500);
	v = (double)(sim->cpus[0].busy_ns + sim->cpus[1].busy_ns) / (double)sim->nr_wakeups;
	sim__free(sim);
	return v;
}

Test(wakeup_path, a_waker_pays_wakeup_send_for_a_task_on_another_cpu_only)
{
	/* the pair across two CPUs: every wakeup is remote, the waker spends 4 us more on each */
	double split = busy_per_wakeup(0, 1, 4000) - busy_per_wakeup(0, 1, 0);
	cr_assert(split > 3990 && split < 4010, "remote: %.0f ns more per wakeup", split);
	/* on one CPU: the wakeup is local, in the operation's calibrated cost already */
	double local = busy_per_wakeup(0, 0, 4000) - busy_per_wakeup(0, 0, 0);
	cr_assert(local > -1 && local < 1, "local: %.0f ns more per wakeup", local);
}
