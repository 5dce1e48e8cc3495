/*
 * `scxlab check` and `scxlab baseline` (see cmd_check.h).
 *
 * Tolerances: a metric regresses when it moves the bad way (latency up, throughput down) by
 * more than its relative tolerance: 10% on the simulator (runs are deterministic: only a
 * change of policy, model or inputs moves them), 25% on real kernels widened by the baseline's
 * own spread (max - min over its runs), since real runs are noisy. Latencies also need to move
 * by more than 1 us, so that sub-microsecond medians do not flap. --tolerance overrides per
 * metric (a name, or a prefix ending in '*').
 *
 * What cannot pass: a baselined group or metric missing from the current results, a current
 * group whose policy failed (exit 3), and results made from other inputs than the baseline's
 * (duration, topology, workload, calibration, seeds, policy source and knobs, scxlab version:
 * exit 2, naming them, unless --allow-different-inputs).
 */
#include "harness/cli/cmd_check.h"
#include "harness/results/compare_summary.h"
#include "harness/report/junit.h"
#include "harness/util/paths.h"
#include "harness/results/verdict.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TOL 32
#define SIM_TOL_PCT 10.0
#define REAL_TOL_PCT 25.0
#define LATENCY_FLOOR_NS 1000.0

struct tolerance {
	char pattern[64];
	double pct;
};

/* DIR -> DIR/summary.json or DIR/result.json; a file stays itself. */
static void input_path(const char *arg, char *out, size_t len)
{
	struct stat st;

	if (!stat(arg, &st) && S_ISDIR(st.st_mode)) {
		snprintf(out, len, "%s/summary.json", arg);
		if (access(out, R_OK))
			snprintf(out, len, "%s/result.json", arg);
		return;
	}
	snprintf(out, len, "%s", arg);
}

/*
 * A baseline NAME is results/baselines/NAME.json under the working directory; a path ending in
 * .json is itself. A name is letters, digits, '.', '_' and '-' (so it cannot leave that folder).
 */
static int baseline_path(const char *name, char *out, size_t len, char *err, size_t errlen)
{
	if (strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".json")) {
		snprintf(out, len, "%s", name);
		return 0;
	}
	if (!name[0] || name[0] == '.' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(name)) {
		snprintf(err, errlen, "baseline name '%s': use letters, digits, '.', '_' and '-' (or give a path to a .json file)",
			 name);
		return -1;
	}
	snprintf(out, len, "results/baselines/%s.json", name);
	return 0;
}

/* The metric names a summary holds (ops_per_s.STRESSOR for any stressor). */
static bool known_metric(const char *pattern)
{
	static const char *const names[] = {
		"wakeup_p50_ns", "wakeup_p99_ns", "wakeup_max_ns", "preempt_p99_ns", "run_delay_mean_ns",
		"context_switches", "migrations", "utilization",
	};
	size_t l = strlen(pattern);

	if (l && pattern[l - 1] == '*')
		return true; /* a prefix: may match none, which is no error */
	if (!strncmp(pattern, "ops_per_s.", 10) && pattern[10])
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], pattern))
			return true;
	return false;
}

static int parse_tolerance(const char *arg, struct tolerance *t, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char *end;

	if (!eq || eq == arg || eq - arg >= (long)sizeof(t->pattern)) {
		snprintf(err, errlen, "--tolerance %s: expected METRIC=PERCENT (e.g. wakeup_p99_ns=20)", arg);
		return -1;
	}
	snprintf(t->pattern, sizeof(t->pattern), "%.*s", (int)(eq - arg), arg);
	if (!known_metric(t->pattern)) {
		snprintf(err, errlen, "--tolerance %.64s: unknown metric '%.63s' (wakeup_p50_ns, wakeup_p99_ns, wakeup_max_ns, "
			 "preempt_p99_ns, run_delay_mean_ns, context_switches, migrations, utilization, ops_per_s.STRESSOR, "
			 "or a prefix ending in '*')", arg, t->pattern);
		return -1;
	}
	errno = 0;
	t->pct = strtod(eq + 1, &end);
	if (end == eq + 1 || *end || errno || !isfinite(t->pct) || t->pct < 0 || t->pct > 10000) {
		snprintf(err, errlen, "--tolerance %s: the percentage must be a number from 0 to 10000", arg);
		return -1;
	}
	return 0;
}

