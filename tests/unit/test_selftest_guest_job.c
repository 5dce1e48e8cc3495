/*
 * A selftest's workload in the guest (harness/selftests/selftest_guest_job.h): the table's
 * `workload` lines become the stress-ng jobs the guest's loader starts before and after its
 * attach, with the built-in workload's hogs and pairs as cpu and switch stressors, table jobs
 * without their timeout, and the guest's shortest times. No guest is booted here.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/selftests/selftest_guest_job.h"
#include "test_helpers.h"

static struct selftest_table table;

/* Parse a one-test table @text (its jobs next to it in th_tmpdir()); the guest workload's status. */
static int guest_workload(const char *text, int cpus, struct selftest_guest_workload *w, char *why, size_t len)
{
	char path[4096], err[1024];

	snprintf(path, sizeof(path), "%s", th_write_tmp("guest.table", text));
	cr_assert_eq(selftest_table__parse(&table, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(table.nr, 1);
	why[0] = 0;
	return selftest_guest__workload(&table.tests[0], th_tmpdir(), cpus, w, why, len);
}

static int count(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static char *text_of(const char *path)
{
	char *s = th_read_file(path, NULL);

	cr_assert_not_null(s, "%s was not written", path);
	return s;
}

Test(selftests_guest, the_builtin_runs_before_the_attach_and_an_after_attach_job_after_it)
{
	struct selftest_guest_workload w;
	char why[1200];

	th_write_tmp("forks.job", "run parallel\ntimeout 10s\nmetrics-brief\nfork 1\nfork-ops 10\n");
	int rc = guest_workload("test t minimal\nattach-at 20ms\nworkload builtin hogs=0 pairs=16\n"
				"workload job forks.job after-attach\nrun 50ms\nexpect stays-loaded\n",
				2, &w, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	/* under TCG stress-ng needs seconds to start: the guest's times are longer */
	cr_assert_eq(w.attach_at_ns, SELFTEST_GUEST_MIN_ATTACH_NS);
	cr_assert_eq(w.run_ns, SELFTEST_GUEST_MIN_RUN_NS);
	char *before = text_of(w.job), *after = text_of(w.late_job);
	cr_assert(strstr(before, "\nswitch 16\n"), "%s", before);
	cr_assert(!strstr(before, "\ncpu "), "hogs=0 must not be `cpu 0` (one a CPU to stress-ng):\n%s", before);
	cr_assert(strstr(after, "\nfork 1\n") && strstr(after, "fork-ops 10"), "%s", after);
	cr_assert(!strstr(after, "timeout"), "the test's run time is the limit:\n%s", after);
	free(before);
	free(after);
	selftest_table__free(&table);
}

Test(selftests_guest, the_builtin_defaults_are_per_guest_cpu)
{
	struct selftest_guest_workload w;
	char why[1200];

	int rc = guest_workload("test t minimal\nworkload builtin\nrun 5s\nexpect stays-loaded\n", 4, &w, why,
				sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	cr_assert_eq(w.attach_at_ns, 0);
	cr_assert_eq(w.run_ns, 5000000000ULL);
	cr_assert_eq(w.late_job[0], 0);
	char *job = text_of(w.job);
	cr_assert(strstr(job, "\ncpu 4\n") && strstr(job, "\nswitch 2\n"), "%s", job);
	free(job);
	selftest_table__free(&table);
}

Test(selftests_guest, without_attach_at_every_job_starts_with_the_run)
{
	struct selftest_guest_workload w;
	char why[1200];

	th_write_tmp("forks.job", "run parallel\nmetrics-brief\nfork 1\n");
	int rc = guest_workload("test t minimal\nworkload builtin hogs=1 pairs=0\nworkload job forks.job after-attach\n"
				"expect stays-loaded\n", 2, &w, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	cr_assert_eq(w.late_job[0], 0, "the attach comes first: nothing starts after it");
	char *job = text_of(w.job);
	cr_assert(strstr(job, "\ncpu 1\n") && strstr(job, "\nfork 1\n") && !strstr(job, "\nswitch"), "%s", job);
	cr_assert_eq(count(job, "run parallel"), 1, "one run line in a merged job:\n%s", job);
	free(job);
	selftest_table__free(&table);
}

Test(selftests_guest, a_test_without_workload_lines_runs_the_smoke_job)
{
	struct selftest_guest_workload w;
	char why[1200];

	cr_assert_eq(guest_workload("test t minimal\nexpect stays-loaded\n", 2, &w, why, sizeof(why)), 0, "%s", why);
	cr_assert(strstr(w.job, "workloads/jobs/smoke-3s.job"), "%s", w.job);
	selftest_table__free(&table);
}

Test(selftests_guest, a_job_with_global_options_is_not_merged_with_another)
{
	struct selftest_guest_workload w;
	char why[1200];

	th_write_tmp("pinned.job", "run parallel\ntaskset 0-1\nyield 2\n");
	int rc = guest_workload("test t minimal\nworkload builtin\nworkload job pinned.job\nexpect stays-loaded\n", 2,
				&w, why, sizeof(why));
	cr_assert_eq(rc, 1, "%s", why);
	cr_assert(strstr(why, "pinned.job (taskset)"), "%s", why);
	selftest_table__free(&table);
}

/*
 * A `sched ext` job (stress-ng 0.15.06 has no --sched ext): its line is left out and its
 * stressors are the loader's --ext-stressors; merged with a job that is not SCHED_EXT, as the
 * partial init_enable_count's after-attach group.
 */
Test(selftests_guest, sched_ext_stressors_are_moved_by_the_loader)
{
	struct selftest_guest_workload w;
	char why[1200];

	th_write_tmp("ext.job", "run parallel\nsched ext\ncpu 5\nyield 1\n");
	th_write_tmp("forks.job", "run parallel\nfork 1\nfork-ops 10\n");
	int rc = guest_workload("test t minimal\nattach-at 20ms\nworkload builtin hogs=0 pairs=4\n"
				"workload job forks.job after-attach\nworkload job ext.job after-attach\n"
				"expect stays-loaded\n", 2, &w, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	cr_assert_str_eq(w.ext_stressors, "cpu,yield");
	char *late = text_of(w.late_job);
	cr_assert(strstr(late, "fork 1") && strstr(late, "cpu 5"), "%s", late);
	cr_assert_null(strstr(late, "sched"), "%s", late);
	free(late);
	selftest_table__free(&table);
}

/* The loader tells the SCHED_EXT stressors by name: one also in a job that is not is refused. */
Test(selftests_guest, a_sched_ext_stressor_also_run_on_fair_is_refused)
{
	struct selftest_guest_workload w;
	char why[1200];

	th_write_tmp("ext.job", "run parallel\nsched ext\ncpu 5\n");
	int rc = guest_workload("test t minimal\nworkload builtin hogs=1 pairs=0\nworkload job ext.job\n"
				"expect stays-loaded\n", 2, &w, why, sizeof(why));
	cr_assert_eq(rc, 1, "%s", why);
	cr_assert(strstr(why, "ext.job starts its cpu stressors SCHED_EXT"), "%s", why);
	selftest_table__free(&table);
}
