/*
 * Figures and tables for papers: a sweep over one knob on two topologies gives tidy tables
 * (the knob and the topology in columns of their own, a row per run with its seed) and the
 * metric-versus-knob figures; a policy keeps one colour in every figure of a comparison and
 * of a sweep; two runs of the same comparison draw byte-identical PNG, SVG and PDF files and
 * write identical pages and tables; the report page loads in a real headless browser with every
 * figure drawn and nothing on its console; a time knob takes units (slice_ns=5ms) and is
 * recorded in the knob's own unit.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/results/group_label.h"
#include "harness/util/options.h"
#include "test_helpers.h"

/* The 0-based column of @name in the CSV header line @header, or -1. */
static int column(const char *header, const char *name)
{
	int col = 0;
	for (const char *at = header; *at && *at != '\n'; col++) {
		size_t n = strcspn(at, ",\n");
		if (n == strlen(name) && !strncmp(at, name, n))
			return col;
		at += n;
		if (*at == ',')
			at++;
	}
	return -1;
}

/* Field @col of the CSV line @line (no quoted fields in these tables) into @out. */
static void field(const char *line, int col, char *out, size_t len)
{
	for (int c = 0; c < col && line; c++) {
		line = strchr(line, ',');
		line = line ? line + 1 : NULL;
	}
	out[0] = 0;
	if (line)
		snprintf(out, len, "%.*s", (int)strcspn(line, ",\n"), line);
}

/* A sweep over slice_ns x {2cpu, 8cpu-2llc}, run and merged into @merged. */
static void knob_sweep(char *merged, size_t len)
{
	char text[1024], out[600], log[700];
	snprintf(text, sizeof(text),
		 "policies default %s/sched/scxl_vtime.bpf.c %s/sched/scxl_llc.bpf.c\n"
		 "jobs %s/workloads/jobs/smoke-3s.job\ntopologies 2cpu 8cpu-2llc\n"
		 "knob slice_ns 1ms 5000000\nseeds 1-2\nduration 200ms\n",
		 getenv("SCXLAB_SRC"), getenv("SCXLAB_SRC"), getenv("SCXLAB_SRC"));
	const char *spec = th_write_tmp("knob.sweep", text);
	snprintf(out, sizeof(out), "%s/sw", th_tmpdir());
	snprintf(merged, len, "%s/merged", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "sweep", spec, "--out", out, "--quiet", NULL), 0);
	cr_assert_eq(th_scxlab(log, "merge", "--out", merged, out, NULL), 0);
}

