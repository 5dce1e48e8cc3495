/*
 * What `scxlab compare` runs: policies x jobs x targets x repetitions and how, from its
 * options or from a matrix file (`--matrix FILE`: the same settings, one per line, '#'
 * comments; an unknown setting fails naming the file and line).
 */
#ifndef HARNESS_COMPARE_COMPARE_OPTS_H
#define HARNESS_COMPARE_COMPARE_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_ITEMS 32

struct compare_opts {
	char *policies[MAX_ITEMS];   /* sources; "default" is the baseline */
	int nr_policies;
	char *jobs[MAX_ITEMS];
	int nr_jobs;
	char *targets[4];
	int nr_targets;
	int reps, real_reps;
	const char *topology;
	const char *duration;
	const char *calibration;     /* for the simulator's runs */
	char *daemons[MAX_ITEMS];    /* "POLICY=DAEMON.c": a policy's user-space daemon */
	int nr_daemons;
	char *loaders[MAX_ITEMS];    /* "POLICY=FILE": a policy's loader profile, on every target */
	int nr_loaders;
	bool own_daemons;            /* run NAME.daemon.c beside NAME.bpf.c when it exists */
	const char *out;
	const char *junit;           /* --junit FILE */
	bool baseline, quiet, plots;
};

/* Split a comma list into @items (at most @max); -1 when it holds more. */
int compare_opts__split_max(char *list, char **items, int *n, int max);
/* The same with at most MAX_ITEMS items (the rest dropped). */
void compare_opts__split(char *list, char **items, int *n);
/* Read the matrix file @path into @o. */
int compare_opts__load_matrix(const char *path, struct compare_opts *o, char *err, size_t errlen);

#endif