static double tolerance_for(const char *metric, const char *target, const struct tolerance *t, int n)
{
	for (int i = 0; i < n; i++) {
		size_t l = strlen(t[i].pattern);
		if (!strcmp(t[i].pattern, metric) || (l && t[i].pattern[l - 1] == '*' && !strncmp(t[i].pattern, metric, l - 1)))
			return t[i].pct;
	}
	return strcmp(target, "sim") ? REAL_TOL_PCT : SIM_TOL_PCT;
}

/* Inputs recorded in @b that @g lacks or holds otherwise; printed. Their number. */
static int differing_inputs(const struct group *b, const struct group *g)
{
	int n = 0;

	for (int i = 0; i < b->nr_inputs; i++) {
		const char *mine = group__input(g, b->inputs[i].name);
		if (mine && !strcmp(mine, b->inputs[i].value))
			continue;
		printf("INPUTS    %-4s %-14s %-12s %-12s baseline %s, here %s\n", b->target, b->policy, b->job,
		       b->inputs[i].name, b->inputs[i].value, mine ? mine : "(not recorded)");
		n++;
	}
	return n;
}

struct check_counts {
	int checked, regressed, missing, policy_failed, inputs_differ;
};

static void check_group(const struct group *b, const struct group *g, const struct tolerance *tol, int nr_tol,
			struct junit_report *jr, struct check_counts *n, const char *cur_path)
{
	char cls[256];
	struct junit_case *c;

	snprintf(cls, sizeof(cls), "check.%s.%s.%s", b->target, b->policy, b->job);
	if (!g || !g->runs) {
		n->missing++;
		printf("MISSING   %-4s %-14s %-12s not in %s\n", b->target, b->policy, b->job, cur_path);
		if ((c = junit__add(jr, cls, "present"))) {
			c->outcome = JUNIT_FAILED;
			snprintf(c->type, sizeof(c->type), "missing");
			snprintf(c->message, sizeof(c->message), "%s/%s/%s is not in %.200s", b->target, b->policy, b->job, cur_path);
		}
		return;
	}
	if ((c = junit__add(jr, cls, "policy"))) {
		if (g->policy_failed) {
			c->outcome = JUNIT_FAILED;
			snprintf(c->type, sizeof(c->type), "policy-failed");
			snprintf(c->message, sizeof(c->message), "%d of %d runs: %s", g->policy_failed, g->runs, g->failure);
		}
	}
	if (g->policy_failed) {
		n->policy_failed++;
		printf("FAILED    %-4s %-14s %-12s the policy failed: %s\n", g->target, g->policy, g->job, g->failure);
	}
	for (int k = 0; k < b->nr_metrics; k++) {
		const struct metric *bm = &b->metrics[k];
		const struct metric *m = group__metric(g, bm->name);
		enum metric_sense sense = metric__sense(bm->name);

		if (sense == SENSE_NEUTRAL)
			continue;
		n->checked++;
		c = junit__add(jr, cls, bm->name);
		if (!m || !m->n) {
			n->missing++;
			printf("MISSING   %-4s %-14s %-12s %-22s not measured in %s\n", b->target, b->policy, b->job, bm->name,
			       cur_path);
			if (c) {
				c->outcome = JUNIT_FAILED;
				snprintf(c->type, sizeof(c->type), "missing");
				snprintf(c->message, sizeof(c->message), "%s is not in the current results", bm->name);
			}
			continue;
		}
		double pct = tolerance_for(bm->name, b->target, tol, nr_tol);
		double spread = strcmp(b->target, "sim") ? bm->max - bm->min : 0;
		double worse = sense == SENSE_LOWER_BETTER ? m->median - bm->median : bm->median - m->median;
		double allowed = fabs(bm->median) * pct / 100.0 + spread;
		bool is_latency = sense == SENSE_LOWER_BETTER;
		bool bad = worse > allowed && (!is_latency || worse > LATENCY_FLOOR_NS);
		double change = bm->median ? 100.0 * (m->median - bm->median) / fabs(bm->median) : 0;
		if (!bad)
			continue;
		n->regressed++;
		printf("REGRESSED %-4s %-14s %-12s %-22s %14.1f -> %14.1f (%+.1f%%, allowed %.0f%%%s)\n", b->target, b->policy,
		       b->job, bm->name, bm->median, m->median, change, pct, spread ? " + spread" : "");
		if (c) {
			c->outcome = JUNIT_FAILED;
			snprintf(c->type, sizeof(c->type), "regression");
			snprintf(c->message, sizeof(c->message), "%s regressed: %.1f -> %.1f (%+.1f%%, allowed %.0f%%)", bm->name,
				 bm->median, m->median, change, pct);
		}
	}
}

