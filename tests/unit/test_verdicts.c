/*
 * A failing policy is a failing result: `scxlab run` exits 3 on an error exit (naming the
 * callback, the task and the policy's source line), and 0 when that exit was expected; the
 * kernel's debug dump with the policy's ops.dump*() text is in result.json; a task the policy
 * never dispatches fails the run before the watchdog could see it, while tasks that carried on
 * under the fair class are not counted as lost; compare, sweep, check and merge count policy
 * failures and refuse bad or unlike input (exit 2) without touching what is already written;
 * the JUnit XML is read by a real consumer (python3-junitparser).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/results/result_read.h"
#include "test_helpers.h"

static char *result_of(const char *dir)
{
	char path[800];
	snprintf(path, sizeof(path), "%s/result.json", dir);
	char *doc = result_read__file(path);
	cr_assert_not_null(doc, "%s has no result.json", dir);
	return doc;
}

static void expect_string(const char *doc, const char *obj, const char *key, const char *want)
{
	char got[1024];
	cr_assert_eq(result_read__string(doc, obj, key, got, sizeof(got)), 0, "%s.%s is missing", obj, key);
	cr_assert_str_eq(got, want, "%s.%s", obj, key);
}

Test(verdicts, an_error_exit_fails_the_run_and_says_where, .timeout = 120)
{
	const char *pol = th_src_path("sched/scxl_faulty.bpf.c");
	char out[600], log[700], want[64], site[600];

	snprintf(out, sizeof(out), "%s/err", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--knob", "fault=2", "--duration", "1s", "--out", out,
			       "--quiet", NULL), 3, "a policy error is exit status 3");
	char *doc = result_of(out);
	expect_string(doc, "verdict", "status", "failed");
	expect_string(doc, "fault", "kind_name", "SCX_EXIT_ERROR_BPF");
	expect_string(doc, "fault", "callback", "enqueue");
	/* the policy's own line of the scx_bpf_error() call, from the .sim.so's DWARF */
	snprintf(want, sizeof(want), "scxl_faulty.bpf.c:%d", th_line_of(pol, "scx_bpf_error(\"injected error"));
	cr_assert_eq(result_read__string(doc, "fault", "site", site, sizeof(site)), 0);
	cr_assert(strlen(site) >= strlen(want) && !strcmp(site + strlen(site) - strlen(want), want),
		  "site %s, expected ...%s", site, want);
	cr_assert_not_null(strstr(doc, "\"faulty_enqueue ("), "the call chain names the policy's function");
	double pid;
	cr_assert_eq(result_read__number(doc, "task", "pid", &pid), 0, "the task the callback was about");
	cr_assert_geq(pid, 1000);
	char first[512];
	cr_assert_eq(result_read__string(doc, "verdict", "first_failure", first, sizeof(first)), 0);
	cr_assert_not_null(strstr(first, "in ops.enqueue()"), "%s", first);
	cr_assert_not_null(strstr(first, want), "%s", first);
	free(doc);

	/* expected, it passes; expected otherwise, it fails */
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--knob", "fault=2", "--duration", "1s", "--out", out,
			       "--quiet", "--expect-exit", "SCX_EXIT_ERROR_BPF", NULL), 0);
	doc = result_of(out);
	expect_string(doc, "verdict", "status", "expected");
	free(doc);
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--knob", "fault=2", "--duration", "1s", "--out", out,
			       "--quiet", "--expect-exit", "error_stall", NULL), 3);
	doc = result_of(out);
	cr_assert_eq(result_read__string(doc, "verdict", "first_failure", first, sizeof(first)), 0);
	cr_assert_not_null(strstr(first, "expected SCX_EXIT_ERROR_STALL"), "%s", first);
	free(doc);
	/* an error found applying a verdict after the callback returned still names it and the call */
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--knob", "fault=3", "--duration", "500ms", "--out", out,
			       "--quiet", NULL), 3);
	doc = result_of(out);
	expect_string(doc, "fault", "msg", "non-existent DSQ 0x1234");
	expect_string(doc, "fault", "callback", "enqueue");
	cr_assert_not_null(strstr(doc, "\"deferred\": true"));
	snprintf(want, sizeof(want), "scxl_faulty.bpf.c:%d", th_line_of(pol, "scx_bpf_dsq_insert(p, BOGUS_DSQ"));
	cr_assert_eq(result_read__string(doc, "fault", "site", site, sizeof(site)), 0);
	cr_assert(strlen(site) >= strlen(want) && !strcmp(site + strlen(site) - strlen(want), want),
		  "site %s, expected ...%s (the policy's call, not the shim's inline wrapper)", site, want);
	free(doc);
	/* a policy that runs clean expects no exit */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("sched/scxl_vtime.bpf.c"), "--duration", "500ms",
			       "--out", out, "--quiet", "--expect-exit", "none", NULL), 0);
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("sched/scxl_vtime.bpf.c"), "--duration", "500ms",
			       "--out", out, "--quiet", "--expect-exit", "error_bpf", NULL), 3);
}

