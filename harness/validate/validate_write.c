/*
 * Writing `scxlab validate`'s tables and data (see validate_write.h).
 */
#include "harness/validate/validate_write.h"
#include "harness/util/atomic_file.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define NR_COLS 8

static void fmt_value(double v, char *out, size_t len)
{
	if (!isfinite(v))
		snprintf(out, len, "-");
	else if (fabs(v) >= 1e6)
		snprintf(out, len, "%.3g", v);
	else if (fabs(v) >= 100)
		snprintf(out, len, "%.0f", v);
	else
		snprintf(out, len, "%.3g", v);
}

/* "median (min-max)" of @m scaled, or "-"; a percentage with one decimal. */
static void fmt_span(const struct metric *m, double scale, bool pct, char *out, size_t len)
{
	char a[32], b[32], c[32];

	if (!m || !m->n) {
		snprintf(out, len, "-");
		return;
	}
	if (pct) {
		snprintf(out, len, "%.1f (%.1f-%.1f)", m->median, m->min, m->max);
		return;
	}
	fmt_value(m->median * scale, a, sizeof(a));
	fmt_value(m->min * scale, b, sizeof(b));
	fmt_value(m->max * scale, c, sizeof(c));
	snprintf(out, len, "%s (%s-%s)", a, b, c);
}

static void fmt_error(const struct validate_row *w, char *out, size_t len)
{
	if (!isfinite(w->error))
		snprintf(out, len, "-");
	else if (!strcmp(w->metric, "zero_wait_pct"))
		snprintf(out, len, "%+.1f points", w->error);
	else
		snprintf(out, len, "%+.0f %%", 100 * w->error);
}

static const char *holds_text(int holds)
{
	return holds < 0 ? "-" : holds ? "yes" : "NO";
}

/* One table: a head and rows of cells, aligned (text) or piped (Markdown). */
struct table {
	const char *heads[NR_COLS];
	char cells[NR_COLS][160];
	int nr_cols;
	int widths[NR_COLS];
};

static void table_line(FILE *f, int markdown, int nr, const char *const *cells, const int *widths)
{
	for (int c = 0; c < nr; c++) {
		if (markdown)
			fprintf(f, "| %s ", cells[c]);
		else
			fprintf(f, "%s%-*s", c ? "  " : "", c + 1 < nr ? widths[c] : 0, cells[c]);
	}
	fprintf(f, markdown ? "|\n" : "\n");
}

static void table_head(FILE *f, int markdown, const struct table *t)
{
	table_line(f, markdown, t->nr_cols, t->heads, t->widths);
	if (markdown) {
		for (int c = 0; c < t->nr_cols; c++)
			fprintf(f, "|---");
		fprintf(f, "|\n");
	}
}

static void table_row(FILE *f, int markdown, const struct table *t)
{
	const char *cells[NR_COLS];

	for (int c = 0; c < t->nr_cols; c++)
		cells[c] = t->cells[c];
	table_line(f, markdown, t->nr_cols, cells, t->widths);
}

/* The cells of row @w: job, policy, what, real, sim, error, threshold, holds. */
static void row_cells(const struct validate_report *r, const struct validate_row *w, struct table *t)
{
	double scale = validate_metric__scale(w->metric);
	int c = 0;

	snprintf(t->cells[c++], 160, "%s", w->job);
	if (r->nr_policies > 1)
		snprintf(t->cells[c++], 160, "%s", w->policy);
	snprintf(t->cells[c++], 160, "%s%s%s", w->stressor, w->stressor[0] ? " " : "", validate_metric__label(w->metric));
	bool pct = !strcmp(w->metric, "zero_wait_pct");
	fmt_span(w->real, scale, pct, t->cells[c++], 160);
	fmt_span(w->sim, scale, pct, t->cells[c++], 160);
	fmt_error(w, t->cells[c++], 160);
	snprintf(t->cells[c++], 160, "%s", w->threshold);
	snprintf(t->cells[c++], 160, "%s", holds_text(w->holds));
	t->nr_cols = c;
}

static void rows_table(const struct validate_report *r, FILE *f, int markdown, bool stressors)
{
	struct table t = { .heads = { "job" } };
	int c = 1;

	if (r->nr_policies > 1)
		t.heads[c++] = "policy";
	t.heads[c++] = stressors ? "stressor" : "metric";
	t.heads[c++] = r->emulated ? "guest median (min-max)" : "real median (min-max)";
	t.heads[c++] = "sim median (min-max)";
	t.heads[c++] = "error";
	t.heads[c++] = "threshold";
	t.heads[c++] = "holds";
	t.nr_cols = c;
	for (int k = 0; k < c; k++)
		t.widths[k] = (int)strlen(t.heads[k]);
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			table_head(f, markdown, &t);
		for (int i = 0; i < r->nr_rows; i++) {
			const struct validate_row *w = &r->rows[i];
			if (!w->stressor[0] == stressors)
				continue;
			row_cells(r, w, &t);
			if (pass)
				table_row(f, markdown, &t);
			else
				for (int k = 0; k < t.nr_cols; k++)
					if ((int)strlen(t.cells[k]) > t.widths[k])
						t.widths[k] = (int)strlen(t.cells[k]);
		}
	}
}

