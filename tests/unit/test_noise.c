/*
 * Machine noise (machine.noise_*, sim/core/noise.c): a seeded stream of interruptions per CPU.
 * Off with the keys at 0 (a run is the same as without them), the same seed repeats exactly;
 * an interruption delays a running hog's work and is charged to it (no IRQ_TIME_ACCOUNTING);
 * a wakeup onto a CPU inside an interruption waits for its end; the lengths follow the
 * measured points.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"
#include "sim/core/sched_internal.h"

#define US 1000ULL
#define MS 1000000ULL

struct napper { uint64_t naps; bool sleeping; };

/* 1 ms pieces of work for ever. */
static void hog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	(void)sim;
	(void)t;
	act->kind = SIM_ACT_RUN;
	act->ns = MS;
}

/* 10 us of work, then a 300 us sleep, for ever. */
static void napper_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct napper *n = t->beh_state;

	(void)sim;
	n->sleeping = !n->sleeping;
	if (n->sleeping) {
		n->naps++;
		act->kind = SIM_ACT_SLEEP;
		act->ns = 300 * US;
	} else {
		act->kind = SIM_ACT_RUN;
		act->ns = 10 * US;
	}
}

static const struct sim_behaviour_ops hog_ops = { .name = "hog", .next = hog_next };
static const struct sim_behaviour_ops napper_ops = { .name = "napper", .next = napper_next, .free = free };

struct outcome {
	uint64_t cpu_ns[3], work_ns[3], wait_max[3], wakeups[3], switches;
	uint64_t noise_ns, nr_noise;
};

/* One CPU (@nr_cpus 1) or two: a hog and two nappers for 1 s with @costs and @seed. */
static struct outcome run(const struct sim_costs *costs, uint64_t seed, int nr_cpus, bool hog)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[256];
	struct outcome o = { 0 };

	cr_assert_eq(sim_topology__parse(&topo, nr_cpus == 1 ? "1" : "2", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.seed = seed;
	if (costs)
		cfg.costs = *costs;
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	sim__set_current(sim);
	if (hog)
		sim__add_task(sim, "hog", 0, &hog_ops, NULL, 0);
	sim__add_task(sim, "napper", 0, &napper_ops, calloc(1, sizeof(struct napper)), 0);
	sim__add_task(sim, "napper", 0, &napper_ops, calloc(1, sizeof(struct napper)), 0);
	cr_assert_eq(sim__run_until(sim, 1000 * MS), 0, "%s", sim->fatal);
	for (int i = 0; i < sim->nr_tasks && i < 3; i++) {
		o.cpu_ns[i] = sim->tasks[i]->stats.cpu_ns;
		o.work_ns[i] = sim->tasks[i]->stats.work_done_ns;
		o.wait_max[i] = sim->tasks[i]->stats.wakeup_wait_max;
		o.wakeups[i] = sim->tasks[i]->stats.nr_wakeups;
	}
	o.switches = sim->nr_switches;
	for (int c = 0; c < sim->nr_cpus; c++) {
		o.noise_ns += sim->cpus[c].noise_ns;
		o.nr_noise += sim->cpus[c].nr_noise;
	}
	sim__free(sim);
	return o;
}

static struct sim_costs noisy(uint64_t hz, uint64_t len_ns)
{
	struct sim_config cfg;

	sim_config__defaults(&cfg);
	cfg.costs.noise_hz = hz;
	cfg.costs.noise_min_ns = cfg.costs.noise_p50_ns = cfg.costs.noise_p90_ns = len_ns;
	cfg.costs.noise_p99_ns = cfg.costs.noise_max_ns = len_ns;
	return cfg.costs;
}

Test(noise, off_with_the_keys_at_0_and_a_seed_repeats)
{
	struct sim_costs zero = noisy(0, 20 * US), on = noisy(700, 20 * US);
	struct outcome none = run(NULL, 1, 2, true), off = run(&zero, 1, 2, true);

	/* noise_hz 0: the lengths are not used, nothing is drawn: the same run as no key */
	cr_assert_eq(memcmp(&none, &off, sizeof(none)), 0);
	cr_assert_eq(off.nr_noise, 0);
	struct outcome a = run(&on, 1, 2, true), b = run(&on, 1, 2, true), c = run(&on, 2, 2, true);
	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0, "the same seed gave a different run");
	cr_assert(memcmp(&a, &c, sizeof(a)), "two seeds gave the same run");
	cr_assert(memcmp(&a, &none, sizeof(a)), "the noise changed nothing");
}