Test(verdicts, the_debug_dump_holds_the_policys_own_lines, .timeout = 120)
{
	char out[600], log[700], dump[32768];

	snprintf(out, sizeof(out), "%s/dump", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("tests/policies/starve_one.bpf.c"), "--knob",
			       "error_after=100", "--topology", "2", "--duration", "1s", "--out", out, "--quiet", NULL), 3);
	char *doc = result_of(out);
	cr_assert_eq(result_read__string(doc, "fault", "dump", dump, sizeof(dump)), 0);
	cr_assert_not_null(strstr(dump, "triggered exit kind 1025 on CPU "), "%s", dump);
	cr_assert_not_null(strstr(dump, "\nBacktrace:\n  starve_enqueue (tests/policies/starve_one.bpf.c:"), "%s", dump);
	/* the dump is written when the disable work runs, a little after the error: CPUs may have
	 * enqueued meanwhile, as on the kernel */
	const char *own = strstr(dump, "\n\nstarve_one: ");
	cr_assert_not_null(own, "ops.dump's lines, after a blank line: %s", dump);
	cr_assert_geq(strtol(own + strlen("\n\nstarve_one: "), NULL, 10), 100);
	cr_assert_not_null(strstr(own, " enqueues\nstarve_one: victim -1\n"), "%s", dump);
	cr_assert_not_null(strstr(dump, "\n  busy cpu "), "ops.dump_cpu's line, indented two spaces");
	cr_assert_not_null(strstr(dump, "\n    task 10"), "ops.dump_task's lines, indented four spaces");
	cr_assert_not_null(strstr(dump, "\nCPU states\n----------\n"));
	cr_assert_not_null(strstr(dump, "\nEvent counters\n--------------\n"));
	cr_assert_not_null(strstr(dump, "SCX_EV_BYPASS_ACTIVATE:"));
	free(doc);
}

Test(verdicts, a_task_never_dispatched_fails_the_run_before_the_watchdog, .timeout = 120)
{
	char out[600], log[700], comm[32];
	double v;

	snprintf(out, sizeof(out), "%s/starve", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	/* 4 CPUs: hogs 1000-1003, ping-pong 1004-1007; the policy's watchdog would wait 30 s */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("tests/policies/starve_one.bpf.c"), "--knob",
			       "victim_pid=1003", "--topology", "4", "--duration", "4s", "--out", out, "--quiet", NULL), 3);
	char *doc = result_of(out);
	expect_string(doc, "verdict", "status", "failed");
	cr_assert_eq(result_read__number(doc, "verdict", "starved_tasks", &v), 0);
	cr_assert_eq(v, 1, "exactly the victim");
	const char *list = strstr(doc, "\"starved\": [");
	cr_assert_not_null(list);
	cr_assert_eq(sscanf(strstr(list, "\"pid\": "), "\"pid\": %lf", &v), 1);
	cr_assert_eq(v, 1003);
	cr_assert_eq(sscanf(strstr(list, "\"comm\": "), "\"comm\": \"%31[^\"]\"", comm), 1);
	cr_assert_str_eq(comm, "hog-3");
	cr_assert_eq(sscanf(strstr(list, "\"waited_ns\": "), "\"waited_ns\": %lf", &v), 1);
	cr_assert_gt(v, 3.9e9, "it waited nearly the whole run (%.0f ns)", v);
	cr_assert_not_null(strstr(doc, "\"ejected\": false"), "the watchdog never fired");
	free(doc);
	/* a threshold beyond the run: no failure */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("tests/policies/starve_one.bpf.c"), "--knob",
			       "victim_pid=1003", "--topology", "4", "--duration", "4s", "--out", out, "--quiet",
			       "--starve-after", "10s", NULL), 0);
}

