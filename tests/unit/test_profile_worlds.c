/*
 * One loader profile, both worlds: the fixture tests/policies/profile_verdict.bpf.c runs clean
 * only when every line of its profile was applied, and names the first setting that was not.
 * In the simulator each line is left out in turn (each changes the verdict); scxlab-kload parses
 * the same file with the same parser, so a profile line it cannot apply to the object is an
 * error naming the user's file and line, before the kernel is asked anything. (The guest half,
 * the same verdicts on the real kernel, is in test_vm_runs.c.)
 */
#include "test_helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define FIXTURE "policies/tests/policies/profile_verdict.sim.so"

/* `scxlab run` of the fixture in the simulator with @loader (NULL: none); its status, log in @log. */
static int run_sim(const char *loader, const char *name, char **log)
{
	char out[700], logp[800];
	int rc;

	snprintf(out, sizeof(out), "%s/%s", th_tmpdir(), name);
	snprintf(logp, sizeof(logp), "%s.log", out);
	if (loader)
		rc = th_scxlab(logp, "run", "--policy", th_build_path(FIXTURE), "--loader", loader, "--topology", "2",
			       "--job", th_src_path("workloads/jobs/smoke-3s.job"), "--duration", "1s", "--out", out, NULL);
	else
		rc = th_scxlab(logp, "run", "--policy", th_build_path(FIXTURE), "--topology", "2", "--job",
			       th_src_path("workloads/jobs/smoke-3s.job"), "--duration", "1s", "--out", out, NULL);
	*log = th_read_file(logp, NULL);
	cr_assert_not_null(*log);
	return rc;
}

Test(profile_worlds, the_fixture_runs_clean_with_its_whole_profile)
{
	char *log;
	int rc = run_sim(th_src_path("tests/policies/profile_verdict.loader"), "whole", &log);

	cr_assert_eq(rc, 0, "%s", log);
	cr_assert_not_null(strstr(log, "verdict     ok"), "%s", log);
	free(log);
	rc = run_sim(NULL, "none", &log);
	cr_assert_eq(rc, 3, "without its profile the fixture fails: %s", log);
	free(log);
}

/* Leaving out any one line changes the verdict to an error exit that names that setting. */
Test(profile_worlds, each_line_of_the_profile_changes_the_verdict, .timeout = 300)
{
	static const struct {
		const char *line_has;
		const char *error_has;
	} lines[] = {
		{ "rodata want_base", "problem bits 0x1 " },
		{ "bss cfg.b[2]", "problem bits 0x2 " },
		{ "syscall arm ", "problem bits 0x4 " },
		{ "syscall mark ", "problem bits 0x8 " },
		{ "ops init_task = null", "problem bits 0x10 " },
		{ "map_entries sized", "problem bits 0x20 " },
		{ "ops flags", "built-in idle tracking is disabled" },
		{ "syscall check_profile", "the after-attach program did not run" },
	};
	char *whole = th_read_file(th_src_path("tests/policies/profile_verdict.loader"), NULL);

	cr_assert_not_null(whole);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		char *text = strdup(whole), *at = strstr(text, lines[i].line_has), *log, name[32];
		cr_assert_not_null(at, "the profile has no line with '%s'", lines[i].line_has);
		char *eol = strchr(at, '\n');
		memmove(at, eol + 1, strlen(eol + 1) + 1);
		snprintf(name, sizeof(name), "minus%zu", i);
		int rc = run_sim(th_write_tmp("minus.loader", text), name, &log);
		cr_assert_eq(rc, 3, "without '%s': %s", lines[i].line_has, log);
		cr_assert_not_null(strstr(log, lines[i].error_has), "without '%s', want '%s': %s", lines[i].line_has,
				   lines[i].error_has, log);
		free(log);
		free(text);
	}
	free(whole);
}

/* scxlab-kload --check [--loader-name NAME] --loader @loader @obj (this host need not have
 * sched_ext: the object is opened and configured, not loaded); its status, output in @log. */