Test(figures, a_knob_sweep_has_tidy_columns_and_metric_vs_knob_plots, .timeout = 600)
{
	char merged[600], path[800], v[64];
	knob_sweep(merged, sizeof(merged));

	snprintf(path, sizeof(path), "%s/summary.csv", merged);
	char *csv = th_read_file(path, NULL);
	cr_assert_not_null(csv);
	int c_policy = column(csv, "policy"), c_knob = column(csv, "knob.slice_ns"), c_topo = column(csv, "topology"),
	    c_job = column(csv, "job"), c_metric = column(csv, "metric");
	cr_assert(c_policy >= 0 && c_knob >= 0 && c_topo >= 0 && c_job >= 0 && c_metric >= 0, "header: %.200s", csv);
	int seen[2][2] = { { 0 } }, rows = 0;
	for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		char pol[64], knob[64], topo[64], job[64];
		field(line + 1, c_policy, pol, sizeof(pol));
		field(line + 1, c_knob, knob, sizeof(knob));
		field(line + 1, c_topo, topo, sizeof(topo));
		field(line + 1, c_job, job, sizeof(job));
		cr_assert_str_eq(job, "smoke-3s", "the job column holds the job alone");
		cr_assert(!strcmp(topo, "2cpu") || !strcmp(topo, "8cpu-2llc"), "topology '%s'", topo);
		if (!strcmp(pol, "default")) {
			cr_assert_str_eq(knob, "", "the default scheduler sets no knob");
			continue;
		}
		cr_assert(!strcmp(pol, "scxl_vtime") || !strcmp(pol, "scxl_llc"), "policy '%s' (no knobs in it)", pol);
		/* 1ms was given with a unit: recorded in the knob's own unit */
		cr_assert(!strcmp(knob, "1000000") || !strcmp(knob, "5000000"), "slice_ns '%s'", knob);
		seen[!strcmp(knob, "5000000")][!strcmp(topo, "8cpu-2llc")]++;
		rows++;
	}
	for (int k = 0; k < 2; k++)
		for (int t = 0; t < 2; t++)
			cr_assert_gt(seen[k][t], 0, "no rows for knob %d topology %d", k, t);
	free(csv);

	/* runs.csv: a row per run and metric, with the seed of the run */
	snprintf(path, sizeof(path), "%s/runs.csv", merged);
	csv = th_read_file(path, NULL);
	cr_assert_not_null(csv);
	int c_seed = column(csv, "seed"), c_value = column(csv, "value");
	cr_assert(c_seed >= 0 && c_value >= 0, "header: %.200s", csv);
	int seeds[3] = { 0 };
	for (const char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		field(line + 1, c_seed, v, sizeof(v));
		int s = atoi(v);
		cr_assert(s == 1 || s == 2, "seed '%s'", v);
		seeds[s]++;
	}
	cr_assert_eq(seeds[1], seeds[2], "each seed has as many rows");
	free(csv);

	/* the figures: each metric against the knob, one panel per topology */
	const char *metrics[] = { "wakeup_p50", "wakeup_p99", "throughput" };
	for (size_t m = 0; m < 3; m++) {
		const char *ext[] = { "png", "svg", "pdf", "dat" };
		for (size_t e = 0; e < 4; e++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/plots/sweep-smoke-3s-%s-vs-slice_ns.%s", merged, metrics[m], ext[e]);
			cr_assert_eq(stat(path, &st), 0, "%s missing", path);
			cr_assert_gt(st.st_size, 200, "%s is tiny", path);
		}
		char *dat = th_read_file(path, NULL);
		cr_assert_not_null(strstr(dat, "# scxl_vtime @2cpu"), "%s", dat);
		cr_assert_not_null(strstr(dat, "# scxl_llc @8cpu-2llc"), "%s", dat);
		free(dat);
	}
}

/* Record that policy @name (a label's part before '+', '/', ' ', '@' or '(') was drawn in @color. */
static int note_color(char (*names)[64], char (*colors)[8], int n, const char *name, const char *color,
		      const char *file)
{
	char base[64];
	int k;

	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, "+/ @("), name);
	for (k = 0; k < n && strcmp(names[k], base); k++)
		;
	if (k < n) {
		cr_assert_str_eq(colors[k], color, "%s has two colours (%s in %s)", base, color, file);
		return n;
	}
	cr_assert_lt(n, 16);
	snprintf(names[n], 64, "%s", base);
	snprintf(colors[n], 8, "%s", color);
	return n + 1;
}

/*
 * The colours of every series in the .dat files of @dir: block headers "# LABEL ... color=#RRGGBB"
 * (CDFs, sweep figures) and the throughput header "# stressor LABEL(median min max)[color=#RRGGBB] ...".
 */
static int collect_colors(const char *dir, char (*names)[64], char (*colors)[8], int n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d))) {
		char path[1200], color[8];
		if (!strstr(e->d_name, ".dat"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char *text = th_read_file(path, NULL);
		for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
			if (strncmp(line, "# ", 2))
				continue;
			if (!strncmp(line, "# stressor ", 11)) {
				for (char *at = line; (at = strstr(at, "(median min max)[color=#")) && at < strchr(line, '\n'); at++) {
					char *start = at;
					while (start[-1] != ' ')
						start--;
					snprintf(color, sizeof(color), "%.7s", at + strlen("(median min max)[color="));
					n = note_color(names, colors, n, start, color, e->d_name);
				}
				continue;
			}
			char *c = strstr(line, " color=#");
			if (c && c < strchr(line, '\n')) {
				snprintf(color, sizeof(color), "%.7s", c + 7);
				n = note_color(names, colors, n, line + 2, color, e->d_name);
			}
		}
		free(text);
	}
	closedir(d);
	return n;
}