Test(verdicts, tasks_that_carry_on_under_the_fair_class_are_not_lost, .timeout = 120)
{
	char out[600], log[700];
	double v;

	snprintf(out, sizeof(out), "%s/fallback", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	/* a hog per CPU on two of three CPUs: running at the ejection, they keep their CPUs on the
	 * fair class without ever being switched in again */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_src_path("sched/scxl_faulty.bpf.c"), "--knob", "fault=2",
			       "--knob", "fault_after_ns=200000000", "--topology", "3", "--hogs", "2", "--pairs", "1",
			       "--duration", "2s", "--out", out, "--quiet", "--expect-exit", "error_bpf", NULL),
		     0, "the expected exit, and no task lost");
	char *doc = result_of(out);
	cr_assert_eq(result_read__number(doc, "fault", "tasks_at_ejection", &v), 0);
	cr_assert_eq(v, 4);
	cr_assert_eq(result_read__number(doc, "fault", "tasks_lost", &v), 0);
	cr_assert_eq(v, 0);
	const char *hog = strstr(doc, "\"comm\": \"hog-0\"");
	cr_assert_not_null(hog);
	double fair = 0, switches = 0;
	cr_assert_eq(sscanf(strstr(hog, "\"fair_ns\": "), "\"fair_ns\": %lf", &fair), 1);
	cr_assert_eq(sscanf(strstr(hog, "\"switches\": "), "\"switches\": %lf", &switches), 1);
	cr_assert_eq(switches, 1, "switched in once, at the start");
	cr_assert_gt(fair, 1.5e9, "and ran on after the ejection (%.0f ns on fair)", fair);
	free(doc);
}

/* python3-junitparser reads @path; its failures and errors, and no exponent-formatted number. */
static void junit_consumer_check(const char *path, int failures, int errors)
{
	char cmd[2000];
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 -c \"import re,sys; from junitparser import JUnitXml; x=JUnitXml.fromfile('%s');"
		 " f=sum(s.failures for s in x); e=sum(s.errors for s in x); t=sum(s.time for s in x);"
		 " txt=open('%s').read(); sys.exit(0 if f==%d and e==%d and t>=0 and not re.search(r'=\\\"[0-9.]+e[+-]', txt) else 1)\"",
		 path, path, failures, errors);
	cr_assert_eq(system(cmd), 0, "junitparser: %s should hold %d failures and %d errors", path, failures, errors);
}

Test(verdicts, compare_counts_a_policy_that_fails_at_load, .timeout = 300)
{
	char out[600], log[700], junit[700], sum[800];

	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(junit, sizeof(junit), "%s/junit.xml", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "compare", "--policies", th_src_path("tests/policies/init_fails.bpf.c"), "--jobs",
			       th_src_path("workloads/jobs/smoke-3s.job"), "--duration", "300ms", "--topology", "2", "--out", out,
			       "--no-plots", "--quiet", "--junit", junit, NULL),
		     3, "a failing policy is exit status 3");
	snprintf(sum, sizeof(sum), "%s/summary.json", out);
	char *doc = th_read_file(sum, NULL);
	cr_assert_not_null(doc);
	const char *g = strstr(doc, "\"policy\": \"init_fails\", \"job\": \"smoke-3s\"");
	cr_assert_not_null(g, "%s", doc);
	const char *eol = strchr(g, '\n');
	const char *pf = strstr(g, "\"policy_failed\": 1, \"status\": \"policy failed\"");
	cr_assert(pf && pf < eol, "the group is marked: %.*s", (int)(eol - g), g);
	cr_assert_not_null(strstr(doc, "\"policy\": \"default\""), "the baseline ran too");
	free(doc);
	char *log_text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(log_text, "FAILED init_fails on sim"), "the table says so");
	free(log_text);
	char *xml = th_read_file(junit, NULL);
	cr_assert_not_null(strstr(xml, "<failure type=\"policy-failed\""), "%s", xml);
	free(xml);
	junit_consumer_check(junit, 1, 0);
}