static void rankings_table(const struct validate_report *r, FILE *f, int markdown)
{
	struct table t = { .heads = { "job", "metric", "order, real", "order, sim", "tau-b", "holds" }, .nr_cols = 6 };

	for (int k = 0; k < t.nr_cols; k++)
		t.widths[k] = (int)strlen(t.heads[k]);
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			table_head(f, markdown, &t);
		for (int i = 0; i < r->nr_ranks; i++) {
			const struct validate_ranking *k = &r->ranks[i];
			snprintf(t.cells[0], 160, "%s", k->job);
			snprintf(t.cells[1], 160, "%s%s%s", k->stressor, k->stressor[0] ? " " : "",
				 validate_metric__label(k->metric));
			snprintf(t.cells[2], 160, "%.159s", k->real_order);
			snprintf(t.cells[3], 160, "%.159s", k->sim_order);
			if (isfinite(k->tau))
				snprintf(t.cells[4], 160, "%.2f", k->tau);
			else
				snprintf(t.cells[4], 160, "-");
			snprintf(t.cells[5], 160, "%s", holds_text(k->holds));
			if (pass)
				table_row(f, markdown, &t);
			else
				for (int c = 0; c < t.nr_cols; c++)
					if ((int)strlen(t.cells[c]) > t.widths[c])
						t.widths[c] = (int)strlen(t.cells[c]);
		}
	}
}

void validate_write__tables(const struct validate_report *r, FILE *f, int markdown)
{
	char a[32], b[32];

	fprintf(f, "Real target: %s; %s.\n", r->target_text, r->load_text);
	bool count = r->topology[strspn(r->topology, "0123456789")] == 0;
	fprintf(f, "Simulator: %s%s%s, calibration %s; %d repetitions (seeds 1-%d)%s.\n\n", count ? "" : "topology ",
		r->topology, count ? " CPUs" : "", r->calibration,
		r->reps, r->reps, r->reused ? "; real runs reused (--real-from)" : "");
	rows_table(r, f, markdown, true);
	fmt_value(100 * r->median_error_ops, a, sizeof(a));
	fmt_value(100 * r->median_error_cpu, b, sizeof(b));
	fprintf(f, "\nMedian absolute error of the medians: %s %% (ops/s), %s %% (ops per CPU second).\n\n", a, b);
	rows_table(r, f, markdown, false);
	if (r->nr_ranks) {
		fprintf(f, "\nPolicies in order, best first (higher throughput, lower latency), and Kendall's tau-b:\n\n");
		rankings_table(r, f, markdown);
	}
	fprintf(f, "\nThresholds (issue 16: throughput within 10 %%, wakeup p50 within 25 %%, p99 within 2x, "
		"zero-wait within 10 points, tau-b = 1 for throughput and p99): %d of %d hold.\n", r->held, r->judged);
	if (r->runs_failed)
		fprintf(f, "%d runs failed: their figures are missing above.\n", r->runs_failed);
	for (int i = 0; i < r->summary->nr_groups; i++) {
		const struct group *g = &r->summary->groups[i];
		if (g->policy_failed)
			fprintf(f, "%s %s %s: the policy failed in %d of %d runs (%s); those runs' figures are included.\n",
				g->target, g->policy, g->job, g->policy_failed, g->runs, g->failure);
	}
}

static void csv_metric(FILE *f, const struct validate_row *w, const char *world, const struct metric *m)
{
	fprintf(f, "%s,%s,%s,%s,%s,", w->job, w->policy, w->stressor, w->metric, world);
	if (m && m->n)
		fprintf(f, "%.9g,%.9g,%.9g,%d,", m->median, m->min, m->max, m->n);
	else
		fprintf(f, ",,,0,");
	if (isfinite(w->error))
		fprintf(f, "%.6g", w->error);
	fprintf(f, ",%s,%s\n", w->threshold, w->holds < 0 ? "" : w->holds ? "yes" : "no");
}

