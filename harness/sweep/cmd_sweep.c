/*
 * `scxlab sweep` and `scxlab merge` (see cmd_sweep.h and docs/sweeps.md).
 */
#include "harness/sweep/cmd_sweep.h"
#include "harness/real/kernels.h"
#include "harness/util/atomic_file.h"
#include "harness/results/compare_summary.h"
#include "harness/util/options.h"
#include "harness/util/paths.h"
#include "harness/plots/plots.h"
#include "harness/report/report_html.h"
#include "harness/util/proc.h"
#include "harness/results/run_key.h"
#include "harness/results/result_read.h"
#include "harness/sweep/sweep_spec.h"
#include "harness/results/verdict.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


/* "scxl_vtime+slice_ns=1000000" and "smoke-3s@2cpu": the groups a merged sweep reports. */
static void labels(const struct sweep_run *r, char *pol, size_t plen, char *job, size_t jlen)
{
	char t[128];

	path__stem(r->policy, ".bpf.c", pol, plen);
	for (int k = 0; k < r->nr_knobs; k++) {
		size_t l = strlen(pol);
		snprintf(pol + l, plen - l, "%s%s", k ? "," : "+", r->knobs[k]);
	}
	path__stem(r->job, ".job", job, jlen);
	path__stem(r->topology, ".topo", t, sizeof(t));
	size_t l = strlen(job);
	snprintf(job + l, jlen - l, "@%s", t);
}

#define RUN_KEPT 2   /* run_one: done before with the same inputs */
#define RUN_POLICY_FAILED 3  /* run_one: finished, and its verdict is that the policy failed */
#define RUN_INTERRUPTED 4    /* run_one: stopped by a signal to the sweep: unfinished, redone next time */

