/*
 * Medians of a set of measurements (see sorted_values.h).
 */
#include "harness/util/sorted_values.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void values__sort(double *v, size_t n)
{
	if (n > 1) /* an empty list may have no array: qsort() must not get NULL */
		qsort(v, n, sizeof(*v), cmp_double);
}

double values__median(const double *v, size_t n)
{
	if (!n)
		return NAN;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