static int kload_check(const char *loader, const char *shown, const char *obj, const char *log)
{
	char cmd[4096];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' --check --loader '%s'%s%s%s '%s' >'%s' 2>&1", th_build_path("scxlab-kload"),
		 loader, shown ? " --loader-name '" : "", shown ? shown : "", shown ? "'" : "", obj, log);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The profile @text, as @name, fails kload's --check with exit 2 and @want (after the file's
 * path unless @shown names it). */
static void expect_kload_error(const char *obj, const char *name, const char *text, const char *shown,
			       const char *want)
{
	const char *path = th_write_tmp(name, text);
	char log[800], full[1400];
	char *out;
	int rc;

	snprintf(log, sizeof(log), "%s/%s.log", th_tmpdir(), name);
	rc = kload_check(path, shown, obj, log);
	out = th_read_file(log, NULL);
	snprintf(full, sizeof(full), "%s%s", shown ? "" : path, want);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert_not_null(strstr(out, full), "want '%s': %s", full, out);
	free(out);
}

/*
 * scxlab-kload reads the same profile: a line the object cannot take
 * fails with the file and line (--loader-name: the name a guest's copy is reported under),
 * and a bad line fails the parse the same way the simulator's does.
 */
Test(profile_worlds, the_kernel_loader_names_file_and_line)
{
	char obj[700], log[800];
	char *text;
	int rc;

	snprintf(obj, sizeof(obj), "%s/profile_verdict.bpf.o", th_tmpdir());
	snprintf(log, sizeof(log), "%s/build.log", th_tmpdir());
	rc = th_scxlab(log, "build", "--bpf-only", "--out", obj, th_src_path("tests/policies/profile_verdict.bpf.c"), NULL);
	text = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", text);
	free(text);

	expect_kload_error(obj, "missing.loader", "rodata want_base = 42\n# a comment\nbss no_such_global = 1\n",
			   "shown.loader", "shown.loader:3: no_such_global: the policy has no global");
	expect_kload_error(obj, "range.loader", "bss cfg.b[2] = 70000\n", NULL,
			   ":1: cfg.b[2]: 70000 does not fit a 16-bit integer");
	expect_kload_error(obj, "syntax.loader", "ops flags = SCX_OPS_NOPE\n", NULL,
			   ":1: ops flags: unknown flag 'SCX_OPS_NOPE'");
}

/* `scxlab compare --loader POLICY=FILE` gives that policy's runs the profile: the fixture's
 * group passes with it and fails without it. */
Test(profile_worlds, compare_gives_a_policy_its_profile, .timeout = 300)
{
	char out[700], log[800], arg[4200];
	char *text;
	int rc;

	snprintf(arg, sizeof(arg), "profile_verdict=%s", th_src_path("tests/policies/profile_verdict.loader"));
	for (int with = 0; with < 2; with++) {
		snprintf(out, sizeof(out), "%s/compare%d", th_tmpdir(), with);
		snprintf(log, sizeof(log), "%s.log", out);
		if (with)
			rc = th_scxlab(log, "compare", "--policies", th_build_path(FIXTURE), "--no-baseline", "--jobs",
				       th_src_path("workloads/jobs/smoke-3s.job"), "--topology", "2cpu", "--duration", "1s",
				       "--no-plots", "--quiet", "--loader", arg, "--out", out, NULL);
		else
			rc = th_scxlab(log, "compare", "--policies", th_build_path(FIXTURE), "--no-baseline", "--jobs",
				       th_src_path("workloads/jobs/smoke-3s.job"), "--topology", "2cpu", "--duration", "1s",
				       "--no-plots", "--quiet", "--out", out, NULL);
		text = th_read_file(log, NULL);
		cr_assert_eq(rc, with ? 0 : 3, "%s the profile: %s", with ? "with" : "without", text);
		free(text);
	}
}
