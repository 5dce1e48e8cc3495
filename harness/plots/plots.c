/*
 * A comparison's plots (see plots.h).
 */
#include "harness/plots/plots.h"
#include "harness/util/paths.h"
#include "harness/plots/plot_run.h"
#include "harness/plots/plot_style.h"
#include "harness/plots/plots_internal.h"
#include "harness/util/proc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plots__series_title(const struct group *g, char *out, size_t len)
{
	snprintf(out, len, "%s/%s%s%s", g->policy, g->target, group__emulated(g) ? "[TCG]" : "",
		 g->policy_failed ? "[FAILED]" : "");
}

void plots__append_word(char *list, size_t len, const char *word)
{
	size_t l = strlen(list);

	snprintf(list + l, len - l, "%s%s", l ? " " : "", word);
	/* the lists travel inside gnuplot's single quotes: a quote in a name would end them */
	for (char *c = list + l; *c; c++)
		if (*c == '\'')
			*c = '`';
}

void plots__append_wordf(char *list, size_t len, const char *fmt, ...)
{
	char word[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(word, sizeof(word), fmt, ap);
	va_end(ap);
	plots__append_word(list, len, word);
}

static int throughput_plot(const struct summary *s, const struct plot_palette *pal, const char *dir, const char *job,
			   char *err, size_t errlen)
{
	char dat[4300], base[4300], titles[4096] = "", colors[1024] = "", vars[16384], stressors[16][64];
	int nr_st = 0, cols = 0;
	const struct group *gs[64];
	FILE *f;

	for (int i = 0; i < s->nr_groups && cols < 64; i++) {
		const struct group *g = &s->groups[i];
		if (strcmp(g->job, job))
			continue;
		gs[cols++] = g;
		for (int k = 0; k < g->nr_metrics; k++) {
			const char *n = g->metrics[k].name;
			int j;
			if (strncmp(n, "ops_per_s.", 10))
				continue;
			for (j = 0; j < nr_st && strcmp(stressors[j], n + 10); j++)
				;
			if (j == nr_st && nr_st < 16)
				snprintf(stressors[nr_st++], sizeof(stressors[0]), "%s", n + 10);
		}
	}
	if (!nr_st || !cols)
		return 0;
	snprintf(dat, sizeof(dat), "%s/throughput-%s.dat", dir, job);
	snprintf(base, sizeof(base), "%s/throughput-%s", dir, job);
	f = fopen(dat, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", dat);
		return -1;
	}
	fprintf(f, "# stressor");
	for (int c = 0; c < cols; c++) {
		struct plot_style st;
		plot_palette__style(pal, gs[c]->policy, &st);
		fprintf(f, " %s/%s(median min max)[color=%s]", gs[c]->policy, gs[c]->target, st.color);
	}
	fputc('\n', f);
	for (int j = 0; j < nr_st; j++) {
		char key[80];
		snprintf(key, sizeof(key), "ops_per_s.%.60s", stressors[j]);
		fprintf(f, "%s", stressors[j]);
		for (int c = 0; c < cols; c++) {
			const struct metric *m = group__metric(gs[c], key);
			if (m)
				fprintf(f, " %.6g %.6g %.6g", m->median, m->min, m->max);
			else
				fprintf(f, " NaN NaN NaN");
		}
		fputc('\n', f);
	}
	fclose(f);
	for (int c = 0; c < cols; c++) {
		char title[320];
		struct plot_style st;
		plots__series_title(gs[c], title, sizeof(title));
		plots__append_word(titles, sizeof(titles), title);
		plot_palette__style(pal, gs[c]->policy, &st);
		plots__append_word(colors, sizeof(colors), st.color);
	}
	snprintf(vars, sizeof(vars), "datafile='%.3000s'; outbase='%.3000s'; job='%s'; titles='%s'; colors='%s'", dat, base,
		 job, titles, colors);
	return plot_run__gnuplot("throughput.gp", vars, base, err, errlen);
}

/* The lowest and highest positive value seen, for a log axis (a panel with none gets 1..10). */
struct log_range {
	double lo, hi;
};

static void range_add(struct log_range *r, double v)
{
	if (v <= 0 || !isfinite(v))
		return;
	if (!r->lo || v < r->lo)
		r->lo = v;
	if (v > r->hi)
		r->hi = v;
}

static void range_bounds(const struct log_range *r, double *lo, double *hi)
{
	*lo = r->lo ? r->lo / 3.0 : 1.0;
	*hi = r->hi ? r->hi * 3.0 : 10.0;
}

static void scatter_point(FILE *f, struct log_range *r, double real, double sim, const char *label,
			  const struct plot_style *st)
{
	range_add(r, real);
	range_add(r, sim);
	fprintf(f, "%.6g %.6g %s %ld %d\n", real, sim, label, strtol(st->color + 1, NULL, 16), st->point);
}

/* Points (real median, sim median) for every policy x job x stressor / percentile, zeros kept. */
static int scatter_plot(const struct summary *s, const struct plot_palette *pal, const char *dir, const char *real,
			char *err, size_t errlen)
{
	char thr[4300], lat[4300], base[4300], vars[16384];
	struct log_range tr = { 0 }, lr = { 0 };
	double tlo, thi, llo, lhi;
	FILE *ft, *fl;
	int points = 0;

	snprintf(thr, sizeof(thr), "%s/sim_vs_%s-throughput.dat", dir, real);
	snprintf(lat, sizeof(lat), "%s/sim_vs_%s-latency.dat", dir, real);
	snprintf(base, sizeof(base), "%s/sim_vs_%s", dir, real);
	ft = fopen(thr, "w");
	fl = fopen(lat, "w");
	if (!ft || !fl) {
		if (ft)
			fclose(ft);
		if (fl)
			fclose(fl);
		snprintf(err, errlen, "cannot write %s", thr);
		return -1;
	}
	fprintf(ft, "# %s_ops_per_s sim_ops_per_s policy:job:stressor rgb point\n", real);
	fprintf(fl, "# %s_latency_us sim_latency_us policy:job:percentile rgb point\n", real);
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *sim = &s->groups[i], *r;
		struct plot_style st;
		if (strcmp(sim->target, "sim"))
			continue;
		plot_palette__style(pal, sim->policy, &st);
		for (int k = 0; k < s->nr_groups; k++) {
			r = &s->groups[k];
			if (strcmp(r->target, real) || strcmp(r->policy, sim->policy) || strcmp(r->job, sim->job))
				continue;
			for (int m = 0; m < sim->nr_metrics; m++) {
				const char *n = sim->metrics[m].name;
				const struct metric *rm = group__metric(r, n);
				char label[256];
				if (!rm || !isfinite(rm->median) || !isfinite(sim->metrics[m].median))
					continue;
				if (!strncmp(n, "ops_per_s.", 10)) {
					snprintf(label, sizeof(label), "%s:%s:%s", sim->policy, sim->job, n + 10);
					scatter_point(ft, &tr, rm->median, sim->metrics[m].median, label, &st);
					points++;
				} else if (!strcmp(n, "wakeup_p50_ns") || !strcmp(n, "wakeup_p99_ns")) {
					snprintf(label, sizeof(label), "%s:%s:%s", sim->policy, sim->job, n + 7);
					label[strlen(label) - 3] = 0; /* p50_ns -> p50 */
					scatter_point(fl, &lr, rm->median / 1e3, sim->metrics[m].median / 1e3, label, &st);
					points++;
				}
			}
		}
	}
	fclose(ft);
	fclose(fl);
	if (!points)
		return 0;
	/* the real side named by its kernel, and marked when it ran emulated */
	char real_label[256];
	snprintf(real_label, sizeof(real_label), "%s", real);
	for (int k = 0; k < s->nr_groups; k++) {
		const struct group *r = &s->groups[k];
		if (!strcmp(r->target, real) && r->kernel[0]) {
			snprintf(real_label, sizeof(real_label), "%s (%.60s%s)", real, r->kernel,
				 group__emulated(r) ? ", TCG emulated" : "");
			break;
		}
	}
	range_bounds(&tr, &tlo, &thi);
	range_bounds(&lr, &llo, &lhi);
	snprintf(vars, sizeof(vars),
		 "thrfile='%.3000s'; latfile='%.3000s'; outbase='%.3000s'; real='%s'; tlo=%.6g; thi=%.6g; llo=%.6g; lhi=%.6g",
		 thr, lat, base, real_label, tlo, thi, llo, lhi);
	return plot_run__gnuplot("sim_vs_real.gp", vars, base, err, errlen);
}

