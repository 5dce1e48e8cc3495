/*
 * `scxlab compare` (see cmd_compare.h).
 */
#include "harness/compare/cmd_compare.h"
#include "harness/compare/compare_opts.h"
#include "harness/results/compare_summary.h"
#include "harness/report/summary_print.h"
#include "harness/util/paths.h"
#include "harness/plots/plots.h"
#include "harness/report/report_html.h"
#include "harness/util/proc.h"
#include "harness/results/result_read.h"
#include "harness/results/run_key.h"
#include "harness/results/verdict.h"
#include "harness/report/junit.h"
#include "harness/real/kernels.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One JUnit case per (target, policy, job): failed when its policy failed, in error when runs did not finish. */
static int compare_junit(const struct summary *s, const char *path)
{
	struct junit_report r = { 0 };
	int rc = 0;

	snprintf(r.suite, sizeof(r.suite), "scxlab compare");
	for (int i = 0; i < s->nr_groups && !rc; i++) {
		const struct group *g = &s->groups[i];
		char cls[192];
		snprintf(cls, sizeof(cls), "compare.%s.%s", g->target, g->job);
		struct junit_case *c = junit__add(&r, cls, g->policy);
		if (!c) {
			rc = -1;
			break;
		}
		if (g->policy_failed) {
			c->outcome = JUNIT_FAILED;
			snprintf(c->type, sizeof(c->type), "policy-failed");
			snprintf(c->message, sizeof(c->message), "%d of %d runs: %s", g->policy_failed, g->runs + g->failed,
				 g->failure);
		} else if (g->failed) {
			c->outcome = JUNIT_ERROR;
			snprintf(c->type, sizeof(c->type), "run-failed");
			snprintf(c->message, sizeof(c->message), "%d of %d runs did not finish", g->failed, g->runs + g->failed);
		}
	}
	for (int i = 0; i < s->nr_skipped && !rc; i++) {
		struct junit_case *c = junit__add(&r, "compare.targets", s->skipped[i]);
		if (!c) {
			rc = -1;
			break;
		}
		c->outcome = JUNIT_ERROR;
		snprintf(c->type, sizeof(c->type), "target-not-run");
		snprintf(c->message, sizeof(c->message), "%s", s->skipped[i]);
	}
	char err[4400];

	if (rc)
		snprintf(err, sizeof(err), "%s: out of memory", path);
	else if (junit__write(&r, path, err, sizeof(err)))
		rc = -1;
	if (rc)
		fprintf(stderr, "scxlab compare: --junit %s\n", err);
	junit__free(&r);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab compare [--policies P1,P2,...] [--no-baseline] [--jobs J1,...]\n"
		"                      [--targets sim,vm,host] [--reps N] [--real-reps N]\n"
		"                      [--topology SPEC] [--duration TIME] [--matrix FILE] [--out DIR]\n"
		"                      [--calibration FILE] [--daemon POLICY=DAEMON.c]... [--no-daemons]\n"
		"                      [--loader POLICY=FILE]...\n"
		"                      [--junit FILE] [--no-plots] [--quiet]\n\n"
		"Run every policy (default: sched/*.bpf.c but scxl_faulty) and the default scheduler\n"
		"(baseline) on every job (default workloads/jobs/default.job) on every target (default\n"
		"sim), N times (simulator: seeds 1..N, default 1; real targets: --real-reps, default 3).\n"
		"A target vm@K boots kernel K (a series such as 7.3, or a cached release): several\n"
		"of them compare the same policies and jobs across kernels, side by side.\n"
		"Finished runs are kept and not redone while their inputs (command, policy, daemon,\n"
		"job and calibration files) are unchanged: run the same command again to resume.\n"
		"Writes DIR/report.html, DIR/summary.json, summary.csv, runs.csv, table.{txt,md},\nDIR/plots/*.{png,svg,pdf} and DIR/runs/ (default\n"
		"results/compare). A matrix file holds the same settings as lines `policies A B`,\n"
		"`jobs ...`, `targets ...`, `reps N`, `real-reps N`, `topology T`, `duration D`.\n"
		"--calibration gives the simulator's runs a target's costs (scxlab calibrate).\n"
		"--daemon runs a policy's user-space daemon beside it on every target; a policy\n"
		"NAME.bpf.c with a NAME.daemon.c beside it runs with that one unless --no-daemons.\n"
		"--loader applies a loader profile to a policy's runs on every target (scxlab run --loader).\n"
		"A run whose policy failed (error exit, stall, lost or starved tasks) is kept and\n"
		"marked POLICY FAILED; --junit FILE writes one test case per policy, target and job.\n\n"
		"Exit status: 0 all ran and no policy failed, 1 runs did not finish, 2 bad usage,\n"
		"3 a policy failed.\n");
}

