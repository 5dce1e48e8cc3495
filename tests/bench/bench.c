/*
 * `make bench`: how fast the simulator runs. Prints simulated events per wall second and
 * simulated seconds per wall second for 8 CPUs and 64 tasks (48 CPU hogs + 8 ping-pong pairs),
 * on the fair model alone, under a global-FIFO sched_ext policy written as a C ops table, and
 * under the project's compiled policies (.sim.so through the loader and the BPF runtime).
 * Figures only: nothing here passes or fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
#include "sim/shim/scxsim/kfuncs.h"
#include "workloads/builtin.h"

static void fifo_enqueue(struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert___v2(p, SCX_DSQ_GLOBAL, 5000000, enq_flags);
}

static struct sched_ext_ops fifo_ops = { .enqueue = fifo_enqueue, .name = "bench_fifo" };

static double wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(const char *label, struct sched_ext_ops *ops, struct sim_policy *pol,
		  uint64_t sim_ns)
{
	struct sim_topology topo;
	struct sim_config cfg;
	struct builtin_workload wl;
	char err[256];

	if (sim_topology__parse(&topo, "8cpu-2llc", err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (pol) {
		sim_policy__apply_topology(pol, &topo);
		if (sim_policy__freeze(pol, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			exit(1);
		}
		ops = sim_policy__ops(pol);
	}
	sim_config__defaults(&cfg);
	struct sim *sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	if (ops && scx_sched__attach(sim, ops, label, err, sizeof(err))) {
		fprintf(stderr, "attach: %s\n", err);
		exit(1);
	}
	builtin_workload__defaults(&wl, topo.nr_cpus);
	wl.hogs = 48;
	wl.pairs = 8;
	builtin_workload__add(sim, &wl);
	double t0 = wall();
	sim__run_until(sim, sim_ns);
	double dt = wall() - t0;
	printf("%-28s 8 CPUs, %d tasks, %.1f s simulated: %10.0f events/s, %8.1f sim-s/wall-s, %llu switches\n",
	       label, sim->nr_tasks, sim_ns / 1e9, sim->loop.nr_fired / dt, (sim_ns / 1e9) / dt,
	       (unsigned long long)sim->nr_switches);
	sim__free(sim);
	sim_topology__destroy(&topo);
}

/* A policy built by `make policies` into $SCXLAB_BUILD/policies/sched/NAME.sim.so. */
static void bench_policy(const char *name, uint64_t sim_ns)
{
	const char *build = getenv("SCXLAB_BUILD");
	char path[4096], err[512];
	struct sim_policy *pol;

	snprintf(path, sizeof(path), "%s/policies/sched/%s.sim.so", build ? build : "build", name);
	pol = sim_policy__open(path, 8, err, sizeof(err));
	if (!pol) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	bench(name, NULL, pol, sim_ns);
	sim_policy__close(pol);
}

int main(void)
{
	bench("fair model", NULL, NULL, 20000000000ULL);
	bench("C ops global FIFO", &fifo_ops, NULL, 20000000000ULL);
	bench_policy("scxl_vtime", 20000000000ULL);
	bench_policy("scxl_llc", 20000000000ULL);
	return 0;
}
