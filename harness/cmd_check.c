/*
 * `scxlab check` and `scxlab baseline` (see cmd_check.h).
 *
 * Tolerances: a metric regresses when it moves the bad way (latency up, throughput down) by
 * more than its relative tolerance: 10% on the simulator (runs are deterministic: only a
 * change of policy, model or inputs moves them), 25% on real kernels widened by the baseline's
 * own spread (max - min over its runs), since real runs are noisy. Latencies also need to move
 * by more than 1 us, so that sub-microsecond medians do not flap. --tolerance overrides per
 * metric (a name, or a prefix ending in '*').
 */
#include "harness/cmd_check.h"
#include "harness/atomic_file.h"
#include "harness/compare_summary.h"
#include "harness/paths.h"

#include <getopt.h>
#include <stdbool.h>
#include <math.h>
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

static void baseline_path(const char *name, char *out, size_t len)
{
	if (strchr(name, '/') || strstr(name, ".json"))
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%s/results/baselines/%s.json", scxlab__root(), name);
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

static void xml_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, 'b' },
		{ "tolerance", required_argument, NULL, 't' },
		{ "junit", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tolerance tol[MAX_TOL];
	struct summary cur = { 0 }, base = { 0 };
	const char *baseline = NULL, *junit = NULL;
	char cur_path[4200], base_path[4200], err[1024];
	int nr_tol = 0, c, checked = 0, regressed = 0, missing = 0;
	FILE *xml = NULL;
	char *cases = NULL;
	size_t cases_len = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:t:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': baseline = optarg; break;
		case 't': {
			char *eq = strchr(optarg, '=');
			if (!eq || nr_tol == MAX_TOL || eq - optarg >= 64) {
				fprintf(stderr, "scxlab check: --tolerance %s: expected METRIC=PERCENT\n", optarg);
				return 2;
			}
			snprintf(tol[nr_tol].pattern, sizeof(tol[0].pattern), "%.*s", (int)(eq - optarg), optarg);
			tol[nr_tol++].pct = atof(eq + 1);
			break;
		}
		case 'j': junit = optarg; break;
		case 'h':
			printf("usage: scxlab check RUN_DIR|COMPARE_DIR|FILE --baseline NAME|FILE [--tolerance METRIC=PCT]...\n"
			       "                    [--junit FILE]\n\n"
			       "Compare against results/baselines/NAME.json (or FILE). Exit 1 when a metric regressed\n"
			       "or a baselined group is missing. Defaults: 10%% on the simulator, 25%% plus the\n"
			       "baseline's spread on real kernels; latencies must also move by more than 1 us.\n");
			return 0;
		default: return 2;
		}
	}
	if (optind != argc - 1 || !baseline) {
		fprintf(stderr, "usage: scxlab check RUN_DIR|COMPARE_DIR|FILE --baseline NAME|FILE (see --help)\n");
		return 2;
	}
	input_path(argv[optind], cur_path, sizeof(cur_path));
	baseline_path(baseline, base_path, sizeof(base_path));
	if (summary__load(&cur, cur_path, err, sizeof(err)) || summary__load(&base, base_path, err, sizeof(err))) {
		fprintf(stderr, "scxlab check: %s\n", err);
		summary__free(&cur);
		summary__free(&base);
		return 2;
	}
	FILE *cs = open_memstream(&cases, &cases_len);
	for (int i = 0; i < base.nr_groups; i++) {
		const struct group *b = &base.groups[i];
		const struct group *g = summary__find(&cur, b->target, b->policy, b->job);
		char cls[200];
		snprintf(cls, sizeof(cls), "%s.%s.%s", b->target, b->policy, b->job);
		if (!g || !g->runs) {
			missing++;
			printf("MISSING   %-4s %-14s %-12s not in %s\n", b->target, b->policy, b->job, cur_path);
			if (cs)
				fprintf(cs, "    <testcase classname=\"%s\" name=\"present\"><failure message=\"not run\"/></testcase>\n", cls);
			continue;
		}
		for (int k = 0; k < b->nr_metrics; k++) {
			const struct metric *bm = &b->metrics[k];
			const struct metric *m = group__metric(g, bm->name);
			enum metric_sense sense = metric__sense(bm->name);
			if (sense == SENSE_NEUTRAL || !m)
				continue;
			double pct = tolerance_for(bm->name, b->target, tol, nr_tol);
			double spread = strcmp(b->target, "sim") ? bm->max - bm->min : 0;
			double worse = sense == SENSE_LOWER_BETTER ? m->median - bm->median : bm->median - m->median;
			double allowed = fabs(bm->median) * pct / 100.0 + spread;
			bool is_latency = sense == SENSE_LOWER_BETTER;
			bool bad = worse > allowed && (!is_latency || worse > LATENCY_FLOOR_NS);
			double change = bm->median ? 100.0 * (m->median - bm->median) / fabs(bm->median) : 0;
			checked++;
			if (bad) {
				regressed++;
				printf("REGRESSED %-4s %-14s %-12s %-22s %14.1f -> %14.1f (%+.1f%%, allowed %.0f%%%s)\n", b->target,
				       b->policy, b->job, bm->name, bm->median, m->median, change, pct,
				       spread ? " + spread" : "");
			}
			if (cs) {
				fprintf(cs, "    <testcase classname=\"%s\" name=\"%s\">", cls, bm->name);
				if (bad) {
					char msg[256];
					snprintf(msg, sizeof(msg), "%s regressed: %.6g -> %.6g (%+.1f%%, allowed %.0f%%)", bm->name,
						 bm->median, m->median, change, pct);
					fprintf(cs, "<failure message=\"");
					xml_escape(cs, msg);
					fprintf(cs, "\"/>");
				}
				fprintf(cs, "</testcase>\n");
			}
		}
	}
	if (cs)
		fclose(cs);
	printf("%s: %d metrics checked against %s, %d regressed, %d groups missing\n",
	       regressed || missing ? "FAILED" : "PASSED", checked, base_path, regressed, missing);
	if (junit) {
		char tmp[4200];
		xml = atomic_file__open(junit, tmp, sizeof(tmp));
		if (xml) {
			fprintf(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"scxlab check\" "
				"tests=\"%d\" failures=\"%d\">\n%s  </testsuite>\n</testsuites>\n", checked + missing,
				regressed + missing, cases ? cases : "");
			if (atomic_file__commit(xml, tmp, junit))
				fprintf(stderr, "scxlab check: cannot write %s\n", junit);
		} else {
			fprintf(stderr, "scxlab check: cannot write %s\n", junit);
		}
	}
	free(cases);
	summary__free(&cur);
	summary__free(&base);
	return regressed || missing ? 1 : 0;
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
			       "Record its metrics as results/baselines/NAME.json (or FILE.json) for\n"
			       "`scxlab check --baseline NAME`.\n");
			return 0;
		} else if (argv[i][0] != '-' && !in[0])
			snprintf(in, sizeof(in), "%s", argv[i]);
		else {
			fprintf(stderr, "scxlab baseline: unexpected '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	if (!in[0] || !name) {
		fprintf(stderr, "usage: scxlab baseline RUN_DIR|COMPARE_DIR|FILE --name NAME\n");
		return 2;
	}
	input_path(in, dir, sizeof(dir));
	if (summary__load(&s, dir, err, sizeof(err))) {
		fprintf(stderr, "scxlab baseline: %s\n", err);
		return 2;
	}
	baseline_path(name, out, sizeof(out));
	snprintf(dir, sizeof(dir), "%s", out);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	if (scxlab__mkdirs(dir) || summary__write_json(&s, out)) {
		fprintf(stderr, "scxlab baseline: cannot write %s\n", out);
		summary__free(&s);
		return 1;
	}
	printf("baseline: %s (%d groups)\n", out, s.nr_groups);
	summary__free(&s);
	return 0;
}
