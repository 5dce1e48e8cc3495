/*
 * Tidy CSV tables of a comparison (see summary_csv.h).
 */
#include "harness/results/summary_csv.h"
#include "harness/util/atomic_file.h"
#include "harness/results/group_label.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KNOB_COLUMNS 16

struct columns {
	char knobs[MAX_KNOB_COLUMNS][48];
	int nr_knobs;
};

/* A field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void field(FILE *f, const char *text)
{
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

static const char *group_status(const struct group *g)
{
	return g->policy_failed ? "policy failed" : g->failed ? "runs failed" : "ok";
}

static void header(FILE *f, const struct columns *c, const char *tail)
{
	fputs("target,kernel,accel,policy", f);
	for (int k = 0; k < c->nr_knobs; k++) {
		fputs(",knob.", f);
		field(f, c->knobs[k]);
	}
	fprintf(f, ",job,topology,%s\n", tail);
}

/* The columns every row starts with, up to and including the topology. */
static void identity(FILE *f, const struct columns *c, const struct group *g, const struct group_label *l)
{
	field(f, g->target);
	fputc(',', f);
	field(f, g->kernel);
	fputc(',', f);
	field(f, g->accel);
	fputc(',', f);
	field(f, l->policy);
	for (int k = 0; k < c->nr_knobs; k++) {
		const char *v = group_label__knob(l, c->knobs[k]);
		fputc(',', f);
		field(f, v ? v : "");
	}
	fputc(',', f);
	field(f, l->job);
	fputc(',', f);
	field(f, l->topology);
}

/* The seed of run @run of @g: the @run-th entry of its "seeds" input, or "" if not recorded. */
static void seed_of(const struct group *g, int run, char *out, size_t len)
{
	const char *seeds = group__input(g, "seeds");

	out[0] = 0;
	for (int i = 0; seeds && *seeds; i++) {
		size_t n = strcspn(seeds, ",");
		if (i == run) {
			snprintf(out, len, "%.*s", (int)n, seeds);
			return;
		}
		seeds += n + (seeds[n] == ',');
	}
}

/* What the table writers read: the summary, its knob columns, and which table. */
struct tables {
	const struct summary *s;
	struct columns c;
	bool runs;              /* runs.csv, else summary.csv */
};

/* summary.csv: a row per metric of @g, with its median, min and max. */
static void summary_rows(FILE *f, const struct columns *c, const struct group *g, const struct group_label *l)
{
	for (int k = 0; k < g->nr_metrics; k++) {
		const struct metric *m = &g->metrics[k];
		identity(f, c, g, l);
		fprintf(f, ",%s,%.17g,%.17g,%.17g,%d,%s\n", m->name, m->median, m->min, m->max, m->n, group_status(g));
	}
}

/* runs.csv: run by run, each run's metrics in the group's metric order. */
static void run_rows(FILE *f, const struct columns *c, const struct group *g, const struct group_label *l)
{
	for (int run = 0; run < g->runs; run++) {
		char seed[24];
		seed_of(g, run, seed, sizeof(seed));
		for (int k = 0; k < g->nr_metrics; k++) {
			const struct metric *m = &g->metrics[k];
			for (int v = 0; v < m->n; v++) {
				if (m->run[v] != run)
					continue;
				identity(f, c, g, l);
				fprintf(f, ",%d,%s,%s,%.17g,%s\n", run + 1, seed, m->name, m->values[v], group_status(g));
			}
		}
	}
}

static void table(FILE *f, const void *ctx)
{
	const struct tables *t = ctx;

	header(f, &t->c, t->runs ? "run,seed,metric,value,status" : "metric,median,min,max,runs,status");
	for (int i = 0; i < t->s->nr_groups; i++) {
		const struct group *g = &t->s->groups[i];
		struct group_label l;
		group_label__parse(g, &l);
		(t->runs ? run_rows : summary_rows)(f, &t->c, g, &l);
	}
}

int summary_csv__write(const struct summary *s, const char *dir, char *err, size_t errlen)
{
	struct tables t = { .s = s };
	char path[4200];

	t.c.nr_knobs = group_label__knob_names(s, t.c.knobs, MAX_KNOB_COLUMNS);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	if (atomic_file__write_with(path, table, &t, err, errlen))
		return -1;
	t.runs = true;
	snprintf(path, sizeof(path), "%s/runs.csv", dir);
	return atomic_file__write_with(path, table, &t, err, errlen);
}