Test(figures, a_policy_has_one_colour_in_every_plot_of_a_compare_and_a_sweep, .timeout = 600)
{
	char merged[600], out[600], log[700], plots[800];
	char names[16][64], colors[16][8];
	int n;

	knob_sweep(merged, sizeof(merged));
	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	char p1[8400], job[4200];
	snprintf(p1, sizeof(p1), "%s/sched/scxl_llc.bpf.c,%s/sched/scxl_vtime.bpf.c", getenv("SCXLAB_SRC"),
		 getenv("SCXLAB_SRC"));
	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", getenv("SCXLAB_SRC"));
	cr_assert_eq(th_scxlab(log, "compare", "--policies", p1, "--jobs", job, "--topology", "2", "--duration", "300ms",
			       "--out", out, "--quiet", NULL), 0);
	snprintf(plots, sizeof(plots), "%s/plots", merged);
	n = collect_colors(plots, names, colors, 0);
	snprintf(plots, sizeof(plots), "%s/plots", out);
	n = collect_colors(plots, names, colors, n);
	cr_assert_eq(n, 3, "default, scxl_vtime, scxl_llc (got %d)", n);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < i; k++)
			cr_assert_str_neq(colors[i], colors[k], "%s and %s share a colour", names[i], names[k]);
}

static void compare_into(const char *out)
{
	char log[700], pol[4200], job[4200];
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	snprintf(pol, sizeof(pol), "%s/sched/scxl_vtime.bpf.c", getenv("SCXLAB_SRC"));
	snprintf(job, sizeof(job), "%s/workloads/jobs/smoke-3s.job", getenv("SCXLAB_SRC"));
	cr_assert_eq(th_scxlab(log, "compare", "--policies", pol, "--jobs", job, "--topology", "2", "--duration", "300ms",
			       "--out", out, "--quiet", NULL), 0);
}

Test(figures, two_runs_of_a_compare_draw_byte_identical_files, .timeout = 600)
{
	char a[600], b[600];
	int files = 0;

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	snprintf(a, sizeof(a), "%s/a", th_tmpdir());
	snprintf(b, sizeof(b), "%s/b", th_tmpdir());
	/* the same command twice: the first run's directory moved aside before the second */
	compare_into(b);
	cr_assert_eq(rename(b, a), 0);
	compare_into(b);
	char pa[800];
	snprintf(pa, sizeof(pa), "%s/plots", a);
	DIR *d = opendir(pa);
	struct dirent *e;
	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		char fa[1200], fb[1200];
		size_t la, lb;
		if (!strstr(e->d_name, ".png") && !strstr(e->d_name, ".svg") && !strstr(e->d_name, ".pdf"))
			continue;
		snprintf(fa, sizeof(fa), "%s/plots/%s", a, e->d_name);
		snprintf(fb, sizeof(fb), "%s/plots/%s", b, e->d_name);
		char *x = th_read_file(fa, &la), *y = th_read_file(fb, &lb);
		cr_assert_not_null(y, "%s only in one run", e->d_name);
		cr_assert(la == lb && !memcmp(x, y, la), "%s differs between two runs", e->d_name);
		if (strstr(e->d_name, ".pdf"))
			cr_assert_not_null(memmem(x, la, "/CreationDate (D:20231114221320", 31),
					   "%s: its date is SOURCE_DATE_EPOCH's", e->d_name);
		free(x);
		free(y);
		files++;
	}
	closedir(d);
	unsetenv("SOURCE_DATE_EPOCH");
	const char *pages[] = { "report.html", "table.md", "table.txt", "summary.csv", "runs.csv" };
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		char fa[800], fb[800];
		size_t la, lb;
		snprintf(fa, sizeof(fa), "%s/%s", a, pages[i]);
		snprintf(fb, sizeof(fb), "%s/%s", b, pages[i]);
		char *x = th_read_file(fa, &la), *y = th_read_file(fb, &lb);
		cr_assert(x && y, "%s missing", pages[i]);
		cr_assert(la == lb && !memcmp(x, y, la), "%s differs between two runs", pages[i]);
		free(x);
		free(y);
	}
	cr_assert_geq(files, 9, "CDF, throughput and timeline, each PNG, SVG and PDF (%d files)", files);
}

