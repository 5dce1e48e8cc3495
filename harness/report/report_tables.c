/*
 * A comparison's table as text and Markdown (see report_tables.h).
 */
#include "harness/report/report_tables.h"
#include "harness/report/summary_print.h"
#include "harness/util/atomic_file.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const report_tables__heads[] = {
	"policy", "target", "runs", "wake p50", "wake p99", "wake max", "rdelay", "migr", "ctxsw", NULL,
};

const char *const report_tables__legend[] = {
	"runs: finished runs (simulator: seeds; real targets: repetitions); '!' when some did not finish",
	"wake p50 / p99 / max: wakeup latency in us, from the wakeup (sched_waking) until the task runs",
	"rdelay: mean run delay in us, every wait of a runnable task for a CPU (wakeups and preemptions)",
	"migr: migrations over the run; ctxsw: context switches over the run",
	"bogo-ops/s: each stressor's bogo operations per second of wall time (stress-ng's measure)",
	"figures are medians over the runs; POLICY FAILED: a run's verdict was failed (error exit, stall, lost or starved task)",
	NULL,
};

int report_tables__jobs(const struct summary *s, char (*jobs)[64], int max)
{
	int n = 0;

	for (int i = 0; i < s->nr_groups; i++) {
		int k;
		for (k = 0; k < n && strcmp(jobs[k], s->groups[i].job); k++)
			;
		if (k == n && n < max)
			snprintf(jobs[n++], 64, "%s", s->groups[i].job);
	}
	return n;
}

static double med(const struct group *g, const char *name)
{
	const struct metric *m = group__metric(g, name);
	return m ? m->median : NAN;
}

void report_tables__row(const struct group *g, struct report_row *row)
{
	static const char *const metrics[] = { "wakeup_p50_ns", "wakeup_p99_ns", "wakeup_max_ns", "run_delay_mean_ns" };
	int c = 0;

	memset(row, 0, sizeof(*row));
	snprintf(row->cells[c++], 64, "%s", g->policy);
	snprintf(row->cells[c++], 64, "%.56s%s", g->target, group__emulated(g) ? " (TCG)" : "");
	snprintf(row->cells[c++], 64, "%d%s", g->runs, g->failed ? "!" : "");
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		snprintf(row->cells[c++], 64, "%.1f", med(g, metrics[i]) / 1e3);
	snprintf(row->cells[c++], 64, "%.0f", med(g, "migrations"));
	snprintf(row->cells[c++], 64, "%.0f", med(g, "context_switches"));
	row->nr_cells = c;
	for (int k = 0; k < g->nr_metrics; k++) {
		size_t l = strlen(row->stressors);
		if (!strncmp(g->metrics[k].name, "ops_per_s.", 10))
			snprintf(row->stressors + l, sizeof(row->stressors) - l, "%s%s %.0f", l ? ", " : "",
				 g->metrics[k].name + 10, g->metrics[k].median);
	}
	row->status = g->policy_failed ? "POLICY FAILED" : g->failed ? "runs failed" : "ok";
}

static void markdown(FILE *f, const void *ctx)
{
	const struct summary *s = ctx;
	char jobs[32][64];
	int nr_jobs = report_tables__jobs(s, jobs, 32);

	for (int j = 0; j < nr_jobs; j++) {
		fprintf(f, "%s### job %s\n\n|", j ? "\n" : "", jobs[j]);
		for (int h = 0; report_tables__heads[h]; h++)
			fprintf(f, " %s |", report_tables__heads[h]);
		fprintf(f, " bogo-ops/s per stressor | status |\n|");
		for (int h = 0; report_tables__heads[h]; h++)
			fprintf(f, "%s", h < 2 ? "---|" : "---:|");
		fprintf(f, "---|---|\n");
		for (int i = 0; i < s->nr_groups; i++) {
			struct report_row row;
			if (strcmp(s->groups[i].job, jobs[j]))
				continue;
			report_tables__row(&s->groups[i], &row);
			fputc('|', f);
			for (int c = 0; c < row.nr_cells; c++)
				fprintf(f, " %s |", row.cells[c]);
			fprintf(f, " %s | %s |\n", row.stressors, row.status);
		}
		for (int i = 0; i < s->nr_groups; i++)
			if (!strcmp(s->groups[i].job, jobs[j]) && s->groups[i].failure[0])
				fprintf(f, "\n- **%s on %s failed**: %s\n", s->groups[i].policy, s->groups[i].target,
					s->groups[i].failure);
	}
	fprintf(f, "\nColumns:\n\n");
	for (int k = 0; report_tables__legend[k]; k++)
		fprintf(f, "- %s\n", report_tables__legend[k]);
}

static void text(FILE *f, const void *ctx)
{
	summary__print(ctx, f);
}

int report_tables__write(const struct summary *s, const char *dir, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/table.txt", dir);
	if (atomic_file__write_with(path, text, s, err, errlen))
		return -1;
	snprintf(path, sizeof(path), "%s/table.md", dir);
	return atomic_file__write_with(path, markdown, s, err, errlen);
}
