/*
 * The report page of a comparison (see report_html.h).
 */
#include "harness/report/report_html.h"
#include "harness/util/atomic_file.h"
#include "harness/report/report_tables.h"
#include "harness/results/result_read.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_html(FILE *f, const char *text)
{
	for (const char *c = text; *c; c++) {
		switch (*c) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*c, f);
		}
	}
}

static const char style[] =
	"body{font-family:sans-serif;max-width:1500px;margin:1em auto;padding:0 1em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #bbb;padding:2px 8px}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}tr.failed td{background:#fde2e2}"
	".warn{background:#fff4d6;border-left:4px solid #e69f00;padding:.4em .8em}"
	".fail{background:#fde2e2;border-left:4px solid #d55e00;padding:.4em .8em}"
	"figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:90%;color:#555}"
	"pre{background:#f6f6f6;padding:.5em;overflow-x:auto}";

/* Once every figure has a drawn box, the body says so: a headless browser reads the mark. */
static const char check_script[] =
	"window.addEventListener('load',function(){"
	"var f=document.querySelectorAll('figure svg'),ok=0;"
	"for(var i=0;i<f.length;i++){var b=f[i].getBBox();if(b.width>0&&b.height>0&&f[i].querySelector('path,rect'))ok++;}"
	"document.body.setAttribute('data-figures',String(f.length));"
	"document.body.setAttribute('data-figures-ok',String(ok));});";

static void targets(FILE *f, const struct summary *s)
{
	fprintf(f, "<h2>What ran</h2>\n<ul>\n");
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		bool first = true;
		for (int k = 0; k < i; k++)
			first &= strcmp(s->groups[k].target, g->target) != 0;
		if (!first)
			continue;
		fprintf(f, "<li><b>%s</b>: ", g->target);
		if (!strcmp(g->target, "sim")) {
			fputs("the scxlab simulator (deterministic: a seed per repetition)", f);
		} else {
			fputs("the real kernel", f);
			if (g->kernel[0]) {
				fputs(" ", f);
				put_html(f, g->kernel);
			}
			if (group__emulated(g))
				fputs(" <span class=\"warn\">in a QEMU guest under TCG (emulated, no KVM): its times describe the "
				      "emulator as much as the policy</span>",
				      f);
		}
		fputs("</li>\n", f);
	}
	for (int i = 0; i < s->nr_skipped; i++) {
		fputs("<li class=\"warn\">NOT RUN: ", f);
		put_html(f, s->skipped[i]);
		fputs("</li>\n", f);
	}
	fprintf(f, "</ul>\n");
}

static void failures(FILE *f, const struct summary *s)
{
	int n = 0;

	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		if (!g->policy_failed && !g->failed)
			continue;
		if (!n++)
			fprintf(f, "<h2>Failures</h2>\n");
		fprintf(f, "<p class=\"fail\"><b>");
		put_html(f, g->policy);
		fprintf(f, "</b> on %s, job ", g->target);
		put_html(f, g->job);
		if (g->policy_failed) {
			fprintf(f, ": the policy failed in %d of %d runs: ", g->policy_failed, g->runs + g->failed);
			put_html(f, g->failure);
		} else {
			fprintf(f, ": %d run%s did not finish (their run.log says why)", g->failed, g->failed == 1 ? "" : "s");
		}
		fprintf(f, " &mdash; runs in <code>runs/%s/", g->target);
		put_html(f, g->policy);
		fputc('/', f);
		put_html(f, g->job);
		fprintf(f, "/</code></p>\n");
	}
}

static void tables(FILE *f, const struct summary *s)
{
	char jobs[32][64];
	int nr_jobs = report_tables__jobs(s, jobs, 32);

	fprintf(f, "<h2>Tables</h2>\n");
	for (int j = 0; j < nr_jobs; j++) {
		fprintf(f, "<h3>job ");
		put_html(f, jobs[j]);
		fprintf(f, "</h3>\n<table>\n<tr>");
		for (int h = 0; report_tables__heads[h]; h++)
			fprintf(f, "<th>%s</th>", report_tables__heads[h]);
		fprintf(f, "<th>bogo-ops/s per stressor</th><th>status</th></tr>\n");
		for (int i = 0; i < s->nr_groups; i++) {
			struct report_row row;
			if (strcmp(s->groups[i].job, jobs[j]))
				continue;
			report_tables__row(&s->groups[i], &row);
			fprintf(f, "<tr%s>", s->groups[i].policy_failed ? " class=\"failed\"" : "");
			for (int c = 0; c < row.nr_cells; c++) {
				fprintf(f, "<td%s>", c >= 2 ? " class=\"n\"" : "");
				put_html(f, row.cells[c]);
				fputs("</td>", f);
			}
			fputs("<td>", f);
			put_html(f, row.stressors);
			fprintf(f, "</td><td>%s</td></tr>\n", row.status);
		}
		fprintf(f, "</table>\n");
	}
	fprintf(f, "<ul>\n");
	for (int k = 0; report_tables__legend[k]; k++) {
		fputs("<li>", f);
		put_html(f, report_tables__legend[k]);
		fputs("</li>\n", f);
	}
	fprintf(f, "</ul>\n");
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @svg with its ids (gnuplot uses the same ones in every file) prefixed by "f@n-". */
static void put_svg(FILE *f, const char *svg, int n)
{
	static const char *const ids[] = { "gnuplot_", "gpDot", "gpPt", "greybox", "textbox" };
	const char *at = strstr(svg, "<svg");

	while (at && *at) {
		size_t best = strlen(at), which = 0;
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			const char *hit = strstr(at, ids[i]);
			if (hit && (size_t)(hit - at) < best) {
				best = (size_t)(hit - at);
				which = i + 1;
			}
		}
		fwrite(at, 1, best, f);
		at += best;
		if (!which)
			break;
		fprintf(f, "f%d-%s", n, ids[which - 1]);
		at += strlen(ids[which - 1]);
	}
}

