/*
 * A comparison's table printed on the terminal (what `scxlab compare` shows when it ends, and
 * DIR/table.txt): per job a row per policy and target with its medians, what failed, which
 * kernels the real targets ran, VM kernels side by side, and the simulator against each real
 * target; then the column legend (report_tables.h).
 */
#ifndef HARNESS_REPORT_SUMMARY_PRINT_H
#define HARNESS_REPORT_SUMMARY_PRINT_H

#include "harness/results/compare_summary.h"

#include <stdio.h>

void summary__print(const struct summary *s, FILE *f);

#endif