/* Whether the first line of the failed.txt at @path starts with one of @prefixes. */
static bool failure_starts_with(const char *path, const char *const *prefixes, size_t n)
{
	char line[128] = "";
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/*
 * Whether the failed.txt at @path records a run that a signal to the sweep stopped (older
 * versions recorded those as failed): such a run is unfinished and is done again.
 */
static bool failure_was_interruption(const char *path)
{
	static const char *const stops[] = { "killed by signal 2 ", "killed by signal 15 ", "killed by signal 1 ",
					     "exit 130\n", "exit 143\n" };

	return failure_starts_with(path, stops, sizeof(stops) / sizeof(stops[0]));
}

/* Whether the run of @dir failed by refusing its input (exit 2: a bad knob, say). */
static bool failure_was_bad_input(const char *dir)
{
	static const char *const bad_input[] = { "exit 2\n" };
	char path[4400];

	snprintf(path, sizeof(path), "%.4000s/failed.txt", dir);
	return failure_starts_with(path, bad_input, 1);
}

/* Whether the finished run in @dir has a failing verdict. */
static bool policy_failed_in(const char *dir)
{
	char path[4400], status[16] = "";
	char *doc;

	snprintf(path, sizeof(path), "%.4000s/result.json", dir);
	doc = result_read__file(path);
	if (!doc)
		return false;
	result_read__string(doc, "verdict", "status", status, sizeof(status));
	free(doc);
	return !strcmp(status, "failed");
}

/*
 * Run one of the sweep's runs into @dir: 0 done, RUN_POLICY_FAILED done with a failing policy,
 * 1 failed (failed.txt says why), RUN_KEPT (done before; @was_policy_failure says how), -1.
 */
static int run_one(const struct sweep_spec *s, const struct sweep_run *r, const char *dir)
{
	char path[4400], log[4400], params[4096], pol[512], job[256];
	struct argv_buf a = { 0 };
	int status;

	labels(r, pol, sizeof(pol), job, sizeof(job));
	size_t off = (size_t)snprintf(params, sizeof(params),
		"index %d\ntarget %s\ntopology %s\njob %s\npolicy %s\nseed %d\npolicy_label %s\njob_label %s\n", r->index,
		r->target, r->topology, r->job, r->policy, r->seed, pol, job);
	for (int k = 0; k < r->nr_knobs && off < sizeof(params); k++)
		off += (size_t)snprintf(params + off, sizeof(params) - off, "knob %s\n", r->knobs[k]);
	snprintf(path, sizeof(path), "%.4000s/params.txt", dir);
	if (scxlab__mkdirs(dir) || atomic_file__write(path, params))
		return -1;
	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "run");
	kernel__add_target_args(&a, r->target, NULL);
	argv__add(&a, "--topology");
	argv__add(&a, r->topology);
	if (strcmp(r->job, "builtin")) {
		argv__add(&a, "--job");
		argv__add(&a, r->job);
	}
	if (!strcmp(r->target, "sim")) {
		argv__add(&a, "--seed");
		argv__addf(&a, "%d", r->seed);
	}
	if (s->duration[0]) {
		argv__add(&a, "--duration");
		argv__add(&a, s->duration);
	}
	if (strcmp(r->policy, "default")) {
		argv__add(&a, "--policy");
		argv__add(&a, r->policy);
		for (int k = 0; k < r->nr_knobs; k++) {
			argv__add(&a, "--knob");
			argv__add(&a, r->knobs[k]);
		}
		char pname[128];
		path__stem(r->policy, ".bpf.c", pname, sizeof(pname));
		for (int i = 0; i < s->nr_daemons; i++) {
			if (!strcmp(s->daemon_policy[i], pname)) {
				argv__add(&a, "--daemon");
				argv__add(&a, s->daemon_src[i]);
			}
		}
	}
	argv__add(&a, "--out");
	argv__add(&a, dir);
	argv__add(&a, "--quiet");
	/* done before with the same inputs (finished or failed): not again */
	char key[17], failed_path[4100];
	run_key__of(&a, key);
	snprintf(failed_path, sizeof(failed_path), "%.4000s/failed.txt", dir);
	if (run_key__kept(dir, key) ||
	    (!access(failed_path, R_OK) && run_key__matches(dir, key) && !failure_was_interruption(failed_path))) {
		argv__free(&a);
		return RUN_KEPT;
	}
	run_key__forget(dir);
	unlink(failed_path);
	snprintf(log, sizeof(log), "%.4000s/run.log", dir);
	int rc = proc__run_logged(&a, log, true, NULL, &status);
	argv__free(&a);
	if (proc__stop_signal()) {
		run_key__forget(dir); /* whatever it wrote, this run is not finished */
		return RUN_INTERRUPTED;
	}
	if (rc)
		return -1;
	snprintf(path, sizeof(path), "%.4000s/result.json", dir);
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == SCXLAB_EXIT_POLICY_FAILED) &&
	    !access(path, R_OK)) {
		if (run_key__record(dir, key))
			return -1;
		return WEXITSTATUS(status) ? RUN_POLICY_FAILED : 0;
	}
	/* recorded as failed, with why: the exit and the end of its log */
	char why[2048], *logtext = NULL;
	FILE *lf = fopen(log, "r");
	if (lf) {
		logtext = calloc(1, 65536);
		size_t n = logtext ? fread(logtext, 1, 65535, lf) : 0;
		(void)n;
		fclose(lf);
	}
	const char *tail = logtext ? logtext + strlen(logtext) : "";
	for (int nl = 0; logtext && tail > logtext && nl < 4; tail--)
		if (tail[-1] == '\n')
			nl++;
	snprintf(why, sizeof(why), "%s\n%s", WIFSIGNALED(status) ? "killed by a signal (a crash)" : "exited non-zero",
		 tail);
	if (WIFEXITED(status))
		snprintf(why, sizeof(why), "exit %d\n%s", WEXITSTATUS(status), tail);
	else if (WIFSIGNALED(status))
		snprintf(why, sizeof(why), "killed by signal %d (%s)\n%s", WTERMSIG(status), strsignal(WTERMSIG(status)), tail);
	free(logtext);
	snprintf(path, sizeof(path), "%.4000s/failed.txt", dir);
	atomic_file__write(path, why);
	run_key__record(dir, key);
	return 1;
}

