/*
 * What the IPC models' ops cost and when their wakeups run, from the calibration:
 * - machine.wake_tail_ns: an IPC op's call runs on after its wakeup (the rest of the system
 *   call, its return, the next call's entry) before the waker blocks, so a task it woke on its
 *   own CPU waits that long plus schedule()'s sched_delay_ns, as on the kernel, where the real
 *   probes see 2 us for a switch pair on one CPU. The op's CPU is the same: the tail is taken
 *   from its call's cost, and what the call does not cover from the switch the waker's block
 *   then makes.
 * - pipe_data_write_ns / pipe_data_read_ns: the pipe stressor's 512-byte packets, measured
 *   alone by calibrate; a file without them gives pipe switch's packet costs.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>

#include "sim/core/sim.h"
#include "workloads/job.h"
#include "workloads/job_workload.h"
#include "workloads/stressors/costs.h"

#define MS 1000000ULL

static struct job job;
static struct job_window windows[JOB_MAX_ENTRIES];

/* @text on one CPU for 100 ms with the default costs and @cal_line (lines) as a calibration. */
static struct sim *run_on_one_cpu(const char *text, const char *cal_line)
{
	char path[] = "/tmp/scxlab-wake-tail-XXXXXX", err[512];
	struct stressor_costs costs;
	struct sim_topology topo;
	struct sim_config cfg;
	uint64_t total;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_gt(dprintf(fd, "target test\n%s\n", cal_line), 0);
	close(fd);
	sim_config__defaults(&cfg);
	stressor_costs__defaults(&costs);
	int rc = stressor_costs__load(&costs, &cfg.costs, path, err, sizeof(err));
	unlink(path);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_eq(job__parse_text(&job, "t.job", text, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "1", err, sizeof(err)), 0, "%s", err);
	struct sim *sim = sim__new(&cfg, &topo);
	sim_topology__destroy(&topo);
	sim__set_current(sim);
	cr_assert_eq(job_workload__add(sim, &job, &costs, 100 * MS, windows, &total, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sim__run_until(sim, 100 * MS), 0);
	return sim;
}

static double cpu_per_op(struct sim *sim)
{
	uint64_t ops = 0, cpu = 0;

	for (int i = 0; i < sim->nr_tasks; i++) {
		ops += sim->tasks[i]->stats.ops;
		cpu += sim->tasks[i]->stats.cpu_ns;
	}
	cr_assert_gt(ops, 1000);
	return (double)cpu / (double)ops;
}

/* The median wakeup wait is @v (a percentile is its bucket's top: at most ~3 % above). */
static void assert_p50(struct sim *sim, uint64_t v)
{
	uint64_t p50 = hist__percentile(&sim->wakeup_lat, 50);

	cr_assert(p50 >= v && p50 <= v + v / 32 + 1, "wakeup p50 %llu ns, expected %llu",
		  (unsigned long long)p50, (unsigned long long)v);
}

static void check_tail(const char *text, uint64_t tail)
{
	char line[64];

	snprintf(line, sizeof(line), "machine.wake_tail_ns %llu", (unsigned long long)tail);
	struct sim *base = run_on_one_cpu(text, "machine.wake_tail_ns 0");
	struct sim *with = run_on_one_cpu(text, line);
	uint64_t sd = with->cfg.costs.sched_delay_ns;

	cr_assert_eq(with->cfg.costs.wake_tail_ns, tail);
	/* every wakeup of the pair on one CPU waits schedule()'s path, and now the tail before it */
	assert_p50(base, sd);
	assert_p50(with, sd + tail);
	/* the op costs the same CPU: the tail is part of the call, not more work */
	double a = cpu_per_op(base), b = cpu_per_op(with);
	cr_assert(b > a * 0.999 && b < a * 1.001, "CPU per op %.1f ns without the tail, %.1f with", a, b);
	sim__free(base);
	sim__free(with);
}

Test(wake_tail, a_switch_pair_on_one_cpu_waits_the_wakers_tail_and_schedule)
{
	check_tail("timeout 1s\nswitch 1\n", 500);
}

Test(wake_tail, an_eventfd_pair_on_one_cpu_waits_the_wakers_tail_and_schedule)
{
	check_tail("timeout 1s\neventfd 1\n", 2000);
}

Test(wake_tail, a_tail_longer_than_the_call_goes_on_in_the_blocks_switch)
{
	/* pipe_write_ns 700, pipe_read_ns 650: 800 and 850 of the 1500 before the switch */
	check_tail("timeout 1s\nswitch 1\n", 1500);
}

Test(wake_tail, the_tail_is_at_most_the_call_and_the_switch)
{
	/*
	 * pipe_write_ns 700 and pipe_read_ns 650, ctx_switch_ns 1500 of which sched_delay_ns 300
	 * by default: the writer's wakeups of the reader wait at most 700 + 1500, the reader's of
	 * the writer 650 + 1500, as many of each, and the switch still costs its 1500
	 */
	struct sim *base = run_on_one_cpu("timeout 1s\nswitch 1\n", "machine.wake_tail_ns 0");
	struct sim *sim = run_on_one_cpu("timeout 1s\nswitch 1\n", "machine.wake_tail_ns 100000");
	uint64_t sw = sim->cfg.costs.ctx_switch_ns;
	double a = cpu_per_op(base), b = cpu_per_op(sim);

	cr_assert_geq(hist__percentile(&sim->wakeup_lat, 50), 650 + sw);
	cr_assert_leq(hist__percentile(&sim->wakeup_lat, 50), 700 + sw + (700 + sw) / 32);
	cr_assert(b > a * 0.999 && b < a * 1.001, "CPU per op %.1f ns without the tail, %.1f with", a, b);
	sim__free(base);
	sim__free(sim);
}

/* CPU per packet less the switches the run made (ctx_switch_ns each): the calls' own cost. */
static double calls_per_op(struct sim *sim)
{
	uint64_t ops = 0;

	for (int i = 0; i < sim->nr_tasks; i++)
		ops += sim->tasks[i]->stats.ops;
	return cpu_per_op(sim) - (double)sim->nr_switches * (double)sim->cfg.costs.ctx_switch_ns / (double)ops;
}

Test(pipe_costs, the_pipe_stressor_takes_its_own_packet_costs)
{
	/* pipe_write_ns 700 + pipe_read_ns 650 by default */
	struct sim *borrowed = run_on_one_cpu("timeout 1s\npipe 1\n", "");
	struct sim *own = run_on_one_cpu("timeout 1s\npipe 1\n", "pipe_data_write_ns 1200\npipe_data_read_ns 900");
	double a = calls_per_op(borrowed), b = calls_per_op(own);

	cr_assert(a > 1350 * 0.99 && a < 1350 * 1.01, "borrowed: %.1f ns per packet", a);
	cr_assert(b > 2100 * 0.99 && b < 2100 * 1.01, "its own: %.1f ns per packet", b);
	sim__free(borrowed);
	sim__free(own);
}

Test(pipe_costs, switch_keeps_its_packet_costs_beside_the_pipes)
{
	struct sim *a = run_on_one_cpu("timeout 1s\nswitch 1\n", "");
	struct sim *b = run_on_one_cpu("timeout 1s\nswitch 1\n", "pipe_data_write_ns 1200\npipe_data_read_ns 900");

	cr_assert_eq(cpu_per_op(a), cpu_per_op(b));
	sim__free(a);
	sim__free(b);
}
