/*
 * The kernel's sched_ext selftests on the real kernel (the TCG guest booting the kernel
 * cache's current; these are VM tests):
 * `scxlab selftests --verify` gives the three whose runners expect a verifier rejection
 * (maybe_null_fail_dsp, maybe_null_fail_yld, non_scx_kfunc_deny) to the kernel, which refuses
 * each for its own reason, and maybe_null, which must load; `--target vm` runs one the kernel
 * ejects with an error, one that exits from ops.enqueue, one whose runner reads .bss after the
 * run (peek_dsq), one that runs a syscall program (prog_run), rt_stall (the libbpf 1.4
 * workaround: it loads), one with its own job (select_cpu_dfl: saw_local == 0), and
 * init_enable_count.global: the built-in workload started on the fair class, the loader
 * attaching after it (the kernel's enable transition), a job forked after the attach; and
 * init_enable_count.partial: under SWITCH_PARTIAL only its five SCHED_EXT stressors (moved there
 * by the loader, `--ext-stressors`: Debian 12's stress-ng has no --sched ext) are enabled; and
 * enable_cmask, a 7.3 test built with 7.3's libbpf headers (the cid-form cmask on SCHED_EXT
 * stressors that fork and move themselves); and hotplug's first case, CPU 1 taken offline by
 * the loader (the runner's sysfs write) and the policy's ops.cpu_offline exit with its code.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

/* `scxlab selftests --suite $SCXLAB_SELFTESTS @mode... --only @only`: must exit 0; its output. */
static char *on_kernel(const char *name, const char *mode1, const char *mode2, const char *only)
{
	const char *suite = getenv("SCXLAB_SELFTESTS");
	char log[600];

	cr_assert(suite && *suite, "SCXLAB_SELFTESTS is not set: run the tests with `make test`");
	snprintf(log, sizeof(log), "%s/selftests-%s.log", th_tmpdir(), name);
	int rc = mode2 ? th_scxlab(log, "selftests", "--suite", suite, "--only", only, mode1, mode2, NULL)
		       : th_scxlab(log, "selftests", "--suite", suite, "--only", only, mode1, NULL);
	char *out = th_read_file(log, NULL);

	cr_assert_not_null(out);
	cr_assert_eq(rc, 0, "%s", out);
	return out;
}

Test(verify, the_selftests_verifier_expectations_hold_on_the_kernel, .timeout = 900)
{
	char *out = on_kernel("verify", "--verify", NULL,
			      "maybe_null,maybe_null_fail_dsp,maybe_null_fail_yld,non_scx_kfunc_deny");

	cr_assert(strstr(out, "4 passed, 0 failed, 0 skipped"), "%s", out);
	cr_assert(strstr(out, "calling kernel function scx_bpf_kick_cpu is not allowed"), "%s", out);
	cr_assert(strstr(out, "trusted_ptr_or_null_"), "%s", out);
	cr_assert(strstr(out, "loaded; verify: accepted"), "%s", out);
	free(out);
}

Test(vm_runs, selftests_runtime_expectations_hold_on_the_kernel, .timeout = 1800)
{
	char *out = on_kernel("vm", "--target", "vm",
			      "ddsp_bogus_dsq_fail,exit.enqueue,peek_dsq,prog_run,rt_stall,select_cpu_dfl,"
			      "init_enable_count.global,init_enable_count.partial,enable_cmask,hotplug");

	cr_assert(strstr(out, "10 passed, 0 failed, 0 skipped"), "%s", out);
	cr_assert(strstr(out, "VM: SCX_EXIT_ERROR as expected"), "%s", out);
	cr_assert(strstr(out, "SCX_EXIT_UNREG_BPF:1 as expected, and its exit code"), "%s", out);
	/* peek_dsq's runner reads .bss after the run: kload reports it */
	cr_assert(strstr(out, "; enqueue_count="), "%s", out);
	/* prog_run's runner runs a SEC("syscall") program: a loader-profile line in the guest */
	cr_assert(strstr(out, "SCX_EXIT_UNREG_BPF as expected, and its exit code"), "%s", out);
	/* its own job (sleep-heavy.job) in the guest, and the runner's check on it */
	cr_assert(strstr(out, "; saw_local=0"), "%s", out);
	/* attach-at: the tasks that existed went through init_task(fork == false), more than the forks */
	cr_assert(strstr(out, "; init_transition_cnt="), "%s", out);
	/* SWITCH_PARTIAL: the five SCHED_EXT stressors, and no other task, enabled and disabled */
	cr_assert(strstr(out, "; enable_cnt=5; disable_cnt=5;"), "%s", out);
	/* ops.set_cmask() on live SCHED_EXT tasks after their initial one */
	cr_assert(strstr(out, "; nr_set_cmask="), "%s", out);
	cr_assert(strstr(out, "VM: SCX_EXIT_UNREG_BPF:hotplug event detected (1 going offline) as expected, and its exit code"),
		  "%s", out);
	free(out);
}
