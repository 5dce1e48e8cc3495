/*
 * The statistics of `scxlab validate`: Kendall's rank correlation (tau-b, ties handled) between
 * the two worlds' orderings of policies, and the order itself (best first for the metric).
 */
#ifndef HARNESS_VALIDATE_STATS_H
#define HARNESS_VALIDATE_STATS_H

#include <stdbool.h>

/*
 * Kendall's tau-b of the pairs (x[i], y[i]): (concordant - discordant) over
 * sqrt((pairs - pairs tied in x) * (pairs - pairs tied in y)). 1 when both order the items
 * alike, -1 when reversed; NaN when it is undefined (fewer than 2 items, or every x or every
 * y tied, or a value is not finite).
 */
double kendall__tau_b(const double *x, const double *y, int n);

/* The indices 0..n-1 of @v ordered best first (highest first when @higher_first), ties kept
 * in index order, into @order. */
void validate__rank(const double *v, int n, bool higher_first, int *order);

#endif
