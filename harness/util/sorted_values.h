/*
 * Medians of a set of measurements (the repetitions of a run, the errors of a validation):
 * the values sorted in place, then the middle one, or the mean of the two middle ones.
 */
#ifndef HARNESS_SORTED_VALUES_H
#define HARNESS_SORTED_VALUES_H

#include <stddef.h>

/* Sort the @n values of @v in ascending order, in place. */
void values__sort(double *v, size_t n);
/* The median of the @n sorted values of @v; NaN when there are none. */
double values__median(const double *v, size_t n);

#endif
