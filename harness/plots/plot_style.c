/*
 * Series looks (see plot_style.h): the colour assignment of a summary's policies and the
 * marker order of each policy's labels, computed by plot_palette__new and looked up by name.
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

#define LABEL_LEN sizeof(((struct group *)0)->policy)

/* A policy (the base name its labels share) and the colour and round it was given. */
struct palette_policy {
	char name[LABEL_LEN];   /* the base name alone */
	unsigned int color;     /* preferred, then assigned */
	unsigned int round;     /* how many policies took the colour before it */
};

/* A distinct label and its rank among its policy's labels (the marker it moves on by). */
struct palette_label {
	char label[LABEL_LEN];
	unsigned int variant;
};

struct plot_palette {
	struct palette_policy *policies;        /* by name */
	struct palette_label *labels;           /* by (base name, label) */
	size_t nr_policies, nr_labels;
};

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

/* Compare the first @alen bytes of @a with the first @blen of @b, as strcmp would the strings. */
static int cmp_prefix(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = strncmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

static int cmp_policy_name(const void *a, const void *b)
{
	const struct palette_policy *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* Assignment order: by preferred colour, then by name. */
static int cmp_policy_wanted(const void *a, const void *b)
{
	const struct palette_policy *x = a, *y = b;

	if (x->color != y->color)
		return x->color < y->color ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A policy's labels side by side, in name order. */
static int cmp_label(const void *a, const void *b)
{
	const char *x = ((const struct palette_label *)a)->label, *y = ((const struct palette_label *)b)->label;
	int c = cmp_prefix(x, base_len(x), y, base_len(y));

	return c ? c : strcmp(x, y);
}

/* In (preferred colour, name) order each policy takes its colour or the least used one after
 * it; once all are used, a second round of colours with the next marker. */
static void assign_colors(struct palette_policy *pol, size_t n)
{
	unsigned int taken[PLOT_COLORS] = { 0 };

	qsort(pol, n, sizeof(*pol), cmp_policy_wanted);
	for (size_t k = 0; k < n; k++) {
		unsigned int at = pol[k].color, min_round = taken[at];
		for (unsigned int t = 1; t < PLOT_COLORS && taken[at] > 0; t++) {
			unsigned int c = (pol[k].color + t) % PLOT_COLORS;
			if (taken[c] < min_round) {
				at = c;
				min_round = taken[c];
			}
		}
		pol[k].color = at;
		pol[k].round = taken[at]++;
	}
	qsort(pol, n, sizeof(*pol), cmp_policy_name);
}

struct plot_palette *plot_palette__new(const struct summary *s)
{
	size_t n_groups = (size_t)s->nr_groups + 1, n = 0;
	struct plot_palette *p = calloc(1, sizeof(*p));

	if (!p || !(p->policies = calloc(n_groups, sizeof(*p->policies))) ||
	    !(p->labels = calloc(n_groups, sizeof(*p->labels)))) {
		plot_palette__free(p);
		return NULL;
	}
	for (int i = 0; i < s->nr_groups; i++)
		snprintf(p->labels[n++].label, LABEL_LEN, "%s", s->groups[i].policy);
	/* the distinct labels, a policy's side by side in name order: they take the next markers */
	qsort(p->labels, n, sizeof(*p->labels), cmp_label);
	for (size_t k = 0; k < n; k++) {
		const char *x = p->labels[k].label, *prev = p->nr_labels ? p->labels[p->nr_labels - 1].label : NULL;
		struct palette_label *l;
		if (prev && !strcmp(prev, x))
			continue;
		l = &p->labels[p->nr_labels++];
		memmove(l->label, x, LABEL_LEN);
		l->variant = 0;
		if (prev && !cmp_prefix(x, base_len(x), prev, base_len(prev))) {
			l->variant = l[-1].variant + 1;
			continue;
		}
		/* the first label of a policy */
		struct palette_policy *pol = &p->policies[p->nr_policies++];
		snprintf(pol->name, sizeof(pol->name), "%.*s", (int)base_len(x), x);
		pol->color = preferred_color(x, base_len(x));
	}
	assign_colors(p->policies, p->nr_policies);
	return p;
}

void plot_palette__style(const struct plot_palette *p, const char *label, struct plot_style *out)
{
	size_t blen = base_len(label);
	unsigned int color = preferred_color(label, blen), round = 0, variant = 0, marker;

	if (p) {
		struct palette_policy key_pol;
		struct palette_label key_label;
		const struct palette_policy *pol;
		const struct palette_label *l;

		/* a name longer than any label of the summary is none of them */
		snprintf(key_pol.name, sizeof(key_pol.name), "%.*s", (int)blen, label);
		pol = blen < LABEL_LEN ? bsearch(&key_pol, p->policies, p->nr_policies, sizeof(*pol), cmp_policy_name) : NULL;
		if (pol) {
			color = pol->color;
			round = pol->round;
		}
		snprintf(key_label.label, sizeof(key_label.label), "%s", label);
		l = strlen(label) < LABEL_LEN ? bsearch(&key_label, p->labels, p->nr_labels, sizeof(*l), cmp_label) : NULL;
		if (l)
			variant = l->variant;
	}
	marker = (round + variant) % PLOT_MARKERS;
	out->slot = (int)(color + PLOT_COLORS * marker);
	snprintf(out->color, sizeof(out->color), "%s", colors[color]);
	out->point = points[marker];
}

void plot_palette__free(struct plot_palette *p)
{
	if (!p)
		return;
	free(p->policies);
	free(p->labels);
	free(p);
}
