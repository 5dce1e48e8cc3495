/*
 * Comparisons and regression checks: `scxlab check` passes a rerun of its baseline and fails a
 * result whose p99 wakeup latency was doctored to twice the baseline's (with JUnit XML saying
 * so); an interrupted `scxlab compare` keeps its finished runs intact and resumes without
 * redoing them, but runs again what an edited policy changed; compare writes its summary and
 * plots.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

static void job_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/workloads/jobs/%s", getenv("SCXLAB_SRC"), name);
}

static void policy_path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/sched/%s.bpf.c", getenv("SCXLAB_SRC"), name);
}

/* Multiply the first "p99" after "wakeup": { in @path by 2, in place. */
static void doctor_p99(const char *path)
{
	char *doc = th_read_file(path, NULL);
	cr_assert_not_null(doc);
	char *w = strstr(doc, "\"wakeup\": {");
	cr_assert_not_null(w);
	char *p = strstr(w, "\"p99\": ");
	cr_assert_not_null(p);
	p += strlen("\"p99\": ");
	unsigned long long v = strtoull(p, NULL, 10);
	char *end = p + strspn(p, "0123456789");
	FILE *f = fopen(path, "w");
	fprintf(f, "%.*s%llu%s", (int)(p - doc), doc, v * 2, end);
	fclose(f);
	free(doc);
}

Test(check, rerun_passes_and_a_doubled_p99_fails, .timeout = 300)
{
	char job[4200], pol[4200], a[600], b[600], base[700], log[700], junit[700];

	job_path(job, sizeof(job), "smoke-3s.job");
	policy_path(pol, sizeof(pol), "scxl_vtime");
	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	snprintf(base, sizeof(base), "%s/base.json", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(junit, sizeof(junit), "%s/junit.xml", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--job", job, "--topology", "2", "--out", a, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "baseline", a, "--name", base, NULL), 0);
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--job", job, "--topology", "2", "--out", b, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "check", b, "--baseline", base, "--junit", junit, NULL), 0);
	char *xml = th_read_file(junit, NULL);
	cr_assert_not_null(strstr(xml, "failures=\"0\""), "%s", xml);
	free(xml);

	char res[700];
	snprintf(res, sizeof(res), "%s/result.json", b);
	doctor_p99(res);
	cr_assert_eq(th_scxlab(log, "check", b, "--baseline", base, "--junit", junit, NULL), 1);
	char *out = th_read_file(log, NULL);
	cr_assert_not_null(strstr(out, "REGRESSED"), "%s", out);
	cr_assert_not_null(strstr(out, "wakeup_p99_ns"), "%s", out);
	cr_assert_not_null(strstr(out, "+100.0%"), "%s", out);
	free(out);
	xml = th_read_file(junit, NULL);
	cr_assert_not_null(strstr(xml, "failures=\"1\""), "%s", xml);
	cr_assert_not_null(strstr(xml, "<failure type=\"regression\" message=\"wakeup_p99_ns regressed"), "%s", xml);
	free(xml);
}

static int count_results(const char *dir, time_t *mtimes, int max)
{
	char path[1000];
	int n = 0;
	const char *pols[] = { "default", "scxl_vtime" };

	for (int p = 0; p < 2; p++) {
		for (int r = 1; r <= 3; r++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/runs/sim/%s/default/r%d/result.json", dir, pols[p], r);
			if (stat(path, &st))
				continue;
			/* a finished run is a whole file */
			char *doc = th_read_file(path, NULL);
			size_t len = strlen(doc);
			while (len && doc[len - 1] == '\n')
				len--;
			cr_assert(len > 2 && doc[len - 1] == '}', "%s is cut short", path);
			free(doc);
			if (n < max)
				mtimes[n] = st.st_mtime;
			n++;
		}
	}
	return n;
}

Test(compare, sigint_keeps_finished_runs_and_a_rerun_resumes, .timeout = 600)
{
	char job[4200], pol[4200], out[600], first[800], log[700], summary[700];
	time_t before[8], after[8];

	job_path(job, sizeof(job), "default.job");
	policy_path(pol, sizeof(pol), "scxl_vtime");
	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	snprintf(first, sizeof(first), "%s/runs/sim/default/default/r1/result.json", out);
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());

	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execl(th_build_path("scxlab"), "scxlab", "compare", "--policies", pol, "--jobs", job, "--reps", "3",
		      "--out", out, "--no-plots", (char *)NULL);
		_exit(127);
	}
	/* interrupt it once its first run has finished, while a later one is going */
	for (int i = 0; i < 6000 && access(first, R_OK); i++)
		usleep(10000);
	cr_assert_eq(access(first, R_OK), 0, "the first run never finished");
	usleep(200000);
	kill(pid, SIGINT);
	int status;
	waitpid(pid, &status, 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	int done = count_results(out, before, 8);
	cr_assert(done >= 1 && done < 6, "%d runs finished before the interrupt", done);
	snprintf(summary, sizeof(summary), "%s/summary.json", out);
	cr_assert_neq(access(summary, F_OK), 0, "an interrupted compare wrote a summary");

	sleep(1); /* a redone run would get a later mtime */
	cr_assert_eq(th_scxlab(log, "compare", "--policies", pol, "--jobs", job, "--reps", "3", "--out", out,
			       "--no-plots", "--quiet", NULL), 0);
	cr_assert_eq(count_results(out, after, 8), 6);
	for (int i = 0; i < done; i++)
		cr_assert_eq(before[i], after[i], "run %d was redone", i);
	char *text = th_read_file(summary, NULL);
	cr_assert_not_null(strstr(text, "\"schema\": \"scxlab.compare/1\""));
	cr_assert_not_null(strstr(text, "\"policy\": \"scxl_vtime\", \"job\": \"default\", \"runs\": 3"), "%s", text);
	free(text);
}

Test(compare, writes_summary_and_plots, .timeout = 300)
{
	char job[4200], pol[4200], out[600], log[700], path[800];

	job_path(job, sizeof(job), "smoke-3s.job");
	policy_path(pol, sizeof(pol), "scxl_llc");
	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "compare", "--policies", pol, "--jobs", job, "--reps", "2", "--topology", "2",
			       "--out", out, "--quiet", NULL), 0);
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "job smoke-3s"), "%s", text);
	cr_assert_not_null(strstr(text, "scxl_llc"), "%s", text);
	free(text);
	const char *files[] = { "summary.csv", "plots/latency_cdf-smoke-3s.png", "plots/latency_cdf-smoke-3s.pdf",
				"plots/throughput-smoke-3s.png", "plots/throughput-smoke-3s.pdf" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", out, files[i]);
		cr_assert_eq(stat(path, &st), 0, "%s missing", files[i]);
		cr_assert_gt(st.st_size, 1000, "%s is tiny", files[i]);
	}
}