Test(noise, an_interruption_delays_a_running_hogs_work_and_is_charged_to_it)
{
	struct sim_costs c = noisy(1000, 50 * US);
	struct sim_topology topo;
	struct sim_config cfg;
	char err[256];

	cr_assert_eq(sim_topology__parse(&topo, "1", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.costs = c;
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	sim__set_current(sim);
	struct sim_task *hog = sim__add_task(sim, "hog", 0, &hog_ops, NULL, 0);
	cr_assert_eq(sim__run_until(sim, 1000 * MS), 0, "%s", sim->fatal);
	struct sim_cpu *rq = &sim->cpus[0];
	/* ~1000 interruptions of 50 us in 1 s (Poisson: within 10 %) */
	cr_assert(rq->nr_noise > 900 && rq->nr_noise < 1100, "%llu interruptions", (unsigned long long)rq->nr_noise);
	cr_assert_eq(rq->noise_ns, rq->nr_noise * 50 * US);
	/* the hog had the CPU all along, the interruptions included: they are its CPU time ... */
	sim_sched__update_curr(sim, rq);
	cr_assert_geq(hog->stats.cpu_ns + 60 * US, 1000 * MS, "cpu %llu ns", (unsigned long long)hog->stats.cpu_ns);
	/* ... but not its work: that is behind by their time (less the one under way, and its switch-in) */
	uint64_t lost = hog->stats.cpu_ns - hog->stats.work_done_ns;
	cr_assert(lost + 50 * US >= rq->noise_ns && lost <= rq->noise_ns + 10 * US,
		  "work %llu of cpu %llu ns, %llu ns interrupted", (unsigned long long)hog->stats.work_done_ns,
		  (unsigned long long)hog->stats.cpu_ns, (unsigned long long)rq->noise_ns);
	sim__free(sim);
}

Test(noise, a_wakeup_onto_a_cpu_inside_an_interruption_waits_for_its_end)
{
	/* 1 ms interruptions, 300 a second: a third of the time the CPU is interrupted */
	struct sim_costs c = noisy(300, 1 * MS);
	struct outcome quiet = run(NULL, 1, 1, false), o = run(&c, 1, 1, false);

	/* without noise a napper waking on its idle CPU runs within microseconds */
	cr_assert_lt(quiet.wait_max[0], 100 * US, "%llu ns", (unsigned long long)quiet.wait_max[0]);
	/* with it some wakeups land inside an interruption and wait for most of it */
	cr_assert_gt(o.wait_max[0], 500 * US, "%llu ns", (unsigned long long)o.wait_max[0]);
	cr_assert_leq(o.wait_max[0], 1 * MS + 100 * US, "%llu ns", (unsigned long long)o.wait_max[0]);
	/* and the interruptions of the idle CPU are no task's time */
	cr_assert_lt(o.cpu_ns[0] + o.cpu_ns[1], quiet.cpu_ns[0] + quiet.cpu_ns[1] + o.noise_ns / 4);
}

Test(noise, lengths_follow_the_measured_points)
{
	struct sim_costs c = { .noise_hz = 700, .noise_min_ns = 1000, .noise_p50_ns = 10000, .noise_p90_ns = 30000,
			       .noise_p99_ns = 200000, .noise_max_ns = 2000000 };
	struct sim_rng rng;
	int below50 = 0, below90 = 0, below99 = 0, n = 100000;
	uint64_t lo = UINT64_MAX, hi = 0;

	sim_rng__seed(&rng, 1, 99);
	for (int i = 0; i < n; i++) {
		uint64_t v = sim_noise__length(&c, &rng);
		below50 += v < 10000;
		below90 += v < 30000;
		below99 += v < 200000;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	cr_assert(below50 > n * 49 / 100 && below50 < n * 51 / 100, "%d below the median", below50);
	cr_assert(below90 > n * 89 / 100 && below90 < n * 91 / 100, "%d below the 90th", below90);
	cr_assert(below99 > n * 985 / 1000 && below99 < n * 995 / 1000, "%d below the 99th", below99);
	cr_assert(lo >= 1000 && hi <= 2000000, "%llu..%llu", (unsigned long long)lo, (unsigned long long)hi);
	/* a point left at 0 takes the one below: all 10 us */
	struct sim_costs m = { .noise_hz = 1, .noise_min_ns = 10000, .noise_p50_ns = 10000 };
	for (int i = 0; i < 100; i++)
		cr_assert_eq(sim_noise__length(&m, &rng), 10000);
}
