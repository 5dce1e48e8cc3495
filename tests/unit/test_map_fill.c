/*
 * Map values and the choice of struct_ops map in loader profiles, in both worlds: the fixture
 * tests/policies/map_fill.bpf.c checks in ops.init that every `map` line of map_fill.loader
 * arrived (array fields by path, lists, every CPU's and one CPU's per-CPU value, a hash
 * element); tests/policies/two_ops.bpf.c has two struct_ops maps and only `struct_ops NAME`
 * says which is attached. scxlab-kload --check applies the same lines to the .bpf.o without a
 * kernel, so both worlds refuse a bad line with the same FILE:LINE.
 */
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAP_FILL "policies/tests/policies/map_fill.sim.so"
#define TWO_OPS "policies/tests/policies/two_ops.sim.so"

/* `scxlab run` of @so for 300 ms on 4 CPUs with @loader (NULL: none); its status, log in *@log. */
static int run_sim(const char *so, const char *loader, const char *name, char **log)
{
	char out[700], logp[800];
	int rc;

	snprintf(out, sizeof(out), "%s/run-%s", th_tmpdir(), name);
	snprintf(logp, sizeof(logp), "%s.log", out);
	if (loader)
		rc = th_scxlab(logp, "run", "--policy", th_build_path(so), "--loader", loader, "--topology", "4cpu",
			       "--job", th_src_path("workloads/jobs/smoke-3s.job"), "--duration", "300ms", "--out", out,
			       NULL);
	else
		rc = th_scxlab(logp, "run", "--policy", th_build_path(so), "--topology", "4cpu", "--job",
			       th_src_path("workloads/jobs/smoke-3s.job"), "--duration", "300ms", "--out", out, NULL);
	*log = th_read_file(logp, NULL);
	cr_assert_not_null(*log);
	return rc;
}

/* @log has @what, and @path:@line when @path is given. */
static void expect_in_log(const char *log, const char *path, int line, const char *what)
{
	char want[1200];

	cr_assert_not_null(strstr(log, what), "want '%s': %s", what, log);
	if (!path)
		return;
	snprintf(want, sizeof(want), "%s:%d: %s", path, line, what);
	cr_assert_not_null(strstr(log, want), "want '%s': %s", want, log);
}

Test(map_fill, the_values_arrive_before_attach)
{
	char *log;
	int rc = run_sim(MAP_FILL, th_src_path("tests/policies/map_fill.loader"), "whole", &log);

	cr_assert_eq(rc, 0, "%s", log);
	cr_assert_not_null(strstr(log, "verdict     ok"), "%s", log);
	free(log);
	rc = run_sim(MAP_FILL, NULL, "none", &log);
	cr_assert_eq(rc, 3, "%s", log);
	expect_in_log(log, NULL, 0, "problem bits 0x1f ");
	free(log);
}

/* Each line left out shows in the fixture's bits: the value reached that map, that key, that CPU. */
Test(map_fill, each_line_changes_the_verdict, .timeout = 120)
{
	static const struct {
		const char *line_has;
		const char *error_has;
	} lines[] = {
		{ "cfgs[1].a", "problem bits 0x1 " },
		{ "cfgs[1].b[2]", "problem bits 0x2 " },
		{ "cfgs[3].b", "problem bits 0x4 " },
		{ "cpu_fills[0].cpu", "problem bits 0x8 " },
		{ "cpu=1", "problem bits 0x8 " },
		{ "big[7]", "problem bits 0x10 " },
	};
	char *whole = th_read_file(th_src_path("tests/policies/map_fill.loader"), NULL);

	cr_assert_not_null(whole);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char name[64], *text = strdup(whole), *at = strstr(text, lines[i].line_has), *log;

		cr_assert_not_null(at, "%s", lines[i].line_has);
		while (at > text && at[-1] != '\n')
			at--;
		*at = '#'; /* the line becomes a comment */
		snprintf(name, sizeof(name), "without%zu.loader", i);
		cr_assert_eq(run_sim(MAP_FILL, th_write_tmp(name, text), name, &log), 3, "%s", log);
		expect_in_log(log, NULL, 0, lines[i].error_has);
		free(log);
		free(text);
	}
	free(whole);
}

/* The simulator's and the kernel loader's errors for one bad line, both with FILE:LINE. */
static const struct {
	const char *text;
	const char *error;
} bad_lines[] = {
	{ "map cfgs[4].a = 1\n", "map cfgs[4].a: key 4 out of range (the map has 4 entries)" },
	{ "map cfgs[1].nope = 1\n", "map cfgs[1].nope: no member 'nope' there" },
	{ "map nomap[1] = 1\n", "map nomap: the policy has no map of that name" },
	{ "map cfgs[1].b[0] = 70000\n", "map cfgs[1].b[0]: 70000 does not fit a 16-bit integer" },
	{ "map cfgs[1].a cpu=1 = 3\n", "map cfgs[1].a: cpu=N is for per-CPU maps only" },
	{ "map cfgs[1].a = cpu\n", "map cfgs[1].a: the value 'cpu' is for per-CPU maps only" },
	{ "map cfgs[1] = 3\n", "map cfgs[1]: not an integer or an array of integers" },
	{ "map cpu_fills[0].cpu = many\n", "map cpu_fills[0].cpu: 'many' is not" },
	{ "map big[4294967296] = 1\n", "map big[4294967296]: key 4294967296 does not fit in 4 bytes" },
};

