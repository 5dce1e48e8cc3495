/*
 * The external suite: the kernel's own sched_ext example schedulers (tools/sched_ext of
 * Debian's linux-source-6.12 and linux-source-7.x, fetched at test time by
 * scripts/fetch-sched-ext-examples.sh into $SCXLAB_EXAMPLES), compiled unmodified into the
 * simulator and run for 10 simulated seconds on 8 CPUs in 2 LLCs, each with a check of what
 * makes that scheduler what it is.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/bpf/bpf_runtime.h"
#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "test_helpers.h"
#include "workloads/builtin.h"

#define MS 1000000ULL
#define RUN_NS (10000 * MS)

/* The kernel the last example() came from: its run emulates that kernel's API. */
static uint32_t example_kernel;

/* Build <examples>/<version>/<name>.bpf.c for the simulator and open it. */
static struct sim_policy *example(const char *version, const char *name)
{
	const char *dir = getenv("SCXLAB_EXAMPLES");
	char src[4096], out[4096], log[4096], err[512];
	struct sim_policy *pol;

	cr_assert(dir && *dir, "SCXLAB_EXAMPLES is not set: run the tests with `make test` "
			       "(it runs scripts/fetch-sched-ext-examples.sh)");
	snprintf(src, sizeof(src), "%s/%s/%s.bpf.c", dir, version, name);
	snprintf(out, sizeof(out), "%s/%s-%s.sim.so", th_tmpdir(), name, version);
	snprintf(log, sizeof(log), "%s/%s-%s.log", th_tmpdir(), name, version);
	int rc = th_scxlab(log, "build", "--sim-only", "--quiet", "--out", out, src, NULL);
	if (rc) {
		char *text = th_read_file(log, NULL);
		cr_assert_fail("building %s failed:\n%s", src, text ? text : "");
	}
	pol = sim_policy__open(out, 8, err, sizeof(err));
	cr_assert_not_null(pol, "%s", err);
	example_kernel = !strcmp(version, "6.12") ? (6u << 16) | (12u << 8) | 117u : (7u << 16) | (2u << 8) | 13u;
	return pol;
}

static void set_knob(struct sim_policy *pol, const char *name, const char *value)
{
	char err[512];

	cr_assert_eq(sim_policy__set_knob(pol, name, value, err, sizeof(err)), 0, "%s", err);
}

/* A run on 8 CPUs in 2 LLCs with @pol attached (knobs set before). */
static struct sim *start(struct sim_policy *pol)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[512];
	struct sim *sim;

	cr_assert_eq(sim_topology__parse(&topo, "8cpu-2llc", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.kernel_version = example_kernel;
	sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	sim_policy__apply_topology(pol, &topo);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(scx_sched__attach(sim, sim_policy__ops(pol), sim_policy__name(pol), err, sizeof(err)), 0,
		     "%s", err);
	sim_topology__destroy(&topo);
	return sim;
}

static void add_builtin(struct sim *sim)
{
	struct builtin_workload wl;

	builtin_workload__defaults(&wl, sim->nr_cpus);
	cr_assert_eq(builtin_workload__add(sim, &wl), 0);
}

static void hog_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	act->kind = SIM_ACT_RUN;
	act->ns = MS;
}

static const struct sim_behaviour_ops hog_ops = { .name = "hog", .next = hog_next };

static struct sim_task *hog(struct sim *sim, int nice)
{
	struct sim_task *t = sim__add_task(sim, "hog", nice, &hog_ops, NULL, 0);

	cr_assert_not_null(t);
	return t;
}

static void run_still_loaded(struct sim *sim, uint64_t until)
{
	cr_assert_eq(sim__run_until(sim, until), 0, "%s", sim->fatal);
	cr_assert(scx_sched__enabled(sim), "the scheduler was ejected: %s (%s)",
		  scx_sched__exit_record(sim)->reason, scx_sched__exit_record(sim)->msg);
}

static uint64_t u64_global(struct sim_policy *pol, const char *name)
{
	size_t size = 0;
	uint64_t *p = sim_policy__global(pol, name, &size);

	cr_assert_not_null(p, "no global '%s'", name);
	cr_assert_geq(size, sizeof(uint64_t));
	return *p;
}