static void check_usage(FILE *f)
{
	fprintf(f, "usage: scxlab check RUN_DIR|COMPARE_DIR|FILE --baseline NAME|FILE [--tolerance METRIC=PCT]...\n"
		   "                    [--junit FILE] [--allow-different-inputs]\n\n"
		   "Compare against results/baselines/NAME.json (or FILE). Defaults: 10%% on the simulator, 25%%\n"
		   "plus the baseline's spread on real kernels; latencies must also move by more than 1 us.\n"
		   "Results made from other inputs than the baseline's are refused, naming them.\n\n"
		   "Exit status: 0 passed, 1 a metric regressed or is missing, 2 bad usage or input (also:\n"
		   "inputs differ), 3 a policy failed in the current results.\n");
}

int cmd_check(int argc, char **argv)
{
	enum { O_ALLOW_INPUTS = 256 };
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "junit", required_argument, NULL, 'j' },
		{ "allow-different-inputs", no_argument, NULL, O_ALLOW_INPUTS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tolerance tol[MAX_TOL];
	struct summary cur = { 0 }, base = { 0 };
	struct junit_report jr = { .suite = "scxlab check" };
	struct check_counts n = { 0 };
	const char *baseline = NULL, *junit = NULL;
	char cur_path[4200], base_path[4200], err[1024];
	bool allow_inputs = false;
	int nr_tol = 0, c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:t:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': baseline = optarg; break;
		case 't':
			if (nr_tol == MAX_TOL) {
				fprintf(stderr, "scxlab check: --tolerance: at most %d\n", MAX_TOL);
				return SCXLAB_EXIT_USAGE;
			}
			if (parse_tolerance(optarg, &tol[nr_tol], err, sizeof(err))) {
				fprintf(stderr, "scxlab check: %s\n", err);
				return SCXLAB_EXIT_USAGE;
			}
			nr_tol++;
			break;
		case 'j': junit = optarg; break;
		case O_ALLOW_INPUTS: allow_inputs = true; break;
		case 'h': check_usage(stdout); return 0;
		default: check_usage(stderr); return SCXLAB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !baseline) {
		fprintf(stderr, "usage: scxlab check RUN_DIR|COMPARE_DIR|FILE --baseline NAME|FILE (see --help)\n");
		return SCXLAB_EXIT_USAGE;
	}
	input_path(argv[optind], cur_path, sizeof(cur_path));
	if (baseline_path(baseline, base_path, sizeof(base_path), err, sizeof(err)) ||
	    summary__load(&cur, cur_path, err, sizeof(err)) || summary__load(&base, base_path, err, sizeof(err))) {
		fprintf(stderr, "scxlab check: %s\n", err);
		summary__free(&cur);
		summary__free(&base);
		return SCXLAB_EXIT_USAGE;
	}
	for (int i = 0; i < base.nr_groups; i++) {
		const struct group *b = &base.groups[i];
		const struct group *g = summary__find(&cur, b->target, b->policy, b->job);
		if (g && g->runs)
			n.inputs_differ += differing_inputs(b, g);
	}
	if (n.inputs_differ && !allow_inputs) {
		fprintf(stderr, "scxlab check: %s was made from other inputs than the baseline %s (%d differ, listed above); "
			"rerun with the baseline's inputs, record a new baseline, or pass --allow-different-inputs\n",
			cur_path, base_path, n.inputs_differ);
		summary__free(&cur);
		summary__free(&base);
		return SCXLAB_EXIT_USAGE;
	}
	for (int i = 0; i < base.nr_groups; i++) {
		const struct group *b = &base.groups[i];
		check_group(b, summary__find(&cur, b->target, b->policy, b->job), tol, nr_tol, &jr, &n, cur_path);
	}
	bool failed = n.regressed || n.missing || n.policy_failed;
	printf("%s: %d metrics checked against %s, %d regressed, %d missing, %d groups with a failing policy%s\n",
	       failed ? "FAILED" : "PASSED", n.checked, base_path, n.regressed, n.missing, n.policy_failed,
	       n.inputs_differ ? " (inputs differ: allowed)" : "");
	ret = n.policy_failed ? SCXLAB_EXIT_POLICY_FAILED : failed ? SCXLAB_EXIT_CHECK_FAILED : SCXLAB_EXIT_OK;
	if (junit && junit__write(&jr, junit, err, sizeof(err))) {
		fprintf(stderr, "scxlab check: --junit %s\n", err);
		ret = SCXLAB_EXIT_USAGE;
	}
	junit__free(&jr);
	summary__free(&cur);
	summary__free(&base);
	return ret;
}