static void csv(FILE *f, const void *ctx)
{
	const struct validate_report *r = ctx;

	fprintf(f, "job,policy,stressor,metric,world,median,min,max,runs,error,threshold,holds\n");
	for (int i = 0; i < r->nr_rows; i++) {
		csv_metric(f, &r->rows[i], "real", r->rows[i].real);
		csv_metric(f, &r->rows[i], "sim", r->rows[i].sim);
	}
	for (int i = 0; i < r->nr_ranks; i++) {
		const struct validate_ranking *k = &r->ranks[i];
		fprintf(f, "%s,,%s,kendall_tau_b.%s,both,", k->job, k->stressor, k->metric);
		if (isfinite(k->tau))
			fprintf(f, "%.6g,%.6g,%.6g,1", k->tau, k->tau, k->tau);
		else
			fprintf(f, ",,,0");
		fprintf(f, ",,tau = 1,%s\n", k->holds < 0 ? "" : k->holds ? "yes" : "no");
	}
}

static void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	summary__json_text(f, s);
	fputc('"', f);
}

static void json_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
	else
		fprintf(f, "null");
}

static void json_world(FILE *f, const struct metric *m)
{
	if (!m || !m->n) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{ \"median\": %.9g, \"min\": %.9g, \"max\": %.9g, \"values\": [", m->median, m->min, m->max);
	for (int i = 0; i < m->n; i++)
		fprintf(f, "%s%.9g", i ? ", " : "", m->values[i]);
	fprintf(f, "] }");
}

static const char *holds_json(int holds)
{
	return holds < 0 ? "null" : holds ? "true" : "false";
}

static void json(FILE *f, const void *ctx)
{
	const struct validate_report *r = ctx;

	fprintf(f, "{\n  \"schema\": \"scxlab.validate/1\",\n  \"target\": { \"name\": ");
	json_text(f, r->real);
	fprintf(f, ", \"description\": ");
	json_text(f, r->target_text);
	fprintf(f, ", \"kernel\": ");
	json_text(f, r->kernel);
	fprintf(f, ", \"cpus\": %d, \"emulated\": %s, \"load\": ", r->cpus, r->emulated ? "true" : "false");
	json_text(f, r->load_text);
	fprintf(f, " },\n  \"calibration\": ");
	json_text(f, r->calibration);
	fprintf(f, ",\n  \"reps\": %d,\n  \"real_reused\": %s,\n  \"runs_failed\": %d,\n  \"policy_failed\": %d,\n",
		r->reps, r->reused ? "true" : "false", r->runs_failed, r->policy_failed);
	fprintf(f, "  \"median_error\": { \"ops_per_s\": ");
	json_number(f, r->median_error_ops);
	fprintf(f, ", \"ops_per_cpu_s\": ");
	json_number(f, r->median_error_cpu);
	fprintf(f, " },\n  \"thresholds\": { \"held\": %d, \"judged\": %d },\n  \"rows\": [\n", r->held, r->judged);
	for (int i = 0; i < r->nr_rows; i++) {
		const struct validate_row *w = &r->rows[i];
		fprintf(f, "    { \"job\": ");
		json_text(f, w->job);
		fprintf(f, ", \"policy\": ");
		json_text(f, w->policy);
		fprintf(f, ", \"stressor\": ");
		json_text(f, w->stressor);
		fprintf(f, ", \"metric\": \"%s\",\n      \"real\": ", w->metric);
		json_world(f, w->real);
		fprintf(f, ",\n      \"sim\": ");
		json_world(f, w->sim);
		fprintf(f, ",\n      \"error\": ");
		json_number(f, w->error);
		fprintf(f, ", \"threshold\": \"%s\", \"holds\": %s }%s\n", w->threshold, holds_json(w->holds),
			i + 1 < r->nr_rows ? "," : "");
	}
	fprintf(f, "  ],\n  \"rankings\": [\n");
	for (int i = 0; i < r->nr_ranks; i++) {
		const struct validate_ranking *k = &r->ranks[i];
		fprintf(f, "    { \"job\": ");
		json_text(f, k->job);
		fprintf(f, ", \"stressor\": ");
		json_text(f, k->stressor);
		fprintf(f, ", \"metric\": \"%s\", \"real_order\": ", k->metric);
		json_text(f, k->real_order);
		fprintf(f, ", \"sim_order\": ");
		json_text(f, k->sim_order);
		fprintf(f, ", \"tau_b\": ");
		json_number(f, k->tau);
		fprintf(f, ", \"holds\": %s }%s\n", holds_json(k->holds), i + 1 < r->nr_ranks ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static void text(FILE *f, const void *ctx)
{
	validate_write__tables(ctx, f, 0);
}

static void markdown(FILE *f, const void *ctx)
{
	validate_write__tables(ctx, f, 1);
}

int validate_write__all(const struct validate_report *r, const char *dir, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		atomic_file_writer *write;
	} files[] = {
		{ "validate.txt", text }, { "validate.md", markdown }, { "validate.csv", csv }, { "validate.json", json },
	};
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		if (atomic_file__write_with(path, files[i].write, r, err, errlen))
			return -1;
	}
	return 0;
}
