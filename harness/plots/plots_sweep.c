/*
 * A sweep's figures: each metric against each swept knob, one panel per topology, a line per
 * policy (with its median and a min..max band over the seeds), the default scheduler as a
 * grey reference line. Throughput is the geometric mean over the job's stressors of each
 * stressor's bogo-ops/s divided by the default scheduler's on the same job and topology, so
 * 1 is "as fast as the default"; without a default run it is the plain geometric mean.
 */
#include "harness/plots/plots_internal.h"
#include "harness/results/group_label.h"
#include "harness/plots/plot_run.h"
#include "harness/plots/plot_style.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 32
#define MAX_PANELS 8
#define MAX_LINES 24

enum sweep_metric { SM_P50, SM_P99, SM_THROUGHPUT, SM_COUNT };

static const struct {
	const char *file, *ylabel;
	bool log_y;
} sweep_metrics[SM_COUNT] = {
	[SM_P50] = { "wakeup_p50", "wakeup latency p50 (us)", true },
	[SM_P99] = { "wakeup_p99", "wakeup latency p99 (us)", true },
	[SM_THROUGHPUT] = { "throughput", "throughput, geo. mean over stressors of bogo-ops/s", false },
};

/* What every figure of a sweep reads: the summary's groups with their labels parsed once. */
struct sweep_groups {
	const struct summary *s;
	const struct plot_palette *pal;
	struct group_label *labels;     /* labels[i]: the parsed labels of s->groups[i] */
	const struct group **defaults;  /* defaults[i]: the default scheduler on i's job and topology, or NULL */
};

struct knob_axis {
	char name[48];
	char values[MAX_VALUES][64];  /* distinct values, in numeric (or text) order */
	int nr;
};

static int cmp_value(const void *a, const void *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (!*ea && !*eb && ea != a && eb != b && x != y)
		return x < y ? -1 : 1;
	return strcmp(a, b);
}

static void axis_of(const struct sweep_groups *sg, const char *knob, struct knob_axis *ax)
{
	memset(ax, 0, sizeof(*ax));
	snprintf(ax->name, sizeof(ax->name), "%.47s", knob);
	for (int i = 0; i < sg->s->nr_groups; i++) {
		const char *v = group_label__knob(&sg->labels[i], knob);
		int k;
		if (!v)
			continue;
		for (k = 0; k < ax->nr && strcmp(ax->values[k], v); k++)
			;
		if (k == ax->nr && ax->nr < MAX_VALUES)
			snprintf(ax->values[ax->nr++], sizeof(ax->values[0]), "%s", v);
	}
	qsort(ax->values, (size_t)ax->nr, sizeof(ax->values[0]), cmp_value);
}

static int axis_index(const struct knob_axis *ax, const char *value)
{
	for (int i = 0; value && i < ax->nr; i++)
		if (!strcmp(ax->values[i], value))
			return i;
	return -1;
}

/* A line of a panel: the policy and the values of the knobs other than the x axis' one. */
static void line_key(const struct group_label *l, const char *xknob, char *out, size_t len)
{
	snprintf(out, len, "%s", l->policy);
	for (int k = 0; k < l->nr_knobs; k++) {
		size_t n = strlen(out);
		if (strcmp(l->knobs[k].name, xknob))
			snprintf(out + n, len - n, ",%s=%s", l->knobs[k].name, l->knobs[k].value);
	}
}

/* The default scheduler's simulator group on the same job and topology as @l, or NULL. */
static const struct group *default_of(const struct summary *s, const struct group_label *labels,
				      const struct group_label *l)
{
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group_label *d = &labels[i];
		if (!strcmp(d->policy, "default") && !strcmp(d->job, l->job) && !strcmp(d->topology, l->topology) &&
		    !strcmp(s->groups[i].target, "sim"))
			return &s->groups[i];
	}
	return NULL;
}

/* Parse every group's labels, and find each one's default scheduler, once for all figures. 0 or -1. */
static int sweep_groups__init(struct sweep_groups *sg, const struct summary *s, const struct plot_palette *pal)
{
	size_t n = (size_t)s->nr_groups + 1;

	sg->s = s;
	sg->pal = pal;
	sg->labels = calloc(n, sizeof(*sg->labels));
	sg->defaults = calloc(n, sizeof(*sg->defaults));
	if (!sg->labels || !sg->defaults)
		return -1;
	for (int i = 0; i < s->nr_groups; i++)
		group_label__parse(&s->groups[i], &sg->labels[i]);
	for (int i = 0; i < s->nr_groups; i++)
		sg->defaults[i] = default_of(s, sg->labels, &sg->labels[i]);
	return 0;
}

static void sweep_groups__free(struct sweep_groups *sg)
{
	free(sg->labels);
	free(sg->defaults);
}

