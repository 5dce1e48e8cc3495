/*
 * A comparison's table printed as text (see summary_print.h).
 */
#include "harness/report/summary_print.h"
#include "harness/report/report_tables.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

static double med(const struct group *g, const char *name)
{
	const struct metric *m = group__metric(g, name);
	return m ? m->median : NAN;
}

static void print_body(const struct summary *s, FILE *f);

/*
 * Job @job's VM targets side by side when there are two or more (vm@6.12, vm@7.3: the same
 * policies and job on different kernels): one row per policy and metric, one column per target.
 */
static void print_across_kernels(const struct summary *s, const char *job, FILE *f)
{
	const char *tg[8], *pol[64];
	int nt = 0, np = 0;
	bool emulated = false;

	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		int k;
		if (strcmp(g->job, job) || strncmp(g->target, "vm", 2))
			continue;
		for (k = 0; k < nt && strcmp(tg[k], g->target); k++)
			;
		if (k == nt && nt < 8)
			tg[nt++] = g->target;
		for (k = 0; k < np && strcmp(pol[k], g->policy); k++)
			;
		if (k == np && np < 64)
			pol[np++] = g->policy;
		emulated |= group__emulated(g);
	}
	if (nt < 2)
		return;
	fprintf(f, "\n  across kernels%s (medians):\n  %-14s %-18s", emulated ? ", TCG (emulated)" : "", "policy", "metric");
	for (int t = 0; t < nt; t++)
		fprintf(f, " %14s", tg[t]);
	fprintf(f, "\n  %-14s %-18s", "", "kernel");
	for (int t = 0; t < nt; t++) {
		const char *rel = "-";
		for (int i = 0; i < s->nr_groups; i++)
			if (!strcmp(s->groups[i].target, tg[t]) && !strcmp(s->groups[i].job, job) && s->groups[i].kernel[0])
				rel = s->groups[i].kernel;
		fprintf(f, " %14.*s", (int)strcspn(rel, "+"), rel);
	}
	fputc('\n', f);
	for (int p = 0; p < np; p++) {
		const struct group *g0 = NULL;
		const char *names[SUMMARY_MAX_METRICS];
		int nn = 0;
		static const char *const fixed[] = { "wakeup_p50_ns", "wakeup_p99_ns", "run_delay_mean_ns",
						     "context_switches" };
		for (int k = 0; k < 4; k++)
			names[nn++] = fixed[k];
		for (int t = 0; t < nt && !g0; t++)
			g0 = summary__find((struct summary *)s, tg[t], pol[p], job);
		for (int k = 0; g0 && k < g0->nr_metrics && nn < SUMMARY_MAX_METRICS; k++)
			if (!strncmp(g0->metrics[k].name, "ops_per_s.", 10))
				names[nn++] = g0->metrics[k].name;
		for (int k = 0; k < nn; k++) {
			bool us = strstr(names[k], "_ns") != NULL;
			char label[64];
			snprintf(label, sizeof(label), "%s%s", strncmp(names[k], "ops_per_s.", 10) ? names[k] : names[k] + 10,
				 us ? "" : strncmp(names[k], "ops_per_s.", 10) ? "" : " ops/s");
			if (us)
				snprintf(label + strlen(label) - 3, sizeof(label) - strlen(label) + 3, " us");
			fprintf(f, "  %-14s %-18.18s", k ? "" : pol[p], label);
			for (int t = 0; t < nt; t++) {
				const struct group *g = summary__find((struct summary *)s, tg[t], pol[p], job);
				double v = g ? med(g, names[k]) : NAN;
				if (g && g->policy_failed)
					fprintf(f, " %14s", "FAILED");
				else if (isnan(v))
					fprintf(f, " %14s", "-");
				else
					fprintf(f, " %14.1f", us ? v / 1e3 : v);
			}
			fputc('\n', f);
		}
	}
}

void summary__print(const struct summary *s, FILE *f)
{
	print_body(s, f);
	for (int i = 0; i < s->nr_skipped; i++)
		fprintf(f, "\nNOT RUN: target %s\n", s->skipped[i]);
	fprintf(f, "\ncolumns:\n");
	for (int k = 0; report_tables__legend[k]; k++)
		fprintf(f, "  %s\n", report_tables__legend[k]);
}

