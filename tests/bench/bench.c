/*
 * `make bench`: the simulator's scaling benchmark. A table over CPUs {8, 64, 512} x tasks
 * {64, 4096, 100000} for the fair model alone, a global-FIFO sched_ext policy written as a C
 * ops table, the kernel's scx_simple example and the project's scxl_vtime and scxl_llc (all
 * three compiled .sim.so through the loader and the BPF runtime), on the built-in workload.
 *
 * Per cell: simulated seconds per wall second of the loop, scheduling decisions (context
 * switches) per wall second and the wall time per decision relative to the C-ops FIFO's in the
 * same cell, events per wall second beside the bare event heap's floor at that CPU count, the
 * setup / loop / finish wall times (finish: unload, results, result.json) and the peak RSS per
 * task. Figures only: nothing here passes or fails.
 *
 * After the table, the reference cell a published simulator reports (384 CPUs x 768 tasks,
 * flat and dual-socket; see run_reference()).
 *
 * The default is a quick run (a few minutes on 2 cores); SCXLAB_BENCH_FULL=1 simulates 10x
 * longer per cell (1 s at 100,000 tasks; the reference cell 5 s). SCXLAB_BENCH_POLICIES=fair,simple limits the
 * policies, SCXLAB_BENCH_CPUS=512 and SCXLAB_BENCH_TASKS=4096 the sizes.
 */
#include "tests/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bench__wall(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

double bench__cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static const char *const labels[BENCH_NR_POLICIES] = {
	[BENCH_FAIR] = "fair", [BENCH_FIFO] = "fifo", [BENCH_SIMPLE] = "simple",
	[BENCH_VTIME] = "vtime", [BENCH_LLC] = "llc",
};

const char *bench_policy__label(enum bench_policy p)
{
	return labels[p];
}

/* scx_simple is built from the kernel's examples by the Makefile's bench target. */
const char *bench_policy__path(enum bench_policy p, char *buf, unsigned long len)
{
	const char *build = getenv("SCXLAB_BUILD") ? getenv("SCXLAB_BUILD") : "build";

	switch (p) {
	case BENCH_SIMPLE:
		snprintf(buf, len, "%s/policies/examples/scx_simple.sim.so", build);
		return buf;
	case BENCH_VTIME:
		snprintf(buf, len, "%s/policies/sched/scxl_vtime.sim.so", build);
		return buf;
	case BENCH_LLC:
		snprintf(buf, len, "%s/policies/sched/scxl_llc.sim.so", build);
		return buf;
	default:
		return NULL;
	}
}

