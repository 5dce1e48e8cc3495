/*
 * A comparison's numbers as tidy CSV tables for plotting tools (docs/results.md): every
 * variable in its own column (target, kernel, policy, one column per knob, job, topology,
 * metric), so a sweep is plotted by column name without taking labels apart.
 *   summary.csv  one row per group and metric: median, min, max over its runs
 *   runs.csv     one row per run and metric (long format): the run, its seed, the value
 */
#ifndef HARNESS_SUMMARY_CSV_H
#define HARNESS_SUMMARY_CSV_H

#include "harness/results/compare_summary.h"

/* DIR/summary.csv and DIR/runs.csv, each written atomically. 0, or -1 with the file and why in @err. */
int summary_csv__write(const struct summary *s, const char *dir, char *err, size_t errlen);

#endif