/* ---- scx_simple: weighted vtime shares the CPUs by nice level; FIFO does not ---- */

static double simple_share(const char *version, bool fifo)
{
	struct sim_policy *pol = example(version, "scx_simple");
	struct sim_task *lo[8], *hi[8];
	uint64_t a = 0, b = 0;

	if (fifo)
		set_knob(pol, "fifo_sched", "true");
	struct sim *sim = start(pol);
	for (int i = 0; i < 8; i++) {
		lo[i] = hog(sim, 0);
		hi[i] = hog(sim, 5);
	}
	run_still_loaded(sim, RUN_NS);
	for (int i = 0; i < 8; i++) {
		a += lo[i]->stats.cpu_ns;
		b += hi[i]->stats.cpu_ns;
	}
	sim__free(sim);
	sim_policy__close(pol);
	return (double)a / (double)b;
}

Test(kernel_examples, simple_vtime_follows_weights)
{
	for (int v = 0; v < 2; v++) {
		double r = simple_share(v ? "7.2" : "6.12", false);
		/*
		 * nice 0 vs nice 5: weights 100 and 32. scx_simple caps a waiting task's credit at
		 * one slice below the newest vtime, which pulls the split below the weight ratio
		 * (3.1); it must still be clearly weighted.
		 */
		cr_assert(r > 1.8 && r < 3.3, "%s: nice 0 / nice 5 CPU ratio %.2f", v ? "7.2" : "6.12", r);
	}
}

Test(kernel_examples, simple_fifo_ignores_weights)
{
	for (int v = 0; v < 2; v++) {
		double r = simple_share(v ? "7.2" : "6.12", true);
		cr_assert(r > 0.85 && r < 1.15, "%s: nice 0 / nice 5 CPU ratio %.2f", v ? "7.2" : "6.12", r);
	}
}

/* ---- scx_central: every dispatch decision is made on the central CPU ---- */

