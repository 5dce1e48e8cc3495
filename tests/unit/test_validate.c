/*
 * `scxlab validate`: Kendall's tau-b against values worked out by hand (ties included); real
 * runs reused with --real-from are refused when they were made from other inputs, and when
 * they are the simulator's own runs every error is 0 and every threshold holds; the quick
 * version against the host runs and writes tables that agree with its runs' result.json.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/results/compare_summary.h"
#include "harness/results/result_read.h"
#include "harness/validate/validate_report.h"
#include "harness/validate/validate_stats.h"
#include "test_helpers.h"

Test(validate, kendall_tau_b_matches_hand_computed_values)
{
	/* 10 pairs: concordant (1,2) (1,5) (2,5) (3,4) (3,5) (4,5), discordant (1,3) (1,4) (2,3) (2,4) */
	double x[] = { 1, 2, 3, 4, 5 }, y[] = { 3, 4, 1, 2, 5 };
	cr_assert_float_eq(kendall__tau_b(x, y, 5), 0.2, 1e-12);
	/* 6 pairs: 3 concordant, 1 discordant, 1 tied in x only, 1 tied in y only: 2 / sqrt(5 * 5) */
	double tx[] = { 1, 2, 2, 3 }, ty[] = { 1, 3, 2, 2 };
	cr_assert_float_eq(kendall__tau_b(tx, ty, 4), 0.4, 1e-12);
	double same[] = { 5, 1, 3 }, scaled[] = { 50, 10, 30 }, reversed[] = { 1, 5, 3 };
	cr_assert_float_eq(kendall__tau_b(same, scaled, 3), 1.0, 1e-12);
	cr_assert_float_eq(kendall__tau_b(same, reversed, 3), -1.0, 1e-12);
	/* undefined: every y tied, a single item, a missing value */
	double flat[] = { 7, 7, 7 }, nan[] = { 1, NAN, 3 };
	cr_assert(isnan(kendall__tau_b(same, flat, 3)));
	cr_assert(isnan(kendall__tau_b(same, same, 1)));
	cr_assert(isnan(kendall__tau_b(same, nan, 3)));
}

Test(validate, rank_orders_best_first_and_keeps_ties_in_order)
{
	double v[] = { 3, 9, 3, 1 };
	int order[4];
	validate__rank(v, 4, true, order);
	cr_assert(order[0] == 1 && order[1] == 0 && order[2] == 2 && order[3] == 3, "%d %d %d %d", order[0], order[1],
		  order[2], order[3]);
	validate__rank(v, 4, false, order);
	cr_assert(order[0] == 3 && order[1] == 0 && order[2] == 2 && order[3] == 1, "%d %d %d %d", order[0], order[1],
		  order[2], order[3]);
}

static const char *ncpus(void)
{
	static char text[16];
	snprintf(text, sizeof(text), "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	return text;
}

/* A simulator run of smoke-3s into @dir, relabelled as made on @target (as a real run would be). */
static void fake_real_run(const char *dir, int seed, const char *target)
{
	char log[700], seed_text[16], path[700];
	snprintf(log, sizeof(log), "%s.log", dir);
	snprintf(seed_text, sizeof(seed_text), "%d", seed);
	cr_assert_eq(th_scxlab(log, "run", "--job", th_src_path("workloads/jobs/smoke-3s.job"), "--topology", ncpus(),
			       "--seed", seed_text, "--calibration", th_src_path("workloads/calibration/reference-host.cal"),
			       "--quiet", "--out", dir, NULL), 0);
	snprintf(path, sizeof(path), "%s/result.json", dir);
	char *doc = th_read_file(path, NULL);
	cr_assert_not_null(doc);
	char *at = strstr(doc, "\"target\": \"sim\"");
	cr_assert_not_null(at);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "%.*s\"target\": \"%s\"%s", (int)(at - doc), doc, target, at + strlen("\"target\": \"sim\""));
	fclose(f);
	free(doc);
}

static int validate_from(const char *real_from, const char *out, const char *log)
{
	return th_scxlab(log, "validate", "--target", "host", "--quick", "--calibration",
			 th_src_path("workloads/calibration/reference-host.cal"), "--real-from", real_from, "--out", out,
			 "--quiet", NULL);
}

