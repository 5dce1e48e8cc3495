/*
 * Drawing `scxlab validate`'s figure (see validate_plot.h).
 */
#include "harness/validate/validate_plot.h"
#include "harness/plots/plot_run.h"
#include "harness/plots/plot_style.h"
#include "harness/util/proc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_OPS, P_LAT, P_RATE, P_ZERO, NR_PANELS };

struct panel {
	FILE *f;
	char path[4300];
	double lo, hi;          /* positive values seen, for the log axes */
};

static void seen(struct panel *p, double v)
{
	if (!(v > 0) || !isfinite(v))
		return;
	if (!p->lo || v < p->lo)
		p->lo = v;
	if (v > p->hi)
		p->hi = v;
}

static int panel_of(const char *metric, bool *open)
{
	*open = !strcmp(metric, "ops_per_cpu_s") || !strcmp(metric, "wakeup_p99_ns") ||
		!strcmp(metric, "migrations_per_s");
	if (!strncmp(metric, "ops_", 4))
		return P_OPS;
	if (!strncmp(metric, "wakeup_", 7))
		return P_LAT;
	if (!strcmp(metric, "zero_wait_pct"))
		return P_ZERO;
	return P_RATE;
}

static void point(struct panel *p, const struct validate_row *w, const struct plot_style *st, bool open)
{
	double k = validate_metric__scale(w->metric);
	const struct metric *a = w->real, *b = w->sim;

	seen(p, a->min * k);
	seen(p, a->max * k);
	seen(p, b->min * k);
	seen(p, b->max * k);
	/* open markers are the filled ones' outline: gnuplot's filled types 5, 7, 9 ... have it one below */
	fprintf(p->f, "%.6g %.6g %.6g %.6g %.6g %.6g %s:%s:%s%s%s %ld %d\n", a->median * k, a->min * k, a->max * k,
		b->median * k, b->min * k, b->max * k, w->policy, w->job, w->stressor, w->stressor[0] ? ":" : "",
		w->metric, strtol(st->color + 1, NULL, 16), open ? st->point - 1 : st->point);
}

int validate_plot__make(const struct validate_report *r, const char *dir, char *err, size_t errlen)
{
	static const char *const names[NR_PANELS] = { "ops", "latency", "rates", "zero_wait" };
	struct panel p[NR_PANELS] = { 0 };
	char exe[4096], base[4300], vars[20000];
	struct plot_palette *pal;
	int rc = 0;

	if (proc__which("gnuplot", exe, sizeof(exe))) {
		snprintf(err, errlen, "gnuplot is not installed (scripts/deps.sh installs it); the data is in validate.csv");
		return -1;
	}
	for (int i = 0; i < NR_PANELS; i++) {
		snprintf(p[i].path, sizeof(p[i].path), "%s/validate-%s.dat", dir, names[i]);
		p[i].f = fopen(p[i].path, "w");
		if (!p[i].f) {
			snprintf(err, errlen, "%s: cannot write it", p[i].path);
			rc = -1;
		} else {
			fprintf(p[i].f, "# real_median real_min real_max sim_median sim_min sim_max policy:job:what rgb point\n");
		}
	}
	pal = rc ? NULL : plot_palette__new(r->summary);
	for (int i = 0; !rc && i < r->nr_rows; i++) {
		const struct validate_row *w = &r->rows[i];
		struct plot_style st;
		bool open = false;
		if (!w->real || !w->sim || !w->real->n || !w->sim->n)
			continue;
		plot_palette__style(pal, w->policy, &st);
		int panel = panel_of(w->metric, &open);
		point(&p[panel], w, &st, open);
	}
	plot_palette__free(pal);
	for (int i = 0; i < NR_PANELS; i++)
		if (p[i].f && fclose(p[i].f) && !rc) {
			snprintf(err, errlen, "%s: cannot write it", p[i].path);
			rc = -1;
		}
	if (rc)
		return rc;
	for (int i = 0; i < NR_PANELS; i++) {
		p[i].lo = p[i].lo ? p[i].lo / 3 : 1;
		p[i].hi = p[i].hi ? p[i].hi * 3 : 10;
	}
	snprintf(base, sizeof(base), "%s/validate", dir);
	snprintf(vars, sizeof(vars),
		 "opsfile='%.4000s'; latfile='%.4000s'; ratefile='%.4000s'; zerofile='%.4000s'; outbase='%.3000s'; "
		 "real='%.200s'; olo=%.6g; ohi=%.6g; llo=%.6g; lhi=%.6g; rlo=%.6g; rhi=%.6g",
		 p[P_OPS].path, p[P_LAT].path, p[P_RATE].path, p[P_ZERO].path, base, r->target_text, p[P_OPS].lo,
		 p[P_OPS].hi, p[P_LAT].lo, p[P_LAT].hi, p[P_RATE].lo, p[P_RATE].hi);
	return plot_run__gnuplot("validate.gp", vars, base, err, errlen);
}
