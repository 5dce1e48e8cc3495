/*
 * The example jobs in workloads/jobs/: each is accepted by stress-ng itself
 * (`stress-ng --job FILE --dry-run`) and by scxlab, and runs in the simulator.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"

Test(jobs, every_example_job_runs_under_stress_ng_and_scxlab)
{
	const char *src = getenv("SCXLAB_SRC");
	char pattern[4096];
	glob_t g;

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(pattern, sizeof(pattern), "%s/workloads/jobs/*.job", src);
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 6);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		static struct job job;
		struct job_window windows[JOB_MAX_ENTRIES];
		struct sim_topology topo;
		struct sim_config cfg;
		struct stressor_costs costs;
		char cmd[8192], err[512];
		uint64_t total;

		snprintf(cmd, sizeof(cmd), "stress-ng --job '%s' --dry-run >/dev/null 2>&1", g.gl_pathv[i]);
		int rc = system(cmd);
		cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "stress-ng refuses %s", g.gl_pathv[i]);

		cr_assert_eq(job__parse_file(&job, g.gl_pathv[i], err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(sim_topology__parse(&topo, "4cpu", err, sizeof(err)), 0);
		sim_config__defaults(&cfg);
		stressor_costs__defaults(&costs);
		struct sim *sim = sim__new(&cfg, &topo);
		sim_topology__destroy(&topo);
		sim__set_current(sim);
		cr_assert_eq(job_workload__add(sim, &job, &costs, 0, windows, &total, err, sizeof(err)), 0, "%s", err);
		/* every example job sets its timeout and runs its entries in parallel: that is its length */
		cr_assert_gt(job.timeout_ns, 0, "%s: no timeout", g.gl_pathv[i]);
		cr_assert_eq(total, job.sequential ? job.timeout_ns * (uint64_t)job.nr_entries : job.timeout_ns,
			     "%s: runs %llu ns", g.gl_pathv[i], (unsigned long long)total);
		cr_assert_eq(sim__run_until(sim, 200000000ULL), 0);
		uint64_t ops = 0;
		for (int t = 0; t < sim->nr_tasks; t++)
			ops += sim->tasks[t]->stats.ops;
		cr_assert_gt(ops, 0, "%s did nothing", g.gl_pathv[i]);
		sim__free(sim);
	}
	globfree(&g);
}

/*
 * A calibration whose costs are 0 (pipe, eventfd, semaphore, switch, IPI, idle exit) must not
 * stop simulated time: pingpong.job and a semaphore ring once ran for ever at one instant.
 */
Test(jobs, zero_costs_do_not_stop_simulated_time, .timeout = 120)
{
	static const char *const texts[] = { NULL, "sem 1\n" };
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/workloads/jobs/pingpong.job", getenv("SCXLAB_SRC"));
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		static struct job job;
		struct job_window windows[JOB_MAX_ENTRIES];
		struct sim_topology topo;
		struct sim_config cfg;
		struct stressor_costs costs, dflt;
		uint64_t total, ops = 0;

		if (texts[i])
			cr_assert_eq(job__parse_text(&job, "sem.job", texts[i], err, sizeof(err)), 0, "%s", err);
		else
			cr_assert_eq(job__parse_file(&job, path, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(sim_topology__parse(&topo, "8cpu-2llc", err, sizeof(err)), 0);
		sim_config__defaults(&cfg);
		cfg.costs.ctx_switch_ns = cfg.costs.sched_delay_ns = 0;
		cfg.costs.wakeup_ipi_ns = cfg.costs.idle_exit_ns = 0;
		stressor_costs__defaults(&dflt);
		memset(&costs, 0, sizeof(costs));
		costs.cpu_op_ns = dflt.cpu_op_ns; /* a cpu op of no time is refused on its own (an instant loop) */
		struct sim *sim = sim__new(&cfg, &topo);
		sim_topology__destroy(&topo);
		sim__set_current(sim);
		cr_assert_eq(job_workload__add(sim, &job, &costs, 0, windows, &total, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(sim__run_until(sim, 20000000ULL), 0, "job %zu", i);
		cr_assert_eq(sim->loop.now, 20000000ULL, "job %zu stopped at %llu ns", i, (unsigned long long)sim->loop.now);
		for (int t = 0; t < sim->nr_tasks; t++)
			if (strcmp(sim->tasks[t]->beh->name, "cpu"))
				ops += sim->tasks[t]->stats.ops;
		cr_assert_gt(ops, 1000, "job %zu: %llu ops besides cpu's", i, (unsigned long long)ops);
		sim__free(sim);
	}
}
