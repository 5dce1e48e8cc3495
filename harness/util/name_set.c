/*
 * A growing set of names (see name_set.h).
 */
#include "harness/util/name_set.h"

#include <stdlib.h>
#include <string.h>

bool name_set__has(const struct name_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->names[i], name))
			return true;
	return false;
}

int name_set__add(struct name_set *set, const char *name)
{
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;
		char **names = realloc(set->names, cap * sizeof(*names));
		if (!names)
			return -1;
		set->names = names;
		set->cap = cap;
	}
	set->names[set->n] = strdup(name);
	if (!set->names[set->n])
		return -1;
	set->n++;
	return 0;
}

void name_set__free(struct name_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->names[i]);
	free(set->names);
	memset(set, 0, sizeof(*set));
}
