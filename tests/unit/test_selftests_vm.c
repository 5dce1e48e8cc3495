/*
 * The kernel's sched_ext selftests on the real kernel (the 7.2 TCG guest, part of the VM
 * suites): `scxlab selftests --target vm` runs a test that stays loaded, one that the kernel
 * ejects with an error and one that exits from ops.enqueue, each with its runner's expected
 * outcome, and skips one whose runner reads .bss with the reason.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

Test(vm_runs, selftests_runtime_expectations_hold_on_the_kernel, .timeout = 1200)
{
	const char *suite = getenv("SCXLAB_SELFTESTS");
	char log[600];

	cr_assert(suite && *suite, "SCXLAB_SELFTESTS is not set: run the tests with `make test`");
	snprintf(log, sizeof(log), "%s/selftests-vm.log", th_tmpdir());
	int rc = th_scxlab(log, "selftests", "--suite", suite, "--target", "vm", "--only",
			   "minimal,ddsp_bogus_dsq_fail,exit.enqueue,dequeue_iter", NULL);
	char *out = th_read_file(log, NULL);

	cr_assert_eq(rc, 0, "%s", out);
	cr_assert(strstr(out, "3 passed, 0 failed, 1 skipped"), "%s", out);
	cr_assert(strstr(out, "VM: SCX_EXIT_ERROR as expected"), "%s", out);
	cr_assert(strstr(out, "reads .bss/.data after the run"), "%s", out);
	free(out);
}