static void check_central(const char *version)
{
	struct sim_policy *pol = example(version, "scx_central");

	/* what scx_central's own loader sets */
	set_knob(pol, "slice_ns", "20000000");
	set_knob(pol, "central_cpu", "0");
	struct sim *sim = start(pol);
	add_builtin(sim);
	run_still_loaded(sim, RUN_NS);
	uint64_t central = scx_sched__cpu_dispatch_placed(sim, 0);
	cr_assert_gt(central, 1000, "%s: the central CPU placed %lu tasks", version, (unsigned long)central);
	for (int cpu = 1; cpu < sim->nr_cpus; cpu++) {
		cr_assert_eq(scx_sched__cpu_dispatch_placed(sim, cpu), 0, "%s: CPU %d made dispatch decisions",
			     version, cpu);
		cr_assert_gt(sim->cpus[cpu].busy_ns, RUN_NS / 2, "%s: worker CPU %d mostly idle", version, cpu);
	}
	cr_assert_gt(u64_global(pol, "nr_timers"), 100, "%s: the central timer did not run", version);
	cr_assert_gt(u64_global(pol, "nr_dispatches"), 100);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(kernel_examples, central_decides_on_the_central_cpu_612)
{
	check_central("6.12");
}

Test(kernel_examples, central_decides_on_the_central_cpu_72)
{
	check_central("7.2");
}

/* ---- scx_qmap (6.12): five FIFOs by weight, counters that move ---- */

Test(kernel_examples, qmap_612_uses_all_five_fifos)
{
	static const int nices[5] = { 10, 5, 0, -5, -10 }; /* weights 10, 32, 100, 305, 932 */
	struct sim_policy *pol = example("6.12", "scx_qmap");
	struct sim *sim = start(pol);
	size_t size = 0;

	for (int q = 0; q < 5; q++)
		for (int i = 0; i < 3; i++)
			hog(sim, nices[q]);
	add_builtin(sim);
	run_still_loaded(sim, RUN_NS / 2);
	uint64_t enq = u64_global(pol, "nr_enqueued"), dsp = u64_global(pol, "nr_dispatched");
	run_still_loaded(sim, RUN_NS);
	cr_assert_gt(u64_global(pol, "nr_enqueued"), enq, "nr_enqueued stopped");
	cr_assert_gt(u64_global(pol, "nr_dispatched"), dsp, "nr_dispatched stopped");
	cr_assert_gt(enq, 100);

	/* the per-FIFO sequence counters (a static array of the scheduler) */
	uint64_t *tail = sim_policy__global(pol, "core_sched_tail_seqs", &size);
	cr_assert_not_null(tail);
	cr_assert_eq(size, 5 * sizeof(uint64_t));
	for (int q = 0; q < 5; q++)
		cr_assert_gt(tail[q], 0, "FIFO %d was never used", q);
	sim__free(sim);
	sim_policy__close(pol);
}

/* ---- scx_cpu0 (7.2): everything runs on CPU 0 ---- */

Test(kernel_examples, cpu0_runs_everything_on_cpu0)
{
	struct sim_policy *pol = example("7.2", "scx_cpu0");
	struct sim *sim = start(pol);

	add_builtin(sim);
	run_still_loaded(sim, RUN_NS);
	cr_assert_gt(sim->cpus[0].busy_ns, RUN_NS * 99 / 100);
	for (int cpu = 1; cpu < sim->nr_cpus; cpu++)
		cr_assert_eq(sim->cpus[cpu].busy_ns, 0, "CPU %d ran something", cpu);
	sim__free(sim);
	sim_policy__close(pol);
}

/* ---- scx_flatcg: CPU time follows cgroup weights ---- */

static void check_flatcg(const char *version)
{
	struct sim_policy *pol = example(version, "scx_flatcg");

	/* what scx_flatcg's own loader sets */
	set_knob(pol, "nr_cpus", "8");
	set_knob(pol, "cgrp_slice_ns", "20000000");
	struct sim *sim = start(pol);
	struct sim_cgroup *light = sim_cgroup__create(sim, NULL, "light", 100);
	struct sim_cgroup *heavy = sim_cgroup__create(sim, NULL, "heavy", 300);
	struct sim_task *a[8], *b[8];
	uint64_t ta = 0, tb = 0;

	cr_assert(light && heavy);
	for (int i = 0; i < 8; i++) {
		a[i] = hog(sim, 0);
		b[i] = hog(sim, 0);
		cr_assert_eq(sim_task__set_cgroup(sim, a[i], light), 0);
		cr_assert_eq(sim_task__set_cgroup(sim, b[i], heavy), 0);
	}
	run_still_loaded(sim, RUN_NS);
	for (int i = 0; i < 8; i++) {
		ta += a[i]->stats.cpu_ns;
		tb += b[i]->stats.cpu_ns;
	}
	double r = (double)tb / (double)ta;
	/* cpu.weight 300 vs 100, both cgroups always busy */
	cr_assert(r > 2.5 && r < 3.5, "%s: heavy / light CPU ratio %.2f", version, r);
	sim__free(sim);
	sim_policy__close(pol);
}

Test(kernel_examples, flatcg_612_cpu_time_follows_cgroup_weights)
{
	check_flatcg("6.12");
}

Test(kernel_examples, flatcg_72_cpu_time_follows_cgroup_weights)
{
	check_flatcg("7.2");
}

/* ---- scx_pair (7.2): the two CPUs of a pair run tasks of the same cgroup ---- */

Test(kernel_examples, pair_co_schedules_one_cgroup_per_cpu_pair)
{
	struct sim_policy *pol = example("7.2", "scx_pair");
	char err[512], idx[16], val[16];
	int n = 8, stride = n / 2, same = 0, both_busy = 0;

	/* what scx_pair's own loader sets up: CPU i pairs with i + nr_cpus / 2 */
	set_knob(pol, "pair_batch_dur_ns", "20000000");
	cr_assert_eq(sim_policy__set_map_entries(pol, "pair_ctx", (uint32_t)(n / 2), err, sizeof(err)), 0,
		     "%s", err);
	for (int i = 0; i < n; i++) {
		char name[32];
		int j = (i + stride) % n;

		snprintf(idx, sizeof(idx), "[%d]", i);
		snprintf(name, sizeof(name), "pair_cpu%s", idx);
		snprintf(val, sizeof(val), "%d", j);
		set_knob(pol, name, val);
		snprintf(name, sizeof(name), "pair_id%s", idx);
		snprintf(val, sizeof(val), "%d", i < stride ? i : j);
		set_knob(pol, name, val);
		snprintf(name, sizeof(name), "in_pair_idx%s", idx);
		set_knob(pol, name, i < stride ? "0" : "1");
	}
	struct sim *sim = start(pol);
	struct sim_cgroup *cg[2] = {
		sim_cgroup__create(sim, NULL, "red", 100), sim_cgroup__create(sim, NULL, "blue", 100),
	};
	for (int i = 0; i < 16; i++)
		cr_assert_eq(sim_task__set_cgroup(sim, hog(sim, 0), cg[i % 2]), 0);

	/* sample every millisecond: when both CPUs of a pair are busy, same cgroup? */
	for (uint64_t t = MS; t <= RUN_NS; t += MS) {
		run_still_loaded(sim, t);
		for (int i = 0; i < stride; i++) {
			struct sim_task *a = sim->cpus[i].curr, *b = sim->cpus[i + stride].curr;
			if (!a || !b)
				continue;
			both_busy++;
			same += sim_cgroup__of_task(a) == sim_cgroup__of_task(b);
		}
	}
	cr_assert_gt(both_busy, 10000);
	cr_assert_gt(same, both_busy * 95 / 100, "pairs ran one cgroup in %d of %d samples", same, both_busy);
	sim__free(sim);
	sim_policy__close(pol);
}

/* ---- scx_userland (7.2): the BPF side with a stand-in for its user-space scheduler ---- */

/* What scx_userland.bpf.c pushes to its `enqueued` queue (scx_userland.h). */
struct userland_task {
	int32_t pid;
	uint64_t sum_exec_runtime;
	uint64_t weight;
};

static struct sim_policy *userland_pol;
static uint64_t usersched_batches;

static int by_vruntime(const void *a, const void *b)
{
	const struct userland_task *x = a, *y = b;
	uint64_t vx = x->sum_exec_runtime * 100 / (x->weight ? x->weight : 100);
	uint64_t vy = y->sum_exec_runtime * 100 / (y->weight ? y->weight : 100);

	return vx < vy ? -1 : vx > vy ? 1 : x->pid - y->pid;
}

/*
 * The user-space half, as scx_userland.c does it: drain `enqueued` into a list ordered by
 * weighted runtime, dispatch a batch of 8 to `dispatched`, publish how many are still held in
 * the `nr_scheduled` global (which makes idle CPUs kick it), yield. 1 us of work per task.
 */
#define USERSCHED_BATCH 8

static struct userland_task held[8192];
static int nr_held;

static void usersched_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	struct sim_bpf_map *enq = sim_policy__map_by_name(userland_pol, "enqueued");
	struct sim_bpf_map *dsp = sim_policy__map_by_name(userland_pol, "dispatched");
	uint64_t *nr_scheduled = sim_policy__global(userland_pol, "nr_scheduled", NULL);
	uint64_t *nr_queued = sim_policy__global(userland_pol, "nr_queued", NULL);
	int *step = t->beh_state, n = 0, sent = 0;

	if ((*step)++ % 2) {
		act->kind = SIM_ACT_YIELD;
		return;
	}
	while (nr_held < 8192 && !sim_bpf_map__pop(enq, &held[nr_held], sizeof(held[0]))) {
		nr_held++;
		n++;
	}
	qsort(held, (size_t)nr_held, sizeof(held[0]), by_vruntime);
	while (sent < USERSCHED_BATCH && sent < nr_held &&
	       !sim_bpf_map__push(dsp, &held[sent].pid, sizeof(held[sent].pid), 0))
		sent++;
	memmove(held, held + sent, (size_t)(nr_held - sent) * sizeof(held[0]));
	nr_held -= sent;
	*nr_queued = 0;
	*nr_scheduled = (uint64_t)nr_held;
	usersched_batches += sent > 0;
	act->kind = SIM_ACT_RUN;
	act->ns = 1000 + 1000 * (uint64_t)(n + sent);
}

