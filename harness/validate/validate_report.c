/*
 * The rows and rankings of `scxlab validate` (see validate_report.h).
 */
#include "harness/validate/validate_report.h"
#include "harness/validate/validate_runs.h"
#include "harness/validate/validate_stats.h"
#include "harness/util/sorted_values.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const job_metrics[] = { "wakeup_p50_ns", "wakeup_p99_ns", "zero_wait_pct", "switches_per_s",
					   "migrations_per_s" };

bool validate_metric__lower_better(const char *metric)
{
	return !strncmp(metric, "wakeup_", 7) || !strcmp(metric, "zero_wait_pct");
}

const char *validate_metric__label(const char *metric)
{
	static const struct { const char *metric, *label; } labels[] = {
		{ "ops_per_s", "ops/s" }, { "ops_per_cpu_s", "ops/CPU-s" }, { "wakeup_p50_ns", "wakeup p50 us" },
		{ "wakeup_p99_ns", "wakeup p99 us" }, { "zero_wait_pct", "zero-wait %" },
		{ "switches_per_s", "switches/s" }, { "migrations_per_s", "migrations/s" },
	};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].metric, metric))
			return labels[i].label;
	return metric;
}

double validate_metric__scale(const char *metric)
{
	return !strncmp(metric, "wakeup_", 7) ? 1e-3 : 1.0;
}

/* The summary's metric name of a row's (metric, stressor). */
static void summary_name(const char *metric, const char *stressor, char *out, size_t len)
{
	if (!strcmp(metric, "ops_per_s"))
		snprintf(out, len, VALIDATE_OPS "%s", stressor);
	else if (!strcmp(metric, "ops_per_cpu_s"))
		snprintf(out, len, VALIDATE_OPS_CPU "%s", stressor);
	else
		snprintf(out, len, "%s", metric);
}

static void judge(struct validate_row *w)
{
	double real = w->real ? w->real->median : NAN, sim = w->sim ? w->sim->median : NAN;
	bool ops = !strncmp(w->metric, "ops_", 4);

	w->holds = -1;
	w->threshold = "-";
	if (!strcmp(w->metric, "zero_wait_pct")) {
		w->error = sim - real;
		w->threshold = "10 points";
		if (isfinite(w->error))
			w->holds = fabs(w->error) <= VALIDATE_ZERO_WAIT_POINTS;
		return;
	}
	w->error = real != 0 ? (sim - real) / real : NAN;
	if (!isfinite(w->error))
		w->error = NAN;
	if (ops)
		w->threshold = "10 %";
	else if (!strcmp(w->metric, "wakeup_p50_ns"))
		w->threshold = "25 %";
	else if (!strcmp(w->metric, "wakeup_p99_ns"))
		w->threshold = "2x";
	if (!isfinite(w->error))
		return;
	if (ops)
		w->holds = fabs(w->error) <= VALIDATE_OPS_WITHIN;
	else if (!strcmp(w->metric, "wakeup_p50_ns"))
		w->holds = fabs(w->error) <= VALIDATE_P50_WITHIN;
	else if (!strcmp(w->metric, "wakeup_p99_ns"))
		w->holds = sim / real <= VALIDATE_P99_FACTOR && real / sim <= VALIDATE_P99_FACTOR;
}

static struct validate_row *row_add(struct validate_report *r)
{
	if (r->nr_rows == r->cap_rows) {
		int cap = r->cap_rows ? 2 * r->cap_rows : 64;
		struct validate_row *n = realloc(r->rows, (size_t)cap * sizeof(*n));
		if (!n)
			return NULL;
		r->rows = n;
		r->cap_rows = cap;
	}
	struct validate_row *w = &r->rows[r->nr_rows++];
	memset(w, 0, sizeof(*w));
	return w;
}

static struct group *find(const struct validate_report *r, const char *target, const char *policy, const char *job)
{
	return summary__find((struct summary *)r->summary, target, policy, job);
}

static int add_row(struct validate_report *r, const char *job, const char *policy, const char *metric,
		   const char *stressor)
{
	const struct group *real = find(r, r->real, policy, job), *sim = find(r, "sim", policy, job);
	char name[128];
	struct validate_row *w = row_add(r);

	if (!w)
		return -1;
	snprintf(w->job, sizeof(w->job), "%s", job);
	snprintf(w->policy, sizeof(w->policy), "%s", policy);
	snprintf(w->stressor, sizeof(w->stressor), "%s", stressor);
	w->metric = metric;
	summary_name(metric, stressor, name, sizeof(name));
	w->real = real ? group__metric(real, name) : NULL;
	w->sim = sim ? group__metric(sim, name) : NULL;
	judge(w);
	return 0;
}

/* The stressor entries of (policy, job) in their order, from whichever world has them. */
static int entries(const struct validate_report *r, const char *policy, const char *job, char (*out)[48], int max)
{
	const struct group *g = find(r, r->real, policy, job);
	int n = 0;

	if (!g || !g->nr_metrics)
		g = find(r, "sim", policy, job);
	for (int i = 0; g && i < g->nr_metrics && n < max; i++)
		if (!strncmp(g->metrics[i].name, VALIDATE_OPS, strlen(VALIDATE_OPS)))
			snprintf(out[n++], 48, "%s", g->metrics[i].name + strlen(VALIDATE_OPS));
	return n;
}

