/*
 * A comparison's plots, drawn by gnuplot with the scripts in harness/plots/ (users restyle
 * them there): wakeup-latency CDFs per job with simulator and real runs overlaid, throughput
 * bars per stressor with min..max error bars, simulator-vs-real scatter with the y = x line,
 * each as PNG and PDF. The data files gnuplot reads are kept beside the plots.
 */
#ifndef HARNESS_PLOTS_H
#define HARNESS_PLOTS_H

#include <stddef.h>

#include "harness/compare_summary.h"

/* @out is the compare directory (its runs/ hold the histograms), @dir where plots go.
 * 0, or -1 with the reason in @err (gnuplot missing, a script failed). */
int plots__make(const struct summary *s, const char *out, const char *dir, char *err, size_t errlen);
/* The timeline of @datafile (`scxlab run --timeline`) as DIR/timeline.{png,pdf}; the window
 * starts at @t0_ms. 0, or -1 with the reason in @err. */
int plots__timeline(const char *datafile, const char *dir, const char *what, int ncpu, double t0_ms, char *err,
		    size_t errlen);

#endif
