/*
 * Kill safety (issue 21): `scxlab run`, `compare` and `sweep` are killed (SIGKILL of the
 * command) or interrupted (SIGINT to its process group, as Ctrl-C) at 20 pseudo-random moments
 * each. After every kill each result file is whole or absent and no process of it is left;
 * after every interrupt no temporary file is left either; a final rerun finishes, keeps the
 * runs finished before it, and leaves no temporary file anywhere (what the kills left is swept).
 */
#include <criterion/criterion.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/results/result_read.h"
#include "test_helpers.h"

#define TRIALS 20

static char broken[4096], temp_seen[4096]; /* the first broken result, the first temporary file */
static int results, temps;

static bool is_temp(const char *name)
{
	return strstr(name, ".tmp.") || !strncmp(name, "scxlab-policy", 13);
}

static int check_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + ftw->base;

	if (flag != FTW_F)
		return 0;
	if (is_temp(name)) {
		if (!temps++)
			snprintf(temp_seen, sizeof(temp_seen), "%s", path);
		return 0;
	}
	if (strcmp(name, "result.json") && strcmp(name, "summary.json"))
		return 0;
	char *doc = th_read_file(path, NULL), why[200];
	if (!doc || result_read__check(doc, why, sizeof(why))) {
		if (!broken[0])
			snprintf(broken, sizeof(broken), "%s is not whole: %s", path, doc ? why : "unreadable");
	} else if (!strcmp(name, "result.json")) {
		results++;
	}
	free(doc);
	return 0;
}

/* Walk @dir: whole results counted, the first broken one in `broken`, temporary files counted. */
static void walk(const char *dir)
{
	broken[0] = temp_seen[0] = 0;
	results = temps = 0;
	nftw(dir, check_entry, 16, FTW_PHYS);
}

/* Every place a command may leave a temporary file: its output, the cache, $TMPDIR. */
static int temps_anywhere(const char *out, const char *cache, const char *tmp)
{
	int n = 0;

	const char *dirs[] = { cache, tmp, out };
	char first[4096] = "";

	for (int i = 0; i < 3; i++) {
		walk(dirs[i]);
		if (temps && !first[0])
			snprintf(first, sizeof(first), "%s", temp_seen);
		n += temps;
	}
	snprintf(temp_seen, sizeof(temp_seen), "%s", first);
	return n;
}

struct command {
	const char *name;
	const char *argv[24];
	int runs;          /* results a finished command leaves */
	int max_delay_ms;  /* kills fall in 0..this after the start */
};

static pid_t start(const struct command *c)
{
	const char *const *a = c->argv;

	return th_scxlab_start("/dev/null", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12],
			       a[13], a[14], a[15], a[16], a[17], a[18], a[19], NULL);
}

/* The results' modification times under @dir, for "not redone". */
static time_t mtimes[64];
static int nr_mtimes;

static int note_mtime(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_F && !strcmp(path + ftw->base, "result.json") && nr_mtimes < 64)
		mtimes[nr_mtimes++] = st->st_mtime;
	return 0;
}

