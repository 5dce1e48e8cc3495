/*
 * A comparison's plots (see plots.h).
 */
#include "harness/plots.h"
#include "harness/paths.h"
#include "harness/proc.h"
#include "harness/result_read.h"
#include "sim/metrics/hist.h"

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Add the wakeup histogram buckets of one result.json to @counts (by bucket index). */
static void add_buckets(const char *path, uint64_t *counts)
{
	char *doc = result_read__file(path);
	const char *at = doc ? strstr(doc, "\"wakeup\": {") : NULL;

	at = at ? strstr(at, "\"buckets\": [") : NULL;
	if (at) {
		const char *end = strstr(at, "\n      ]");
		for (at += 12; (at = strchr(at, '[')) && (!end || at < end); at++) {
			unsigned long long lo, n;
			if (sscanf(at, "[%llu, %llu]", &lo, &n) == 2)
				counts[hist__bucket_of(lo)] += n;
		}
	}
	free(doc);
}

static int gnuplot(const char *script, const char *vars, char *err, size_t errlen)
{
	struct argv_buf a = { 0 };
	int rc;

	argv__add(&a, "gnuplot");
	argv__add(&a, "-e");
	argv__add(&a, vars);
	argv__addf(&a, "%s/harness/plots/%s", scxlab__root(), script);
	rc = proc__run(&a);
	argv__free(&a);
	if (rc)
		snprintf(err, errlen, "gnuplot %s failed (exit %d)", script, rc);
	return rc ? -1 : 0;
}

static int policy_color(const struct summary *s, const char *policy)
{
	char seen[32][64];
	int n = 0;

	for (int i = 0; i < s->nr_groups && n < 32; i++) {
		int k;
		for (k = 0; k < n && strcmp(seen[k], s->groups[i].policy); k++)
			;
		if (k == n)
			snprintf(seen[n++], sizeof(seen[0]), "%s", s->groups[i].policy);
		if (!strcmp(seen[k], policy))
			return k % 8 + 1;
	}
	return 1;
}

static int cdf_plot(const struct summary *s, const char *out, const char *dir, const char *job, char *err,
		    size_t errlen)
{
	char dat[4300], base[4300], titles[2048] = "", colors[512] = "", dashes[512] = "", vars[16384];
	FILE *f;
	int blocks = 0;

	snprintf(dat, sizeof(dat), "%s/latency_cdf-%s.dat", dir, job);
	snprintf(base, sizeof(base), "%s/latency_cdf-%s", dir, job);
	f = fopen(dat, "w");
	if (!f) {
		snprintf(err, errlen, "cannot write %s", dat);
		return -1;
	}
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		static uint64_t counts[HIST_BUCKETS];
		char pattern[4400];
		uint64_t total = 0, cum = 0;
		glob_t gl;

		if (strcmp(g->job, job))
			continue;
		memset(counts, 0, sizeof(counts));
		snprintf(pattern, sizeof(pattern), "%s/runs/%s/%s/%s/r*/result.json", out, g->target, g->policy, job);
		if (glob(pattern, 0, NULL, &gl))
			continue;
		for (size_t k = 0; k < gl.gl_pathc; k++)
			add_buckets(gl.gl_pathv[k], counts);
		globfree(&gl);
		for (unsigned int b = 0; b < HIST_BUCKETS; b++)
			total += counts[b];
		if (!total)
			continue;
		fprintf(f, "# %s/%s\n", g->policy, g->target);
		for (unsigned int b = 0; b < HIST_BUCKETS; b++) {
			if (!counts[b])
				continue;
			cum += counts[b];
			fprintf(f, "%.4f %.6f\n", (double)(hist__bucket_high(b) + 1) / 1e3, (double)cum / (double)total);
		}
		fprintf(f, "\n\n");
		size_t tl = strlen(titles), cl = strlen(colors), dl = strlen(dashes);
		snprintf(titles + tl, sizeof(titles) - tl, "%s%s/%s%s%s", blocks ? " " : "", g->policy, g->target,
			 group__emulated(g) ? "[TCG]" : "", g->policy_failed ? "[FAILED]" : "");
		snprintf(colors + cl, sizeof(colors) - cl, "%s%d", blocks ? " " : "", policy_color(s, g->policy));
		snprintf(dashes + dl, sizeof(dashes) - dl, "%s%d", blocks ? " " : "", strcmp(g->target, "sim") ? 2 : 1);
		blocks++;
	}
	fclose(f);
	if (!blocks)
		return 0;
	snprintf(vars, sizeof(vars), "datafile='%.3000s'; outbase='%.3000s'; job='%s'; titles='%s'; colors='%s'; dashes='%s'",
		 dat, base, job, titles, colors, dashes);
	return gnuplot("latency_cdf.gp", vars, err, errlen);
}