static const struct sim_behaviour_ops usersched_ops = { .name = "usersched", .next = usersched_next,
							.free = free };

Test(kernel_examples, userland_schedules_through_its_user_space_half)
{
	struct sim_topology topo;
	struct sim_config cfg;
	char err[512], pid[16];

	userland_pol = example("7.2", "scx_userland");
	cr_assert_eq(sim_topology__parse(&topo, "8cpu-2llc", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	struct sim *sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	/* the daemon exists first: its pid is a knob, as scx_userland.c sets getpid() */
	struct sim_task *daemon = sim__add_task(sim, "usersched", 0, &usersched_ops, calloc(1, sizeof(int)), 0);
	snprintf(pid, sizeof(pid), "%d", daemon->ts.pid);
	set_knob(userland_pol, "usersched_pid", pid);
	set_knob(userland_pol, "num_possible_cpus", "8");
	sim_policy__apply_topology(userland_pol, &topo);
	cr_assert_eq(sim_policy__freeze(userland_pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(scx_sched__attach(sim, sim_policy__ops(userland_pol), "userland", err, sizeof(err)), 0,
		     "%s", err);
	sim_topology__destroy(&topo);
	add_builtin(sim);
	run_still_loaded(sim, RUN_NS);

	uint64_t user = u64_global(userland_pol, "nr_user_enqueues");
	uint64_t kern = u64_global(userland_pol, "nr_kernel_enqueues");
	/* no task is pinned, so every enqueue goes through the user-space half */
	cr_assert_gt(user, 300, "tasks did not go through user space");
	cr_assert_eq(kern, 0, "kernel-side enqueues: %lu", (unsigned long)kern);
	cr_assert_eq(u64_global(userland_pol, "nr_failed_enqueues"), 0);
	cr_assert_gt(usersched_batches, 50);
	cr_assert_gt(daemon->stats.cpu_ns, 0);
	/*
	 * Every task ran. (Not every CPU stays busy: scx_userland puts dispatched tasks on the
	 * global DSQ and wakes an idle CPU only from update_idle while the daemon still holds
	 * tasks, so CPUs that went idle with nothing held stay idle until a wakeup lands there.)
	 */
	for (int i = 0; i < sim->nr_tasks; i++)
		cr_assert_gt(sim->tasks[i]->stats.cpu_ns, 0, "%s never ran", sim->tasks[i]->ts.comm);
	sim__free(sim);
	sim_policy__close(userland_pol);
}

/* ---- scx_sdt (7.2): per-task data in a BPF arena, allocated at init and freed at exit ---- */

static void short_next(struct sim *sim, struct sim_task *t, struct sim_action *act)
{
	int *step = t->beh_state;

	act->kind = (*step)++ ? SIM_ACT_EXIT : SIM_ACT_RUN;
	act->ns = 5 * MS;
}

static const struct sim_behaviour_ops short_ops = { .name = "short", .next = short_next, .free = free };

Test(kernel_examples, sdt_keeps_task_data_in_its_arena)
{
	struct sim_policy *pol = example("7.2", "scx_sdt");
	struct sim *sim = start(pol);
	const int nr_short = 6;
	size_t size = 0;

	add_builtin(sim);
	for (int i = 0; i < nr_short; i++)
		cr_assert_not_null(sim__add_task(sim, "short", 0, &short_ops, calloc(1, sizeof(int)), 100 * MS));
	run_still_loaded(sim, RUN_NS);

	/* struct scx_alloc_stats: chunk_allocs, data_allocs, alloc_ops, free_ops, active_allocs, ... */
	const uint64_t *as = sim_policy__global(pol, "alloc_stats", &size);
	cr_assert_not_null(as);
	cr_assert_geq(size, 6 * sizeof(uint64_t));
	int nr_tasks = sim->nr_tasks, live = sim->nr_live;
	cr_assert_eq(as[1], (uint64_t)nr_tasks, "data_allocs %lu for %d tasks", (unsigned long)as[1], nr_tasks);
	cr_assert_eq(as[3], (uint64_t)nr_short, "free_ops %lu", (unsigned long)as[3]);
	cr_assert_eq(as[4], (uint64_t)live, "active_allocs %lu for %d live tasks", (unsigned long)as[4], live);
	cr_assert_gt(scx_sched__counters(sim)->nr_enqueue, 100);
	sim__free(sim);
	sim_policy__close(pol);
}
