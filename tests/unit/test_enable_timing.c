/*
 * A timed enable transition: with the calibration's machine.scx_enable_task_ns (and
 * machine.scx_enable_tasks, the target's own tasks), the kernel's enable takes simulated time
 * after ops.init, in bypass mode (no ops.select_cpu; BPF timers fire), and the workload, which
 * the loader starts when its attach call returns, starts at its end. The fixture
 * tests/policies/enable_order ends with an error naming what came first: its 10 ms timer or
 * an ops.select_cpu.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#define ORDER "policies/tests/policies/enable_order.sim.so"
#define TRANSITION "policies/tests/policies/enable_transition.sim.so"

/* A calibration with only the enable costs (every other cost its default). */
static const char *enable_cal(const char *name, const char *per_task, const char *tasks)
{
	char text[256];

	snprintf(text, sizeof(text), "machine.scx_enable_task_ns %s\nmachine.scx_enable_tasks %s\n", per_task, tasks);
	return th_write_tmp(name, text);
}

/* Run @policy on 2 hogs and 1 pair for 200 ms (extra arguments @a1..@a4, NULL after the last); result.json's text. */
static char *run(const char *policy, const char *name, const char *expect, const char *a1, const char *a2,
		 const char *a3, const char *a4)
{
	char dir[4096], log[4200], path[4300];

	snprintf(dir, sizeof(dir), "%s/%s", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", dir);
	int rc = th_scxlab(log, "run", "--policy", th_build_path(policy), "--hogs", "2", "--pairs", "1", "--duration",
			   "200ms", "--quiet", "--expect-exit", expect, "--out", dir, a1, a2, a3, a4, NULL);
	char *out = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "scxlab run failed (%d):\n%s", rc, out ? out : "");
	free(out);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	char *doc = th_read_file(path, NULL);
	cr_assert_not_null(doc);
	return doc;
}

/* The exit record's at_ns (the first "at_ns" of result.json). */
static unsigned long long exit_at(const char *doc)
{
	const char *at = strstr(doc, "\"at_ns\": ");

	cr_assert_not_null(at, "%s", doc);
	return strtoull(at + strlen("\"at_ns\": "), NULL, 10);
}

Test(enable_timing, an_instant_enable_lets_the_first_wakeup_call_select_cpu_at_the_attach)
{
	char *doc = run(ORDER, "instant", "SCX_EXIT_ERROR_BPF", NULL, NULL, NULL, NULL);

	cr_assert(strstr(doc, "ops.select_cpu came first"), "%s", doc);
	cr_assert_lt(exit_at(doc), 1000000ULL, "%s", doc); /* the workload's first wakeup */
	free(doc);
}

Test(enable_timing, a_timer_armed_in_ops_init_fires_during_a_long_enable_and_no_select_cpu_runs)
{
	/* 64 tasks of 1 ms: the enable ends at 64 ms, past the 10 ms timer */
	char *doc = run(ORDER, "long", "SCX_EXIT_ERROR_BPF", "--calibration", enable_cal("long.cal", "1000000", "64"), NULL, NULL);

	cr_assert(strstr(doc, "the timer came first"), "%s", doc);
	cr_assert(strstr(doc, "\"at_ns\": 10000000,"), "%s", doc);
	cr_assert(strstr(doc, "\"scx_enable_task_ns\": 1000000"), "%s", doc);
	free(doc);
}

Test(enable_timing, the_workload_starts_when_a_short_enable_returns)
{
	/* 20 tasks of 100 us: the attach returns at 2 ms, and the first fork wakes then */
	char *doc = run(ORDER, "short", "SCX_EXIT_ERROR_BPF", "--calibration", enable_cal("short.cal", "100000", "20"), NULL, NULL);

	cr_assert(strstr(doc, "ops.select_cpu came first"), "%s", doc);
	cr_assert(strstr(doc, "\"at_ns\": 2000000,"), "%s", doc);
	free(doc);
}

Test(enable_timing, the_tasks_that_exist_at_the_attach_count_and_switch_at_its_end)
{
	/* 4 hogs' worth of tasks exist at 50 ms (2 hogs + 2 of a pair = 4), none of the target's:
	 * 4 x 1 ms, the passes at 54 ms; the fixture reports at its first ops.dispatch */
	char *doc = run(TRANSITION, "existing", "unreg_bpf", "--attach-at", "50ms", "--calibration",
			enable_cal("existing.cal", "1000000", "0"));
	cr_assert(strstr(doc, "\"transitions=4 forks=0 enabled=4\""), "%s", doc);
	unsigned long long ns = exit_at(doc);
	cr_assert(ns >= 54000000ULL && ns < 55000000ULL, "the first ops.dispatch at %llu ns, not after the enable", ns);
	free(doc);
}