/* The @nr policies @names in the order of @v, best first, "=" between equal values. */
static void order_text(const char *const *names, const double *v, int nr, bool lower, char *out, size_t len)
{
	int order[VALIDATE_MAX_POLICIES];
	size_t n = 0;

	validate__rank(v, nr, !lower, order);
	out[0] = 0;
	for (int i = 0; i < nr && n < len; i++) {
		const char *sep = !i ? "" : v[order[i]] == v[order[i - 1]] ? " = " : " > ";
		n += (size_t)snprintf(out + n, len - n, "%s%s", sep, names[order[i]]);
	}
}

/* Per job and metric the policies ordered in each world, from rows [first, end) of one job. */
static int add_rankings(struct validate_report *r, const char *job, int first, int end)
{
	for (int i = first; i < end; i++) {
		const struct validate_row *w = &r->rows[i];
		double real[VALIDATE_MAX_POLICIES], sim[VALIDATE_MAX_POLICIES];
		const char *names[VALIDATE_MAX_POLICIES];
		int have = 0;
		if (strcmp(w->policy, r->policies[0]))
			continue; /* one ranking per (metric, stressor), found from the first policy's row */
		/* the policies with a figure in both worlds (a policy whose runs all failed has none) */
		for (int p = 0; p < r->nr_policies; p++)
			for (int k = first; k < end; k++) {
				const struct validate_row *x = &r->rows[k];
				if (strcmp(x->policy, r->policies[p]) || x->metric != w->metric ||
				    strcmp(x->stressor, w->stressor) || !x->real || !x->sim || !x->real->n || !x->sim->n)
					continue;
				names[have] = r->policies[p];
				real[have] = x->real->median;
				sim[have] = x->sim->median;
				have++;
			}
		if (have < 2)
			continue;
		if (r->nr_ranks == r->cap_ranks) {
			int cap = r->cap_ranks ? 2 * r->cap_ranks : 32;
			struct validate_ranking *n = realloc(r->ranks, (size_t)cap * sizeof(*n));
			if (!n)
				return -1;
			r->ranks = n;
			r->cap_ranks = cap;
		}
		struct validate_ranking *k = &r->ranks[r->nr_ranks++];
		bool lower = validate_metric__lower_better(w->metric);
		memset(k, 0, sizeof(*k));
		snprintf(k->job, sizeof(k->job), "%s", job);
		snprintf(k->stressor, sizeof(k->stressor), "%s", w->stressor);
		k->metric = w->metric;
		order_text(names, real, have, lower, k->real_order, sizeof(k->real_order));
		order_text(names, sim, have, lower, k->sim_order, sizeof(k->sim_order));
		k->tau = kendall__tau_b(real, sim, have);
		k->holds = -1;
		if ((!strcmp(k->metric, "ops_per_s") || !strcmp(k->metric, "wakeup_p99_ns")) && isfinite(k->tau))
			k->holds = k->tau == 1.0;
	}
	return 0;
}

/* Median of the absolute errors of @metric's rows (NaN when none). */
static double median_error(const struct validate_report *r, const char *metric)
{
	double *v = malloc((size_t)(r->nr_rows + 1) * sizeof(double));
	int n = 0;
	double m = NAN;

	for (int i = 0; v && i < r->nr_rows; i++)
		if (!strcmp(r->rows[i].metric, metric) && isfinite(r->rows[i].error))
			v[n++] = fabs(r->rows[i].error);
	if (n) {
		values__sort(v, (size_t)n);
		m = values__median(v, (size_t)n);
	}
	free(v);
	return m;
}

int validate_report__build(struct validate_report *r)
{
	for (int j = 0; j < r->nr_jobs; j++) {
		int first = r->nr_rows;
		for (int p = 0; p < r->nr_policies; p++) {
			char names[32][48];
			int n = entries(r, r->policies[p], r->jobs[j], names, 32);
			for (int e = 0; e < n; e++)
				if (add_row(r, r->jobs[j], r->policies[p], "ops_per_s", names[e]) ||
				    add_row(r, r->jobs[j], r->policies[p], "ops_per_cpu_s", names[e]))
					return -1;
			for (size_t m = 0; m < sizeof(job_metrics) / sizeof(job_metrics[0]); m++)
				if (add_row(r, r->jobs[j], r->policies[p], job_metrics[m], ""))
					return -1;
		}
		if (r->nr_policies > 1 && add_rankings(r, r->jobs[j], first, r->nr_rows))
			return -1;
	}
	r->median_error_ops = median_error(r, "ops_per_s");
	r->median_error_cpu = median_error(r, "ops_per_cpu_s");
	r->held = r->judged = 0;
	for (int i = 0; i < r->nr_rows; i++)
		if (r->rows[i].holds >= 0) {
			r->judged++;
			r->held += r->rows[i].holds;
		}
	for (int i = 0; i < r->nr_ranks; i++)
		if (r->ranks[i].holds >= 0) {
			r->judged++;
			r->held += r->ranks[i].holds;
		}
	return 0;
}

void validate_report__free(struct validate_report *r)
{
	free(r->rows);
	free(r->ranks);
	r->rows = NULL;
	r->ranks = NULL;
	r->nr_rows = r->cap_rows = r->nr_ranks = r->cap_ranks = 0;
}