static void print_body(const struct summary *s, FILE *f)
{
	char jobs[32][64];
	int nr_jobs = 0;

	for (int i = 0; i < s->nr_groups; i++) {
		int seen = 0;
		for (int j = 0; j < nr_jobs; j++)
			seen |= !strcmp(jobs[j], s->groups[i].job);
		if (!seen && nr_jobs < 32)
			snprintf(jobs[nr_jobs++], sizeof(jobs[0]), "%s", s->groups[i].job);
	}
	for (int j = 0; j < nr_jobs; j++) {
		fprintf(f, "\njob %s (medians over runs; latencies in us)\n", jobs[j]);
		fprintf(f, "%-14s %-7s %4s %9s %9s %10s %9s %10s %10s  %s\n", "policy", "tgt", "runs", "wake p50",
			"wake p99", "wake max", "rdelay", "migr", "ctxsw", "bogo-ops/s per stressor");
		for (int i = 0; i < s->nr_groups; i++) {
			const struct group *g = &s->groups[i];
			if (strcmp(g->job, jobs[j]))
				continue;
			fprintf(f, "%-14s %-7s %2d%s %9.1f %9.1f %10.1f %9.1f %10.0f %10.0f ", g->policy, g->target, g->runs,
				g->failed ? "!" : " ", med(g, "wakeup_p50_ns") / 1e3, med(g, "wakeup_p99_ns") / 1e3,
				med(g, "wakeup_max_ns") / 1e3, med(g, "run_delay_mean_ns") / 1e3, med(g, "migrations"),
				med(g, "context_switches"));
			for (int k = 0; k < g->nr_metrics; k++)
				if (!strncmp(g->metrics[k].name, "ops_per_s.", 10))
					fprintf(f, " %s %.0f", g->metrics[k].name + 10, g->metrics[k].median);
			if (g->policy_failed)
				fprintf(f, "  POLICY FAILED");
			fputc('\n', f);
		}
		/* what failed, and which kernel the real targets ran (emulated under TCG or not) */
		for (int i = 0; i < s->nr_groups; i++) {
			const struct group *g = &s->groups[i];
			if (strcmp(g->job, jobs[j]))
				continue;
			if (g->policy_failed)
				fprintf(f, "  FAILED %s on %s: %d of %d runs: %s\n", g->policy, g->target, g->policy_failed,
					g->runs + g->failed, g->failure);
			else if (g->failed)
				fprintf(f, "  %d run%s of %s on %s did not finish (their logs say why)\n", g->failed,
					g->failed == 1 ? "" : "s", g->policy, g->target);
		}
		for (int i = 0; i < s->nr_groups; i++) {
			const struct group *g = &s->groups[i];
			bool first = true;
			for (int k = 0; k < i; k++)
				first &= strcmp(s->groups[k].target, g->target) || strcmp(s->groups[k].job, g->job);
			if (!strcmp(g->job, jobs[j]) && strcmp(g->target, "sim") && first && g->kernel[0])
				fprintf(f, "  %s: kernel %s%s\n", g->target, g->kernel,
					group__emulated(g) ? ", TCG (emulated): its times describe the emulator as much as the policy" : "");
		}
		print_across_kernels(s, jobs[j], f);
		/* the simulator against each real target, per policy */
		for (int i = 0; i < s->nr_groups; i++) {
			const struct group *sim = &s->groups[i], *real;
			if (strcmp(sim->job, jobs[j]) || strcmp(sim->target, "sim"))
				continue;
			for (int r = 0; r < s->nr_groups; r++) {
				real = &s->groups[r];
				if (strcmp(real->job, jobs[j]) || !strcmp(real->target, "sim") || strcmp(real->policy, sim->policy))
					continue;
				fprintf(f, "  sim vs %s%s, %s:", real->target, group__emulated(real) ? " (TCG)" : "", sim->policy);
				for (int k = 0; k < sim->nr_metrics; k++) {
					const char *n = sim->metrics[k].name;
					double a = sim->metrics[k].median, b = med(real, n);
					if ((strncmp(n, "ops_per_s.", 10) && strcmp(n, "wakeup_p50_ns") && strcmp(n, "wakeup_p99_ns")) ||
					    isnan(b) || b == 0)
						continue;
					fprintf(f, " %s %+.0f%%", strncmp(n, "ops_per_s.", 10) ? n : n + 10, 100.0 * (a - b) / b);
				}
				fputc('\n', f);
			}
		}
	}
}
