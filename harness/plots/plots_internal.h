/*
 * What the figure writers of a comparison share (plots.c, plots_latency.c, plots_sweep.c):
 * the key titles and the space-separated word lists the gnuplot scripts take.
 */
#ifndef HARNESS_PLOTS_INTERNAL_H
#define HARNESS_PLOTS_INTERNAL_H

#include <stddef.h>

#include "harness/results/compare_summary.h"
#include "harness/plots/plot_style.h"

/* "policy/target", marked [TCG] when the real target was emulated and [FAILED] when the policy failed. */
void plots__series_title(const struct group *g, char *out, size_t len);
/* Append @word (or a formatted one) to the space-separated list @list. */
void plots__append_word(char *list, size_t len, const char *word);
void plots__append_wordf(char *list, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* DIR/latency_cdf-JOB.{png,svg,pdf}: CDF and CCDF per policy/target of @job. 0 or -1. */
int plots__latency(const struct summary *s, const struct plot_palette *pal, const char *out, const char *dir,
		   const char *job, char *err, size_t errlen);
/* The sweep figures: each metric against each swept knob (plots_sweep.c). 0 or -1. */
int plots__sweep(const struct summary *s, const struct plot_palette *pal, const char *dir, char *err, size_t errlen);

#endif
