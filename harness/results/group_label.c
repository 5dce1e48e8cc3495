/*
 * Comparison group labels taken apart (see group_label.h).
 */
#include "harness/results/group_label.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_knob(struct group_label *l, const char *text, size_t len)
{
	const char *eq = memchr(text, '=', len);
	if (!eq)
		eq = memchr(text, ':', len); /* the inputs' raw form {name:value} */
	if (!eq || eq == text || l->nr_knobs == GROUP_LABEL_MAX_KNOBS)
		return;
	snprintf(l->knobs[l->nr_knobs].name, sizeof(l->knobs[0].name), "%.*s", (int)(eq - text), text);
	snprintf(l->knobs[l->nr_knobs].value, sizeof(l->knobs[0].value), "%.*s", (int)(len - (size_t)(eq + 1 - text)),
		 eq + 1);
	l->nr_knobs++;
}

/* "a=1,b=2" (or "a:1,b:2") into knobs. */
static void add_knobs(struct group_label *l, const char *list)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		add_knob(l, list, n);
		list += n;
		if (*list == ',')
			list++;
	}
}

void group_label__parse(const struct group *g, struct group_label *out)
{
	const char *plus = strchr(g->policy, '+'), *at = strchr(g->job, '@');

	memset(out, 0, sizeof(*out));
	snprintf(out->policy, sizeof(out->policy), "%.*s", (int)(plus ? plus - g->policy : (long)strlen(g->policy)),
		 g->policy);
	snprintf(out->job, sizeof(out->job), "%.*s", (int)(at ? at - g->job : (long)strlen(g->job)), g->job);
	if (at) {
		snprintf(out->topology, sizeof(out->topology), "%s", at + 1);
	} else {
		const char *t = group__input(g, "topology");
		snprintf(out->topology, sizeof(out->topology), "%s", t ? t : "");
	}
	if (plus) {
		add_knobs(out, plus + 1);
	} else {
		const char *k = group__input(g, "knobs"); /* "{name:value,...}" */
		char list[160];
		if (k && *k == '{') {
			snprintf(list, sizeof(list), "%s", k + 1);
			list[strcspn(list, "}")] = 0;
			add_knobs(out, list);
		}
	}
}

const char *group_label__knob(const struct group_label *l, const char *name)
{
	for (int i = 0; i < l->nr_knobs; i++)
		if (!strcmp(l->knobs[i].name, name))
			return l->knobs[i].value;
	return NULL;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int group_label__knob_names(const struct summary *s, char (*names)[48], int max)
{
	int n = 0;

	for (int i = 0; i < s->nr_groups; i++) {
		struct group_label l;
		group_label__parse(&s->groups[i], &l);
		for (int k = 0; k < l.nr_knobs; k++) {
			int j;
			for (j = 0; j < n && strcmp(names[j], l.knobs[k].name); j++)
				;
			if (j == n && n < max)
				snprintf(names[n++], 48, "%s", l.knobs[k].name);
		}
	}
	qsort(names, (size_t)n, 48, cmp_name);
	return n;
}

void knob__human(const char *name, const char *value, char *out, size_t len)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "s", 1000000000ULL }, { "ms", 1000000ULL }, { "us", 1000ULL },
	};
	size_t nl = strlen(name);
	char *end;
	unsigned long long v = strtoull(value, &end, 10);

	snprintf(out, len, "%s", value);
	if (nl < 3 || strcmp(name + nl - 3, "_ns") || end == value || *end || !v)
		return;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (v < units[i].ns)
			continue;
		if (v % units[i].ns == 0)
			snprintf(out, len, "%llu%s", v / units[i].ns, units[i].unit);
		else
			snprintf(out, len, "%.4g%s", (double)v / (double)units[i].ns, units[i].unit);
		return;
	}
	snprintf(out, len, "%lluns", v);
}
