/*
 * A comparison's plots, drawn by gnuplot with the scripts in harness/plots/ (users restyle
 * them there): wakeup-latency CDFs per job with simulator and real runs overlaid, throughput
 * bars per stressor with min..max error bars, simulator-vs-real scatter with the y = x line,
 * each as PNG and PDF. The data files gnuplot reads are kept beside the plots.
 */
#ifndef HARNESS_PLOTS_H
#define HARNESS_PLOTS_H

#include <stddef.h>

#include "harness/results/compare_summary.h"

/* @out is the compare directory (its runs/ hold the histograms), @dir where plots go.
 * 0, or -1 with the reason in @err (gnuplot missing, a script failed). */
int plots__make(const struct summary *s, const char *out, const char *dir, char *err, size_t errlen);
/*
 * The timeline of @datafile (`scxlab run --timeline`) as @outbase.{png,svg,pdf}, with @ncpu
 * rows (0: as many as the data has CPUs). The 8 busiest task names get their own
 * colour and their full name, the others one grey "other" entry; when slices are too dense to
 * read the plot zooms onto the window's start (about 150 slices per CPU), saying so in its
 * title. 0, or -1 with the reason in @err.
 */
int plots__timeline(const char *datafile, const char *outbase, const char *what, int ncpu, char *err, size_t errlen);

#endif
