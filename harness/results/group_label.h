/*
 * What a comparison group's labels pack together, taken apart for tidy tables and sweep plots:
 * a sweep names its groups "POLICY+knob=value,knob=value" and "JOB@TOPOLOGY"; a plain compare
 * names them by policy and job only, and the knobs and topology come from the runs' inputs.
 */
#ifndef HARNESS_GROUP_LABEL_H
#define HARNESS_GROUP_LABEL_H

#include "harness/results/compare_summary.h"

#define GROUP_LABEL_MAX_KNOBS 8

struct group_label {
	char policy[64];        /* "scxl_vtime" */
	char job[64];           /* "smoke-3s" */
	char topology[64];      /* "2cpu", "8cpu-2llc", or the runs' topology spec; "" if unknown */
	int nr_knobs;
	struct { char name[48]; char value[64]; } knobs[GROUP_LABEL_MAX_KNOBS];
};

void group_label__parse(const struct group *g, struct group_label *out);
/* The value of knob @name, or NULL when the group did not set it. */
const char *group_label__knob(const struct group_label *l, const char *name);
/* Knob names set by any group of @s, sorted, at most @max; returns how many. */
int group_label__knob_names(const struct summary *s, char (*names)[48], int max);

/*
 * A knob value for people: a knob whose name ends in _ns (a time, by the convention of the
 * project's and scx's policies) is shown in the largest unit that keeps it whole or short
 * ("5ms", "2.5us", "20s"); any other value is returned as it is.
 */
void knob__human(const char *name, const char *value, char *out, size_t len);

#endif
