/*
 * Bad input found by fuzzing and careless use, each refused with a clear exit 2 where it once
 * hung, crashed, overflowed or was silently taken: durations of nan and inf, topologies whose
 * numbers overflow, a compare naming more targets than there are, a directory given as a
 * calibration file; and the largest valid sweep seed, which was refused. Every command's bad
 * input names the option, file or line.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

static void refused(const char *what, const char *says, const char *a0, const char *a1, const char *a2,
		    const char *a3, const char *a4)
{
	char log[700];

	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	int rc = th_scxlab(log, a0, a1, a2, a3, a4, NULL);
	char *text = th_read_file(log, NULL);
	cr_assert_eq(rc, 2, "%s: exit %d: %s", what, rc, text);
	cr_assert_not_null(strstr(text, says), "%s: expected '%s' in: %s", what, says, text);
	free(text);
}

Test(bad_input, overflowing_and_non_numbers_are_refused, .timeout = 60)
{
	refused("nan duration (ran for ever)", "--duration", "run", "--duration", "nan", "--quiet", NULL);
	refused("inf duration", "--duration", "run", "--duration", "inf", "--quiet", NULL);
	refused("a topology whose product overflowed to 0 CPUs (SIGFPE)", "--topology", "run", "--topology",
		"1x4194304x2097152x2097152", "--quiet", NULL);
	refused("a CPU count beyond 32 bits (became 2 CPUs)", "--topology", "run", "--topology", "4294967298", "--quiet",
		NULL);
	refused("five targets (wrote past the options' array)", "--targets", "compare", "--targets",
		"sim,sim,sim,sim,sim", NULL, NULL);
	refused("a target twice", "named twice", "compare", "--targets", "sim,sim", NULL, NULL);
	refused("a directory as calibration", "not a calibration file", "run", "--calibration", th_tmpdir(), "--quiet",
		NULL);
}

Test(bad_input, the_largest_seed_is_a_seed, .timeout = 60)
{
	char spec[700], log[700];
	FILE *f;

	snprintf(spec, sizeof(spec), "%s/s.sweep", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	f = fopen(spec, "w");
	cr_assert_not_null(f);
	fprintf(f, "policies default\njobs builtin\nseeds 2147483646-2147483647\nduration 10ms\n");
	fclose(f);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--list", NULL), 0);
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "seed 2147483647"), "%s", text);
	cr_assert_not_null(strstr(text, "seed 2147483646"), "%s", text);
	free(text);
}

/* Each command names what is wrong in bad input and exits 2. */
Test(bad_input, names_the_option_file_or_line, .timeout = 60)
{
	char spec[700];
	FILE *f;

	snprintf(spec, sizeof(spec), "%s/bad.sweep", th_tmpdir());
	f = fopen(spec, "w");
	cr_assert_not_null(f);
	fprintf(f, "policies default\nbogus line here\n");
	fclose(f);
	refused("sweep file", "bad.sweep:2: 'bogus': unknown setting", "sweep", spec, NULL, NULL, NULL);
	refused("fault class", "--class nosuch: no such class", "fault", "--class", "nosuch", NULL, NULL);
	refused("compare target", "unknown target 'nosuch'", "compare", "--targets", "nosuch", NULL, NULL);
	refused("compare policy", "/no/such.bpf.c", "compare", "--policies", "/no/such.bpf.c", NULL, NULL);
	refused("run topology", "--topology", "run", "--topology", "0x0x0", NULL, NULL);
	refused("run knob without a policy", "--knob needs --policy", "run", "--expect-exit", "error_bpf:x", "--knob",
		"a=1");	refused("a guest time limit for the simulator", "--vm-timeout is for --target vm", "run", "--vm-timeout",
		"60s", NULL, NULL);
	refused("a guest time limit too short to boot", "--vm-timeout 5s: between 10s and 24h", "run", "--target",
		"vm", "--vm-timeout", "5s");
}