Test(map_fill, a_bad_line_fails_with_file_and_line_in_the_simulator, .timeout = 120)
{
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		char name[64], text[256], *log;
		const char *path;

		snprintf(name, sizeof(name), "bad%zu.loader", i);
		snprintf(text, sizeof(text), "# one bad line\n%s", bad_lines[i].text);
		path = th_write_tmp(name, text);
		cr_assert_eq(run_sim(MAP_FILL, path, name, &log), 1, "%s", log); /* after load, as a missing program */
		expect_in_log(log, path, 2, bad_lines[i].error);
		free(log);
	}
}

/* scxlab-kload --check: @obj opened and configured by @loader (NULL: none), not loaded. */
static int kload_check(const char *obj, const char *loader, char **out)
{
	char cmd[4096], log[800];
	int st;

	snprintf(log, sizeof(log), "%s/kload.log", th_tmpdir());
	snprintf(cmd, sizeof(cmd), "'%s' --check %s%s%s '%s' >'%s' 2>&1", th_build_path("scxlab-kload"),
		 loader ? "--loader '" : "", loader ? loader : "", loader ? "'" : "", obj, log);
	st = system(cmd);
	*out = th_read_file(log, NULL);
	cr_assert_not_null(*out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The fixture's kernel build, built once per test. */
static const char *kernel_build(const char *src, const char *name)
{
	static char obj[700];
	char log[800], *text;
	int rc;

	snprintf(obj, sizeof(obj), "%s/%s.bpf.o", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s/build-%s.log", th_tmpdir(), name);
	rc = th_scxlab(log, "build", "--bpf-only", "--out", obj, th_src_path(src), NULL);
	text = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", text);
	free(text);
	return obj;
}

Test(map_fill, the_kernel_loader_checks_the_same_lines, .timeout = 120)
{
	const char *obj = kernel_build("tests/policies/map_fill.bpf.c", "map_fill");
	char *out;

	cr_assert_eq(kload_check(obj, th_src_path("tests/policies/map_fill.loader"), &out), 0, "%s", out);
	cr_assert_not_null(strstr(out, "SETTINGS OK"), "%s", out);
	free(out);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		char name[64], text[256];
		const char *path;

		snprintf(name, sizeof(name), "kbad%zu.loader", i);
		snprintf(text, sizeof(text), "# one bad line\n%s", bad_lines[i].text);
		path = th_write_tmp(name, text);
		cr_assert_eq(kload_check(obj, path, &out), 2, "%s", out);
		expect_in_log(out, path, 2, bad_lines[i].error);
		free(out);
	}
}

Test(struct_ops_choice, the_profile_says_which_map_is_attached_in_the_simulator, .timeout = 120)
{
	const char *second = th_write_tmp("second.loader", "struct_ops second_ops\n");
	const char *first = th_write_tmp("first.loader", "# the other one\nstruct_ops first_ops\n");
	const char *none = th_write_tmp("nope.loader", "\nstruct_ops nope_ops\n");
	char *log;

	cr_assert_eq(run_sim(TWO_OPS, NULL, "two-none", &log), 2, "%s", log);
	expect_in_log(log, NULL, 0, "2 struct_ops maps (second_ops, first_ops): a loader profile says which");
	free(log);
	cr_assert_eq(run_sim(TWO_OPS, second, "two-second", &log), 0, "%s", log);
	expect_in_log(log, NULL, 0, "two_ops_second");
	expect_in_log(log, NULL, 0, "verdict     ok");
	free(log);
	cr_assert_eq(run_sim(TWO_OPS, first, "two-first", &log), 3, "%s", log);
	expect_in_log(log, NULL, 0, "the first struct_ops map was attached");
	free(log);
	cr_assert_eq(run_sim(TWO_OPS, none, "two-nope", &log), 2, "%s", log);
	expect_in_log(log, none, 2, "struct_ops nope_ops: the policy has no struct_ops map of that name");
	free(log);
}

Test(struct_ops_choice, the_kernel_loader_needs_the_same_choice, .timeout = 120)
{
	const char *obj = kernel_build("tests/policies/two_ops.bpf.c", "two_ops");
	const char *second = th_write_tmp("ksecond.loader", "struct_ops second_ops\n");
	const char *none = th_write_tmp("knope.loader", "\nstruct_ops nope_ops\n");
	char *out;

	cr_assert_eq(kload_check(obj, NULL, &out), 2, "%s", out);
	expect_in_log(out, NULL, 0, "2 struct_ops maps (first_ops, second_ops): a loader profile says which");
	free(out);
	cr_assert_eq(kload_check(obj, second, &out), 0, "%s", out);
	free(out);
	cr_assert_eq(kload_check(obj, none, &out), 2, "%s", out);
	expect_in_log(out, none, 2, "struct_ops nope_ops: the policy has no struct_ops map of that name");
	free(out);
}
