/*
 * The looks of a summary's series (harness/plots/plot_style.h), assigned once per summary:
 * up to 8 policies differ by colour and a 9th repeats one with another marker; a policy's
 * labels (its knob settings) share its colour and differ by marker; the looks do not depend
 * on the order of the groups; the palette outlives the summary it was made from.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/plots/plot_style.h"

static struct summary summary_of(const char *const *labels, int n)
{
	struct summary s = { 0 };

	s.groups = calloc((size_t)n, sizeof(*s.groups));
	cr_assert_not_null(s.groups);
	s.nr_groups = s.cap = n;
	for (int i = 0; i < n; i++) {
		snprintf(s.groups[i].policy, sizeof(s.groups[i].policy), "%s", labels[i]);
		snprintf(s.groups[i].target, sizeof(s.groups[i].target), "sim");
	}
	return s;
}

static const char *const nine[] = { "default", "alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta" };

Test(plots, eight_policies_differ_by_colour_and_a_ninth_by_marker)
{
	struct summary s = summary_of(nine, 9);
	struct plot_palette *p = plot_palette__new(&s);
	struct plot_style st[9];
	int repeats = 0;

	cr_assert_not_null(p);
	for (int i = 0; i < 9; i++)
		plot_palette__style(p, nine[i], &st[i]);
	for (int i = 0; i < 9; i++)
		for (int k = 0; k < i; k++) {
			cr_assert_neq(st[i].slot, st[k].slot, "%s and %s look the same", nine[i], nine[k]);
			if (!strcmp(st[i].color, st[k].color)) {
				cr_assert_neq(st[i].point, st[k].point, "%s and %s share colour and marker", nine[i], nine[k]);
				repeats++;
			}
		}
	cr_assert_eq(repeats, 1, "9 policies on 8 colours: one pair shares a colour (%d)", repeats);
	plot_palette__free(p);
	free(s.groups);
}

Test(plots, a_policys_labels_share_its_colour_and_differ_by_marker)
{
	static const char *const labels[] = { "alpha+slice_ns=5000000", "beta", "alpha+slice_ns=1000000",
					      "alpha+slice_ns=5000000" };
	struct summary s = summary_of(labels, 4);
	struct plot_palette *p = plot_palette__new(&s);
	struct plot_style one, five, base, beta;

	plot_palette__style(p, "alpha+slice_ns=1000000", &one);
	plot_palette__style(p, "alpha+slice_ns=5000000", &five);
	plot_palette__style(p, "alpha", &base);
	plot_palette__style(p, "beta", &beta);
	cr_assert_str_eq(one.color, five.color);
	cr_assert_str_eq(base.color, one.color, "the policy's name alone has its colour");
	cr_assert_neq(one.point, five.point, "two settings of one policy differ by marker");
	cr_assert_eq(base.point, one.point, "the name alone takes the first label's marker");
	cr_assert_str_neq(beta.color, one.color, "two policies differ by colour");
	plot_palette__free(p);
	free(s.groups);
}

Test(plots, looks_do_not_depend_on_the_order_of_the_groups_and_outlive_the_summary)
{
	const char *reversed[9];
	struct plot_palette *p, *q;

	for (int i = 0; i < 9; i++)
		reversed[i] = nine[8 - i];
	struct summary s = summary_of(nine, 9), r = summary_of(reversed, 9);
	p = plot_palette__new(&s);
	q = plot_palette__new(&r);
	free(s.groups);
	free(r.groups);
	for (int i = 0; i < 9; i++) {
		struct plot_style a, b;
		plot_palette__style(p, nine[i], &a);
		plot_palette__style(q, nine[i], &b);
		cr_assert_str_eq(a.color, b.color, "%s", nine[i]);
		cr_assert_eq(a.point, b.point, "%s", nine[i]);
	}
	plot_palette__free(p);
	plot_palette__free(q);
}