static int figures(FILE *f, const char *plots_dir)
{
	DIR *d = plots_dir ? opendir(plots_dir) : NULL;
	struct dirent *e;
	char **names = NULL;
	int n = 0, cap = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".svg"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, (size_t)cap * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (!n) {
		free(names);
		return 0;
	}
	qsort(names, (size_t)n, sizeof(*names), cmp_name);
	fprintf(f, "<h2>Figures</h2>\n<p>Each also as PNG and PDF beside its SVG in <code>plots/</code>, with the data "
		   "gnuplot drew (.dat).</p>\n");
	for (int i = 0; i < n; i++) {
		char path[4400];
		snprintf(path, sizeof(path), "%s/%s", plots_dir, names[i]);
		char *svg = result_read__file(path);
		if (svg && strstr(svg, "<svg")) {
			fprintf(f, "<figure id=\"fig-%d\">\n", i + 1);
			put_svg(f, svg, i + 1);
			fprintf(f, "\n<figcaption>");
			put_html(f, names[i]);
			fprintf(f, "</figcaption></figure>\n");
		}
		free(svg);
		free(names[i]);
	}
	free(names);
	return n;
}

static void inputs(FILE *f, const struct summary *s)
{
	fprintf(f, "<h2>Inputs</h2>\n<table>\n<tr><th>target</th><th>policy</th><th>job</th><th>inputs</th></tr>\n");
	for (int i = 0; i < s->nr_groups; i++) {
		const struct group *g = &s->groups[i];
		fprintf(f, "<tr><td>%s</td><td>", g->target);
		put_html(f, g->policy);
		fputs("</td><td>", f);
		put_html(f, g->job);
		fputs("</td><td>", f);
		for (int k = 0; k < g->nr_inputs; k++) {
			fprintf(f, "%s<code>%s</code>=", k ? " " : "", g->inputs[k].name);
			put_html(f, g->inputs[k].value);
		}
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "</table>\n");
}

/* What the page is made from. */
struct page {
	const struct summary *s;
	const char *plots_dir, *what;
};

static void page(FILE *f, const void *ctx)
{
	const struct page *p = ctx;
	const struct summary *s = p->s;
	const char *what = p->what;

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>scxlab: ");
	put_html(f, what);
	fprintf(f, "</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n<h1>scxlab: ", style, check_script);
	put_html(f, what);
	fprintf(f, "</h1>\n<p>%d groups (target x policy x job); %d with a failing policy; %d runs did not finish. "
		   "The same numbers: <code>summary.json</code>, <code>summary.csv</code>, <code>runs.csv</code>, "
		   "<code>table.md</code> (docs/results.md).</p>\n",
		s->nr_groups, summary__policy_failures(s), summary__run_failures(s));
	targets(f, s);
	failures(f, s);
	tables(f, s);
	figures(f, p->plots_dir);
	inputs(f, s);
	fprintf(f, "</body>\n</html>\n");
}

int report_html__write(const struct summary *s, const char *dir, const char *plots_dir, const char *what, char *err,
		       size_t errlen)
{
	const struct page p = { .s = s, .plots_dir = plots_dir, .what = what };
	char path[4200];

	snprintf(path, sizeof(path), "%s/report.html", dir);
	return atomic_file__write_with(path, page, &p, err, errlen);
}

int report_html__write_dir(const struct summary *s, const char *dir, bool with_figures, const char *what,
			   const char *cmd)
{
	char err[4400], plots[4200];

	snprintf(plots, sizeof(plots), "%s/plots", dir);
	if (report_tables__write(s, dir, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return -1;
	}
	if (report_html__write(s, dir, with_figures ? plots : NULL, what, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", cmd, err);
		return -1;
	}
	printf("report: %s/report.html (tables: %s/table.txt, table.md)\n", dir, dir);
	return 0;
}
