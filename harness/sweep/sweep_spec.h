/*
 * Sweep files: policies x jobs x topologies x knob values x seeds x targets, expanded into a
 * numbered list of runs (docs/sweeps.md). The numbering is fixed by the file, so shards
 * (`--shard I/N` takes the runs with index % N == I - 1) on any machine agree on it.
 *
 *   policies default sched/scxl_vtime.bpf.c      ("default": the default scheduler)
 *   jobs workloads/jobs/smoke-3s.job builtin      ("builtin": the built-in workload)
 *   topologies 2cpu 8cpu-2llc
 *   knob slice_ns 1000000 5000000                 (repeatable; policy runs only)
 *   seeds 1-20
 *   targets sim
 *   duration 500ms
 *   daemon scxl_adapt sched/scxl_adapt.daemon.c   (a policy's user-space daemon)
 */
#ifndef HARNESS_SWEEP_SPEC_H
#define HARNESS_SWEEP_SPEC_H

#include <stddef.h>

#define SWEEP_MAX_ITEMS 64
#define SWEEP_MAX_KNOBS 8
/* The most runs a sweep may have: run folders are numbered with five digits (runs/NNNNN). */
#define SWEEP_MAX_RUNS 100000

struct sweep_knob {
	char name[64];
	char values[SWEEP_MAX_ITEMS][64];
	int nr_values;
};

struct sweep_spec {
	char path[1024];
	char policies[SWEEP_MAX_ITEMS][512];
	int nr_policies;
	char jobs[SWEEP_MAX_ITEMS][512];
	int nr_jobs;
	char topologies[SWEEP_MAX_ITEMS][128];
	int nr_topologies;
	char targets[4][72];        /* sim, host, vm or vm@KERNEL */
	int nr_targets;
	struct sweep_knob knobs[SWEEP_MAX_KNOBS];
	int nr_knobs;
	int seeds[1024];
	int nr_seeds;
	char duration[32];
	char daemon_policy[8][64];
	char daemon_src[8][512];
	int nr_daemons;
};

/* One run of the expansion. */
struct sweep_run {
	int index;
	const char *target, *topology, *job, *policy;
	char knobs[SWEEP_MAX_KNOBS][136];  /* "NAME=VALUE" */
	int nr_knobs;
	int seed;
};

/* Parse @path. 0, or -1 with "FILE:LINE: why" in @err. */
int sweep_spec__load(struct sweep_spec *s, const char *path, char *err, size_t errlen);
int sweep_spec__count(const struct sweep_spec *s);
/* Run @index of the expansion (0 <= index < count). */
void sweep_spec__run(const struct sweep_spec *s, int index, struct sweep_run *r);

#endif
