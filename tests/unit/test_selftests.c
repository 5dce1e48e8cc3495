/*
 * The kernel's sched_ext selftests (linux-source-7.3, fetched at test time by
 * scripts/fetch-sched-ext-selftests.sh into $SCXLAB_SELFTESTS) in the simulator, through
 * `scxlab selftests` and tests/selftests/sched_ext.table: every test gives its runner's
 * expected outcome, or is skipped for the reason the table states. Also the table's bad input.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

static const char *suite(void)
{
	const char *dir = getenv("SCXLAB_SELFTESTS");

	cr_assert(dir && *dir, "SCXLAB_SELFTESTS is not set: run the tests with `make test` "
			       "(it runs scripts/fetch-sched-ext-selftests.sh)");
	return dir;
}

/* Run `scxlab selftests` with up to four more arguments (NULL ends them early); its output in
 * *@out, its exit status returned. */
static int selftests4(char **out, const char *name, const char *a1, const char *a2, const char *a3,
		      const char *a4)
{
	char log[4096];
	int rc;

	snprintf(log, sizeof(log), "%s/selftests-%s.log", th_tmpdir(), name);
	rc = th_scxlab(log, "selftests", "--suite", suite(), a1, a2, a3, a4, NULL);
	*out = th_read_file(log, NULL);
	cr_assert_not_null(*out);
	return rc;
}

/* The same with two arguments. */
static int selftests(char **out, const char *name, const char *a1, const char *a2)
{
	return selftests4(out, name, a1, a2, NULL, NULL);
}

/* The row of test @name in a report (its first line), or NULL. */
static const char *row(const char *report, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = report; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, n) && l[n] == ' ')
			return l;
	return NULL;
}

static bool row_says(const char *r, const char *what)
{
	const char *eol = strchr(r, '\n');
	const char *hit = strstr(r, what);

	return hit && (!eol || hit < eol);
}

