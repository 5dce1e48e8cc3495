/*
 * Faults and the fallback: faults injected from outside the policy give the kernel's exit
 * kinds and texts in the simulator, the result's fault section says when and what became of
 * the tasks, and the fault matrix passes on the simulator and in the sched_ext guest with the
 * same kind in both worlds, no task lost, and the stalls ejected between T and 1.5 T - the
 * daemon's faults included (a stalled daemon leaves scxl_user on its fallback, one without a
 * fallback or without a daemon is ejected by the watchdog, a crashed one unregisters it).
 */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/results/result_read.h"
#include "test_helpers.h"

struct inject_case {
	char spec[32];
	char kind_name[32];
	char reason[48];
	char msg[64];
	int restarts_min;
};

static struct inject_case inject_cases[] = {
	{ "unreg@1s", "SCX_EXIT_UNREG", "unregistered from user space", "", 0 },
	{ "sysrq@1s", "SCX_EXIT_SYSRQ", "disabled by sysrq-S", "", 0 },
	{ "offline:1@1s", "SCX_EXIT_UNREG_KERN", "unregistered from the main kernel",
	  "cpu 1 going offline, exiting scheduler", 1 },
	{ "error@1s", "SCX_EXIT_ERROR", "runtime error", "injected by scxlab at 1.000s", 0 },
};

ParameterizedTestParameters(faults, injected_from_outside)
{
	return cr_make_param_array(struct inject_case, inject_cases, sizeof(inject_cases) / sizeof(inject_cases[0]));
}

ParameterizedTest(struct inject_case *c, faults, injected_from_outside)
{
	const char *src = getenv("SCXLAB_SRC");
	char job[4200], policy[4200], out[600], log[700], path[700], s[256];
	double v;

	snprintf(job, sizeof(job), "%s/workloads/jobs/fault-6s.job", src);
	snprintf(policy, sizeof(policy), "%s/sched/scxl_vtime.bpf.c", src);
	snprintf(out, sizeof(out), "%s/run", th_tmpdir());
	snprintf(log, sizeof(log), "%s.log", out);
	cr_assert_eq(th_scxlab(log, "run", "--policy", policy, "--job", job, "--topology", "2", "--inject", c->spec,
			       "--out", out, "--quiet", NULL), 0, "%s", c->spec);
	snprintf(path, sizeof(path), "%s/result.json", out);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc);
	cr_assert_eq(result_read__string(doc, "fault", "kind_name", s, sizeof(s)), 0);
	cr_assert_str_eq(s, c->kind_name, "%s", c->spec);
	cr_assert_eq(result_read__string(doc, "fault", "reason", s, sizeof(s)), 0);
	cr_assert_str_eq(s, c->reason);
	cr_assert_eq(result_read__string(doc, "fault", "msg", s, sizeof(s)), 0);
	cr_assert_str_eq(s, c->msg);
	cr_assert_eq(result_read__number(doc, "fault", "injected_at_ns", &v), 0);
	cr_assert_eq(v, 1e9);
	cr_assert_eq(result_read__number(doc, "fault", "ejected_at_ns", &v), 0);
	cr_assert_eq(v, 1e9, "ejected at the injection");
	cr_assert_eq(result_read__number(doc, "fault", "tasks_lost", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(result_read__number(doc, "fault", "tasks_at_ejection", &v), 0);
	cr_assert_gt(v, 0);
	cr_assert_eq(result_read__number(doc, "sched_ext", "restarts", &v), 0);
	cr_assert_geq(v, c->restarts_min);
	/* the workload carried on: every stressor has its bogo-ops */
	for (const char *p = strstr(doc, "\"bogo_ops\": "); p; p = strstr(p + 1, "\"bogo_ops\": "))
		cr_assert_gt(strtoll(p + 12, NULL, 10), 0);
	free(doc);
}

Test(faults, unknown_injection_is_refused)
{
	char log[600];

	snprintf(log, sizeof(log), "%s/bad.log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--inject", "meteor@1s", NULL), 2);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "unknown fault 'meteor'"), "%s", msg);
	free(msg);
}

