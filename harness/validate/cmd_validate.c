/*
 * `scxlab validate` (see cmd_validate.h): options, the calibration, the runs
 * (validate_runner.c), then the report (validate_report.c) written as tables, data and a figure.
 */
#include "harness/validate/cmd_validate.h"
#include "harness/real/kernels.h"
#include "harness/util/paths.h"
#include "harness/util/proc.h"
#include "harness/util/sorted_values.h"
#include "harness/validate/validate_plot.h"
#include "harness/validate/validate_report.h"
#include "harness/validate/validate_runner.h"
#include "harness/validate/validate_write.h"

#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_THRESHOLDS 4

static const char *const default_jobs[] = { "smoke-3s", "default", "cpu-saturating", "pingpong", "sleep-heavy",
					    "fork-heavy", "migration-heavy" };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scxlab validate --target host|vm[@KERNEL] [--jobs J1,J2,...] [--reps N]\n"
		"                       [--policies P1,P2,...] [--calibration FILE] [--real-from DIR]\n"
		"                       [--topology SPEC] [--out DIR] [--quick] [--strict] [--quiet]\n\n"
		"The simulator against a real target, each job run N times in both worlds (default 5;\n"
		"the simulator's seeds 1..N). --target host: this machine's own scheduler (no policy)\n"
		"against the fair model, on the host's CPUs. --target vm: every project policy\n"
		"(sched/*.bpf.c but scxl_faulty, or --policies) and the baseline in the sched_ext guest\n"
		"(--topology, default 2 CPUs) against the simulator calibrated for the guest.\n"
		"Jobs are files or names of workloads/jobs/ (default: all but fault-6s).\n"
		"Without --calibration the target is calibrated first (scxlab calibrate, 2 s per\n"
		"stressor) into DIR/TARGET.cal, or taken from --real-from's DIR/TARGET.cal when there.\n"
		"--real-from DIR takes the real runs from DIR\n"
		"(JOB-real-REP/result.json, JOB-POLICY-real-REP for policies) instead of making them,\n"
		"refusing one made from other inputs. --quick: the job smoke-3s, 2 repetitions, a 1 s\n"
		"calibration (for CI).\n"
		"Writes DIR/validate.{txt,md,csv,json} and the figure DIR/validate.{png,svg,pdf}\n"
		"(default DIR results/validate) and prints validate.txt; each row says whether issue\n"
		"16's threshold holds (docs/fidelity.md).\n\n"
		"Exit status: 0 every run finished, 1 a run failed or a policy failed in one (its\n"
		"figures are kept and the policy named), 2 bad usage or\n"
		"real runs that do not match, 4 with --strict a threshold does not hold.\n");
}

/* Split a comma list in place into @items; -1 when more than @max. */
static int split(char *list, const char **items, int *n, int max)
{
	*n = 0;
	for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (*n == max)
			return -1;
		items[(*n)++] = t;
	}
	return 0;
}

/* @name as given when it is a file, else ROOT/@dir/@name@ext. -1 (said) when neither exists. */
static int resolve(const char *opt, const char *name, const char *dir, const char *ext, char *out, size_t len)
{
	if (!access(name, R_OK)) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	snprintf(out, len, "%s/%s/%s%s", scxlab__root(), dir, name, ext);
	if (!access(out, R_OK))
		return 0;
	fprintf(stderr, "scxlab validate: %s: '%s' is neither a file nor a name in %s/ (%s)\n", opt, name, dir,
		strerror(errno));
	return -1;
}

/* The project's policies: every sched/ NAME.bpf.c but the fault-injection one. */
static void project_policies(struct validate_plan *p, char (*store)[4200])
{
	char pattern[4200];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/sched/*.bpf.c", scxlab__root());
	if (glob(pattern, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc && p->nr_policies < 16; i++) {
		if (strstr(g.gl_pathv[i], "scxl_faulty"))
			continue;
		snprintf(store[p->nr_policies], 4200, "%s", g.gl_pathv[i]);
		p->policies[p->nr_policies] = store[p->nr_policies];
		p->nr_policies++;
	}
	globfree(&g);
}

/* scxlab calibrate --target T --seconds S --out @path, its output in @path.log. 0 or -1 (said). */
static int calibrate(const char *target, int seconds, const char *path)
{
	struct argv_buf a = { 0 };
	char base[16], log[4400];
	int status;

	snprintf(log, sizeof(log), "%s.log", path);
	argv__add(&a, "/proc/self/exe");
	argv__add(&a, "calibrate");
	argv__add(&a, "--target");
	argv__add(&a, kernel__target_base(target, base, sizeof(base)));
	argv__addf(&a, "--seconds=%d", seconds);
	argv__add(&a, "--out");
	argv__add(&a, path);
	int rc = proc__run_logged(&a, log, true, NULL, &status);
	argv__free(&a);
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "scxlab validate: calibrating %s failed; log: %s\n", target, log);
		return -1;
	}
	return 0;
}

