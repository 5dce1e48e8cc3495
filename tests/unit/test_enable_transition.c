/*
 * The enable transition: with `scxlab run --attach-at TIME` (or a loader profile's
 * `attach-at`), the workload's tasks exist before the policy attaches and go through
 * ops.init_task with fork == false, then ops.enable, as the kernel's scx_root_enable does for
 * tasks that exist; without it every task is forked after the attach. The fixture
 * tests/policies/enable_transition reports its counts in its exit message.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

#define POLICY "policies/tests/policies/enable_transition.sim.so"

/* The result.json text of a run into @dir that must have succeeded (@rc, its @log). */
static char *result_of(const char *dir, const char *log, int rc)
{
	char path[4200];
	char *out = th_read_file(log, NULL), *doc;

	cr_assert_eq(rc, 0, "scxlab run failed (%d):\n%s", rc, out ? out : "");
	free(out);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	doc = th_read_file(path, NULL);
	cr_assert_not_null(doc);
	return doc;
}

/* Run the fixture on 4 hogs and 2 pairs for 200 ms; the result.json text. */
static char *run(const char *name, const char *a1, const char *a2)
{
	char dir[4096], log[4200];

	snprintf(dir, sizeof(dir), "%s/%s", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", dir);
	int rc = th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--hogs", "4", "--pairs", "2", "--duration",
			   "200ms", "--quiet", "--expect-exit", "unreg_bpf", "--out", dir, a1, a2, NULL);
	return result_of(dir, log, rc);
}

Test(enable_transition, tasks_forked_after_the_attach_take_the_fork_path)
{
	char *doc = run("at0", NULL, NULL);

	cr_assert(strstr(doc, "\"transitions=0 forks=8 enabled=8\""), "%s", doc);
	free(doc);
}

Test(enable_transition, tasks_that_exist_at_attach_at_go_through_init_task_then_enable)
{
	char *doc = run("at50", "--attach-at", "50ms");

	cr_assert(strstr(doc, "\"transitions=8 forks=0 enabled=8\""), "%s", doc);
	free(doc);
}

Test(enable_transition, a_loader_profile_can_say_when_the_loader_attaches)
{
	char profile[4096];
	FILE *f;

	snprintf(profile, sizeof(profile), "%s/attach.profile", th_tmpdir());
	f = fopen(profile, "w");
	cr_assert_not_null(f);
	fputs("attach-at 20ms   # the loader starts after the workload\n", f);
	fclose(f);
	char *doc = run("profile", "--loader", profile);

	cr_assert(strstr(doc, "\"transitions=8 forks=0 enabled=8\""), "%s", doc);
	free(doc);
}

Test(enable_transition, an_attach_time_outside_the_run_is_refused)
{
	char log[4096], *out;

	snprintf(log, sizeof(log), "%s/late.log", th_tmpdir());
	int rc = th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--duration", "100ms", "--attach-at", "1s",
			   "--out", th_tmpdir(), NULL);
	out = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "--attach-at"), "%s", out);
	free(out);
	snprintf(log, sizeof(log), "%s/bad.log", th_tmpdir());
	rc = th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--attach-at", "soon", "--out", th_tmpdir(), NULL);
	out = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s", out);
	free(out);
}

/* --job A --after-attach-job B: A's tasks exist before an --attach-at, B's are forked after it. */
static char *run_two_jobs(const char *name, const char *attach_at)
{
	char dir[4096], log[4200], before[4096], after[4096];

	snprintf(before, sizeof(before), "%s", th_write_tmp("before.job", "run parallel\ntimeout 1s\ncpu 2\n"));
	snprintf(after, sizeof(after), "%s", th_write_tmp("after.job", "run parallel\ncpu 3\n"));
	snprintf(dir, sizeof(dir), "%s/%s", th_tmpdir(), name);
	snprintf(log, sizeof(log), "%s.log", dir);
	int rc = attach_at ? th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--job", before, "--after-attach-job",
				       after, "--duration", "200ms", "--quiet", "--expect-exit", "unreg_bpf", "--out", dir,
				       "--attach-at", attach_at, NULL)
			   : th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--job", before, "--after-attach-job",
				       after, "--duration", "200ms", "--quiet", "--expect-exit", "unreg_bpf", "--out", dir, NULL);
	return result_of(dir, log, rc);
}

Test(enable_transition, an_after_attach_job_is_forked_once_the_policy_is_attached)
{
	char *doc = run_two_jobs("late50", "50ms");

	/* the two cpu workers existed at the attach; the three of the second job were forked */
	cr_assert(strstr(doc, "\"transitions=2 forks=3 enabled=5\""), "%s", doc);
	free(doc);
	doc = run_two_jobs("late0", NULL);
	cr_assert(strstr(doc, "\"transitions=0 forks=5 enabled=5\""), "%s", doc);
	free(doc);
}

Test(enable_transition, an_after_attach_job_needs_a_policy_and_a_job)
{
	char log[4096], *out;
	const char *job = th_write_tmp("late.job", "cpu 1\n");

	snprintf(log, sizeof(log), "%s/nojob.log", th_tmpdir());
	int rc = th_scxlab(log, "run", "--policy", th_build_path(POLICY), "--after-attach-job", job, "--out", th_tmpdir(),
			   NULL);
	out = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "--after-attach-job needs --policy and --job"), "%s", out);
	free(out);
}

/* On a real kernel the loader attaches TIME after stress-ng starts: a time past the job is refused
 * before any guest boots, and a bad after-attach job names its file and line. */
Test(enable_transition, a_real_kernel_attach_time_outside_the_job_is_refused)
{
	char log[4096], job[4096], *out;

	snprintf(job, sizeof(job), "%s", th_write_tmp("short.job", "run parallel\ntimeout 1s\ncpu 1\n"));
	snprintf(log, sizeof(log), "%s/vmlate.log", th_tmpdir());
	int rc = th_scxlab(log, "run", "--target", "vm", "--policy", th_build_path(POLICY), "--job", job, "--attach-at",
			   "5s", "--out", th_tmpdir(), NULL);
	out = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "--attach-at 5.000 s is not within the job's 1.000 s"), "%s", out);
	free(out);
	const char *bad = th_write_tmp("bad-late.job", "cpu 1\nno-such-option 3\n");
	rc = th_scxlab(log, "run", "--target", "vm", "--policy", th_build_path(POLICY), "--job", job,
		       "--after-attach-job", bad, "--out", th_tmpdir(), NULL);
	out = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, "--after-attach-job: ") && strstr(out, "bad-late.job:2:"), "%s", out);
	free(out);
}
