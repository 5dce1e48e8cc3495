/*
 * `scxlab run` end to end: byte-identical result.json for the same seed, a different one for
 * another seed; bad options fail with a message and leave earlier results intact.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/core/sim.h"
#include "sim/policy/policy.h"
#include "sim/scx/scx.h"
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

Test(cli_build, helpers_of_the_compilers_runtime_library_are_not_missing)
{
	char src[4096], out[600], log[600], dir[600], res_path[700];
	const char *root = getenv("SCXLAB_SRC");

	cr_assert(root && *root, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(src, sizeof(src), "%s/tests/fixtures/compiler_runtime.bpf.c", root);
	snprintf(out, sizeof(out), "%s/runtime.sim.so", th_tmpdir());
	snprintf(log, sizeof(log), "%s/runtime.log", th_tmpdir());
	int rc = th_scxlab(log, "build", "--sim-only", "--out", out, src, NULL);
	char *msg = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", msg);
	free(msg);
	snprintf(dir, sizeof(dir), "%s/runtime-run", th_tmpdir());
	snprintf(res_path, sizeof(res_path), "%s/result.json", dir);
	cr_assert_eq(th_scxlab(log, "run", "--policy", out, "--duration", "200ms", "--topology", "4cpu", "--out", dir,
			       NULL), 0);
	char *res = th_read_file(res_path, NULL);
	cr_assert_not_null(strstr(res, "\"status\": \"ok\""), "%s", res);
	free(res);
}

Test(cli_run, restart_requested_by_the_exit_code_reloads_the_policy)
{
	char dir[512], path[600], log[600];

	snprintf(dir, sizeof(dir), "%s/restart", th_tmpdir());
	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(log, sizeof(log), "%s/restart.log", th_tmpdir());
	/* shim_smoke exits with SCX_ECODE_ACT_RESTART | 42 after that many enqueues */
	cr_assert_eq(th_scxlab(log, "run", "--policy", th_build_path(SMOKE), "--knob", "exit_after_enqueues=60000",
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
	/* the kernel object passed the libbpf check (one struct_ops map) during the build; both
	 * files call the bpf_for() kfuncs, which bpftool 7.5's linker alone refuses to link */
	snprintf(obj, sizeof(obj), "%s/multi_main.bpf.o", th_tmpdir());
	cr_assert_eq(access(obj, R_OK), 0);
	snprintf(so, sizeof(so), "%s/multi_main.sim.so", th_tmpdir());
	struct sim_policy *pol = sim_policy__open(so, 4, err, sizeof(err));
	cr_assert_not_null(pol, "%s", err);
	cr_assert_str_eq(sim_policy__name(pol), "multi");
	/* the second source's map and global are seen: its BTF was merged into the .sim.so */
	cr_assert_not_null(sim_policy__map_by_name(pol, "multi_slice_stats"));
	cr_assert_not_null(sim_policy__global(pol, "multi_slice_calls", NULL));
	sim_policy__close(pol);
}

/* A source that refuses gcc (`#ifndef __clang__ #error`) is built for the simulator by the
 * host's clang, unedited, and its maps, knobs and ops are seen by the loader. */
Test(cli_build, source_that_refuses_gcc_builds_with_host_clang)
{
	const char *root = getenv("SCXLAB_SRC");
	char src[1024], log[1024], so[1024], err[512];

	snprintf(src, sizeof(src), "%s/tests/fixtures/clang_only/clang_only.bpf.c", root);
	snprintf(log, sizeof(log), "%s/clang_only.log", th_tmpdir());
	int rc = th_scxlab(log, "build", "--sim-only", "--out-dir", th_tmpdir(), src, NULL);
	char *msg = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", msg);
	free(msg);
	snprintf(so, sizeof(so), "%s/clang_only.sim.so", th_tmpdir());
	struct sim_policy *pol = sim_policy__open(so, 4, err, sizeof(err));
	cr_assert_not_null(pol, "%s", err);
	cr_assert_str_eq(sim_policy__name(pol), "clang_only");
	cr_assert_not_null(sim_policy__map_by_name(pol, "clang_only_stats"));
	cr_assert_eq(*(uint64_t *)sim_policy__global(pol, "clang_only_slice_ns", NULL), 3000000);
	sim_policy__close(pol);
}

/* The probe policy's view of the kernel under --kernel @version (result.json's policy_maps has
 * nothing here, so the globals are read through the loader). */
static void probe_kernel(uint32_t kv, uint64_t out[6])
{
	static const char *const names[6] = { "has_insert_v2", "has_dispatch", "has_now",
					      "has_enq_immed", "version", "immed_or_zero" };
	struct sim_topology topo;
	struct sim_config cfg;
	char err[512];
	struct sim_policy *pol = sim_policy__open(th_build_path("policies/tests/policies/kernel_probe.sim.so"), 2,
						  err, sizeof(err));

	cr_assert_not_null(pol, "%s", err);
	cr_assert_eq(sim_topology__parse(&topo, "2cpu", err, sizeof(err)), 0);
	sim_config__defaults(&cfg);
	cfg.kernel_version = kv;
	struct sim *sim = sim__new(&cfg, &topo);
	sim__set_current(sim);
	cr_assert_eq(sim_policy__freeze(pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(scx_sched__attach(sim, sim_policy__ops(pol), "probe", err, sizeof(err)), 0, "%s", err);
	for (int i = 0; i < 6; i++)
		out[i] = *(uint64_t *)sim_policy__global(pol, names[i], NULL);
	sim__free(sim);
	sim_policy__close(pol);
	sim_topology__destroy(&topo);
}

Test(cli_run, kernel_api_follows_the_emulated_kernel)
{
	uint64_t v72[6], v612[6], v70[6], v73[6];

	probe_kernel((7 << 16) | (2 << 8) | 13, v72);
	probe_kernel((6 << 16) | (12 << 8) | 117, v612);
	probe_kernel((7 << 16) | (0 << 8) | 13, v70);
	probe_kernel((7 << 16) | (3 << 8) | 4, v73);
	/* 7.0 (Debian 7.0.13's BTF): the new names, but no SCX_ENQ_IMMED yet; 7.3 as 7.2 */
	cr_assert_eq(v70[0], 1);
	cr_assert_eq(v70[1], 0);
	cr_assert_eq(v70[2], 1);
	cr_assert_eq(v70[3], 0);
	cr_assert_eq(v70[5], 0);
	cr_assert_eq(v70[4], (7u << 16) | (0u << 8) | 13u);
	cr_assert_eq(v73[3], 1);
	cr_assert_eq(v73[4], (7u << 16) | (3u << 8) | 4u);
	/* 7.2: new names only, the 6.13 renames done, SCX_ENQ_IMMED there */
	cr_assert_eq(v72[0], 1);
	cr_assert_eq(v72[1], 0);
	cr_assert_eq(v72[2], 1);
	cr_assert_eq(v72[3], 1);
	cr_assert_eq(v72[4], (7u << 16) | (2u << 8) | 13u);
	cr_assert_eq(v72[5], 1ULL << 33);
	/* 6.12: the first mainline names */
	cr_assert_eq(v612[0], 0);
	cr_assert_eq(v612[1], 1);
	cr_assert_eq(v612[2], 0);
	cr_assert_eq(v612[3], 0);
	cr_assert_eq(v612[4], (6u << 16) | (12u << 8) | 117u);
	cr_assert_eq(v612[5], 0);
}

Test(cli_run, unknown_kernel_version_is_refused)
{
	char log[600];

	snprintf(log, sizeof(log), "%s/k.log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--kernel", "5.10", "--duration", "10ms", NULL), 2);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "--kernel 5.10: the simulator models 6.12, 7.0, 7.2 and 7.3"), "%s", msg);
	free(msg);
}

