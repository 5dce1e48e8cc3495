/*
 * One look per series across every figure of a comparison or sweep. A policy's colour is
 * taken from its name, so the same policy has the same colour in the CDFs, the throughput
 * bars, the sim-vs-real points and the sweep plots; its labels with different knob settings
 * (a sweep's "scxl_vtime+slice_ns=1000000") share the colour and differ by marker. 8
 * colour-blind-safe colours (Okabe and Ito's, with olive in place of their yellow, which is
 * unreadable on white) x 6 marker shapes give 48 looks; the line's dash pattern is left to
 * say which world a series ran in (simulator solid, real kernel dashed).
 */
#ifndef HARNESS_PLOT_STYLE_H
#define HARNESS_PLOT_STYLE_H

#include "harness/results/compare_summary.h"

#define PLOT_COLORS 8
#define PLOT_MARKERS 6

struct plot_style {
	char color[8];   /* "#0072B2" */
	int point;       /* gnuplot point type (filled circle 7, square 5, triangles 9 and 11, ...) */
	int slot;        /* colour + PLOT_COLORS x marker: 0 .. PLOT_COLORS x PLOT_MARKERS - 1 */
};

/* The looks of the series of one summary, assigned once for all its figures. */
struct plot_palette;

/*
 * Assign a look to every label of @s. A policy's preferred colour is a hash of its name;
 * policies that want the same one are placed in name order onto the next free colour, so up
 * to 8 policies of one summary differ by colour, and a name keeps its colour from one
 * comparison to the next unless it collides. Beyond 8, colours repeat with another marker.
 * The palette keeps copies of the labels: @s may change or go after this. NULL when out of
 * memory (plot_palette__style then gives each policy its preferred colour).
 */
struct plot_palette *plot_palette__new(const struct summary *s);
/* The look of @label: a label of the summary, or a policy's name (its base, before '+'). */
void plot_palette__style(const struct plot_palette *p, const char *label, struct plot_style *out);
void plot_palette__free(struct plot_palette *p);

#endif