/* Where the matrix's row for @class records @target, and the number after @field there. */
static const char *matrix_cell(const char *json, const char *class, const char *target)
{
	char key[96];
	const char *row;

	snprintf(key, sizeof(key), "\"class\": \"%s\"", class);
	row = strstr(json, key);
	cr_assert_not_null(row, "no row %s", class);
	snprintf(key, sizeof(key), "\"%s\": { \"kind\"", target);
	row = strstr(row, key);
	cr_assert_not_null(row, "%s %s", class, target);
	return row;
}

static double matrix_number(const char *json, const char *class, const char *target, const char *field)
{
	char key[96];
	const char *at;

	snprintf(key, sizeof(key), "\"%s\": ", field);
	at = strstr(matrix_cell(json, class, target), key);
	cr_assert_not_null(at);
	return strtod(at + strlen(key), NULL);
}

static bool matrix_kind_is(const char *json, const char *class, const char *target, const char *kind)
{
	char key[96];

	snprintf(key, sizeof(key), "\"kind\": \"%s\"", kind);
	return !strncmp(strstr(matrix_cell(json, class, target), "\"kind\": "), key, strlen(key));
}

Test(faults, matrix_passes_in_the_simulator_and_the_guest, .timeout = 1800)
{
	char out[600], log[700], path[700];

	snprintf(out, sizeof(out), "%s/matrix", th_tmpdir());
	snprintf(log, sizeof(log), "%s.log", out);
	int rc = th_scxlab(log, "fault", "--matrix", "--targets", "sim,vm", "--out", out, "--quiet", NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", text);
	cr_assert_not_null(strstr(text, "PASSED: 0 of 30 rows failed"), "%s", text);
	free(text);

	snprintf(path, sizeof(path), "%s/matrix.json", out);
	char *json = th_read_file(path, NULL);
	cr_assert_not_null(json);
	cr_assert_not_null(strstr(json, "\"failed\": 0"));
	/* stalls: ejected within [T, 1.5 T] (+ a tick, + in the guest the slack for polling and the
	 * watchdog's late kworker: 300 ms in a TCG guest, the only kind these machines boot) of
	 * the stall's start; no-daemon's from the load */
	static const char *const stalls[] = { "stall", "daemon-stall-strict", "no-daemon" };
	for (int i = 0; i < 3; i++) {
		for (int t = 0; t < 2; t++) {
			const char *target = t ? "vm" : "sim";
			double tte = matrix_number(json, stalls[i], target, "time_to_ejection_ns");
			cr_assert(tte >= 2.0e9 && tte <= 3.0e9 + 4e6 + (t ? 300e6 : 0), "%s %s: ejected %.3f s after the stall began",
				  stalls[i], target, tte / 1e9);
			cr_assert(matrix_kind_is(json, stalls[i], target, "SCX_EXIT_ERROR_STALL"), "%s %s", stalls[i], target);
		}
	}
	/* the daemon's faults: the same verdict in both worlds, no task lost */
	for (int t = 0; t < 2; t++) {
		const char *target = t ? "vm" : "sim";
		cr_assert(matrix_kind_is(json, "daemon-stall", target, "SCX_EXIT_NONE"), "%s: the fallback kept it", target);
		cr_assert(matrix_kind_is(json, "daemon-crash", target, "SCX_EXIT_UNREG"), "%s", target);
		cr_assert_eq(matrix_number(json, "daemon-stall", target, "tasks_lost"), 0);
		cr_assert_eq(matrix_number(json, "daemon-crash", target, "tasks_lost"), 0);
	}
	free(json);
	snprintf(path, sizeof(path), "%s/matrix.csv", out);
	char *csv = th_read_file(path, NULL);
	int lines = 0;
	for (const char *p = csv; p && *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 16, "header + 15 classes");
	free(csv);
}