/* A kept run is reused only while its inputs are the same: an edited policy is run again. */
Test(compare, an_edited_policy_is_run_again_on_resume, .timeout = 300)
{
	char pol[600], src[4200], job[4200], out[600], log[700], res[800], cmd[5000];
	struct stat st;

	policy_path(src, sizeof(src), "scxl_vtime");
	job_path(job, sizeof(job), "smoke-3s.job");
	snprintf(pol, sizeof(pol), "%s/mine.bpf.c", th_tmpdir());
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, pol);
	cr_assert_eq(system(cmd), 0);
	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(res, sizeof(res), "%s/runs/sim/mine/smoke-3s/r1/result.json", out);
#define COMPARE() th_scxlab(log, "compare", "--policies", pol, "--no-baseline", "--jobs", job, "--topology", "2", \
			    "--duration", "300ms", "--out", out, "--no-plots", "--quiet", NULL)
	cr_assert_eq(COMPARE(), 0);
	cr_assert_eq(stat(res, &st), 0);
	time_t first = st.st_mtime;
	char *doc = th_read_file(res, NULL);
	char *hash = strstr(doc, "\"source_hash\": ");
	cr_assert_not_null(hash);
	char before[40];
	snprintf(before, sizeof(before), "%.34s", hash);
	free(doc);

	sleep(1);
	cr_assert_eq(COMPARE(), 0);
	cr_assert_eq(stat(res, &st), 0);
	cr_assert_eq(st.st_mtime, first, "the same inputs: resumed past the kept run");

	FILE *f = fopen(pol, "a");
	fputs("/* edited */\n", f);
	fclose(f);
	cr_assert_eq(COMPARE(), 0);
	cr_assert_eq(stat(res, &st), 0);
	cr_assert_gt(st.st_mtime, first, "the policy changed: run again");
	doc = th_read_file(res, NULL);
	cr_assert_null(strstr(doc, before), "the result names the edited source");
	free(doc);
#undef COMPARE
}
