/*
 * `scxlab report` and `scxlab timeline` (see cmd_report.h).
 */
#include "harness/cmd_report.h"
#include "harness/compare_summary.h"
#include "harness/plots.h"
#include "harness/report_html.h"
#include "harness/verdict.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cmd_report(int argc, char **argv)
{
	struct summary s = { 0 };
	char path[4200], err[4400], what[4300];
	struct stat st;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: scxlab report DIR\n\nWrite DIR/report.html, DIR/table.txt and DIR/table.md from "
		       "DIR/summary.json and the figures in DIR/plots (a compare or `scxlab merge` directory).\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: scxlab report DIR\n");
		return SCXLAB_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/summary.json", argv[1]);
	if (summary__load(&s, path, err, sizeof(err))) {
		fprintf(stderr, "scxlab report: %s\n", err);
		return SCXLAB_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/plots", argv[1]);
	snprintf(what, sizeof(what), "%s", argv[1]);
	rc = report_html__write_dir(&s, argv[1], !stat(path, &st) && S_ISDIR(st.st_mode), what, "scxlab report");
	summary__free(&s);
	return rc ? SCXLAB_EXIT_CHECK_FAILED : 0;
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