/*
 * On a kernel without sched_ext the host target stops at once for a policy, says what is
 * missing and where to go (the baseline, without --policy, needs no sched_ext: preflight tests).
 */
Test(cli_run, host_target_without_sched_ext_names_the_option_and_suggests_the_vm)
{
	const char *src = getenv("SCXLAB_SRC");
	char job[4200], policy[4200], out[600], log[600];

	if (!access("/sys/kernel/sched_ext", F_OK))
		cr_skip_test("this kernel has sched_ext: the host target would run");
	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", src);
	snprintf(policy, sizeof(policy), "%s/sched/scxl_vtime.bpf.c", src);
	snprintf(out, sizeof(out), "%s/host", th_tmpdir());
	snprintf(log, sizeof(log), "%s/host.log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--target", "host", "--policy", policy, "--job", job, "--out", out, NULL), 2);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(strstr(msg, "CONFIG_SCHED_CLASS_EXT"), "%s", msg);
	cr_assert_not_null(strstr(msg, "--target vm"), "%s", msg);
	cr_assert_eq(access(out, F_OK), -1, "a failed preflight wrote %s", out);
	free(msg);
}

/* An exit while attaching is a result like any other: result.json with the exit record (here
 * scx_bpf_exit from ops.init, and the kernel's ops check "SCX_OPS_ENQ_LAST requires
 * ops.enqueue()" from a loader profile's flags), the workload run on the fair class. */
static char *run_attach_exit(const char *policy, const char *loader, const char *name)
{
	char out[700], log[800], result[800];

	snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", out);
	if (loader)
		th_scxlab(log, "run", "--policy", th_build_path(policy), "--loader", loader, "--topology", "4cpu",
			  "--duration", "200ms", "--out", out, NULL);
	else
		th_scxlab(log, "run", "--policy", th_build_path(policy), "--topology", "4cpu", "--duration", "200ms",
			  "--out", out, NULL);
	snprintf(result, sizeof(result), "%s/result.json", out);
	char *json = th_read_file(result, NULL);
	char *msg = th_read_file(log, NULL);
	cr_assert_not_null(json, "no result.json: %s", msg);
	free(msg);
	return json;
}

Test(cli_run, exit_while_attaching_gives_a_result_with_its_exit_record)
{
	char *json = run_attach_exit("policies/tests/policies/init_exit.sim.so", NULL, "init_exit");
	cr_assert_not_null(strstr(json, "\"kind_name\": \"SCX_EXIT_UNREG_BPF\""), "%s", json);
	cr_assert_not_null(strstr(json, "not configured by its loader"), "%s", json);
	cr_assert_not_null(strstr(json, "\"exit_code\": 42"), "%s", json);
	cr_assert_not_null(strstr(json, "\"callback\": \"init\""), "%s", json);
	free(json);

	char prof[700];
	snprintf(prof, sizeof(prof), "%s/enq_last.loader", th_tmpdir());
	FILE *f = fopen(prof, "w");
	cr_assert_not_null(f);
	fputs("ops flags = SCX_OPS_ENQ_LAST\n", f);
	fclose(f);
	json = run_attach_exit("policies/tests/policies/profile_target.sim.so", prof, "enq_last");
	cr_assert_not_null(strstr(json, "SCX_OPS_ENQ_LAST requires ops.enqueue()"), "%s", json);
	cr_assert_not_null(strstr(json, "\"kind_name\": \"SCX_EXIT_ERROR\""), "%s", json);
	free(json);
}
