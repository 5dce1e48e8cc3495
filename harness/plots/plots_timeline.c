/*
 * The per-CPU timeline figure of a window of a simulated run (see plots.h).
 */
#include "harness/plots/plots.h"
#include "harness/plots/plot_run.h"
#include "harness/plots/plots_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAMED_TASKS 8
#define SLICES_PER_CPU 150

struct tl_slice {
	int cpu;
	double start, end;   /* us */
	int pid;
	char comm[64], cls[8];
};

struct tl_name {
	char comm[64];
	double busy;         /* us within the window drawn */
	int pids;
};

static int cmp_start(const void *a, const void *b)
{
	double x = ((const struct tl_slice *)a)->start, y = ((const struct tl_slice *)b)->start;
	return (x > y) - (x < y);
}

static int cmp_busy(const void *a, const void *b)
{
	const struct tl_name *x = a, *y = b;
	if (x->busy != y->busy)
		return x->busy < y->busy ? 1 : -1;
	return strcmp(x->comm, y->comm);
}

static struct tl_slice *read_slices(const char *path, size_t *nr, int *max_cpu)
{
	FILE *f = fopen(path, "r");
	char line[512];
	struct tl_slice *v = NULL, s;
	size_t cap = 0;

	*nr = 0;
	*max_cpu = -1;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %lf %lf %d %63s %7s", &s.cpu, &s.start, &s.end, &s.pid, s.comm, s.cls) != 6)
			continue;
		if (*nr == cap) {
			cap = cap ? cap * 2 : 1024;
			struct tl_slice *n = realloc(v, cap * sizeof(*v));
			if (!n)
				break;
			v = n;
		}
		v[(*nr)++] = s;
		if (s.cpu > *max_cpu)
			*max_cpu = s.cpu;
	}
	fclose(f);
	return v;
}

int plots__timeline(const char *datafile, const char *outbase, const char *what, int ncpu, char *err, size_t errlen)
{
	char plotdat[4400], titles[2048] = "", vars[16384], fullwhat[512];
	struct tl_name names[256];
	size_t nr = 0;
	int max_cpu, nr_names = 0;
	struct tl_slice *v;
	FILE *f;

	if (access(datafile, R_OK)) {
		snprintf(err, errlen, "%s: no timeline", datafile);
		return -1;
	}
	v = read_slices(datafile, &nr, &max_cpu);
	if (!nr) {
		free(v);
		return 0; /* nothing ran in the window */
	}
	if (ncpu <= 0)
		ncpu = max_cpu + 1;
	qsort(v, nr, sizeof(*v), cmp_start);
	/* the window drawn: all of it, or its start when slices are too dense to read */
	double from = v[0].start, to = 0;
	for (size_t i = 0; i < nr; i++)
		to = v[i].end > to ? v[i].end : to;
	/* zoom in where one CPU alone would have more slices than a row can show */
	bool zoomed = false;
	int *per_cpu = calloc((size_t)(max_cpu + 1), sizeof(*per_cpu));
	for (size_t i = 0; per_cpu && i < nr && !zoomed; i++) {
		if (++per_cpu[v[i].cpu] > SLICES_PER_CPU) {
			to = v[i].start;
			zoomed = true;
		}
	}
	free(per_cpu);
	/* the busiest names in that window */
	for (size_t i = 0; i < nr && v[i].start < to; i++) {
		int k;
		for (k = 0; k < nr_names && strcmp(names[k].comm, v[i].comm); k++)
			;
		if (k == nr_names) {
			if (nr_names == 256)
				continue;
			memset(&names[k], 0, sizeof(names[k]));
			snprintf(names[k].comm, sizeof(names[k].comm), "%s", v[i].comm);
			nr_names++;
		}
		names[k].busy += (v[i].end < to ? v[i].end : to) - v[i].start;
	}
	qsort(names, (size_t)nr_names, sizeof(names[0]), cmp_busy);
	snprintf(plotdat, sizeof(plotdat), "%s.dat", outbase);
	if (!strcmp(plotdat, datafile))
		snprintf(plotdat, sizeof(plotdat), "%s.plot.dat", outbase);
	f = fopen(plotdat, "w");
	if (!f) {
		free(v);
		snprintf(err, errlen, "cannot write %s", plotdat);
		return -1;
	}
	fprintf(f, "# scxlab timeline figure: cpu start_us end_us; a block per named task, the last one the others\n");
	int blocks = nr_names < NAMED_TASKS ? nr_names : NAMED_TASKS;
	for (int b = 0; b <= blocks; b++) {
		int others = 0;
		if (b == blocks && nr_names <= NAMED_TASKS)
			break;
		fprintf(f, "# %s\n", b < blocks ? names[b].comm : "other");
		for (size_t i = 0; i < nr && v[i].start < to; i++) {
			int k;
			for (k = 0; k < blocks && strcmp(names[k].comm, v[i].comm); k++)
				;
			if ((b < blocks && k != b) || (b == blocks && k < blocks))
				continue;
			fprintf(f, "%d %.3f %.3f\n", v[i].cpu, v[i].start, v[i].end < to ? v[i].end : to);
		}
		fprintf(f, "\n\n");
		if (b < blocks) {
			plots__append_word(titles, sizeof(titles), names[b].comm);
		} else {
			others = nr_names - blocks;
			plots__append_wordf(titles, sizeof(titles), "other(%d_names)", others);
		}
	}
	fclose(f);
	free(v);
	if (!nr_names)
		return 0;
	snprintf(fullwhat, sizeof(fullwhat), "%s, %.2f-%.2f ms%s", what, from / 1e3, to / 1e3,
		 zoomed ? " (zoomed in: the first slices of the window)" : "");
	snprintf(vars, sizeof(vars),
		 "datafile='%.3000s'; outbase='%.3000s'; titles='%s'; what='%s'; ncpu=%d; nnamed=%d", plotdat, outbase, titles,
		 fullwhat, ncpu, blocks);
	return plot_run__gnuplot("timeline.gp", vars, outbase, err, errlen);
}