/* The median, min and max over its runs of @metric for group @i; NaN when it has none. */
static void value_of(const struct sweep_groups *sg, int i, enum sweep_metric metric, double *md, double *mn,
		     double *mx)
{
	const struct group *g = &sg->s->groups[i], *def = sg->defaults[i];

	*md = *mn = *mx = NAN;
	if (metric != SM_THROUGHPUT) {
		const struct metric *m = group__metric(g, metric == SM_P50 ? "wakeup_p50_ns" : "wakeup_p99_ns");
		if (m && m->n) {
			*md = m->median / 1e3;
			*mn = m->min / 1e3;
			*mx = m->max / 1e3;
		}
		return;
	}
	double lmd = 0, lmn = 0, lmx = 0;
	int n = 0;

	for (int k = 0; k < g->nr_metrics; k++) {
		const struct metric *m = &g->metrics[k], *dm;
		double base = 1;
		if (strncmp(m->name, "ops_per_s.", 10) || !m->n || m->min <= 0)
			continue;
		if (def) {
			dm = group__metric(def, m->name);
			if (!dm || dm->median <= 0)
				continue;
			base = dm->median;
		}
		lmd += log(m->median / base);
		lmn += log(m->min / base);
		lmx += log(m->max / base);
		n++;
	}
	if (n) {
		*md = exp(lmd / n);
		*mn = exp(lmn / n);
		*mx = exp(lmx / n);
	}
}

struct figure {
	char topologies[MAX_PANELS][64];
	int nr_panels;
	char lines[MAX_LINES][160];
	int nr_lines;
};

static void add_unique(char (*list)[64], int *n, int max, const char *v)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(list[i], v))
			return;
	if (*n < max)
		snprintf(list[(*n)++], 64, "%s", v);
}

static int one_figure(const struct sweep_groups *sg, const char *dir, const char *job, const struct knob_axis *ax,
		      enum sweep_metric metric, char *err, size_t errlen)
{
	const struct summary *s = sg->s;
	char dat[4300], base[4300], vars[16384], titles[4096] = "", colors[1024] = "", points[512] = "";
	char xtics[2048] = "", panels[1024] = "", firsts[256] = "", counts[256] = "", refs[512] = "";
	struct figure fig = { 0 };
	bool has_default = false;
	int block = 0;
	FILE *f;
	/* each line's points per panel, as written: lines that coincide are marked in the key */
	char (*sig)[MAX_LINES][MAX_VALUES * 48] = calloc(MAX_PANELS, sizeof(*sig));