Test(validate, real_from_refuses_runs_made_from_other_inputs, .timeout = 120)
{
	char from[600], dir[700], out[600], log[600];
	snprintf(from, sizeof(from), "%s/from", th_tmpdir());
	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(log, sizeof(log), "%s/validate.log", th_tmpdir());
	/* a simulator run is not a host run */
	snprintf(dir, sizeof(dir), "%s/smoke-3s-real-1", from);
	fake_real_run(dir, 1, "sim");
	cr_assert_eq(validate_from(from, out, log), 2);
	char *said = th_read_file(log, NULL);
	cr_assert(said && strstr(said, "smoke-3s-real-1/result.json: made on target 'sim', not host"), "%s", said);
	free(said);
	/* a host run of another job: the stressors differ */
	fake_real_run(dir, 1, "host");
	char job[700];
	snprintf(job, sizeof(job), "%s/other.job", th_tmpdir());
	FILE *f = fopen(job, "w");
	cr_assert_not_null(f);
	fprintf(f, "run parallel\ntimeout 3s\nmetrics-brief\ncpu 1\n");
	fclose(f);
	snprintf(dir, sizeof(dir), "%s/other-real-1", from);
	fake_real_run(dir, 1, "host");
	cr_assert_eq(th_scxlab(log, "validate", "--target", "host", "--quick", "--jobs", job, "--calibration",
			       th_src_path("workloads/calibration/reference-host.cal"), "--real-from", from, "--out", out,
			       "--quiet", NULL), 2);
	said = th_read_file(log, NULL);
	cr_assert(said && strstr(said, "other-real-1/result.json: made from the stressors [cpu x 1, switch x 1, "
				       "nanosleep x 1], the job now has [cpu x 1]"), "%s", said);
	free(said);
}

/* The CSV line of (stressor, metric, world) of validate.csv, or NULL. */
static const char *csv_line(const char *csv, const char *stressor, const char *metric, const char *world)
{
	char needle[256];
	snprintf(needle, sizeof(needle), "\nsmoke-3s,default,%s,%s,%s,", stressor, metric, world);
	const char *at = strstr(csv, needle);
	return at ? at + strlen(needle) : NULL;
}

Test(validate, the_simulators_own_runs_as_real_ones_give_no_error, .timeout = 120)
{
	char from[600], dir[700], out[600], log[600], path[700];
	snprintf(from, sizeof(from), "%s/from", th_tmpdir());
	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(log, sizeof(log), "%s/validate.log", th_tmpdir());
	for (int r = 1; r <= 2; r++) {
		snprintf(dir, sizeof(dir), "%s/smoke-3s-real-%d", from, r);
		fake_real_run(dir, r, "host");
	}
	int rc = validate_from(from, out, log);
	char *said = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "%s", said);
	free(said);
	snprintf(path, sizeof(path), "%s/validate.json", out);
	char *json = th_read_file(path, NULL);
	cr_assert_not_null(json);
	double held = -1, judged = -1;
	cr_assert_eq(result_read__number(json, "thresholds", "held", &held), 0);
	cr_assert_eq(result_read__number(json, "thresholds", "judged", &judged), 0);
	/* 3 stressors x 2 rates, p50, p99 and zero-wait: 9 rows are judged, all hold */
	cr_assert(judged == 9 && held == 9, "%g of %g hold:\n%s", held, judged, json);
	free(json);
	snprintf(path, sizeof(path), "%s/validate.csv", out);
	char *csv = th_read_file(path, NULL);
	cr_assert_not_null(csv);
	static const char *const stressors[] = { "cpu", "switch", "nanosleep" };
	for (int s = 0; s < 3; s++) {
		const char *real = csv_line(csv, stressors[s], "ops_per_s", "real");
		const char *sim = csv_line(csv, stressors[s], "ops_per_s", "sim");
		cr_assert(real && sim, "%s: no rows in\n%s", stressors[s], csv);
		cr_assert_eq(strtod(real, NULL), strtod(sim, NULL), "%s", stressors[s]);
		cr_assert_gt(strtod(sim, NULL), 0);
	}
	free(csv);
	snprintf(path, sizeof(path), "%s/validate.md", out);
	char *md = th_read_file(path, NULL);
	cr_assert(md && strstr(md, "| smoke-3s | switch ops/s |"), "%s", md);
	free(md);
}

/* The median of two runs' bogo-ops/s (wall clock) of @stressor, from their result.json. */
static double median_of_runs(const char *out, const char *world, const char *stressor)
{
	double sum = 0;
	for (int r = 1; r <= 2; r++) {
		char path[700], needle[80];
		snprintf(path, sizeof(path), "%s/smoke-3s-%s-%d/result.json", out, world, r);
		char *doc = th_read_file(path, NULL);
		cr_assert_not_null(doc, "%s", path);
		snprintf(needle, sizeof(needle), "\"stressor\": \"%s\"", stressor);
		const char *at = strstr(doc, "\"stressors\": [");
		cr_assert_not_null(at, "%s", path);
		at = strstr(at, needle);
		cr_assert_not_null(at, "%s in %s", stressor, path);
		at = strstr(at, "\"bogo_ops_per_second_real_time\": ");
		cr_assert_not_null(at);
		sum += strtod(at + strlen("\"bogo_ops_per_second_real_time\": "), NULL);
		free(doc);
	}
	return sum / 2;
}

