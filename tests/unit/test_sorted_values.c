/*
 * The median every summary and validation uses (harness/util/sorted_values.h): the middle
 * value of an odd count, the mean of the two middle ones of an even count, NaN for none.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "harness/util/sorted_values.h"

Test(values, the_median_is_the_middle_value_or_the_mean_of_the_two_middle_ones)
{
	double odd[] = { 9, 1, 5 }, even[] = { 8, 2, 4, 6 };

	values__sort(odd, 3);
	values__sort(even, 4);
	cr_assert(odd[0] == 1 && odd[1] == 5 && odd[2] == 9, "sorted ascending");
	cr_assert(even[0] == 2 && even[3] == 8, "sorted ascending");
	cr_assert_float_eq(values__median(odd, 3), 5, 0);
	cr_assert_float_eq(values__median(even, 4), 5, 0, "(4 + 6) / 2");
	cr_assert(isnan(values__median(even, 0)), "no values, no median");
}
