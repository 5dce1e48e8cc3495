/*
 * Real-kernel runs in the guest (`scxlab run --target vm`): every policy in sched/ and the
 * default scheduler (the baseline) run the 3-second smoke job under the real stress-ng on the
 * sched_ext kernel, and each result has a non-empty wakeup-latency histogram, bogo-ops for
 * every stressor, and the right class for the workload's tasks.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

/* The integer after "@key": at or after @from in @json; -1 if absent. */
static long long number_after(const char *json, const char *from_key, const char *key)
{
	const char *at = from_key ? strstr(json, from_key) : json;
	char pat[128];

	if (!at)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	at = strstr(at, pat);
	return at ? strtoll(at + strlen(pat), NULL, 10) : -1;
}

static void check_run(const char *policy)
{
	const char *src = getenv("SCXLAB_SRC");
	char job[4200], out[700], log[800], result[800];
	int rc;

	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", src);
	snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), policy ? strrchr(policy, '/') + 1 : "baseline");
	snprintf(log, sizeof(log), "%s.log", out);
	if (policy)
		rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--job", job, "--policy", policy,
			       "--out", out, NULL);
	else
		rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--job", job, "--out", out, NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s: %s", policy ? policy : "baseline", text);
	free(text);

	snprintf(result, sizeof(result), "%s/result.json", out);
	char *json = th_read_file(result, NULL);
	cr_assert_not_null(json);
	cr_assert_not_null(strstr(json, "\"target\": \"vm\""));
	cr_assert_gt(number_after(json, "\"wakeup\": {", "count"), 0, "%s: empty wakeup histogram", policy);
	cr_assert_gt(number_after(json, "\"wakeup\": {", "p99"), 0, "%s", policy);
	int nr_stressors = 0;
	for (const char *p = strstr(json, "\"bogo_ops\": "); p; p = strstr(p + 1, "\"bogo_ops\": ")) {
		cr_assert_gt(strtoll(p + 12, NULL, 10), 0, "%s: a stressor without bogo-ops", policy);
		nr_stressors++;
	}
	cr_assert_eq(nr_stressors, 3, "%s: %d stressors reported", policy, nr_stressors);
	cr_assert_eq(number_after(json, "\"real\": {", "workload_status"), 0);
	if (policy) {
		/* every switch-in of the workload was by the ext class; the policy stayed until unloaded */
		cr_assert_gt(number_after(json, "\"real\": {", "switch_in_ext"), 0, "%s", policy);
		cr_assert_eq(number_after(json, "\"real\": {", "switch_in_other"), 0, "%s", policy);
		cr_assert_not_null(strstr(json, "\"enabled_at_end\": true"), "%s", policy);
		cr_assert_not_null(strstr(json, "\"kind_name\": \"SCX_EXIT_UNREG\""), "%s", policy);
		/* the attach call was timed (the kernel's enable transition) over the guest's tasks */
		cr_assert_gt(number_after(json, "\"real\": {", "attach_call_ns"), 0, "%s", policy);
		cr_assert_gt(number_after(json, "\"real\": {", "tasks_at_attach"), 0, "%s", policy);
	} else {
		cr_assert_not_null(strstr(json, "\"sched_ext\": null"));
		cr_assert_eq(number_after(json, "\"real\": {", "switch_in_ext"), 0);
		cr_assert_gt(number_after(json, "\"real\": {", "switch_in_other"), 0);
		cr_assert_eq(number_after(json, "\"real\": {", "attach_call_ns"), 0);
	}
	free(json);
}

Test(vm_runs, every_policy_and_the_baseline_run_stress_ng_in_the_guest, .timeout = 1200)
{
	const char *src = getenv("SCXLAB_SRC");
	char pattern[4200];
	glob_t g;

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(pattern, sizeof(pattern), "%s/sched/*.bpf.c", src);
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 4);
	check_run(NULL);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_run(g.gl_pathv[i]);
	globfree(&g);
}

/*
 * A policy error in the guest: the run exits 3, and result.json holds the real kernel's debug
 * dump with the policy's own ops.dump() lines (read from its uei_dump by the loader) and the
 * policy's BPF program named as the site.
 */