/* Job files that tried to create 122 M tasks, overflowed their timeout or hid lines behind a NUL. */
Test(bad_input, job_files_beyond_limits_are_refused_naming_the_line, .timeout = 60)
{
	static const char explosion[] = "sleep 4096\nsleep-max 30000\n";
	static const char overflow[] = "cpu 1\ntimeout 18446744074s\n";
	static const char years[] = "cpu 1\ntimeout 584942417y\n";
	static const char nul[] = "cpu 1\n\0\nbogus-option here\n";
	char says[800];
	const char *f;

	f = th_write_file("explode.job", explosion, sizeof(explosion) - 1);
	snprintf(says, sizeof(says), "%s:1: 'sleep': 4096 instances of", f);
	refused("122 M tasks", says, "run", "--job", f, "--quiet", NULL);
	refused("122 M tasks, the limit", "more than the simulator's limit of 1048576", "run", "--job", f, "--quiet",
		NULL);
	f = th_write_file("overflow.job", overflow, sizeof(overflow) - 1);
	snprintf(says, sizeof(says), "%s:2: '18446744074s': too long", f);
	refused("a timeout that overflowed to 0.29 s", says, "run", "--job", f, "--quiet", NULL);
	f = th_write_file("years.job", years, sizeof(years) - 1);
	snprintf(says, sizeof(says), "%s:2: '584942417y': too long", f);
	refused("a timeout that hung", says, "run", "--job", f, "--quiet", NULL);
	f = th_write_file("nul.job", nul, sizeof(nul) - 1);
	snprintf(says, sizeof(says), "%s:2: a NUL byte at column 1", f);
	refused("a NUL byte hiding the rest of the file", says, "run", "--job", f, "--quiet", NULL);
}

/* offline:999 on 8 CPUs was recorded as injected and did nothing */
Test(bad_input, a_fault_on_a_cpu_that_does_not_exist_is_refused, .timeout = 60)
{
	refused("offline:999 on 8 CPUs", "--inject offline:999: there is no CPU 999 (the topology has CPUs 0-7)", "run",
		"--inject", "offline:999@10ms", "--topology", "8cpu-2llc");
	refused("offline:8 on 8 CPUs", "there is no CPU 8", "run", "--inject", "offline:8@10ms", "--quiet", NULL);
	refused("offline:1x", "unknown fault 'offline:1x'", "run", "--inject", "offline:1x@10ms", "--quiet", NULL);
}

/* two policies named x.bpf.c in two folders were one group, and every resume reran both */
Test(bad_input, two_policies_or_jobs_of_one_name_in_a_compare_are_refused, .timeout = 60)
{
	char a[800], b[800], cmd[2000], says[2000];
	const char *src = getenv("SCXLAB_SRC");

	snprintf(a, sizeof(a), "%s/a/scxl_vtime.bpf.c", th_tmpdir());
	snprintf(b, sizeof(b), "%s/sched/scxl_vtime.bpf.c", src);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/a && cp %s %s", th_tmpdir(), b, a);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s,%s", b, a);
	snprintf(says, sizeof(says), "--policies: %s and %s have the same name 'scxl_vtime'", b, a);
	refused("two policies of one name", says, "compare", "--policies", cmd, NULL, NULL);
	const char *j1 = th_write_file("default.job", "cpu 1\n", 6);
	snprintf(cmd, sizeof(cmd), "%s/workloads/jobs/default.job,%s", src, j1);
	refused("two jobs of one name", "have the same name 'default'", "compare", "--policies", b, "--jobs", cmd);
	const char *d = th_write_file("default.bpf.c", "", 0);
	refused("a policy named as the baseline", "the baseline's name", "compare", "--policies", d, NULL, NULL);
}

