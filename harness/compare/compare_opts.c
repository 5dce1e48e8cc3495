/*
 * `scxlab compare`'s option lists and matrix files (see compare_opts.h).
 */
#include "harness/compare/compare_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split a comma list into @items (at most @max); -1 when it holds more. */
int compare_opts__split_max(char *list, char **items, int *n, int max)
{
	*n = 0;
	for (char *save = NULL, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (*n == max)
			return -1;
		items[(*n)++] = tok;
	}
	return 0;
}

void compare_opts__split(char *list, char **items, int *n)
{
	compare_opts__split_max(list, items, n, MAX_ITEMS);
}

/* A matrix file: the same settings as the options, one per line; '#' comments. */
int compare_opts__load_matrix(const char *path, struct compare_opts *o, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	static char store[64][1024];
	char line[1024];
	int lineno = 0, used = 0;

	if (!f) {
		snprintf(err, errlen, "%s: cannot read it", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && used < 64) {
		char key[32], *val;
		lineno++;
		line[strcspn(line, "#\n")] = 0;
		if (sscanf(line, "%31s", key) != 1)
			continue;
		val = line + strspn(line, " \t") + strlen(key);
		val += strspn(val, " \t");
		snprintf(store[used], sizeof(store[0]), "%s", val);
		if (!strcmp(key, "policies"))
			compare_opts__split(store[used++], o->policies, &o->nr_policies);
		else if (!strcmp(key, "jobs"))
			compare_opts__split(store[used++], o->jobs, &o->nr_jobs);
		else if (!strcmp(key, "targets"))
			compare_opts__split(store[used++], o->targets, &o->nr_targets);
		else if (!strcmp(key, "reps"))
			o->reps = atoi(val);
		else if (!strcmp(key, "real-reps"))
			o->real_reps = atoi(val);
		else if (!strcmp(key, "topology"))
			o->topology = store[used++];
		else if (!strcmp(key, "duration"))
			o->duration = store[used++];
		else if (!strcmp(key, "baseline"))
			o->baseline = strcmp(val, "no") != 0;
		else {
			snprintf(err, errlen, "%s:%d: '%s': unknown setting (policies, jobs, targets, reps, real-reps, "
				 "topology, duration, baseline)", path, lineno, key);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}