Test(figures, a_time_knob_takes_units_in_its_own_unit)
{
	char out[64], err[256];

	cr_assert_eq(opt__knob_value("--knob", "slice_ns", "5ms", out, sizeof(out), err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(out, "5000000");
	cr_assert_eq(opt__knob_value("--knob", "slice_us", "2.5ms", out, sizeof(out), err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(out, "2500");
	cr_assert_eq(opt__knob_value("--knob", "slice_ns", "5000", out, sizeof(out), err, sizeof(err)), 0);
	cr_assert_str_eq(out, "5000", "a plain number is the knob's own unit");
	cr_assert_eq(opt__knob_value("--knob", "nr_layers", "4", out, sizeof(out), err, sizeof(err)), 0);
	cr_assert_str_eq(out, "4");
	cr_assert_eq(opt__knob_value("--knob", "nr_layers", "5ms", out, sizeof(out), err, sizeof(err)), -1);
	cr_assert_not_null(strstr(err, "nr_layers"), "%s", err);
	cr_assert_eq(opt__knob_value("--knob", "slice_us", "1500ns", out, sizeof(out), err, sizeof(err)), -1,
		     "1500ns is not a whole number of us");

	knob__human("slice_ns", "5000000", out, sizeof(out));
	cr_assert_str_eq(out, "5ms");
	knob__human("slice_ns", "2500", out, sizeof(out));
	cr_assert_str_eq(out, "2.5us");
	knob__human("slice_ns", "20000000000", out, sizeof(out));
	cr_assert_str_eq(out, "20s");
	knob__human("nr_layers", "4", out, sizeof(out));
	cr_assert_str_eq(out, "4", "not a time: shown as it is");
}

/* The headless browser the test drives: Debian's chromium-headless-shell or chromium. */
static const char *browser(void)
{
	static const char *const names[] = { "chromium-headless-shell", "chromium", "chromium-browser" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char cmd[200];
		snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", names[i]);
		if (!system(cmd))
			return names[i];
	}
	cr_assert_fail("no headless browser (scripts/deps.sh installs chromium-headless-shell)");
	return NULL;
}

/* Run the browser on @page: the DOM after load into @dom, its log into @log, a screenshot into @png. */
static void browse(const char *page, const char *dom, const char *log, const char *png)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "timeout 120 %s --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --virtual-time-budget=5000 "
		 "--dump-dom 'file://%s' > '%s' 2> '%s' && timeout 120 %s --no-sandbox --disable-gpu --window-size=1400,3000 "
		 "--screenshot='%s' 'file://%s' > /dev/null 2>&1",
		 browser(), page, dom, log, browser(), png, page);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

Test(figures, the_report_page_loads_in_a_headless_browser_with_every_figure, .timeout = 600)
{
	char out[600], page[700], dom[700], log[700], png[700], blank[700], blank_png[700], plots[700];
	snprintf(out, sizeof(out), "%s/cmp", th_tmpdir());
	compare_into(out);
	snprintf(page, sizeof(page), "%s/report.html", out);
	snprintf(dom, sizeof(dom), "%s/dom.html", th_tmpdir());
	snprintf(log, sizeof(log), "%s/browser.log", th_tmpdir());
	snprintf(png, sizeof(png), "%s/report.png", th_tmpdir());
	browse(page, dom, log, png);

	/* every SVG of plots/ is in the page, and every one of them drew */
	int svgs = 0;
	snprintf(plots, sizeof(plots), "%s/plots", out);
	DIR *d = opendir(plots);
	struct dirent *e;
	cr_assert_not_null(d);
	while ((e = readdir(d)))
		svgs += strlen(e->d_name) > 4 && !strcmp(e->d_name + strlen(e->d_name) - 4, ".svg");
	closedir(d);
	cr_assert_geq(svgs, 3, "CDF, throughput and timelines");
	char *text = th_read_file(dom, NULL), want[128];
	cr_assert_not_null(text);
	snprintf(want, sizeof(want), "data-figures=\"%d\" data-figures-ok=\"%d\"", svgs, svgs);
	cr_assert_not_null(strstr(text, want), "want %s in <body>: %.300s", want, strstr(text, "<body") ? strstr(text, "<body") : text);
	cr_assert_not_null(strstr(text, "scxl_vtime"), "the table names the policy");
	free(text);
	/* no console message at all: errors, warnings or a failed resource */
	text = th_read_file(log, NULL);
	cr_assert_null(strstr(text ? text : "", ":CONSOLE"), "the page logged to its console: %s", text);
	free(text);

	/* the screenshot is not blank: far more than an empty page's */
	snprintf(blank, sizeof(blank), "%s", th_write_tmp("blank.html", "<!DOCTYPE html><html><body></body></html>\n"));
	snprintf(blank_png, sizeof(blank_png), "%s/blank.png", th_tmpdir());
	browse(blank, dom, log, blank_png);
	cr_assert_gt(file_size(png), 3 * file_size(blank_png), "report %ld bytes, blank page %ld", file_size(png),
		     file_size(blank_png));
}

/* One group of a compare summary.json, as summary__write lays it out. */
static void put_group(FILE *f, const char *target, const char *policy, double p50, double p99, double cpu_ops,
		      bool last)
{
	fprintf(f,
		"    { \"target\": \"%s\", \"policy\": \"%s\", \"job\": \"smoke-3s\", \"runs\": 1, \"failed\": 0, "
		"\"policy_failed\": 0, \"status\": \"ok\",\n"
		"      \"failure\": \"\", \"kernel\": \"%s\", \"accel\": \"%s\",\n"
		"      \"inputs\": { \"seeds\": \"1\" },\n      \"metrics\": {\n"
		"        \"wakeup_p50_ns\": { \"median\": %g, \"min\": %g, \"max\": %g, \"values\": [%g] },\n"
		"        \"wakeup_p99_ns\": { \"median\": %g, \"min\": %g, \"max\": %g, \"values\": [%g] },\n"
		"        \"ops_per_s.cpu\": { \"median\": %g, \"min\": %g, \"max\": %g, \"values\": [%g] }\n"
		"      } }%s\n",
		target, policy, strcmp(target, "sim") ? "7.2.13+deb14-cloud-amd64" : "", strcmp(target, "sim") ? "tcg" : "",
		p50, p50, p50, p50, p99, p99, p99, p99, cpu_ops, cpu_ops, cpu_ops, cpu_ops, last ? "" : ",");
}

Test(figures, sim_vs_real_points_are_labelled_and_a_zero_is_kept, .timeout = 120)
{
	char dir[600], path[800], log[700];
	snprintf(dir, sizeof(dir), "%s/cmp", th_tmpdir());
	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "{\n  \"schema\": \"scxlab.compare/1\",\n  \"skipped_targets\": [],\n  \"groups\": [\n");
	put_group(f, "sim", "scxl_vtime", 300, 5000, 1000, false);
	put_group(f, "vm", "scxl_vtime", 0, 90000, 400, false); /* the guest measured a p50 of 0 */
	put_group(f, "sim", "scxl_llc", 400, 6000, 990, false);
	put_group(f, "vm", "scxl_llc", 20000, 80000, 380, true);
	fprintf(f, "  ]\n}\n");
	fclose(f);
	snprintf(log, sizeof(log), "%s/log", th_tmpdir());
	cr_assert_eq(th_scxlab(log, "report", dir, NULL), 0, "%s", th_read_file(log, NULL));

	snprintf(path, sizeof(path), "%s/plots/sim_vs_vm-latency.dat", dir);
	char *dat = th_read_file(path, NULL);
	cr_assert_not_null(dat);
	cr_assert_not_null(strstr(dat, "\n0 0.3 scxl_vtime:smoke-3s:p50 "), "the zero p50 is a point: %s", dat);
	cr_assert_not_null(strstr(dat, "scxl_llc:smoke-3s:p99"), "%s", dat);
	free(dat);
	snprintf(path, sizeof(path), "%s/plots/sim_vs_vm.svg", dir);
	char *svg = th_read_file(path, NULL);
	cr_assert_not_null(svg);
	cr_assert_not_null(strstr(svg, "scxl_vtime:smoke-3s:p50"), "the point is labelled in the figure");
	cr_assert_not_null(strstr(svg, "a value of 0"), "the key explains the zero marker");
	cr_assert_not_null(strstr(svg, "TCG emulated"), "the figure says the guest was emulated");
	free(svg);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	char *page = th_read_file(path, NULL);
	cr_assert_not_null(page);
	cr_assert_not_null(strstr(page, "under TCG"), "the report page marks the TCG guest");
	free(page);
}
