/*
 * A set of names (symbols an object defines, kfuncs already seen) that grows as needed: each
 * name copied once, looked up by comparing the names.
 */
#ifndef HARNESS_NAME_SET_H
#define HARNESS_NAME_SET_H

#include <stdbool.h>
#include <stddef.h>

struct name_set {
	char **names;
	size_t n, cap;
};

bool name_set__has(const struct name_set *set, const char *name);
/* Add a copy of @name (whether or not it is there already). 0, or -1 when out of memory. */
int name_set__add(struct name_set *set, const char *name);
/* Free the names; @set is empty afterwards. */
void name_set__free(struct name_set *set);

#endif
