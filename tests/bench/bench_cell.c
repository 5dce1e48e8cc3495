/*
 * One cell of the scaling benchmark, run in a forked child: set up the machine, the policy and
 * the built-in workload (3/4 of the tasks CPU hogs, 1/4 in ping-pong pairs), run the simulated
 * period, then finish as `scxlab run` does (unload the policy, snapshot the results, write
 * result.json to a temporary directory). Each phase is timed apart; the parent reads the
 * figures from a pipe and the child's peak RSS from wait4().
 */
#include "tests/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/results/run_result.h"
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

static int fail(const char *what, const char *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err);
	return -1;
}

static void remove_tree(const char *dir)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/result.json", dir);
	unlink(path);
	rmdir(dir);
}

static int cell_measure(const struct bench_cell *c, struct bench_figures *f)
{
	struct sim_topology topo;
	struct sim_config cfg;
	struct builtin_workload wl;
	struct sim_policy *pol = NULL;
	struct sched_ext_ops *ops = NULL;
	struct run_info info = { 0 };
	char spec[16], path[4096], err[512], dir[] = "/tmp/scxlab-bench-XXXXXX";
	const char *so = bench_policy__path(c->policy, path, sizeof(path));
	double t0 = bench__wall(), t1, t2, c0 = bench__cpu(), c1, c2;

	if (c->topology)
		snprintf(spec, sizeof(spec), "%s", c->topology);
	else
		snprintf(spec, sizeof(spec), "%d", c->cpus);
	if (sim_topology__parse(&topo, spec, err, sizeof(err)))
		return fail(spec, err);
	if (so) {
		pol = sim_policy__open(so, c->cpus, err, sizeof(err));
		if (!pol)
			return fail(so, err);
		sim_policy__apply_topology(pol, &topo);
		if (sim_policy__freeze(pol, err, sizeof(err)))
			return fail(so, err);
		ops = sim_policy__ops(pol);
	} else if (c->policy == BENCH_FIFO) {
		ops = &fifo_ops;
	}
	sim_config__defaults(&cfg);
	cfg.duration_ns = c->sim_ns;
	struct sim *sim = sim__new(&cfg, &topo);
	if (!sim)
		return fail("sim__new", "out of memory");
	sim__set_current(sim);
	if (ops && scx_sched__attach(sim, ops, bench_policy__label(c->policy), err, sizeof(err)))
		return fail("attach", err);
	builtin_workload__defaults(&wl, topo.nr_cpus);
	wl.pairs = c->hogs_only ? 0 : c->tasks / 8;
	wl.hogs = c->tasks - 2 * wl.pairs;
	if (builtin_workload__add(sim, &wl))
		return fail("workload", "out of memory");

	t1 = bench__wall();
	c1 = bench__cpu();
	if (sim__run_until(sim, c->sim_ns))
		return fail("run", sim->fatal);
	t2 = bench__wall();
	c2 = bench__cpu();
	f->events = sim->loop.nr_fired;
	f->decisions = sim->nr_switches;

	info.target = "sim";
	info.policy_path = so;
	info.policy = pol;
	info.topology_spec = spec;
	info.topo = &topo;
	info.workload = &wl;
	info.version = "bench";
	if (run_result__snapshot(&info, sim))
		return fail("snapshot", "out of memory");
	if (pol && scx_sched__enabled(sim)) {
		scx_sched__request_exit(sim, SCX_EXIT_UNREG, 0, "%s", "");
		sim__run_until(sim, sim__now(sim) + sim->cfg.costs.scx_disable_ns + 1);
	}
	run_result__finish(&info, sim);
	if (!mkdtemp(dir))
		return fail("mkdtemp", "cannot create a temporary directory");
	if (run_result__write(&info, dir, err, sizeof(err)))
		return fail("result.json", err);
	remove_tree(dir);
	run_result__free(&info);
	sim__free(sim);
	if (pol)
		sim_policy__close(pol);
	sim_topology__destroy(&topo);

	f->setup_s = t1 - t0;
	f->loop_s = t2 - t1;
	f->finish_s = bench__wall() - t2;
	f->setup_cpu_s = c1 - c0;
	f->loop_cpu_s = c2 - c1;
	f->finish_cpu_s = bench__cpu() - c2;
	f->ok = 1;
	return 0;
}

int bench_cell__run(const struct bench_cell *cell, struct bench_figures *out)
{
	struct rusage ru;
	int fds[2], status;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct bench_figures f = { 0 };
		close(fds[0]);
		cell_measure(cell, &f);
		if (write(fds[1], &f, sizeof(f)) != (ssize_t)sizeof(f))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, sizeof(*out)) != (ssize_t)sizeof(*out))
		out->ok = 0;
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		out->ok = 0;
	out->peak_rss_kib = ru.ru_maxrss;
	return out->ok ? 0 : -1;
}