int plots__make(const struct summary *s, const char *out, const char *dir, char *err, size_t errlen)
{
	char path[4096], jobs[32][64], reals[2][72];
	int nr_jobs = 0, nr_reals = 0, rc = 0;
	struct plot_palette *pal;

	if (proc__which("gnuplot", path, sizeof(path))) {
		snprintf(err, errlen, "gnuplot is not installed (scripts/deps.sh installs it); the data is in summary.csv");
		return -1;
	}
	if (scxlab__mkdirs(dir)) {
		snprintf(err, errlen, "cannot create %s", dir);
		return -1;
	}
	for (int i = 0; i < s->nr_groups; i++) {
		int k;
		for (k = 0; k < nr_jobs && strcmp(jobs[k], s->groups[i].job); k++)
			;
		if (k == nr_jobs && nr_jobs < 32)
			snprintf(jobs[nr_jobs++], sizeof(jobs[0]), "%s", s->groups[i].job);
		for (k = 0; k < nr_reals && strcmp(reals[k], s->groups[i].target); k++)
			;
		if (k == nr_reals && nr_reals < 2 && strcmp(s->groups[i].target, "sim"))
			snprintf(reals[nr_reals++], sizeof(reals[0]), "%s", s->groups[i].target);
	}
	/* one colour assignment for every figure */
	pal = plot_palette__new(s);
	for (int j = 0; j < nr_jobs; j++) {
		rc |= plots__latency(s, pal, out, dir, jobs[j], err, errlen);
		rc |= throughput_plot(s, pal, dir, jobs[j], err, errlen);
	}
	for (int r = 0; r < nr_reals; r++)
		rc |= scatter_plot(s, pal, dir, reals[r], err, errlen);
	rc |= plots__sweep(s, pal, dir, err, errlen);
	plot_palette__free(pal);
	if (!rc)
		printf("plots: %s/*.png (and .svg, .pdf)\n", dir);
	return rc;
}
