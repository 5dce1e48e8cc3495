/*
 * A comparison's wakeup-latency figure per job: CDF and CCDF of every policy/target, from the
 * histograms of its runs' result.json files (see plots.h).
 */
#include "harness/plots/plots_internal.h"
#include "harness/plots/plot_run.h"
#include "harness/plots/plot_style.h"
#include "harness/results/result_read.h"
#include "sim/metrics/hist.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 64

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

struct series {
	const struct group *g;
	uint64_t counts[HIST_BUCKETS];
	uint64_t total;
	int same_as;             /* index of an earlier series with the same distribution, or -1 */
};

/* The pooled histogram of every run of @g. */
static void load_series(const char *out, const struct group *g, struct series *sr)
{
	char pattern[4400];
	glob_t gl;

	memset(sr->counts, 0, sizeof(sr->counts));
	sr->g = g;
	sr->total = 0;
	sr->same_as = -1;
	snprintf(pattern, sizeof(pattern), "%s/runs/%s/%s/%s/r*/result.json", out, g->target, g->policy, g->job);
	if (glob(pattern, 0, NULL, &gl))
		return;
	for (size_t k = 0; k < gl.gl_pathc; k++)
		add_buckets(gl.gl_pathv[k], sr->counts);
	globfree(&gl);
	for (unsigned int b = 0; b < HIST_BUCKETS; b++)
		sr->total += sr->counts[b];
}

static void write_block(FILE *f, const struct series *sr, const struct plot_style *st)
{
	uint64_t cum = 0;

	fprintf(f, "# %s/%s color=%s point=%d\n", sr->g->policy, sr->g->target, st->color, st->point);
	for (unsigned int b = 0; b < HIST_BUCKETS; b++) {
		if (!sr->counts[b])
			continue;
		/* CDF at the bucket's top; CCDF P(latency >= bucket's bottom), never 0 on a log axis */
		uint64_t before = cum;
		cum += sr->counts[b];
		fprintf(f, "%.4f %.6f %.4f %.6g\n", (double)(hist__bucket_high(b) + 1) / 1e3, (double)cum / (double)sr->total,
			(double)hist__bucket_low(b) / 1e3, (double)(sr->total - before) / (double)sr->total);
	}
	fprintf(f, "\n\n");
}

int plots__latency(const struct summary *s, const struct plot_palette *pal, const char *out, const char *dir,
		   const char *job, char *err, size_t errlen)
{
	char dat[4300], base[4300], titles[4096] = "", colors[1024] = "", points[512] = "", dashes[512] = "";
	char vars[16384];
	struct series *sr = calloc(MAX_SERIES, sizeof(*sr));
	int n = 0, rc;
	FILE *f;

	if (!sr) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < s->nr_groups && n < MAX_SERIES; i++) {
		if (strcmp(s->groups[i].job, job))
			continue;
		load_series(out, &s->groups[i], &sr[n]);
		if (!sr[n].total)
			continue;
		/* identical distributions hide each other: the later one says so in the key */
		for (int k = 0; k < n && sr[n].same_as < 0; k++)
			if (sr[k].total == sr[n].total && !memcmp(sr[k].counts, sr[n].counts, sizeof(sr[n].counts)))
				sr[n].same_as = k;
		n++;
	}
	if (!n) {
		free(sr);
		return 0;
	}
	snprintf(dat, sizeof(dat), "%s/latency_cdf-%s.dat", dir, job);
	snprintf(base, sizeof(base), "%s/latency_cdf-%s", dir, job);
	f = fopen(dat, "w");
	if (!f) {
		free(sr);
		snprintf(err, errlen, "cannot write %s", dat);
		return -1;
	}
	fprintf(f, "# scxlab wakeup latency: latency_us_high cdf latency_us_low ccdf, a block per series\n");
	for (int i = 0; i < n; i++) {
		const struct group *g = sr[i].g;
		struct plot_style st;
		char title[320];

		plot_palette__style(pal, g->policy, &st);
		write_block(f, &sr[i], &st);
		plots__series_title(g, title, sizeof(title));
		if (sr[i].same_as >= 0) {
			size_t l = strlen(title);
			snprintf(title + l, sizeof(title) - l, "(=%s/%s)", sr[sr[i].same_as].g->policy,
				 sr[sr[i].same_as].g->target);
		}
		plots__append_word(titles, sizeof(titles), title);
		plots__append_word(colors, sizeof(colors), st.color);
		plots__append_wordf(points, sizeof(points), "%d", st.point);
		plots__append_wordf(dashes, sizeof(dashes), "%d", strcmp(g->target, "sim") ? 2 : 1);
	}
	fclose(f);
	free(sr);
	snprintf(vars, sizeof(vars),
		 "datafile='%.3000s'; outbase='%.3000s'; job='%s'; titles='%s'; colors='%s'; points='%s'; dashes='%s'", dat, base,
		 job, titles, colors, points, dashes);
	rc = plot_run__gnuplot("latency_cdf.gp", vars, base, err, errlen);
	return rc;
}