int cmd_baseline(int argc, char **argv)
{
	struct summary s = { 0 };
	char in[4200] = "", out[4200], dir[4200], err[1024];
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--help")) {
			printf("usage: scxlab baseline RUN_DIR|COMPARE_DIR|FILE --name NAME|FILE.json\n\n"
			       "Record its metrics and the inputs they were made from as\n"
			       "results/baselines/NAME.json under the working directory (or FILE.json) for\n"
			       "`scxlab check --baseline NAME`. Results whose policy failed are refused.\n");
			return 0;
		} else if (argv[i][0] != '-' && !in[0])
			snprintf(in, sizeof(in), "%s", argv[i]);
		else {
			fprintf(stderr, "scxlab baseline: unexpected '%s' (see --help)\n", argv[i]);
			return SCXLAB_EXIT_USAGE;
		}
	}
	if (!in[0] || !name) {
		fprintf(stderr, "usage: scxlab baseline RUN_DIR|COMPARE_DIR|FILE --name NAME\n");
		return SCXLAB_EXIT_USAGE;
	}
	input_path(in, dir, sizeof(dir));
	if (baseline_path(name, out, sizeof(out), err, sizeof(err)) || summary__load(&s, dir, err, sizeof(err))) {
		fprintf(stderr, "scxlab baseline: %s\n", err);
		summary__free(&s);
		return SCXLAB_EXIT_USAGE;
	}
	for (int i = 0; i < s.nr_groups; i++) {
		if (s.groups[i].policy_failed) {
			fprintf(stderr, "scxlab baseline: %s: %s/%s/%s: the policy failed (%s); a baseline must be a good run\n",
				dir, s.groups[i].target, s.groups[i].policy, s.groups[i].job, s.groups[i].failure);
			summary__free(&s);
			return SCXLAB_EXIT_POLICY_FAILED;
		}
	}
	snprintf(dir, sizeof(dir), "%s", out);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	if (scxlab__mkdirs(dir)) {
		fprintf(stderr, "scxlab baseline: cannot create %s\n", dir);
		summary__free(&s);
		return 1;
	}
	if (summary__write_json(&s, out, err, sizeof(err))) {
		fprintf(stderr, "scxlab baseline: %s\n", err);
		summary__free(&s);
		return 1;
	}
	printf("baseline: %s (%d groups)\n", out, s.nr_groups);
	summary__free(&s);
	return 0;
}
