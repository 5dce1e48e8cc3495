/*
 * `scxlab run` end to end: byte-identical result.json for the same seed, a different one for
 * another seed; bad options fail with a message and leave earlier results intact.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/policy/policy.h"
#include "test_helpers.h"

#define SMOKE "policies/tests/policies/shim_smoke.sim.so"

static char *run_result(const char *policy, const char *seed, const char *tag)
{
	char dir[512], path[600], log[600];

	snprintf(dir, sizeof(dir), "%s/%s", th_tmpdir(), tag);
	snprintf(log, sizeof(log), "%s/%s.log", th_tmpdir(), tag);
	if (policy)
		cr_assert_eq(th_scxlab(log, "run", "--policy", policy, "--duration", "300ms", "--seed", seed,
				       "--topology", "4cpu", "--out", dir, "--quiet", NULL), 0);
	else
		cr_assert_eq(th_scxlab(log, "run", "--duration", "300ms", "--seed", seed, "--topology",
				       "4cpu", "--out", dir, "--quiet", NULL), 0);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	char *text = th_read_file(path, NULL);
	cr_assert_not_null(text, "no %s", path);
	return text;
}

Test(cli_run, same_seed_gives_byte_identical_results)
{
	const char *pol = th_build_path(SMOKE);
	char *a = run_result(pol, "7", "a"), *b = run_result(pol, "7", "b"), *c = run_result(pol, "8", "c");

	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	cr_assert_not_null(strstr(a, "\"schema\": \"scxlab.result/1\""));
	free(a);
	free(b);
	free(c);
}

Test(cli_run, fair_only_runs_are_deterministic_too)
{
	char *a = run_result(NULL, "3", "fa"), *b = run_result(NULL, "3", "fb"), *c = run_result(NULL, "4", "fc");

	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	cr_assert_not_null(strstr(a, "\"policy\": null"));
	free(a);
	free(b);
	free(c);
}

Test(cli_run, bad_options_fail_and_keep_the_previous_result)
{
	char dir[512], path[600], log[600];
	char *before = run_result(NULL, "1", "keep"), *after, *msg;

	snprintf(dir, sizeof(dir), "%s/keep", th_tmpdir());
	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--topology", "3x", "--out", dir, NULL), 2);
	msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "--topology"), "%s", msg);
	free(msg);
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_build_path(SMOKE), "--knob", "nope=1", "--out", dir,
			       NULL), 2);
	msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "nope"), "%s", msg);
	free(msg);
	after = th_read_file(path, NULL);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
}

Test(cli_build, unknown_kfunc_is_refused_with_its_name_and_line)
{
	char src[4096], out[600], log[600];
	const char *root = getenv("SCXLAB_SRC");

	cr_assert(root && *root, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(src, sizeof(src), "%s/tests/fixtures/unknown_kfunc.bpf.c", root);
	snprintf(out, sizeof(out), "%s/unknown.sim.so", th_tmpdir());
	snprintf(log, sizeof(log), "%s/build.log", th_tmpdir());
	cr_assert_neq(th_scxlab(log, "build", "--sim-only", "--out", out, src, NULL), 0);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "unknown_kfunc.bpf.c:13: error: 'scx_bpf_frobnicate' is not provided by the simulator"),
			   "%s", msg);
	free(msg);
	cr_assert_neq(access(out, F_OK), 0, "no output may be left behind");
}

Test(cli_run, restart_requested_by_the_exit_code_reloads_the_policy)
{
	char dir[512], path[600], log[600];

	snprintf(dir, sizeof(dir), "%s/restart", th_tmpdir());
	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(log, sizeof(log), "%s/restart.log", th_tmpdir());
	/* shim_smoke exits with SCX_ECODE_ACT_RESTART | 42 after that many enqueues */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_build_path(SMOKE), "--knob", "exit_after_enqueues=20000",
			       "--duration", "1s", "--topology", "4cpu", "--out", dir, NULL), 0);
	char *res = th_read_file(path, NULL), *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "exited with restart requested"), "%s", msg);
	/* the loader's report of the last load, in the kernel tools' format */
	cr_assert_not_null(strstr(msg, "EXIT: unregistered from user space"), "%s", msg);
	cr_assert_null(strstr(res, "\"restarts\": 0,"), "no restart recorded");
	cr_assert_not_null(strstr(res, "\"restarts\": "));
	free(res);
	free(msg);
}

Test(cli_build, a_policy_in_two_files_links_into_one_object_each)
{
	char a[4096], b[4096], log[600], so[700], obj[700], err[512];
	const char *root = getenv("SCXLAB_SRC");

	cr_assert(root && *root, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(a, sizeof(a), "%s/tests/fixtures/multi/multi_main.bpf.c", root);
	snprintf(b, sizeof(b), "%s/tests/fixtures/multi/multi_slice.bpf.c", root);
	snprintf(log, sizeof(log), "%s/multi.log", th_tmpdir());
	int rc = th_scxlab(log, "build", "--quiet", "--out-dir", th_tmpdir(), a, b, NULL);
	char *msg = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", msg);
	free(msg);
	/* the kernel object passed the libbpf check (one struct_ops map) during the build */
	snprintf(obj, sizeof(obj), "%s/multi_main.bpf.o", th_tmpdir());
	cr_assert_eq(access(obj, R_OK), 0);
	snprintf(so, sizeof(so), "%s/multi_main.sim.so", th_tmpdir());
	struct sim_policy *pol = sim_policy__open(so, 4, err, sizeof(err));
	cr_assert_not_null(pol, "%s", err);
	cr_assert_str_eq(sim_policy__name(pol), "multi");
	sim_policy__close(pol);
}