/* "sched/scxl_vtime.bpf.c" -> "scxl_vtime"; "workloads/jobs/default.job" -> "default" */

/* The FILE of the first "POLICY=FILE" of @items naming @pname (a built policy's name may be
 * given without its .sim.so or .bpf.o), or NULL. */
static const char *for_policy(char *const *items, int n, const char *pname)
{
	size_t plen = strlen(pname);

	if (path__ends_with(pname, ".sim.so") || path__ends_with(pname, ".bpf.o"))
		plen -= path__ends_with(pname, ".sim.so") ? 7 : 6;
	for (int i = 0; i < n; i++) {
		size_t len = strcspn(items[i], "=");
		if (items[i][len] == '=' && (len == strlen(pname) || len == plen) && !strncmp(items[i], pname, len))
			return items[i] + len + 1;
	}
	return NULL;
}

/* The `scxlab run` command of one run into @dir. */
static void run_command(const struct compare_opts *o, const char *target, const char *policy, const char *job,
			int rep, const char *dir, struct argv_buf *out)
{
	struct argv_buf a = { 0 };

	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "run");
	kernel__add_target_args(&a, target, NULL);
	argv__add(&a, "--job");
	argv__add(&a, job);
	argv__add(&a, "--topology");
	argv__add(&a, o->topology);
	argv__add(&a, "--out");
	argv__add(&a, dir);
	argv__add(&a, "--quiet");
	if (!strcmp(target, "sim")) {
		argv__add(&a, "--seed");
		argv__addf(&a, "%d", rep);
	}
	if (o->duration) {
		argv__add(&a, "--duration");
		argv__add(&a, o->duration);
	}
	if (o->calibration && !strcmp(target, "sim")) {
		argv__add(&a, "--calibration");
		argv__add(&a, o->calibration);
	}
	if (strcmp(policy, "default")) {
		char pname[64];
		argv__add(&a, "--policy");
		argv__add(&a, policy);
		const char *daemon, *loader;
		char own[4200];
		path__stem(policy, ".bpf.c", pname, sizeof(pname));
		daemon = for_policy(o->daemons, o->nr_daemons, pname);
		loader = for_policy(o->loaders, o->nr_loaders, pname);
		if (loader) {
			argv__add(&a, "--loader");
			argv__add(&a, loader);
		}
		/* its own daemon, sched/NAME.daemon.c beside sched/NAME.bpf.c */
		size_t plen = strlen(policy);
		if (!daemon && o->own_daemons && path__ends_with(policy, ".bpf.c") && plen - 6 + 10 < sizeof(own)) {
			snprintf(own, sizeof(own), "%.*s.daemon.c", (int)(plen - 6), policy);
			if (!access(own, R_OK))
				daemon = own;
		}
		if (daemon) {
			argv__add(&a, "--daemon");
			argv__add(&a, daemon);
		}
	}
	*out = a;
}