	if (!sig) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}

	/* the panels (topologies) and lines (policy and other knobs) this job has */
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group_label *l = &sg->labels[i];
		char key[160];
		if (strcmp(l->job, job) || strcmp(s->groups[i].target, "sim"))
			continue;
		add_unique(fig.topologies, &fig.nr_panels, MAX_PANELS, l->topology);
		if (!group_label__knob(l, ax->name))
			continue;
		line_key(l, ax->name, key, sizeof(key));
		int k;
		for (k = 0; k < fig.nr_lines && strcmp(fig.lines[k], key); k++)
			;
		if (k == fig.nr_lines && fig.nr_lines < MAX_LINES)
			snprintf(fig.lines[fig.nr_lines++], sizeof(fig.lines[0]), "%s", key);
	}
	if (!fig.nr_lines) {
		free(sig);
		return 0;
	}
	snprintf(dat, sizeof(dat), "%s/sweep-%s-%s-vs-%s.dat", dir, job, sweep_metrics[metric].file, ax->name);
	snprintf(base, sizeof(base), "%s/sweep-%s-%s-vs-%s", dir, job, sweep_metrics[metric].file, ax->name);
	f = fopen(dat, "w");
	if (!f) {
		free(sig);
		snprintf(err, errlen, "cannot write %s", dat);
		return -1;
	}
	fprintf(f, "# scxlab sweep: %s against %s, job %s; a block per topology and line: x median min max\n",
		sweep_metrics[metric].file, ax->name, job);
	for (int p = 0; p < fig.nr_panels; p++) {
		double ref = NAN;
		plots__append_word(panels, sizeof(panels), fig.topologies[p]);
		plots__append_wordf(firsts, sizeof(firsts), "%d", block);
		for (int ln = 0; ln < fig.nr_lines; ln++) {
			struct plot_style st;
			char polname[64];
			snprintf(polname, sizeof(polname), "%.*s", (int)strcspn(fig.lines[ln], ","), fig.lines[ln]);
			/* a line is drawn in its policy's colour (harness/plots/plot_style.h) */
			plot_palette__style(sg->pal, polname, &st);
			fprintf(f, "# %s @%s color=%s point=%d\n", fig.lines[ln], fig.topologies[p], st.color, st.point);
			for (int i = 0; i < s->nr_groups; i++) {
				const struct group_label *l = &sg->labels[i];
				char key[160];
				double md, mn, mx;
				if (strcmp(l->job, job) || strcmp(l->topology, fig.topologies[p]) ||
				    strcmp(s->groups[i].target, "sim"))
					continue;
				line_key(l, ax->name, key, sizeof(key));
				int x = axis_index(ax, group_label__knob(l, ax->name));
				if (x < 0 || strcmp(key, fig.lines[ln]))
					continue;
				value_of(sg, i, metric, &md, &mn, &mx);
				if (isfinite(md)) {
					char point[128];
					snprintf(point, sizeof(point), "%d %.6g %.6g %.6g\n", x, md, mn, mx);
					fputs(point, f);
					size_t used = strlen(sig[p][ln]);
					snprintf(sig[p][ln] + used, sizeof(sig[p][ln]) - used, "%s", point);
				}
			}
			fprintf(f, "\n\n");
			if (!p) {
				plots__append_word(colors, sizeof(colors), st.color);
				plots__append_wordf(points, sizeof(points), "%d", st.point);
			}
			block++;
		}
		plots__append_wordf(counts, sizeof(counts), "%d", fig.nr_lines);
		/* the default scheduler, where the sweep ran it: 1 for normalised throughput */
		for (int i = 0; i < s->nr_groups; i++) {
			const struct group_label *l = &sg->labels[i];
			double md, mn, mx;
			if (strcmp(l->policy, "default") || strcmp(l->job, job) || strcmp(l->topology, fig.topologies[p]) ||
			    strcmp(s->groups[i].target, "sim"))
				continue;
			value_of(sg, i, metric, &md, &mn, &mx);
			ref = md;
			has_default = true;
		}
		plots__append_wordf(refs, sizeof(refs), "%.6g", isfinite(ref) ? ref : NAN);
	}
	fclose(f);
	/* a line identical to an earlier one in every panel hides it: its key entry says so */
	for (int ln = 0; ln < fig.nr_lines; ln++) {
		char title[200];
		int same = -1;
		for (int k = 0; k < ln && same < 0; k++) {
			bool all = true;
			for (int p = 0; p < fig.nr_panels && all; p++)
				all = !strcmp(sig[p][k], sig[p][ln]);
			if (all)
				same = k;
		}
		snprintf(title, sizeof(title), "%s%s%s%s", fig.lines[ln], same >= 0 ? "(=" : "", same >= 0 ? fig.lines[same] : "",
			 same >= 0 ? ")" : "");
		plots__append_word(titles, sizeof(titles), title);
	}
	free(sig);
	for (int x = 0; x < ax->nr; x++) {
		char human[64];
		knob__human(ax->name, ax->values[x], human, sizeof(human));
		size_t l = strlen(xtics);
		snprintf(xtics + l, sizeof(xtics) - l, "%s\"%s\" %d", x ? ", " : "", human, x);
	}
	char ylabel[160];
	snprintf(ylabel, sizeof(ylabel), "%s%s", sweep_metrics[metric].ylabel,
		 metric == SM_THROUGHPUT && has_default ? ", relative to the default scheduler" : "");
	snprintf(vars, sizeof(vars),
		 "datafile='%.3000s'; outbase='%.3000s'; job='%s'; knob='%s'; ylabel='%s'; logy=%d; xtics_spec='(%s)'; "
		 "nx=%d; panels='%s'; firsts='%s'; counts='%s'; refs='%s'; titles='%s'; colors='%s'; points='%s'",
		 dat, base, job, ax->name, ylabel, sweep_metrics[metric].log_y, xtics, ax->nr, panels,
		 firsts, counts, refs, titles, colors, points);
	return plot_run__gnuplot("sweep_metric.gp", vars, base, err, errlen);
}

int plots__sweep(const struct summary *s, const struct plot_palette *pal, const char *dir, char *err, size_t errlen)
{
	char knobs[16][48], jobs[32][64];
	int nr_knobs = group_label__knob_names(s, knobs, 16), nr_jobs = 0, rc = 0;
	struct sweep_groups sg;

	if (!nr_knobs)
		return 0;
	if (sweep_groups__init(&sg, s, pal)) {
		sweep_groups__free(&sg);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nr_groups; i++)
		add_unique(jobs, &nr_jobs, 32, sg.labels[i].job);
	for (int k = 0; k < nr_knobs; k++) {
		struct knob_axis ax;
		axis_of(&sg, knobs[k], &ax);
		for (int j = 0; j < nr_jobs; j++)
			for (int m = 0; m < SM_COUNT; m++)
				rc |= one_figure(&sg, dir, jobs[j], &ax, (enum sweep_metric)m, err, errlen);
	}
	sweep_groups__free(&sg);
	return rc;
}
