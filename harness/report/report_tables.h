/*
 * A comparison's table, as people read it: per job, a row per policy and target with the
 * medians over its runs (wakeup latency p50/p99/max, run delay, migrations, context switches,
 * bogo-ops/s per stressor) and what failed. Written beside summary.json as table.txt (what
 * compare prints) and table.md (Markdown, for a README or a paper's notes), each with a
 * legend of the columns; report.html holds the same rows.
 */
#ifndef HARNESS_REPORT_TABLES_H
#define HARNESS_REPORT_TABLES_H

#include <stdio.h>

#include "harness/results/compare_summary.h"

/* The legend: one line per column, "name: meaning". */
extern const char *const report_tables__legend[];

/* The jobs of @s in first-seen order, at most @max; returns how many. */
int report_tables__jobs(const struct summary *s, char (*jobs)[64], int max);
/* One row of @g: the cells in legend order (policy, target, runs, p50, ...), for a writer. */
struct report_row {
	char cells[10][64];
	int nr_cells;
	char stressors[512];    /* "cpu 956, switch 54436" */
	const char *status;     /* "ok", "POLICY FAILED", "runs failed" */
};
void report_tables__row(const struct group *g, struct report_row *row);
/* The column heads, in the order of report_row.cells. */
extern const char *const report_tables__heads[];

/* DIR/table.txt and DIR/table.md, atomically. 0, or -1 with the file and why in @err. */
int report_tables__write(const struct summary *s, const char *dir, char *err, size_t errlen);

#endif
