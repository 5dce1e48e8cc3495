/*
 * Interrupted and killed commands: Ctrl-C of a sweep leaves the run it stopped unfinished (not
 * failed) and a resume does it; SIGTERM stops a sweep whose run goes on and on; SIGKILL of a
 * sweep or a compare takes its running child with it; a run or a build that is stopped or
 * killed leaves no temporary file behind, and what a killed one left is swept by the next.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_helpers.h"

static void src_path(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/%s", getenv("SCXLAB_SRC"), rel);
}

/* Wait up to @seconds for @pid to end. Its wait status, or -1 (then it is killed). */
static int wait_ended(pid_t pid, double seconds)
{
	int status;

	for (int i = 0; i < (int)(seconds * 100); i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * Files left in @dir, listed into @names: every file but result.json, or with @only_tmp those
 * whose name holds ".tmp." (in a folder that also keeps files). How many.
 */
static int leftovers(const char *dir, bool only_tmp, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	names[0] = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "result.json") ||
		    (only_tmp && !strstr(e->d_name, ".tmp.")))
			continue;
		size_t l = strlen(names);
		snprintf(names + l, len - l, "%s ", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* A job with no timeout of its own: it runs for as long as --duration says. */
static const char *busy_job(void)
{
	static const char text[] = "cpu 0\ncpu-load 50\nswitch 1\n";

	return th_write_file("busy.job", text, sizeof(text) - 1);
}

/* A sweep of two runs of @duration of the busy job. */
static const char *sweep_of(const char *duration)
{
	char text[1024];

	snprintf(text, sizeof(text), "policies default\njobs %s\nseeds 1-2\nduration %s\n", busy_job(), duration);
	return th_write_file("two.sweep", text, strlen(text));
}

Test(interrupts, ctrl_c_of_a_sweep_leaves_its_run_unfinished_and_a_resume_does_it, .timeout = 300)
{
	char out[700], log[700], run_log[800], failed[800], result[800];
	/* long enough that the first run is still going 0.3 s after it started, however fast
	 * the simulator gets (3 s of this job once took under 0.3 s) */
	const char *spec = sweep_of("30s");

	snprintf(out, sizeof(out), "%s/sw", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(run_log, sizeof(run_log), "%s/runs/00000/run.log", out);
	snprintf(failed, sizeof(failed), "%s/runs/00000/failed.txt", out);
	snprintf(result, sizeof(result), "%s/runs/00000/result.json", out);

	pid_t pid = th_scxlab_start(log, "sweep", spec, "--out", out, "--quiet", NULL);
	cr_assert_eq(th_wait_for_file(run_log, 60), 0, "the first run never started");
	usleep(300000);
	kill(-pid, SIGINT); /* a terminal's Ctrl-C: the whole foreground group */
	int status = wait_ended(pid, 60);
	char *text = th_read_file(log, NULL);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d: %s", status, text);
	free(text);
	cr_assert_neq(access(failed, F_OK), 0, "the interrupted run was recorded as failed");
	cr_assert_neq(access(result, F_OK), 0, "the interrupted run has a result");

	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--quiet", NULL), 0);
	cr_assert_eq(access(result, R_OK), 0, "the resume did not do the interrupted run");
	cr_assert_neq(access(failed, F_OK), 0);
}

Test(interrupts, a_run_an_older_sweep_recorded_as_failed_by_ctrl_c_is_done_again, .timeout = 300)
{
	char out[700], log[700], failed[800], result[800];
	const char *spec = sweep_of("50ms");

	snprintf(out, sizeof(out), "%s/sw", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(failed, sizeof(failed), "%s/runs/00001/failed.txt", out);
	snprintf(result, sizeof(result), "%s/runs/00001/result.json", out);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--quiet", NULL), 0);
	/* as the sweep used to leave a run its Ctrl-C stopped */
	cr_assert_eq(unlink(result), 0);
	FILE *f = fopen(failed, "w");
	cr_assert_not_null(f);
	fprintf(f, "killed by signal 2 (Interrupt)\n");
	fclose(f);
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--quiet", NULL), 0);
	cr_assert_eq(access(result, R_OK), 0, "the run stopped by Ctrl-C was kept as failed");
	cr_assert_neq(access(failed, F_OK), 0);
}

Test(interrupts, sigterm_stops_a_sweep_whose_run_goes_on_and_on, .timeout = 120)
{
	char out[700], log[700], run_log[800];
	const char *spec = sweep_of("100000s");

	snprintf(out, sizeof(out), "%s/sw", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(run_log, sizeof(run_log), "%s/runs/00000/run.log", out);
	pid_t pid = th_scxlab_start(log, "sweep", spec, "--out", out, "--quiet", NULL);
	cr_assert_eq(th_wait_for_file(run_log, 60), 0, "the first run never started");
	usleep(300000);
	cr_assert_eq(th_procs_with(out), 2, "expected the sweep and its run");
	kill(pid, SIGTERM); /* to the sweep only, as a batch system does */
	int status = wait_ended(pid, 20);
	cr_assert_neq(status, -1, "the sweep ignored SIGTERM while its run went on");
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d", status);
	cr_assert_eq(th_wait_procs_gone(out, 5), 0, "the run outlived the sweep");
}

/* SIGKILL of @cmd (sweep or compare) while its run goes on: the run ends too. */
static void killed_takes_its_run(const char *cmd)
{
	char out[700], pol[4200];
	const char *job = busy_job();
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s-out", th_tmpdir(), cmd);
	src_path(pol, sizeof(pol), "sched/scxl_vtime.bpf.c");
	if (!strcmp(cmd, "sweep"))
		pid = th_scxlab_start(NULL, "sweep", sweep_of("100000s"), "--out", out, "--quiet", NULL);
	else
		pid = th_scxlab_start(NULL, "compare", "--policies", pol, "--jobs", job, "--duration", "100000s", "--out",
				      out, "--quiet", "--no-plots", NULL);
	cr_assert_gt(pid, 0);
	for (int i = 0; i < 600 && th_procs_with(out) < 2; i++)
		usleep(50000);
	usleep(300000);
	cr_assert_geq(th_procs_with(out), 2, "%s: its run never started", cmd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	int left = th_wait_procs_gone(out, 10);
	if (left)
		kill(-pid, SIGKILL);
	cr_assert_eq(left, 0, "%s: %d processes outlived SIGKILL of their parent", cmd, left);
}

Test(interrupts, sigkill_of_a_sweep_or_a_compare_ends_its_run, .timeout = 180)
{
	killed_takes_its_run("sweep");
	killed_takes_its_run("compare");
}

/* Start a run of scxl_vtime built from source that goes on; wait until it simulates. */
static pid_t start_long_run(const char *out, const char *run_dir)
{
	char pol[4200], names[2048];
	const char *job = busy_job();

	src_path(pol, sizeof(pol), "sched/scxl_vtime.bpf.c");
	pid_t pid = th_scxlab_start(NULL, "run", "--policy", pol, "--job", job, "--duration", "100000s", "--out", out,
				    "--quiet", NULL);
	cr_assert_gt(pid, 0);
	/* its private build exists and the build is over */
	for (int i = 0; i < 1200 && (!leftovers(run_dir, false, names, sizeof(names)) || th_procs_with("--sim-only")); i++)
		usleep(50000);
	usleep(500000);
	cr_assert_eq(leftovers(run_dir, false, names, sizeof(names)), 1, "files in %s: %s", run_dir, names);
	return pid;
}

Test(interrupts, stopped_or_killed_runs_leave_no_files, .timeout = 300)
{
	char cache[700], run_dir[800], tmp[700], out[700], names[2048], log[700];

	snprintf(cache, sizeof(cache), "%s/cache", th_tmpdir());
	snprintf(run_dir, sizeof(run_dir), "%s/run", cache);
	snprintf(tmp, sizeof(tmp), "%s/tmp", th_tmpdir());
	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	mkdir(tmp, 0755);
	mkdir(out, 0755);
	setenv("SCXLAB_CACHE", cache, 1);
	setenv("TMPDIR", tmp, 1);

	/* SIGTERM and SIGINT: the run removes its files as it ends */
	for (int sig = 0; sig < 2; sig++) {
		pid_t pid = start_long_run(out, run_dir);
		kill(pid, sig ? SIGINT : SIGTERM);
		int status = wait_ended(pid, 20);
		cr_assert(WIFSIGNALED(status), "status %d", status);
		cr_assert_eq(leftovers(run_dir, false, names, sizeof(names)), 0, "after signal: %s", names);
		cr_assert_eq(leftovers(tmp, false, names, sizeof(names)), 0, "after signal: %s", names);
	}

	/* SIGKILL leaves its copy; the next run sweeps it, and a result file a killed writer left */
	pid_t pid = start_long_run(out, run_dir);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	cr_assert_eq(leftovers(run_dir, false, names, sizeof(names)), 1, "%s", names);
	th_write_file("out/.result.json.tmp.99999999.AbCdEf", "{\"schema\"", 9);
	char pol[4200];
	src_path(pol, sizeof(pol), "sched/scxl_vtime.bpf.c");
	cr_assert_eq(th_scxlab(log, "run", "--policy", pol, "--duration", "50ms", "--out", out, "--quiet", NULL), 0);
	cr_assert_eq(leftovers(run_dir, false, names, sizeof(names)), 0, "left in the run folder: %s", names);
	cr_assert_eq(leftovers(out, false, names, sizeof(names)), 0, "left in the result folder: %s", names);
}

/* Ctrl-C of a build at several moments after its first temporary file appeared: none is left. */
Test(interrupts, ctrl_c_of_a_build_leaves_no_files, .timeout = 300)
{
	static const int delays_ms[] = { 0, 100, 200, 300, 450, 600, 800 };
	char cache[700], build_dir[800], out_dir[700], pol[4200], names[2048], cmd[2000];

	snprintf(cache, sizeof(cache), "%s/cache", th_tmpdir());
	snprintf(build_dir, sizeof(build_dir), "%s/build", cache);
	snprintf(out_dir, sizeof(out_dir), "%s/o", th_tmpdir());
	mkdir(out_dir, 0755);
	setenv("SCXLAB_CACHE", cache, 1);
	src_path(pol, sizeof(pol), "sched/scxl_vtime.bpf.c");

	for (size_t i = 0; i < sizeof(delays_ms) / sizeof(delays_ms[0]); i++) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", build_dir);
		cr_assert_eq(system(cmd), 0);
		pid_t pid = th_scxlab_start(NULL, "build", "--sim-only", "--quiet", "--out-dir", out_dir, pol, NULL);
		for (int k = 0; k < 3000 && !leftovers(build_dir, true, names, sizeof(names)); k++)
			usleep(10000);
		usleep(delays_ms[i] * 1000);
		kill(-pid, SIGINT); /* Ctrl-C: the build and its compiler */
		wait_ended(pid, 30);
		usleep(300000); /* the compiler's own processes end too */
		cr_assert_eq(leftovers(build_dir, true, names, sizeof(names)), 0, "%d ms: left in the build cache: %s",
			     delays_ms[i], names);
		cr_assert_eq(leftovers(out_dir, true, names, sizeof(names)), 0, "%d ms: left beside the output: %s",
			     delays_ms[i], names);
	}
}
