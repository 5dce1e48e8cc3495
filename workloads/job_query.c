/*
 * Questions a runner asks of a parsed job (see job.h): options by stress-ng's per-type rule,
 * globals, instance counts and op budgets.
 */
#include "workloads/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *job__option(const struct job *job, int idx, const char *name)
{
	const char *type = job->entries[idx].stressor, *last = NULL;
	int type_idx = job__stressor_index(type);

	for (int i = 0; i < job->nr_options; i++) {
		const struct job_option *o = &job->options[i];

		/* only options of this entry's stressor type apply to it */
		if (o->owner != type_idx || strcmp(o->name, name))
			continue;
		/* the entry's own setting wins; otherwise the last setting of the type */
		if (o->entry == idx)
			return o->value;
		last = o->value;
	}
	return last;
}

const char *job__global(const struct job *job, const char *name)
{
	const char *v = NULL;

	for (int i = 0; i < job->nr_options; i++)
		if (job->options[i].owner < 0 && !strcmp(job->options[i].name, name))
			v = job->options[i].value;
	return v;
}

int job__instances(const struct job *job, int idx, int online_cpus)
{
	int64_t n = job->entries[idx].instances;

	return n <= 0 ? online_cpus : (int)(n > 4096 ? 4096 : n);
}

uint64_t job__ops_per_instance(const struct job *job, int idx, int online_cpus)
{
	char name[64];
	const char *v;
	uint64_t total;
	int inst = job__instances(job, idx, online_cpus);

	snprintf(name, sizeof(name), "%s-ops", job->entries[idx].stressor);
	v = job__option(job, idx, name);
	if (!v || !*v)
		return 0;
	total = strtoull(v, NULL, 10);
	if (!total)
		return 0;
	/* parallel runs split the budget across instances, rounding up */
	return job->sequential ? total : (total + (uint64_t)inst - 1) / (uint64_t)inst;
}