/* 2^31 knob combinations listed 0 runs and 2^36 listed 1 */
Test(bad_input, a_sweep_beyond_the_run_limit_is_refused, .timeout = 60)
{
	char text[4096] = "policies default sched/scxl_vtime.bpf.c\njobs builtin\n";
	const char *big;

	for (int k = 0; k < 6; k++) {
		size_t l = strlen(text);
		l += (size_t)snprintf(text + l, sizeof(text) - l, "knob k%d", k);
		for (int v = 0; v < 64; v++)
			l += (size_t)snprintf(text + l, sizeof(text) - l, " %d", v);
		snprintf(text + l, sizeof(text) - l, "\n");
	}
	big = th_write_file("big.sweep", text, strlen(text));
	refused("2^36 runs", "more than 100000 runs", "sweep", big, "--list", NULL, NULL);
	/* just beyond: (1 + 10 x 10 knob values) x 1000 seeds = 101000 */
	static const char near[] = "policies default sched/scxl_vtime.bpf.c\njobs builtin\nseeds 1-1000\n"
				   "knob a 0 1 2 3 4 5 6 7 8 9\nknob b 0 1 2 3 4 5 6 7 8 9\n";
	refused("101000 runs", "more than 100000 runs", "sweep", th_write_file("near.sweep", near, strlen(near)), "--list",
		NULL, NULL);
}

/* Issue 21: readers validate completely and every command's bad input exits 2 naming it */
Test(bad_input, truncated_or_nan_results_and_bad_sweep_inputs_exit_2, .timeout = 120)
{
	char base[700], cut[800], log[700], says[800];

	snprintf(base, sizeof(base), "%s/base", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--duration", "50ms", "--out", base, "--quiet", NULL), 0);
	snprintf(cut, sizeof(cut), "%s/result.json", base);
	size_t len;
	char *doc = th_read_file(cut, &len);
	cr_assert_not_null(doc);

	/* the first 1800 bytes: cut off, with the line and column where it stops */
	const char *trunc = th_write_file("trunc.json", doc, 1800);
	snprintf(says, sizeof(says), "%s: not a whole JSON document (line", trunc);
	refused("check of a truncated result", says, "check", base, "--baseline", trunc, NULL);
	/* a NaN in the baseline (it passed) */
	char *p99 = strstr(doc, "\"p99\": ");
	cr_assert_not_null(p99);
	char *num_end = p99 + 7 + strspn(p99 + 7, "0123456789");
	char *nan_doc = malloc(len + 8);
	snprintf(nan_doc, len + 8, "%.*sNaN%s", (int)(p99 + 7 - doc), doc, num_end);
	const char *nan = th_write_file("nan.json", nan_doc, strlen(nan_doc));
	snprintf(says, sizeof(says), "%s: not a whole JSON document (line", nan);
	refused("check against a NaN baseline", says, "check", base, "--baseline", nan, NULL);
	refused("check against a NaN baseline, the value", "'NaN' is not a JSON value", "check", base, "--baseline",
		nan, NULL);
	free(nan_doc);
	free(doc);

	/* a sweep with a bad job or topology is refused before any run, naming the line */
	static const char bad_job[] = "policies default\njobs /no/such.job\nduration 50ms\n";
	const char *spec = th_write_file("job.sweep", bad_job, sizeof(bad_job) - 1);
	snprintf(says, sizeof(says), "%s:2: the job: /no/such.job", spec);
	refused("sweep with a missing job", says, "sweep", spec, "--out", base, NULL);
	static const char bad_topo[] = "policies default\njobs builtin\ntopologies 8cpu 0x0\n";
	spec = th_write_file("topo.sweep", bad_topo, sizeof(bad_topo) - 1);
	snprintf(says, sizeof(says), "%s:3: the topology: topology '0x0'", spec);
	refused("sweep with a bad topology", says, "sweep", spec, "--list", NULL, NULL);
	refused("--shards -3", "--shards -3: expected a number of shards", "sweep", spec, "--emit", "parallel",
		"--shards=-3");
	refused("--shard 1/2x", "--shard 1/2x", "sweep", spec, "--shard", "1/2x", "--list");
}
