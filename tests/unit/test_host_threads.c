/*
 * machine.host_threads: the CPUs of an emulated guest (QEMU's TCG in one thread) share host
 * threads, so two busy vCPUs each get half of one, and a vCPU busy alone gets all of it.
 * CPU time (as the guest accounts it) runs at wall speed either way; the work done halves.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"
#include "workloads/stressors/costs.h"

#define MS 1000000ULL

static struct job job;
static struct job_window windows[JOB_MAX_ENTRIES];

/* cpu ops and CPU time of @text's tasks on 2 CPUs for 200 ms, with @host_threads */
static void run(const char *text, uint64_t host_threads, uint64_t *ops, uint64_t *cpu_ns)
{
	struct sim_topology topo;
	struct sim_config cfg;
	struct stressor_costs costs;
	char err[512];
	uint64_t total;

	cr_assert_eq(job__parse_text(&job, "t.job", text, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "2", err, sizeof(err)), 0, "%s", err);
	sim_config__defaults(&cfg);
	cfg.costs.host_threads = host_threads;
	stressor_costs__defaults(&costs);
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	sim__set_current(sim);
	cr_assert_eq(job_workload__add(sim, &job, &costs, 200 * MS, windows, &total, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim__run_until(sim, 200 * MS), 0);
	*ops = *cpu_ns = 0;
	for (int i = 0; i < sim->nr_tasks; i++) {
		*ops += sim->tasks[i]->stats.ops;
		*cpu_ns += sim->tasks[i]->stats.cpu_ns;
	}
	sim__free(sim);
}

Test(host_threads, two_busy_vcpus_on_one_host_thread_each_run_at_half_speed)
{
	uint64_t real_ops, real_cpu, shared_ops, shared_cpu;

	run("cpu 2\n", 0, &real_ops, &real_cpu);
	run("cpu 2\n", 1, &shared_ops, &shared_cpu);
	cr_assert_gt(real_ops, 20, "%llu ops", (unsigned long long)real_ops);
	/* both vCPUs are busy the whole time either way: the guest sees the same CPU time */
	cr_assert(shared_cpu * 100 >= real_cpu * 95 && shared_cpu * 100 <= real_cpu * 105, "cpu %llu vs %llu",
		  (unsigned long long)shared_cpu, (unsigned long long)real_cpu);
	/* ... and gets half the work done in it */
	cr_assert(shared_ops * 100 >= real_ops * 45 && shared_ops * 100 <= real_ops * 55, "ops %llu vs %llu",
		  (unsigned long long)shared_ops, (unsigned long long)real_ops);
}

Test(host_threads, a_vcpu_busy_alone_gets_the_whole_host_thread)
{
	uint64_t real_ops, real_cpu, shared_ops, shared_cpu;

	run("cpu 1\n", 0, &real_ops, &real_cpu);
	run("cpu 1\n", 1, &shared_ops, &shared_cpu);
	cr_assert_gt(real_ops, 10, "%llu ops", (unsigned long long)real_ops);
	cr_assert(shared_ops * 100 >= real_ops * 97, "ops %llu vs %llu alone", (unsigned long long)shared_ops,
		  (unsigned long long)real_ops);
}

Test(host_threads, the_calibration_file_sets_it)
{
	char path[] = "/tmp/scxlab-host-threads-XXXXXX";
	int fd = mkstemp(path);
	struct stressor_costs c;
	struct sim_config cfg;
	char err[256];

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "target vm\nmachine.host_threads 1\n", 34), 34);
	close(fd);
	stressor_costs__defaults(&c);
	sim_config__defaults(&cfg);
	cr_assert_eq(cfg.costs.host_threads, 0, "real CPUs by default");
	cr_assert_eq(stressor_costs__load(&c, &cfg.costs, path, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert_eq(cfg.costs.host_threads, 1);
}
