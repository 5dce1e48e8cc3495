/*
 * The real kernel in the guest: a loader killed with SIGKILL (also in the middle of a measured
 * stress-ng run), or stopped with SIGTERM, leaves /sys/kernel/sched_ext/state at `disabled`
 * (nothing keeps the struct_ops link open).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

Test(vm, killed_loader_leaves_sched_ext_disabled, .timeout = 600)
{
	const char *src = getenv("SCXLAB_SRC");
	char init[4096], file[4200], probes[4200], stress_ng[300], log[600];

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(init, sizeof(init), "%s/tests/fixtures/vm/kill-loader.sh", src);
	snprintf(file, sizeof(file), "/scx/p.bpf.o=%s", th_build_path("policies/sched/scxl_vtime.bpf.o"));
	snprintf(probes, sizeof(probes), "/scx/probes.bpf.o=%s", th_build_path("probes/latency.bpf.o"));
	snprintf(stress_ng, sizeof(stress_ng), "/usr/bin/stress-ng=/usr/bin/stress-ng");
	snprintf(log, sizeof(log), "%s/vm.log", th_tmpdir());
	int rc = th_scxlab(log, "vm", "--init", init, "--file", file, "--file", probes, "--file", stress_ng, NULL);
	char *out = th_read_file(log, NULL);

	cr_assert_eq(rc, 0, "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-KILL-BEFORE enabled"), "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-KILL-AFTER disabled"), "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-TERM-BEFORE enabled"), "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-TERM-AFTER disabled"), "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-TERM-LOG DETACHED state=disabled"), "%s", out);
	/* the run had stress-ng going (parent and workers) under the policy when it was killed */
	cr_assert_not_null(strstr(out, "SCXLAB-RUNKILL-BEFORE enabled stress-ng-running"), "%s", out);
	cr_assert_not_null(strstr(out, "SCXLAB-RUNKILL-AFTER disabled"), "%s", out);
	free(out);
}
