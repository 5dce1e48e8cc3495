/*
 * Making and reusing `scxlab validate`'s runs (see validate_runner.h).
 */
#include "harness/validate/validate_runner.h"
#include "harness/real/kernels.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/results/run_key.h"
#include "harness/validate/validate_runs.h"
#include "harness/results/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void validate_runner__dir(const struct validate_plan *p, const char *dir, int job, int policy, const char *world,
			  int rep, char *out, size_t len)
{
	/* the baseline's runs are JOB-real-N (the layout of the runs in docs/fidelity.md) */
	if (!strcmp(p->policies[policy], "default"))
		snprintf(out, len, "%s/%s-%s-%d", dir, p->job_names[job], world, rep);
	else
		snprintf(out, len, "%s/%s-%s-%s-%d", dir, p->job_names[job], p->policy_names[policy], world, rep);
}

/* The `scxlab run` of one run into @dir. */
static void run_command(const struct validate_plan *p, int job, int policy, bool sim, int rep, const char *dir,
			struct argv_buf *a)
{
	const char *src = p->policies[policy];
	char daemon[4200];

	memset(a, 0, sizeof(*a));
	argv__add(a, "/proc/self/exe");
	argv__add(a, "run");
	argv__add(a, "--job");
	argv__add(a, p->jobs[job]);
	argv__add(a, "--topology");
	argv__add(a, p->topology);
	if (sim) {
		argv__addf(a, "--seed=%d", rep);
		argv__add(a, "--calibration");
		argv__add(a, p->calibration);
	} else {
		kernel__add_target_args(a, p->target, NULL);
	}
	if (strcmp(src, "default")) {
		argv__add(a, "--policy");
		argv__add(a, src);
		size_t n = strlen(src);
		/* a policy's own user-space daemon, NAME.daemon.c beside NAME.bpf.c, runs beside it */
		if (path__ends_with(src, ".bpf.c") && n < sizeof(daemon) - 16) {
			snprintf(daemon, sizeof(daemon), "%.*s.daemon.c", (int)(n - 6), src);
			if (!access(daemon, R_OK)) {
				argv__add(a, "--daemon");
				argv__add(a, daemon);
			}
		}
	}
	argv__add(a, "--quiet");
	argv__add(a, "--out");
	argv__add(a, dir);
}