/* The report's description of the real target and the load seen. */
static void describe(struct validate_report *r, struct validate_plan *p)
{
	bool vm = !strncmp(p->target, "vm", 2);

	for (int i = 0; i < r->summary->nr_groups; i++) {
		const struct group *g = &r->summary->groups[i];
		if (strcmp(g->target, p->target))
			continue;
		if (!r->kernel[0])
			snprintf(r->kernel, sizeof(r->kernel), "%s", g->kernel);
		r->emulated |= group__emulated(g);
	}
	if (!r->kernel[0] && !vm) {
		struct utsname u;
		if (!uname(&u))
			snprintf(r->kernel, sizeof(r->kernel), "%.63s", u.release);
	}
	r->cpus = atoi(p->topology);
	r->topology = p->topology;
	snprintf(r->target_text, sizeof(r->target_text), "%s: Linux %s, %s%s%s", p->target,
		 r->kernel[0] ? r->kernel : "(unknown)", p->topology, r->cpus > 0 && strspn(p->topology, "0123456789") ==
		 strlen(p->topology) ? " CPUs" : "",
		 vm ? (r->emulated ? ", TCG (emulated: both vCPUs share one host thread)" : ", KVM")
		    : ", its default scheduler (no sched_ext policy)");
	if (!p->nr_loads) {
		snprintf(r->load_text, sizeof(r->load_text), "load average not recorded%s",
			 p->real_from ? " with the reused real runs" : "");
		return;
	}
	values__sort(p->loads, (size_t)p->nr_loads);
	snprintf(r->load_text, sizeof(r->load_text), "load average before the real runs %.1f-%.1f (median %.1f)",
		 p->loads[0], p->loads[p->nr_loads - 1], p->loads[p->nr_loads / 2]);
}