/* Run @a into @dir, output to @log; on success record its key. Its exit status, -1 if killed. */
static int run_one(const struct argv_buf *a, const char *dir, const char *key, const char *log)
{
	int status;

	run_key__forget(dir);     /* until this run has finished, the directory holds no valid result */
	if (proc__run_logged(a, log, true, NULL, &status))
		return -1;
	if (!WIFEXITED(status))
		return -1;
	/* a run whose policy failed is finished too: its result says how */
	if ((!WEXITSTATUS(status) || WEXITSTATUS(status) == SCXLAB_EXIT_POLICY_FAILED) && run_key__record(dir, key))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Runs are kept under their file's name (runs/TARGET/POLICY/JOB): two files of one name would
 * share a group and redo each other's runs on every resume. True (said) if two of @files, or
 * one and the baseline's "default" when @baseline, have the same name.
 */
static bool names_collide(const char *opt, const char *const *files, int n, const char *ext, bool baseline)
{
	for (int i = 0; i < n; i++) {
		char a[64], b[64];
		path__stem(files[i], ext, a, sizeof(a));
		if (baseline && !strcmp(a, "default")) {
			fprintf(stderr, "scxlab compare: %s: %s is named 'default', the baseline's name (rename it or "
				"give --no-baseline)\n", opt, files[i]);
			return true;
		}
		for (int j = 0; j < i; j++) {
			path__stem(files[j], ext, b, sizeof(b));
			if (strcmp(a, b))
				continue;
			if (!strcmp(files[i], files[j]))
				fprintf(stderr, "scxlab compare: %s: %s is named twice\n", opt, files[i]);
			else
				fprintf(stderr, "scxlab compare: %s: %s and %s have the same name '%s': their runs would "
					"be one group under runs/*/%s (rename one)\n", opt, files[j], files[i], a, a);
			return true;
		}
	}
	return false;
}

/* Why the VM target @target (vm, vm@7.3) cannot run here, or NULL. Fetches its kernel. */
static const char *vm_unavailable(const char *target)
{
	static char why[1024];
	char path[4096];

	if (proc__which("qemu-system-x86_64", path, sizeof(path)))
		return "qemu-system-x86_64 is not installed (scripts/deps.sh installs it)";
	if (kernel__image(kernel__of_target(target), path, sizeof(path), why, sizeof(why)))
		return why;
	snprintf(path, sizeof(path), "%s/probes/latency.bpf.o", scxlab__exe_dir());
	if (access(path, R_OK))
		return "the latency probes are not built (make bpf)";
	return NULL;
}

/*
 * The timeline plot: 20 ms of @policy on the first job in the simulator, from 1 s in (past
 * the start-up), as DIR/timeline-POLICY.{png,svg,pdf}.
 */
static void timeline_plot(const struct compare_opts *o, const char *policy, const char *dir)
{
	char dat[4300], log[4300], run_dir[4300], what[200], pname[64], jname[64], err[512];
	struct argv_buf a = { 0 };
	int ncpu = 0;

	for (int t = 0; t < o->nr_targets; t++)
		ncpu |= !strcmp(o->targets[t], "sim");
	if (!ncpu)
		return;
	path__stem(policy, ".bpf.c", pname, sizeof(pname));
	snprintf(dat, sizeof(dat), "%s/timeline-%s.dat", dir, pname);
	snprintf(log, sizeof(log), "%s/timeline-run/%s.log", dir, pname);
	snprintf(run_dir, sizeof(run_dir), "%s/timeline-run/%s", dir, pname);
	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "run");
	argv__add(&a, "--job");
	argv__add(&a, o->jobs[0]);
	argv__add(&a, "--topology");
	argv__add(&a, o->topology);
	argv__add(&a, "--duration");
	argv__add(&a, "1.05s");
	argv__add(&a, "--timeline");
	argv__add(&a, dat);
	argv__add(&a, "--timeline-window");
	argv__add(&a, "1s:1.02s");
	argv__add(&a, "--out");
	argv__add(&a, run_dir);
	argv__add(&a, "--quiet");
	if (strcmp(policy, "default")) {
		argv__add(&a, "--policy");
		argv__add(&a, policy);
	}
	int rc = proc__run_silent(&a);
	argv__free(&a);
	if (rc) {
		fprintf(stderr, "scxlab compare: the timeline run failed\n");
		return;
	}
	char res[4400], *doc;
	double v = 0;
	snprintf(res, sizeof(res), "%s/result.json", run_dir);
	doc = result_read__file(res);
	if (doc && !result_read__number(doc, "topology", "cpus", &v))
		ncpu = (int)v;
	free(doc);
	path__stem(o->jobs[0], ".job", jname, sizeof(jname));
	snprintf(what, sizeof(what), "%s on %s", pname, jname);
	char outbase[4400];
	snprintf(outbase, sizeof(outbase), "%s/timeline-%s", dir, pname);
	if (plots__timeline(dat, outbase, what, ncpu, err, sizeof(err)))
		fprintf(stderr, "scxlab compare: timeline plot: %s\n", err);
}

