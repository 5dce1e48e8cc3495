/*
 * A comparison's report page, DIR/report.html: one self-contained file (no network, no
 * scripts or styles from elsewhere) with what ran (targets, kernels, TCG marked), what
 * failed and why, the tables with their legend, every figure of DIR/plots as inline SVG,
 * and the inputs the runs were made from. Written by compare, merge and the main job; its
 * bytes depend only on the results, so two identical comparisons give identical pages.
 * A small inline check marks the page (body data-figures-ok) once every figure has drawn,
 * for a headless browser to confirm.
 */
#ifndef HARNESS_REPORT_HTML_H
#define HARNESS_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/results/compare_summary.h"

/* DIR/report.html from @s and the SVG files in @plots_dir (may be NULL: no figures); @what
 * names the comparison ("compare results/main", "sweep merge ..."). 0, or -1 with @err. */
int report_html__write(const struct summary *s, const char *dir, const char *plots_dir, const char *what, char *err,
		       size_t errlen);

/* What compare and merge call: DIR/table.txt, DIR/table.md and DIR/report.html (with the
 * figures of DIR/plots when @with_figures); a failure is printed, prefixed by @cmd. 0 or -1. */
int report_html__write_dir(const struct summary *s, const char *dir, bool with_figures, const char *what,
			   const char *cmd);

#endif
