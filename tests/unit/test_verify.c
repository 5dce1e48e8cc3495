/*
 * `scxlab verify` against the real 7.2 kernel (in a VM on machines without sched_ext): every
 * policy in sched/ is accepted; a policy with an unchecked array index is rejected with the
 * verifier's own log.
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