int cmd_validate(int argc, char **argv)
{
	enum { O_CAL = 256, O_REAL, O_QUICK, O_STRICT, O_QUIET, O_TOPO };
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "reps", required_argument, NULL, 'r' },
		{ "policies", required_argument, NULL, 'p' },
		{ "calibration", required_argument, NULL, O_CAL },
		{ "real-from", required_argument, NULL, O_REAL },
		{ "topology", required_argument, NULL, O_TOPO },
		{ "out", required_argument, NULL, 'o' },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "strict", no_argument, NULL, O_STRICT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct validate_plan p;
	static char job_buf[4096], pol_buf[4096], jobs[32][4200], pols[16][4200], cal[4300], cpus[16];
	const char *job_args[32], *pol_args[16];
	int nr_job_args = 0, nr_pol_args = 0, reps = 0, c;
	bool quick = false, strict = false;
	char err[1024];

	memset(&p, 0, sizeof(p));
	p.out = "results/validate";
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:j:r:p:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 't': p.target = optarg; break;
		case 'j':
			snprintf(job_buf, sizeof(job_buf), "%s", optarg);
			if (split(job_buf, job_args, &nr_job_args, 32)) {
				fprintf(stderr, "scxlab validate: --jobs: at most 32 jobs\n");
				return 2;
			}
			break;
		case 'p':
			snprintf(pol_buf, sizeof(pol_buf), "%s", optarg);
			if (split(pol_buf, pol_args, &nr_pol_args, 15)) {
				fprintf(stderr, "scxlab validate: --policies: at most 15 policies\n");
				return 2;
			}
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > 64) {
				fprintf(stderr, "scxlab validate: --reps %s: from 1 to 64\n", optarg);
				return 2;
			}
			break;
		case O_CAL: p.calibration = optarg; break;
		case O_REAL: p.real_from = optarg; break;
		case O_TOPO: p.topology = optarg; break;
		case 'o': p.out = optarg; break;
		case O_QUICK: quick = true; break;
		case O_STRICT: strict = true; break;
		case O_QUIET: p.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !p.target) {
		if (!p.target)
			fprintf(stderr, "scxlab validate: give --target host or --target vm[@KERNEL]\n");
		usage(stderr);
		return 2;
	}
	bool vm = !strncmp(p.target, "vm", 2);
	if (strcmp(p.target, "host") && !(vm && kernel__target_valid(p.target))) {
		fprintf(stderr, "scxlab validate: --target %s: host, vm or vm@KERNEL (such as vm@7.3)\n", p.target);
		return 2;
	}
	if (!vm && (nr_pol_args || p.topology)) {
		fprintf(stderr, "scxlab validate: --target host runs the host's own scheduler on its own CPUs: "
			"--policies and --topology are for --target vm\n");
		return 2;
	}
	if (p.real_from && access(p.real_from, R_OK | X_OK)) {
		fprintf(stderr, "scxlab validate: --real-from %s: %s\n", p.real_from, strerror(errno));
		return 2;
	}
	if (p.calibration && access(p.calibration, R_OK)) {
		fprintf(stderr, "scxlab validate: --calibration %s: %s\n", p.calibration, strerror(errno));
		return 2;
	}
	p.reps = reps ? reps : quick ? 2 : 5;
	if (!nr_job_args) {
		nr_job_args = quick ? 1 : (int)(sizeof(default_jobs) / sizeof(default_jobs[0]));
		for (int i = 0; i < nr_job_args; i++)
			job_args[i] = default_jobs[i];
	}
	for (int i = 0; i < nr_job_args; i++) {
		if (resolve("--jobs", job_args[i], "workloads/jobs", ".job", jobs[i], sizeof(jobs[0])))
			return 2;
		p.jobs[i] = jobs[i];
		path__stem(jobs[i], ".job", p.job_names[i], sizeof(p.job_names[0]));
		for (int k = 0; k < i; k++)
			if (!strcmp(p.job_names[k], p.job_names[i])) {
				fprintf(stderr, "scxlab validate: --jobs: two jobs named '%s'\n", p.job_names[i]);
				return 2;
			}
	}
	p.nr_jobs = nr_job_args;
	p.policies[p.nr_policies++] = "default";
	if (vm && !nr_pol_args)
		project_policies(&p, pols);
	for (int i = 0; i < nr_pol_args; i++) {
		if (resolve("--policies", pol_args[i], "sched", ".bpf.c", pols[i], sizeof(pols[0])))
			return 2;
		p.policies[p.nr_policies++] = pols[i];
	}
	for (int i = 0; i < p.nr_policies; i++)
		path__stem(p.policies[i], ".bpf.c", p.policy_names[i], sizeof(p.policy_names[0]));
	if (!p.topology) {
		snprintf(cpus, sizeof(cpus), "%ld", vm ? 2L : sysconf(_SC_NPROCESSORS_ONLN));
		p.topology = cpus;
	}
	if (scxlab__mkdirs(p.out)) {
		fprintf(stderr, "scxlab validate: --out %s: cannot create it (%s)\n", p.out, strerror(errno));
		return 2;
	}
	char base[16];
	if (!p.calibration && p.real_from) {
		/* the calibration measured with the reused runs, when it was kept beside them */
		snprintf(cal, sizeof(cal), "%s/%s.cal", p.real_from, kernel__target_base(p.target, base, sizeof(base)));
		if (!access(cal, R_OK)) {
			p.calibration = cal;
			if (!p.quiet)
				fprintf(stderr, "scxlab validate: the simulator uses %s (measured with the real runs)\n", cal);
		}
	}
	if (!p.calibration) {
		snprintf(cal, sizeof(cal), "%s/%s.cal", p.out, kernel__target_base(p.target, base, sizeof(base)));
		if (!p.quiet)
			fprintf(stderr, "scxlab validate: calibrating %s into %s\n", p.target, cal);
		if (calibrate(p.target, quick ? 1 : 2, cal))
			return 1;
		p.calibration = cal;
	}

	struct summary sum = { 0 };
	int rc = validate_runner__run(&p, &sum);
	if (rc) {
		if (rc == 130)
			fprintf(stderr, "scxlab validate: interrupted; finished runs are kept in %s: run the same "
				"command again to resume\n", p.out);
		summary__free(&sum);
		return rc;
	}
	summary__finish(&sum);
	struct validate_report r = { .summary = &sum, .real = p.target, .reps = p.reps, .reused = p.real_from != NULL,
				     .nr_policies = p.nr_policies, .nr_jobs = p.nr_jobs, .runs_failed = p.failed,
				     .policy_failed = summary__policy_failures(&sum) };
	snprintf(r.calibration, sizeof(r.calibration), "%s", p.calibration);
	for (int i = 0; i < p.nr_policies; i++)
		r.policies[i] = p.policy_names[i];
	for (int i = 0; i < p.nr_jobs; i++)
		r.jobs[i] = p.job_names[i];
	describe(&r, &p);
	int out_rc = 0;
	if (validate_report__build(&r) || validate_write__all(&r, p.out, err, sizeof(err))) {
		fprintf(stderr, "scxlab validate: %s\n", r.rows ? err : "out of memory");
		out_rc = 1;
	} else {
		validate_write__tables(&r, stdout, 0);
		if (validate_plot__make(&r, p.out, err, sizeof(err)))
			fprintf(stderr, "scxlab validate: the figure: %s\n", err);
		printf("\nvalidate: %s/validate.{txt,md,csv,json}, figure %s/validate.png\n", p.out, p.out);
	}
	bool thresholds_fail = r.held < r.judged;
	out_rc |= r.policy_failed;
	validate_report__free(&r);
	summary__free(&sum);
	if (out_rc || p.failed)
		return 1;
	return strict && thresholds_fail ? EXIT_THRESHOLDS : 0;
}