static void kill_trials(const struct command *c, const char *out, const char *cache, const char *tmp,
			unsigned int *rng)
{
	for (int t = 0; t < TRIALS; t++) {
		bool hard = t % 2;
		int delay = (int)(rand_r(rng) % (unsigned int)c->max_delay_ms);
		pid_t pid = start(c);
		cr_assert_gt(pid, 0);
		usleep((useconds_t)delay * 1000);
		if (hard)
			kill(pid, SIGKILL); /* the command only: its children must follow */
		else
			kill(-pid, SIGINT); /* Ctrl-C */
		int status;
		waitpid(pid, &status, 0);
		int left = th_wait_procs_gone(out, 10);
		if (left)
			kill(-pid, SIGKILL);
		cr_assert_eq(left, 0, "%s trial %d (%s at %d ms): %d processes left", c->name, t, hard ? "SIGKILL" : "SIGINT",
			     delay, left);
		walk(out);
		cr_assert_eq(broken[0], 0, "%s trial %d (%s at %d ms): %s", c->name, t, hard ? "SIGKILL" : "SIGINT", delay,
			     broken);
		if (!hard) {
			int n = temps_anywhere(out, cache, tmp);
			cr_assert_eq(n, 0, "%s trial %d (SIGINT at %d ms): %d left, such as %s", c->name, t, delay, n,
				     temp_seen);
		}
	}
	/* the rerun: finishes, keeps what was finished, sweeps what the kills left */
	nr_mtimes = 0;
	nftw(out, note_mtime, 16, FTW_PHYS);
	int before = nr_mtimes;
	time_t kept[64];
	memcpy(kept, mtimes, sizeof(kept));
	sleep(1); /* a redone run would get a later mtime */
	const char *const *a = c->argv;
	int rc = th_scxlab("/dev/null", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13],
			   a[14], a[15], a[16], a[17], a[18], a[19], NULL);
	cr_assert_eq(rc, 0, "%s: the rerun exited %d", c->name, rc);
	walk(out);
	cr_assert_eq(results, c->runs, "%s: %d results after the rerun (%s)", c->name, results, broken);
	int n = temps_anywhere(out, cache, tmp);
	cr_assert_eq(n, 0, "%s: after the rerun %d temporary files, such as %s", c->name, n, temp_seen);
	if (c->runs > 1) {
		nr_mtimes = 0;
		nftw(out, note_mtime, 16, FTW_PHYS);
		int same = 0;
		for (int i = 0; i < before; i++)
			for (int j = 0; j < nr_mtimes; j++)
				same += kept[i] == mtimes[j] && kept[i] != 0;
		cr_assert_geq(same, before, "%s: the rerun redid finished runs (%d of %d kept)", c->name, same, before);
	}
}

Test(kill_safety, run_compare_and_sweep_killed_at_random_moments, .timeout = 900)
{
	char cache[700], tmp[700], pol[4200], job[800], spec[800], text[8192];
	char out_run[700], out_cmp[700], out_sweep[700];
	unsigned int rng = 20261201;

	snprintf(cache, sizeof(cache), "%s/cache", th_tmpdir());
	snprintf(tmp, sizeof(tmp), "%s/tmp", th_tmpdir());
	mkdir(tmp, 0755);
	setenv("SCXLAB_CACHE", cache, 1);
	setenv("TMPDIR", tmp, 1);
	snprintf(pol, sizeof(pol), "%s/sched/scxl_vtime.bpf.c", getenv("SCXLAB_SRC"));
	snprintf(job, sizeof(job), "%s", th_write_file("busy.job", "cpu 0\ncpu-load 50\nswitch 1\n", 26));
	snprintf(text, sizeof(text), "policies default %s\njobs %s\nseeds 1-3\nduration 200ms\n", pol, job);
	snprintf(spec, sizeof(spec), "%s", th_write_file("k.sweep", text, strlen(text)));
	snprintf(out_run, sizeof(out_run), "%s/run", th_tmpdir());
	snprintf(out_cmp, sizeof(out_cmp), "%s/cmp", th_tmpdir());
	snprintf(out_sweep, sizeof(out_sweep), "%s/sweep", th_tmpdir());
	/* the build cache warm, so that kills fall in runs rather than in one long compile */
	cr_assert_eq(th_scxlab("/dev/null", "build", "--sim-only", "--quiet", "--out-dir", th_tmpdir(), pol, NULL), 0);

	struct command run = { "run", { "run", "--policy", pol, "--job", job, "--duration", "500ms", "--out", out_run,
					"--quiet" }, 1, 900 };
	struct command cmp = { "compare", { "compare", "--policies", pol, "--jobs", job, "--duration", "200ms", "--reps",
					    "3", "--out", out_cmp, "--no-plots", "--quiet" }, 6, 2500 };
	struct command sweep = { "sweep", { "sweep", spec, "--out", out_sweep, "--quiet" }, 6, 2500 };

	kill_trials(&run, out_run, cache, tmp, &rng);
	kill_trials(&cmp, out_cmp, cache, tmp, &rng);
	kill_trials(&sweep, out_sweep, cache, tmp, &rng);
}
