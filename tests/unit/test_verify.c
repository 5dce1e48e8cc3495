/*
 * `scxlab verify` against the real kernel (in a VM on machines without sched_ext): every
 * policy in sched/ is accepted; a policy with an unchecked array index is rejected with the
 * verifier's own log; across two kernels (7.0 and 7.3), a kfunc 7.0 lacks is named.
 */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

Test(verify, every_sched_policy_is_accepted_by_the_kernel, .timeout = 600)
{
	const char *src = getenv("SCXLAB_SRC");
	char pattern[4096], log[600];
	const char *args[16];
	glob_t g;

	cr_assert(src && *src, "SCXLAB_SRC is not set: run the tests with `make test`");
	snprintf(pattern, sizeof(pattern), "%s/sched/*.bpf.c", src);
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	cr_assert_leq(g.gl_pathc, 12);
	snprintf(log, sizeof(log), "%s/verify.log", th_tmpdir());
	/* th_scxlab takes a NULL-terminated list: pass up to 12 policies */
	for (size_t i = 0; i < 16; i++)
		args[i] = i < g.gl_pathc ? g.gl_pathv[i] : NULL;
	int rc = th_scxlab(log, "verify", args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7],
			   args[8], args[9], args[10], args[11], NULL);
	char *out = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", out);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char want[4200];
		snprintf(want, sizeof(want), "OK %s", g.gl_pathv[i]);
		cr_assert_not_null(strstr(out, want), "%s", out);
	}
	free(out);
	globfree(&g);
}

Test(verify, an_unchecked_index_is_rejected_with_the_verifier_log, .timeout = 600)
{
	const char *src = getenv("SCXLAB_SRC");
	char path[4096], log[600];

	cr_assert(src && *src);
	snprintf(path, sizeof(path), "%s/tests/fixtures/verifier_reject.bpf.c", src);
	snprintf(log, sizeof(log), "%s/reject.log", th_tmpdir());
	int rc = th_scxlab(log, "verify", path, NULL);
	char *out = th_read_file(log, NULL);
	cr_assert_eq(rc, 1, "%s", out);
	cr_assert_not_null(strstr(out, "REJECTED"), "%s", out);
	cr_assert_not_null(strstr(out, "BEGIN PROG LOAD LOG"), "%s", out);
	cr_assert_not_null(strstr(out, "reject_enqueue"), "%s", out);
	free(out);
}

/* The CSV row of @policy (a path suffix) on kernel @kernel, or NULL. */
static const char *csv_row(const char *csv, const char *policy, const char *kernel)
{
	char want[256];

	snprintf(want, sizeof(want), "%s\",\"%s\",", policy, kernel);
	for (const char *line = csv; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *hit = strstr(line, want);
		if (hit && (!strchr(line, '\n') || hit < strchr(line, '\n')))
			return line;
	}
	return NULL;
}

/*
 * Two kernels, each booted once: a policy calling scx_bpf_dsq_reenq() (7.2+) is rejected on
 * 7.0 with the kfunc named and accepted on 7.3; a policy for both is accepted on both, and every
 * accepted row carries the verifier's instruction count.
 */
Test(verify, two_kernels_one_boot_each_and_a_kfunc_7_0_lacks, .timeout = 900)
{
	const char *src = getenv("SCXLAB_SRC");
	char fixture[4096], vtime[4096], log[600];
	unsigned long insns = 0;

	cr_assert(src && *src);
	snprintf(fixture, sizeof(fixture), "%s/tests/policies/reenq_kfunc.bpf.c", src);
	snprintf(vtime, sizeof(vtime), "%s/sched/scxl_vtime.bpf.c", src);
	snprintf(log, sizeof(log), "%s/kernels.csv", th_tmpdir());
	int rc = th_scxlab(log, "verify", "--kernel", "7.0,7.3", "--format", "csv", fixture, vtime, NULL);
	char *out = th_read_file(log, NULL);
	cr_assert_eq(rc, 1, "%s", out);

	const char *row = csv_row(out, "reenq_kfunc.bpf.c", "7.0");
	cr_assert_not_null(row, "%s", out);
	cr_assert_eq(strncmp(strstr(row, "\",\"7.0\",\"7.0."), "\",\"7.0\",\"7.0.", 12), 0, "%.300s", row);
	cr_assert_not_null(strstr(row, ",rejected,"), "%.300s", row);
	cr_assert(strstr(row, "kfunc 'scx_bpf_dsq_reenq'") && strstr(row, "kfunc 'scx_bpf_dsq_reenq'") < strchr(row, '\n'),
		  "%.300s", row);

	row = csv_row(out, "reenq_kfunc.bpf.c", "7.3");
	cr_assert_not_null(row, "%s", out);
	cr_assert_not_null(strstr(row, ",accepted,\"reenq_kfunc_dispatch\","), "%.300s", row);
	cr_assert_eq(sscanf(strstr(row, "reenq_kfunc_dispatch\",") + 22, "%lu", &insns), 1, "%.300s", row);
	cr_assert_gt(insns, 5);

	for (int k = 0; k < 2; k++) {
		row = csv_row(out, "scxl_vtime.bpf.c", k ? "7.3" : "7.0");
		cr_assert_not_null(row, "%s", out);
		cr_assert_not_null(strstr(row, ",accepted,\"vtime_"), "%.300s", row);
	}
	free(out);
}