/* @text as the table file @name in the tests' scratch directory; its path in @path. */
static void write_table(char *path, size_t len, const char *name, const char *text)
{
	FILE *f;

	snprintf(path, len, "%s/%s", th_tmpdir(), name);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(selftests, every_runtime_test_gives_its_expected_outcome, .timeout = 600)
{
	char *out;
	int rc = selftests(&out, "all", NULL, NULL);

	cr_assert_eq(rc, 0, "scxlab selftests failed (%d):\n%s", rc, out);
	/* a sample of each kind of expectation, so a table that lost its tests cannot pass */
	const char *must_pass[] = { "minimal", "maximal", "ddsp_bogus_dsq_fail", "exit.init", "exit.dispatch",
				    "prog_run", "enq_last_no_enq_fails", "select_cpu_dfl_nodispatch",
				    "dequeue.enqueue_user", "dequeue_remote.dispatch", "dequeue_iter", "numa",
				    "maybe_null", "init_enable_count.global", "init_enable_count.partial" };
	for (size_t i = 0; i < sizeof(must_pass) / sizeof(must_pass[0]); i++) {
		const char *r = row(out, must_pass[i]);

		cr_assert_not_null(r, "no row for %s:\n%s", must_pass[i], out);
		cr_assert(row_says(r, " PASS "), "%s did not pass:\n%s", must_pass[i], out);
	}
	/* every skip states why */
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (row_says(l, " SKIP "))
			cr_assert(row_says(l, "unsupported: ") || row_says(l, "verifier only"), "a skip without a reason: %.200s",
				  l);
	cr_assert(strstr(out, " 0 failed"), "%s", out);
	free(out);
}

Test(selftests, a_wrong_expectation_fails)
{
	char table[4096], *out;

	write_table(table, sizeof(table), "wrong.table",
		    "test minimal\nexpect exit SCX_EXIT_ERROR\n\ntest exit.enqueue exit\nrodata exit_point = 1\n"
		    "expect exit SCX_EXIT_UNREG_BPF code 2\n\ntest select_cpu_dfl\nexpect stays-loaded\n"
		    "check saw_local != 0\n");
	int rc = selftests(&out, "wrong", "--table", table);

	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(row_says(row(out, "minimal"), " FAIL "), "%s", out);
	cr_assert(row_says(row(out, "exit.enqueue"), " FAIL "), "%s", out);
	cr_assert(row_says(row(out, "select_cpu_dfl"), " FAIL "), "%s", out);
	cr_assert(strstr(out, "0 passed, 3 failed"), "%s", out);
	free(out);
}

static void bad_table(const char *text, const char *want)
{
	char table[4096], *out;

	write_table(table, sizeof(table), "bad.table", text);
	int rc = selftests(&out, "bad", "--table", table);

	cr_assert_eq(rc, 2, "%s", out);
	cr_assert(strstr(out, want), "wanted '%s' in:\n%s", want, out);
	free(out);
}

Test(selftests, bad_tables_name_the_file_and_line)
{
	bad_table("test minimal\nexpect stays-loaded\nfrobnicate 1\n", "bad.table:3: unknown setting 'frobnicate'");
	bad_table("test minimal\n", "bad.table:1: test minimal has no expect line");
	bad_table("test minimal\nexpect exit SCX_EXIT_BOGUS\n", "bad.table:2: expect exit: 'SCX_EXIT_BOGUS'");
	bad_table("test minimal\nexpect stays-loaded\ncheck a =~ 3\n", "bad.table:3: check: unknown operator");
	bad_table("test minimal\nexpect stays-loaded\nops flagz = 1\n", "bad.table:3: ops flagz: unknown field");
	bad_table("test minimal\nexpect stays-loaded\ntest minimal\nexpect loads\n",
		  "bad.table:3: test minimal: already defined at line 1");
	bad_table("test minimal\nexpect stays-loaded\nworkload job nosuch.job\n", "bad.table:3: workload job nosuch.job");
	bad_table("expect loads\n", "bad.table:1: a setting before the first 'test' line");
	bad_table("test minimal\nexpect stays-loaded\nattach-at soon\n", "bad.table:3: attach-at: expected one time");
	bad_table("test minimal\nexpect stays-loaded\nworkload job default.job later\n",
		  "bad.table:3: workload job: expected 'job FILE [after-attach]'");
	bad_table("test minimal\nexpect stays-loaded\nmin-cpus none\n", "bad.table:3: min-cpus: expected one CPU count");
	bad_table("test minimal\nexpect stays-loaded\npossible-cpus\n", "bad.table:3: possible-cpus: expected one rodata");
	bad_table("test minimal\nexpect stays-loaded\nvm-offline 1\n", "bad.table:3: vm-offline: expected CPU@TIME");
	bad_table("test minimal\nexpect stays-loaded\nvm-offline x@1s\n", "bad.table:3: vm-offline: expected CPU@TIME");
}

/* `possible-cpus NAME` sets the policy's global (a name it does not have is its load failure) */
Test(selftests, possible_cpus_sets_the_named_global)
{
	char table[4096], *out;

	write_table(table, sizeof(table), "ncpus.table",
		    "test dsp_local_on\npossible-cpus nr_cpus\nrun 100ms\nexpect stays-loaded\n\n"
		    "test minimal\npossible-cpus no_such_knob\nrun 10ms\nexpect stays-loaded\n");
	int rc = selftests(&out, "ncpus", "--table", table);

	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(row_says(row(out, "dsp_local_on"), " PASS "), "%s", out);
	cr_assert(row_says(row(out, "minimal"), "no_such_knob"), "%s", out);
	free(out);
}

/* `min-cpus N`: the runner's own skip on a smaller machine (cyclic_kick_wait needs three CPUs) */
Test(selftests, a_runner_that_needs_more_cpus_than_the_topology_has_is_skipped)
{
	char table[4096], *out;

	write_table(table, sizeof(table), "cpus.table",
		    "test minimal\nmin-cpus 3\nrun 10ms\nexpect stays-loaded\n\n"
		    "test exit.init exit\nmin-cpus 2\nrodata exit_point = 5\nexpect exit SCX_EXIT_UNREG_BPF code 5\n");
	int rc = selftests4(&out, "cpus", "--table", table, "--topology", "2");

	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(row_says(row(out, "minimal"), "SKIP its runner skips on fewer than 3 CPUs (--topology has 2)"), "%s", out);
	cr_assert(row_says(row(out, "exit.init"), " PASS "), "%s", out);
	free(out);
}

Test(selftests, a_missing_global_in_a_check_fails_the_test)
{
	char table[4096], *out;

	write_table(table, sizeof(table), "noglobal.table",
		    "test minimal\nrun 10ms\nexpect stays-loaded\ncheck no_such_counter > 0\n");
	int rc = selftests(&out, "noglobal", "--table", table);

	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(strstr(out, "the policy has no global 'no_such_counter'"), "%s", out);
	free(out);
}

/*
 * A scheduler that stays loaded while tasks starve fails: dequeue's scenario 2 under
 * migration-heavy.job (below) never drains the user DSQ its ops.select_cpu fills, and without a
 * check of its own the row passed, the 2 s run being shorter than any watchdog verdict.
 */
Test(selftests, a_run_that_stays_loaded_while_tasks_starve_fails)
{
	char table[4096], text[1024], *out;

	snprintf(text, sizeof(text),
		 "test heavy dequeue\nbss test_scenario = 2\nworkload job %s\nrun 2s\nexpect stays-loaded\n",
		 th_src_path("workloads/jobs/migration-heavy.job"));
	write_table(table, sizeof(table), "starving.table", text);
	int rc = selftests4(&out, "starving", "--table", table, "--topology", "2");

	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(row_says(row(out, "heavy"), "stayed loaded, but "), "%s", out);
	cr_assert(row_says(row(out, "heavy"), "runnable and not run for more than half of the 2000 ms run"), "%s", out);
	free(out);
}

/*
 * A table of two stanzas on 2 CPUs, "heavy" (a shared job that is not the runner's workload)
 * and "own" (the job the shipped table gives the test): heavy fails saying @heavy_says, own
 * passes.
 */
static void heavy_fails_own_passes(const char *name, const char *text, const char *heavy_says)
{
	char table[4096], *out;

	write_table(table, sizeof(table), name, text);
	int rc = selftests4(&out, name, "--table", table, "--topology", "2");

	cr_assert_eq(rc, 1, "%s", out);
	cr_assert(row_says(row(out, "heavy"), heavy_says), "%s", out);
	cr_assert(row_says(row(out, "own"), " PASS "), "%s", out);
	free(out);
}

/*
 * Why the table gives dequeue.select_cpu_user its own job: under migration-heavy.job (hogs,
 * yielders and affinity movers, always runnable) every task not woken goes to the global DSQ
 * through the test's ops.enqueue, the kernel consumes the global DSQ before ops.dispatch, so
 * ops.dispatch never runs and the user DSQ ops.select_cpu fills is never drained: a few dozen
 * enqueues in 2 s (the 7.3 TCG guest: an RCU stall after 21 s). Its own job keeps counting.
 */
Test(selftests, a_user_dsq_fed_only_by_select_cpu_starves_behind_the_global_dsq)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "test heavy dequeue\nbss test_scenario = 2\nworkload job migration-heavy.job\nrun 2s\n"
		 "expect stays-loaded\ncheck enqueue_cnt > 1000\n\n"
		 "test own dequeue\nbss test_scenario = 2\nworkload job %s\nrun 2s\nexpect stays-loaded\n"
		 "check enqueue_cnt > 1000\n",
		 th_src_path("tests/selftests/dequeue_select_cpu_user.job"));
	heavy_fails_own_passes("dequeue2.table", text, " FAIL ");
}

/*
 * Why the select_cpu tests have their own job: sleep-heavy.job's 256 `sleep` threads spin in
 * stress-ng 0.15.06, each waits its turn in the global DSQ behind the others' 20 ms slices,
 * which on 2 CPUs is past select_cpu_dispatch's 1 s watchdog (timeout_ms) once the run is
 * longer than 1 s (the guest runs 3 s). Their runners' children sleep; so do the job's.
 */
Test(selftests, spinning_sleepers_outlast_select_cpu_dispatchs_one_second_watchdog)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "test heavy select_cpu_dispatch\nworkload job sleep-heavy.job\nrun 3s\nexpect stays-loaded\n\n"
		 "test own select_cpu_dispatch\nworkload job %s\nrun 3s\nexpect stays-loaded\n",
		 th_src_path("tests/selftests/select_cpu_sleepers.job"));
	heavy_fails_own_passes("dispatch.table", text, "SCX_EXIT_ERROR_STALL");
}
