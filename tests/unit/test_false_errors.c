/*
 * False errors of the simulator that correct code met (issue 14), each pinned by a fixture
 * policy in tests/policies and its expectations in tests/selftests/false_errors.table, run
 * through `scxlab selftests`: bpf_timer_cancel()'s answers by context (scx_nest is ejected on
 * the kernel with "Failed to cancel pcpu timer"), and the running task put back after an
 * affinity change going to ops.enqueue() and then getting SCX_DEQ_CORE_SCHED_EXEC (selftest
 * dequeue_remote's "late ops.dequeue()").
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

/* The report of the one test @name of the table; its row must say PASS. */
static void passes(const char *name)
{
	const char *src = getenv("SCXLAB_SRC");
	char suite[4096], table[4096], log[4096], *out;
	int rc;

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(suite, sizeof(suite), "%s/tests/policies", src);
	snprintf(table, sizeof(table), "%s/tests/selftests/false_errors.table", src);
	snprintf(log, sizeof(log), "%s/false-%s.log", th_tmpdir(), name);
	rc = th_scxlab(log, "selftests", "--suite", suite, "--table", table, "--only", name, NULL);
	out = th_read_file(log, NULL);
	cr_assert_not_null(out);
	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "1 passed, 0 failed"), "%s", out);
	free(out);
}

Test(false_errors, timer_cancel_answers_as_the_kernel_does)
{
	passes("timer_cancel");
}

Test(false_errors, a_running_task_restored_after_an_affinity_change_skips_ops_enqueue)
{
	passes("restore_custody");
}
