/*
 * Per-CPU timeline of a window of a simulated run (see timeline.h).
 */
#include "harness/report/timeline.h"
#include "harness/util/atomic_file.h"
#include "sim/core/sim.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slice {
	int cpu, pid;
	uint64_t start, end;
	char comm[16];
	char cls[5];
};

static struct {
	uint64_t from, to;
	uint64_t *since;            /* per CPU: when curr was switched in */
	struct slice *slices;
	size_t nr, cap;
	void (*chained)(struct sim *, int, struct sim_task *, struct sim_task *); /* a trace's hook */
} tl;

static void add(struct sim *sim, int cpu, const struct sim_task *t, uint64_t start, uint64_t end)
{
	if (end <= tl.from || start >= tl.to || !t)
		return;
	if (tl.nr == tl.cap) {
		size_t cap = tl.cap ? tl.cap * 2 : 4096;
		struct slice *s = realloc(tl.slices, cap * sizeof(*s));
		if (!s)
			return;
		tl.slices = s;
		tl.cap = cap;
	}
	struct slice *s = &tl.slices[tl.nr++];
	s->cpu = cpu;
	s->pid = t->ts.pid;
	s->start = start < tl.from ? tl.from : start;
	s->end = end > tl.to ? tl.to : end;
	snprintf(s->comm, sizeof(s->comm), "%s", t->ts.comm);
	snprintf(s->cls, sizeof(s->cls), "%s", t->cls == sim->ext_class ? "ext" : "fair");
}

static void on_switch(struct sim *sim, int cpu, struct sim_task *prev, struct sim_task *next)
{
	uint64_t now = sim__now(sim);

	if (prev)
		add(sim, cpu, prev, tl.since[cpu], now);
	tl.since[cpu] = now;
	if (tl.chained)
		tl.chained(sim, cpu, prev, next);
}

int timeline__start(struct sim *sim, uint64_t from_ns, uint64_t to_ns)
{
	tl.from = from_ns;
	tl.to = to_ns;
	tl.since = calloc((size_t)sim->nr_cpus, sizeof(*tl.since));
	if (!tl.since)
		return -1;
	tl.chained = sim->on_switch;
	sim->on_switch = on_switch;
	return 0;
}

/* The task's name without stress-ng's instance suffix digits, for grouping. */
static int same_group(const char *a, const char *b)
{
	return !strcmp(a, b);
}

int timeline__write(struct sim *sim, const char *path)
{
	char tmp[4200];
	FILE *f;
	bool *done;

	for (int c = 0; c < sim->nr_cpus; c++)
		if (sim->cpus[c].curr)
			add(sim, c, sim->cpus[c].curr, tl.since[c], sim__now(sim));
	f = atomic_file__open(path, tmp, sizeof(tmp));
	done = calloc(tl.nr ? tl.nr : 1, sizeof(*done));
	if (!f || !done) {
		if (f)
			atomic_file__abort(f, tmp);
		free(done);
		return -1;
	}
	fprintf(f, "# scxlab timeline: cpu start_us end_us pid comm class; one block per task name\n");
	for (size_t i = 0; i < tl.nr; i++) {
		if (done[i])
			continue;
		fprintf(f, "# %s\n", tl.slices[i].comm);
		for (size_t k = i; k < tl.nr; k++) {
			const struct slice *s = &tl.slices[k];
			if (done[k] || !same_group(s->comm, tl.slices[i].comm))
				continue;
			done[k] = true;
			fprintf(f, "%d %.3f %.3f %d %s %s\n", s->cpu, s->start / 1e3, s->end / 1e3, s->pid, s->comm, s->cls);
		}
		fprintf(f, "\n\n");
	}
	free(done);
	free(tl.slices);
	free(tl.since);
	sim->on_switch = tl.chained;
	memset(&tl, 0, sizeof(tl));
	return atomic_file__commit(f, tmp, path);
}