Test(vm_runs, an_error_exit_brings_back_the_kernels_dump, .timeout = 600)
{
	const char *src = getenv("SCXLAB_SRC");
	char job[4200], pol[4200], out[700], log[800], result[800];

	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", src);
	snprintf(pol, sizeof(pol), "%s/tests/policies/starve_one.bpf.c", src);
	snprintf(out, sizeof(out), "%s/dump", th_tmpdir());
	snprintf(log, sizeof(log), "%s.log", out);
	int rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--job", job, "--policy", pol, "--knob",
			   "error_after=200", "--out", out, NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 3, "a policy error is exit status 3: %s", text);
	free(text);
	snprintf(result, sizeof(result), "%s/result.json", out);
	char *json = th_read_file(result, NULL);
	cr_assert_not_null(json);
	cr_assert_not_null(strstr(json, "\"kind_name\": \"SCX_EXIT_ERROR_BPF\""), "%s", json);
	cr_assert_not_null(strstr(json, "triggered exit kind 1025"), "the kernel's dump header");
	/* other CPUs may enqueue between the error and the dump (the kernel's callbacks run
	 * concurrently), so the count is at least 200 */
	const char *line = strstr(json, "\\n\\nstarve_one: ");
	cr_assert_not_null(line, "the policy's ops.dump() lines after a blank line");
	cr_assert_geq(strtol(line + strlen("\\n\\nstarve_one: "), NULL, 10), 200);
	cr_assert_not_null(strstr(line, " enqueues\\nstarve_one: victim -1\\n"), "%.300s", line);
	cr_assert_not_null(strstr(json, "\"site\": \"bpf_prog_"), "the BPF program that raised it");
	free(json);
}

/* A policy the guest's verifier refuses: exit 3, and the verifier's log is printed, not lost. */
Test(vm_runs, a_verifier_rejection_prints_the_verifiers_log, .timeout = 600)
{
	const char *src = getenv("SCXLAB_SRC");
	char job[4200], pol[4200], out[700], log[800];

	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", src);
	snprintf(pol, sizeof(pol), "%s/tests/fixtures/verifier_reject.bpf.c", src);
	snprintf(out, sizeof(out), "%s/rejected", th_tmpdir());
	snprintf(log, sizeof(log), "%s.log", out);
	int rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--job", job, "--policy", pol, "--out", out,
			   NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 3, "a policy the kernel refuses failed: %s", text);
	cr_assert_not_null(strstr(text, "the kernel refused it"), "%s", text);
	cr_assert_not_null(strstr(text, "math between map_value pointer"), "the verifier's own words: %s", text);
	free(text);
}

/*
 * `scxlab run --target vm` of the fixture @policy (a source under tests/policies) for smoke-3s
 * with the option @opt @val, into @out (a directory named @name): its exit status, and its
 * output in *@text (to free).
 */
