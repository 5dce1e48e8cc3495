/*
 * `scxlab report` and `scxlab timeline` (see cmd_report.h).
 */
#include "harness/cli/cmd_report.h"
#include "harness/results/compare_summary.h"
#include "harness/plots/plots.h"
#include "harness/report/report_html.h"
#include "harness/results/verdict.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_report(int argc, char **argv)
{
	struct summary s = { 0 };
	char path[4200], err[4400], what[4300];
	const char *dir = NULL;
	bool plots = true;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: scxlab report [--no-plots] DIR\n\nRedraw the figures of a compare or `scxlab merge` "
			       "directory from DIR/summary.json (and the histograms of DIR/runs, where they are) with the "
			       "gnuplot scripts of harness/plots/, then write DIR/report.html, DIR/table.txt and "
			       "DIR/table.md. --no-plots keeps the figures that are there.\n");
			return 0;
		} else if (!strcmp(argv[i], "--no-plots")) {
			plots = false;
		} else if (argv[i][0] != '-' && !dir) {
			dir = argv[i];
		} else {
			fprintf(stderr, "scxlab report: unexpected '%s' (see --help)\n", argv[i]);
			return SCXLAB_EXIT_USAGE;
		}
	}
	if (!dir) {
		fprintf(stderr, "usage: scxlab report [--no-plots] DIR\n");
		return SCXLAB_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	if (summary__load(&s, path, err, sizeof(err))) {
		fprintf(stderr, "scxlab report: %s\n", err);
		summary__free(&s);
		return SCXLAB_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/plots", dir);
	if (plots && plots__make(&s, dir, path, err, sizeof(err))) {
		fprintf(stderr, "scxlab report: plots: %s\n", err);
		rc = SCXLAB_EXIT_CHECK_FAILED;
	}
	struct stat st;
	snprintf(what, sizeof(what), "%s", dir);
	if (report_html__write_dir(&s, dir, !stat(path, &st) && S_ISDIR(st.st_mode), what, "scxlab report"))
		rc = SCXLAB_EXIT_CHECK_FAILED;
	summary__free(&s);
	return rc;
}

int cmd_timeline(int argc, char **argv)
{
	const char *data = NULL, *out = NULL, *what = NULL;
	char base[4200], err[4400];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: scxlab timeline FILE [--out BASE] [--what TEXT]\n\nDraw a `scxlab run --timeline FILE` "
			       "window as BASE.png, .svg and .pdf (default: FILE without .dat): a row per CPU, the busiest "
			       "tasks named, the others grey.\n");
			return 0;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--what") && i + 1 < argc) {
			what = argv[++i];
		} else if (argv[i][0] != '-' && !data) {
			data = argv[i];
		} else {
			fprintf(stderr, "scxlab timeline: unexpected '%s' (see --help)\n", argv[i]);
			return SCXLAB_EXIT_USAGE;
		}
	}
	if (!data) {
		fprintf(stderr, "usage: scxlab timeline FILE [--out BASE] [--what TEXT]\n");
		return SCXLAB_EXIT_USAGE;
	}
	if (out) {
		snprintf(base, sizeof(base), "%s", out);
	} else {
		size_t n = strlen(data);
		snprintf(base, sizeof(base), "%.*s", (int)(n > 4 && !strcmp(data + n - 4, ".dat") ? n - 4 : n), data);
	}
	if (plots__timeline(data, base, what ? what : data, 0, err, sizeof(err))) {
		fprintf(stderr, "scxlab timeline: %s\n", err);
		return SCXLAB_EXIT_USAGE;
	}
	printf("timeline: %s.png (and .svg, .pdf)\n", base);
	return 0;
}
