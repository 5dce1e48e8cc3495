/*
 * The stress-ng job-file parser: grammar, run modes, instance counts, op splitting, the
 * per-stressor-type option rule (the "leak"), and each error with its file, line and token.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "workloads/job.h"

static struct job job;
static char err[512];

static int parse(const char *text)
{
	err[0] = 0;
	return job__parse_text(&job, "t.job", text, err, sizeof(err));
}

Test(job_parse, comments_blanks_globals_and_entries)
{
	cr_assert_eq(parse("# a job\n\nrun parallel   # trailing comment\ntimeout 10s\nmetrics-brief\n"
			   "cpu 2\ncpu-load 50\n  switch 0\nswitch-ops 1000\n"), 0, "%s", err);
	cr_assert_not(job.sequential);
	cr_assert_eq(job.timeout_ns, 10000000000ULL);
	cr_assert_eq(job.nr_entries, 2);
	cr_assert_str_eq(job.entries[0].stressor, "cpu");
	cr_assert_eq(job.entries[0].instances, 2);
	cr_assert_eq(job.entries[1].line, 8);
	cr_assert_str_eq(job__option(&job, 0, "cpu-load"), "50");
	cr_assert_null(job__option(&job, 1, "cpu-load"));
	cr_assert_not_null(job__global(&job, "metrics-brief"));
	/* N = 0: one per online CPU; ops split across instances, rounded up */
	cr_assert_eq(job__instances(&job, 1, 8), 8);
	cr_assert_eq(job__ops_per_instance(&job, 1, 8), 125);
	cr_assert_eq(job__ops_per_instance(&job, 1, 3), 334);
}

Test(job_parse, run_mode_synonyms)
{
	const char *seq[] = { "sequential", "seq", "sequentially" }, *par[] = { "parallel", "par", "together" };
	char text[128];

	for (int i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "run %s\ncpu 1\n", seq[i]);
		cr_assert_eq(parse(text), 0, "%s", err);
		cr_assert(job.sequential);
		snprintf(text, sizeof(text), "run %s\ncpu 1\n", par[i]);
		cr_assert_eq(parse(text), 0, "%s", err);
		cr_assert_not(job.sequential);
	}
	/* repeating the same mode is fine, as in stress-ng */
	cr_assert_eq(parse("run parallel\nrun parallel\ncpu 1\n"), 0, "%s", err);
}

Test(job_parse, options_are_per_stressor_type_as_in_stress_ng)
{
	/* the second cpu entry has no cpu-method of its own: it takes the first one's ... */
	cr_assert_eq(parse("cpu 1\ncpu-method ackermann\ncpu 1\n"), 0, "%s", err);
	cr_assert_str_eq(job__option(&job, 1, "cpu-method"), "ackermann");
	/* ... and the other way round */
	cr_assert_eq(parse("cpu 1\ncpu 1\ncpu-method fft\n"), 0, "%s", err);
	cr_assert_str_eq(job__option(&job, 0, "cpu-method"), "fft");
	/* own settings win; an option before any entry applies to its type */
	cr_assert_eq(parse("cpu-load 30\ncpu 1\ncpu 1\ncpu-load 70\nyield 1\n"), 0, "%s", err);
	cr_assert_str_eq(job__option(&job, 1, "cpu-load"), "70");
	cr_assert_str_eq(job__option(&job, 0, "cpu-load"), "70");
	cr_assert_null(job__option(&job, 2, "cpu-load"));
	/* an option for a stressor the job does not run is accepted and unused */
	cr_assert_eq(parse("cpu 1\nvm-bytes 1G\n"), 0, "%s", err);
}

Test(job_parse, times)
{
	uint64_t ns;

	cr_assert_eq(job__parse_time("10", &ns), 0);
	cr_assert_eq(ns, 10000000000ULL);
	cr_assert_eq(job__parse_time("2m", &ns), 0);
	cr_assert_eq(ns, 120000000000ULL);
	cr_assert_eq(job__parse_time("1h", &ns), 0);
	cr_assert_eq(ns, 3600000000000ULL);
	/* stress-ng takes the unit from the last character */
	cr_assert_eq(job__parse_time("100ms", &ns), 0);
	cr_assert_eq(ns, 100000000000ULL);
	cr_assert_neq(job__parse_time("10x", &ns), 0);
	cr_assert_neq(job__parse_time("s", &ns), 0);
	cr_assert_neq(job__parse_time("-1", &ns), 0);
}

static void expect_error(const char *text, const char *where_and_token, const char *why)
{
	cr_assert_neq(parse(text), 0, "accepted: %s", text);
	cr_assert_not_null(strstr(err, where_and_token), "error '%s' lacks '%s'", err, where_and_token);
	cr_assert_not_null(strstr(err, why), "error '%s' lacks '%s'", err, why);
}

Test(job_parse, each_error_names_file_line_and_token)
{
	expect_error("cpu 1 cpu-load 50\n", "t.job:1: 'cpu-load'", "one option per line");
	expect_error("run sequential\nrun parallel\ncpu 1\n", "t.job:2: 'parallel'", "both run sequential and run parallel");
	expect_error("run sideways\ncpu 1\n", "t.job:1: 'sideways'", "unknown run mode");
	expect_error("run\ncpu 1\n", "t.job:1: 'run'", "run sequential");
	expect_error("cpu 1\njob other.job\n", "t.job:2: 'job'", "cannot read another job file");
	expect_error("j x\n", "t.job:1: 'j'", "another job file");
	expect_error("cpu\n", "t.job:1: 'cpu'", "NAME N");
	expect_error("cpu abc\n", "t.job:1: 'abc'", "not a number");
	expect_error("cpu 1\nfoo 1\n", "t.job:2: 'foo'", "not a stress-ng option or stressor");
	expect_error("cpu 1\ncpu-load\n", "t.job:2: 'cpu-load'", "needs a value");
	expect_error("cpu 1\nmetrics yes\n", "t.job:2: 'yes'", "takes no value");
	expect_error("timeout soon\ncpu 1\n", "t.job:1: 'soon'", "not a time");
	expect_error("# nothing\nmetrics\n", "t.job", "no stressors");
}

/* timer-slack and klog-check are stress-ng's global options, not the timer or klog stressor's */
Test(job_parse, global_options_named_like_a_stressor_option_are_global)
{
	cr_assert_eq(parse("timer 1\ntimer-slack 5000\nklog-check\ntimer-freq 1000\n"), 0, "%s", err);
	cr_assert_str_eq(job__global(&job, "timer-slack"), "5000");
	cr_assert_not_null(job__global(&job, "klog-check"));
	cr_assert_null(job__option(&job, 0, "timer-slack"));
	cr_assert_str_eq(job__option(&job, 0, "timer-freq"), "1000");
}

/* a timeout whose nanoseconds overflow was taken modulo 2^64 (18446744074s became 0.29 s) */
Test(job_parse, a_timeout_too_long_for_nanoseconds_is_refused)
{
	uint64_t ns;

	cr_assert_eq(job__parse_time("18446744074s", &ns), -2);
	cr_assert_eq(job__parse_time("584942417y", &ns), -2);
	cr_assert_eq(job__parse_time("99999999999999999999999", &ns), -2);
	cr_assert_eq(job__parse_time("1000000000s", &ns), 0);
	cr_assert_eq(ns, 1000000000ULL * 1000000000ULL);
	cr_assert_eq(job__parse_time("1000000001s", &ns), -2);
	cr_assert_neq(parse("cpu 1\ntimeout 18446744074s\n"), 0);
	cr_assert_not_null(strstr(err, "t.job:2: '18446744074s': too long"), "%s", err);
}