static int vm_fixture_run(const char *policy, const char *name, const char *opt, const char *val, char *out,
			  size_t outlen, char **text)
{
	char job[4200], src[4200], log[800];
	int rc;

	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", getenv("SCXLAB_SRC"));
	snprintf(src, sizeof(src), "%s/tests/policies/%s", getenv("SCXLAB_SRC"), policy);
	snprintf(out, outlen, "%s/%s", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", out);
	rc = th_scxlab(log, "run", "--target", "vm", "--topology", "2", "--job", job, "--policy", src, opt, val,
		       "--out", out, NULL);
	*text = th_read_file(log, NULL);
	return rc;
}

/*
 * On the real kernel, a policy that reads SCX_DSQ_LOCAL through scx's __SCX_* rodata gets the
 * kernel's value (scxlab-kload imports it from BTF) and a u64 knob >= 2^63 arrives whole: the
 * fixture ends with an error exit otherwise, and dispatches to DSQ 0 (refused) without the
 * import.
 */
Test(vm_runs, scx_enum_rodata_and_full_u64_knobs_reach_the_kernel, .timeout = 900)
{
	char out[700], result[800], *text;
	int rc = vm_fixture_run("enum_reader.bpf.c", "enum_reader", "--knob", "big_knob=0xfffffffffffffffe", out,
				sizeof(out), &text);

	cr_assert_eq(rc, 0, "%s", text);
	free(text);
	snprintf(result, sizeof(result), "%s/result.json", out);
	char *json = th_read_file(result, NULL);
	cr_assert_not_null(json);
	/* it stayed attached until unloaded: no error exit (a wrong constant or a clamped knob
	 * ends it with one, which the kernel log would name) */
	cr_assert_not_null(strstr(json, "\"enabled_at_end\": true"), "%s", json);
	cr_assert_not_null(strstr(json, "disabled (unregistered from user space)"), "%s", json);
	cr_assert_null(strstr(json, "big_knob arrived"), "%s", json);
	free(json);
}

/*
 * Arenas on the real kernel lay out as the simulator lays them (sim/bpf/arena.c): a NULL arena
 * pointer reads 0 from page 0 and, once page 0 is allocated, reaches it; pages not allocated
 * read 0 and keep nothing stored; a freed page comes back zeroed. The fixture checks it in
 * ops.init (policy_loader/arena_pointers_reach_the_window_as_in_the_kernel is its simulator
 * half); the guest's loader reads its globals after the detach.
 */
Test(vm_runs, arena_pointers_reach_the_window_as_in_the_simulator, .timeout = 900)
{
	char out[700], report[800], *text;
	int rc = vm_fixture_run("arena_layout.bpf.c", "arena_layout", "--duration", "3s", out, sizeof(out), &text);

	cr_assert_eq(rc, 0, "%s", text);
	free(text);
	snprintf(report, sizeof(report), "%s/kreport.txt", out);
	char *kr = th_read_file(report, NULL);
	cr_assert_not_null(kr);
	cr_assert_not_null(strstr(kr, "global problems 0\n"), "%s", kr);
	cr_assert_not_null(strstr(kr, "global null_read 0\n"), "%s", kr);
	cr_assert_not_null(strstr(kr, "global first_page_offset 0\n"), "%s", kr);
	free(kr);
}

/* vm_fixture_run() with the loader profile @loader: it ends with status @want_rc and its
 * output has @want. */
static void vm_profile_run(const char *policy, const char *loader, const char *name, int want_rc, const char *want)
{
	char out[700], *text;
	int rc = vm_fixture_run(policy, name, "--loader", loader, out, sizeof(out), &text);

	cr_assert_eq(rc, want_rc, "%s", text);
	cr_assert_not_null(strstr(text, want), "want '%s': %s", want, text);
	free(text);
}

/* The profile @loader without its line that starts with @line_start, as a temporary file. */
static const char *profile_without(const char *loader, const char *line_start, const char *name)
{
	char *whole = th_read_file(loader, NULL), *at;
	const char *path;

	cr_assert_not_null(whole);
	at = strstr(whole, line_start);
	cr_assert_not_null(at, "%s", line_start);
	memmove(at, strchr(at, '\n') + 1, strlen(strchr(at, '\n') + 1) + 1);
	path = th_write_tmp(name, whole);
	free(whole);
	return path;
}

/*
 * The loader profile in the guest: scxlab-kload applies tests/policies/profile_verdict.loader
 * as the simulator does (test_profile_worlds.c), so the fixture runs clean with it, and with
 * its rodata line left out ends with the error exit the simulator gives (problem bit 0x1).
 */
Test(vm_runs, a_loader_profile_gives_the_simulators_verdict_in_the_guest, .timeout = 900)
{
	char loader[4200];

	snprintf(loader, sizeof(loader), "%s/tests/policies/profile_verdict.loader", getenv("SCXLAB_SRC"));
	vm_profile_run("profile_verdict.bpf.c", loader, "profile_whole", 0, "verdict     ok");
	vm_profile_run("profile_verdict.bpf.c", profile_without(loader, "rodata want_base", "nobase.loader"),
		       "profile_nobase", 3, "profile not applied: problem bits 0x1 ");
}

/*
 * Map values in the guest: scxlab-kload writes tests/policies/map_fill.loader's `map` lines
 * with bpf_map_update_elem() after load, so the fixture runs clean; without the line that
 * sets CPU 1's per-CPU value only, it ends with the simulator's error exit (bit 0x8).
 */
Test(vm_runs, map_values_give_the_simulators_verdict_in_the_guest, .timeout = 900)
{
	char loader[4200];

	snprintf(loader, sizeof(loader), "%s/tests/policies/map_fill.loader", getenv("SCXLAB_SRC"));
	vm_profile_run("map_fill.bpf.c", loader, "map_fill_whole", 0, "verdict     ok");
	vm_profile_run("map_fill.bpf.c", profile_without(loader, "map cpu_fills[0].order[0] cpu=1", "nocpu1.loader"),
		       "map_fill_nocpu1", 3, "map values not filled: problem bits 0x8 ");
}