/* The number @path starts with (a 1-minute load average), or -1. */
static double first_number_of(const char *path)
{
	FILE *f = fopen(path, "r");
	double v = -1;

	if (f) {
		if (fscanf(f, "%lf", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static double loadavg_now(void)
{
	return first_number_of("/proc/loadavg");
}

/* The load average recorded beside a real run (DIR/loadavg), or -1. */
static double loadavg_of(const char *dir)
{
	char path[4500];

	snprintf(path, sizeof(path), "%s/loadavg", dir);
	return first_number_of(path);
}

/* Run (or keep) one run into @dir: 0 finished, 1 failed (said). */
static int one_run(struct validate_plan *p, int job, int policy, bool sim, int rep, const char *dir)
{
	struct argv_buf a;
	char key[17], log[4500], res[4500];
	int status, rc = 1;

	run_command(p, job, policy, sim, rep, dir, &a);
	run_key__of(&a, key);
	snprintf(res, sizeof(res), "%s/result.json", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	if (run_key__kept(dir, key)) {
		argv__free(&a);
		return 0;
	}
	run_key__forget(dir);
	scxlab__mkdirs(dir);
	if (!sim) {
		char path[4500], text[32];
		double l = loadavg_now();
		snprintf(path, sizeof(path), "%s/loadavg", dir);
		snprintf(text, sizeof(text), "%.2f\n", l);
		FILE *f = fopen(path, "w");
		if (f) {
			fputs(text, f);
			fclose(f);
		}
	}
	if (!proc__run_logged(&a, log, true, NULL, &status) && WIFEXITED(status) &&
	    (!WEXITSTATUS(status) || WEXITSTATUS(status) == SCXLAB_EXIT_POLICY_FAILED)) {
		/* a run whose policy failed is finished: its figures are kept, and the group says so */
		run_key__record(dir, key);
		rc = 0;
		if (WEXITSTATUS(status))
			fprintf(stderr, "%sscxlab validate: %s: the policy failed; log: %s\n", isatty(2) ? "\n" : "", dir, log);
	} else if (!proc__stop_signal()) {
		fprintf(stderr, "scxlab validate: %s: the run failed; log: %s\n", dir, log);
	}
	argv__free(&a);
	return rc;
}

static void progress(const struct validate_plan *p, int done, int total, const char *what, time_t t0)
{
	if (p->quiet)
		return;
	bool tty = isatty(2);
	fprintf(stderr, "%s[%d/%d] %-48s elapsed %lds%s", tty ? "\r" : "", done, total, what, (long)(time(NULL) - t0),
		tty ? "   " : "\n");
}

/* The real run of (job, policy, rep): made, or taken from --real-from after the check. */
static int real_run(struct validate_plan *p, struct summary *s, int j, int q, int r, const char *sim_dir)
{
	char dir[4400], res[4500], sim_res[4500], why[2048], base[16];

	snprintf(sim_res, sizeof(sim_res), "%s/result.json", sim_dir);
	validate_runner__dir(p, p->real_from ? p->real_from : p->out, j, q, "real", r, dir, sizeof(dir));
	if (!p->real_from && one_run(p, j, q, false, r, dir)) {
		p->failed++;
		summary__note_failed(s, p->target, p->policy_names[q], p->job_names[j]);
		return 0;
	}
	snprintf(res, sizeof(res), "%s/result.json", dir);
	if (p->real_from && access(res, F_OK)) {
		/* a run the real side never finished: missing from the figures, as a failed run */
		fprintf(stderr, "%sscxlab validate: --real-from %s: %s is not there\n", isatty(2) ? "\n" : "", p->real_from,
			res);
		p->failed++;
		summary__note_failed(s, p->target, p->policy_names[q], p->job_names[j]);
		return 0;
	}
	if (p->real_from && !access(sim_res, R_OK) && validate_runs__match(res, sim_res, kernel__target_base(p->target, base, sizeof(base)), why,
						 sizeof(why))) {
		fprintf(stderr, "%sscxlab validate: --real-from %s: %s\n", isatty(2) ? "\n" : "", p->real_from, why);
		return 2;
	}
	double l = loadavg_of(dir);
	if (l >= 0 && p->nr_loads < (int)(sizeof(p->loads) / sizeof(p->loads[0])))
		p->loads[p->nr_loads++] = l;
	if (validate_runs__add(s, p->target, p->policy_names[q], p->job_names[j], res)) {
		fprintf(stderr, "scxlab validate: %s: no whole result\n", res);
		p->failed++;
		summary__note_failed(s, p->target, p->policy_names[q], p->job_names[j]);
	}
	return 0;
}

int validate_runner__run(struct validate_plan *p, struct summary *s)
{
	int total = p->nr_jobs * p->nr_policies * p->reps * (p->real_from ? 1 : 2), done = 0;
	time_t t0 = time(NULL);

	proc__forward_stop_signals();
	for (int j = 0; j < p->nr_jobs; j++)
		for (int q = 0; q < p->nr_policies; q++)
			for (int r = 1; r <= p->reps; r++) {
				char dir[4400], res[4500], what[256];
				snprintf(what, sizeof(what), "%s %s sim r%d", p->job_names[j], p->policy_names[q], r);
				progress(p, ++done, total, what, t0);
				validate_runner__dir(p, p->out, j, q, "sim", r, dir, sizeof(dir));
				snprintf(res, sizeof(res), "%s/result.json", dir);
				if (one_run(p, j, q, true, r, dir) ||
				    validate_runs__add(s, "sim", p->policy_names[q], p->job_names[j], res)) {
					p->failed++;
					summary__note_failed(s, "sim", p->policy_names[q], p->job_names[j]);
				}
				if (proc__stop_signal())
					return 130;
				if (!p->real_from) {
					snprintf(what, sizeof(what), "%s %s %s r%d", p->job_names[j], p->policy_names[q],
						 p->target, r);
					progress(p, ++done, total, what, t0);
				}
				int rc = real_run(p, s, j, q, r, dir);
				if (rc)
					return rc;
				if (proc__stop_signal())
					return 130;
			}
	if (!p->quiet && isatty(2))
		fputc('\n', stderr);
	return 0;
}
