/*
 * Reading a real-kernel run back (harness/real/kreport.c): a policy without a user_exit_info
 * record that the kernel ejected leaves the exit only in the kernel log; the run must still
 * be judged failed, with the kernel's reason and message, as the simulator judges it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "harness/real/kreport.h"
#include "harness/results/verdict.h"
#include "test_helpers.h"
#include "workloads/job.h"

static struct job job;
static struct kreport kr;

static const char *write_file(const char *name, const char *text)
{
	static char path[2][600];
	static int n;
	char *p = path[n++ % 2];

	snprintf(p, sizeof(path[0]), "%s/%s", th_tmpdir(), name);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* A report of a 1 s cpu job under policy "nouei", ejected at 0.4 s, with @klog lines. */
static void load(struct run_info *info, const char *klog)
{
	char report[2048], err[256];

	snprintf(report, sizeof(report),
		 "scxlab-kreport 1\npolicy nouei\nelapsed_ns 1000000000\nworkload_status 0\nworkload_timed_out 0\n"
		 "state_at_end disabled\nexit_seen_ns 400000000\nt0_ktime 1000\n%send\n", klog);
	const char *rp = write_file("kreport.txt", report);
	const char *yp = write_file("stress-ng.yaml", "metrics:\n    - stressor: cpu\n      bogo-ops: 500\n"
				    "      wall-clock-time: 1.0\n      user-time: 1.0\n      system-time: 0.0\n");
	cr_assert_eq(job__parse_text(&job, "t.job", "cpu 1\n", err, sizeof(err)), 0, "%s", err);
	memset(info, 0, sizeof(*info));
	info->target = "vm";
	info->job = &job;
	info->nr_cpus = 2;
	cr_assert_eq(kreport__load(&kr, info, rp, yp, 2, err, sizeof(err)), 0, "%s", err);
}

Test(kreport, an_error_exit_seen_only_in_the_kernel_log_fails_the_run)
{
	struct run_info info;
	struct run_verdict v;

	load(&info, "klog [12.000100] sched_ext: BPF scheduler \"nouei\" disabled (scx_bpf_error)\n"
		    "klog [12.000101] sched_ext: nouei: bad DSQ 0x1234\n");
	cr_assert_eq(info.exit.kind, SCX_EXIT_ERROR_BPF);
	cr_assert_str_eq(info.exit.reason, "scx_bpf_error");
	cr_assert_str_eq(info.exit.msg, "bad DSQ 0x1234");
	memset(&v, 0, sizeof(v));
	run_verdict__judge(&v, &info, NULL);
	cr_assert(v.failed, "a run whose policy the kernel ejected with an error was judged healthy");
}

Test(kreport, an_unregistration_in_the_kernel_log_is_not_an_error)
{
	struct run_info info;

	load(&info, "klog [12.000100] sched_ext: BPF scheduler \"nouei\" disabled (unregistered from user space)\n");
	cr_assert_eq(info.exit.kind, 0);
	cr_assert_not(info.fault.ejected);
}

Test(kreport, a_late_attach_is_the_time_kload_attached)
{
	struct run_info info;

	load(&info, "attached_ns 2004000000\n");
	cr_assert_eq(info.attach_at_ns, 2004000000ULL);
	load(&info, "attached_ns 0\n"); /* attached before the workload */
	cr_assert_eq(info.attach_at_ns, 0);
}

Test(kreport, the_attach_calls_duration_and_the_tasks_it_enabled_are_read)
{
	struct run_info info;

	load(&info, "attach_call_ns 41000000\ntasks_at_attach 97\n");
	cr_assert_eq(kr.real.attach_call_ns, 41000000ULL);
	cr_assert_eq(kr.real.tasks_at_attach, 97);
}