int cmd_compare(int argc, char **argv)
{
	enum { O_NOBASE = 256, O_REALREPS, O_MATRIX, O_NOPLOTS, O_QUIET, O_CAL, O_DAEMON, O_NODAEMONS, O_JUNIT, O_LOADER };
	static const struct option longopts[] = {
		{ "policies", required_argument, NULL, 'p' },
		{ "no-baseline", no_argument, NULL, O_NOBASE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "targets", required_argument, NULL, 't' },
		{ "reps", required_argument, NULL, 'r' },
		{ "real-reps", required_argument, NULL, O_REALREPS },
		{ "topology", required_argument, NULL, 'T' },
		{ "duration", required_argument, NULL, 'd' },
		{ "matrix", required_argument, NULL, O_MATRIX },
		{ "calibration", required_argument, NULL, O_CAL },
		{ "daemon", required_argument, NULL, O_DAEMON },
		{ "loader", required_argument, NULL, O_LOADER },
		{ "out", required_argument, NULL, 'o' },
		{ "no-plots", no_argument, NULL, O_NOPLOTS },
		{ "no-daemons", no_argument, NULL, O_NODAEMONS },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "junit", required_argument, NULL, O_JUNIT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char pol_buf[4096], job_buf[4096], tgt_buf[256], def_job[4200], globbed[MAX_ITEMS][4200];
	struct compare_opts o = { .reps = 1, .real_reps = 3, .topology = "8cpu-2llc", .out = "results/compare",
				  .baseline = true, .plots = true, .own_daemons = true };
	struct summary sum = { 0 };
	char err[1024];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:j:t:r:T:d:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': snprintf(pol_buf, sizeof(pol_buf), "%s", optarg); compare_opts__split(pol_buf, o.policies, &o.nr_policies); break;
		case 'j': snprintf(job_buf, sizeof(job_buf), "%s", optarg); compare_opts__split(job_buf, o.jobs, &o.nr_jobs); break;
		case 't':
			snprintf(tgt_buf, sizeof(tgt_buf), "%s", optarg);
			if (compare_opts__split_max(tgt_buf, o.targets, &o.nr_targets, (int)(sizeof(o.targets) / sizeof(o.targets[0])))) {
				fprintf(stderr, "scxlab compare: --targets %s: at most %d targets (sim, vm, host), each once\n",
					optarg, (int)(sizeof(o.targets) / sizeof(o.targets[0])));
				return 2;
			}
			for (int i = 0; i < o.nr_targets; i++)
				for (int k = 0; k < i; k++)
					if (!strcmp(o.targets[i], o.targets[k])) {
						fprintf(stderr, "scxlab compare: --targets %s: '%s' is named twice\n", optarg,
							o.targets[i]);
						return 2;
					}
			break;
		case 'r': o.reps = atoi(optarg); break;
		case O_REALREPS: o.real_reps = atoi(optarg); break;
		case 'T': o.topology = optarg; break;
		case 'd': o.duration = optarg; break;
		case O_MATRIX:
			if (compare_opts__load_matrix(optarg, &o, err, sizeof(err))) {
				fprintf(stderr, "scxlab compare: --matrix: %s\n", err);
				return 2;
			}
			break;
		case 'o': o.out = optarg; break;
		case O_CAL: o.calibration = optarg; break;
		case O_DAEMON:
			if (!strchr(optarg, '=') || o.nr_daemons == MAX_ITEMS) {
				fprintf(stderr, "scxlab compare: --daemon %s: expected POLICY=DAEMON.c (e.g. scxl_adapt=sched/scxl_adapt.daemon.c)\n", optarg);
				return 2;
			}
			o.daemons[o.nr_daemons++] = optarg;
			break;
		case O_LOADER:
			if (!strchr(optarg, '=') || o.nr_loaders == MAX_ITEMS) {
				fprintf(stderr, "scxlab compare: --loader %s: expected POLICY=FILE (e.g. "
					"scx_bpfland=workloads/loaders/scx_bpfland.loader)\n", optarg);
				return 2;
			}
			o.loaders[o.nr_loaders++] = optarg;
			break;
		case O_NOBASE: o.baseline = false; break;
		case O_NOPLOTS: o.plots = false; break;
		case O_NODAEMONS: o.own_daemons = false; break;
		case O_QUIET: o.quiet = true; break;
		case O_JUNIT: o.junit = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || o.reps < 1 || o.reps > SUMMARY_MAX_VALUES || o.real_reps < 1 ||
	    o.real_reps > SUMMARY_MAX_VALUES) {
		usage(stderr);
		return 2;
	}
	if (!o.nr_policies) {
		char pattern[4200];
		glob_t g;
		snprintf(pattern, sizeof(pattern), "%s/sched/*.bpf.c", scxlab__root());
		if (!glob(pattern, 0, NULL, &g)) {
			for (size_t i = 0; i < g.gl_pathc && o.nr_policies < MAX_ITEMS; i++) {
				if (strstr(g.gl_pathv[i], "scxl_faulty"))
					continue; /* the fault-injection policy belongs to `scxlab fault` */
				snprintf(globbed[o.nr_policies], sizeof(globbed[0]), "%s", g.gl_pathv[i]);
				o.policies[o.nr_policies] = globbed[o.nr_policies];
				o.nr_policies++;
			}
			globfree(&g);
		}
	}
	if (!o.nr_jobs) {
		snprintf(def_job, sizeof(def_job), "%s/workloads/jobs/default.job", scxlab__root());
		o.jobs[o.nr_jobs++] = def_job;
	}
	if (!o.nr_targets)
		o.targets[o.nr_targets++] = "sim";
	for (int t = 0; t < o.nr_targets; t++) {
		if (!kernel__target_valid(o.targets[t])) {
			fprintf(stderr, "scxlab compare: --targets: unknown target '%s' (sim, host, vm or vm@KERNEL such as "
				"vm@7.3)\n", o.targets[t]);
			return 2;
		}
	}
	for (int i = 0; i < o.nr_policies; i++)
		if (access(o.policies[i], R_OK)) {
			fprintf(stderr, "scxlab compare: policy %s: %s\n", o.policies[i], strerror(errno));
			return 2;
		}
	for (int i = 0; i < o.nr_jobs; i++)
		if (access(o.jobs[i], R_OK)) {
			fprintf(stderr, "scxlab compare: job %s: %s\n", o.jobs[i], strerror(errno));
			return 2;
		}
	if (names_collide("--policies", (const char *const *)o.policies, o.nr_policies, ".bpf.c", o.baseline) ||
	    names_collide("--jobs", (const char *const *)o.jobs, o.nr_jobs, ".job", false))
		return 2;
	/* a VM that cannot run is said once, and the other targets go on */
	for (int t = 0; t < o.nr_targets; t++) {
		const char *why = !strncmp(o.targets[t], "vm", 2) ? vm_unavailable(o.targets[t]) : NULL;
		if (why) {
			fprintf(stderr, "scxlab compare: skipping the VM target %s: %s\n", o.targets[t], why);
			if (sum.nr_skipped < 4)
				snprintf(sum.skipped[sum.nr_skipped++], sizeof(sum.skipped[0]), "%.60s: %.250s", o.targets[t], why);
			for (int k = t; k + 1 < o.nr_targets; k++)
				o.targets[k] = o.targets[k + 1];
			o.nr_targets--;
			t--;
		}
	}
	if (scxlab__mkdirs(o.out)) {
		fprintf(stderr, "scxlab compare: cannot create %s\n", o.out);
		return 2;
	}

	const char *policies[MAX_ITEMS + 1];
	int nr_pol = 0;
	if (o.baseline)
		policies[nr_pol++] = "default";
	for (int i = 0; i < o.nr_policies; i++)
		policies[nr_pol++] = o.policies[i];
	int total = 0, done = 0, ran = 0, failed = 0;
	for (int t = 0; t < o.nr_targets; t++)
		total += nr_pol * o.nr_jobs * (strcmp(o.targets[t], "sim") ? o.real_reps : o.reps);

	/* SIGINT, SIGTERM, SIGHUP: the run going on gets it too and the compare stops after it */
	proc__forward_stop_signals();
	time_t t0 = time(NULL);
	bool tty = !o.quiet && isatty(2);
	for (int t = 0; t < o.nr_targets && !proc__stop_signal(); t++) {
		const char *target = o.targets[t];
		int reps = strcmp(target, "sim") ? o.real_reps : o.reps;
		int done_before_target = done, ran_target = 0;
		time_t target_t0 = time(NULL);
		for (int j = 0; j < o.nr_jobs && !proc__stop_signal(); j++) {
			char jname[64];
			path__stem(o.jobs[j], ".job", jname, sizeof(jname));
			for (int p = 0; p < nr_pol && !proc__stop_signal(); p++) {
				char pname[64];
				path__stem(policies[p], ".bpf.c", pname, sizeof(pname));
				for (int r = 1; r <= reps && !proc__stop_signal(); r++) {
					char dir[4400], log[4500], res[4500];
					snprintf(dir, sizeof(dir), "%s/runs/%s/%s/%s/r%d", o.out, target, pname, jname, r);
					snprintf(res, sizeof(res), "%s/result.json", dir);
					snprintf(log, sizeof(log), "%s/run.log", dir);
					struct argv_buf cmd;
					char key[17];
					done++;
					run_command(&o, target, policies[p], o.jobs[j], r, dir, &cmd);
					run_key__of(&cmd, key);
					if (run_key__kept(dir, key)) {
						argv__free(&cmd);
						summary__add_run(&sum, target, pname, jname, res);
						continue; /* finished before with the same inputs: resume past it */
					}
					scxlab__mkdirs(dir);
					if (!o.quiet) {
						long el = (long)(time(NULL) - t0);
						/* estimate from the runs of this target (a VM run is ~100x a simulated one) */
						int left = 0;
						for (int tt = t; tt < o.nr_targets; tt++)
							left += nr_pol * o.nr_jobs * (strcmp(o.targets[tt], "sim") ? o.real_reps : o.reps);
						left -= done - done_before_target - 1;
						long per = ran_target ? (long)(time(NULL) - target_t0) / ran_target : 0;
						long eta = per * left;
						char eta_text[32] = "";
						if (ran_target)
							snprintf(eta_text, sizeof(eta_text), "   eta %ld s", eta);
						fprintf(stderr, "%s[%d/%d] %-4s %-14s %-12s r%d   elapsed %lds%s%s", tty ? "\r" : "",
							done, total, target, pname, jname, r, el, eta_text, tty ? "   " : "\n");
					}
					int rc = run_one(&cmd, dir, key, log);
					argv__free(&cmd);
					ran++;
					ran_target++;
					if (proc__stop_signal())
						break;
					if (rc == SCXLAB_EXIT_POLICY_FAILED) {
						/* the run finished and the policy failed: its numbers are kept, marked */
						if (summary__add_run(&sum, target, pname, jname, res))
							summary__note_policy_failed(&sum, target, pname, jname,
										    "the policy failed without a result (see the run's log)");
						fprintf(stderr, "%sscxlab compare: %s %s %s r%d: the policy failed; log: %s\n",
							tty ? "\n" : "", target, pname, jname, r, log);
					} else if (rc || summary__add_run(&sum, target, pname, jname, res)) {
						failed++;
						summary__note_failed(&sum, target, pname, jname);
						fprintf(stderr, "%sscxlab compare: %s %s %s r%d failed (exit %d); log: %s\n",
							tty ? "\n" : "", target, pname, jname, r, rc, log);
					}
				}
			}
		}
	}
	if (tty)
		fputc('\n', stderr);
	if (proc__stop_signal()) {
		fprintf(stderr, "scxlab compare: interrupted; %d finished runs are kept under %s/runs; run the "
			"same command again to resume\n", done - 1 - failed, o.out);
		summary__free(&sum);
		return 130;
	}
	summary__finish(&sum);
	if (summary__write(&sum, o.out, err, sizeof(err))) {
		fprintf(stderr, "scxlab compare: %s\n", err);
		summary__free(&sum);
		return 1;
	}
	summary__print(&sum, stdout);
	printf("\nsummary: %s/summary.json, %s/summary.csv\n", o.out, o.out);
	if (o.plots) {
		char pdir[4200];
		snprintf(pdir, sizeof(pdir), "%s/plots", o.out);
		if (plots__make(&sum, o.out, pdir, err, sizeof(err)))
			fprintf(stderr, "scxlab compare: plots: %s\n", err);
		else
			for (int p = 0; p < nr_pol; p++)
				timeline_plot(&o, policies[p], pdir);
	}
	char what[4300];
	snprintf(what, sizeof(what), "compare %s", o.out);
	if (report_html__write_dir(&sum, o.out, o.plots, what, "scxlab compare"))
		failed++;
	int policy_failures = summary__policy_failures(&sum);
	if (o.junit && compare_junit(&sum, o.junit))
		failed++;
	summary__free(&sum);
	if (policy_failures) {
		fprintf(stderr, "scxlab compare: %d of the compared groups had a failing policy (exit status 3)\n",
			policy_failures);
		return SCXLAB_EXIT_POLICY_FAILED;
	}
	return failed ? 1 : 0;
}
