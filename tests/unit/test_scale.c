/*
 * Scale: the simulator takes its largest layouts (512 CPUs in 4 NUMA nodes) with 100,000
 * tasks, under the fair class and under a policy, and every CPU does work.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/result_read.h"
#include "test_helpers.h"

static void check_big(const char *policy)
{
	char out[600], log[700], path[700], pol[4200];
	double v;

	snprintf(out, sizeof(out), "%s/big", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(pol, sizeof(pol), "%s/sched/%s.bpf.c", getenv("SCXLAB_SRC"), policy ? policy : "");
	if (policy)
		cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--topology", "512cpu-4node", "--hogs", "99000", "--pairs",
				       "500", "--duration", "10ms", "--out", out, "--quiet", NULL), 0);
	else
		cr_assert_eq(th_scxlab(log, "run", "--topology", "512cpu-4node", "--hogs", "99000", "--pairs", "500",
				       "--duration", "10ms", "--out", out, "--quiet", NULL), 0);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc);
	cr_assert_eq(result_read__number(doc, "topology", "cpus", &v), 0);
	cr_assert_eq(v, 512);
	cr_assert_eq(result_read__number(doc, "topology", "nodes", &v), 0);
	cr_assert_eq(v, 4);
	cr_assert_eq(result_read__number(doc, "summary", "tasks", &v), 0);
	cr_assert_eq(v, 100000);
	/* every CPU was busy: count the cpus[] rows with busy_ns > 0 */
	int busy = 0;
	for (const char *p = strstr(doc, "\"cpus\": ["); p && (p = strstr(p, "\"busy_ns\": ")); p++)
		busy += strtoll(p + strlen("\"busy_ns\": "), NULL, 10) > 0;
	cr_assert_eq(busy, 512, "%d of 512 CPUs did work", busy);
	free(doc);
}

Test(scale, cpus_512_tasks_100k_fair, .timeout = 600)
{
	check_big(NULL);
}

Test(scale, cpus_512_tasks_100k_under_a_policy, .timeout = 600)
{
	check_big("scxl_llc");
}
