/*
 * Kendall's tau-b and rank orders for `scxlab validate` (see validate_stats.h).
 */
#include "harness/validate/validate_stats.h"

#include <math.h>

static int sign_of(double d)
{
	return (d > 0) - (d < 0);
}

double kendall__tau_b(const double *x, const double *y, int n)
{
	long concordant = 0, discordant = 0, tied_x = 0, tied_y = 0, pairs = 0;

	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]) || !isfinite(y[i]))
			return NAN;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			int sx = sign_of(x[i] - x[j]), sy = sign_of(y[i] - y[j]);
			pairs++;
			tied_x += !sx;
			tied_y += !sy;
			if (sx * sy > 0)
				concordant++;
			else if (sx * sy < 0)
				discordant++;
		}
	double denom = sqrt((double)(pairs - tied_x) * (double)(pairs - tied_y));
	if (!(denom > 0))
		return NAN;
	return (double)(concordant - discordant) / denom;
}

void validate__rank(const double *v, int n, bool higher_first, int *order)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort: stable, and n is a handful of policies */
	for (int i = 1; i < n; i++) {
		int k = order[i], j = i;
		while (j > 0 && (higher_first ? v[order[j - 1]] < v[k] : v[order[j - 1]] > v[k])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
}
