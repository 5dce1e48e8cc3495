/*
 * Series looks (see plot_style.h).
 */
#include "harness/plots/plot_style.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const colors[PLOT_COLORS] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999933",
};
/* filled circle, square, triangle up, triangle down, diamond, pentagon */
static const int points[PLOT_MARKERS] = { 7, 5, 9, 11, 13, 15 };

/* A policy's colour (FNV-1a: a fixed hash, never dependent on the machine or the run). */
static unsigned int preferred_color(const char *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h % PLOT_COLORS;
}

static size_t base_len(const char *label)
{
	return strcspn(label, "+");
}

struct wanted {
	const char *name;       /* a policy's first label in the summary */
	size_t len;             /* its base name's length */
	unsigned int color;
};

static int cmp_wanted(const void *a, const void *b)
{
	const struct wanted *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->color != y->color)
		return x->color < y->color ? -1 : 1;
	c = strncmp(x->name, y->name, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool same_base(const char *a, size_t alen, const char *b)
{
	return base_len(b) == alen && !strncmp(a, b, alen);
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void plot_style__of(const struct summary *s, const char *label, struct plot_style *out)
{
	size_t n_groups = (size_t)s->nr_groups + 1, blen = base_len(label);
	struct wanted *w = calloc(n_groups, sizeof(*w));
	const char **variants = calloc(n_groups, sizeof(*variants));
	int taken[PLOT_COLORS] = { 0 }, n = 0, nv = 0, variant = 0;
	unsigned int color = preferred_color(label, blen), round = 0;

	for (int i = 0; w && variants && i < s->nr_groups; i++) {
		const char *p = s->groups[i].policy;
		int k;
		/* the distinct policies (base names), and the distinct labels of @label's policy */
		for (k = 0; k < n && !same_base(w[k].name, w[k].len, p); k++)
			;
		if (k == n) {
			w[n].name = p;
			w[n].len = base_len(p);
			w[n].color = preferred_color(p, w[n].len);
			n++;
		}
		if (!same_base(label, blen, p))
			continue;
		for (k = 0; k < nv && strcmp(variants[k], p); k++)
			;
		if (k == nv)
			variants[nv++] = p;
	}
	if (w && variants) {
		qsort(w, (size_t)n, sizeof(*w), cmp_wanted);
		/* in (preferred colour, name) order each policy takes its colour or the next free one;
		 * once all are used, a second round of colours with the next marker */
		for (int k = 0; k < n; k++) {
			unsigned int at = w[k].color, min_round = (unsigned int)taken[at];
			for (unsigned int t = 1; t < PLOT_COLORS && taken[at] > 0; t++) {
				unsigned int c = (w[k].color + t) % PLOT_COLORS;
				if ((unsigned int)taken[c] < min_round) {
					at = c;
					min_round = (unsigned int)taken[c];
				}
			}
			if (same_base(label, blen, w[k].name)) {
				color = at;
				round = (unsigned int)taken[at];
			}
			taken[at]++;
		}
		/* a policy's labels (its knob settings in a sweep) in name order take the next markers */
		qsort(variants, (size_t)nv, sizeof(*variants), cmp_label);
		for (int k = 0; k < nv; k++)
			if (!strcmp(variants[k], label))
				variant = k;
	}
	free(w);
	free(variants);
	out->slot = (int)(color + PLOT_COLORS * ((round + (unsigned int)variant) % PLOT_MARKERS));
	snprintf(out->color, sizeof(out->color), "%s", colors[color]);
	out->point = points[(round + (unsigned int)variant) % PLOT_MARKERS];
}
