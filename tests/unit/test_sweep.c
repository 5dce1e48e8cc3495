/*
 * Sweeps: a 200-run sweep run as shards 1/4..4/4 merges into the same results as one
 * unsharded run (summary and every run's result.json byte for byte); a run that fails is
 * recorded with its reason and the sweep goes on; --emit writes a Slurm job array and a GNU
 * parallel command list; and, where Slurm is installed (CI installs it), the sweep runs as a
 * job array on a single-node Slurm on localhost and merges into the same results.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "test_helpers.h"

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static const char *spec_200(void)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "# 2 variants x 2 topologies x 50 seeds = 200 runs\n"
		 "policies default %s/sched/scxl_vtime.bpf.c\n"
		 "jobs builtin\ntopologies 2cpu 8cpu-2llc\nseeds 1-50\nduration 100ms\n", getenv("SCXLAB_SRC"));
	return th_write_tmp("s200.sweep", text);
}

Test(sweep, four_shards_merge_into_the_same_results_as_one_run, .timeout = 900)
{
	const char *spec = spec_200();
	const char *d = th_tmpdir();
	char log[700], one[700], sh4[700], m1[700], m4[700], shard[16];

	snprintf(log, sizeof(log), "%s/log", d);
	snprintf(one, sizeof(one), "%s/one", d);
	snprintf(sh4, sizeof(sh4), "%s/sharded", d);
	snprintf(m1, sizeof(m1), "%s/merged-one", d);
	snprintf(m4, sizeof(m4), "%s/merged-sharded", d);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--list", NULL), 0);
	char *list = th_read_file(log, NULL);
	int lines = 0;
	for (const char *p = list; *p; p++)
		lines += *p == '\n';
	free(list);
	cr_assert_eq(lines, 200);

	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", one, "--quiet", NULL), 0);
	for (int i = 1; i <= 4; i++) {
		snprintf(shard, sizeof(shard), "%d/4", i);
		cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", sh4, "--shard", shard, "--quiet", NULL), 0);
	}
	cr_assert_eq(th_scxlab(log, "merge", "--out", m1, "--no-plots", one, NULL), 0);
	cr_assert_eq(th_scxlab(log, "merge", "--out", m4, "--no-plots", sh4, NULL), 0);
	char *text = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text, "merged 200 runs (0 failed, 0 with a failing policy)"), "%s", text);
	free(text);
	cr_assert_eq(sh("cmp -s '%s/summary.json' '%s/summary.json'", m1, m4), 0, "summaries differ");
	cr_assert_eq(sh("diff -r -q '%s/runs' '%s/runs' >/dev/null", m1, m4), 0, "some run differs");
	cr_assert_eq(sh("test $(find '%s/runs' -name result.json | wc -l) -eq 200", m4), 0);
}

Test(sweep, a_failing_run_is_recorded_and_the_sweep_goes_on, .timeout = 300)
{
	char text[1024], out[700], merged[700], log[700], path[800];

	snprintf(text, sizeof(text),
		 "policies %s/sched/scxl_vtime.bpf.c\njobs builtin\ntopologies 2cpu\n"
		 "knob fifo_sched 0 1\nknob no_such_knob 5\nseeds 1-2\nduration 100ms\n", getenv("SCXLAB_SRC"));
	const char *spec = th_write_tmp("bad.sweep", text);
	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(merged, sizeof(merged), "%s/merged", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	/* runs refusing their input (a knob the policy lacks) make it bad input: exit 2, after the others */
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, NULL), 2, "failed runs fail the sweep, after the others");
	snprintf(path, sizeof(path), "%s/runs/00000/failed.txt", out);
	char *why = th_read_file(path, NULL);
	cr_assert_not_null(why, "no failed.txt");
	cr_assert_not_null(strstr(why, "exit 2"), "%s", why);
	cr_assert_not_null(strstr(why, "no_such_knob"), "%s", why);
	free(why);
	cr_assert_eq(th_scxlab(log, "merge", "--out", merged, "--no-plots", out, NULL), 1);
	char *text2 = th_read_file(log, NULL);
	cr_assert_not_null(strstr(text2, "merged 0 runs (4 failed, 0 with a failing policy)"), "%s", text2);
	free(text2);
}

Test(sweep, emits_a_slurm_job_array_and_a_parallel_command_list)
{
	const char *spec = spec_200();
	char out[700], log[700];

	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--emit", "slurm", "--shards", "4", NULL), 0);
	char *s = th_read_file(log, NULL);
	cr_assert_not_null(strstr(s, "#SBATCH --array=1-4"), "%s", s);
	cr_assert_not_null(strstr(s, "--shard \"${SLURM_ARRAY_TASK_ID}/4\""), "%s", s);
	free(s);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--emit", "parallel", "--shards", "4", NULL), 0);
	s = th_read_file(log, NULL);
	int lines = 0;
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, 4, "%s", s);
	cr_assert_not_null(strstr(s, "--shard 4/4"), "%s", s);
	free(s);
}

/*
 * The sweep as a Slurm job array on a single-node Slurm on localhost (scripts/slurm-local.sh),
 * then merged: the same results, run for run, as the sweep run here in one go.
 */
