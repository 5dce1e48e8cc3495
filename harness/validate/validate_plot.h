/*
 * `scxlab validate`'s figure: DIR/validate.{png,svg,pdf}, drawn by harness/plots/validate.gp
 * from the report's rows (sim against real per metric, min-max bars, y = x), with its data
 * files beside it (validate-*.dat).
 */
#ifndef HARNESS_VALIDATE_PLOT_H
#define HARNESS_VALIDATE_PLOT_H

#include <stddef.h>

#include "harness/validate/validate_report.h"

/* 0, or -1 with the reason in @err (gnuplot missing, the script failed). */
int validate_plot__make(const struct validate_report *r, const char *dir, char *err, size_t errlen);

#endif