static void emit(const char *kind, const char *spec, const char *out, int shards)
{
	char exe[4096], spec_abs[4096], out_abs[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	if (!realpath(spec, spec_abs))
		snprintf(spec_abs, sizeof(spec_abs), "%s", spec);
	scxlab__mkdirs(out);
	if (!realpath(out, out_abs))
		snprintf(out_abs, sizeof(out_abs), "%s", out);
	if (!strcmp(kind, "parallel")) {
		/* one command per shard, for GNU parallel (add --sshlogin for several hosts) */
		for (int i = 1; i <= shards; i++)
			printf("%s sweep %s --out %s --shard %d/%d --quiet\n", exe, spec_abs, out_abs, i, shards);
		return;
	}
	printf("#!/bin/bash\n"
	       "# scxlab sweep as a Slurm job array: one shard per array task. Submit with\n"
	       "#   jobid=$(sbatch --parsable THIS_FILE)\n"
	       "# then merge once it is done:\n"
	       "#   sbatch --dependency=afterok:$jobid --wrap '%s merge --out %s/merged %s'\n"
	       "#SBATCH --job-name=scxlab-sweep\n"
	       "#SBATCH --array=1-%d\n"
	       "#SBATCH --ntasks=1\n"
	       "#SBATCH --cpus-per-task=1\n"
	       "#SBATCH --output=%s/slurm-%%A_%%a.log\n"
	       "set -euo pipefail\n"
	       "exec %s sweep %s --out %s --shard \"${SLURM_ARRAY_TASK_ID}/%d\" --quiet\n",
	       exe, out_abs, out_abs, shards, out_abs, exe, spec_abs, out_abs, shards);
}

int cmd_sweep(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "shard", required_argument, NULL, 's' },
		{ "emit", required_argument, NULL, 'e' },
		{ "shards", required_argument, NULL, 'n' },
		{ "list", no_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sweep_spec *s = calloc(1, sizeof(*s));
	const char *out = "results/sweep", *kind = NULL;
	int shard = 1, nshards = 1, emit_shards = 4, c, ret = 0;
	bool list = false, quiet = false;
	char err[1024];

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:s:e:n:lqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's': {
			char tail = 0;
			if (sscanf(optarg, "%d/%d%c", &shard, &nshards, &tail) != 2 || nshards < 1 || shard < 1 ||
			    shard > nshards) {
				fprintf(stderr, "scxlab sweep: --shard %s: expected I/N with 1 <= I <= N\n", optarg);
				free(s);
				return 2;
			}
			break;
		}
		case 'e': kind = optarg; break;
		case 'n': {
			uint64_t v;
			if (opt__parse_u64("--shards", optarg, &v, err, sizeof(err)) || v < 1 || v > SWEEP_MAX_RUNS) {
				fprintf(stderr, "scxlab sweep: --shards %s: expected a number of shards from 1 to %d\n", optarg,
					SWEEP_MAX_RUNS);
				free(s);
				return 2;
			}
			emit_shards = (int)v;
			break;
		}
		case 'l': list = true; break;
		case 'q': quiet = true; break;
		case 'h':
			printf("usage: scxlab sweep SPEC [--out DIR] [--shard I/N] [--list] [--quiet]\n"
			       "       scxlab sweep SPEC --out DIR --emit slurm|parallel [--shards N]\n\n"
			       "Run a sweep file's runs (docs/sweeps.md) into DIR/runs/NNNNN/ (default results/sweep),\n"
			       "all or the shard I of N (runs with index %% N == I - 1). Finished and failed runs are\n"
			       "not redone. --emit writes a Slurm job-array script or a GNU parallel command list\n"
			       "for N shards (default 4); `scxlab merge` joins the shards' directories.\n");
			free(s);
			return 0;
		default: free(s); return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: scxlab sweep SPEC [options] (see --help)\n");
		free(s);
		return 2;
	}
	if (sweep_spec__load(s, argv[optind], err, sizeof(err))) {
		fprintf(stderr, "scxlab sweep: %s\n", err);
		free(s);
		return 2;
	}
	int total = sweep_spec__count(s);
	if (kind) {
		if (strcmp(kind, "slurm") && strcmp(kind, "parallel")) {
			fprintf(stderr, "scxlab sweep: --emit %s: slurm or parallel\n", kind);
			free(s);
			return 2;
		}
		emit(kind, argv[optind], out, emit_shards);
		free(s);
		return 0;
	}
	if (list) {
		for (int i = 0; i < total; i++) {
			struct sweep_run r;
			char pol[512], job[256];
			sweep_spec__run(s, i, &r);
			labels(&r, pol, sizeof(pol), job, sizeof(job));
			printf("%05d %s %s %s seed %d\n", i, r.target, pol, job, r.seed);
		}
		free(s);
		return 0;
	}
	/* SIGINT, SIGTERM, SIGHUP: the run going on gets it too and the sweep stops after it */
	proc__forward_stop_signals();
	int mine = 0, done = 0, failed = 0, policy_failed = 0, bad_input = 0;
	time_t t0 = time(NULL);
	for (int i = shard - 1; i < total; i += nshards)
		mine++;
	for (int i = shard - 1; i < total && !proc__stop_signal(); i += nshards) {
		struct sweep_run r;
		char dir[4300];
		sweep_spec__run(s, i, &r);
		snprintf(dir, sizeof(dir), "%s/runs/%05d", out, i);
		done++;
		if (!quiet && isatty(2))
			fprintf(stderr, "\r[%d/%d] run %05d  elapsed %lds   ", done, mine, i, (long)(time(NULL) - t0));
		int rc = run_one(s, &r, dir);
		if (rc == RUN_INTERRUPTED)
			break;
		if (rc == RUN_KEPT) {
			char failed_path[4400];
			snprintf(failed_path, sizeof(failed_path), "%.4000s/failed.txt", dir);
			if (!access(failed_path, R_OK))
				failed++;
			else if (policy_failed_in(dir))
				policy_failed++;
			bad_input += failure_was_bad_input(dir);
			continue;
		}
		if (rc == 1)
			bad_input += failure_was_bad_input(dir);
		if (rc == RUN_POLICY_FAILED) {
			policy_failed++;
			if (!quiet)
				fprintf(stderr, "%sscxlab sweep: run %05d: the policy failed (its verdict is in %s/result.json)\n",
					isatty(2) ? "\n" : "", i, dir);
		} else if (rc) {
			failed++;
			if (!quiet)
				fprintf(stderr, "%sscxlab sweep: run %05d failed (%s); see %s\n", isatty(2) ? "\n" : "", i,
					rc < 0 ? "could not start it" : "its reason is in failed.txt", dir);
		}
	}
	if (!quiet && isatty(2))
		fputc('\n', stderr);
	if (proc__stop_signal()) {
		fprintf(stderr, "scxlab sweep: interrupted; run it again to go on\n");
		ret = 130;
	} else if (!quiet) {
		printf("shard %d/%d: %d runs (%d failed, %d with a failing policy) in %s/runs\n", shard, nshards, mine,
		       failed, policy_failed, out);
	}
	if (!proc__stop_signal() && bad_input)
		fprintf(stderr, "scxlab sweep: %d runs refused their input (exit 2: a knob the policy lacks, say); "
			"see their failed.txt\n", bad_input);
	if (!proc__stop_signal())
		ret = bad_input ? 2 : policy_failed ? SCXLAB_EXIT_POLICY_FAILED : failed ? 1 : 0;
	free(s);
	return ret;
}

