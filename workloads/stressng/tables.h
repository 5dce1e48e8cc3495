/*
 * stress-ng's own names (generated into tables.c from the stress-ng the project targets): every
 * stressor, and every long option with whether it takes an argument. Sorted, for bsearch.
 */
#ifndef WORKLOADS_STRESSNG_TABLES_H
#define WORKLOADS_STRESSNG_TABLES_H

struct stressng_option {
	const char *name;
	int takes_arg;
};

extern const char *const stressng_stressors[];
extern const int stressng_nr_stressors;
extern const struct stressng_option stressng_options[];
extern const int stressng_nr_options;

#endif