static int throughput_plot(const struct summary *s, const char *dir, const char *job, char *err, size_t errlen)
{
	char dat[4300], base[4300], titles[2048] = "", vars[16384], stressors[16][64];
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
	for (int c = 0; c < cols; c++)
		fprintf(f, " %s/%s(median min max)", gs[c]->policy, gs[c]->target);
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
		size_t tl = strlen(titles);
		snprintf(titles + tl, sizeof(titles) - tl, "%s%s/%s%s%s", c ? " " : "", gs[c]->policy, gs[c]->target,
			 group__emulated(gs[c]) ? "[TCG]" : "", gs[c]->policy_failed ? "[FAILED]" : "");
	}
	snprintf(vars, sizeof(vars), "datafile='%.3000s'; outbase='%.3000s'; job='%s'; titles='%s'", dat, base, job, titles);
	return gnuplot("throughput.gp", vars, err, errlen);
}

/* Points (real median, sim median) for every policy x job x stressor / percentile. */
static int scatter_plot(const struct summary *s, const char *dir, const char *real, char *err, size_t errlen)
{
	char thr[4300], lat[4300], base[4300], vars[16384];
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
	fprintf(ft, "# %s_ops_per_s sim_ops_per_s policy:job:stressor\n", real);
	fprintf(fl, "# %s_latency_us sim_latency_us policy:job:percentile\n", real);
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *sim = &s->groups[i], *r;
		if (strcmp(sim->target, "sim"))
			continue;
		for (int k = 0; k < s->nr_groups; k++) {
			r = &s->groups[k];
			if (strcmp(r->target, real) || strcmp(r->policy, sim->policy) || strcmp(r->job, sim->job))
				continue;
			for (int m = 0; m < sim->nr_metrics; m++) {
				const char *n = sim->metrics[m].name;
				const struct metric *rm = group__metric(r, n);
				if (!rm || rm->median <= 0 || sim->metrics[m].median <= 0)
					continue;
				if (!strncmp(n, "ops_per_s.", 10)) {
					fprintf(ft, "%.6g %.6g %s:%s:%s\n", rm->median, sim->metrics[m].median, sim->policy, sim->job, n + 10);
					points++;
				} else if (!strcmp(n, "wakeup_p50_ns") || !strcmp(n, "wakeup_p99_ns")) {
					fprintf(fl, "%.6g %.6g %s:%s:%s\n", rm->median / 1e3, sim->metrics[m].median / 1e3, sim->policy,
						sim->job, n);
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
	char real_label[160];
	snprintf(real_label, sizeof(real_label), "%s", real);
	for (int k = 0; k < s->nr_groups; k++) {
		const struct group *r = &s->groups[k];
		if (!strcmp(r->target, real) && r->kernel[0]) {
			snprintf(real_label, sizeof(real_label), "%s (%.60s%s)", real, r->kernel,
				 group__emulated(r) ? ", TCG emulated" : "");
			break;
		}
	}
	snprintf(vars, sizeof(vars), "thrfile='%.3000s'; latfile='%.3000s'; outbase='%.3000s'; real='%s'", thr, lat, base,
		 real_label);
	return gnuplot("sim_vs_real.gp", vars, err, errlen);
}

int plots__timeline(const char *datafile, const char *dir, const char *what, int ncpu, double t0_ms, char *err,
		    size_t errlen)
{
	char titles[2048] = "", line[512], vars[16384];
	FILE *f = fopen(datafile, "r");
	int n = 0;

	if (!f) {
		snprintf(err, errlen, "%s: no timeline", datafile);
		return -1;
	}
	/* block headers name the tasks, in block order (the first line is the file's header) */
	while (fgets(line, sizeof(line), f)) {
		char name[64];
		if (strncmp(line, "# scxlab", 8) && sscanf(line, "# %63s", name) == 1) {
			size_t tl = strlen(titles);
			snprintf(titles + tl, sizeof(titles) - tl, "%s%s", n++ ? " " : "", name);
		}
	}
	fclose(f);
	if (!n)
		return 0;
	snprintf(vars, sizeof(vars), "datafile='%.3000s'; outbase='%.3000s/timeline'; titles='%s'; what='%s'; ncpu=%d; t0=%g",
		 datafile, dir, titles, what, ncpu, t0_ms);
	return gnuplot("timeline.gp", vars, err, errlen);
}

int plots__make(const struct summary *s, const char *out, const char *dir, char *err, size_t errlen)
{
	char path[4096], jobs[32][64], reals[2][72];
	int nr_jobs = 0, nr_reals = 0, rc = 0;

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
	for (int j = 0; j < nr_jobs; j++) {
		rc |= cdf_plot(s, out, dir, jobs[j], err, errlen);
		rc |= throughput_plot(s, dir, jobs[j], err, errlen);
	}
	for (int r = 0; r < nr_reals; r++)
		rc |= scatter_plot(s, dir, reals[r], err, errlen);
	if (!rc)
		printf("plots: %s/*.png (and .pdf)\n", dir);
	return rc;
}