struct merged {
	int index, seed;
	char target[72], pol[512], job[256];
	char src[4300];
	bool ok;
};

static int cmp_merged(const void *a, const void *b)
{
	return ((const struct merged *)a)->index - ((const struct merged *)b)->index;
}

int cmd_merge(int argc, char **argv)
{
	const char *out = NULL;
	const char *srcs[256];
	int nr_srcs = 0, nr = 0, cap = 0, failed = 0;
	bool plots = true;
	struct merged *m = NULL;
	struct summary sum = { 0 };
	char err[1024];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--no-plots"))
			plots = false;
		else if (!strcmp(argv[i], "--help")) {
			printf("usage: scxlab merge --out DIR [--no-plots] SWEEP_DIR...\n\n"
			       "Join sweep shard directories into one compare directory: DIR/runs/TARGET/POLICY/JOB/rSEED,\n"
			       "DIR/report.html, DIR/summary.{json,csv}, runs.csv, table.{txt,md}, DIR/plots (with\n"
			       "metric-vs-knob figures), DIR/failed.txt listing failed runs.\n");
			return 0;
		} else if (argv[i][0] != '-' && nr_srcs < 256)
			srcs[nr_srcs++] = argv[i];
		else {
			fprintf(stderr, "scxlab merge: unexpected '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	if (!out || !nr_srcs) {
		fprintf(stderr, "usage: scxlab merge --out DIR SWEEP_DIR...\n");
		return 2;
	}
	for (int i = 0; i < nr_srcs; i++) {
		struct stat st;
		if (stat(srcs[i], &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "scxlab merge: %s: not a sweep directory (%s)\n", srcs[i],
				errno ? strerror(errno) : "not a directory");
			return 2;
		}
	}
	for (int i = 0; i < nr_srcs; i++) {
		char pattern[4300];
		glob_t g;
		snprintf(pattern, sizeof(pattern), "%s/runs/[0-9][0-9][0-9][0-9][0-9]/params.txt", srcs[i]);
		if (glob(pattern, 0, NULL, &g))
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			FILE *f = fopen(g.gl_pathv[k], "r");
			char line[1024], res[4400];
			struct merged e = { .index = -1 };
			while (f && fgets(line, sizeof(line), f)) {
				line[strcspn(line, "\n")] = 0;
				if (sscanf(line, "index %d", &e.index) == 1 || sscanf(line, "seed %d", &e.seed) == 1)
					continue;
				if (!strncmp(line, "target ", 7))
					snprintf(e.target, sizeof(e.target), "%.71s", line + 7);
				else if (!strncmp(line, "policy_label ", 13))
					snprintf(e.pol, sizeof(e.pol), "%.500s", line + 13);
				else if (!strncmp(line, "job_label ", 10))
					snprintf(e.job, sizeof(e.job), "%.255s", line + 10);
			}
			if (f)
				fclose(f);
			snprintf(e.src, sizeof(e.src), "%.*s", (int)(strrchr(g.gl_pathv[k], '/') - g.gl_pathv[k]), g.gl_pathv[k]);
			snprintf(res, sizeof(res), "%s/result.json", e.src);
			e.ok = !access(res, R_OK);
			if (e.index < 0)
				continue;
			bool dup = false;
			for (int j = 0; j < nr; j++)
				dup |= m[j].index == e.index && (m[j].ok || !e.ok);
			if (dup)
				continue;
			if (nr == cap) {
				cap = cap ? cap * 2 : 256;
				struct merged *nm = realloc(m, (size_t)cap * sizeof(*nm));
				if (!nm) {
					globfree(&g);
					free(m);
					return 1;
				}
				m = nm;
			}
			m[nr++] = e;
		}
		globfree(&g);
	}
	/* before the sort: with no run found m is still NULL, which qsort() must not get */
	if (!nr) {
		fprintf(stderr, "scxlab merge: no sweep runs (runs/NNNNN/params.txt) under %s%s\n", srcs[0],
			nr_srcs > 1 ? " or the other directories given" : "");
		return 2;
	}
	qsort(m, (size_t)nr, sizeof(*m), cmp_merged);
	/* one entry per index: a finished run beats a failed one from another shard */
	int w = 0;
	for (int i = 0; i < nr; i++) {
		if (w && m[w - 1].index == m[i].index) {
			if (m[i].ok && !m[w - 1].ok)
				m[w - 1] = m[i];
			continue;
		}
		m[w++] = m[i];
	}
	nr = w;
	FILE *ff = NULL;
	char path[4400];
	scxlab__mkdirs(out);
	snprintf(path, sizeof(path), "%s/failed.txt", out);
	ff = fopen(path, "w");
	for (int i = 0; i < nr; i++) {
		char dir[4400], from[4400], to[4500];
		if (!m[i].ok) {
			failed++;
			summary__note_failed(&sum, m[i].target, m[i].pol, m[i].job);
			if (ff)
				fprintf(ff, "%05d %s %s %s seed %d: see %s/failed.txt\n", m[i].index, m[i].target, m[i].pol,
					m[i].job, m[i].seed, m[i].src);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s/runs/%s/%s/%s/r%d", out, m[i].target, m[i].pol, m[i].job, m[i].seed);
		snprintf(from, sizeof(from), "%s/result.json", m[i].src);
		snprintf(to, sizeof(to), "%s/result.json", dir);
		if (scxlab__mkdirs(dir) || atomic_file__copy(from, to)) {
			fprintf(stderr, "scxlab merge: cannot copy %s\n", from);
			continue;
		}
		summary__add_run(&sum, m[i].target, m[i].pol, m[i].job, to);
	}
	if (ff)
		fclose(ff);
	free(m);
	summary__finish(&sum);
	if (summary__write(&sum, out, err, sizeof(err))) {
		fprintf(stderr, "scxlab merge: %s\n", err);
		summary__free(&sum);
		return 1;
	}
	int policy_failed = 0;
	for (int i = 0; i < sum.nr_groups; i++)
		policy_failed += sum.groups[i].policy_failed;
	printf("merged %d runs (%d failed, %d with a failing policy) into %s\n", nr - failed, failed, policy_failed, out);
	if (plots) {
		char pdir[4300];
		snprintf(pdir, sizeof(pdir), "%s/plots", out);
		if (plots__make(&sum, out, pdir, err, sizeof(err)))
			fprintf(stderr, "scxlab merge: plots: %s\n", err);
	}
	if (report_html__write_dir(&sum, out, plots, "sweep merge", "scxlab merge"))
		failed++;
	summary__free(&sum);
	return policy_failed ? SCXLAB_EXIT_POLICY_FAILED : failed ? 1 : 0;
}