Test(validate, quick_host_validation_runs_and_writes_consistent_tables, .timeout = 600)
{
	char out[600], log[600], path[700];
	snprintf(out, sizeof(out), "%s/out", th_tmpdir());
	snprintf(log, sizeof(log), "%s/validate.log", th_tmpdir());
	/* the real host's scheduler: needs root, BTF and stress-ng, as `run --target host` does */
	int rc = th_scxlab(log, "validate", "--target", "host", "--quick", "--out", out, NULL);
	char *said = th_read_file(log, NULL);
	cr_assert_eq(rc, 0, "exit %d:\n%s", rc, said);
	/* it printed its figures and named the host */
	cr_assert(said && strstr(said, "Real target: host: Linux ") && strstr(said, "load average before the real runs"),
		  "%s", said);
	free(said);
	snprintf(path, sizeof(path), "%s/validate.csv", out);
	char *csv = th_read_file(path, NULL);
	cr_assert_not_null(csv);
	static const char *const stressors[] = { "cpu", "switch", "nanosleep" };
	for (int s = 0; s < 3; s++)
		for (int w = 0; w < 2; w++) {
			const char *world = w ? "sim" : "real";
			const char *line = csv_line(csv, stressors[s], "ops_per_s", world);
			cr_assert_not_null(line, "%s %s: no row in\n%s", stressors[s], world, csv);
			double expect = median_of_runs(out, world, stressors[s]);
			cr_assert_float_eq(strtod(line, NULL), expect, 1e-6 * expect + 1e-9, "%s %s", stressors[s], world);
		}
	for (int w = 0; w < 2; w++)
		cr_assert_not_null(csv_line(csv, "", "wakeup_p99_ns", w ? "sim" : "real"), "%s", csv);
	free(csv);
	static const char *const files[] = { "validate.txt", "validate.md", "validate.json", "validate.png", "host.cal" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out, files[i]);
		cr_assert_eq(access(path, R_OK), 0, "%s missing", path);
	}
}

/* A group of @target/@policy/job "j" with one run whose wakeup p99 is @p99 (no value: NAN). */
static void p99_group(struct summary *s, const char *target, const char *policy, double p99)
{
	summary__note_failed(s, target, policy, "j"); /* creates the group */
	struct group *g = summary__find(s, target, policy, "j");
	cr_assert_not_null(g);
	g->failed = 0;
	g->runs = 1;
	if (!isnan(p99))
		group__add_value(g, "wakeup_p99_ns", p99);
}

Test(validate, policies_are_ranked_in_each_world_and_compared_by_tau_b)
{
	struct summary s = { 0 };
	/* lower p99 is better: real default > a > b, sim default > b > a; c has no simulator figure */
	p99_group(&s, "vm", "default", 10);
	p99_group(&s, "vm", "a", 20);
	p99_group(&s, "vm", "b", 30);
	p99_group(&s, "vm", "c", 5);
	p99_group(&s, "sim", "default", 10);
	p99_group(&s, "sim", "a", 30);
	p99_group(&s, "sim", "b", 20);
	p99_group(&s, "sim", "c", NAN);
	summary__finish(&s);
	struct validate_report r = { .summary = &s, .real = "vm", .policies = { "default", "a", "b", "c" },
				     .nr_policies = 4, .jobs = { "j" }, .nr_jobs = 1 };
	cr_assert_eq(validate_report__build(&r), 0);
	const struct validate_ranking *k = NULL;
	for (int i = 0; i < r.nr_ranks; i++)
		if (!strcmp(r.ranks[i].metric, "wakeup_p99_ns"))
			k = &r.ranks[i];
	cr_assert_not_null(k);
	cr_assert_str_eq(k->real_order, "default > a > b");
	cr_assert_str_eq(k->sim_order, "default > b > a");
	/* pairs (default,a) and (default,b) agree, (a,b) does not: (2 - 1) / 3 */
	cr_assert_float_eq(k->tau, 1.0 / 3, 1e-12);
	cr_assert_eq(k->holds, 0);
	/* the p99 rows: a is 1.5x too slow (within 2x), c has no simulator figure to judge */
	for (int i = 0; i < r.nr_rows; i++) {
		const struct validate_row *w = &r.rows[i];
		if (strcmp(w->metric, "wakeup_p99_ns"))
			continue;
		if (!strcmp(w->policy, "a"))
			cr_assert(w->holds == 1 && fabs(w->error - 0.5) < 1e-12, "a: %d %g", w->holds, w->error);
		if (!strcmp(w->policy, "c"))
			cr_assert_eq(w->holds, -1);
	}
	validate_report__free(&r);
	summary__free(&s);
}