/* Is @word in the comma-separated list of $@env (unset: everything)? */
static int selected(const char *env, const char *word)
{
	const char *list = getenv(env);
	size_t n = strlen(word);

	if (!list || !*list)
		return 1;
	for (const char *s = list; s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
		if (!strncmp(s, word, n) && (s[n] == ',' || !s[n]))
			return 1;
	return 0;
}

/* Fewer decisions than this in a cell (100,000 hogs on few CPUs): no per-decision ratio. */
#define MIN_DECISIONS 1000

static uint64_t cell_sim_ns(int tasks, int full)
{
	uint64_t ms = tasks <= 64 ? 1000 : tasks <= 4096 ? 200 : 100;
	return ms * 1000000ULL * (full ? 10 : 1);
}

static void print_header(void)
{
	printf("%-6s %4s %6s %6s | %8s %10s %6s %10s %10s %6s | %7s %7s %7s %5s | %7s %7s %5s |"
	       " %7s %6s\n",
	       "policy", "cpus", "tasks", "sim-s", "sim/wall", "decis/s", "xFIFO", "events/s",
	       "floor", "%flr", "setup-s", "loop-s", "fin-s", "fin%", "loop-c", "fin-c", "fin%c",
	       "RSS-MiB", "B/task");
}

/*
 * Run @cell and print its row; @fifo_ns is the FIFO's wall time per decision in the same cell
 * (0: none to compare with), set when @cell is the FIFO. A failed cell prints "failed".
 */
static void run_row(const struct bench_cell *cell, double floor, double *fifo_ns)
{
	const char *label = labels[cell->policy];
	struct bench_figures f;
	double total, ns_per;

	if (bench_cell__run(cell, &f)) {
		printf("%-6s %4d %6d  failed\n", label, cell->cpus, cell->tasks);
		return;
	}
	total = f.setup_s + f.loop_s + f.finish_s;
	ns_per = f.decisions ? f.loop_s * 1e9 / (double)f.decisions : 0;
	if (cell->policy == BENCH_FIFO && f.decisions >= MIN_DECISIONS)
		*fifo_ns = ns_per;
	printf("%-6s %4d %6d %6.2f | %8.2f %10.0f %6.2f %10.0f %10.0f %5.1f%% |"
	       " %7.2f %7.2f %7.2f %4.1f%% | %7.2f %7.2f %4.1f%% | %7.1f %6.0f\n",
	       label, cell->cpus, cell->tasks, cell->sim_ns / 1e9,
	       cell->sim_ns / 1e9 / f.loop_s, f.decisions / f.loop_s,
	       *fifo_ns > 0 && f.decisions >= MIN_DECISIONS ? ns_per / *fifo_ns : 0,
	       f.events / f.loop_s, floor,
	       100.0 * f.events / f.loop_s / floor, f.setup_s, f.loop_s, f.finish_s,
	       100.0 * f.finish_s / total, f.loop_cpu_s, f.finish_cpu_s,
	       100.0 * f.finish_cpu_s / (f.setup_cpu_s + f.loop_cpu_s + f.finish_cpu_s),
	       f.peak_rss_kib / 1024.0, f.peak_rss_kib * 1024.0 / cell->tasks);
	fflush(stdout);
}

/*
 * The cell Meta's Rust sched_ext simulator publishes: 384 CPUs x 768 tasks, 5 simulated
 * seconds in 1.27 s of wall time on a flat topology and 2.6 s on a dual-socket one, with
 * scx_simple-like schedulers. Their workload is not published with the figure, so this runs
 * two: the built-in mix (576 hogs + 96 ping-pong pairs of 20 us turns) and 768 CPU hogs (two
 * per CPU, slice expiries only), on one LLC of 384 CPUs and on two sockets of 96 SMT-2 cores
 * (one LLC each), for scx_simple and scxl_vtime.
 */
static void run_reference(int full)
{
	static const char *const topologies[] = { "384", "2x1x96x2" };
	static const enum bench_policy policies[] = { BENCH_SIMPLE, BENCH_VTIME };

	if (!selected("SCXLAB_BENCH_CPUS", "384") || !selected("SCXLAB_BENCH_TASKS", "768"))
		return;
	printf("\nreference cell (Meta's Rust simulator: 384 CPUs x 768 tasks, 5 s simulated in"
	       " 1.27 s wall flat, 2.6 s dual-socket: 3.9 and 1.9 sim-s/wall-s)\n");
	double floor = bench_floor__events_per_s(2 * 384, BENCH_FLOOR_UNIFORM);
	for (int hogs_only = 0; hogs_only < 2; hogs_only++) {
		for (size_t ti = 0; ti < sizeof(topologies) / sizeof(topologies[0]); ti++) {
			printf("topology %s, %s\n", topologies[ti],
			       hogs_only ? "768 hogs" : "576 hogs + 96 pairs");
			print_header();
			for (size_t pi = 0; pi < sizeof(policies) / sizeof(policies[0]); pi++) {
				struct bench_cell cell = { policies[pi], 384, 768,
							   (full ? 5000 : 1000) * 1000000ULL,
							   topologies[ti], hogs_only };
				double no_fifo = 0;

				if (selected("SCXLAB_BENCH_POLICIES", labels[policies[pi]]))
					run_row(&cell, floor, &no_fifo);
			}
		}
	}
}

int main(void)
{
	static const int cpus[] = { 8, 64, 512 }, tasks[] = { 64, 4096, 100000 };
	int full = getenv("SCXLAB_BENCH_FULL") && atoi(getenv("SCXLAB_BENCH_FULL"));
	char num[16];

	printf("scxlab scaling benchmark (%s; built-in workload: 3/4 CPU hogs, 1/4 ping-pong pairs)\n",
	       full ? "full" : "quick: SCXLAB_BENCH_FULL=1 for 10x longer cells");
	printf("decisions = context switches; xFIFO = wall time per decision / the C-ops FIFO's"
	       " (0: under %d decisions); floor = the bare event queue's events/s (delays 1 us - 1 ms);\n"
	       "-s = wall seconds, -c = CPU seconds of the cell's process (the machine may be"
	       " shared)\n\n", MIN_DECISIONS);
	for (size_t ci = 0; ci < sizeof(cpus) / sizeof(cpus[0]); ci++) {
		snprintf(num, sizeof(num), "%d", cpus[ci]);
		if (selected("SCXLAB_BENCH_CPUS", num))
			printf("floor at %d CPUs: %.1f M events/s with delays of 1 us - 1 ms (the %%flr"
			       " column), %.1f M with the mixed cell's delays\n", cpus[ci],
			       bench_floor__events_per_s(2 * cpus[ci], BENCH_FLOOR_UNIFORM) / 1e6,
			       bench_floor__events_per_s(2 * cpus[ci], BENCH_FLOOR_MIXED) / 1e6);
	}
	for (size_t ci = 0, header = 0; ci < sizeof(cpus) / sizeof(cpus[0]); ci++) {
		snprintf(num, sizeof(num), "%d", cpus[ci]);
		if (!selected("SCXLAB_BENCH_CPUS", num))
			continue;
		if (!header++)
			print_header();
		double floor = bench_floor__events_per_s(2 * cpus[ci], BENCH_FLOOR_UNIFORM);
		for (size_t ti = 0; ti < sizeof(tasks) / sizeof(tasks[0]); ti++) {
			double fifo_ns = 0; /* 0: the FIFO did not run or decided too rarely to compare */

			snprintf(num, sizeof(num), "%d", tasks[ti]);
			if (!selected("SCXLAB_BENCH_TASKS", num))
				continue;
			for (int p = 0; p < BENCH_NR_POLICIES; p++) {
				struct bench_cell cell = { p, cpus[ci], tasks[ti], cell_sim_ns(tasks[ti], full), NULL, 0 };

				if (selected("SCXLAB_BENCH_POLICIES", labels[p]))
					run_row(&cell, floor, &fifo_ns);
			}
		}
	}
	run_reference(full);
	return 0;
}
