/*
 * Host preflight: a kernel without sched_ext is named with the missing option and pointed at
 * --target vm; an active scheduler and missing BTF are reported; a sched_ext host as root passes.
 * Uses fake /sys trees so the test does not depend on the machine's kernel.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/real/preflight.h"
#include "test_helpers.h"

static const char *fake_sys(const char *name, bool scx, const char *state, bool btf)
{
	static char root[600];
	char p[800];

	snprintf(root, sizeof(root), "%s/%s", th_tmpdir(), name);
	snprintf(p, sizeof(p), "%s/sys/kernel/btf", root);
	cr_assert_eq(system((snprintf(p, sizeof(p), "mkdir -p %s/sys/kernel/btf", root), p)), 0);
	if (btf) {
		snprintf(p, sizeof(p), "%s/sys/kernel/btf/vmlinux", root);
		fclose(fopen(p, "w"));
	}
	if (scx) {
		snprintf(p, sizeof(p), "%s/sys/kernel/sched_ext", root);
		mkdir(p, 0755);
		snprintf(p, sizeof(p), "%s/sys/kernel/sched_ext/state", root);
		FILE *f = fopen(p, "w");
		fprintf(f, "%s\n", state);
		fclose(f);
	}
	return root;
}

Test(preflight, kernel_without_sched_ext_names_the_option_and_the_vm)
{
	char err[1024];

	cr_assert_neq(preflight__host(fake_sys("noscx", false, NULL, true), err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "CONFIG_SCHED_CLASS_EXT"), "%s", err);
	cr_assert_not_null(strstr(err, "--target vm"), "%s", err);
}

Test(preflight, active_scheduler_and_missing_btf_are_reported)
{
	char err[1024];

	cr_assert_neq(preflight__host(fake_sys("busy", true, "enabled", false), err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "another sched_ext scheduler is active (state 'enabled')"), "%s", err);
	cr_assert_not_null(strstr(err, "CONFIG_DEBUG_INFO_BTF"), "%s", err);
}

Test(preflight, a_ready_host_passes_when_root)
{
	char err[1024];
	int rc = preflight__host(fake_sys("ready", true, "disabled", true), err, sizeof(err));

	if (geteuid() == 0)
		cr_assert_eq(rc, 0, "%s", err);
	else
		cr_assert_not_null(strstr(err, "not root"), "%s", err);
}

Test(preflight, the_baseline_needs_no_sched_ext)
{
	char err[1024];
	int rc = preflight__host_baseline(fake_sys("base-noscx", false, NULL, true), err, sizeof(err));

	cr_assert_null(strstr(err, "CONFIG_SCHED_CLASS_EXT"), "%s", err);
	if (geteuid() == 0 && system("stress-ng --version >/dev/null 2>&1") == 0)
		cr_assert_eq(rc, 0, "%s", err);
	else
		cr_assert_neq(rc, 0);
}

Test(preflight, the_baseline_still_refuses_a_loaded_scheduler_and_no_btf)
{
	char err[1024];

	cr_assert_neq(preflight__host_baseline(fake_sys("base-busy", true, "enabled", false), err, sizeof(err)), 0);
	cr_assert_not_null(strstr(err, "another sched_ext scheduler is active"), "%s", err);
	cr_assert_not_null(strstr(err, "CONFIG_DEBUG_INFO_BTF"), "%s", err);
}