Test(sweep, runs_as_a_slurm_job_array_and_merges_like_a_local_run, .timeout = 900)
{
	const char *d = th_tmpdir(), *src = getenv("SCXLAB_SRC");
	char text[1024], slurm[700], local[700], viaslurm[700], m1[700], m2[700], script[700], log[700];

	if (access("/usr/bin/sbatch", X_OK) || geteuid() != 0)
		cr_skip_test("no Slurm here (scripts/deps.sh installs it) or not root");
	snprintf(text, sizeof(text),
		 "policies default %s/sched/scxl_vtime.bpf.c %s/sched/scxl_llc.bpf.c\njobs builtin\n"
		 "topologies 2cpu 8cpu-2llc\nseeds 1-8\nduration 100ms\n", src, src);
	const char *spec = th_write_tmp("slurm.sweep", text);
	snprintf(slurm, sizeof(slurm), "%s/slurm", d);
	snprintf(local, sizeof(local), "%s/local", d);
	snprintf(viaslurm, sizeof(viaslurm), "%s/viaslurm", d);
	snprintf(m1, sizeof(m1), "%s/m-local", d);
	snprintf(m2, sizeof(m2), "%s/m-slurm", d);
	snprintf(script, sizeof(script), "%s/sweep.sbatch", d);
	snprintf(log, sizeof(log), "%s/log", d);

	cr_assert_eq(sh("bash '%s/scripts/slurm-local.sh' start '%s' > '%s/start.log' 2>&1", src, slurm, d), 0,
		     "single-node Slurm did not start (see %s/slurm/*.log)", d);
	char conf[800];
	snprintf(conf, sizeof(conf), "%s/slurm.conf", slurm);
	setenv("SLURM_CONF", conf, 1);
	int rc_emit = th_scxlab(script, "sweep", spec, "--out", viaslurm, "--emit", "slurm", "--shards", "4", NULL);
	int rc_batch = rc_emit ? -1 : sh("sbatch --wait --quiet '%s' > '%s/sbatch.log' 2>&1", script, d);
	sh("bash '%s/scripts/slurm-local.sh' stop '%s'", src, slurm);
	cr_assert_eq(rc_emit, 0);
	cr_assert_eq(rc_batch, 0, "the job array failed (see %s/sbatch.log and %s/slurm-*.log)", d, viaslurm);
	cr_assert_eq(sh("test $(ls '%s'/slurm-*_*.log | wc -l) -eq 4", viaslurm), 0, "4 array tasks ran");

	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", local, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "merge", "--out", m1, "--no-plots", local, NULL), 0);
	cr_assert_eq(th_scxlab(log, "merge", "--out", m2, "--no-plots", viaslurm, NULL), 0);
	char *out = th_read_file(log, NULL);
	cr_assert_not_null(strstr(out, "merged 48 runs (0 failed, 0 with a failing policy)"), "%s", out);
	free(out);
	cr_assert_eq(sh("cmp -s '%s/summary.json' '%s/summary.json'", m1, m2), 0, "summaries differ");
	cr_assert_eq(sh("diff -r -q '%s/runs' '%s/runs' >/dev/null", m1, m2), 0, "some run differs");
}

/*
 * scripts/slurm-local.sh with Slurm's port held by another program: it says which port, and
 * leaves nothing of its own running (it once left slurmd holding 6818 and named log files in a
 * folder the caller deletes); a start and stop leave no daemon either.
 */
Test(sweep, slurm_local_refuses_a_busy_port_and_leaves_nothing_running, .timeout = 300)
{
	const char *d = th_tmpdir(), *src = getenv("SCXLAB_SRC");
	char dir[700], log[700];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(6817) };
	int one = 1, fd;

	if (access("/usr/bin/sbatch", X_OK) || geteuid() != 0)
		cr_skip_test("no Slurm here (scripts/deps.sh installs it) or not root");
	snprintf(dir, sizeof(dir), "%s/slurm", d);
	snprintf(log, sizeof(log), "%s/start.log", d);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4))
		cr_skip_test("port 6817 is already in use here (another Slurm)");
	int rc = sh("bash '%s/scripts/slurm-local.sh' start '%s' > '%s' 2>&1", src, dir, log);
	close(fd);
	char *said = th_read_file(log, NULL);
	cr_assert_eq(rc, 1, "exit %d: %s", rc, said);
	cr_assert_not_null(strstr(said, "port 6817 is in use"), "%s", said);
	free(said);
	cr_assert_eq(th_wait_procs_gone(dir, 10), 0, "daemons of the failed start are still running");

	/* a start and a stop: every daemon is gone after the stop */
	cr_assert_eq(sh("bash '%s/scripts/slurm-local.sh' start '%s' > '%s' 2>&1", src, dir, log), 0, "%s",
		     th_read_file(log, NULL));
	cr_assert_geq(th_procs_with(dir), 3, "munged, slurmctld and slurmd of its own");
	cr_assert_eq(sh("bash '%s/scripts/slurm-local.sh' stop '%s'", src, dir), 0);
	cr_assert_eq(th_procs_with(dir), 0, "daemons outlived the stop");
}