Test(verdicts, sweep_finishes_the_others_and_fails, .timeout = 300)
{
	char spec[700], out[600], log[700], merged[700];
	FILE *f;

	snprintf(spec, sizeof(spec), "%s/v.sweep", th_tmpdir());
	snprintf(out, sizeof(out), "%s/sweep", th_tmpdir());
	snprintf(merged, sizeof(merged), "%s/merged", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	f = fopen(spec, "w");
	cr_assert_not_null(f);
	fprintf(f, "policies default %s\njobs builtin\ntopologies 4\nknob victim_pid 1003\nseeds 1-2\nduration 2s\n",
		th_src_path("tests/policies/starve_one.bpf.c"));
	fclose(f);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--quiet", NULL), 3);
	for (int i = 0; i < 4; i++) {
		char path[800];
		snprintf(path, sizeof(path), "%s/runs/%05d/result.json", out, i);
		cr_assert_eq(access(path, R_OK), 0, "run %d finished", i);
	}
	cr_assert_eq(th_scxlab(log, "merge", "--out", merged, "--no-plots", out, NULL), 3, "merge counts them too");
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "(0 failed, 2 with a failing policy)"), "%s", text);
	free(text);
}

Test(verdicts, check_refuses_unlike_inputs_and_bad_input, .timeout = 300)
{
	char a[600], b[600], log[700], base[700], cut[700], junit[700];

	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(base, sizeof(base), "%s/base.json", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--duration", "300ms", "--out", a, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "400ms", "--out", b, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "baseline", a, "--name", base, NULL), 0);
	cr_assert_eq(th_scxlab(NULL, "check", a, "--baseline", base, NULL), 0, "the same run passes");
	cr_assert_eq(th_scxlab(log, "check", b, "--baseline", base, NULL), 2, "other inputs are refused");
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "duration_ns"), "it names what differs: %s", text);
	cr_assert_not_null(strstr(text, "baseline 300000000, here 400000000"), "%s", text);
	free(text);
	cr_assert_neq(th_scxlab(log, "check", b, "--baseline", base, "--allow-different-inputs", NULL), 2);

	/* bad input: each a clear exit 2 */
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--tolerance", "abc", NULL), 2);
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--tolerance", "wakeup_p99_ns=abc", NULL), 2);
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--tolerance", "no_such_metric=5", NULL), 2);
	text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "unknown metric 'no_such_metric'"), "%s", text);
	free(text);
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--tolerance", "wakeup_p99_ns=-5", NULL), 2);
	cr_assert_eq(th_scxlab(log, "baseline", a, "--name", "../../escape", NULL), 2);
	snprintf(junit, sizeof(junit), "%s/no/such/dir/junit.xml", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--junit", junit, NULL), 2, "an unwritable JUnit");
	/* a truncated result is no result */
	snprintf(cut, sizeof(cut), "%s/cut.json", th_tmpdir());
	size_t len;
	char path[800];
	snprintf(path, sizeof(path), "%s/result.json", a);
	char *whole = th_read_file(path, &len);
	FILE *f = fopen(cut, "w");
	fwrite(whole, 1, len / 2, f);
	fclose(f);
	free(whole);
	cr_assert_eq(th_scxlab(log, "check", cut, "--baseline", base, NULL), 2);
	cr_assert_eq(th_scxlab(log, "baseline", cut, "--name", base, NULL), 2, "and is not recorded");
	/* merge of nothing */
	snprintf(path, sizeof(path), "%s/no-such-sweep", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "merge", "--out", b, path, NULL), 2);
	text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "no-such-sweep"), "it names the directory: %s", text);
	free(text);

	/* the JUnit a consumer reads: one passing check */
	snprintf(junit, sizeof(junit), "%s/check.xml", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "check", a, "--baseline", base, "--junit", junit, NULL), 0);
	junit_consumer_check(junit, 0, 0);
}

Test(verdicts, bad_options_leave_a_written_result_alone, .timeout = 120)
{
	char out[600], log[700], path[800];
	size_t n1, n2;

	snprintf(out, sizeof(out), "%s/kept", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(path, sizeof(path), "%s/result.json", out);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "200ms", "--out", out, "--quiet", NULL), 0);
	char *before = th_read_file(path, &n1);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "200ms", "--out", out, "--quiet", "--expect-exit", "bogus", NULL),
		     2);
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "--expect-exit 'bogus': unknown exit kind"), "%s", text);
	free(text);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "200ms", "--out", out, "--quiet", "--starve-after", "0", NULL), 2);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "nope", "--out", out, "--quiet", NULL), 2);
	cr_assert_eq(th_scxlab(log, "run", "--duration", "nan", "--out", out, "--quiet", NULL), 2, "nan ran for ever once");
	cr_assert_eq(th_scxlab(log, "run", "--duration", "inf", "--out", out, "--quiet", NULL), 2);
	char *after = th_read_file(path, &n2);
	cr_assert(n1 == n2 && !memcmp(before, after, n1), "result.json unchanged");
	free(before);
	free(after);
}
